"""A recurrent text classifier: Embedding, then a many-to-one RNN, then a classification head."""

from __future__ import annotations

import numbers
from typing import Any

import keras
import numpy as np
from keras import layers

from kerasdl.models._common import as_model, classification_head
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_choice, check_positive_int, check_probability

_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


@register_model("text_classifier", task="text-classification")
def build_text_classifier(
    vocab_size: int = 10000,
    num_classes: int = 1,
    embedding_dim: int | None = None,
    rnn_units: int = 32,
    cell: str = "lstm",
    bidirectional: bool = False,
    num_layers: int = 1,
    dropout: float = 0.0,
    sequence_length: int | None = None,
    embedding_matrix: Any = None,
    trainable_embedding: bool = True,
) -> keras.Model:
    """An RNN text classifier: the course's IMDB sentiment model (many-to-one).

    Word ids go through an ``Embedding`` (``mask_zero=True``, so the padding
    id 0 is skipped by the recurrent layers whether sequences are padded
    ``"pre"`` or ``"post"``), then ``num_layers`` stacked recurrent layers
    (``SimpleRNN``, ``LSTM`` or ``GRU``, each optionally ``Bidirectional``;
    all but the last return sequences) with ``Dropout`` after each when
    ``dropout > 0``, then ``classification_head``:
    one float32 sigmoid unit for ``num_classes=1`` (binary, train with
    ``binary_crossentropy``) or a float32 softmax (train with
    ``sparse_categorical_crossentropy``).

    With ``embedding_matrix`` (for instance
    ``WordVectors.embedding_matrix(tokenizer)`` from GloVe vectors), the
    embedding starts from it; ``trainable_embedding=False`` freezes it. The
    model is returned **uncompiled**.

    Args:
        vocab_size: Number of word ids including padding (the Tokenizer's
            ``num_words``, or ``len(word_index) + 1``). Defaults to ``10000``.
        num_classes: ``1`` for a sigmoid (binary) output, else the number of
            softmax classes. Defaults to ``1``.
        embedding_dim: Length of the word vectors; ``None`` means 16, or the
            width of ``embedding_matrix``. Defaults to ``None``.
        rnn_units: Units of each recurrent layer (per direction).
            Defaults to ``32``.
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``. Defaults to
            ``"lstm"``.
        bidirectional: Whether to wrap each recurrent layer in
            ``Bidirectional``. Defaults to ``False``.
        num_layers: Number of stacked recurrent layers. Defaults to ``1``.
        dropout: Dropout rate after each recurrent layer, in ``[0, 1)``.
            Defaults to ``0.0``.
        sequence_length: Fixed input length (the ``maxlen`` of
            ``pad_sequences``), or ``None`` for any length. Defaults to
            ``None``.
        embedding_matrix: A ``(vocab_size, embedding_dim)`` array of initial
            embeddings. Defaults to ``None`` (random initialisation).
        trainable_embedding: Whether the embedding is trained.
            Defaults to ``True``.

    Returns:
        An uncompiled ``keras.Model`` named ``"text_classifier"`` taking
        int32 ids of shape ``(batch, sequence_length)``.

    Raises:
        TypeError: If a count is not an integer.
        ValueError: If an argument is out of range, ``cell`` is unknown, or
            ``embedding_matrix`` does not match ``vocab_size`` and
            ``embedding_dim``.

    Example:

    >>> from kerasdl.models import build_text_classifier
    >>> model = build_text_classifier(vocab_size=100, sequence_length=20)
    >>> model.output_shape
    (None, 1)
    >>> model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    >>> build_text_classifier(vocab_size=100, num_classes=4, cell="gru",
    ...                       bidirectional=True, num_layers=2).output_shape
    (None, 4)
    """
    vocab_size = int(check_positive_int(vocab_size, "vocab_size"))
    if vocab_size < 2:
        raise ValueError(
            "`vocab_size` must be at least 2 (the padding id 0 and one word): use the Tokenizer's "
            f"`num_words` or `len(tokenizer.word_index) + 1`. Received: vocab_size={vocab_size}"
        )
    check_positive_int(num_classes, "num_classes")
    rnn_units = int(check_positive_int(rnn_units, "rnn_units"))
    cell = check_choice(cell, "cell", tuple(_CELLS))
    num_layers = int(check_positive_int(num_layers, "num_layers"))
    dropout = check_probability(dropout, "dropout")
    check_positive_int(sequence_length, "sequence_length", allow_none=True)
    for flag_name, flag in (("bidirectional", bidirectional), ("trainable_embedding", trainable_embedding)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"`{flag_name}` must be True or False. Received: {flag_name}={flag!r}")

    matrix = None
    if embedding_matrix is not None:
        matrix = np.asarray(embedding_matrix, dtype="float32")
        if matrix.ndim != 2 or matrix.shape[0] != vocab_size:
            raise ValueError(
                f"`embedding_matrix` must have shape (vocab_size, embedding_dim) = ({vocab_size}, dim); "
                "make it with `WordVectors.embedding_matrix(tokenizer, num_words=vocab_size)`. "
                f"Received: embedding_matrix with shape {matrix.shape}"
            )
        if embedding_dim is not None and embedding_dim != matrix.shape[1]:
            raise ValueError(
                f"`embedding_dim` ({embedding_dim}) differs from the width of `embedding_matrix` "
                f"({matrix.shape[1]}); leave `embedding_dim=None`. Received: embedding_dim={embedding_dim}"
            )
        embedding_dim = int(matrix.shape[1])
    if embedding_dim is None:
        embedding_dim = 16
    if isinstance(embedding_dim, numbers.Integral):
        embedding_dim = int(embedding_dim)
    embedding_dim = int(check_positive_int(embedding_dim, "embedding_dim"))

    inputs = keras.Input(shape=(sequence_length,), dtype="int32", name="tokens")
    embedding = layers.Embedding(
        vocab_size, embedding_dim, mask_zero=True, trainable=bool(trainable_embedding), name="embedding"
    )
    x = embedding(inputs)
    if matrix is not None:
        embedding.set_weights([matrix])
    rnn_class = _CELLS[cell]
    for i in range(num_layers):
        last = i == num_layers - 1
        rnn = rnn_class(rnn_units, return_sequences=not last, name=f"{cell}_{i + 1}")
        if bidirectional:
            rnn = layers.Bidirectional(rnn, name=f"bidirectional_{i + 1}")
        x = rnn(x)
        if dropout > 0:
            x = layers.Dropout(dropout, name=f"dropout_{i + 1}")(x)
    outputs = classification_head(x, num_classes)
    return as_model(inputs, outputs, name="text_classifier")
