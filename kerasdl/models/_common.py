"""Pieces shared by the model factories."""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

from kerasdl.utils.validation import check_positive_int


def classification_head(
    x: Any,
    num_classes: int,
    *,
    name: str = "predictions",
) -> Any:
    """Append the output layers of a classifier and return the output tensor.

    ``num_classes == 1`` gives one sigmoid unit (binary classification with
    ``binary_crossentropy``); otherwise ``num_classes`` softmax units. The
    logits come from a ``Dense`` layer that follows the global dtype policy
    and the activation is a separate ``float32`` layer, so the probabilities
    stay in float32 under ``mixed_float16`` / ``mixed_bfloat16`` (the Keras
    mixed-precision guide's advice).
    """
    num_classes = check_positive_int(num_classes, "num_classes")
    logits = layers.Dense(num_classes, name=f"{name}_logits")(x)
    activation = "sigmoid" if num_classes == 1 else "softmax"
    return layers.Activation(activation, dtype="float32", name=name)(logits)


def classification_loss(num_classes: int) -> str:
    """The loss matching :func:`classification_head` with integer labels."""
    return "binary_crossentropy" if num_classes == 1 else "sparse_categorical_crossentropy"


def as_model(inputs: Any, outputs: Any, name: str) -> keras.Model:
    """Build a functional model (one place to change model construction)."""
    return keras.Model(inputs=inputs, outputs=outputs, name=name)
