"""Text generation with a next-word (or next-character) model: the course's loop, on any backend."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from keras.utils import pad_sequences

from kerasdl.text._sizes import check_array_bytes
from kerasdl.utils.validation import check_positive_int


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    """Probabilities for one padded row, from a Keras model or any callable."""
    if hasattr(model, "predict_on_batch"):
        out = model.predict_on_batch(x)
    elif hasattr(model, "predict"):
        out = model.predict(x, verbose=0)
    else:
        out = model(x)
    if isinstance(out, (list, tuple)):
        out = out[0]
    out = np.asarray(out if isinstance(out, np.ndarray) else _to_numpy(out), dtype=np.float64)
    if out.ndim == 3:  # a sequence model: the prediction after the last step
        out = out[:, -1, :]
    if out.ndim != 2 or out.shape[0] != 1:
        raise ValueError(
            "`model` must output next-token probabilities of shape (batch, vocab_size) or "
            f"(batch, steps, vocab_size). Received: an output of shape {out.shape}"
        )
    return out[0]


def _to_numpy(value: Any) -> np.ndarray:
    import keras

    return keras.ops.convert_to_numpy(value)


def _choose(
    probs: np.ndarray, temperature: float | None, top_k: int | None, rng: np.random.Generator
) -> int:
    """Pick the next id from ``probs`` (id 0, the padding, is never chosen)."""
    probs = np.clip(np.nan_to_num(probs, nan=0.0), 0.0, None)
    probs[0] = 0.0
    if top_k is not None and top_k < len(probs):
        cutoff = np.partition(probs, -top_k)[-top_k]
        probs = np.where(probs >= cutoff, probs, 0.0)
    if temperature is None or probs.sum() <= 0:
        return int(np.argmax(probs))
    logits = np.log(np.maximum(probs, 1e-300)) / temperature
    logits[probs <= 0] = -np.inf
    logits -= logits.max()
    weights = np.exp(logits)
    weights /= weights.sum()
    return int(rng.choice(len(weights), p=weights))


def generate_text(
    model: Any,
    tokenizer: Any,
    seed_text: str,
    num_words: int,
    max_sequence_len: int,
    temperature: float | None = None,
    top_k: int | None = None,
    seed: int | None = None,
) -> str:
    """Extend ``seed_text`` word by word with a next-word model (the course's loop).

    Each step encodes the current text with ``tokenizer``, pads it ``"pre"``
    to ``max_sequence_len - 1`` ids, predicts the next id and appends its
    word. Without ``temperature`` the most probable word is taken (greedy,
    deterministic); with it, the word is sampled from the probabilities
    sharpened (``< 1``) or flattened (``> 1``) by the temperature, optionally
    among the ``top_k`` most probable only, reproducibly for a given
    ``seed``. Works with a model of any Keras backend (and any object with
    ``predict``). For a character-level tokenizer characters are appended
    without spaces.

    Args:
        model: A trained model mapping ``(1, max_sequence_len - 1)`` ids to
            next-id probabilities ``(1, vocab_size)``.
        tokenizer: The fitted :class:`~kerasdl.text.Tokenizer` (or legacy
            Keras tokenizer) used for training.
        seed_text: The start of the text.
        num_words: Number of words (tokens) to add.
        max_sequence_len: The ``max_len`` used to build the training n-grams
            (input length + 1).
        temperature: Sampling temperature (``> 0``), or ``None`` for greedy.
            Defaults to ``None``.
        top_k: Sample among the ``top_k`` most probable ids only.
            Defaults to ``None`` (all).
        seed: Seed of the sampling (a NumPy ``Generator``). Defaults to
            ``None``.

    Returns:
        ``seed_text`` followed by the generated words.

    Raises:
        TypeError: If ``seed_text`` is not a string.
        ValueError: If a count or the temperature is out of range (an input
            of ``max_sequence_len - 1`` ids must stay under
            ``$KERASDL_MAX_ARRAY_BYTES``, 2 GiB by default), or the model's
            output has the wrong shape.

    Example:

    >>> import numpy as np
    >>> from kerasdl.text import Tokenizer, generate_text
    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(["the cat sat on the mat"])
    >>> class AlwaysMat:  # a stand-in model that always predicts "mat"
    ...     def predict(self, x, verbose=0):
    ...         return np.eye(6)[[tokenizer.word_index["mat"]]]
    >>> generate_text(AlwaysMat(), tokenizer, "the cat", num_words=2, max_sequence_len=5)
    'the cat mat mat'
    """
    if not isinstance(seed_text, str):
        raise TypeError(
            "`seed_text` must be a string. "
            f"Received: seed_text={seed_text!r} of type {type(seed_text).__name__}"
        )
    if isinstance(num_words, bool) or not isinstance(num_words, numbers.Integral) or num_words < 0:
        raise ValueError(f"`num_words` must be an integer >= 0. Received: num_words={num_words!r}")
    check_positive_int(max_sequence_len, "max_sequence_len")
    if max_sequence_len < 2:
        raise ValueError(
            "`max_sequence_len` must be at least 2 (the input is max_sequence_len - 1 ids). "
            f"Received: max_sequence_len={max_sequence_len}"
        )
    check_array_bytes(
        (max_sequence_len - 1) * 4,
        f"Each padded input ({max_sequence_len - 1:,} int32 ids)",
        "Pass the `max_len` the training n-grams were built with (the model's input length + 1).",
        f"max_sequence_len={max_sequence_len}",
    )
    if temperature is not None:
        if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not temperature > 0:
            raise ValueError(
                "`temperature` must be a number > 0, or None for greedy. "
                f"Received: temperature={temperature!r}"
            )
        temperature = float(temperature)
    check_positive_int(top_k, "top_k", allow_none=True)
    if not getattr(tokenizer, "word_index", None):
        raise ValueError(
            "`tokenizer` must be fitted (its word_index is empty): call tokenizer.fit_on_texts(...) first. "
            f"Received: tokenizer={tokenizer!r}"
        )
    index_word = tokenizer.index_word
    joiner = "" if getattr(tokenizer, "char_level", False) else " "
    rng = np.random.default_rng(seed)
    text = seed_text
    for _ in range(int(num_words)):
        ids = tokenizer.texts_to_sequences([text])[0]
        x = pad_sequences([ids], maxlen=max_sequence_len - 1, padding="pre")
        probs = _predict(model, x)
        next_id = _choose(probs, temperature, top_k, rng)
        word = index_word.get(next_id)
        if word is None:  # an id the tokenizer does not know (a larger output layer)
            continue
        text = f"{text}{joiner}{word}" if text else word
    return text
