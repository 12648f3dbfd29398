"""LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from kerasdl.models._common import as_model, classification_head
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_choice, check_positive_int, check_shape

#: Trainable parameters of LeNet-5 on 28x28x1 (or 32x32x1) input with 10
#: classes and the fully connected C3 layer used by every Keras rendition:
#: C1 156 + C3 2,416 + C5 48,120 + F6 10,164 + output 850.
LENET5_PARAMS = 61_706


@register_model("lenet", task="image-classification")
def build_lenet(
    input_shape: Sequence[int] = (28, 28, 1),
    num_classes: int = 10,
    activation: str = "relu",
    pooling: str = "max",
    rescale: float | None = None,
) -> keras.Model:
    """LeNet-5: two convolution/pooling stages, then 120-84-classes dense layers.

    The layout follows LeCun et al. (1998): C1 six 5x5 filters, S2 2x2
    pooling, C3 sixteen 5x5 filters, S4 2x2 pooling, C5 120 units, F6 84 units
    and the output layer. 28x28 inputs (MNIST) are padded to the paper's 32x32
    by C1's ``"same"`` padding; 32x32 inputs use ``"valid"`` as in the paper.
    C3 is fully connected to S2 (the paper's sparse connection table is not
    used by any modern framework), giving 61,706 parameters for 10 classes.

    ``activation="tanh", pooling="average"`` is the 1998 model;
    the default ``"relu"`` and ``"max"`` train faster and are the course's
    modern variant. The model is returned **uncompiled**.

    Args:
        input_shape: ``(height, width, channels)`` with height and width of
            at least 28. Defaults to ``(28, 28, 1)``.
        num_classes: Number of classes; ``1`` gives a sigmoid output.
            Defaults to ``10``.
        activation: ``"relu"`` or ``"tanh"``. Defaults to ``"relu"``.
        pooling: ``"max"`` or ``"average"``. Defaults to ``"max"``.
        rescale: If given, a ``Rescaling(rescale)`` layer is prepended (for
            example ``1 / 255`` for raw uint8 pixels). Defaults to ``None``.

    Returns:
        An uncompiled ``keras.Model`` named ``"lenet5"``.

    Raises:
        ValueError: If ``input_shape`` is too small or an option is unknown.

    Example:

    >>> from kerasdl.models import build_lenet
    >>> model = build_lenet()
    >>> model.count_params()
    61706
    >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    """
    input_shape = check_shape(input_shape, "input_shape", rank=3, example="(28, 28, 1)")
    if input_shape[0] < 28 or input_shape[1] < 28:
        raise ValueError(
            "`input_shape` must be at least 28x28 for LeNet-5 (two 5x5 convolutions and two "
            "2x2 poolings). Resize your images, e.g. with `keras.layers.Resizing(28, 28)`. "
            f"Received: input_shape={input_shape}"
        )
    check_positive_int(num_classes, "num_classes")
    activation = check_choice(activation, "activation", ("relu", "tanh"))
    pooling = check_choice(pooling, "pooling", ("max", "average"))
    pool_layer = layers.MaxPooling2D if pooling == "max" else layers.AveragePooling2D
    # 28x28 is padded to the paper's 32x32 by "same" padding in C1.
    c1_padding = "same" if min(input_shape[:2]) < 32 else "valid"

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if rescale is not None:
        x = layers.Rescaling(rescale, name="rescale")(x)
    x = layers.Conv2D(6, 5, padding=c1_padding, activation=activation, name="c1")(x)
    x = pool_layer(2, name="s2")(x)
    x = layers.Conv2D(16, 5, activation=activation, name="c3")(x)
    x = pool_layer(2, name="s4")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(120, activation=activation, name="c5")(x)
    x = layers.Dense(84, activation=activation, name="f6")(x)
    outputs = classification_head(x, num_classes)
    return as_model(inputs, outputs, name="lenet5")
