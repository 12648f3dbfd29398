"""augmentation_layers: ImageDataGenerator arguments mapped onto Keras layers.

The legacy generator (``keras.src.legacy``; tests only) is the oracle: single
bright points are transformed by both and their positions compared.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from kerasdl.data.augmentation import RandomBrightnessScale, as_pipeline, augmentation_layers

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*scipy.ndimage.interpolation.*:DeprecationWarning"),
]

SIZE = 33  # odd: the centre is pixel (16, 16) for both implementations
CENTRE = (SIZE - 1) / 2


def _legacy(**kwargs):
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    return ImageDataGenerator(**kwargs)


def _point(row, col, value=255.0):
    image = np.zeros((SIZE, SIZE, 1), np.float32)
    image[row, col, 0] = value
    return image


def _centroid(image):
    a = np.asarray(keras.ops.convert_to_numpy(image), np.float64)[..., 0]
    total = a.sum()
    rows, cols = np.indices(a.shape)
    return (rows * a).sum() / total, (cols * a).sum() / total


def _run(layer, images):
    return keras.ops.convert_to_numpy(layer(np.asarray(images, np.float32), training=True))


def _angles(points):
    """Angle (degrees, counter-clockwise, image rows pointing down) of each point around the centre."""
    return np.array([math.degrees(math.atan2(CENTRE - r, c - CENTRE)) for r, c in points])


def test_each_argument_adds_the_right_layer_and_factors():
    aug = augmentation_layers(
        rotation_range=40, width_shift_range=0.2, height_shift_range=0.1, shear_range=30,
        zoom_range=0.25, horizontal_flip=True, vertical_flip=True, brightness_range=(0.6, 1.4),
        fill_mode="constant", cval=7, rescale=1 / 255, seed=3,
    )
    names = [layer.__class__.__name__ for layer in aug.layers]
    assert names == ["RandomRotation", "RandomTranslation", "RandomShear", "RandomZoom",
                     "RandomFlip", "RandomFlip", "RandomBrightnessScale", "Rescaling"]
    rotation, translation, shear, zoom, hflip, vflip, brightness, rescaling = aug.layers
    np.testing.assert_allclose(rotation.factor, (-40 / 360, 40 / 360))
    np.testing.assert_allclose(translation.width_factor, (-0.2, 0.2))
    np.testing.assert_allclose(translation.height_factor, (-0.1, 0.1))
    np.testing.assert_allclose(shear.x_factor, (-0.5, 0.5))  # sin(30 degrees)
    np.testing.assert_allclose(shear.y_factor, (0.0, 0.0))
    np.testing.assert_allclose(zoom.height_factor, (-0.25, 0.25))
    np.testing.assert_allclose(zoom.width_factor, (-0.25, 0.25))  # independent axes, like the legacy zx, zy
    assert (hflip.mode, vflip.mode) == ("horizontal", "vertical")
    assert brightness.brightness_range == (0.6, 1.4)
    assert rescaling.scale == pytest.approx(1 / 255)
    for layer in (rotation, translation, shear, zoom):
        assert (layer.fill_mode, layer.fill_value) == ("constant", 7.0)
    assert [layer.seed for layer in aug.layers[:-1]] == [3, 4, 5, 6, 7, 8, 9]
    assert augmentation_layers().layers == []
    np.testing.assert_allclose(augmentation_layers(zoom_range=[0.5, 1.2]).layers[0].height_factor, (-0.5, 0.2))


def test_course_preset_and_pipeline_variant():
    preset = dict(rescale=1 / 255, rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                  shear_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode="nearest")
    pipe = augmentation_layers(**preset, pipeline=True, seed=0)
    assert isinstance(pipe, keras.layers.Pipeline)
    out = _run(pipe, np.full((2, 8, 8, 3), 255.0))
    np.testing.assert_allclose(out, 1.0, atol=1e-5)  # "nearest" fill of a flat image stays flat
    seq = augmentation_layers(**preset)
    assert isinstance(as_pipeline(seq), keras.layers.Pipeline)
    assert [type(x) for x in as_pipeline(seq).layers] == [type(x) for x in seq.layers]


@pytest.mark.multibackend
def test_inference_is_identity_plus_rescaling():
    aug = augmentation_layers(rotation_range=90, zoom_range=0.5, horizontal_flip=True,
                              brightness_range=(0.1, 0.2), rescale=0.5)
    image = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    out = keras.ops.convert_to_numpy(aug(image, training=False))
    np.testing.assert_allclose(out, image * 0.5, rtol=1e-5)


@pytest.mark.multibackend
def test_rotation_direction_matches_legacy():
    aug = augmentation_layers(rotation_range=30, fill_mode="constant")
    # The largest angle the layer can draw, applied deterministically, equals the legacy +30 degrees.
    upper = keras.layers.RandomRotation((aug.layers[0].factor[1],) * 2, fill_mode="constant")
    point = _point(6, 16)  # 10 pixels above the centre
    ours = _centroid(_run(upper, point[None])[0])
    legacy = _centroid(_legacy().apply_transform(point, {"theta": 30}))
    np.testing.assert_allclose(ours, legacy, atol=0.05)
    assert _angles([ours])[0] == pytest.approx(90 + 30, abs=0.5)  # counter-clockwise


def test_rotation_distribution_matches_legacy():
    aug = augmentation_layers(rotation_range=30, fill_mode="constant")
    point = _point(6, 16)
    # Random draws: both uniform in +-30 degrees around the original 90.
    gen = _legacy(rotation_range=30, fill_mode="constant")
    legacy_angles = _angles([_centroid(gen.random_transform(point, seed=i)) for i in range(150)]) - 90
    our_angles = _angles([_centroid(img) for img in _run(aug.layers[0], np.repeat(point[None], 150, 0))]) - 90
    for angles in (legacy_angles, our_angles):
        assert np.abs(angles).max() <= 30.5
        assert np.abs(angles).max() > 26
        assert 11 < np.abs(angles).mean() < 19  # uniform on [0, 30]: mean 15
        assert (angles > 0).mean() == pytest.approx(0.5, abs=0.15)


def test_shift_magnitude_matches_legacy():
    point = _point(16, 16)
    aug = augmentation_layers(width_shift_range=0.2, height_shift_range=0.1, fill_mode="constant")
    moved = np.array([_centroid(img) for img in _run(aug, np.repeat(point[None], 150, 0))]) - 16
    # rows move by up to 0.1 * 33 pixels, columns by up to 0.2 * 33
    assert np.abs(moved[:, 0]).max() <= 0.1 * SIZE + 0.05 and np.abs(moved[:, 0]).max() > 2.5
    assert np.abs(moved[:, 1]).max() <= 0.2 * SIZE + 0.05 and np.abs(moved[:, 1]).max() > 5.5
    gen = _legacy(width_shift_range=0.2, fill_mode="constant")
    legacy = np.array([_centroid(gen.random_transform(point, seed=i)) for i in range(150)]) - 16
    # Same magnitude (the shipped legacy class moves it along the other axis: documented).
    assert np.abs(legacy).max() == pytest.approx(np.abs(moved[:, 1]).max(), abs=0.6)


@pytest.mark.multibackend
def test_zoom_matches_legacy_grid_scale():
    aug = augmentation_layers(zoom_range=0.5, fill_mode="constant")
    upper = aug.layers[0].height_factor[1]  # +0.5: the sampling grid is 1.5x larger, the image shrinks
    layer = keras.layers.RandomZoom((upper, upper), (upper, upper), fill_mode="constant")
    point = _point(6, 26)
    ours = _centroid(_run(layer, point[None])[0])
    legacy = _centroid(_legacy().apply_transform(point, {"zx": 1 + upper, "zy": 1 + upper}))
    np.testing.assert_allclose(ours, legacy, atol=0.05)
    assert abs(ours[0] - CENTRE) < abs(6 - CENTRE)  # zoomed out: the point moves towards the centre


@pytest.mark.multibackend
def test_shear_slope_matches_legacy():
    image = np.zeros((SIZE, SIZE, 1), np.float32)
    image[6, 16, 0] = image[26, 16, 0] = 255.0  # two points in one column, 20 rows apart

    def slope(out):
        (r1, c1), (r2, c2) = _centroid(out[:16]), _centroid(out[17:])
        return (c2 - c1) / (r2 + 17 - r1)

    legacy = abs(slope(_legacy().apply_transform(image, {"shear": 20})))
    layer = augmentation_layers(shear_range=20, fill_mode="constant").layers[0]
    upper = keras.layers.RandomShear(x_factor=(layer.x_factor[1],) * 2, y_factor=0.0, fill_mode="constant")
    ours = abs(slope(_run(upper, image[None])[0]))
    assert legacy == pytest.approx(math.sin(math.radians(20)), abs=0.01)
    assert ours == pytest.approx(legacy, abs=0.01)


@pytest.mark.multibackend
def test_flips_are_independent_like_legacy():
    aug = augmentation_layers(horizontal_flip=True, vertical_flip=True, seed=0)
    out = _run(aug, np.repeat(_point(2, 5)[None], 200, 0))
    corners = {tuple(np.round(_centroid(img)).astype(int)) for img in out}
    assert corners == {(2, 5), (2, 27), (30, 5), (30, 27)}  # 4 outcomes, not 2


def test_brightness_multiplies_like_legacy():
    image = np.full((4, 4, 3), 100.0, np.float32)
    out = _run(RandomBrightnessScale((0.7, 0.7)), image[None])
    np.testing.assert_allclose(out, 70.0, rtol=1e-5)
    np.testing.assert_allclose(_run(RandomBrightnessScale((2.0, 2.0)), image[None] * 2), 255.0)  # clipped
    legacy = _legacy().apply_transform(image, {"brightness": 0.7})
    np.testing.assert_allclose(legacy, 70.0)
    aug = augmentation_layers(brightness_range=(0.5, 1.5), seed=1)
    values = _run(aug, np.repeat(image[None], 100, 0))[:, 0, 0, 0]
    assert values.min() >= 50 and values.max() <= 150 and values.std() > 15
    layer = RandomBrightnessScale((0.5, 1.5), seed=4)
    clone = RandomBrightnessScale.from_config(layer.get_config())
    assert (clone.brightness_range, clone.clip_range, clone.seed) == ((0.5, 1.5), (0.0, 255.0), 4)


def test_cval_is_in_unscaled_units_and_rescale_is_last():
    aug = augmentation_layers(width_shift_range=0.9, fill_mode="constant", cval=255, rescale=1 / 255, seed=2)
    out = _run(aug, np.zeros((8, 10, 10, 1)))
    assert out.min() >= 0 and out.max() == pytest.approx(1.0)  # 255 * (1 / 255), not 255
    assert (out > 0.99).mean() > 0.2


def test_bad_arguments_have_clear_errors():
    with pytest.raises(ValueError, match=r"fraction of the image width in \[0, 1\).*150.*Received: width_shift_range=10"):
        augmentation_layers(width_shift_range=10)
    with pytest.raises(ValueError, match="lists of allowed pixel shifts are not supported"):
        augmentation_layers(height_shift_range=[-5, 5])
    with pytest.raises(ValueError, match="`rotation_range` must be in .*Received: rotation_range=-5"):
        augmentation_layers(rotation_range=-5)
    with pytest.raises(TypeError, match="`shear_range` must be a number"):
        augmentation_layers(shear_range="0.2")
    with pytest.raises(ValueError, match="`fill_mode` must be one of 'nearest', 'constant', 'reflect', 'wrap'"):
        augmentation_layers(fill_mode="mirror")
    with pytest.raises(ValueError, match="0 < lower <= upper <= 2.*Received: zoom_range=\\[0.0, 1.5\\]"):
        augmentation_layers(zoom_range=[0.0, 1.5])
    with pytest.raises(ValueError, match="`brightness_range` must be None or a pair"):
        augmentation_layers(brightness_range=0.2)
    with pytest.raises(ValueError, match="0 <= low <= high <= 2"):
        augmentation_layers(brightness_range=(1.5, 0.5))
    with pytest.raises(TypeError, match="`seed` must be an integer"):
        augmentation_layers(seed=1.5)
