"""The Keras IMDB movie-review sentiment arrays (``imdb.npz``), read locally first.

Same file, same results as ``keras.datasets.imdb.load_data``: 25,000 training
and 25,000 test reviews as lists of word ids (``start_char=1``,
``oov_char=2``, word ids shifted by ``index_from=3``), labels 1 (positive) and
0 (negative). The arrays are ragged, so Keras stores them as pickled object
arrays; they are read here with an unpickler that only accepts the NumPy
array classes, so a tampered file cannot run code (as Keras 3.15 does, not
``np.load(allow_pickle=True)``).
"""

from __future__ import annotations

import json
import math
import os
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.datasets._files import DatasetNotFoundError, download, find_files, not_found_message
from kerasdl.datasets._safe_pickle import restricted_loads

_IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
_IMDB_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"

#: The largest total size, in bytes, that :func:`load_npz_safely` decompresses from the ``.npy``
#: members of an archive, read from the zip directory before anything is decompressed (the
#: Keras ``imdb.npz`` holds about 40 MB). Pass ``max_bytes=`` or set
#: ``kerasdl.datasets.imdb.NPZ_MAX_BYTES`` to raise it.
NPZ_MAX_BYTES = 1 << 30
#: How many times its compressed size a pickled (object) member may decompress to, beyond its
#: first MiB: unpickling costs about 20 bytes of memory per pickled byte, so a pickle must not
#: be a decompression bomb. Pickled word ids compress about 3 to 1. Set
#: ``kerasdl.datasets.imdb.NPZ_MAX_PICKLE_RATIO`` to raise it.
NPZ_MAX_PICKLE_RATIO = 100
_PICKLE_ALLOWANCE = 1 << 20

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_npz_safely(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, allow_pickle: bool = True
) -> dict[str, np.ndarray]:
    """Read an ``.npz`` archive, allowing pickled object arrays of NumPy data only.

    Every size is checked before it is allocated: the members' total
    decompressed size (from the zip directory) against ``max_bytes``, each
    ``.npy`` header's shape and dtype against the bytes the member really
    holds, and a pickled member's decompressed size against its compressed
    size (``NPZ_MAX_PICKLE_RATIO``). Numeric members are read with pickling
    disabled; object members (ragged lists such as the IMDB reviews) with an
    unpickler that accepts nothing but the NumPy array classes and checks
    every array against its data, so loading cannot execute code.

    Args:
        path: The ``.npz`` file.
        max_bytes: The largest total decompressed size accepted. Defaults
            to ``None`` (``NPZ_MAX_BYTES``, 1 GiB).
        allow_pickle: Whether object members are accepted (through the
            restricted unpickler). Defaults to ``True``.

    Returns:
        ``{member name: array}``.

    Raises:
        ValueError: If the file is not a readable ``.npz`` archive, a size
            is over its limit or does not match, or a pickle asks for
            anything but NumPy arrays (also a ``pickle.UnpicklingError``).

    Example:

    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> from kerasdl.datasets import load_npz_safely
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ragged.npz"
    >>> ragged = np.empty(2, dtype=object); ragged[:] = [[1, 2], [3]]
    >>> np.savez(path, x=ragged)
    >>> load_npz_safely(path)["x"].tolist()
    [[1, 2], [3]]
    """
    return _load_npz(path, max_bytes, allow_pickle)[0]


