"""CIFAR-10 from the publisher's python batches (the tarball or its extracted folder)."""

from __future__ import annotations

import os
import tarfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kerasdl.datasets._files import (
    DatasetNotFoundError,
    find_files,
    md5_of,
    not_found_message,
)
from kerasdl.datasets._files import download as _download
from kerasdl.datasets._safe_pickle import restricted_loads

#: The tarball the publisher (Alex Krizhevsky, University of Toronto) distributes.
CIFAR10_TARBALL = "cifar-10-python.tar.gz"
#: Its MD5, as published on https://www.cs.toronto.edu/~kriz/cifar.html.
CIFAR10_TARBALL_MD5 = "c58f30108f718f92721af3b95e74349a"
#: Where ``keras.datasets.cifar10`` downloads it from.
_CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
#: The folder the tarball extracts to, and the batches inside it.
CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)
#: CIFAR-10 class names, by label.
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)

def read_cifar_batch(data: bytes, source: str = "<bytes>") -> tuple[np.ndarray, np.ndarray]:
    """Decode one pickled CIFAR batch into channels-last images and labels.

    The batch is a pickled dict (written by Python 2) with ``data``, a
    ``(n, 3072)`` uint8 array of planar red, green and blue rows, and
    ``labels``. Only NumPy array types may be unpickled: a batch that asks
    for anything else is refused.

    Args:
        data: The bytes of a ``data_batch_N`` or ``test_batch`` file.
        source: The file's name, used in error messages. Defaults to
            ``"<bytes>"``.

    Returns:
        ``(images, labels)``: ``(n, 32, 32, 3)`` uint8 images and ``(n,)``
        uint8 labels.

    Raises:
        ValueError: If the bytes are not a CIFAR batch (corrupt, truncated,
            another format, or a pickle asking for other objects).

    Example:

    >>> import pickle, numpy as np
    >>> raw = pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": [3, 5]}, protocol=2)
    >>> images, labels = read_cifar_batch(raw)
    >>> images.shape, labels.tolist()
    ((2, 32, 32, 3), [3, 5])
    """
    try:
        batch = restricted_loads(data, source, encoding="bytes")
    except ValueError as error:
        raise ValueError(f"{source!r} is not a valid CIFAR batch: {error}") from None
    if not isinstance(batch, dict):
        raise ValueError(f"{source!r} is not a CIFAR batch: it holds a {type(batch).__name__}, not a dict.")
    batch = {k.decode("utf-8") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise ValueError(
            f"{source!r} is not a CIFAR-10 batch: expected the keys 'data' and 'labels', found "
            f"{sorted(map(str, batch))}."
        )
    images, labels = batch["data"], batch["labels"]
    if not isinstance(images, np.ndarray) or images.ndim != 2 or images.shape[1] != 3 * 32 * 32:
        shape = getattr(images, "shape", type(images).__name__)
        raise ValueError(f"{source!r}: 'data' must be an (n, 3072) array of pixels, found {shape}.")
    if images.dtype != np.uint8:
        raise ValueError(
            f"{source!r}: 'data' must hold uint8 pixels (0-255), as the publisher's batches do; the batch "
            f"is corrupt or not a CIFAR-10 batch. Received: dtype {images.dtype}"
        )
    if not isinstance(labels, (list, np.ndarray)) or not all(
        isinstance(label, (int, np.integer)) and not isinstance(label, bool) for label in labels
    ):
        raise ValueError(
            f"{source!r}: 'labels' must be a list of integer class ids 0-9; the batch is corrupt. "
            f"Received: {str(labels)[:60]}"
        )
    labels = np.asarray(labels, dtype=np.int64)
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(
            f"{source!r}: {len(images)} images but labels of shape {labels.shape}; the batch is corrupt."
        )
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{source!r}: labels must be 0-9, found {labels.min()}-{labels.max()}.")
    images = images.astype(np.uint8, copy=False).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels.astype(np.uint8)


def _read_tarball(path: Path) -> dict[str, bytes]:
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():  # read in memory; nothing is extracted
                name = Path(member.name).name
                if member.isfile() and name in CIFAR10_BATCHES:
                    handle = archive.extractfile(member)
                    if handle is not None:
                        members[name] = handle.read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"Could not read {str(path)!r}: {error}. The file is corrupt or truncated; delete it and "
            "download it again."
        ) from error
    missing = [b for b in CIFAR10_BATCHES if b not in members]
    if missing:
        raise ValueError(f"{str(path)!r} lacks the CIFAR-10 batches {missing}; download it again.")
    return members


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ValueError(
            f"Could not read the CIFAR-10 batch {str(path)!r}: {error}. Check its permissions."
        ) from error


