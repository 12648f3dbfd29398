"""Convolution and pooling by hand: the classic filters of the course, in NumPy.

Before CNNs, computer-vision experts designed filters by hand (vertical and
horizontal edges, Laplacian, sharpen, blur); a convolutional layer *learns*
its kernels by back-propagation instead. These functions show what a
``Conv2D`` / ``MaxPooling2D`` layer computes, on small arrays you can check on
paper:

- :func:`convolve` is the **cross-correlation** CNN layers compute (the
  kernel is not flipped), per channel for colour images;
- :func:`pool` is max or average pooling;
- :func:`conv_output_size` is the output-size formula
  ``floor((n - k) / s) + 1`` (``"valid"``) or ``ceil(n / s)`` (``"same"``);
- :func:`plot_filters` shows an image through each filter.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.utils.io import atomic_write
from kerasdl.utils.validation import check_choice, check_positive_int

#: Responds to vertical edges (bright on the left, dark on the right gives a
#: positive response): the course's 6x6 example.
VERTICAL_EDGE = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=np.float32)
#: Responds to horizontal edges (bright above, dark below gives a positive response).
HORIZONTAL_EDGE = np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]], dtype=np.float32)
#: The Laplacian edge detector of the course: zero on flat regions, large on edges.
LAPLACIAN = np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float32)
#: Sharpening: the identity plus a Laplacian (the weights sum to 1).
SHARPEN = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32)
#: 3x3 box blur: the mean of each neighbourhood (weights 1/9).
BOX_BLUR = np.full((3, 3), 1 / 9, dtype=np.float32)

#: The classic filters by name, in the order the course shows them.
KERNELS: dict[str, np.ndarray] = {
    "vertical_edge": VERTICAL_EDGE,
    "horizontal_edge": HORIZONTAL_EDGE,
    "laplacian": LAPLACIAN,
    "sharpen": SHARPEN,
    "box_blur": BOX_BLUR,
}

_PADDINGS = ("valid", "same")


def _pair(value: Any, name: str) -> tuple[int, int]:
    """An int or a pair of ints -> a pair of positive ints."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"`{name}` must be a positive integer or a pair of them. Received: {name}={value!r}"
            )
        return (_positive(value[0], name), _positive(value[1], name))
    size = _positive(value, name)
    return (size, size)


def _positive(value: Any, name: str) -> int:
    checked = check_positive_int(value, name)
    return int(checked) if checked is not None else 0


