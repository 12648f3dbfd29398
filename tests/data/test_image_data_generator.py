"""ImageDataGenerator: random parameters, transforms, standardize, fit and flow, against the legacy class."""

from __future__ import annotations

import numpy as np
import pytest

from kerasdl.data import ImageDataGenerator, NumpyArrayIterator

legacy = pytest.importorskip("keras.src.legacy.preprocessing.image")
pytestmark = pytest.mark.filterwarnings("ignore:Please import .affine_transform.:DeprecationWarning")

PRESET = dict(
    rotation_range=40,
    width_shift_range=0.2,
    height_shift_range=0.2,
    shear_range=0.2,
    zoom_range=0.2,
    horizontal_flip=True,
    fill_mode="nearest",
)


@pytest.mark.parametrize(
    "kwargs",
    [
        PRESET,
        dict(width_shift_range=3, height_shift_range=[-2, 0, 5], vertical_flip=True, zoom_range=[0.5, 0.9]),
        dict(width_shift_range=4.0, channel_shift_range=20.0, brightness_range=(0.5, 1.5), rotation_range=10),
    ],
)
def test_get_random_transform_draws_the_legacy_parameters(kwargs):
    ours, old = ImageDataGenerator(**kwargs), legacy.ImageDataGenerator(**kwargs)
    for seed in range(5):
        a = ours.get_random_transform((20, 30, 3), seed=seed)
        b = old.get_random_transform((20, 30, 3), seed=seed)
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key]), key


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_apply_transform_matches_legacy(seed):
    kwargs = dict(PRESET, vertical_flip=True, channel_shift_range=15.0)
    ours, old = ImageDataGenerator(**kwargs), legacy.ImageDataGenerator(**kwargs)
    x = np.random.default_rng(seed).uniform(0, 255, (24, 20, 3)).astype("float32")
    params = old.get_random_transform(x.shape, seed=seed)
    expected = old.apply_transform(x, params)
    got = ours.apply_transform(x, params)
    assert got.shape == expected.shape and got.dtype == np.float32
    interior = (slice(3, -3), slice(3, -3))
    np.testing.assert_allclose(got[interior], expected[interior], atol=1e-2)
    assert np.mean(np.abs(got - expected) < 1e-2) > 0.99


def test_apply_transform_with_brightness_and_random_transform():
    x = np.random.default_rng(0).uniform(0, 255, (8, 8, 3)).astype("float32")
    params = {"brightness": 1.4, "theta": 15}
    ours = ImageDataGenerator().apply_transform(x, params)
    expected = legacy.ImageDataGenerator().apply_transform(x, params)
    assert np.abs(ours - expected).max() <= 1.0
    gen = ImageDataGenerator(rotation_range=30)
    np.testing.assert_array_equal(gen.random_transform(x, seed=3), gen.random_transform(x, seed=3))
    assert not np.array_equal(gen.random_transform(x, seed=3), x)
    with pytest.raises(ValueError, match=r"one image of shape \(height, width, channels\)"):
        gen.apply_transform(x[None], {})


def test_standardize_and_fit_match_legacy():
    x = np.random.default_rng(0).uniform(0, 255, (6, 5, 5, 3)).astype("float32")
    kwargs = dict(
        rescale=1 / 255, featurewise_center=True, featurewise_std_normalization=True, samplewise_center=True
    )
    ours, old = ImageDataGenerator(**kwargs), legacy.ImageDataGenerator(**kwargs)
    old.fit(x)
    ours.fit(x)
    np.testing.assert_allclose(ours.mean, old.mean, rtol=1e-5)
    np.testing.assert_allclose(ours.std, old.std, rtol=1e-5)
    batch = ours.standardize(x.copy())
    for i in range(len(x)):  # the legacy class standardizes one image at a time
        np.testing.assert_allclose(batch[i], old.standardize(x[i].copy()), rtol=1e-4, atol=1e-5)
    zca = ImageDataGenerator(zca_whitening=True)
    with pytest.warns(UserWarning, match="overrides"):  # the legacy class warns; kerasdl documents it
        old_zca = legacy.ImageDataGenerator(zca_whitening=True)
    old_zca.fit(x)
    zca.fit(x)
    np.testing.assert_allclose(zca.zca_whitening_matrix, old_zca.zca_whitening_matrix, rtol=1e-3, atol=1e-4)
    with pytest.warns(UserWarning, match="fit"):
        ImageDataGenerator(featurewise_center=True).standardize(x.copy())


def test_preprocessing_function_runs_per_image_before_rescale():
    seen = []

    def record(image):
        seen.append(image.shape)
        return image + 1.0

    gen = ImageDataGenerator(preprocessing_function=record, rescale=0.5)
    out = gen.standardize(np.zeros((3, 4, 4, 1), dtype="float32"))
    assert seen == [(4, 4, 1)] * 3
    np.testing.assert_allclose(out, 0.5)


