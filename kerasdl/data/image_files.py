"""Finding, checking, decoding and saving image files for the ImageDataGenerator iterators.

Images are decoded with Pillow in a thread pool (Pillow releases the GIL while
decoding). Every file is checked once when an iterator is created, so a
corrupt, truncated or non-image file is reported (or skipped, with a warning
naming it) before training starts, never in the middle of an epoch.

Only regular files (or symbolic links to them) are read as images: a path is
``os.stat``-ed before it is opened, so a FIFO, a device (``/dev/zero``), a
socket, a directory or a dangling link named ``x.jpg`` never blocks or eats
memory. One file is read up to :data:`MAX_IMAGE_FILE_BYTES`, and an image
declaring more than ``PIL.Image.MAX_IMAGE_PIXELS`` pixels (Pillow's
decompression-bomb guard) is refused with an error naming the file.
"""

from __future__ import annotations

import errno
import io
import os
import stat
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

#: The largest image file read, in bytes (256 MiB): a bound on the memory one
#: file can take. Raise it with ``kerasdl.data.image_files.MAX_IMAGE_FILE_BYTES
#: = 2**30``, or set it to ``None`` to remove the bound.
MAX_IMAGE_FILE_BYTES: int | None = 256 * 2**20

_SPECIAL_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_NOT_REGULAR = "only regular files (or symbolic links to them) are read as images"
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

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


def special_file_kind(path: str | os.PathLike[str]) -> str | None:
    """``None`` for a regular file (or a symbolic link to one), else what ``path`` is.

    Uses ``os.stat`` only: nothing is opened, so a FIFO cannot block.

    Example:

    >>> special_file_kind("/dev/null")
    'a character device'
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a dangling symbolic link" if os.path.islink(path) else "missing"
    except OSError as error:
        return f"not accessible ({error.strerror or type(error).__name__})"
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _SPECIAL_KINDS if test(mode)), "not a regular file")


def warn_special_files(special: Sequence[tuple[str, str]], stacklevel: int = 3) -> None:
    """Warn once about the ``(path, kind)`` entries a folder scan skipped."""
    if not special:
        return
    shown = ", ".join(f"{p!r} ({kind})" for p, kind in special[:20])
    more = f" ... and {len(special) - 20} more" if len(special) > 20 else ""
    warnings.warn(
        f"Skipping {len(special)} path(s) with an image extension that are not regular files "
        f"({_NOT_REGULAR}): {shown}{more}.",
        stacklevel=stacklevel + 1,
    )


def list_image_files(directory: str, follow_links: bool = False) -> list[str]:
    """Image files under ``directory`` (recursively), relative to it, in the legacy order.

    Folders are walked in sorted order and files sorted within each folder,
    exactly like the legacy ``_iter_valid_files``. Entries that are not
    regular files (FIFOs, devices, sockets, dangling links) are left out with
    one warning naming them.
    """
    found, special = [], []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda item: item[0]):
        for name in sorted(files):
            if has_image_extension(name):
                path = os.path.join(root, name)
                kind = special_file_kind(path)
                if kind is None:
                    found.append(os.path.relpath(path, directory))
                else:
                    special.append((path, kind))
    warn_special_files(special, stacklevel=4)
    return found


class ImageFileError(ValueError):
    """A file refused before decoding (not a regular file, too large, a decompression bomb)."""


def read_image_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of one image file: a regular file of at most :data:`MAX_IMAGE_FILE_BYTES`.

    The path is ``os.stat``-ed before it is opened, and opened non-blocking
    and ``fstat``-ed again (a file swapped for a FIFO in between cannot block).

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ImageFileError: If it is not a regular file or is over the limit.
    """
    path = os.fspath(path)
    kind = special_file_kind(path)
    if kind == "missing":
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    if kind is not None:
        raise ImageFileError(f"it is {kind}, not a regular file; {_NOT_REGULAR}")
    limit = MAX_IMAGE_FILE_BYTES
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ImageFileError(f"it is not a regular file (it changed as it was opened); {_NOT_REGULAR}")
        # Read at most one byte past the limit: a file growing after the fstat is caught too.
        too_big = limit is not None and info.st_size > limit
        data = b"" if too_big else handle.read(-1 if limit is None else limit + 1)
        size = max(info.st_size, len(data))
    if limit is not None and size > limit:
        raise ImageFileError(
            f"it is {size:,} bytes, over the {limit:,}-byte limit on one image file; to read it, raise "
            "the limit (kerasdl.data.image_files.MAX_IMAGE_FILE_BYTES = 2**30) or set it to None"
        )
    return data


