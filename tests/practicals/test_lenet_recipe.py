from __future__ import annotations

import numpy as np
import pytest

from kerasdl.practicals.lenet_mnist import SHIFT_PIXELS, lenet_batches, shift_images


@pytest.mark.multibackend
def test_shift_images_moves_each_image_by_at_most_max_shift():
    images = np.zeros((200, 9, 9, 1), np.uint8)
    images[:, 4, 4, 0] = 255  # one bright pixel in the centre
    shifted = shift_images(images, 2, np.random.default_rng(0))
    assert shifted.shape == images.shape and shifted.dtype == np.uint8
    assert (shifted.reshape(200, -1).sum(axis=1) == 255).all()  # nothing falls off a 9x9 image
    rows, cols = np.nonzero(shifted[..., 0])[1:]
    assert set(rows.tolist()) == {2, 3, 4, 5, 6} and set(cols.tolist()) == {2, 3, 4, 5, 6}
    # Zero fill: a corner pixel shifted outwards disappears.
    corner = np.zeros((50, 4, 4), np.uint8)
    corner[:, 0, 0] = 1
    assert shift_images(corner, 1, np.random.default_rng(1)).sum() < 50
    assert shift_images(images, 0, np.random.default_rng(0)) is images


@pytest.mark.multibackend
def test_lenet_batches_cover_each_sample_once_per_epoch_reproducibly():
    x = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1).repeat(6, axis=1).repeat(6, axis=2)
    x = x + 1  # no zero images, so shifts keep each image's value visible
    y = np.arange(10)
    data = lenet_batches(x, y, batch_size=4, seed=3)
    assert len(data) == 3 and SHIFT_PIXELS == 2

    def epoch(d):
        return np.concatenate([d[i][1] for i in range(len(d))])

    first = epoch(data)
    assert sorted(first.tolist()) == list(range(10))
    again = lenet_batches(x, y, batch_size=4, seed=3)
    np.testing.assert_array_equal(epoch(again), first)
    np.testing.assert_array_equal(data[1][0], again[1][0])  # same shifts, whatever the call order
    images, labels = data[0]
    assert images.shape == (4, 6, 6, 1) and (images.max(axis=(1, 2, 3)) == labels + 1).all()
    data.on_epoch_end()
    second = epoch(data)
    assert sorted(second.tolist()) == list(range(10)) and second.tolist() != first.tolist()
