"""The course's deeper CNN for 32x32 colour images (CIFAR-10)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers

from kerasdl.models._common import as_model, classification_head
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_positive_int, check_probability, check_shape


def cifar_cnn_params(
    input_channels: int = 3,
    num_classes: int = 10,
    num_blocks: int = 3,
    base_filters: int = 32,
    dense_units: int = 128,
    batch_norm: bool = True,
    feature_size: int = 16,
) -> int:
    """Count the parameters of :func:`build_cifar_cnn` by hand (for tests and docs).

    Args:
        input_channels: Channels of the input image. Defaults to ``3``.
        num_classes: Number of classes. Defaults to ``10``.
        num_blocks: Number of convolution blocks. Defaults to ``3``.
        base_filters: Filters of the first block. Defaults to ``32``.
        dense_units: Width of the hidden dense layer (``0`` for none).
            Defaults to ``128``.
        batch_norm: Whether BatchNorm is used. Defaults to ``True``.
        feature_size: Height times width of the last block's output
            (``4 * 4`` for a 32x32 input and three blocks). Defaults to ``16``.

    Returns:
        The total number of parameters (trainable and not).

    Example:

    >>> cifar_cnn_params(num_blocks=1, base_filters=8, dense_units=0, feature_size=16 * 16)
    21346
    """
    total, channels = 0, input_channels
    for block in range(num_blocks):
        filters = base_filters * 2**block
        for _ in range(2):
            # 3x3 kernel; a bias only without BatchNorm; BN has 4 values per channel.
            total += 9 * channels * filters + (4 * filters if batch_norm else filters)
            channels = filters
    features = channels * feature_size
    if dense_units:
        total += features * dense_units + (4 * dense_units if batch_norm else dense_units)
        features = dense_units
    return total + features * num_classes + num_classes


def _conv_bn_relu(x: object, filters: int, batch_norm: bool, name: str) -> object:
    if batch_norm:
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
        return layers.Activation("relu", name=f"{name}_relu")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv")(x)


@register_model("cifar_cnn", task="image-classification")
def build_cifar_cnn(
    input_shape: Sequence[int] = (32, 32, 3),
    num_classes: int = 10,
    num_blocks: int = 3,
    base_filters: int = 32,
    dropout: float = 0.25,
    dense_units: int = 128,
    batch_norm: bool = True,
    rescale: float | None = None,
) -> keras.Model:
    """The deeper CIFAR-10 CNN: VGG-style convolution blocks, BatchNorm, dropout.

    Each block is two ``Conv2D(3x3, "same")`` - ``BatchNormalization`` -
    ``ReLU`` stages, a 2x2 ``MaxPooling2D`` and ``Dropout``; the number of
    filters doubles from block to block (32, 64, 128 by default). The head
    is ``Flatten``, ``Dense(dense_units)`` - BatchNorm - ReLU, ``Dropout``
    at twice the block rate (at most 0.5) and the softmax output, kept in
    float32 under mixed precision. Convolutions followed by BatchNorm have no
    bias (BatchNorm's offset replaces it). The model is returned
    **uncompiled**.

    Args:
        input_shape: ``(height, width, channels)``; height and width must
            survive ``num_blocks`` halvings (at least ``2 ** num_blocks``).
            Defaults to ``(32, 32, 3)``.
        num_classes: Number of classes; ``1`` gives a sigmoid output.
            Defaults to ``10``.
        num_blocks: Number of convolution blocks (depth). Defaults to ``3``.
        base_filters: Filters of the first block (width); block ``k`` has
            ``base_filters * 2**k``. Defaults to ``32``.
        dropout: Dropout rate after each block (``0`` for none); the head
            uses ``min(0.5, 2 * dropout)``. Defaults to ``0.25``.
        dense_units: Width of the hidden dense layer; ``0`` goes straight
            from ``Flatten`` to the output. Defaults to ``128``.
        batch_norm: Whether to use BatchNorm after each convolution and the
            hidden dense layer. Defaults to ``True``.
        rescale: If given, a ``Rescaling(rescale)`` layer is prepended (for
            example ``1 / 255`` for raw uint8 pixels). Defaults to ``None``.

    Returns:
        An uncompiled ``keras.Model`` named ``"cifar_cnn"``.

    Raises:
        ValueError: If ``input_shape`` is too small for ``num_blocks``
            poolings or an argument is out of range.
        TypeError: If a count is not an integer.

    Example:

    >>> from kerasdl.models import build_cifar_cnn
    >>> model = build_cifar_cnn(num_blocks=2, base_filters=8, rescale=1 / 255)
    >>> model.output_shape
    (None, 10)
    >>> model.get_layer("block2_pool").output.shape
    (None, 8, 8, 16)
    >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    """
    input_shape = check_shape(input_shape, "input_shape", rank=3, example="(32, 32, 3)")
    check_positive_int(num_classes, "num_classes")
    num_blocks = check_positive_int(num_blocks, "num_blocks")
    base_filters = check_positive_int(base_filters, "base_filters")
    dropout = check_probability(dropout, "dropout")
    if isinstance(dense_units, bool) or not isinstance(dense_units, int) or dense_units < 0:
        raise ValueError(
            "`dense_units` must be a non-negative integer (0 for no hidden dense layer). "
            f"Received: dense_units={dense_units!r}"
        )
    smallest = 2**num_blocks
    if input_shape[0] < smallest or input_shape[1] < smallest:
        raise ValueError(
            f"`input_shape` is too small for {num_blocks} blocks: each block halves the height and "
            f"width, so they must be at least 2**num_blocks = {smallest}. Use fewer blocks or "
            f"resize the images. Received: input_shape={input_shape}, num_blocks={num_blocks}"
        )

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if rescale is not None:
        x = layers.Rescaling(rescale, name="rescale")(x)
    for block in range(1, num_blocks + 1):
        filters = base_filters * 2 ** (block - 1)
        x = _conv_bn_relu(x, filters, batch_norm, name=f"block{block}_1")
        x = _conv_bn_relu(x, filters, batch_norm, name=f"block{block}_2")
        x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"block{block}_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    if dense_units:
        if batch_norm:
            x = layers.Dense(dense_units, use_bias=False, name="dense")(x)
            x = layers.BatchNormalization(name="dense_bn")(x)
            x = layers.Activation("relu", name="dense_relu")(x)
        else:
            x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    if dropout:
        x = layers.Dropout(min(0.5, 2 * dropout), name="head_dropout")(x)
    outputs = classification_head(x, num_classes)
    return as_model(inputs, outputs, name="cifar_cnn")
