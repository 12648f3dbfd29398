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


def test_make_shape_images_classes_and_errors():
    from kerasdl.datasets import make_shape_images

    x, y = make_shape_images(12, image_size=(16, 20), num_classes=4, seed=1)
    assert x.shape == (12, 16, 20, 3) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [3, 3, 3, 3]
    with pytest.raises(ValueError, match="`num_classes` must be between 1 and 6"):
        make_shape_images(4, num_classes=7)


def test_make_image_folder_layout(tmp_path):
    from PIL import Image

    from kerasdl.datasets import make_image_folder

    root = make_image_folder(tmp_path / "imgs", classes=("a", "b", "c"), num_per_class=3,
                             image_size=(20, 24), image_format="png")
    assert sorted(p.name for p in root.iterdir()) == ["a", "b", "c"]
    files = sorted(p.name for p in (root / "b").iterdir())
    assert files == ["b.0.png", "b.1.png", "b.2.png"]
    with Image.open(root / "b" / "b.0.png") as image:
        assert image.size == (24, 20) and image.mode == "RGB"
    with pytest.raises(ValueError, match="`image_format` must be one of"):
        make_image_folder(tmp_path / "x", image_format="gif")
    with pytest.raises(ValueError, match="distinct"):
        make_image_folder(tmp_path / "y", classes=("a", "a"))