def load_cifar10(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-10 as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays.

    Reads the publisher's ``cifar-10-python.tar.gz`` (checked against its
    published MD5, read in memory without extracting) or the
    ``cifar-10-batches-py/`` folder it extracts to (``data_batch_1`` ...
    ``data_batch_5``, ``test_batch``), from ``data_dir``, then
    ``$KERASDL_DATA_DIR`` (or its ``cifar10/`` subfolder), then the Keras
    cache (where ``keras.datasets.cifar10`` extracts it); only then tries the
    download from the publisher. The pickled batches are read with an
    unpickler that only admits NumPy arrays.

    Unlike ``keras.datasets.cifar10``, images are always channels-last
    ``(n, 32, 32, 3)`` and labels are flat ``(n,)``.

    Args:
        data_dir: A folder holding the tarball, the extracted
            ``cifar-10-batches-py/`` folder, or the batches themselves.
            Defaults to ``None``.
        download: Whether to try the download when nothing is found
            locally. Defaults to ``True``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 50,000 and 10,000 images,
        labels 0-9 (names in ``CIFAR10_CLASSES``).

    Raises:
        DatasetNotFoundError: If the files are nowhere (the message says where
            to put them).
        ValueError: If a file is corrupt, truncated or not the published one.

    Example:

    >>> from kerasdl.datasets import load_cifar10
    >>> (x_train, y_train), (x_test, y_test) = load_cifar10(  # doctest: +SKIP
    ...     "data/cifar10")
    >>> x_train.shape, y_train.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000,))
    """
    name = "cifar10"
    layouts: list[Sequence[str]] = [
        [f"{CIFAR10_FOLDER}/{b}" for b in CIFAR10_BATCHES],
        list(CIFAR10_BATCHES),
        [f"cifar-10-batches-py-target/{CIFAR10_FOLDER}/{b}" for b in CIFAR10_BATCHES],  # Keras 3 cache
        [CIFAR10_TARBALL],
    ]
    found = find_files(name, layouts, data_dir)
    if found is None:
        message = not_found_message(name, [layouts[0], layouts[-1]], data_dir)
        if not download:
            raise DatasetNotFoundError(message)
        found = [_download(name, _CIFAR10_URL, CIFAR10_TARBALL, CIFAR10_TARBALL_MD5, message)]
    if len(found) == 1:  # the tarball
        if md5_of(found[0]) != CIFAR10_TARBALL_MD5:
            raise ValueError(
                f"Checksum mismatch for {str(found[0])!r}: its MD5 should be {CIFAR10_TARBALL_MD5} "
                "(the published cifar-10-python.tar.gz). The file is corrupt or not the published "
                "one; download it again."
            )
        members = _read_tarball(found[0])
        raw = [(members[b], f"{found[0]}:{b}") for b in CIFAR10_BATCHES]
    else:
        raw = [(_read_bytes(path), str(path)) for path in found]
    batches = [read_cifar_batch(data, source) for data, source in raw]
    x_train = np.concatenate([images for images, _ in batches[:5]])
    y_train = np.concatenate([labels for _, labels in batches[:5]])
    return (x_train, y_train), batches[5]
