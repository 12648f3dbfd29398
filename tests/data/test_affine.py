"""RandomAffine: the legacy ImageDataGenerator's composed warp, as one Keras layer."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.data import augmentation_layers
from kerasdl.data.affine import RandomAffine, legacy_affine_transform

pytestmark = pytest.mark.filterwarnings("ignore:.*scipy.ndimage.interpolation.*:DeprecationWarning")

SIZE = 24


def _smooth_image():
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    return np.stack([np.sin(xx / 4.0) * 100 + 120, np.cos(yy / 5.0) * 100 + 120, (xx + 2 * yy) * 2.0],
                    -1).astype("float32")


PARAMS = [
    dict(theta=25),
    dict(tx=3, ty=-5),
    dict(shear=15),
    dict(zx=0.8, zy=1.2),
    dict(flip_horizontal=True),
    dict(flip_vertical=True),
    dict(theta=-30, tx=2, ty=-3, shear=10, zx=0.9, zy=1.1, flip_horizontal=True, flip_vertical=True),
]


@pytest.mark.parametrize(
    "fill_mode", [pytest.param("nearest", marks=pytest.mark.multibackend), "constant", "reflect"]
)
def test_transform_reproduces_legacy_apply_transform(fill_mode):
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    image = _smooth_image()
    legacy = ImageDataGenerator(fill_mode=fill_mode, cval=9.0)
    if fill_mode == "reflect" and keras.backend.backend() == "torch":
        pytest.skip("PyTorch turns 'reflect' into 'mirror' (documented)")
    for params in PARAMS:
        expected = legacy.apply_transform(image, params)
        row = legacy_affine_transform(
            np, *(np.array([float(params.get(k, d))]) for k, d in
                  (("theta", 0), ("tx", 0), ("ty", 0), ("shear", 0), ("zx", 1), ("zy", 1))),
            np.array([-1.0 if params.get("flip_horizontal") else 1.0]),
            np.array([-1.0 if params.get("flip_vertical") else 1.0]), SIZE, SIZE,
        ).astype("float32")
        ours = keras.ops.convert_to_numpy(
            keras.ops.image.affine_transform(image[None], row, fill_mode=fill_mode, fill_value=9.0)
        )[0]
        keep = np.ones(image.shape[:2], bool)
        if fill_mode == "constant":
            # SciPy fills every sample beyond the outer pixel centres; Keras blends the
            # fill value into the one-pixel border band: compare away from the fill.
            from scipy import ndimage

            keep = ~ndimage.binary_dilation(np.all(expected == 9.0, axis=-1), iterations=2)
            assert keep.mean() > 0.4
        np.testing.assert_allclose(ours[keep], expected[keep], atol=0.05, err_msg=str(params))


@pytest.mark.multibackend
def test_layer_draws_legacy_ranges():
    point = np.zeros((1, 33, 33, 1), np.float32)
    point[0, 6, 16, 0] = 255.0
    layer = RandomAffine(rotation_range=30, fill_mode="constant", seed=1)
    out = keras.ops.convert_to_numpy(layer(np.repeat(point, 32, 0), training=True))[..., 0]
    rows, cols = np.indices((33, 33))
    angles = [np.degrees(np.arctan2(16 - (rows * o).sum() / o.sum(), (cols * o).sum() / o.sum() - 16)) - 90 for o in out]
    assert np.abs(angles).max() <= 30.5 and np.abs(angles).max() > 20 and np.std(angles) > 8
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(point, training=False)), point)
    assert tuple(layer(point[0], training=True).shape) == (33, 33, 1)  # unbatched input


def test_layer_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((33, 33, 1)), RandomAffine(10, 0.1, 0.1, 5, (0.9, 1.1), True, True, seed=2)])
    model.save(tmp_path / "m.keras")
    clone = keras.models.load_model(tmp_path / "m.keras").layers[0]
    assert (clone.rotation_range, clone.zoom_range, clone.vertical_flip, clone.seed) == (10.0, (0.9, 1.1), True, 2)


def test_fused_augmentation_layers():
    aug = augmentation_layers(rotation_range=40, width_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
                              horizontal_flip=True, brightness_range=(0.9, 1.1), rescale=1 / 255, fused=True, seed=5)
    assert [type(layer).__name__ for layer in aug.layers] == ["RandomAffine", "RandomBrightnessScale", "Rescaling"]
    affine = aug.layers[0]
    assert (affine.rotation_range, affine.width_shift_range, affine.shear_range) == (40.0, 0.2, 0.2)
    assert affine.zoom_range == pytest.approx((0.8, 1.2)) and affine.horizontal_flip and not affine.vertical_flip
    assert [type(layer).__name__ for layer in augmentation_layers(rescale=0.5, fused=True).layers] == ["Rescaling"]


@pytest.mark.tensorflow_only
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="the XLA warp is the TensorFlow fast path")
@pytest.mark.parametrize("fill_mode", ["nearest", "constant"])
def test_xla_warp_matches_keras_affine_transform(fill_mode):
    from kerasdl.data.affine import _tf_warp

    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (6, 13, 17, 3)).astype("float32")
    n = len(images)
    transform = legacy_affine_transform(
        np, rng.uniform(-60, 60, n), rng.uniform(-8, 8, n), rng.uniform(-8, 8, n), rng.uniform(-30, 30, n),
        rng.uniform(0.5, 1.6, n), rng.uniform(0.5, 1.6, n), np.sign(rng.uniform(-1, 1, n)),
        np.sign(rng.uniform(-1, 1, n)), 13, 17,
    ).astype("float32")
    ours = np.asarray(_tf_warp(images, transform, fill_mode, 7.0))
    native = keras.ops.convert_to_numpy(keras.ops.image.affine_transform(images, transform, fill_mode=fill_mode, fill_value=7.0))
    np.testing.assert_allclose(ours, native, atol=2e-3)
    layer = RandomAffine(40, 0.2, 0.2, 10, (0.8, 1.2), True, fill_mode=fill_mode, seed=0)
    assert layer(images, training=True).shape == images.shape


def test_falls_back_to_the_native_warp_without_xla(monkeypatch):
    import kerasdl.data.affine as affine

    images = np.random.default_rng(1).uniform(0, 255, (2, 9, 9, 3)).astype("float32")
    monkeypatch.setattr(affine, "_XLA_OK", [False])
    monkeypatch.setattr(affine, "_tf_warp", lambda *a, **k: pytest.fail("XLA path used"))
    out = RandomAffine(30, fill_mode="nearest", seed=0)(images, training=True)
    assert tuple(out.shape) == images.shape