def _same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow/Keras ``"same"`` padding: output ``ceil(size / stride)``, extra pad after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def conv_output_size(
    input_size: int | Sequence[int],
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int] = 1,
    padding: str = "valid",
) -> int | tuple[int, ...]:
    """Return the spatial output size of a convolution or pooling window.

    ``"valid"`` (no padding): ``floor((n - k) / s) + 1``. ``"same"`` (zero
    padding as Keras pads): ``ceil(n / s)``, which is ``n`` for stride 1.

    Args:
        input_size: The input size ``n``, or one size per axis such as
            ``(28, 28)``.
        kernel_size: The window size ``k`` (an int or one per axis).
        stride: The step ``s`` (an int or one per axis). Defaults to ``1``.
        padding: ``"valid"`` or ``"same"``. Defaults to ``"valid"``.

    Returns:
        An int, or a tuple when ``input_size`` is a sequence.

    Raises:
        ValueError: If a size is not positive, ``padding`` is unknown, or the
            kernel is larger than the input under ``"valid"``.

    Example:

    >>> conv_output_size(6, 3)
    4
    >>> conv_output_size((28, 28), 5, padding="same")
    (28, 28)
    >>> conv_output_size(7, 3, stride=2)
    3
    """
    padding = check_choice(padding, "padding", _PADDINGS)
    if isinstance(input_size, (tuple, list)):
        count = len(input_size)
        kernels = kernel_size if isinstance(kernel_size, (tuple, list)) else [kernel_size] * count
        strides = stride if isinstance(stride, (tuple, list)) else [stride] * count
        if len(kernels) != count or len(strides) != count:
            raise ValueError(
                "`kernel_size` and `stride` must be ints or have one entry per input axis "
                f"({count}). Received: kernel_size={kernel_size!r}, stride={stride!r}"
            )
        return tuple(
            int(conv_output_size(n, k, s, padding))  # type: ignore[arg-type]
            for n, k, s in zip(input_size, kernels, strides)
        )
    n = _positive(input_size, "input_size")
    k = _positive(kernel_size, "kernel_size")
    s = _positive(stride, "stride")
    if padding == "same":
        return -(-n // s)
    if k > n:
        raise ValueError(
            f"`kernel_size` ({k}) is larger than the input ({n}) with padding='valid': use "
            f"padding='same' or a smaller kernel. Received: kernel_size={kernel_size!r}"
        )
    return (n - k) // s + 1


def _as_image(image: Any) -> tuple[np.ndarray, bool]:
    """Return ``(H, W, C)`` float64 and whether the input was 2-D."""
    array = np.asarray(image, dtype=np.float64)
    if array.ndim == 2:
        return array[..., None], True
    if array.ndim == 3:
        return array, False
    raise ValueError(
        "`image` must be 2-D (height, width) or 3-D (height, width, channels). "
        f"Received: image with shape {array.shape}"
    )


def _windows(
    image: np.ndarray, window: tuple[int, int], stride: tuple[int, int], padding: str, fill: float
) -> np.ndarray:
    """Sliding windows ``(H', W', C, kh, kw)`` of an ``(H, W, C)`` image."""
    if padding == "same":
        pads = [_same_padding(image.shape[axis], window[axis], stride[axis]) for axis in (0, 1)]
        image = np.pad(image, (pads[0], pads[1], (0, 0)), constant_values=fill)
    elif window[0] > image.shape[0] or window[1] > image.shape[1]:
        raise ValueError(
            f"The window {window} is larger than the image {image.shape[:2]} with padding='valid': "
            f"use padding='same' or a smaller window. Received: image with shape {image.shape}"
        )
    views = np.lib.stride_tricks.sliding_window_view(image, window, axis=(0, 1))
    return views[:: stride[0], :: stride[1]]


def convolve(
    image: Any,
    kernel: Any,
    stride: int | Sequence[int] = 1,
    padding: str = "valid",
) -> np.ndarray:
    """Slide ``kernel`` over ``image``: the cross-correlation a ``Conv2D`` layer computes.

    Like CNN layers (and unlike the textbook convolution) the kernel is not
    flipped: each output pixel is ``sum(window * kernel)``. A 3-D image is
    filtered channel by channel with the same 2-D kernel (a depthwise
    convolution); a ``Conv2D`` layer would also sum over the channels.

    Args:
        image: A 2-D ``(height, width)`` or 3-D ``(height, width, channels)``
            array.
        kernel: A 2-D kernel such as :data:`VERTICAL_EDGE`, or the name of one
            of :data:`KERNELS`.
        stride: Step between windows, an int or ``(rows, cols)``. Defaults
            to ``1``.
        padding: ``"valid"`` (no padding; the output shrinks) or ``"same"``
            (zero padding as Keras pads; the output is
            ``ceil(size / stride)``). Defaults to ``"valid"``.

    Returns:
        A float64 array, 2-D for a 2-D image, else ``(H', W', channels)``;
        see :func:`conv_output_size`.

    Raises:
        ValueError: If the image or kernel has the wrong number of dimensions,
            the kernel name or ``padding`` is unknown, or the kernel does not fit.

    Example:

    The course's 6x6 image, bright on the left, dark on the right, through the
    vertical-edge filter: the edge lights up in the middle columns.

    >>> image = np.array([[10, 10, 10, 0, 0, 0]] * 6)
    >>> convolve(image, VERTICAL_EDGE)[0]
    array([ 0., 30., 30.,  0.])
    >>> convolve(image, "vertical_edge", padding="same").shape
    (6, 6)
    """
    if isinstance(kernel, str):
        name = check_choice(kernel, "kernel", tuple(KERNELS))
        kernel = KERNELS[name]
    weights = np.asarray(kernel, dtype=np.float64)
    if weights.ndim != 2:
        raise ValueError(
            "`kernel` must be a 2-D array such as [[1, 0, -1]] * 3. "
            f"Received: kernel with shape {weights.shape}"
        )
    padding = check_choice(padding, "padding", _PADDINGS)
    pixels, was_2d = _as_image(image)
    views = _windows(pixels, weights.shape, _pair(stride, "stride"), padding, 0.0)
    out = np.einsum("hwcij,ij->hwc", views, weights)
    return out[..., 0] if was_2d else out


def pool(
    image: Any,
    size: int | Sequence[int] = 2,
    stride: int | Sequence[int] | None = 2,
    mode: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Max or average pooling: what ``MaxPooling2D`` / ``AveragePooling2D`` compute.

    Pooling has no weights: it keeps the largest (or the mean) value of each
    window, shrinking the image and making the result less sensitive to the
    exact position of a feature.

    Args:
        image: A 2-D ``(height, width)`` or 3-D ``(height, width, channels)``
            array (pooled per channel).
        size: The window size, an int or ``(rows, cols)``. Defaults to ``2``.
        stride: The step, an int or ``(rows, cols)``; ``None`` means ``size``
            (the Keras default). Defaults to ``2``.
        mode: ``"max"`` or ``"average"``. Defaults to ``"max"``.
        padding: ``"valid"`` or ``"same"``; padded cells are ignored (as in
            Keras), not counted as zeros. Defaults to ``"valid"``.

    Returns:
        A float64 array, 2-D for a 2-D image, else ``(H', W', channels)``.

    Raises:
        ValueError: If ``mode`` or ``padding`` is unknown or the window does
            not fit.

    Example:

    The course's 4x4 max-pooling example:

    >>> x = np.array([[1, 1, 3, 4], [3, 6, 2, 8], [3, 9, 1, 0], [1, 3, 3, 4]])
    >>> pool(x)
    array([[6., 8.],
           [9., 4.]])
    >>> pool(x, mode="average")
    array([[2.75, 4.25],
           [4.  , 2.  ]])
    """
    mode = check_choice(mode, "mode", ("max", "average"))
    padding = check_choice(padding, "padding", _PADDINGS)
    window = _pair(size, "size")
    step = window if stride is None else _pair(stride, "stride")
    pixels, was_2d = _as_image(image)
    views = _windows(pixels, window, step, padding, np.nan)
    out = np.nanmax(views, axis=(-2, -1)) if mode == "max" else np.nanmean(views, axis=(-2, -1))
    return out[..., 0] if was_2d else out


def _to_gray(image: Any) -> np.ndarray:
    array = np.asarray(image, dtype=np.float64)
    if array.ndim == 3:
        array = array[..., :3].mean(axis=-1) if array.shape[-1] > 1 else array[..., 0]
    if array.ndim != 2:
        raise ValueError(
            "`image` must be 2-D (height, width) or 3-D (height, width, channels). "
            f"Received: image with shape {array.shape}"
        )
    return array


def plot_filters(
    image: Any,
    kernels: Mapping[str, Any] | Sequence[Any] | None = None,
    path: str | os.PathLike[str] | None = None,
    padding: str = "same",
) -> Any:
    """Show an image next to its response to each filter (the course's filter figure).

    Colour images are converted to grayscale (the channel mean) first, so
    each panel is one 2-D response shown in gray levels scaled to its own
    range.

    Args:
        image: A 2-D or 3-D ``(height, width, channels)`` array.
        kernels: ``{name: kernel}``, a list of kernels, or ``None`` for all of
            :data:`KERNELS`. Defaults to ``None``.
        path: Where to write the PNG (atomically). Defaults to ``None`` (no
            file; the figure is returned).
        padding: Padding passed to :func:`convolve`. Defaults to ``"same"``.

    Returns:
        The ``matplotlib.figure.Figure`` (first panel: the original image).

    Raises:
        ValueError: If ``kernels`` is empty or a kernel is not 2-D.

    Example:

    >>> from kerasdl.datasets import make_digits
    >>> images, _ = make_digits(1)
    >>> fig = plot_filters(images[0])
    >>> len(fig.axes)
    6
    """
    from matplotlib.figure import Figure

    if kernels is None:
        kernels = KERNELS
    if isinstance(kernels, Mapping):
        named = [(str(k), v) for k, v in kernels.items()]
    else:
        named = [(f"kernel {i + 1}", v) for i, v in enumerate(kernels)]
    if not named:
        raise ValueError(f"`kernels` must hold at least one kernel. Received: kernels={kernels!r}")
    gray = _to_gray(image)
    panels = [("original", gray)] + [(name, convolve(gray, k, padding=padding)) for name, k in named]
    cols = min(len(panels), 3)
    rows = math.ceil(len(panels) / cols)
    fig = Figure(figsize=(3 * cols, 3 * rows))
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (title, data) in zip(axes, panels):
        ax.imshow(data, cmap="gray")
        ax.set_title(title)
    for ax in axes[len(panels) :]:
        fig.delaxes(ax)
    for ax in axes[: len(panels)]:
        ax.axis("off")
    fig.tight_layout()
    if path is not None:
        with atomic_write(Path(path)) as tmp:
            fig.savefig(tmp, dpi=100, format=Path(path).suffix.lstrip(".") or "png")
    return fig


__all__ = [
    "BOX_BLUR",
    "HORIZONTAL_EDGE",
    "KERNELS",
    "LAPLACIAN",
    "SHARPEN",
    "VERTICAL_EDGE",
    "conv_output_size",
    "convolve",
    "plot_filters",
    "pool",
]
