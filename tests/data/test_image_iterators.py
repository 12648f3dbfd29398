"""flow_from_directory / flow_from_dataframe against the legacy iterators, bad input, and model.fit."""

from __future__ import annotations

import os
import warnings

import keras
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kerasdl.data import DataFrameIterator, DirectoryIterator, ImageDataGenerator
from kerasdl.datasets import make_image_folder

legacy = pytest.importorskip("keras.src.legacy.preprocessing.image")
pytestmark = pytest.mark.filterwarnings("ignore:Please import .affine_transform.:DeprecationWarning")


@pytest.fixture
def folder(tmp_path):
    # Unsorted class names, a nested sub-folder, a non-image file, non-square images.
    root = make_image_folder(tmp_path / "images", classes=("dogs", "birds", "cats"), num_per_class=7,
                             image_size=(12, 10))
    make_image_folder(root / "cats" / "more", classes=("x",), num_per_class=2, image_size=(12, 10),
                      image_format="png", seed=5)
    (root / "dogs" / "notes.txt").write_text("not an image")
    return root


def _batches(iterator):
    return [iterator[i] for i in range(len(iterator))]


def _assert_same(a, b):
    if isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b)
        for u, v in zip(a, b):
            _assert_same(u, v)
    else:
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype, (a.dtype, b.dtype)
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.multibackend
@pytest.mark.parametrize("subset", [None, "training", "validation"])
def test_directory_discovery_matches_legacy(folder, subset):
    kwargs = dict(validation_split=0.3)
    ours = ImageDataGenerator(**kwargs).flow_from_directory(folder, target_size=(8, 9), subset=subset)
    old = legacy.ImageDataGenerator(**kwargs).flow_from_directory(folder, target_size=(8, 9), subset=subset)
    assert isinstance(ours, DirectoryIterator) and isinstance(ours, keras.utils.PyDataset)
    assert ours.class_indices == old.class_indices == {"birds": 0, "cats": 1, "dogs": 2}
    assert ours.filenames == old.filenames
    np.testing.assert_array_equal(ours.classes, old.classes)
    assert ours.classes.dtype == old.classes.dtype
    assert ours.samples == ours.n == old.samples and len(ours) == len(old)
    assert ours.image_shape == old.image_shape == (8, 9, 3)
    assert ours.filepaths == old.filepaths
    assert set(ours.white_list_formats) == set(old.white_list_formats)


@pytest.mark.parametrize("class_mode", ["categorical", "sparse", "input", None])
@pytest.mark.parametrize("color_mode", ["rgb", "grayscale", "rgba"])
def test_directory_batches_equal_legacy_without_augmentation(folder, class_mode, color_mode):
    kwargs = dict(rescale=1 / 255)
    flow = dict(target_size=(8, 9), class_mode=class_mode, color_mode=color_mode, shuffle=False, batch_size=5,
                interpolation="bilinear")
    ours = ImageDataGenerator(**kwargs).flow_from_directory(folder, **flow)
    old = legacy.ImageDataGenerator(**kwargs).flow_from_directory(folder, **flow)
    for a, b in zip(_batches(ours), _batches(old)):
        _assert_same(a, b)


@pytest.mark.parametrize("keep_aspect_ratio", [False, True])
def test_binary_mode_and_explicit_classes(folder, keep_aspect_ratio):
    flow = dict(target_size=(6, 9), class_mode="binary", classes=["dogs", "cats"], shuffle=False, batch_size=4,
                keep_aspect_ratio=keep_aspect_ratio)
    ours = ImageDataGenerator().flow_from_directory(folder, **flow)
    old = legacy.ImageDataGenerator().flow_from_directory(folder, **flow)
    assert ours.class_indices == {"dogs": 0, "cats": 1} and ours.filenames == old.filenames
    for a, b in zip(_batches(ours), _batches(old)):
        _assert_same(a, b)