def _load_npz(
    path: str | os.PathLike[str], max_bytes: int | None, allow_pickle: bool
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """``load_npz_safely``, also returning each member's decompressed size."""
    limit = NPZ_MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 0:
        raise ValueError(f"`max_bytes` must be None or an integer >= 0. Received: max_bytes={max_bytes!r}")
    name = str(path)
    arrays: dict[str, np.ndarray] = {}
    sizes: dict[str, int] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if info.filename.endswith(".npy")]
            declared = sum(info.file_size for info in members)
            if declared > limit:
                raise ValueError(
                    f"{name!r} declares {declared:,} bytes of arrays once decompressed, more than the "
                    "limit of "
                    f"{int(limit):,} bytes. The file is corrupt or a decompression bomb; if it is "
                    "genuine, pass "
                    f"a larger `max_bytes=` (or raise kerasdl.datasets.imdb.NPZ_MAX_BYTES). "
                    f"Received: {len(members)} members, {declared:,} bytes"
                )
            for info in members:
                key = info.filename[: -len(".npy")]
                arrays[key] = _read_member(archive, info, name, allow_pickle)
                sizes[key] = info.file_size
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise ValueError(
            f"Could not read {name!r} as an .npz archive: {type(error).__name__}: {error}. The file is "
            "corrupt or truncated; delete it and download it again."
        ) from error
    return arrays, sizes


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, allow_pickle: bool
) -> np.ndarray:
    source = f"{name}:{info.filename}"
    with archive.open(info) as raw:
        try:
            version = np.lib.format.read_magic(raw)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(raw)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(raw)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
        except ValueError as error:
            raise ValueError(
                f"{source!r} is not a valid .npy member: {error}. The file is corrupt; delete it and "
                "download "
                f"it again. Received: {info.file_size:,} bytes"
            ) from error
        payload = info.file_size - raw.tell()
        if dtype.hasobject:
            if not allow_pickle:
                raise ValueError(
                    f"{source!r} is a pickled object array, which this data set never holds. The file is not "
                    f"the published one; delete it and download it again. Received: dtype {dtype}"
                )
            ceiling = NPZ_MAX_PICKLE_RATIO * info.compress_size + _PICKLE_ALLOWANCE
            if info.file_size > ceiling:
                raise ValueError(
                    f"{source!r} is a pickle of {info.file_size:,} bytes compressed into "
                    f"{info.compress_size:,}: "
                    f"more than {NPZ_MAX_PICKLE_RATIO} times its compressed size (limit {ceiling:,} bytes). "
                    "The file is a decompression bomb or corrupt; if it is genuine, raise "
                    "kerasdl.datasets.imdb.NPZ_MAX_PICKLE_RATIO. "
                    f"Received: ratio {info.file_size / max(info.compress_size, 1):.0f}"
                )
            array = restricted_loads(raw.read(), source)
            if not isinstance(array, np.ndarray) or array.shape != shape or array.dtype != dtype:
                found = (
                    f"shape {array.shape}, dtype {array.dtype}"
                    if isinstance(array, np.ndarray)
                    else type(array).__name__
                )
                raise ValueError(
                    f"{source!r}: the header declares an array of shape {shape}, dtype {dtype} but the "
                    "pickle "
                    f"holds {found}. The file is corrupt or crafted; delete it and download it again."
                )
            return array
        expected = math.prod(shape) * dtype.itemsize
        if expected != payload:
            raise ValueError(
                f"{source!r}: the header declares shape {shape} of {dtype} ({expected:,} bytes) but the "
                "member "
                f"holds {payload:,} bytes of data. The file is corrupt, truncated or crafted; delete it and "
                f"download it again. Received: shape={shape}"
            )
        flat = np.empty(math.prod(shape), dtype=dtype)
        buffer, filled = flat.view(np.uint8), 0
        while filled < payload:  # into the array itself: no second copy of the data
            chunk = raw.read(min(1 << 24, payload - filled))
            if not chunk:
                break
            buffer[filled : filled + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
            filled += len(chunk)
    if filled != payload:
        raise ValueError(
            f"{source!r} is truncated: {filled:,} of {payload:,} bytes of data. Delete the file and download "
            f"it again. Received: {filled:,} bytes"
        )
    return flat.reshape(shape[::-1]).transpose() if fortran else flat.reshape(shape)


def _find_or_download(
    name: str, filename: str, url: str, file_hash: str, data_dir: Any, download_ok: bool
) -> Path:
    layouts = [[filename]]
    found = find_files(name, layouts, data_dir)
    if found is not None:
        return found[0]
    message = not_found_message(name, layouts, data_dir)
    if not download_ok:
        raise DatasetNotFoundError(message)
    return download(name, url, filename, file_hash, message)


def _check_optional_int(value: Any, name: str, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be None or an integer >= {minimum}. Received: {name}={value!r}")
    return int(value)


def load_imdb(
    data_dir: str | os.PathLike[str] | None = None,
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    *,
    download: bool = True,
) -> Arrays:
    """Load the Keras IMDB reviews as ``(x_train, y_train), (x_test, y_test)``.

    Reads ``imdb.npz`` from ``data_dir``, then ``$KERASDL_DATA_DIR`` (or its
    ``imdb/`` subfolder), then the Keras cache; only then tries the Keras
    download (``https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz``).
    The options behave as in ``keras.datasets.imdb.load_data``: both splits
    are shuffled with ``seed``; each review starts with ``start_char`` and
    its word ids are shifted by ``index_from``; ids ``>= num_words`` or
    ``< skip_top`` become ``oov_char`` (or are dropped when ``oov_char`` is
    ``None``); with ``maxlen``, reviews of ``maxlen`` ids or more are
    **removed** (not truncated; use ``pad_sequences(maxlen=...)`` to
    truncate).

    Args:
        data_dir: A folder holding ``imdb.npz``. Defaults to ``None``.
        num_words: Keep the ``num_words - 1`` most frequent ids.
            Defaults to ``None`` (all).
        skip_top: Replace the ``skip_top`` most frequent ids by
            ``oov_char``. Defaults to ``0``.
        maxlen: Drop reviews of ``maxlen`` ids or longer. Defaults to
            ``None``.
        seed: Shuffling seed. Defaults to ``113``.
        start_char: Id put first in every review, or ``None``. Defaults to
            ``1``.
        oov_char: Id of the words cut by ``num_words``/``skip_top``, or
            ``None`` to drop them. Defaults to ``2``.
        index_from: Shift of the word ids. Defaults to ``3``.
        download: Whether to try the Keras download when nothing is found
            locally. Defaults to ``True``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of
        ids and int labels.

    Raises:
        DatasetNotFoundError: If ``imdb.npz`` is nowhere (the message says
            where to put it).
        ValueError: If an option is invalid, the file is corrupt or over a
            size limit (see :func:`load_npz_safely`), a word id is not an
            integer >= 0, a label is not 0 or 1, or ``maxlen`` removes
            every review.

    Example:

    >>> from kerasdl.datasets import load_imdb
    >>> (x_train, y_train), _ = load_imdb(num_words=10_000)  # doctest: +SKIP
    >>> len(x_train), x_train[0][:3]  # doctest: +SKIP
    (25000, [1, 13, 586])
    """
    num_words = _check_optional_int(num_words, "num_words", 1)
    maxlen = _check_optional_int(maxlen, "maxlen", 1)
    skip_top = int(_check_optional_int(skip_top, "skip_top", 0) or 0)
    index_from = int(_check_optional_int(index_from, "index_from", 0) or 0)
    start_char = _check_optional_int(start_char, "start_char", 0)
    oov_char = _check_optional_int(oov_char, "oov_char", 0)
    path = _find_or_download("imdb", "imdb.npz", _IMDB_URL, _IMDB_HASH, data_dir, download)
    arrays, sizes = _load_npz(path, None, True)
    missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if k not in arrays]
    if missing:
        raise ValueError(
            f"{str(path)!r} is not the Keras IMDB file: it lacks {', '.join(missing)}. "
            "Download imdb.npz again."
        )
    for split in ("train", "test"):
        arrays[f"x_{split}"] = _check_reviews(arrays[f"x_{split}"], sizes[f"x_{split}"], f"{path}:x_{split}")
        _check_labels(arrays[f"y_{split}"], len(arrays[f"x_{split}"]), f"{path}:y_{split}")
    rng = np.random.RandomState(seed)
    splits = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        order = np.arange(len(x))
        rng.shuffle(order)
        splits.append((x[order], y[order]))
    (x_train, labels_train), (x_test, labels_test) = splits

    def shift(reviews: np.ndarray) -> list[list[int]]:
        head = [] if start_char is None else [start_char]
        return [head + [int(w) + index_from for w in review] for review in reviews]

    xs_train, xs_test = shift(x_train), shift(x_test)
    if maxlen:
        keep_train = [i for i, r in enumerate(xs_train) if len(r) < maxlen]
        keep_test = [i for i, r in enumerate(xs_test) if len(r) < maxlen]
        if not keep_train or not keep_test:
            raise ValueError(
                f"After removing the reviews of {maxlen} ids or more, no review is left. "
                f"Increase `maxlen`. Received: maxlen={maxlen}"
            )
        xs_train, labels_train = [xs_train[i] for i in keep_train], labels_train[keep_train]
        xs_test, labels_test = [xs_test[i] for i in keep_test], labels_test[keep_test]
    xs = xs_train + xs_test
    # As Keras: without num_words the limit is the largest id itself (that id becomes OOV).
    limit = num_words or max((max(r) for r in xs if r), default=0)
    if oov_char is not None:
        xs = [[w if skip_top <= w < limit else oov_char for w in r] for r in xs]
    else:
        xs = [[w for w in r if skip_top <= w < limit] for r in xs]
    n = len(xs_train)
    return (_object_array(xs[:n]), np.asarray(labels_train)), (_object_array(xs[n:]), np.asarray(labels_test))


def _check_reviews(x: np.ndarray, member_bytes: int, source: str) -> np.ndarray:
    """Check that ``x`` is a 1-D array of reviews, each a list of word ids >= 0; return it as lists."""
    if x.ndim != 1:
        raise ValueError(
            f"{source!r} must be a 1-D array of reviews (lists of word ids); the file is corrupt or not the "
            f"Keras imdb.npz. Received: shape {x.shape}, dtype {x.dtype}"
        )
    if x.dtype != object:  # a rectangular array of ids: one row per review
        if not np.issubdtype(x.dtype, np.integer) or (x.size and x.min() < 0):
            raise ValueError(f"{source!r} must hold integer word ids >= 0. Received: dtype {x.dtype}")
        return _object_array([[int(w) for w in row] for row in x.reshape(len(x), -1)])
    rows = [row.tolist() if isinstance(row, np.ndarray) and row.ndim == 1 else row for row in x]
    bad = next((i for i, row in enumerate(rows) if not isinstance(row, list)), None)
    if bad is not None:
        raise ValueError(
            f"{source!r}[{bad}] must be a list of word ids; the file is corrupt or not the Keras imdb.npz. "
            f"Received: {type(rows[bad]).__name__}"
        )
    # Every id costs a pickle at least one byte, unless rows are shared references to one list,
    # which would multiply in memory once each review is shifted and copied below.
    total = sum(map(len, rows))
    if total > member_bytes:
        raise ValueError(
            f"{source!r} holds {total:,} word ids in a pickle of {member_bytes:,} bytes: its reviews are "
            "shared references, a crafted file that would fill the memory once expanded. Delete it and "
            f"download imdb.npz again. Received: {len(rows):,} reviews, {total:,} ids"
        )
    for i, row in enumerate(rows):
        if row and (not set(map(type, row)) <= {int} or min(row) < 0):
            found = next(w for w in row if type(w) is not int or w < 0)
            raise ValueError(
                f"{source!r}[{i}]: word ids must be integers >= 0; the file is corrupt or not the Keras "
                f"imdb.npz. Delete it and download it again. Received: {found!r}"
            )
    return _object_array(rows)


def _check_labels(y: np.ndarray, count: int, source: str) -> None:
    if (
        y.shape != (count,)
        or not np.issubdtype(y.dtype, np.integer)
        or (count and (y.min() < 0 or y.max() > 1))
    ):
        found = f"[{y.min()}, {y.max()}]" if y.size and np.issubdtype(y.dtype, np.number) else "-"
        raise ValueError(
            f"{source!r} must hold {count:,} integer labels 0 (negative) or 1 (positive), one per "
            "review; the "
            f"file is corrupt or not the Keras imdb.npz. Received: shape {y.shape}, dtype {y.dtype}, "
            f"range {found}"
        )


def _object_array(rows: list[list[int]]) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    out[:] = rows
    return out


def load_imdb_word_index(
    data_dir: str | os.PathLike[str] | None = None, *, download: bool = True
) -> dict[str, int]:
    """Load ``imdb_word_index.json``: ``{word: rank}`` of the IMDB ids (before ``index_from``).

    Looked up like :func:`load_imdb`. A review id ``i`` is the word of rank
    ``i - index_from`` (3 by default); 1 is the start mark and 2 the OOV mark.

    Args:
        data_dir: A folder holding ``imdb_word_index.json``. Defaults to
            ``None``.
        download: Whether to try the Keras download when nothing is found
            locally. Defaults to ``True``.

    Returns:
        The ``{word: rank}`` dict (rank 1 is the most frequent word).

    Raises:
        DatasetNotFoundError: If the file is nowhere.
        ValueError: If the file is not a JSON object of words to integer
            ranks >= 1.

    Example:

    >>> from kerasdl.datasets import load_imdb_word_index
    >>> load_imdb_word_index()["the"]  # doctest: +SKIP
    1
    """
    path = _find_or_download(
        "imdb", "imdb_word_index.json", _WORD_INDEX_URL, _WORD_INDEX_HASH, data_dir, download
    )
    try:
        with open(path, encoding="utf-8") as handle:
            index = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValueError(
            f"Could not read {str(path)!r} as JSON: {type(error).__name__}: {error}. The file is corrupt or "
            "truncated; delete it and download it again."
        ) from error
    if not isinstance(index, dict):
        raise ValueError(
            f"{str(path)!r} must be a JSON object of word -> rank; delete it and download it again. "
            f"Received: a JSON {type(index).__name__}"
        )
    bad = next(((k, v) for k, v in index.items() if type(v) is not int or v < 1), None)
    if bad is not None:
        raise ValueError(
            f"{str(path)!r}: every rank must be an integer >= 1; the file is corrupt. Delete it and download "
            f"it again. Received: {bad[0]!r}: {bad[1]!r}"
        )
    return index
