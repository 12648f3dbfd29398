"""The course's first RNN: a character-level model that, given 'h', learns to produce 'hello'.

Each character is one-hot encoded; the model reads ``"hell"`` one character
per time step and is trained to output the next character at every step
(``"ello"``), so a many-to-many RNN (:func:`kerasdl.models.build_sequence_tagger`).
Generation starts from the first character and feeds the growing string back,
taking the prediction after the last step. The two ``l`` need memory: after
the first the answer is ``l``, after the second ``o``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs

WORD = "hello"
EPOCHS = 120
LEARNING_RATE = 0.05


def encode(word: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The alphabet (in order of appearance), one-hot inputs ``word[:-1]`` and targets ``word[1:]``."""
    chars = list(dict.fromkeys(word))
    index = {c: i for i, c in enumerate(chars)}
    ids = np.array([index[c] for c in word])
    x = np.eye(len(chars), dtype="float32")[ids[:-1]][None]
    y = ids[1:][None]
    return chars, x, y


def generate(model: Any, chars: list[str], start: str, length: int) -> str:
    """Feed ``start`` and every predicted character back until ``length`` characters."""
    index = {c: i for i, c in enumerate(chars)}
    eye = np.eye(len(chars), dtype="float32")
    text = start
    while len(text) < length:
        x = eye[[index[c] for c in text]][None]
        probs = np.asarray(model.predict_on_batch(x))
        text += chars[int(np.argmax(probs[0, -1]))]
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", default=WORD, help=f"the string to learn (default: {WORD!r})")
    parser.add_argument("--cell", default="simple_rnn", choices=("simple_rnn", "lstm", "gru"),
                        help="recurrent cell (default: simple_rnn, as in the course)")


def run(config: RunConfig) -> dict[str, Any]:
    import keras

    from kerasdl.models import build_sequence_tagger

    word = config.options.get("text") or WORD
    if len(word) < 2:
        raise ValueError(f"`--text` must have at least 2 characters. Received: text={word!r}")
    keras.utils.set_random_seed(config.seed)
    chars, x, y = encode(word)
    repeats = 16  # one batch of copies: the same gradient, fewer (slow) epochs
    x_train, y_train = np.repeat(x, repeats, axis=0), np.repeat(y, repeats, axis=0)
    epochs = config.epochs or (60 if config.quick else EPOCHS)
    with dtype_policy(config.mixed_precision):
        model = build_sequence_tagger(
            num_classes=len(chars), input_dim=len(chars), rnn_units=16,
            cell=config.options.get("cell", "simple_rnn"),
        )
        loss = "sparse_categorical_crossentropy"
        model.compile(keras.optimizers.Adam(LEARNING_RATE), loss, metrics=["accuracy"])
        start = time.perf_counter()
        history = model.fit(x_train, y_train, epochs=epochs, batch_size=repeats, verbose=0)
        train_seconds = time.perf_counter() - start
        predicted = "".join(chars[i] for i in np.argmax(np.asarray(model.predict_on_batch(x))[0], axis=-1))
        generated = generate(model, chars, word[0], len(word))
        metrics = {
            "practical": "char-rnn",
            "data": "embedded-string",
            "text": word,
            "alphabet": "".join(chars),
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "epochs": epochs,
            "train_seconds": round(train_seconds, 2),
            "loss": float(history.history["loss"][-1]),
            "accuracy": float(history.history["accuracy"][-1]),
            "predicted_next_chars": predicted,
            "generated": generated,
            "learned": generated == word,
        }
        paths = save_run_outputs(config, model, history, metrics, title=f"char-RNN on {word!r}")
    print(f"input {word[:-1]!r} -> predicted next characters {predicted!r} (target {word[1:]!r})")
    print(f"generated from {word[0]!r}: {generated!r}; outputs in {paths['model'].parent}")
    return metrics


PRACTICAL = Practical(
    name="char-rnn",
    description="the course's first RNN: a character model that, given 'h', learns to spell 'hello'",
    run=run,
    add_arguments=add_arguments,
)
