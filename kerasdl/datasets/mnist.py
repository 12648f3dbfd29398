"""MNIST and Fashion-MNIST from the publishers' IDX files (or Keras's ``.npz``)."""

from __future__ import annotations

import gzip
import math
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kerasdl.datasets._files import (
    DatasetNotFoundError,
    download,
    find_files,
    md5_of,
    not_found_message,
)
from kerasdl.datasets.imdb import load_npz_safely

MNIST_IDX_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
#: MD5 of the uncompressed training images, as published with MNIST.
MNIST_TRAIN_IMAGES_MD5 = "6bbc9ace898e44ae57da46a324031adb"
_KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
_KERAS_MNIST_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

#: MD5 of the four gzip files as published by Zalando Research
#: (github.com/zalandoresearch/fashion-mnist; the same values torchvision checks).
FASHION_MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
#: Where ``keras.datasets.fashion_mnist`` downloads the four IDX files from.
_KERAS_FASHION_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: Fashion-MNIST class names, by label.
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


#: The largest array, in bytes, :func:`read_idx` reads: the header's declared size is checked
#: before anything is decompressed or allocated (the MNIST training images are 47 MB). Pass
#: ``max_bytes=`` or set ``kerasdl.datasets.mnist.IDX_MAX_BYTES`` to raise it.
IDX_MAX_BYTES = 1 << 30
#: The most images (and labels) :func:`load_mnist` and :func:`load_fashion_mnist` accept in one
#: file, checked against the IDX headers (or the ``.npz`` headers) before reading: the real files
#: hold 60,000 and 10,000. Set ``kerasdl.datasets.mnist.MNIST_MAX_SAMPLES`` to raise it.
MNIST_MAX_SAMPLES = 1_000_000
_IMAGE_SHAPE = (28, 28)
_NUM_CLASSES = 10