def _bomb_message(detail: str) -> str:
    return (
        f"{detail}, over Pillow's decompression-bomb guard PIL.Image.MAX_IMAGE_PIXELS="
        f"{Image.MAX_IMAGE_PIXELS!r}; if the image is genuine, raise the limit "
        "(PIL.Image.MAX_IMAGE_PIXELS = ...) or set it to None"
    )


def open_image_bytes(data: bytes) -> Image.Image:
    """``PIL.Image.open`` on ``data`` (header only), refusing decompression bombs.

    Pillow only warns between ``MAX_IMAGE_PIXELS`` and twice that; here
    anything over ``MAX_IMAGE_PIXELS`` raises :class:`ImageFileError`.
    """
    try:
        image = Image.open(io.BytesIO(data))
    except _BOMB_ERRORS as error:  # the warning too, where warnings are errors
        raise ImageFileError(_bomb_message(str(error).rstrip("."))) from error
    limit = Image.MAX_IMAGE_PIXELS
    width, height = image.size
    if limit is not None and width * height > limit:
        raise ImageFileError(_bomb_message(f"it declares {width}x{height} = {width * height:,} pixels"))
    return image


def _open(path: str) -> Image.Image:
    return open_image_bytes(read_image_bytes(path))


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
    except (OSError, SyntaxError, ValueError, *_BOMB_ERRORS) as error:
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
            except (OSError, SyntaxError, ValueError, *_BOMB_ERRORS) as error:
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


def inspect_image(
    path: str, decode: Callable[[bytes, Image.Image], None] | None = None
) -> tuple[str | None, str | None]:
    """Return ``(mode, None)`` for a decodable image, ``(None, reason)`` otherwise.

    JPEGs are decoded in Pillow's draft mode (1/8 scale), which still reads
    the whole entropy-coded stream: truncation is found at a fraction of the
    cost of a full decode. ``decode(data, image)``, if given, replaces
    Pillow's decode (``image`` is the opened, not yet decoded, Pillow image)
    and raises ``ValueError(reason)`` for a file it cannot read.
    """
    try:
        data = read_image_bytes(path)
        image = open_image_bytes(data)
        mode = image.mode
        if decode is not None:
            try:
                decode(data, image)
            except ValueError as error:
                return None, str(error)
            return mode, None
        if image.format == "JPEG":
            image.draft(image.mode, (1, 1))
        image.load()
        return mode, None
    except FileNotFoundError:
        return None, "file not found"
    except Image.UnidentifiedImageError:
        return None, "not an image format Pillow can read"
    except ImageFileError as error:
        return None, str(error)
    except (OSError, SyntaxError, ValueError, *_BOMB_ERRORS) as error:
        return None, f"{type(error).__name__}: {error}"


def check_images(
    paths: Sequence[str],
    on_error: str,
    what: str = "image",
    decode: Callable[[bytes, Image.Image], None] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Check every file; raise for bad ones, or warn and drop them with ``on_error="skip"``.

    A file is bad if it is not a regular file, is over
    :data:`MAX_IMAGE_FILE_BYTES`, declares more than
    ``PIL.Image.MAX_IMAGE_PIXELS`` pixels, or does not decode (with Pillow,
    or with ``decode``: see :func:`inspect_image`).

    Returns:
        ``(keep, modes)``: a boolean mask of the good files and their Pillow modes.

    Raises:
        ValueError: With ``on_error="raise"``, naming each unreadable file.
    """
    on_error = check_choice(on_error, "on_error", ON_ERROR)
    results = thread_map(lambda p: inspect_image(p, decode), list(paths))
    keep = np.array([mode is not None for mode, _ in results], dtype=bool)
    bad = [(p, reason) for p, (mode, reason) in zip(paths, results) if mode is None]
    if bad and on_error == "raise":
        shown = "\n".join(f"  {p}: {reason}" for p, reason in bad[:20])
        more = f"\n  ... and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise ValueError(
            f"{len(bad)} {what} file(s) cannot be decoded (corrupt, truncated, not an image, too large "
            f"or not a regular file):\n{shown}{more}\nRemove or replace them, or pass on_error='skip' to "
            "skip them with a warning. Received: on_error='raise'"
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