def _frame(folder):
    ours = ImageDataGenerator().flow_from_directory(folder, target_size=(4, 4), shuffle=False)
    names = {0: "bird", 1: "cat", 2: "dog"}
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "filename": ours.filenames,
        "class": [names[c] for c in ours.classes],
        "tags": [[names[c], "animal"] if i % 3 else [names[c]] for i, c in enumerate(ours.classes)],
        "size": rng.uniform(size=ours.samples),
        "age": rng.integers(0, 9, ours.samples),
        "weight": rng.uniform(0.5, 2.0, ours.samples),
    })


@pytest.mark.parametrize(
    "class_mode,y_col,classes",
    [
        ("categorical", "class", None),
        ("categorical", "tags", None),
        ("sparse", "class", None),
        ("binary", "class", ["cat", "dog"]),
        ("raw", "size", None),
        ("raw", ["size", "age"], None),
        ("multi_output", ["size", "age"], None),
        ("input", "class", None),
        (None, "class", None),
    ],
)
def test_dataframe_class_modes_equal_legacy(folder, class_mode, y_col, classes):
    df = _frame(folder)
    gen = dict(rescale=1 / 255, validation_split=0.25)
    flow = dict(directory=str(folder), y_col=y_col, class_mode=class_mode, classes=classes, target_size=(6, 5),
                shuffle=False, batch_size=8, weight_col="weight", subset="training")
    ours = ImageDataGenerator(**gen).flow_from_dataframe(df, **flow)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = legacy.ImageDataGenerator(**gen).flow_from_dataframe(df, **flow)
    assert isinstance(ours, DataFrameIterator)
    assert ours.filenames == old.filenames and ours.samples == old.samples
    if class_mode not in ("raw", "multi_output", "input", None):
        assert ours.class_indices == old.class_indices
        assert [np.asarray(c).tolist() for c in ours.classes] == [np.asarray(c).tolist() for c in old.classes]
    for a, b in zip(_batches(ours), _batches(old)):
        _assert_same(a, b)


def test_dataframe_missing_columns_and_bad_labels(folder):
    df = _frame(folder)
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"`x_col` names column\(s\) \['path'\].*Received: x_col='path'"):
        gen.flow_from_dataframe(df, folder, x_col="path")
    with pytest.raises(ValueError, match=r"`y_col` names column\(s\) \['label'\]"):
        gen.flow_from_dataframe(df, folder, y_col="label")
    with pytest.raises(ValueError, match=r"`weight_col` names column\(s\) \['w'\]"):
        gen.flow_from_dataframe(df, folder, weight_col="w")
    with pytest.raises(TypeError, match=r"values of y_col='age' must be strings"):
        gen.flow_from_dataframe(df, folder, y_col="age", class_mode="sparse")
    with pytest.raises(ValueError, match=r"exactly 2 classes; found 3"):
        gen.flow_from_dataframe(df, folder, class_mode="binary")
    with pytest.raises(TypeError, match=r"`y_col` must be a list"):
        gen.flow_from_dataframe(df, folder, y_col="size", class_mode="multi_output")
    with pytest.raises(TypeError, match=r"must be a pandas DataFrame"):
        gen.flow_from_dataframe({"filename": []}, folder)
    missing = pd.concat([df, pd.DataFrame({"filename": ["ghost.jpg"], "class": ["cat"]})], ignore_index=True)
    with pytest.warns(UserWarning, match=r"1 invalid image filename.*'ghost.jpg'"):
        it = gen.flow_from_dataframe(missing, folder, target_size=(4, 4))
    assert it.samples == len(df)