def read_idx(
    path: str | os.PathLike[str], expected_md5: str | None = None, *, max_bytes: int | None = None
) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not) into a NumPy array.

    The header is read first and the size it declares checked against
    ``max_bytes`` before the data is decompressed; then exactly that many
    bytes are read, so a decompression bomb is refused, not unpacked.

    Args:
        path: The ``*-idx?-ubyte[.gz]`` file.
        expected_md5: If given, the MD5 of the uncompressed bytes must match.
        max_bytes: The largest data size accepted. Defaults to ``None``
            (``IDX_MAX_BYTES``, 1 GiB).

    Returns:
        A ``uint8`` array of the shape the header declares.

    Raises:
        ValueError: If the file is not a well-formed IDX file, declares more
            than ``max_bytes``, or the checksum does not match.

    Example:

    >>> import gzip, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte.gz"
    >>> with gzip.open(path, "wb") as handle:
    ...     _ = handle.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> read_idx(path).tolist()
    [7, 2, 1]
    """
    return _read_idx(Path(path), expected_md5, max_bytes, None)


def _read_idx(
    path: Path,
    expected_md5: str | None,
    max_bytes: int | None,
    check_dims: Callable[[tuple[int, ...]], None] | None,
) -> np.ndarray:
    limit = IDX_MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 0:
        raise ValueError(f"`max_bytes` must be None or an integer >= 0. Received: max_bytes={max_bytes!r}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            header = handle.read(4)
            if len(header) < 4 or header[:3] != b"\x00\x00\x08" or header[3] == 0:
                raise _BadIdx(
                    f"{str(path)!r} is not an unsigned-byte IDX file (bad magic number). "
                    "Expected files such as 'train-images-idx3-ubyte.gz'."
                )
            header += handle.read(4 * header[3])
            if len(header) != 4 + 4 * header[3]:
                raise _BadIdx(f"{str(path)!r} is truncated inside its header; download it again.")
            dims = tuple(int.from_bytes(header[4 + 4 * i : 8 + 4 * i], "big") for i in range(header[3]))
            expected = math.prod(dims)
            if check_dims is not None:
                check_dims(dims)
            if expected > limit:
                raise _BadIdx(
                    f"{str(path)!r} declares an IDX array of shape {dims} ({expected:,} bytes), more "
                    "than the "
                    f"limit of {int(limit):,} bytes. The file is corrupt or a decompression bomb; if it is "
                    "genuine, pass a larger `max_bytes=` (or raise kerasdl.datasets.mnist.IDX_MAX_BYTES). "
                    f"Received: shape={dims}"
                )
            data = handle.read(expected)
            extra = len(handle.read(1))
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"Could not read the IDX file {str(path)!r}: {error}. The file is corrupt or truncated; "
            "delete it "
            "and download it again."
        ) from error
    if len(data) != expected or extra:
        raise ValueError(
            f"{str(path)!r} is truncated or padded: the header declares shape {dims} "
            f"({expected} bytes) but the file holds "
            f"{len(data) if not extra else 'more than ' + str(expected)} "
            "bytes. Delete it and download it again."
        )
    if expected_md5 is not None and md5_of(path, header + data) != expected_md5:
        raise ValueError(
            f"Checksum mismatch for {str(path)!r}: the uncompressed MD5 should be "
            f"{expected_md5}. The file is corrupt or not the published one; download it again."
        )
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


class _BadIdx(ValueError):
    """A malformed IDX header (raised inside the reading block, passed through unchanged)."""


def _dims_check(name: str, path: Path, kind: str) -> Callable[[tuple[int, ...]], None]:
    """Check an images (``(n, 28, 28)``) or labels (``(n,)``) header before its data is read."""

    def check(dims: tuple[int, ...]) -> None:
        shape_ok = dims[1:] == _IMAGE_SHAPE if kind == "images" else len(dims) == 1
        if not shape_ok or len(dims) != (3 if kind == "images" else 1):
            raise _BadIdx(
                f"The {name} file {str(path)!r} must hold {kind} of shape "
                f"{'(n, 28, 28)' if kind == 'images' else '(n,)'}. Check that it is the published file. "
                f"Received: {kind} {dims}"
            )
        if dims[0] > MNIST_MAX_SAMPLES:
            raise _BadIdx(
                f"The {name} file {str(path)!r} declares {dims[0]:,} {kind}, more than the limit of "
                f"{MNIST_MAX_SAMPLES:,} (the real files hold 60,000 and 10,000). The file is corrupt or a "
                "decompression bomb; if it is genuine, raise kerasdl.datasets.mnist.MNIST_MAX_SAMPLES. "
                f"Received: {kind} {dims}"
            )

    return check


def _check_split(name: str, split: str, images: np.ndarray, labels: np.ndarray, source: str) -> None:
    """The checks shared by the IDX and ``.npz`` layouts: shapes, dtypes, label range."""
    if (
        images.ndim != 3
        or images.shape[1:] != _IMAGE_SHAPE
        or labels.ndim != 1
        or len(images) != len(labels)
    ):
        raise ValueError(
            f"The {name} {split} files do not match: images {images.shape}, "
            f"labels {labels.shape}. Check that the four IDX files belong together. Received: {source}"
        )
    if images.dtype != np.uint8 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"The {name} {split} images must be uint8 and the labels integers. The file is not the published "
            f"one; delete it and download it again. Received: images {images.dtype}, labels {labels.dtype} "
            f"in {source}"
        )
    if len(labels) and (labels.min() < 0 or labels.max() >= _NUM_CLASSES):
        raise ValueError(
            f"The {name} {split} labels must be 0-9. The file is corrupt or not the published one; delete it "
            f"and download it again. Received: labels {labels.min()}-{labels.max()} in {source}"
        )


def _load(
    name: str,
    data_dir: str | os.PathLike[str] | None,
    train_md5: str | None,
    url: str | None,
    url_hash: str | None,
    download_ok: bool,
    gz_md5: dict[str, str] | None = None,
) -> Arrays:
    layouts = [list(MNIST_IDX_FILES), [f"{name.replace('-', '_')}.npz"]]
    found = find_files(name, layouts, data_dir)
    if found is None:
        message = not_found_message(name, layouts, data_dir)
        if not download_ok or url is None:
            raise DatasetNotFoundError(message)
        if gz_md5 is not None:  # the four IDX files, one by one (Keras's Fashion-MNIST layout)
            found = [download(name, url + f, f, gz_md5.get(f), message) for f in MNIST_IDX_FILES]
        else:
            found = [download(name, url, layouts[1][0], url_hash, message)]
    if found[0].suffix == ".npz":
        # At most MNIST_MAX_SAMPLES images and int64 labels for each split, plus the headers.
        limit = 2 * MNIST_MAX_SAMPLES * (28 * 28 + 8) + 4096
        arrays = load_npz_safely(found[0], max_bytes=limit, allow_pickle=False)
        missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if k not in arrays]
        if missing:
            raise ValueError(
                f"{str(found[0])!r} is not a Keras {name} file: it lacks {', '.join(missing)}. Delete it and "
                f"download it again. Received: members {sorted(arrays)}"
            )
        for split in ("train", "test"):
            _check_split(name, split, arrays[f"x_{split}"], arrays[f"y_{split}"], str(found[0]))
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    for path in found if gz_md5 else ():
        expected = gz_md5.get(path.name)  # type: ignore[union-attr]
        if expected is not None and md5_of(path) != expected:
            raise ValueError(
                f"Checksum mismatch for {str(path)!r}: its MD5 should be {expected} (the "
                f"published {name} file). The file is corrupt or not the published one; "
                "download it again."
            )
    kinds = ("images", "labels", "images", "labels")
    x_train, y_train, x_test, y_test = (
        _read_idx(path, train_md5 if i == 0 else None, None, _dims_check(name, path, kind))
        for i, (path, kind) in enumerate(zip(found, kinds))
    )
    _check_split(name, "train", x_train, y_train, f"{found[0]}, {found[1]}")
    _check_split(name, "t10k", x_test, y_test, f"{found[2]}, {found[3]}")
    return (x_train, y_train), (x_test, y_test)


def load_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
) -> Arrays:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays.

    Reads the four publisher IDX files (``train-images-idx3-ubyte.gz``...)
    or the Keras ``mnist.npz`` from ``data_dir``, then ``$KERASDL_DATA_DIR``
    (or its ``mnist/`` subfolder), then the Keras cache; only then tries the
    Keras download. The training images are checked against the published
    MD5. Images have shape ``(n, 28, 28)``; add a channel axis with
    ``x[..., None]``. The headers are checked before any data is read:
    images ``(n, 28, 28)`` and labels ``(n,)`` with ``n`` at most
    ``MNIST_MAX_SAMPLES`` (1,000,000; set
    ``kerasdl.datasets.mnist.MNIST_MAX_SAMPLES`` to raise it), then the
    images must be uint8 and the labels 0-9.

    Args:
        data_dir: A folder holding the files. Defaults to ``None``.
        download: Whether to try the Keras download when nothing is found
            locally. Defaults to ``True``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 60,000 and 10,000 images.

    Raises:
        DatasetNotFoundError: If the files are nowhere (the message says where
            to put them).
        ValueError: If a file is corrupt or truncated, declares more than
            ``MNIST_MAX_SAMPLES`` images, or holds labels outside 0-9.

    Example:

    >>> from kerasdl.datasets import load_mnist
    >>> (x_train, y_train), (x_test, y_test) = load_mnist(  # doctest: +SKIP
    ...     "../shared/data/mnist")
    >>> x_train.shape  # doctest: +SKIP
    (60000, 28, 28)
    """
    return _load("mnist", data_dir, MNIST_TRAIN_IMAGES_MD5, _KERAS_MNIST_URL, _KERAS_MNIST_HASH, download)



