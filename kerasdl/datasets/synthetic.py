"""Synthetic data sets kerasdl renders itself: no files, no network.

They feed the embedded defaults of ``kerasdl run`` and the tests. Results on
them are labelled *synthetic* everywhere they are reported: they show that a
pipeline works, not how a model does on the real data.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from kerasdl.utils.validation import check_positive_int

# Each digit as polylines in a unit box (x right, y down), like a pen would draw it.
_ARC = [(0.5 + 0.3 * np.cos(t), 0.5 + 0.4 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 17)]
_DIGIT_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [_ARC],
    1: [[(0.35, 0.25), (0.55, 0.1), (0.55, 0.9)], [(0.35, 0.9), (0.75, 0.9)]],
    2: [[(0.22, 0.3), (0.35, 0.12), (0.65, 0.12), (0.78, 0.3), (0.7, 0.5), (0.22, 0.9), (0.8, 0.9)]],
    3: [
        [(0.22, 0.15), (0.75, 0.15), (0.45, 0.45), (0.72, 0.55), (0.75, 0.78), (0.55, 0.9),
         (0.22, 0.85)],
    ],
    4: [[(0.65, 0.9), (0.65, 0.1), (0.2, 0.65), (0.82, 0.65)]],
    5: [[(0.78, 0.12), (0.3, 0.12), (0.25, 0.48), (0.6, 0.45), (0.78, 0.65), (0.65, 0.88),
         (0.22, 0.85)]],
    6: [[(0.7, 0.12), (0.4, 0.3), (0.25, 0.65), (0.4, 0.9), (0.68, 0.85), (0.72, 0.6),
         (0.5, 0.5), (0.27, 0.62)]],
    7: [[(0.2, 0.12), (0.8, 0.12), (0.4, 0.9)], [(0.35, 0.5), (0.68, 0.5)]],
    8: [[(0.5, 0.5), (0.28, 0.32), (0.5, 0.1), (0.72, 0.32), (0.5, 0.5), (0.25, 0.7),
         (0.5, 0.92), (0.75, 0.7), (0.5, 0.5)]],
    9: [[(0.72, 0.38), (0.5, 0.5), (0.28, 0.35), (0.5, 0.1), (0.72, 0.3), (0.7, 0.6),
         (0.55, 0.9)]],
}


def make_digits(
    num_samples: int = 1000,
    image_size: int = 28,
    seed: int | None = 0,
    noise: float = 0.05,
) -> tuple[np.ndarray, np.ndarray]:
    """Render MNIST-like synthetic digits with random affine jitter and noise.

    Each image is one of ten pen-stroke templates drawn with a random stroke
    width, rotation (+-15 degrees), shear, scale and shift, then blurred and
    noised; classes are balanced. White digits on black, like MNIST. These are
    **synthetic**: a model that learns them proves the pipeline works; it says
    little about real handwriting.

    Args:
        num_samples: Number of images. Defaults to ``1000``.
        image_size: Height and width in pixels (at least 16). Defaults to ``28``.
        seed: Seed for reproducible images; ``None`` for fresh randomness.
            Defaults to ``0``.
        noise: Standard deviation of the additive Gaussian noise, as a
            fraction of 255. Defaults to ``0.05``.

    Returns:
        ``(images, labels)``: ``uint8`` images of shape
        ``(num_samples, image_size, image_size)`` and ``uint8`` labels 0-9.

    Example:

    >>> from kerasdl.datasets import make_digits
    >>> x, y = make_digits(20)
    >>> x.shape, x.dtype, sorted(set(y.tolist())) == list(range(10))
    ((20, 28, 28), dtype('uint8'), True)
    """
    check_positive_int(num_samples, "num_samples")
    check_positive_int(image_size, "image_size")
    if image_size < 16:
        raise ValueError(f"`image_size` must be at least 16. Received: image_size={image_size}")
    if noise < 0:
        raise ValueError(f"`noise` must be >= 0. Received: noise={noise}")
    rng = np.random.default_rng(seed)
    labels = np.arange(num_samples) % 10
    rng.shuffle(labels)
    scale_up = 4  # draw large, then downsample: anti-aliased strokes
    canvas = image_size * scale_up
    images = np.empty((num_samples, image_size, image_size), dtype=np.uint8)
    for i, label in enumerate(labels):
        angle = np.deg2rad(rng.uniform(-15, 15))
        shear = rng.uniform(-0.25, 0.25)
        scale = rng.uniform(0.6, 0.8)
        shift = rng.uniform(-0.08, 0.08, size=2)
        cos, sin = np.cos(angle), np.sin(angle)
        matrix = np.array([[cos, -sin + shear], [sin, cos]]) * scale
        width = int(rng.uniform(1.6, 3.0) * scale_up * image_size / 28)
        image = Image.new("L", (canvas, canvas), 0)
        draw = ImageDraw.Draw(image)
        for stroke in _DIGIT_STROKES[int(label)]:
            pts = (np.asarray(stroke) - 0.5) @ matrix.T + 0.5 + shift
            draw.line([tuple(p) for p in pts * canvas], fill=255, width=width, joint="curve")
        image = image.filter(ImageFilter.GaussianBlur(radius=scale_up * 0.4))
        image = image.resize((image_size, image_size), Image.Resampling.BILINEAR)
        images[i] = np.asarray(image)
    if noise:
        noisy = images + rng.normal(0, noise * 255, size=images.shape)
        images = np.clip(noisy, 0, 255).astype(np.uint8)
    return images, labels.astype(np.uint8)


_SHAPES = ("circle", "square", "triangle", "cross", "ring", "bar")
_FORMATS = {"jpeg": ".jpg", "jpg": ".jpg", "png": ".png", "bmp": ".bmp"}


def make_shape_images(
    num_samples: int = 100,
    image_size: tuple[int, int] = (32, 32),
    num_classes: int = 3,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Render colour images of simple shapes, one shape per class.

    Class ``k`` draws shape ``k`` (circle, square, triangle, cross, ring, bar)
    in a random colour, size and position on a random dark background. A
    **synthetic** stand-in for small colour data sets such as CIFAR-10.

    Args:
        num_samples: Number of images. Defaults to ``100``.
        image_size: ``(height, width)``, each at least 8. Defaults to ``(32, 32)``.
        num_classes: Number of classes, 1 to 6. Defaults to ``3``.
        seed: Seed for reproducibility. Defaults to ``0``.

    Returns:
        ``(images, labels)``: ``uint8`` RGB images of shape
        ``(num_samples, height, width, 3)`` and ``uint8`` labels.

    Example:

    >>> from kerasdl.datasets import make_shape_images
    >>> x, y = make_shape_images(6, num_classes=3)
    >>> x.shape, sorted(set(y.tolist()))
    ((6, 32, 32, 3), [0, 1, 2])
    """
    check_positive_int(num_samples, "num_samples")
    height, width = (int(s) for s in image_size)
    if height < 8 or width < 8:
        raise ValueError(f"`image_size` must be at least (8, 8). Received: image_size={image_size}")
    if not 1 <= int(num_classes) <= len(_SHAPES):
        raise ValueError(
            f"`num_classes` must be between 1 and {len(_SHAPES)}. Received: num_classes={num_classes}"
        )
    rng = np.random.default_rng(seed)
    labels = np.arange(num_samples) % num_classes
    rng.shuffle(labels)
    images = np.empty((num_samples, height, width, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        background = tuple(int(c) for c in rng.integers(0, 90, 3))
        image = Image.new("RGB", (width, height), background)
        draw = ImageDraw.Draw(image)
        colour = tuple(int(c) for c in rng.integers(140, 256, 3))
        size = rng.uniform(0.3, 0.45) * min(height, width)
        cx = rng.uniform(size, width - size)
        cy = rng.uniform(size, height - size)
        box = (cx - size, cy - size, cx + size, cy + size)
        shape = _SHAPES[int(label)]
        line = max(1, int(size / 3))
        if shape == "circle":
            draw.ellipse(box, fill=colour)
        elif shape == "square":
            draw.rectangle(box, fill=colour)
        elif shape == "triangle":
            draw.polygon([(cx, cy - size), (cx - size, cy + size), (cx + size, cy + size)], fill=colour)
        elif shape == "cross":
            draw.line([(cx - size, cy), (cx + size, cy)], fill=colour, width=line)
            draw.line([(cx, cy - size), (cx, cy + size)], fill=colour, width=line)
        elif shape == "ring":
            draw.ellipse(box, outline=colour, width=line)
        else:
            draw.rectangle((cx - size, cy - size / 4, cx + size, cy + size / 4), fill=colour)
        images[i] = np.asarray(image)
    return images, labels.astype(np.uint8)


def make_image_folder(
    path: str | os.PathLike[str],
    classes: Sequence[str] = ("cats", "dogs"),
    num_per_class: int = 10,
    image_size: tuple[int, int] = (64, 64),
    image_format: str = "jpeg",
    seed: int | None = 0,
) -> Path:
    """Write a class-per-subfolder image folder, the layout ``flow_from_directory`` reads.

    Each class gets its own shape (see :func:`make_shape_images`), so a model
    can learn the folder; images are **synthetic**. Files are named
    ``<class>.<index>.<ext>`` (like the course's cats-and-dogs set) and
    written atomically.

    Args:
        path: The folder to create (it may exist; files are added).
        classes: Class (subfolder) names, 1 to 6 of them. Defaults to
            ``("cats", "dogs")``.
        num_per_class: Images per class. Defaults to ``10``.
        image_size: ``(height, width)``. Defaults to ``(64, 64)``.
        image_format: ``"jpeg"``, ``"png"`` or ``"bmp"``. Defaults to ``"jpeg"``.
        seed: Seed for reproducibility. Defaults to ``0``.

    Returns:
        The folder's :class:`pathlib.Path`.

    Example:

    >>> import tempfile
    >>> from kerasdl.datasets import make_image_folder
    >>> root = make_image_folder(tempfile.mkdtemp(), num_per_class=2)
    >>> sorted(p.name for p in (root / "dogs").iterdir())
    ['dogs.0.jpg', 'dogs.1.jpg']
    """
    from kerasdl.utils.io import atomic_write
    from kerasdl.utils.validation import check_choice

    classes = list(classes)
    if not classes or len(set(classes)) != len(classes):
        raise ValueError(f"`classes` must be distinct, non-empty names. Received: classes={classes!r}")
    check_positive_int(num_per_class, "num_per_class")
    fmt = check_choice(image_format, "image_format", tuple(_FORMATS))
    extension = _FORMATS[fmt]
    images, labels = make_shape_images(
        num_per_class * len(classes), image_size, num_classes=len(classes), seed=seed
    )
    root = Path(path)
    counters = dict.fromkeys(range(len(classes)), 0)
    for image, label in zip(images, labels):
        name = classes[int(label)]
        target = root / name / f"{name}.{counters[int(label)]}{extension}"
        counters[int(label)] += 1
        with atomic_write(target) as tmp:
            Image.fromarray(image).save(tmp, format="JPEG" if extension == ".jpg" else fmt.upper())
    return root
