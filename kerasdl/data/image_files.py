"""Finding, checking, decoding and saving image files for the ImageDataGenerator iterators.

Images are decoded with Pillow in a thread pool (Pillow releases the GIL while
decoding). Every file is checked once when an iterator is created, so a
corrupt, truncated or non-image file is reported (or skipped, with a warning
naming it) before training starts, never in the middle of an epoch.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from kerasdl.utils.io import atomic_write
from kerasdl.utils.validation import check_choice

#: The extensions the legacy iterators accept (lower case, without the dot).
WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
COLOR_MODES = ("rgb", "rgba", "grayscale")
INTERPOLATIONS = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "hamming": Image.Resampling.HAMMING,
    "box": Image.Resampling.BOX,
    "lanczos": Image.Resampling.LANCZOS,
}
ON_ERROR = ("raise", "skip")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}

_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """One decoding pool per process (recreated after a fork)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            workers = min(8, (os.cpu_count() or 2) * 2)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kerasdl-img")
            _pool_pid = os.getpid()
        return _pool


def thread_map(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """``[function(item) for item in items]`` run in the decoding thread pool."""
    if len(items) <= 1:
        return [function(item) for item in items]
    return list(_executor().map(function, items))


def check_target_size(target_size: Any) -> tuple[int, int]:
    """Return ``target_size`` as ``(height, width)`` or raise a clear error.

    Example:

    >>> check_target_size([150, 150])
    (150, 150)
    """
    ok = (
        isinstance(target_size, (tuple, list))
        and len(target_size) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1 for v in target_size)
    )
    if not ok:
        raise ValueError(
            "`target_size` must be a (height, width) tuple of two positive integers such as "
            "(150, 150); the channels come from `color_mode`, not from `target_size`. "
            f"Received: target_size={target_size!r}"
        )
    return int(target_size[0]), int(target_size[1])


def has_image_extension(filename: str) -> bool:
    """Whether ``filename`` ends with one of :data:`WHITE_LIST_FORMATS` (any case)."""
    return filename.lower().endswith(WHITE_LIST_FORMATS)


def list_image_files(directory: str, follow_links: bool = False) -> list[str]:
    """Image files under ``directory`` (recursively), relative to it, in the legacy order.

    Folders are walked in sorted order and files sorted within each folder,
    exactly like the legacy ``_iter_valid_files``.
    """
    found = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda item: item[0]):
        for name in sorted(files):
            if has_image_extension(name):
                found.append(os.path.relpath(os.path.join(root, name), directory))
    return found


def _open(path: str) -> Image.Image:
    with open(path, "rb") as handle:
        data = handle.read()
    import io

    return Image.open(io.BytesIO(data))


def _convert(image: Image.Image, color_mode: str) -> Image.Image:
    # The legacy keras.utils.load_img rules.
    if color_mode == "grayscale":
        if image.mode not in ("L", "I;16", "I"):
            image = image.convert("L")
    elif color_mode == "rgba":
        if image.mode != "RGBA":
            image = image.convert("RGBA")
    elif image.mode != "RGB":
        image = image.convert("RGB")
    return image


