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

import io
import json
import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.datasets._files import DatasetNotFoundError, download, find_files, not_found_message

_IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
_IMDB_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"

# Rebuilding an object array of lists needs exactly these globals (both NumPy 1 and 2 spellings).
_ALLOWED_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a data set file: only NumPy arrays are "
            "allowed. The file is corrupt or malicious; download it again."
        )


def load_npz_safely(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read an ``.npz`` archive, allowing pickled object arrays of NumPy data only.

    Numeric members are read with pickling disabled; object members (ragged
    lists such as the IMDB reviews) with an unpickler that accepts nothing but
    the NumPy array classes, so loading cannot execute code.

    Args:
        path: The ``.npz`` file.

    Returns:
        ``{member name: array}``.

    Raises:
        ValueError: If the file is not a readable ``.npz`` archive.

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
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if not member.endswith(".npy"):
                    continue
                with archive.open(member) as raw:
                    buffer = io.BytesIO(raw.read())
                arrays[member[: -len(".npy")]] = _read_npy(buffer)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValueError(
            f"Could not read {str(path)!r} as an .npz archive: {error}. The file is corrupt or "
            "truncated; download it again."
        ) from error
    return arrays


def _read_npy(buffer: io.BytesIO) -> np.ndarray:
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:
        buffer.seek(0)
        version = np.lib.format.read_magic(buffer)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(buffer)
        else:  # 2.0 and 3.0 share the header-length layout
            np.lib.format.read_array_header_2_0(buffer)
        return _ArrayOnlyUnpickler(buffer).load()


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
        ValueError: If an option is invalid, the file is corrupt, or
            ``maxlen`` removes every review.

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
    arrays = load_npz_safely(path)
    missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if k not in arrays]
    if missing:
        raise ValueError(
            f"{str(path)!r} is not the Keras IMDB file: it lacks {', '.join(missing)}. "
            "Download imdb.npz again."
        )
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

    Example:

    >>> from kerasdl.datasets import load_imdb_word_index
    >>> load_imdb_word_index()["the"]  # doctest: +SKIP
    1
    """
    path = _find_or_download(
        "imdb", "imdb_word_index.json", _WORD_INDEX_URL, _WORD_INDEX_HASH, data_dir, download
    )
    with open(path, encoding="utf-8") as handle:
        return {str(k): int(v) for k, v in json.load(handle).items()}
