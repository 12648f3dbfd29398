"""See what an augmentation does: a grid of randomly augmented copies of one image."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.utils.io import atomic_write
from kerasdl.utils.validation import check_positive_int


def _display(image: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] for ``imshow`` (pixels in [0, 255] or already in [0, 1])."""
    image = np.asarray(image, dtype=np.float64)
    if image.shape[-1] == 1:
        image = image[..., 0]
    high = 255.0 if image.max(initial=0.0) > 1.0 + 1e-6 else 1.0
    return np.clip(image / high, 0.0, 1.0)


def augmented_copies(generator_or_layers: Any, image: Any, n: int = 9, seed: int | None = None) -> np.ndarray:
    """Return ``n`` augmented copies of ``image`` as a NumPy array ``(n, H, W, C)``.

    Args:
        generator_or_layers: An ``ImageDataGenerator``-like object (anything
            with ``random_transform(x, seed=...)``), or augmentation layers /
            a callable ``f(batch, training=True)`` such as
            :func:`kerasdl.data.augmentation_layers`.
        image: One image ``(height, width[, channels])``.
        n: Number of copies. Defaults to ``9``.
        seed: For a generator, copy ``i`` uses ``seed + i``; layers use their
            own seeds (pass ``seed`` to :func:`augmentation_layers`). Defaults
            to ``None``.

    Returns:
        A float32 array of ``n`` augmented images.

    Raises:
        TypeError: If ``generator_or_layers`` is neither kind.
        ValueError: If ``image`` is not one 2-D or 3-D image.

    Example:

    >>> from kerasdl.data import augmentation_layers
    >>> copies = augmented_copies(augmentation_layers(horizontal_flip=True), np.zeros((8, 8, 3)), n=4)
    >>> copies.shape
    (4, 8, 8, 3)
    """
    check_positive_int(n, "n")
    x = np.asarray(image, dtype=np.float32)
    if x.ndim == 2:
        x = x[..., None]
    if x.ndim != 3:
        raise ValueError(
            "`image` must be one image of shape (height, width[, channels]); pick one from a batch "
            f"with images[0]. Received: image with shape {x.shape}"
        )
    if hasattr(generator_or_layers, "random_transform"):
        copies = [
            generator_or_layers.random_transform(x.copy(), seed=None if seed is None else seed + i)
            for i in range(n)
        ]
        return np.stack([np.asarray(c, dtype=np.float32) for c in copies])
    if callable(generator_or_layers):
        import keras

        batch = np.repeat(x[None], n, axis=0)
        try:
            out = generator_or_layers(batch, training=True)
        except TypeError:  # a plain function without a ``training`` argument
            out = generator_or_layers(batch)
        return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float32)
    raise TypeError(
        "`generator_or_layers` must have random_transform(x, seed=...) (an ImageDataGenerator) or be "
        f"callable (augmentation layers). Received: {type(generator_or_layers).__name__}"
    )


def plot_augmentations(
    generator_or_layers: Any,
    image: Any,
    n: int = 9,
    path: str | os.PathLike[str] | None = None,
    seed: int | None = None,
) -> Any:
    """Plot a grid of ``n`` randomly augmented copies of one image (the course's augmentation figure).

    Args:
        generator_or_layers: An ``ImageDataGenerator``-like object (with
            ``random_transform``) or augmentation layers (a callable), e.g.
            ``augmentation_layers(rotation_range=40, zoom_range=0.2)``.
        image: One image ``(height, width[, channels])``, pixels in
            ``[0, 255]`` or ``[0, 1]``.
        n: Number of augmented copies. Defaults to ``9``.
        path: Where to write the PNG (atomically). Defaults to ``None`` (no
            file; the figure is returned).
        seed: Seed for a generator's transforms (see
            :func:`augmented_copies`). Defaults to ``None``.

    Returns:
        The ``matplotlib.figure.Figure``, one panel per copy.

    Raises:
        TypeError: If ``generator_or_layers`` is neither kind.
        ValueError: If ``image`` is not one image or ``n`` is not positive.

    Example:

    >>> from kerasdl.data import augmentation_layers
    >>> from kerasdl.datasets import make_shape_images
    >>> images, _ = make_shape_images(1)
    >>> fig = plot_augmentations(augmentation_layers(rotation_range=40, seed=0), images[0], n=4)
    >>> len(fig.axes)
    4
    """
    from matplotlib.figure import Figure

    copies = augmented_copies(generator_or_layers, image, n=n, seed=seed)
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(2.2 * cols, 2.2 * rows))
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        if i >= n:
            fig.delaxes(ax)
            continue
        shown = _display(copies[i])
        ax.imshow(shown, cmap="gray" if shown.ndim == 2 else None, vmin=0.0, vmax=1.0)
        ax.axis("off")
    fig.tight_layout()
    if path is not None:
        with atomic_write(Path(path)) as tmp:
            fig.savefig(tmp, dpi=100, format=Path(path).suffix.lstrip(".") or "png")
    return fig


__all__ = ["augmented_copies", "plot_augmentations"]
