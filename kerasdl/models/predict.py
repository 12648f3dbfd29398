"""Classify one image with a pretrained ImageNet model, offline-friendly.

The course's ``ResNet50(weights="imagenet")`` + ``preprocess_input`` +
``decode_predictions`` in one call, which works without network access given
a local weights file and a local class-index JSON.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import keras
import numpy as np

from kerasdl.models.backbones import (
    get_backbone,
    keras_models_dirs,
    load_weights_file,
    resolve_imagenet_weights,
    resolve_weights_argument,
)
from kerasdl.models.preprocessing import ImageNetPreprocessing
from kerasdl.utils.validation import check_positive_int

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
_CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"

ImagePrediction = tuple[str, str, float]


def load_class_index(
    class_index: str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> dict[int, tuple[str, str]]:
    """Read an ImageNet class index in the Keras layout ``{"0": ["n01440764", "tench"], ...}``.

    Args:
        class_index: A JSON file path, an already-loaded mapping, or
            ``None`` to use ``imagenet_class_index.json`` from the Keras
            cache (downloading it only if it is not there). Defaults to
            ``None``.

    Returns:
        ``{class_id: (wnid, label)}``.

    Raises:
        FileNotFoundError: If the file is missing (offline, the message
            says to pass ``class_index=PATH``).
        ValueError: If the content is not in the Keras layout.

    Example:

    >>> from kerasdl.models.predict import load_class_index
    >>> load_class_index({"0": ["n01440764", "tench"]})
    {0: ('n01440764', 'tench')}
    """
    if class_index is None:
        class_index = _cached_class_index_path()
    if isinstance(class_index, Mapping):
        raw, source = class_index, "the mapping"
    else:
        path = Path(class_index).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"`class_index` file does not exist. Pass the path of an ImageNet class index JSON in "
                f"the Keras layout (such as {CLASS_INDEX_FILE}). Received: class_index={str(path)!r}"
            )
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(
                f"`class_index` is not a JSON file ({error}). Received: class_index={str(path)!r}"
            ) from None
        source = str(path)
    try:
        index = {int(key): (str(value[0]), str(value[1])) for key, value in raw.items()}
    except (AttributeError, TypeError, ValueError, IndexError, KeyError):
        raise ValueError(
            'The class index must map class ids to [wnid, label] pairs, as {"0": ["n01440764", '
            f'"tench"], ...}} (the Keras layout). Received: class_index={source!r}'
        ) from None
    return index


def _cached_class_index_path() -> Path:
    for folder in keras_models_dirs():
        if (folder / CLASS_INDEX_FILE).is_file():
            return folder / CLASS_INDEX_FILE
    try:
        return Path(
            keras.utils.get_file(
                CLASS_INDEX_FILE, origin=CLASS_INDEX_URL, cache_subdir="models", file_hash=_CLASS_INDEX_MD5
            )
        )
    except Exception as error:  # URL/HTTP errors offline
        raise FileNotFoundError(
            f"The ImageNet class index {CLASS_INDEX_FILE!r} is not in the Keras cache "
            f"({keras_models_dirs()[0]}) and could not be downloaded (offline?). Pass "
            f"class_index=PATH, a JSON file in the Keras layout {{\"0\": [\"n01440764\", \"tench\"], ...}}, "
            f"or place the file in the Keras cache. Cause: {type(error).__name__}. Received: class_index=None"
        ) from None


@functools.lru_cache(maxsize=2)
def _classifier(name: str, weights_path: str, mtime: float) -> keras.Model:
    spec = get_backbone(name)
    model = spec.constructor(include_top=True, weights=None)
    load_weights_file(model, weights_path, what=f"{name} ImageNet classifier (with its top)")
    return model


def _as_image_batch(image: Any, size: tuple[int, int]) -> np.ndarray:
    if isinstance(image, (str, os.PathLike)):
        path = Path(image).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"The image file does not exist. Received: image_or_path={str(path)!r}")
        from kerasdl.data.image_files import load_image  # regular files only, size and pixel bounds

        try:
            pixels = load_image(path, color_mode="rgb", target_size=size)
        except ValueError as error:  # not an image, truncated, a FIFO or device, a bomb...
            raise ValueError(
                f"{error}. Pass a JPEG/PNG/BMP/GIF file or an array. Received: image_or_path={str(path)!r}"
            ) from None
        return pixels.astype("float32")[None]
    if hasattr(image, "convert") and hasattr(image, "resize"):  # a PIL image
        pil = image.convert("RGB").resize((size[1], size[0]))
        return keras.utils.img_to_array(pil, dtype="float32")[None]
    array = np.asarray(image, dtype="float32")
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.shape[-1] not in (1, 3, 4):
        raise ValueError(
            "`image_or_path` must be a file path, a PIL image or one image array of shape (height, "
            "width), (height, width, 1|3|4) or (1, height, width, 3), with pixels in [0, 255]. "
            f"Received: image_or_path of shape {np.shape(image)}"
        )
    if array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    array = array[..., :3]
    if array.shape[:2] != size:
        array = keras.ops.convert_to_numpy(keras.ops.image.resize(array, size))
    return array[None]


def predict_image(
    image_or_path: Any,
    model: str = "resnet50",
    weights: str | os.PathLike[str] = "imagenet",
    top: int = 5,
    class_index: str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> list[ImagePrediction]:
    """Classify one image with an ImageNet model: the top-k ``(wnid, label, probability)``.

    The image is resized to the backbone's input (224x224), passed through
    its own ``preprocess_input`` (without modifying your array), and the
    1000-class prediction is decoded like
    ``keras.applications.<name>.decode_predictions(preds, top)[0]``. The
    built model is cached (two of them), so repeated calls are fast.

    Args:
        image_or_path: An image file path, a PIL image, or an RGB array
            ``(height, width, 3)`` with pixels in ``[0, 255]``.
        model: A backbone name such as ``"resnet50"``, ``"vgg16"`` or
            ``"mobilenet_v2"``. Defaults to ``"resnet50"``.
        weights: ``"imagenet"`` (the Keras cache, else a download) or the
            path of a local weights file of the full classifier (with its
            top, e.g. ``resnet50_weights_tf_dim_ordering_tf_kernels.h5``).
            Defaults to ``"imagenet"``.
        top: How many classes to return. Defaults to ``5``.
        class_index: A class-index JSON path in the Keras layout (or the
            loaded mapping); ``None`` looks in the Keras cache. Defaults to
            ``None``.

    Returns:
        A list of ``top`` ``(wnid, label, probability)`` tuples, most
        probable first.

    Raises:
        WeightsNotFoundError: If ``weights="imagenet"`` and the file is
            neither cached nor downloadable (the message names it).
        FileNotFoundError: If the image, weights or class index file is
            missing.
        ValueError: If an argument is invalid.

    Example:

    >>> from kerasdl.models import predict_image
    >>> predict_image("cat.jpg", weights="resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    ...               class_index="imagenet_class_index.json")  # doctest: +SKIP
    [('n02123045', 'tabby', 0.61...), ...]
    """
    spec = get_backbone(model)
    name = model.lower().replace("-", "_")
    top = check_positive_int(top, "top")
    if top > 1000:
        raise ValueError(f"`top` must be at most 1000 (the ImageNet classes). Received: top={top}")
    resolved = resolve_weights_argument(weights)
    if resolved is None:
        raise ValueError(
            "`weights` must be 'imagenet' or the path of a weights file: an untrained classifier "
            "predicts nothing meaningful. Received: weights=None"
        )
    if resolved == "imagenet":
        resolved = resolve_imagenet_weights(name, include_top=True)
    path = Path(resolved)
    if not path.is_file():
        raise FileNotFoundError(
            f"The weights file does not exist. Pass 'imagenet' or the path of the {name} classifier's "
            f"weights. Received: weights={str(path)!r}"
        )
    classes = load_class_index(class_index)
    batch = _as_image_batch(image_or_path, (spec.default_size, spec.default_size))
    classifier = _classifier(name, str(path.resolve()), path.stat().st_mtime)
    inputs = ImageNetPreprocessing(spec.mode)(batch)
    probabilities = keras.ops.convert_to_numpy(classifier(inputs, training=False))[0]
    if probabilities.shape[-1] != len(classes):
        raise ValueError(
            f"The class index has {len(classes)} classes but the model predicts "
            f"{probabilities.shape[-1]}. Pass the ImageNet-1k index. Received: class_index={class_index!r}"
        )
    best = np.argsort(probabilities)[::-1][:top]
    return [(*classes[int(i)], float(probabilities[i])) for i in best]