def load_image(
    path: str | os.PathLike[str],
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> np.ndarray:
    """Decode one image file to a ``(height, width, channels)`` array.

    The same conversions and resizing as ``keras.utils.load_img`` (the legacy
    iterators' loader), without Keras.

    Args:
        path: The image file.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``. Defaults to ``"rgb"``.
        target_size: ``(height, width)`` to resize to, or ``None`` to keep
            the size. Defaults to ``None``.
        interpolation: Pillow resampling filter name (``"nearest"``,
            ``"bilinear"``, ``"bicubic"``, ``"hamming"``, ``"box"``,
            ``"lanczos"``). Defaults to ``"nearest"``.
        keep_aspect_ratio: Centre-crop to the target aspect ratio before
            resizing. Defaults to ``False``.

    Returns:
        A ``uint8`` array (``float32`` for 16/32-bit grayscale files).

    Raises:
        ValueError: If the file cannot be decoded; the message names it.

    Example:

    >>> import tempfile
    >>> from kerasdl.datasets import make_image_folder
    >>> root = make_image_folder(tempfile.mkdtemp(), num_per_class=1, image_size=(8, 8))
    >>> load_image(root / "cats" / "cats.0.jpg", target_size=(4, 6)).shape
    (4, 6, 3)
    """
    try:
        image = _load_pil(path, color_mode, target_size, interpolation, keep_aspect_ratio)
        array = np.asarray(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f"Could not read the image file {os.fspath(path)!r}: {error}") from error
    if array.dtype != np.uint8:
        array = array.astype(np.float32)
    if array.ndim == 2:
        array = array[:, :, None]
    return array


def _load_pil(
    path: str | os.PathLike[str],
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Image.Image:
    """:func:`load_image` up to the decoded, converted and resized Pillow image."""
    image = _convert(_open(os.fspath(path)), color_mode)
    if target_size is not None:
        size = (target_size[1], target_size[0])
        if image.size != size:
            box = None
            if keep_aspect_ratio:
                width, height = image.size
                crop_h = min(height, (width * size[1]) // size[0])
                crop_w = min(width, (height * size[0]) // size[1])
                top, left = (height - crop_h) // 2, (width - crop_w) // 2
                box = (left, top, left + crop_w, top + crop_h)
            image = image.resize(size, INTERPOLATIONS[interpolation], box=box)
    return image


class PackedBatch:
    """A batch of images decoded on demand into 4-bytes-per-pixel memory.

    ``array`` is the ``(n, height, width, channels)`` ``[..., :channels]``
    view of a contiguous ``(n, height, width, 4)`` ``uint8`` buffer that
    Pillow fills with its own RGBX/RGBA layout (no repacking), the form
    :func:`kerasdl.data.transforms.warp_affine` gathers from without copying.
    Its images hold garbage until :meth:`decode` has run on them: the warp
    decodes each chunk of images just before resampling it, in the same
    thread-pool task, so that Pillow's GIL-bound work on one chunk overlaps
    the GIL-free warp of another.
    """

    def __init__(self, paths: Sequence[str], **kwargs: Any) -> None:
        self.paths = list(paths)
        self.kwargs = kwargs
        height, width = kwargs["target_size"]
        color_mode = kwargs.get("color_mode", "rgb")
        self._rawmode = "RGBX" if color_mode == "rgb" else "RGBA"
        self.buffer = np.empty((len(self.paths), height, width, 4), dtype=np.uint8)
        self.array = self.buffer[..., : _CHANNELS[color_mode]]

    def decode(self, start: int, stop: int) -> None:
        """Decode images ``start ... stop - 1`` in the calling thread."""
        height, width = self.buffer.shape[1:3]
        for i in range(start, stop):
            path = self.paths[i]
            try:
                data = _load_pil(path, **self.kwargs).tobytes("raw", self._rawmode)
            except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
                raise ValueError(f"Could not read the image file {os.fspath(path)!r}: {error}") from error
            self.buffer[i] = np.frombuffer(data, dtype=np.uint8).reshape(height, width, 4)

    def decode_all(self) -> np.ndarray:
        """Decode every image in the thread pool; returns :attr:`array`."""
        thread_map(lambda i: self.decode(i, i + 1), range(len(self.paths)))
        return self.array


def packed_batch(paths: Sequence[str], **kwargs: Any) -> PackedBatch | None:
    """A :class:`PackedBatch` for ``paths``, or ``None`` where the layout does not apply.

    It applies to a non-empty list of ``"rgb"`` or ``"rgba"`` images with a
    ``target_size``; ``kwargs`` are :func:`load_image`'s.
    """
    color_mode = kwargs.get("color_mode", "rgb")
    if len(paths) and kwargs.get("target_size") is not None and color_mode in ("rgb", "rgba"):
        return PackedBatch(paths, **kwargs)
    return None


def load_images(paths: Sequence[str], packed: bool = False, **kwargs: Any) -> np.ndarray:
    """Decode ``paths`` in the thread pool into one ``(n, height, width, channels)`` batch.

    ``kwargs`` go to :func:`load_image`; ``target_size`` is required so that
    the images stack. With ``packed=True`` and ``color_mode`` ``"rgb"`` or
    ``"rgba"``, the batch is the :attr:`PackedBatch.array` view of 4-byte
    pixels.
    """
    pending = packed_batch(paths, **kwargs) if packed else None
    if pending is not None:
        return pending.decode_all()
    arrays = thread_map(lambda p: load_image(p, **kwargs), paths)
    dtype = np.uint8 if all(a.dtype == np.uint8 for a in arrays) else np.float32
    return np.stack([a.astype(dtype, copy=False) for a in arrays]) if arrays else np.zeros((0,), dtype)


def inspect_image(path: str) -> tuple[str | None, str | None]:
    """Return ``(mode, None)`` for a decodable image, ``(None, reason)`` otherwise.

    JPEGs are decoded in Pillow's draft mode (1/8 scale), which still reads
    the whole entropy-coded stream: truncation is found at a fraction of the
    cost of a full decode.
    """
    try:
        image = _open(path)
        mode = image.mode
        if image.format == "JPEG":
            image.draft(image.mode, (1, 1))
        image.load()
        return mode, None
    except FileNotFoundError:
        return None, "file not found"
    except Image.UnidentifiedImageError:
        return None, "not an image format Pillow can read"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        return None, f"{type(error).__name__}: {error}"


def check_images(paths: Sequence[str], on_error: str, what: str = "image") -> tuple[np.ndarray, list[str]]:
    """Decode-check every file; raise for bad ones, or warn and drop them with ``on_error="skip"``.

    Returns:
        ``(keep, modes)``: a boolean mask of the good files and their Pillow modes.

    Raises:
        ValueError: With ``on_error="raise"``, naming each unreadable file.
    """
    on_error = check_choice(on_error, "on_error", ON_ERROR)
    results = thread_map(inspect_image, list(paths))
    keep = np.array([mode is not None for mode, _ in results], dtype=bool)
    bad = [(p, reason) for p, (mode, reason) in zip(paths, results) if mode is None]
    if bad and on_error == "raise":
        shown = "\n".join(f"  {p}: {reason}" for p, reason in bad[:20])
        more = f"\n  ... and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise ValueError(
            f"{len(bad)} {what} file(s) cannot be decoded (corrupt, truncated or not an image):\n"
            f"{shown}{more}\nRemove or replace them, or pass on_error='skip' to skip them with a "
            f"warning. Received: on_error='raise'"
        )
    for p, reason in bad:
        warnings.warn(f"Skipping unreadable image file {p!r} ({reason}).", stacklevel=3)
    return keep, [mode for mode, _ in results if mode is not None]


def warn_mixed_modes(modes: Iterable[str], color_mode: str, paths: Sequence[str]) -> None:
    """Warn once when files of different colour modes are converted to ``color_mode``."""
    modes = list(modes)
    kinds = sorted(set(modes))
    if len(kinds) <= 1:
        return
    counts = ", ".join(f"{m}: {modes.count(m)}" for m in kinds)
    examples = ", ".join(
        f"{paths[modes.index(m)]!r} ({m})" for m in kinds if _CHANNELS.get(color_mode) != len(m)
    )
    warnings.warn(
        f"The images mix colour modes ({counts}); all are converted to color_mode={color_mode!r} "
        f"({_CHANNELS[color_mode]} channel(s)), e.g. {examples}. Transparent areas of RGBA "
        "images become black under 'rgb'; pass color_mode='rgba' or 'grayscale' to choose "
        "another conversion.",
        stacklevel=3,
    )


def array_to_image(array: np.ndarray, scale: bool = True) -> Image.Image:
    """A Pillow image from a ``(height, width, channels)`` array (legacy ``array_to_img``)."""
    x = np.asarray(array, dtype=np.float32)
    if scale:
        x = x - x.min()
        top = x.max()
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[-1]
    if channels == 1:
        return Image.fromarray(x[:, :, 0].astype(np.uint8), "L")
    return Image.fromarray(x.astype(np.uint8), "RGBA" if channels == 4 else "RGB")


def save_images(
    batch: np.ndarray,
    indices: Sequence[int] | np.ndarray,
    directory: str | os.PathLike[str],
    prefix: str,
    image_format: str,
) -> list[Path]:
    """Write each image of ``batch`` atomically as ``{prefix}_{index}_{random}.{format}``."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng()
    written = []
    for array, index in zip(batch, indices):
        target = folder / f"{prefix}_{int(index)}_{int(rng.integers(10_000_000))}.{image_format}"
        with atomic_write(target) as tmp:
            fmt = "JPEG" if image_format.lower() in ("jpg", "jpeg") else None
            array_to_image(array).save(tmp, format=fmt)
        written.append(target)
    return written