def _write_bad_files(root):
    good = next((root / "cats").glob("*.jpg"))
    data = good.read_bytes()
    (root / "cats" / "truncated.jpg").write_bytes(data[: len(data) // 2])
    (root / "dogs" / "text.png").write_bytes(b"this is not a png")
    return ["truncated.jpg", "text.png"]


def test_corrupt_files_raise_up_front_or_are_skipped_with_a_warning(folder):
    names = _write_bad_files(folder)
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"(?s)2 image file\(s\) cannot be decoded.*truncated.jpg.*text.png: not"):
        gen.flow_from_directory(folder, target_size=(6, 6))
    with pytest.warns(UserWarning) as record:
        it = gen.flow_from_directory(folder, target_size=(6, 6), on_error="skip", batch_size=64)
    skipped = [str(w.message) for w in record if "Skipping unreadable" in str(w.message)]
    assert len(skipped) == 2 and all(any(n in m for m in skipped) for n in names)
    assert not any(n in f for n in names for f in it.filenames)
    assert it[0][0].shape == (it.samples, 6, 6, 3)  # the whole epoch loads
    df = pd.DataFrame({"filename": ["cats/truncated.jpg", "cats/cats.0.jpg"], "class": ["cat", "cat"]})
    with pytest.raises(ValueError, match="truncated.jpg"):
        gen.flow_from_dataframe(df, folder)


def test_folder_errors(tmp_path, folder):
    gen = ImageDataGenerator()
    with pytest.raises(FileNotFoundError, match=r"Received: directory="):
        gen.flow_from_directory(tmp_path / "nope")
    (tmp_path / "flat").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "flat" / "a.png")
    with pytest.raises(ValueError, match=r"no class sub-folders"):
        gen.flow_from_directory(tmp_path / "flat")
    (folder / "empty").mkdir()
    with pytest.raises(ValueError, match=r"class folder .*empty.* holds no image files"):
        gen.flow_from_directory(folder)
    with pytest.warns(UserWarning, match=r"class 'empty' has no samples"):
        it = gen.flow_from_directory(folder, target_size=(4, 4), on_error="skip")
    assert "empty" in it.class_indices
    with pytest.raises(ValueError, match=r"`classes` names a folder that does not exist"):
        gen.flow_from_directory(folder, classes=["cats", "horses"])
    for bad in (150, (150, 150, 3), (0, 5), "150x150"):
        with pytest.raises(ValueError, match=r"`target_size` must be a \(height, width\) tuple"):
            gen.flow_from_directory(folder, target_size=bad)
    with pytest.raises(ValueError, match=r"`color_mode` must be one of 'rgb', 'rgba', 'grayscale'"):
        gen.flow_from_directory(folder, color_mode="bgr")
    with pytest.raises(ValueError, match=r"`class_mode` must be one of"):
        gen.flow_from_directory(folder, class_mode="multi_output")
    with pytest.raises(ValueError, match=r"`subset='validation'` needs a `validation_split`"):
        gen.flow_from_directory(folder, subset="validation")
    with pytest.raises(ValueError, match=r"class_mode='binary' needs exactly 2 class folders; found 4"):
        gen.flow_from_directory(folder, class_mode="binary")


def test_mixed_colour_modes_warn_once_and_convert(tmp_path):
    for mode, name in (("L", "gray.png"), ("RGBA", "alpha.png"), ("RGB", "rgb.png")):
        (tmp_path / "a").mkdir(exist_ok=True)
        Image.new(mode, (5, 5), 128 if mode == "L" else (1, 2, 3, 0)[: len(mode)]).save(tmp_path / "a" / name)
    with pytest.warns(UserWarning, match=r"mix colour modes \(L: 1, RGB: 1, RGBA: 1\).*color_mode='rgb'"):
        it = ImageDataGenerator().flow_from_directory(tmp_path, target_size=(5, 5), shuffle=False)
    assert it[0][0].shape == (3, 5, 5, 3)


def test_save_to_dir_writes_augmented_images(folder, tmp_path):
    out = tmp_path / "augmented"
    it = ImageDataGenerator(rotation_range=20).flow_from_directory(
        folder, target_size=(8, 8), batch_size=4, save_to_dir=out, save_prefix="aug", save_format="jpeg"
    )
    it[0]
    files = sorted(os.listdir(out))
    assert len(files) == 4 and all(f.startswith("aug_") and f.endswith(".jpeg") for f in files)
    assert not [f for f in files if ".tmp" in f]


@pytest.mark.multibackend
def test_model_fit_on_directory_iterators_with_validation(folder):
    gen = ImageDataGenerator(rescale=1 / 255, rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                             shear_range=0.2, zoom_range=0.2, horizontal_flip=True, validation_split=0.3)
    train = gen.flow_from_directory(folder, target_size=(8, 8), batch_size=4, subset="training", seed=0,
                                    workers=2)
    val = gen.flow_from_directory(folder, target_size=(8, 8), batch_size=4, subset="validation", shuffle=False)
    model = keras.Sequential([
        keras.Input((8, 8, 3)),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=2, verbose=0)
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["val_loss"]).all()
    assert train.epoch >= 1  # on_epoch_end reshuffled


