"""plot_augmentations: a grid of augmented copies from layers or a generator."""

from __future__ import annotations

import numpy as np
import pytest

from kerasdl.data import augmentation_layers, augmented_copies, plot_augmentations


class _ShiftGenerator:
    """A minimal ImageDataGenerator-like object: shifts the image right by ``seed`` pixels."""

    def __init__(self):
        self.seeds = []

    def random_transform(self, x, seed=None):
        self.seeds.append(seed)
        return np.roll(x, seed or 0, axis=1)


def _image():
    image = np.zeros((10, 10, 3), np.float32)
    image[2:5, 2:5] = 100.0  # no clipping under brightness factors up to 2.55
    return image


@pytest.mark.multibackend
def test_layers_give_distinct_copies_and_a_png(tmp_path):
    layers = augmentation_layers(brightness_range=(0.2, 1.8), seed=0)  # cheap to compile on JAX
    fig = plot_augmentations(layers, _image(), n=4, path=tmp_path / "aug.png")
    assert len(fig.axes) == 4
    assert (tmp_path / "aug.png").read_bytes()[:4] == b"\x89PNG"
    copies = augmented_copies(layers, _image(), n=4)
    assert copies.shape == (4, 10, 10, 3)
    assert len({c.tobytes() for c in copies}) == 4  # each copy draws its own transform


def test_generator_uses_random_transform_with_seeds():
    gen = _ShiftGenerator()
    copies = augmented_copies(gen, _image()[..., 0], n=3, seed=1)
    assert gen.seeds == [1, 2, 3]
    assert copies.shape == (3, 10, 10, 1)
    np.testing.assert_array_equal(copies[1, :, :, 0], np.roll(_image()[..., 0], 2, axis=1))
    fig = plot_augmentations(gen, _image(), n=5, seed=0)
    assert len(fig.axes) == 5  # unused grid cells are removed (3x2 grid)
    # Plain functions without a ``training`` argument are accepted too.
    assert augmented_copies(lambda batch: batch[:, ::-1], _image(), n=2).shape == (2, 10, 10, 3)


def test_bad_input():
    with pytest.raises(TypeError, match="`generator_or_layers` must have random_transform"):
        plot_augmentations(object(), _image())
    with pytest.raises(ValueError, match="`image` must be one image of shape"):
        plot_augmentations(augmentation_layers(), np.zeros((2, 4, 4, 3)))
    with pytest.raises(ValueError, match="`n` must be a positive integer. Received: n=0"):
        plot_augmentations(augmentation_layers(), _image(), n=0)
