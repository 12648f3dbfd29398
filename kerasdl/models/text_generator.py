"""A next-word (or next-character) model: Embedding, (Bi)LSTM, softmax over the vocabulary."""

from __future__ import annotations

import keras
from keras import layers

from kerasdl.models._common import as_model
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_choice, check_positive_int, check_probability

_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


@register_model("text_generator", task="text-generation")
def build_text_generator(
    vocab_size: int = 1000,
    max_sequence_len: int | None = 11,
    embedding_dim: int = 64,
    rnn_units: int = 100,
    bidirectional: bool = False,
    cell: str = "lstm",
    dropout: float = 0.0,
    num_layers: int = 1,
) -> keras.Model:
    """The course's next-word model: Embedding, (Bidirectional) LSTM, softmax over the vocabulary.

    It reads ``max_sequence_len - 1`` word ids (the n-grams of
    :func:`kerasdl.text.make_ngram_sequences`, padded ``"pre"``) and outputs
    the probability of every word id being next, in float32 even under a
    mixed-precision policy. Train it with ``sparse_categorical_crossentropy``
    on sparse labels (or ``categorical_crossentropy`` on one-hot labels) and
    generate with :func:`kerasdl.text.generate_text`. The ``textgen-alice``
    practical uses ``build_text_generator(total_words, max_sequence_len,
    embedding_dim=100, rnn_units=150, bidirectional=True)``. The model is
    returned **uncompiled**.

    Args:
        vocab_size: Number of word ids including the padding id 0
            (``len(tokenizer.word_index) + 1``). Defaults to ``1000``.
        max_sequence_len: The n-gram length including the label (the input
            is one shorter), or ``None`` for inputs of any length.
            Defaults to ``11``.
        embedding_dim: Length of the word vectors. Defaults to ``64``.
        rnn_units: Units of each recurrent layer (per direction).
            Defaults to ``100``.
        bidirectional: Wrap the recurrent layers in ``Bidirectional``.
            Defaults to ``False``.
        cell: ``"lstm"``, ``"gru"`` or ``"simple_rnn"``. Defaults to
            ``"lstm"``.
        dropout: Dropout rate after each recurrent layer, in ``[0, 1)``.
            Defaults to ``0.0``.
        num_layers: Stacked recurrent layers. Defaults to ``1``.

    Returns:
        An uncompiled ``keras.Model`` named ``"text_generator"`` mapping
        int ids ``(batch, max_sequence_len - 1)`` to ``(batch, vocab_size)``
        probabilities.

    Raises:
        TypeError: If a count is not an integer.
        ValueError: If a count is out of range or ``cell`` is unknown.

    Example:

    >>> from kerasdl.models import build_text_generator
    >>> model = build_text_generator(vocab_size=50, max_sequence_len=6, rnn_units=8)
    >>> model.input_shape, model.output_shape
    ((None, 5), (None, 50))
    >>> model.compile("adam", "sparse_categorical_crossentropy")
    """
    check_positive_int(vocab_size, "vocab_size")
    if vocab_size < 2:
        raise ValueError(
            "`vocab_size` must be at least 2 (the padding id 0 and one word); use "
            f"len(tokenizer.word_index) + 1. Received: vocab_size={vocab_size}"
        )
    input_length = None
    if max_sequence_len is not None:
        check_positive_int(max_sequence_len, "max_sequence_len", allow_none=True)
        if max_sequence_len < 2:
            raise ValueError(
                "`max_sequence_len` counts the label too, so it must be at least 2 (inputs have "
                f"max_sequence_len - 1 ids). Received: max_sequence_len={max_sequence_len}"
            )
        input_length = max_sequence_len - 1
    check_positive_int(embedding_dim, "embedding_dim")
    check_positive_int(rnn_units, "rnn_units")
    check_positive_int(num_layers, "num_layers")
    cell = check_choice(cell, "cell", tuple(_CELLS))
    dropout = check_probability(dropout, "dropout")

    inputs = keras.Input(shape=(input_length,), dtype="int32", name="token_ids")
    x = layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    for i in range(num_layers):
        last = i == num_layers - 1
        rnn = _CELLS[cell](rnn_units, return_sequences=not last, name=f"{cell}_{i + 1}")
        if bidirectional:
            rnn = layers.Bidirectional(rnn, name=f"bidirectional_{i + 1}")
        x = rnn(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout_{i + 1}")(x)
    logits = layers.Dense(vocab_size, name="next_token_logits")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="next_token")(logits)
    return as_model(inputs, outputs, name="text_generator")
