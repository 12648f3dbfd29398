"""Transfer learning on a ``keras.applications`` backbone: feature extraction, then fine-tuning.

The course's two strategies, as in the Keras transfer-learning guide:

1. **Feature extraction**: freeze the pretrained backbone and train a new
   classifier head on top of it.
2. **Fine-tuning**: unfreeze all of the backbone, or only its top layers, and
   train on with a very small learning rate (``1e-5``) so that the pretrained
   features are adjusted, not destroyed.

The backbone's BatchNorm layers stay frozen in both phases, which in Keras 3
also runs them in inference mode: they keep their ImageNet statistics
(updating them on a small data set would wreck what the backbone learned).
The backbone is also called with ``training=False``, as the Keras guide does;
but in Keras 3 a ``training=True`` from ``fit`` reaches nested models anyway,
so the frozen BatchNorm layers are what guarantees it: leave the unfreezing
to :func:`set_fine_tune`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import keras
from keras import layers

from kerasdl.models._common import as_model, classification_head
from kerasdl.models.backbones import (
    get_backbone,
    load_weights_file,
    resolve_imagenet_weights,
    resolve_weights_argument,
)
from kerasdl.models.preprocessing import ImageNetPreprocessing
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_choice, check_positive_int, check_probability, check_shape

STRATEGIES = ("feature_extraction", "fine_tune")
#: Name of the backbone sub-model inside a transfer model.
BACKBONE_LAYER = "backbone"


@register_model("transfer", task="image-classification")
def build_transfer_model(
    backbone: str = "resnet50",
    num_classes: int = 2,
    input_shape: Sequence[int] = (224, 224, 3),
    weights: str | os.PathLike[str] | None = "imagenet",
    strategy: str = "feature_extraction",
    fine_tune_layers: int | None = None,
    dropout: float = 0.2,
    backbone_kwargs: Mapping[str, Any] | None = None,
) -> keras.Model:
    """A pretrained ``keras.applications`` backbone with a new classifier head.

    The model is ``Input`` (raw RGB pixels in ``[0, 255]``) ->
    :class:`ImageNetPreprocessing` (the backbone's own ``preprocess_input``,
    built in) -> the backbone without its top, called with
    ``training=False`` -> ``GlobalAveragePooling2D`` -> ``Dropout`` -> the
    output layer (float32 under mixed precision). It is returned
    **uncompiled**.

    With ``strategy="feature_extraction"`` the backbone is frozen. With
    ``"fine_tune"`` all of it, or its top ``fine_tune_layers`` layers, is
    trainable, except the BatchNorm layers; compile it with a **very small
    learning rate**, e.g. ``keras.optimizers.Adam(1e-5)``. The course's
    two-phase recipe starts with feature extraction, trains the head, then
    calls :func:`set_fine_tune` and compiles again with the small rate.

    ``weights="imagenet"`` looks in the Keras cache (``$KERAS_HOME/models``)
    before downloading; offline and uncached it raises
    :class:`~kerasdl.models.backbones.WeightsNotFoundError` naming the file to
    fetch. To load a saved model, ``import kerasdl.models`` first (it
    registers the preprocessing layer).

    Args:
        backbone: One of ``"resnet50"``, ``"vgg16"``, ``"mobilenet_v2"``,
            ``"resnet101"``, ``"resnet152"``, ``"resnet50_v2"``, ``"vgg19"``.
            Defaults to ``"resnet50"``.
        num_classes: Number of classes; ``1`` gives a sigmoid output.
            Defaults to ``2``.
        input_shape: ``(height, width, 3)``, at least 32x32. Defaults to
            ``(224, 224, 3)``.
        weights: ``"imagenet"``, ``None`` (random initialization) or the path
            of a local weights file for the backbone without its top (a
            Keras ``..._notop.h5`` ImageNet file, a ``.weights.h5`` or a
            ``.keras`` file). Defaults to ``"imagenet"``.
        strategy: ``"feature_extraction"`` or ``"fine_tune"``. Defaults to
            ``"feature_extraction"``.
        fine_tune_layers: With ``"fine_tune"``: the number of top backbone
            layers to unfreeze; ``None`` unfreezes all. Defaults to ``None``.
        dropout: Dropout rate before the output layer. Defaults to ``0.2``.
        backbone_kwargs: More arguments for the ``keras.applications``
            constructor, such as ``{"alpha": 0.35}`` for MobileNetV2.
            Defaults to ``None``.

    Returns:
        An uncompiled ``keras.Model`` named ``"transfer_<backbone>"``; the
        backbone is its layer ``"backbone"``.

    Raises:
        ValueError: If an argument is unknown or out of range, or a weights
            file does not fit the backbone.
        FileNotFoundError: If ``weights`` is a path that does not exist, or
            (as ``WeightsNotFoundError``) the ImageNet weights are neither
            cached nor downloadable.

    Example:

    >>> from kerasdl.models import build_transfer_model
    >>> model = build_transfer_model(
    ...     "mobilenet_v2", num_classes=3, input_shape=(32, 32, 3), weights=None,
    ...     backbone_kwargs={"alpha": 0.35})
    >>> model.output_shape
    (None, 3)
    >>> model.get_layer("backbone").trainable
    False
    >>> model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    """
    spec = get_backbone(backbone)
    name = backbone.lower().replace("-", "_")
    check_positive_int(num_classes, "num_classes")
    input_shape = check_shape(input_shape, "input_shape", rank=3, example="(224, 224, 3)")
    if input_shape[0] < 32 or input_shape[1] < 32:
        raise ValueError(
            f"`input_shape` must be at least 32x32 for the {name} backbone. Resize the images "
            f"(e.g. `keras.layers.Resizing(224, 224)`). Received: input_shape={input_shape}"
        )
    weights = resolve_weights_argument(weights)
    if weights == "imagenet" and input_shape[2] != 3:
        raise ValueError(
            "ImageNet weights need 3-channel (RGB) input. Convert grayscale images to RGB or pass "
            f"weights=None. Received: input_shape={input_shape}"
        )
    strategy = check_choice(strategy, "strategy", STRATEGIES)
    check_positive_int(fine_tune_layers, "fine_tune_layers", allow_none=True)
    if fine_tune_layers is not None and strategy != "fine_tune":
        raise ValueError(
            "`fine_tune_layers` is only used with strategy='fine_tune' (feature extraction freezes "
            f"the whole backbone). Received: fine_tune_layers={fine_tune_layers}, strategy={strategy!r}"
        )
    dropout = check_probability(dropout, "dropout")
    kwargs = dict(backbone_kwargs or {})
    reserved = {"include_top", "weights", "input_shape", "input_tensor", "name", "classes"} & set(kwargs)
    if reserved:
        raise ValueError(
            f"`backbone_kwargs` must not set {sorted(reserved)}: build_transfer_model sets them. "
            f"Received: backbone_kwargs={dict(backbone_kwargs or {})!r}"
        )

    base = spec.constructor(
        include_top=False, weights=None, input_shape=input_shape, name=BACKBONE_LAYER, **kwargs
    )
    if weights == "imagenet":
        weights = resolve_imagenet_weights(
            name, include_top=False, input_shape=input_shape, alpha=kwargs.get("alpha", 1.0)
        )
    if weights is not None:
        load_weights_file(base, weights, what=f"{name} backbone (without its top)")

    inputs = keras.Input(shape=input_shape, name="image")
    x = ImageNetPreprocessing(spec.mode, name="preprocess")(inputs)
    # As the Keras guide; the frozen BatchNorm layers are what keeps them in inference mode.
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, name="head_dropout")(x)
    outputs = classification_head(x, num_classes)
    model = as_model(inputs, outputs, name=f"transfer_{name}")
    if strategy == "fine_tune":
        set_fine_tune(model, fine_tune_layers)
    else:
        freeze_backbone(model)
    return model


def get_backbone_layer(model: keras.Model) -> keras.Model:
    """Return the backbone sub-model of a :func:`build_transfer_model` model.

    Raises:
        ValueError: If ``model`` has no layer named ``"backbone"``.

    Example:

    >>> from kerasdl.models import build_transfer_model
    >>> from kerasdl.models.transfer import get_backbone_layer
    >>> model = build_transfer_model("vgg16", input_shape=(32, 32, 3), weights=None)
    >>> get_backbone_layer(model).name
    'backbone'
    """
    try:
        return model.get_layer(BACKBONE_LAYER)
    except (ValueError, AttributeError):
        raise ValueError(
            "`model` has no backbone: pass a model built by `build_transfer_model` (its backbone is "
            f"the layer named {BACKBONE_LAYER!r}). Received: model={getattr(model, 'name', model)!r}"
        ) from None


def freeze_backbone(model: keras.Model) -> keras.Model:
    """Freeze the whole backbone (feature extraction); returns ``model``.

    Compile the model again afterwards: Keras reads ``trainable`` at
    ``compile()`` time.

    Example:

    >>> from kerasdl.models import build_transfer_model, freeze_backbone
    >>> model = build_transfer_model("vgg16", input_shape=(32, 32, 3), weights=None,
    ...                              strategy="fine_tune")
    >>> len(freeze_backbone(model).trainable_weights)  # only the head
    2
    """
    get_backbone_layer(model).trainable = False
    return model


def set_fine_tune(model: keras.Model, fine_tune_layers: int | None = None) -> keras.Model:
    """Unfreeze the backbone (all of it, or its top layers) for fine-tuning.

    Phase two of the course's recipe: after training the head with a frozen
    backbone, call this, **compile again** with a very small learning rate
    (``keras.optimizers.Adam(1e-5)``), and continue training. BatchNorm
    layers stay frozen, as the Keras transfer-learning guide advises.

    Args:
        model: A model built by :func:`build_transfer_model`.
        fine_tune_layers: Number of top backbone layers (counted in
            ``backbone.layers``) to unfreeze; ``None`` unfreezes all.
            Defaults to ``None``.

    Returns:
        ``model``, modified in place.

    Raises:
        ValueError: If ``model`` has no backbone or ``fine_tune_layers`` is
            not a positive integer.

    Example:

    >>> from kerasdl.models import build_transfer_model, set_fine_tune
    >>> model = build_transfer_model("vgg16", input_shape=(32, 32, 3), weights=None)
    >>> len(model.trainable_weights)
    2
    >>> len(set_fine_tune(model, fine_tune_layers=4).trainable_weights)  # block5 convs + head
    8
    >>> model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
    """
    check_positive_int(fine_tune_layers, "fine_tune_layers", allow_none=True)
    base = get_backbone_layer(model)
    base.trainable = True
    frozen_below = 0 if fine_tune_layers is None else max(0, len(base.layers) - fine_tune_layers)
    for index, layer in enumerate(base.layers):
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
        else:
            layer.trainable = index >= frozen_below
    return model
