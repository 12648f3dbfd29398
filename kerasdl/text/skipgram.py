"""Skip-gram pairs and the word2vec sampling table: the legacy Keras functions.

Keras 3 removed ``keras.preprocessing.sequence.skipgrams`` and
``make_sampling_table``. These are drop-in replacements with the same
signatures, the same outputs and the same order of random draws: with the
same seed they return exactly what the legacy functions return after
``random.seed(seed)`` (see :func:`skipgrams`). Unlike the legacy code they
never touch the global :mod:`random` state, and they check their input.
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerasdl.text._sizes import check_array_bytes
from kerasdl.utils.validation import check_positive_int

#: The Euler-Mascheroni constant, rounded as in the legacy Keras code.
_GAMMA = 0.577


def make_sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """Return the word2vec rank-based sampling probabilities (legacy Keras).

    ``table[i]`` is the probability of keeping the ``i``-th most frequent word
    when it is drawn as a skip-gram target, so frequent words such as "the"
    are sub-sampled. Word frequencies are approximated with Zipf's law,
    ``frequency(rank) ~ 1 / (rank * (log(rank) + gamma) + 1/2 - 1/(12 rank))``,
    and the word2vec formula ``p = min(1, sqrt(frequency / sampling_factor) /
    (frequency / sampling_factor))`` is applied, exactly as
    ``keras.preprocessing.sequence.make_sampling_table`` did. Index 0 (the
    padding id) gets the value of rank 1.

    Args:
        size: Number of word ids (the vocabulary size, padding included).
        sampling_factor: The ``t`` of the word2vec paper: smaller values
            sub-sample frequent words more. Defaults to ``1e-5``.

    Returns:
        A float64 array of shape ``(size,)`` with values in ``(0, 1]``.

    Raises:
        TypeError: If ``size`` is not an integer.
        ValueError: If ``size < 1``, ``sampling_factor <= 0``, or the table
            and its working arrays would take more than
            ``$KERASDL_MAX_ARRAY_BYTES`` bytes (2 GiB by default).

    Example:

    >>> from kerasdl.text import make_sampling_table
    >>> table = make_sampling_table(10_000)
    >>> table.shape, bool(table[1] < table[9_999] <= 1.0)
    ((10000,), True)
    """
    size = int(check_positive_int(size, "size"))
    if isinstance(sampling_factor, bool) or not isinstance(sampling_factor, numbers.Real):
        raise TypeError(
            f"`sampling_factor` must be a positive number such as 1e-5. "
            f"Received: sampling_factor={sampling_factor!r}"
        )
    if not sampling_factor > 0:
        raise ValueError(
            f"`sampling_factor` must be a positive number such as 1e-5. "
            f"Received: sampling_factor={sampling_factor!r}"
        )
    check_array_bytes(
        size * 5 * 8,
        f"make_sampling_table ({size:,} entries, five float64 working arrays)",
        "Pass `size` = the vocabulary size, len(word_index) + 1.",
        f"size={size}",
    )
    rank = np.arange(size)
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + _GAMMA) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1.0, f / np.sqrt(f))


def _word_ids(sequence: Any, vocabulary_size: int) -> list[int]:
    """Check that ``sequence`` is a flat sequence of ids in ``[0, vocabulary_size)``."""
    if isinstance(sequence, (str, bytes)):
        raise TypeError(
            "`sequence` must be a list of integer word ids (one sentence, e.g. from "
            "`Tokenizer.texts_to_sequences([text])[0]`), not a string. "
            f"Received: sequence={sequence!r}"
        )
    if isinstance(sequence, np.ndarray):
        if sequence.ndim != 1:
            raise ValueError(
                "`sequence` must be one sentence: a 1-D list of word ids. Call `skipgrams` once "
                f"per sentence. Received: sequence with shape {sequence.shape}"
            )
        if sequence.size and not np.issubdtype(sequence.dtype, np.integer):
            raise TypeError(
                "`sequence` must hold integer word ids. "
                f"Received: sequence with dtype {sequence.dtype}"
            )
        ids = [int(w) for w in sequence]
    else:
        try:
            items = list(sequence)
        except TypeError:
            raise TypeError(
                f"`sequence` must be a list of integer word ids. Received: sequence={sequence!r}"
            ) from None
        for w in items:
            if isinstance(w, bool) or not isinstance(w, numbers.Integral):
                raise TypeError(
                    "`sequence` must hold integer word ids (one sentence; call `skipgrams` once per "
                    f"sentence). Found the item {w!r} of type {type(w).__name__}. "
                    f"Received: sequence={_short(items)}"
                )
        ids = [int(w) for w in items]
    bad = [w for w in ids if not 0 <= w < vocabulary_size]
    if bad:
        raise ValueError(
            f"Every id in `sequence` must be in [0, vocabulary_size) = [0, {vocabulary_size}); "
            f"found {bad[0]}. Increase `vocabulary_size` to the largest id + 1. "
            f"Received: vocabulary_size={vocabulary_size}"
        )
    return ids


def _short(items: Sequence[Any], limit: int = 10) -> str:
    text = repr(list(items[:limit]))
    return text[:-1] + ", ...]" if len(items) > limit else text


def skipgrams(
    sequence: Sequence[int] | np.ndarray,
    vocabulary_size: int,
    window_size: int = 4,
    negative_samples: float = 1.0,
    shuffle: bool = True,
    categorical: bool = False,
    sampling_table: Sequence[float] | np.ndarray | None = None,
    seed: int | None = None,
) -> tuple[list[list[int]], list[Any]]:
    """Make skip-gram word pairs from one sentence (legacy Keras semantics).

    Each word ``w_i`` with id > 0 is paired with every non-zero word
    ``w_j`` of its window ``i - window_size <= j <= i + window_size``
    (``j != i``), with label 1. Then ``int(negative_samples * positives)``
    negative pairs ``(target, random id in [1, vocabulary_size))`` get label 0;
    their targets are the positive targets, shuffled. Id 0 is padding and is
    skipped. With a ``sampling_table``, word ``w`` is kept as a target with
    probability ``sampling_table[w]``.

    The random draws happen in the legacy order (one draw per target when a
    sampling table is given, a shuffle of the targets, one
    ``randint(1, vocabulary_size - 1)`` per negative, then the same
    seeded shuffle of couples and labels), all from a private
    ``random.Random(seed)``. So ``skipgrams(..., seed=s)`` equals the legacy
    ``random.seed(s); skipgrams(..., seed=s)``, and the global :mod:`random`
    state is left alone (the legacy function re-seeded it).

    Args:
        sequence: One sentence as a list (or 1-D array) of word ids, such as
            ``tokenizer.texts_to_sequences([text])[0]``.
        vocabulary_size: The largest possible id + 1 (negatives are drawn
            from ``[1, vocabulary_size)``).
        window_size: Half-width of the context window. Defaults to ``4``.
        negative_samples: Negative pairs per positive pair; ``0`` for none.
            Defaults to ``1.0``.
        shuffle: Whether to shuffle the pairs (labels in the same order).
            Defaults to ``True``.
        categorical: If ``True`` labels are ``[0, 1]`` (positive) and
            ``[1, 0]`` (negative) instead of ``1`` and ``0``. Defaults to
            ``False``.
        sampling_table: Keep-probabilities per id, e.g. from
            :func:`make_sampling_table`. Defaults to ``None`` (keep all).
        seed: Seed of all the random draws; ``None`` draws a fresh one.
            Defaults to ``None``.

    Returns:
        ``(couples, labels)``: a list of ``[target, context]`` pairs and the
        list of their labels, as the legacy function returned them.

    Raises:
        TypeError: If ``sequence`` is not a flat list of integer ids.
        ValueError: If an id is outside ``[0, vocabulary_size)``, or an
            argument is out of range.

    Example:

    >>> from kerasdl.text import skipgrams
    >>> couples, labels = skipgrams([1, 2, 3], vocabulary_size=4, window_size=1,
    ...                             negative_samples=0, shuffle=False)
    >>> couples, labels
    ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1])
    """
    vocabulary_size = int(check_positive_int(vocabulary_size, "vocabulary_size"))
    if isinstance(window_size, bool) or not isinstance(window_size, numbers.Integral) or window_size < 0:
        raise ValueError(
            f"`window_size` must be an integer >= 0 (half the context width). "
            f"Received: window_size={window_size!r}"
        )
    if (
        isinstance(negative_samples, bool)
        or not isinstance(negative_samples, numbers.Real)
        or not negative_samples >= 0
    ):
        raise ValueError(
            "`negative_samples` must be a number >= 0 (negative pairs per positive pair; "
            f"0 for none). Received: negative_samples={negative_samples!r}"
        )
    if vocabulary_size < 2 and negative_samples > 0:
        raise ValueError(
            "`vocabulary_size` must be at least 2 to draw negative samples from [1, vocabulary_size). "
            f"Received: vocabulary_size={vocabulary_size}"
        )
    ids = _word_ids(sequence, vocabulary_size)
    table: list[float] | None = None
    if sampling_table is not None:
        table = [float(p) for p in np.asarray(sampling_table, dtype="float64").reshape(-1)]
        too_big = [w for w in ids if w >= len(table)]
        if too_big:
            raise ValueError(
                f"`sampling_table` has {len(table)} entries but `sequence` holds the id "
                f"{too_big[0]}. Make it with `make_sampling_table(vocabulary_size)`. "
                f"Received: len(sampling_table)={len(table)}"
            )

    rng = random.Random(seed)
    window_size = int(window_size)
    positive: Any = [0, 1] if categorical else 1
    negative: Any = [1, 0] if categorical else 0
    couples: list[list[int]] = []
    labels: list[Any] = []
    length = len(ids)
    for i, wi in enumerate(ids):
        if not wi:
            continue
        if table is not None and table[wi] < rng.random():
            continue
        for j in range(max(0, i - window_size), min(length, i + window_size + 1)):
            if j != i:
                wj = ids[j]
                if not wj:
                    continue
                couples.append([wi, wj])
                labels.append(list(positive) if categorical else positive)

    if negative_samples > 0:
        num_negative = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        rng.shuffle(words)
        couples += [
            [words[i % len(words)], rng.randint(1, vocabulary_size - 1)] for i in range(num_negative)
        ]
        labels += [list(negative) if categorical else negative for _ in range(num_negative)]

    if shuffle:
        shuffle_seed = rng.randint(0, 10_000_000) if seed is None else seed
        random.Random(shuffle_seed).shuffle(couples)
        random.Random(shuffle_seed).shuffle(labels)
    return couples, labels