@pytest.mark.multibackend
def test_flow_matches_legacy_without_augmentation_and_with_sample_weight():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (10, 6, 6, 3)).astype("uint8")
    y = np.arange(10) % 2
    w = rng.uniform(size=10)
    ours = ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=4, shuffle=False, sample_weight=w)
    old = legacy.ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=4, shuffle=False, sample_weight=w)
    assert isinstance(ours, NumpyArrayIterator) and len(ours) == len(old) == 3
    for i in range(3):
        for a, b in zip(ours[i], old[i]):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    extra = ImageDataGenerator().flow((x, y * 10), y, batch_size=5, shuffle=False)
    inputs, labels = extra[1]
    assert isinstance(inputs, list) and inputs[1].tolist() == (y[5:] * 10).tolist()


def test_flow_subsets_follow_validation_split():
    x = np.arange(20, dtype="float32").reshape(20, 1, 1, 1)
    y = np.tile([0, 1], 10)
    gen = ImageDataGenerator(validation_split=0.25)
    old = legacy.ImageDataGenerator(validation_split=0.25)
    for subset in ("training", "validation"):
        a = gen.flow(x, y, shuffle=False, subset=subset, batch_size=32)
        b = old.flow(x, y, shuffle=False, subset=subset, batch_size=32)
        np.testing.assert_array_equal(a[0][0], b[0][0])
    with pytest.raises(ValueError, match="different classes after the split"):
        gen.flow(x, np.repeat([0, 1], 10), subset="training")
    with pytest.raises(ValueError, match=r"needs a `validation_split`"):
        ImageDataGenerator().flow(x, y, subset="validation")


@pytest.mark.multibackend
def test_flow_augmentation_is_seeded_per_batch_and_epoch():
    x = np.random.default_rng(0).integers(0, 256, (8, 10, 10, 3)).astype("uint8")
    gen = ImageDataGenerator(**PRESET)
    a = gen.flow(x, batch_size=4, seed=7)
    b = gen.flow(x, batch_size=4, seed=7)
    np.testing.assert_array_equal(a[1], b[1])
    first = a[0]
    a.on_epoch_end()
    assert not np.array_equal(first, a[0])  # new epoch: new shuffle and new transforms
    assert not np.array_equal(gen.flow(x, batch_size=4, seed=8)[0], b[0])
    batches = [next(b) for _ in range(3)]  # next() cycles past the end, like the legacy iterators
    assert [len(batch) for batch in batches] == [4, 4, 4]
    assert all(0 <= v <= 255 for v in (float(first.min()), float(first.max())))


def test_flow_save_to_dir_writes_images(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (3, 6, 6, 3)).astype("uint8")
    it = ImageDataGenerator(horizontal_flip=True).flow(x, batch_size=3, save_to_dir=tmp_path, save_prefix="aug")
    it[0]
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 3 and all(n.startswith("aug_") and n.endswith(".png") for n in written)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(zoom_range="big"), r"`zoom_range` must be a float .*Received: zoom_range='big'"),
        (dict(rotation_range=-5), r"`rotation_range` must be a number >= 0. Received: rotation_range=-5"),
        (dict(fill_mode="mirror"), r"`fill_mode` must be one of .*Received: fill_mode='mirror'"),
        (dict(brightness_range=0.5), r"`brightness_range` must be a \(low, high\) pair"),
        (dict(validation_split=1.5), r"`validation_split` must be a fraction in \[0, 1\)"),
        (dict(width_shift_range=[[1]]), r"`width_shift_range` must be a float"),
        (dict(interpolation_order=3), r"`interpolation_order` must be 1"),
        (dict(data_format="channels_first"), r"channels-last images only"),
    ],
)
def test_constructor_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ImageDataGenerator(**kwargs)


def test_flow_input_errors():
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match=r"`x` must have rank 4.*Received: x.shape=\(5, 4, 4\)"):
        gen.flow(np.zeros((5, 4, 4)))
    with pytest.raises(ValueError, match=r"same length. Received: len\(x\)=5, len\(y\)=4"):
        gen.flow(np.zeros((5, 4, 4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="different sizes cannot be stacked"):
        gen.flow([np.zeros((4, 4, 3)), np.zeros((5, 5, 3))])
    with pytest.raises(TypeError, match=r"`batch_size` must be a positive integer"):
        gen.flow(np.zeros((5, 4, 4, 1)), batch_size=2.5)


def test_headline_name_and_public_exports():
    import kerasdl
    import kerasdl.data

    assert kerasdl.ImageDataGenerator is ImageDataGenerator
    assert {"ImageDataGenerator", "DirectoryIterator", "DataFrameIterator", "NumpyArrayIterator"} <= set(
        kerasdl.data.__all__
    )
