"""image_dataset: tf.data pipelines from folders, DataFrames and arrays."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from kerasdl.data import augmentation_layers, image_dataset
from kerasdl.datasets import make_image_folder

pytestmark = pytest.mark.filterwarnings("ignore:.*`shuffle=True` was passed.*:UserWarning")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_image_folder(tmp_path_factory.mktemp("imgs"), ("cats", "dogs"), num_per_class=6, image_size=(12, 10))


def _all(ds):
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds])
    return np.concatenate(xs), np.concatenate(ys)


@pytest.mark.tensorflow_only
def test_directory_split_matches_keras_and_is_disjoint(folder):
    train, val = image_dataset(folder, (8, 8), batch_size=4, validation_split=0.25, seed=3)
    x_train, y_train = _all(train)
    x_val, y_val = _all(val)
    assert x_train.shape == (9, 8, 8, 3) and x_val.shape == (3, 8, 8, 3)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int32
    assert train.class_names == val.class_names == ["cats", "dogs"]
    # Same split as keras.utils.image_dataset_from_directory with the same seed.
    ref = keras.utils.image_dataset_from_directory(folder, image_size=(8, 8), batch_size=None, seed=3,
                                                   validation_split=0.25, subset="validation", verbose=False)
    ref_x = np.stack([x.numpy() for x, _ in ref])
    np.testing.assert_allclose(np.sort(x_val.reshape(3, -1).sum(1)), np.sort(ref_x.reshape(3, -1).sum(1)), rtol=1e-5)
    # Separate calls with the same seed give the same split as "both".
    val_only = image_dataset(folder, (8, 8), validation_split=0.25, subset="validation", seed=3)
    np.testing.assert_allclose(_all(val_only)[0], x_val)
    # No split: the whole folder; label modes.
    whole = image_dataset(folder, (8, 8), batch_size=5, label_mode="categorical", shuffle=False)
    x, y = _all(whole)
    assert x.shape == (12, 8, 8, 3) and y.shape == (12, 2) and y.sum() == 12
    binary = next(iter(image_dataset(folder, (8, 8), label_mode="binary", color_mode="grayscale")))
    assert binary[0].shape[-1] == 1 and binary[1].shape == (12, 1) and binary[1].dtype == "float32"


@pytest.mark.tensorflow_only
def test_augmentation_only_on_training_and_rescale_everywhere(folder):
    calls = []

    def spy(x, training=True):
        calls.append(training)
        return x * 0 + 7.0

    train, val = image_dataset(folder, (8, 8), validation_split=0.5, seed=0, augment=spy)
    assert np.all(_all(train)[0] == 7.0)
    assert not np.any(_all(val)[0] == 7.0)
    assert calls == [True]  # traced once into the training map
    train, val = image_dataset(folder, (8, 8), validation_split=0.5, seed=0,
                               augment=dict(horizontal_flip=True, rescale=1 / 255))
    assert _all(train)[0].max() <= 1.0 and 0.2 < _all(val)[0].max() <= 1.0  # rescale applies to both


@pytest.mark.tensorflow_only
def test_cache_and_shuffle_each_epoch(folder):
    ds = image_dataset(folder, (8, 8), batch_size=12, seed=1)
    first, second = (next(iter(ds))[0].numpy().reshape(12, -1).sum(1) for _ in range(2))
    assert not np.array_equal(first, second)  # reshuffled each epoch
    np.testing.assert_allclose(np.sort(first), np.sort(second), rtol=1e-6)  # same images (cached)
    fixed = image_dataset(folder, (8, 8), batch_size=12, shuffle=False, cache=False)
    a, b = (next(iter(fixed))[1].numpy() for _ in range(2))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, [0] * 6 + [1] * 6)


@pytest.mark.tensorflow_only
def test_dataframe_source(folder, tmp_path):
    files = sorted(p for p in folder.rglob("*.jpg"))
    frame = pd.DataFrame({"path": [str(p.relative_to(folder)) for p in files],
                          "label": [p.parent.name for p in files], "other": 0})
    ds = image_dataset(frame, (8, 8), batch_size=4, x_col="path", y_col="label", directory=folder,
                       label_mode="categorical", shuffle=False)
    x, y = _all(ds)
    assert x.shape == (12, 8, 8, 3) and ds.class_names == ["cats", "dogs"]
    direct = image_dataset(folder, (8, 8), shuffle=False, label_mode="categorical")
    np.testing.assert_allclose(x, _all(direct)[0], atol=1e-3)  # same decode + resize as Keras
    np.testing.assert_array_equal(y, _all(direct)[1])
    train, val = image_dataset(frame, (8, 8), x_col="path", y_col="label", directory=folder,
                               validation_split=0.25, seed=0, augment={"rotation_range": 10})
    assert len(_all(train)[0]) == 9 and len(_all(val)[0]) == 3
    with pytest.raises(ValueError, match=r"no column\(s\) \['filename', 'class'\]. Available columns: \['path', 'label', 'other'\]"):
        image_dataset(frame, (8, 8))
    with pytest.raises(ValueError, match="1 image file\\(s\\) in column 'path' do not exist"):
        image_dataset(frame.assign(path=["missing.jpg"] + list(frame.path[1:])), (8, 8), x_col="path",
                      y_col="label", directory=folder)
    with pytest.raises(ValueError, match="label_mode='binary' needs exactly 2 classes; found 3"):
        image_dataset(frame.assign(label=["a", "b", "c"] * 4), (8, 8), x_col="path", y_col="label",
                      directory=folder, label_mode="binary")


@pytest.mark.multibackend
def test_arrays_source_feeds_fit_on_every_backend():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (24, 10, 10)).astype("uint8")
    y = np.arange(24) % 3
    train, val = image_dataset((x, y), (8, 8), batch_size=6, validation_split=0.25, seed=1,
                               augment=dict(rotation_range=20, horizontal_flip=True, rescale=1 / 255))
    images, labels = next(iter(train))
    assert tuple(images.shape) == (6, 8, 8, 1) and tuple(labels.shape) == (6,)
    assert train.class_names == ["0", "1", "2"]
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=1, verbose=0)
    assert set(history.history) >= {"loss", "val_loss"}
    only_x = image_dataset(x, batch_size=8, shuffle=False)
    assert tuple(next(iter(only_x)).shape) == (8, 10, 10, 1)


@pytest.mark.multibackend
def test_augmentation_layers_in_tf_data_on_every_backend():
    x = np.full((8, 12, 12, 3), 200.0, "float32")
    aug = augmentation_layers(rotation_range=30, zoom_range=0.1, horizontal_flip=True, brightness_range=(0.5, 0.5))
    ds = image_dataset(x, batch_size=4, augment=aug, label_mode=None)  # a Sequential: made a Pipeline off TF
    out = np.concatenate([b.numpy() for b in ds])
    np.testing.assert_allclose(out, 100.0, rtol=1e-4)  # flat image: only the brightness shows


def test_bad_input_errors(folder, tmp_path):
    with pytest.raises(ValueError, match="`image_size` must have 2 dimensions such as \\(150, 150\\)"):
        image_dataset(folder, (8, 8, 3))
    with pytest.raises(TypeError, match="`image_size` must be a tuple of positive integers"):
        image_dataset(folder, 8)
    with pytest.raises(ValueError, match="`image_size` is required for a directory"):
        image_dataset(folder)
    with pytest.raises(ValueError, match="no such directory"):
        image_dataset(tmp_path / "nope", (8, 8))
    (tmp_path / "flat").mkdir()
    with pytest.raises(ValueError, match="has no class subfolders"):
        image_dataset(tmp_path / "flat", (8, 8))
    root = make_image_folder(tmp_path / "some", ("a", "b"), num_per_class=1, image_size=(8, 8))
    (root / "empty").mkdir()
    (root / "b" / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match=r"Class folders without images .*: \['empty'\]"):
        image_dataset(root, (8, 8))
    with pytest.raises(ValueError, match="`subset` needs `validation_split`"):
        image_dataset(folder, (8, 8), subset="training")
    with pytest.raises(ValueError, match="`seed` must be set when `subset` is 'training'"):
        image_dataset(folder, (8, 8), validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="`subset` must be one of None, 'training', 'validation', 'both'"):
        image_dataset(folder, (8, 8), validation_split=0.2, subset="train")
    with pytest.raises(ValueError, match="`validation_split` must be in \\(0, 1\\)"):
        image_dataset(folder, (8, 8), validation_split=1.5)
    with pytest.raises(ValueError, match="`label_mode` must be one of 'int', 'categorical', 'binary', None"):
        image_dataset(folder, (8, 8), label_mode="sparse")
    with pytest.raises(ValueError, match=r"no augmentation layer: \['featurewise_center'\]"):
        image_dataset(folder, (8, 8), augment={"featurewise_center": True})
    with pytest.raises(TypeError, match="`augment` must be None, a dict"):
        image_dataset(folder, (8, 8), augment=3)
    with pytest.raises(TypeError, match="`source` must be a directory path, a pandas DataFrame"):
        image_dataset(42, (8, 8))
    with pytest.raises(ValueError, match="must be images of shape \\(samples, height, width"):
        image_dataset(np.zeros((3, 4)), (8, 8))
    with pytest.raises(ValueError, match="`x` and `y` must have the same length"):
        image_dataset((np.zeros((3, 4, 4)), np.zeros(2)))


@pytest.mark.tensorflow_only
def test_corrupt_files_raise_or_are_skipped(tmp_path):
    root = make_image_folder(tmp_path / "imgs", ("a", "b"), num_per_class=3, image_size=(10, 10))
    (root / "a" / "broken.jpg").write_bytes(b"not a jpeg")
    good = (root / "b" / "b.0.jpg").read_bytes()
    (root / "b" / "truncated.jpg").write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match=r"(?s)2 image file\(s\) cannot be decoded.*broken.jpg.*truncated.jpg"):
        image_dataset(root, (8, 8))
    with pytest.warns(UserWarning, match="Skipping unreadable image file") as record:
        ds = image_dataset(root, (8, 8), on_error="skip", shuffle=False)
    messages = " ".join(str(w.message) for w in record)
    assert "broken.jpg" in messages and "truncated.jpg" in messages
    x, y = _all(ds)
    assert x.shape == (6, 8, 8, 3) and ds.class_names == ["a", "b"]
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 1])
    frame = pd.DataFrame({"filename": [str(p) for p in sorted(root.rglob("*.jpg"))]}).assign(
        **{"class": lambda f: [p.split("/")[-2] for p in f.filename]})
    with pytest.raises(ValueError, match="cannot be decoded"):
        image_dataset(frame, (8, 8))
    with pytest.raises(ValueError, match="`on_error` must be one of 'raise', 'skip'"):
        image_dataset(root, (8, 8), on_error="ignore")
