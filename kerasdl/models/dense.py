"""The Flatten + Dense MNIST baseline the course starts from."""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from kerasdl.models._common import as_model, classification_head
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_choice, check_positive_int, check_probability, check_shape


@register_model("dense_classifier", task="image-classification")
def build_dense_classifier(
    input_shape: Sequence[int] = (28, 28, 1),
    num_classes: int = 10,
    hidden_units: Sequence[int] = (128,),
    activation: str = "relu",
    dropout: float = 0.2,
    rescale: float | None = None,
) -> keras.Model:
    """The multilayer-perceptron baseline: Flatten, Dense layers, softmax.

    The model is returned **uncompiled**, like every ``build_*`` factory;
    compile it with ``sparse_categorical_crossentropy`` for integer labels.

    Args:
        input_shape: Shape of one input image. Defaults to ``(28, 28, 1)``.
        num_classes: Number of classes; ``1`` gives a sigmoid output.
            Defaults to ``10``.
        hidden_units: Width of each hidden ``Dense`` layer. Defaults to
            ``(128,)`` (the course's model).
        activation: Activation of the hidden layers. Defaults to ``"relu"``.
        dropout: Dropout rate after each hidden layer (``0`` for none).
            Defaults to ``0.2``.
        rescale: If given, a ``Rescaling(rescale)`` layer is prepended (for
            example ``1 / 255`` to feed raw uint8 pixels). Defaults to ``None``.

    Returns:
        An uncompiled ``keras.Model`` named ``"dense_classifier"``.

    Raises:
        ValueError: If an argument is out of range.

    Example:

    >>> from kerasdl.models import build_dense_classifier
    >>> model = build_dense_classifier()
    >>> model.output_shape
    (None, 10)
    >>> model.count_params()
    101770
    """
    input_shape = check_shape(input_shape, "input_shape", example="(28, 28, 1)")
    check_positive_int(num_classes, "num_classes")
    hidden_units = tuple(hidden_units)
    for units in hidden_units:
        check_positive_int(units, "hidden_units")
    activation = check_choice(activation, "activation", ("relu", "tanh", "sigmoid", "gelu", "elu"))
    dropout = check_probability(dropout, "dropout")

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if rescale is not None:
        x = layers.Rescaling(rescale, name="rescale")(x)
    x = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(hidden_units):
        x = layers.Dense(units, activation=activation, name=f"dense_{i + 1}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout_{i + 1}")(x)
    outputs = classification_head(x, num_classes)
    return as_model(inputs, outputs, name="dense_classifier")
