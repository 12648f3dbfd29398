from __future__ import annotations

import numpy as np
import pytest

from kerasdl.datasets import make_digits


def test_make_digits_shapes_balance_and_reproducibility():
    x, y = make_digits(50, seed=3)
    assert x.shape == (50, 28, 28) and x.dtype == np.uint8
    assert np.bincount(y, minlength=10).tolist() == [5] * 10
    x2, y2 = make_digits(50, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make_digits(50, seed=4)[0], x)


def test_digits_are_distinguishable():
    # The class means differ more between classes than the images within a class.
    x, y = make_digits(400, seed=0, noise=0.0)
    means = np.stack([x[y == k].reshape(-1, 784).mean(0) for k in range(10)]).astype(float)
    between = np.linalg.norm(means[:, None] - means[None], axis=-1)
    assert np.all(between[~np.eye(10, dtype=bool)] > 100)
    assert x.max() == 255 or x.max() > 200


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`num_samples` must be a positive integer. Received: num_samples=0"):
        make_digits(0)
    with pytest.raises(ValueError, match="`image_size` must be at least 16"):
        make_digits(10, image_size=8)
