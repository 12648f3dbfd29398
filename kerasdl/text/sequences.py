"""N-gram training pairs for next-word models, in memory or streamed, and decoding helpers.

``pad_sequences`` and ``to_categorical`` are Keras's own public functions,
re-exported here because the course imports them next to the tokenizer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import keras
import numpy as np
from keras.utils import pad_sequences, to_categorical

from kerasdl.text._sizes import check_array_bytes
from kerasdl.utils.validation import check_choice, check_positive_int

__all__ = [
    "NgramDataset",
    "decode_sequence",
    "make_ngram_sequences",
    "pad_sequences",
    "reverse_word_index",
    "to_categorical",
]


class _Ngrams:
    """Every n-gram of a corpus as (label position, line start) pairs over one flat array.

    The token ids of all lines are stored once, concatenated; n-gram ``k``
    (prefix ``line[:m]``, ``m >= 2``) is the pair (position of its last
    token, start of its line). A batch of padded rows is gathered from these
    in one vectorized step, so the ``(n_grams, max_len)`` matrix never has to
    exist unless asked for.
    """

    def __init__(self, sequences: Any, max_len: int | None, padding: str, num_classes: int | None):
        if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Iterable):
            raise TypeError(
                "`sequences` must be a list of lists of word ids (the output of "
                f"`Tokenizer.texts_to_sequences`). Received: sequences={str(sequences)[:60]!r}"
            )
        lines = []
        for i, seq in enumerate(sequences):
            if isinstance(seq, (str, bytes)) or not isinstance(seq, Iterable):
                raise TypeError(
                    "`sequences` must hold lists of integer word ids. "
                    f"Received: sequences[{i}]={seq!r} of type {type(seq).__name__}"
                )
            arr = np.asarray(list(seq) if not isinstance(seq, np.ndarray) else seq)
            if arr.size and (arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer)):
                raise TypeError(
                    "`sequences` must hold flat lists of integer word ids. "
                    f"Received: sequences[{i}]={str(seq)[:60]} (dtype {arr.dtype}, {arr.ndim} dimensions)"
                )
            if arr.size and arr.min() < 0:
                raise ValueError(f"Word ids must be >= 0. Received: sequences[{i}] contains {int(arr.min())}")
            lines.append(arr.astype(np.int64, copy=False).reshape(-1))
        lengths = np.fromiter((len(a) for a in lines), dtype=np.int64, count=len(lines))
        useful = lengths >= 2
        if not useful.any():
            raise ValueError(
                "`sequences` has no line with at least 2 word ids, so there is no n-gram to learn from: "
                "check the tokenizer's vocabulary and that the corpus is split into lines. "
                f"Received: {len(lines)} sequences, longest {int(lengths.max(initial=0))} ids"
            )
        self.tokens = np.concatenate(lines) if lines else np.zeros(0, np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        # label positions: start+1 .. start+len-1 of each line
        counts = np.where(useful, lengths - 1, 0)
        line_of = np.repeat(np.arange(len(lines)), counts)
        offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        self.start = starts[line_of]
        self.label_pos = self.start + 1 + offset
        longest = self.longest = int(lengths.max())
        if max_len is None:
            max_len = longest
        else:
            max_len = check_positive_int(max_len, "max_len")
            if max_len < 2:
                raise ValueError(
                    "`max_len` must be at least 2 (one input id and the label). "
                    f"Received: max_len={max_len}"
                )
        self.max_len = int(max_len)
        self.padding = check_choice(padding, "padding", ("pre", "post"))
        max_id = int(self.tokens.max(initial=0))
        if num_classes is not None:
            num_classes = check_positive_int(num_classes, "num_classes")
            if max_id >= num_classes:
                raise ValueError(
                    f"`num_classes` must be larger than the largest word id ({max_id}); use "
                    f"len(tokenizer.word_index) + 1. Received: num_classes={num_classes}"
                )
        self.num_classes = num_classes if num_classes is not None else max_id + 1

    def __len__(self) -> int:
        return len(self.label_pos)

    def check_size(self, num_rows: int, one_hot: bool, what: str) -> None:
        """Refuse, before allocating, ``num_rows`` rows that would not fit in memory."""
        width = self.max_len - 1
        label_bytes = 4 * (self.num_classes if one_hot else 1)
        labels = f"one-hot labels of {self.num_classes:,} float32" if one_hot else "one int32 label"
        fix = f"The longest line has {self.longest:,} ids: pass a `max_len` near it"
        if one_hot:
            fix += ", a `num_classes` of len(word_index) + 1, sparse labels (one_hot=False)"
        if what.startswith("A batch"):
            fix += " or a smaller `batch_size`."
        else:
            fix += ", or stream the n-grams with NgramDataset."
        check_array_bytes(
            num_rows * (4 * width + label_bytes),
            f"{what} ({num_rows:,} n-grams x (max_len - 1 = {width:,} int32 ids + {labels}))",
            fix,
            f"max_len={self.max_len}, num_classes={self.num_classes}, one_hot={one_hot}",
        )

    def gather(self, index: np.ndarray, one_hot: bool) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``index``: the padded inputs ``(len(index), max_len - 1)`` and labels."""
        width = self.max_len - 1
        x = np.empty((len(index), width), dtype=np.int32)
        step = max(1, (1 << 20) // width)  # about a million ids at a time: small temporaries
        for low in range(0, len(index), step):
            x[low : low + step] = self._padded(index[low : low + step], width)
        labels = self.tokens[self.label_pos[index]].astype(np.int32)
        if one_hot:
            y = np.zeros((len(labels), self.num_classes), dtype=np.float32)
            y[np.arange(len(labels)), labels] = 1.0
            return x, y
        return x, labels

    def _padded(self, index: np.ndarray, width: int) -> np.ndarray:
        pos = self.label_pos[index]
        start = self.start[index]
        cols = pos[:, None] - width + np.arange(width)
        valid = cols >= start[:, None]
        x = np.where(valid, self.tokens[np.maximum(cols, 0)], 0).astype(np.int32)
        if self.padding == "post":
            shift = width - valid.sum(axis=1)
            src = (np.arange(width) + shift[:, None]) % width
            x = np.take_along_axis(x, src, axis=1)
            x[np.arange(width) >= (width - shift)[:, None]] = 0
        return x


def make_ngram_sequences(
    sequences: Iterable[Sequence[int]],
    max_len: int | None = None,
    padding: str = "pre",
    one_hot: bool = False,
    num_classes: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every prefix n-gram of every line, padded: the course's next-word training set.

    For each line ``[4, 2, 66, 8]`` the prefixes ``[4, 2]``, ``[4, 2, 66]``
    and ``[4, 2, 66, 8]`` are padded to ``max_len`` (zeros in front for
    ``"pre"``); the last id is the label ``y`` and the rest the input ``X``.
    The result equals the course's loop + ``pad_sequences(...,
    padding="pre")`` + slicing, built in one vectorized step. For corpora
    whose one-hot labels would not fit in memory use :class:`NgramDataset`.

    Args:
        sequences: Lists of word ids, one per line
            (``tokenizer.texts_to_sequences(lines)``).
        max_len: Length of the padded n-grams including the label (the
            course's ``max_sequence_len``); ``X`` has ``max_len - 1`` columns
            and longer prefixes keep their last ids. ``None`` uses the
            longest line. Defaults to ``None``.
        padding: ``"pre"`` or ``"post"``. Defaults to ``"pre"``.
        one_hot: Return ``y`` one-hot (float32, ``(n, num_classes)``)
            instead of sparse int32 ids. Defaults to ``False``.
        num_classes: Width of the one-hot labels (``len(word_index) + 1``);
            ``None`` uses the largest id + 1. Defaults to ``None``.

    Returns:
        ``(X, y)``: int32 ``(n_grams, max_len - 1)`` and int32 ``(n_grams,)``
        (or float32 ``(n_grams, num_classes)`` if ``one_hot``).

    Raises:
        TypeError: If ``sequences`` is not a list of integer id lists.
        ValueError: If no line has two ids, ``max_len < 2``, ``padding`` is
            unknown, ``num_classes`` is too small, or ``X`` and ``y`` would
            take more than ``$KERASDL_MAX_ARRAY_BYTES`` bytes (2 GiB by
            default; checked before anything is allocated: lower
            ``max_len``, use :class:`NgramDataset`, or set the environment
            variable to raise the limit).

    Example:

    >>> from kerasdl.text import make_ngram_sequences
    >>> x, y = make_ngram_sequences([[4, 2, 66, 8], [5, 7]])
    >>> x
    array([[ 0,  0,  4],
           [ 0,  4,  2],
           [ 4,  2, 66],
           [ 0,  0,  5]], dtype=int32)
    >>> y
    array([ 2, 66,  8,  7], dtype=int32)
    """
    ngrams = _Ngrams(sequences, max_len, padding, num_classes)
    ngrams.check_size(len(ngrams), bool(one_hot), "make_ngram_sequences")
    return ngrams.gather(np.arange(len(ngrams)), bool(one_hot))


class NgramDataset(keras.utils.PyDataset):
    """The n-grams of :func:`make_ngram_sequences`, streamed in batches.

    Only the token ids and two integers per n-gram are kept; each batch is
    padded (and one-hot encoded, if asked) when Keras asks for it, so the
    memory does not grow with ``n_grams x num_classes``. Pass it straight to
    ``model.fit`` on any backend.

    Args:
        sequences: Lists of word ids, one per line.
        batch_size: N-grams per batch. Defaults to ``32``.
        max_len: As in :func:`make_ngram_sequences`. Defaults to ``None``.
        padding: ``"pre"`` or ``"post"``. Defaults to ``"pre"``.
        one_hot: One-hot labels (for ``categorical_crossentropy``).
            Defaults to ``False``.
        num_classes: Width of one-hot labels. Defaults to ``None``.
        shuffle: Reshuffle the n-grams at the end of every epoch (and
            once at the start). Defaults to ``False``.
        seed: Seed of the shuffling. Defaults to ``None``.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size``
            for ``keras.utils.PyDataset``.

    Raises:
        ValueError: As :func:`make_ngram_sequences`; the size limit
            (``$KERASDL_MAX_ARRAY_BYTES``) applies to one batch.

    Example:

    >>> from kerasdl.text import NgramDataset
    >>> data = NgramDataset([[4, 2, 66, 8], [5, 7]], batch_size=3)
    >>> len(data), data.max_len
    (2, 4)
    >>> x, y = data[1]
    >>> x.tolist(), y.tolist()
    ([[0, 0, 5]], [7])
    """

    def __init__(
        self,
        sequences: Iterable[Sequence[int]],
        batch_size: int = 32,
        max_len: int | None = None,
        padding: str = "pre",
        one_hot: bool = False,
        num_classes: int | None = None,
        shuffle: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._ngrams = _Ngrams(sequences, max_len, padding, num_classes)
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.one_hot = bool(one_hot)
        rows = min(self.batch_size, len(self._ngrams))
        self._ngrams.check_size(rows, self.one_hot, "A batch of NgramDataset")
        self.shuffle = bool(shuffle)
        self._rng = np.random.default_rng(seed)
        self._order = np.arange(len(self._ngrams))
        if self.shuffle:
            self._rng.shuffle(self._order)

    @property
    def max_len(self) -> int:
        """Length of the padded n-grams including the label (inputs are one shorter)."""
        return self._ngrams.max_len

    @property
    def num_classes(self) -> int:
        """Width of the one-hot labels."""
        return self._ngrams.num_classes

    @property
    def num_samples(self) -> int:
        """Number of n-grams."""
        return len(self._ngrams)

    def __len__(self) -> int:
        return math.ceil(len(self._ngrams) / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        if not isinstance(index, numbers.Integral) or not -len(self) <= index < len(self):
            raise IndexError(f"Batch index out of range [0, {len(self)}). Received: index={index!r}")
        index = int(index) % len(self)
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        return self._ngrams.gather(rows, self.one_hot)

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._rng.shuffle(self._order)


def reverse_word_index(word_index: Mapping[str, int]) -> dict[int, str]:
    """Invert a ``word -> id`` mapping into ``id -> word`` (the course's helper).

    Args:
        word_index: A mapping such as ``tokenizer.word_index``.

    Returns:
        ``{id: word}``.

    Raises:
        TypeError: If ``word_index`` is not a mapping of words to integers.

    Example:

    >>> from kerasdl.text import reverse_word_index
    >>> reverse_word_index({"hello": 1, "world": 2})
    {1: 'hello', 2: 'world'}
    """
    if not isinstance(word_index, Mapping):
        raise TypeError(
            "`word_index` must be a dict of word -> id such as tokenizer.word_index. "
            f"Received: word_index of type {type(word_index).__name__}"
        )
    result: dict[int, str] = {}
    for word, index in word_index.items():
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(
                f"`word_index` must map words to integer ids. Received: word_index[{word!r}]={index!r}"
            )
        result[int(index)] = word
    return result


def decode_sequence(
    ids: Sequence[int] | np.ndarray,
    index_word: Mapping[int, str],
    skip_padding: bool = True,
    unknown: str = "?",
) -> str:
    """Turn one sequence of word ids back into a space-separated text.

    Args:
        ids: A 1-D sequence of word ids (one padded row, or one
            ``texts_to_sequences`` list).
        index_word: ``id -> word`` (``tokenizer.index_word`` or
            :func:`reverse_word_index`).
        skip_padding: Drop the padding id 0. Defaults to ``True``.
        unknown: Shown for ids without a word (as the course's
            ``decode_review``). Defaults to ``"?"``.

    Returns:
        The text.

    Raises:
        ValueError: If ``ids`` is not one-dimensional (decode rows one at a
            time).

    Example:

    >>> from kerasdl.text import decode_sequence
    >>> decode_sequence([0, 0, 1, 2, 9], {1: "hello", 2: "world"})
    'hello world ?'
    """
    if not isinstance(index_word, Mapping):
        raise TypeError(
            "`index_word` must be a dict of id -> word such as tokenizer.index_word. "
            f"Received: index_word of type {type(index_word).__name__}"
        )
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"`ids` must be a sequence of integer word ids. Received: ids={ids!r}")
    try:
        arr = np.asarray(ids)
    except ValueError as error:
        raise ValueError(
            "`ids` must be one sequence of word ids, not a ragged list of them. "
            f"Received: ids={str(ids)[:60]}"
        ) from error
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(
            "`ids` must be a 1-D sequence of integer word ids (decode one row at a time). "
            f"Received: ids with shape {arr.shape} and dtype {arr.dtype}"
        )
    words = [index_word.get(i, unknown) for i in arr.tolist() if not (skip_padding and i == 0)]
    return " ".join(words)