def load_fashion_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
) -> Arrays:
    """Load Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays.

    Zalando's drop-in replacement for MNIST: 28x28 grey images of ten kinds
    of clothing (names in ``FASHION_MNIST_CLASSES``). Reads the four
    publisher IDX files, named as for MNIST (``train-images-idx3-ubyte.gz``,
    ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
    ``t10k-labels-idx1-ubyte.gz``), from ``data_dir``, then
    ``$KERASDL_DATA_DIR`` (or its ``fashion-mnist/`` subfolder), then the
    Keras cache (``~/.keras/datasets/fashion-mnist``, where
    ``keras.datasets.fashion_mnist`` puts them); only then tries the Keras
    download. Each file is checked against the MD5 Zalando publishes, and the
    IDX headers against the 28x28 image shape and the label counts (at most
    ``MNIST_MAX_SAMPLES``, as for :func:`load_mnist`) before any data is
    read; labels must be 0-9.

    Args:
        data_dir: A folder holding the four files. Defaults to ``None``.
        download: Whether to try the Keras download when nothing is found
            locally. Defaults to ``True``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 60,000 and 10,000 images of
        shape ``(28, 28)``, labels 0-9.

    Raises:
        DatasetNotFoundError: If the files are nowhere (the message says where
            to put them).
        ValueError: If a file is corrupt, truncated or not the published one,
            or declares more than ``MNIST_MAX_SAMPLES`` images.

    Example:

    >>> from kerasdl.datasets import load_fashion_mnist
    >>> (x_train, y_train), _ = load_fashion_mnist(  # doctest: +SKIP
    ...     "data/fashion-mnist")
    >>> x_train.shape  # doctest: +SKIP
    (60000, 28, 28)
    """
    return _load(
        "fashion-mnist", data_dir, None, _KERAS_FASHION_MNIST_URL, None, download, gz_md5=FASHION_MNIST_MD5
    )
