"""A many-to-many RNN: one label per time step (the course's 'hello' character RNN)."""

from __future__ import annotations

import keras
from keras import layers

from kerasdl.models._common import as_model
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_choice, check_positive_int, check_probability

_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


@register_model("sequence_tagger", task="sequence-tagging")
def build_sequence_tagger(
    num_classes: int = 10,
    vocab_size: int | None = None,
    input_dim: int | None = None,
    sequence_length: int | None = None,
    embedding_dim: int = 16,
    rnn_units: int = 32,
    cell: str = "simple_rnn",
    bidirectional: bool = False,
    num_layers: int = 1,
    dropout: float = 0.0,
) -> keras.Model:
    """A many-to-many RNN that predicts one class per time step.

    The course's first RNN demo is one: fed ``"hell"`` one character at a
    time, it learns to output ``"ello"``, so that given ``"h"`` it spells
    ``"hello"``. Inputs are either integer ids (``vocab_size``, through an
    ``Embedding``) or feature vectors such as one-hot characters
    (``input_dim``); every recurrent layer returns sequences and a
    ``Dense`` softmax (float32 under mixed precision) is applied at each
    step. Train with ``sparse_categorical_crossentropy`` on labels of shape
    ``(batch, steps)``. The model is returned **uncompiled**.

    Args:
        num_classes: Classes per time step. Defaults to ``10``.
        vocab_size: Number of input ids (integer input). ``None`` with no
            ``input_dim`` means ``num_classes`` (same alphabet in and out).
            Defaults to ``None``.
        input_dim: Length of the feature vector of each step (for one-hot
            or float input); excludes ``vocab_size``. Defaults to ``None``.
        sequence_length: Fixed number of steps, or ``None`` for any.
            Defaults to ``None``.
        embedding_dim: Length of the id embeddings. Defaults to ``16``.
        rnn_units: Units of each recurrent layer (per direction).
            Defaults to ``32``.
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``. Defaults to
            ``"simple_rnn"``.
        bidirectional: Wrap each recurrent layer in ``Bidirectional``.
            Defaults to ``False``.
        num_layers: Stacked recurrent layers. Defaults to ``1``.
        dropout: Dropout rate after each recurrent layer, in ``[0, 1)``.
            Defaults to ``0.0``.

    Returns:
        An uncompiled ``keras.Model`` named ``"sequence_tagger"`` with output
        ``(batch, steps, num_classes)``.

    Raises:
        TypeError: If a count is not an integer.
        ValueError: If both ``vocab_size`` and ``input_dim`` are given, a
            count is out of range or ``cell`` is unknown.

    Example:

    >>> from kerasdl.models import build_sequence_tagger
    >>> model = build_sequence_tagger(num_classes=4, input_dim=4, sequence_length=4)
    >>> model.output_shape
    (None, 4, 4)
    >>> model.compile("adam", "sparse_categorical_crossentropy")
    """
    check_positive_int(num_classes, "num_classes")
    if num_classes < 2:
        raise ValueError(
            "`num_classes` must be at least 2 (a softmax over the classes of each step). "
            f"Received: num_classes={num_classes}"
        )
    if vocab_size is not None and input_dim is not None:
        raise ValueError(
            "Give either `vocab_size` (integer ids, embedded) or `input_dim` (feature vectors such as "
            f"one-hot characters), not both. Received: vocab_size={vocab_size}, input_dim={input_dim}"
        )
    check_positive_int(vocab_size, "vocab_size", allow_none=True)
    check_positive_int(input_dim, "input_dim", allow_none=True)
    check_positive_int(sequence_length, "sequence_length", allow_none=True)
    check_positive_int(embedding_dim, "embedding_dim")
    check_positive_int(rnn_units, "rnn_units")
    check_positive_int(num_layers, "num_layers")
    cell = check_choice(cell, "cell", tuple(_CELLS))
    dropout = check_probability(dropout, "dropout")

    if input_dim is not None:
        inputs = keras.Input(shape=(sequence_length, input_dim), name="features")
        x = inputs
    else:
        inputs = keras.Input(shape=(sequence_length,), dtype="int32", name="token_ids")
        x = layers.Embedding(vocab_size or num_classes, embedding_dim, name="embedding")(inputs)
    for i in range(num_layers):
        rnn = _CELLS[cell](rnn_units, return_sequences=True, name=f"{cell}_{i + 1}")
        if bidirectional:
            rnn = layers.Bidirectional(rnn, name=f"bidirectional_{i + 1}")
        x = rnn(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout_{i + 1}")(x)
    logits = layers.Dense(num_classes, name="step_logits")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="step_probabilities")(logits)
    return as_model(inputs, outputs, name="sequence_tagger")