@pytest.mark.parametrize("color_mode", ["rgb", "rgba", "grayscale"])
def test_packed_decoding_equals_plain_decoding(folder, color_mode):
    from kerasdl.data.image_files import list_image_files, load_images

    paths = [os.path.join(folder, name) for name in list_image_files(str(folder))]
    kwargs = dict(color_mode=color_mode, target_size=(8, 9), interpolation="bilinear")
    plain, packed = load_images(paths, **kwargs), load_images(paths, packed=True, **kwargs)
    assert packed.shape == plain.shape == (len(paths), 8, 9, {"rgb": 3, "rgba": 4, "grayscale": 1}[color_mode])
    np.testing.assert_array_equal(packed, plain)


PRESET = dict(rescale=1 / 255, rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
              shear_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode="nearest")


@pytest.mark.parametrize("warp", ["numba", "numpy"])
@pytest.mark.parametrize(
    "options", [PRESET, dict(PRESET, channel_shift_range=20.0), dict(rescale=1 / 255, horizontal_flip=True)]
)
def test_decoding_inside_the_warp_equals_decoding_first(folder, monkeypatch, warp, options):
    # flow_from_directory decodes each chunk of a batch inside the warp's own pool task (compiled
    # path), or all images first (NumPy path, identity transforms): the batch must be exactly what
    # decoding everything and then augmenting with the same random draws gives.
    from kerasdl.data import transforms
    from kerasdl.data.image_files import load_images

    monkeypatch.setenv(transforms.WARP_ENV, warp)
    generator = ImageDataGenerator(**options)
    iterator = generator.flow_from_directory(folder, target_size=(8, 9), batch_size=9, seed=3, class_mode="sparse")
    for idx in range(len(iterator)):
        x, y = iterator[idx]
        indices = iterator.index_array[9 * idx : 9 * (idx + 1)]
        raw = load_images([iterator.filepaths[i] for i in indices], packed=True, target_size=(8, 9))
        expected = generator._transform_batch(raw, np.random.default_rng([3, iterator.epoch, idx]))
        np.testing.assert_array_equal(x, expected)
        np.testing.assert_array_equal(y, iterator.classes[indices])


def test_file_broken_after_the_scan_fails_with_its_name(folder):
    # Files are checked when the iterator is built; one that breaks later fails in the batch that
    # reads it, naming it, whichever thread decoded it.
    iterator = ImageDataGenerator(**PRESET).flow_from_directory(folder, target_size=(8, 9), shuffle=False)
    broken = iterator.filepaths[4]
    with open(broken, "wb") as handle:
        handle.write(b"\xff\xd8 truncated")
    with pytest.raises(ValueError, match="Could not read the image file .*" + os.path.basename(broken)):
        iterator[0]


def test_model_fit_with_worker_processes(folder, tmp_path):
    # use_multiprocessing=True: Keras forks worker processes that each run the decoding pool and the
    # compiled warp. Run in a fresh interpreter so that the fork does not copy pytest's state.
    import subprocess
    import sys

    code = (
        "import sys, numpy as np, keras\n"
        "from kerasdl.data import ImageDataGenerator\n"
        "gen = ImageDataGenerator(rescale=1 / 255, rotation_range=40, horizontal_flip=True)\n"
        "it = gen.flow_from_directory(sys.argv[1], target_size=(8, 8), batch_size=4, seed=0, workers=2,\n"
        "                             use_multiprocessing=True)\n"
        "model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(),\n"
        "                          keras.layers.Dense(3, activation='softmax')])\n"
        "model.compile('adam', 'categorical_crossentropy')\n"
        "history = model.fit(it, epochs=2, verbose=0)\n"
        "assert len(history.history['loss']) == 2 and np.isfinite(history.history['loss']).all()\n"
        "print('OK', history.history['loss'])\n"
    )
    env = dict(os.environ, KERAS_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", code, str(folder)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and "OK" in result.stdout, result.stdout + result.stderr[-3000:]
