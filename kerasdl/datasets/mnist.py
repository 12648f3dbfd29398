"""MNIST and Fashion-MNIST from the publishers' IDX files (or Keras's ``.npz``)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from kerasdl.datasets._files import (
    DatasetNotFoundError,
    download,
    find_files,
    md5_of,
    not_found_message,
)

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


def read_idx(path: str | os.PathLike[str], expected_md5: str | None = None) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not) into a NumPy array.

    Args:
        path: The ``*-idx?-ubyte[.gz]`` file.
        expected_md5: If given, the MD5 of the uncompressed bytes must match.

    Returns:
        A ``uint8`` array of the shape the header declares.

    Raises:
        ValueError: If the file is not a well-formed IDX file or the checksum
            does not match.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError) as error:
        raise ValueError(
            f"Could not read the IDX file {str(path)!r}: {error}. The file is corrupt or "
            "truncated; download it again."
        ) from error
    if expected_md5 is not None and md5_of(path, data) != expected_md5:
        raise ValueError(
            f"Checksum mismatch for {str(path)!r}: the uncompressed MD5 should be "
            f"{expected_md5}. The file is corrupt or not the published one; download it again."
        )
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(
            f"{str(path)!r} is not an unsigned-byte IDX file (bad magic number). "
            "Expected files such as 'train-images-idx3-ubyte.gz'."
        )
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    expected = int(np.prod(dims)) if dims else 0
    if len(data) - offset != expected:
        raise ValueError(
            f"{str(path)!r} is truncated or padded: the header declares shape {dims} "
            f"({expected} bytes) but the file holds {len(data) - offset} bytes."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


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
        with np.load(found[0], allow_pickle=False) as npz:
            return (npz["x_train"], npz["y_train"]), (npz["x_test"], npz["y_test"])
    for path in found if gz_md5 else ():
        expected = gz_md5.get(path.name)  # type: ignore[union-attr]
        if expected is not None and md5_of(path) != expected:
            raise ValueError(
                f"Checksum mismatch for {str(path)!r}: its MD5 should be {expected} (the "
                f"published {name} file). The file is corrupt or not the published one; "
                "download it again."
            )
    x_train = read_idx(found[0], expected_md5=train_md5)
    y_train = read_idx(found[1])
    x_test = read_idx(found[2])
    y_test = read_idx(found[3])
    for images, labels, split in ((x_train, y_train, "train"), (x_test, y_test, "t10k")):
        if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f"The {name} {split} files do not match: images {images.shape}, "
                f"labels {labels.shape}. Check that the four IDX files belong together."
            )
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
    ``x[..., None]``.

    Args:
        data_dir: A folder holding the files. Defaults to ``None``.
        download: Whether to try the Keras download when nothing is found
            locally. Defaults to ``True``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 60,000 and 10,000 images.

    Raises:
        DatasetNotFoundError: If the files are nowhere (the message says where
            to put them).
        ValueError: If a file is corrupt or truncated.

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
    IDX headers against the 28x28 image shape and the label counts.

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
        ValueError: If a file is corrupt, truncated or not the published one.

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
