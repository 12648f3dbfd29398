"""word2vec (Mikolov et al., 2013): skip-gram with negative sampling, and CBOW.

:func:`build_word2vec` builds the model, :func:`make_word2vec_data` makes its
training data from tokenized sentences. After training, the rows of the layer
named ``"word_embedding"`` are the word vectors; :class:`kerasdl.text.WordVectors`
reads them from the model (``WordVectors.from_embedding(model, tokenizer)``).
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Iterable, Sequence
from typing import Any, cast

import keras
import numpy as np
from keras import layers

from kerasdl.models._common import as_model, classification_head
from kerasdl.models.registry import register_model
from kerasdl.text._sizes import check_array_bytes
from kerasdl.text.skipgram import skipgrams
from kerasdl.utils.validation import check_choice, check_positive_int

#: The modes of :func:`build_word2vec` and :func:`make_word2vec_data`.
WORD2VEC_MODES = ("skipgram", "cbow")

#: Name of the embedding layer that holds the word vectors.
EMBEDDING_LAYER_NAME = "word_embedding"


def _check_window(window_size: Any) -> int:
    if isinstance(window_size, bool) or not isinstance(window_size, numbers.Integral) or window_size < 1:
        raise ValueError(
            "`window_size` must be a positive integer (the number of context words on each side). "
            f"Received: window_size={window_size!r}"
        )
    return int(window_size)


def _check_negative(negative_samples: Any) -> float:
    if (
        isinstance(negative_samples, bool)
        or not isinstance(negative_samples, numbers.Real)
        or not cast(float, negative_samples) >= 0
    ):
        raise ValueError(
            "`negative_samples` must be a number >= 0 (negative pairs per positive pair). "
            f"Received: negative_samples={negative_samples!r}"
        )
    return float(negative_samples)


@register_model("word2vec", task="embedding")
def build_word2vec(
    vocab_size: int = 1000,
    embedding_dim: int = 64,
    mode: str = "skipgram",
    negative_samples: float = 1.0,
    window_size: int = 2,
) -> keras.Model:
    """word2vec: learn word vectors by predicting words from their neighbours.

    ``mode="skipgram"`` (skip-gram with negative sampling, SGNS): the inputs
    are a ``target`` id and a ``context`` id, each looked up in its own
    embedding (``word_embedding`` and ``context_embedding``); their dot
    product goes through a float32 sigmoid that says whether the pair is a
    real neighbour (label 1) or a random negative (label 0). Train with
    ``binary_crossentropy`` on the pairs of :func:`skipgrams` or
    :func:`make_word2vec_data`.

    ``mode="cbow"`` (continuous bag of words): the input is the
    ``2 * window_size`` context ids around a word (0-padded); their mean
    embedding (padding masked out) predicts the centre word through a **full
    softmax** over the vocabulary (float32). Train with
    ``sparse_categorical_crossentropy``. A full softmax is exact and fine for
    the course's vocabularies (up to a few tens of thousands of words); Keras
    3 has no sampled softmax, so for very large vocabularies prefer skip-gram.

    ``negative_samples`` does not change the network: it is the ratio of
    negative to positive pairs the training data should have, validated here
    and meant to be passed on to :func:`make_word2vec_data` (it is ignored for
    CBOW). ``window_size`` fixes the CBOW input length; for skip-gram it only
    matters to the data. The model is returned **uncompiled**.

    Args:
        vocab_size: Number of word ids including the padding id 0
            (``len(tokenizer.word_index) + 1``). Defaults to ``1000``.
        embedding_dim: Length of the word vectors. Defaults to ``64``.
        mode: ``"skipgram"`` or ``"cbow"``. Defaults to ``"skipgram"``.
        negative_samples: Negative pairs per positive pair for the
            skip-gram data (>= 0). Defaults to ``1.0``.
        window_size: Context words on each side of a word (>= 1).
            Defaults to ``2``.

    Returns:
        An uncompiled ``keras.Model`` named ``"word2vec_skipgram"`` (inputs
        ``[target, context]``, output ``(batch, 1)``) or ``"word2vec_cbow"``
        (input ``(batch, 2 * window_size)``, output ``(batch, vocab_size)``).

    Raises:
        ValueError: If an argument is out of range or ``mode`` is unknown,
            or the embeddings would take more than
            ``$KERASDL_MAX_ARRAY_BYTES`` bytes (2 GiB by default).

    Example:

    >>> from kerasdl.text import build_word2vec
    >>> model = build_word2vec(vocab_size=50, embedding_dim=8)
    >>> model.output_shape
    (None, 1)
    >>> model.compile("adam", "binary_crossentropy")
    >>> build_word2vec(vocab_size=50, embedding_dim=8, mode="cbow").output_shape
    (None, 50)
    """
    vocab_size = int(check_positive_int(vocab_size, "vocab_size"))
    if vocab_size < 2:
        raise ValueError(
            "`vocab_size` must be at least 2 (the padding id 0 and one word): use "
            f"`len(tokenizer.word_index) + 1`. Received: vocab_size={vocab_size}"
        )
    embedding_dim = int(check_positive_int(embedding_dim, "embedding_dim"))
    check_array_bytes(
        2 * vocab_size * embedding_dim * 4,
        f"The word2vec weights (two {vocab_size:,} x {embedding_dim:,} float32 matrices)",
        "Pass `vocab_size` = len(word_index) + 1 and an `embedding_dim` of tens to hundreds.",
        f"vocab_size={vocab_size}, embedding_dim={embedding_dim}",
    )
    mode = check_choice(mode, "mode", WORD2VEC_MODES)
    _check_negative(negative_samples)
    window_size = _check_window(window_size)

    if mode == "skipgram":
        target = keras.Input(shape=(1,), dtype="int32", name="target")
        context = keras.Input(shape=(1,), dtype="int32", name="context")
        word_vec = layers.Embedding(vocab_size, embedding_dim, name=EMBEDDING_LAYER_NAME)(target)
        context_vec = layers.Embedding(vocab_size, embedding_dim, name="context_embedding")(context)
        word_vec = layers.Reshape((embedding_dim,), name="target_vector")(word_vec)
        context_vec = layers.Reshape((embedding_dim,), name="context_vector")(context_vec)
        logit = layers.Dot(axes=1, name="dot")([word_vec, context_vec])
        output = layers.Activation("sigmoid", dtype="float32", name="similarity")(logit)
        return as_model([target, context], output, name="word2vec_skipgram")

    context = keras.Input(shape=(2 * window_size,), dtype="int32", name="context")
    vectors = layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name=EMBEDDING_LAYER_NAME)(context)
    mean = layers.GlobalAveragePooling1D(name="context_mean")(vectors)
    output = classification_head(mean, vocab_size, name="target_word")
    return as_model(context, output, name="word2vec_cbow")


def _as_sequences(sequences: Any) -> list[list[int]]:
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Iterable):
        raise TypeError(
            "`sequences` must be a list of sentences, each a list of integer word ids (from "
            f"`Tokenizer.texts_to_sequences`). Received: sequences={sequences!r}"
        )
    result = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Iterable):
            raise TypeError(
                "`sequences` must be a list of sentences, each a list of integer word ids; "
                f"item {i} is {seq!r}. Tokenize the texts first with "
                f"`tokenizer.texts_to_sequences(texts)`. Received: sequences[{i}]={seq!r}"
            )
        result.append([int(w) for w in seq])
    if not result:
        raise ValueError("`sequences` is empty: pass at least one sentence. Received: sequences=[]")
    return result


def make_word2vec_data(
    sequences: Sequence[Sequence[int]],
    vocab_size: int,
    mode: str = "skipgram",
    window_size: int = 2,
    negative_samples: float = 1.0,
    sampling_table: Sequence[float] | np.ndarray | None = None,
    seed: int | None = None,
) -> tuple[Any, np.ndarray]:
    """Make the ``(x, y)`` training data of :func:`build_word2vec` from sentences.

    ``"skipgram"``: :func:`skipgrams` on every sentence (pairs never cross a
    sentence boundary), concatenated and shuffled; ``x`` is
    ``[targets, contexts]`` (two int32 arrays of shape ``(n,)``) and ``y`` the
    float32 labels (1 neighbour, 0 negative). ``"cbow"``: one example per word
    that has at least one neighbour; ``x`` is ``(n, 2 * window_size)`` int32
    context ids, 0-padded at the end, and ``y`` the ``(n,)`` int32 centre ids.
    Use the same ``mode`` and ``window_size`` as the model.

    Args:
        sequences: Sentences as lists of word ids
            (``tokenizer.texts_to_sequences(texts)``).
        vocab_size: The largest id + 1, as given to the model.
        mode: ``"skipgram"`` or ``"cbow"``. Defaults to ``"skipgram"``.
        window_size: Context words on each side. Defaults to ``2``.
        negative_samples: Negative pairs per positive pair (skip-gram only).
            Defaults to ``1.0``.
        sampling_table: Sub-sampling probabilities per id, from
            :func:`make_sampling_table`; applied to the centre words of both
            modes. Defaults to ``None``.
        seed: Seed for the negatives, the sub-sampling and the shuffle.
            Defaults to ``None``.

    Returns:
        ``(x, y)`` ready for ``model.fit(x, y)``.

    Raises:
        TypeError: If ``sequences`` is not a list of lists of ids.
        ValueError: If ``sequences`` is empty, an id is out of range, the
            sentences are too short to give any example, an option is
            invalid, or the CBOW contexts would take more than
            ``$KERASDL_MAX_ARRAY_BYTES`` bytes (2 GiB by default).

    Example:

    >>> from kerasdl.text import make_word2vec_data
    >>> x, y = make_word2vec_data([[1, 2, 3, 4]], vocab_size=5, window_size=1, seed=0)
    >>> len(x), x[0].shape, y.shape, int(y.sum())
    (2, (12,), (12,), 6)
    >>> x, y = make_word2vec_data([[1, 2, 3]], vocab_size=5, mode="cbow", window_size=1)
    >>> x.tolist(), y.tolist()
    ([[2, 0], [1, 3], [2, 0]], [1, 2, 3])
    """
    vocab_size = int(check_positive_int(vocab_size, "vocab_size"))
    mode = check_choice(mode, "mode", WORD2VEC_MODES)
    window_size = _check_window(window_size)
    negative_samples = _check_negative(negative_samples)
    sentences = _as_sequences(sequences)
    rng = random.Random(seed)

    if mode == "skipgram":
        targets: list[int] = []
        contexts: list[int] = []
        labels: list[int] = []
        for sentence in sentences:
            couples, labs = skipgrams(
                sentence,
                vocab_size,
                window_size=window_size,
                negative_samples=negative_samples,
                shuffle=False,
                sampling_table=sampling_table,
                seed=rng.randrange(2**31),
            )
            targets += [c[0] for c in couples]
            contexts += [c[1] for c in couples]
            labels += labs
        if not labels:
            raise ValueError(
                "`sequences` gave no skip-gram pairs: every sentence has fewer than two non-zero "
                "word ids (or the sampling table dropped them all). Pass longer sentences. "
                f"Received: {len(sentences)} sentences"
            )
        order = np.random.default_rng(rng.randrange(2**31)).permutation(len(labels))
        x = [np.asarray(targets, "int32")[order], np.asarray(contexts, "int32")[order]]
        return x, np.asarray(labels, "float32")[order]

    table = None if sampling_table is None else np.asarray(sampling_table, "float64").reshape(-1)
    if table is not None and len(table) < vocab_size:
        raise ValueError(
            f"`sampling_table` must have at least `vocab_size` = {vocab_size} entries; make it with "
            f"`make_sampling_table(vocab_size)`. Received: len(sampling_table)={len(table)}"
        )
    rows: list[list[int]] = []
    centres: list[int] = []
    width = 2 * window_size
    num_words = sum(len(sentence) for sentence in sentences)
    check_array_bytes(  # a list slot (8 bytes) and an int32 per context id, at most one row per word
        num_words * width * 12,
        f"The CBOW contexts (up to {num_words:,} rows x 2 * window_size = {width:,} ids)",
        "Pass a `window_size` of a few words (2 to 10).",
        f"window_size={window_size}",
    )
    for sentence in sentences:
        bad = [w for w in sentence if not 0 <= w < vocab_size]
        if bad:
            raise ValueError(
                f"Every id in `sequences` must be in [0, vocab_size) = [0, {vocab_size}); found "
                f"{bad[0]}. Increase `vocab_size`. Received: vocab_size={vocab_size}"
            )
        for i, word in enumerate(sentence):
            if not word:
                continue
            if table is not None and table[word] < rng.random():
                continue
            around = sentence[max(0, i - window_size) : i] + sentence[i + 1 : i + 1 + window_size]
            around = [w for w in around if w]
            if not around:
                continue
            rows.append(around + [0] * (width - len(around)))
            centres.append(word)
    if not rows:
        raise ValueError(
            "`sequences` gave no CBOW examples: no word has a non-zero neighbour. Pass longer "
            f"sentences. Received: {len(sentences)} sentences"
        )
    return np.asarray(rows, "int32"), np.asarray(centres, "int32")
