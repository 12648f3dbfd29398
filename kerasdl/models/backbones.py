"""The ``keras.applications`` backbones kerasdl knows, and finding their weights offline.

``ResNet50(weights="imagenet")`` downloads its weights at call time and,
offline, fails with a raw "URL fetch failure". kerasdl looks for the file
Keras would download in the Keras cache first (``$KERAS_HOME/models``, by
default ``~/.keras/models``), then tries the download, and offline raises a
:class:`WeightsNotFoundError` that names the file and where to put it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from kerasdl.utils.validation import check_choice

_STORAGE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_MOBILENET_V2_ROWS = (96, 128, 160, 192, 224)
_MOBILENET_V2_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)


class WeightsNotFoundError(FileNotFoundError):
    """Pretrained weights are neither on disk nor downloadable; the message says what to do."""


@dataclass(frozen=True)
class Backbone:
    """A ``keras.applications`` backbone and what kerasdl needs to know about it.

    Attributes:
        constructor: The ``keras.applications`` constructor (``ResNet50``).
        preprocess_input: Its ``preprocess_input`` function (kept for
            reference and tests; models use :class:`ImageNetPreprocessing`).
        mode: The ``preprocess_input`` convention: ``"caffe"``, ``"tf"`` or
            ``"torch"``.
        family: ``"resnet"``, ``"vgg"`` or ``"mobilenet_v2"``: how the
            weights file is named.
        keras_name: The name in Keras's weights file names (``"resnet50v2"``).
        hashes: MD5 of the Keras ``(top, notop)`` weights files, if Keras
            publishes them.
        default_size: The ImageNet input size. Defaults to ``224``.
    """

    constructor: Callable[..., keras.Model]
    preprocess_input: Callable[..., Any]
    mode: str
    family: str
    keras_name: str
    hashes: tuple[str, str] | None = None
    default_size: int = 224


_apps = keras.applications

#: Backbone name -> :class:`Backbone`. The first three are the course's.
BACKBONES: dict[str, Backbone] = {
    "resnet50": Backbone(
        _apps.ResNet50, _apps.resnet50.preprocess_input, "caffe", "resnet", "resnet50",
        ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    ),
    "vgg16": Backbone(
        _apps.VGG16, _apps.vgg16.preprocess_input, "caffe", "vgg", "vgg16",
        ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
    ),
    "mobilenet_v2": Backbone(
        _apps.MobileNetV2, _apps.mobilenet_v2.preprocess_input, "tf", "mobilenet_v2", "mobilenet_v2"
    ),
    "resnet101": Backbone(
        _apps.ResNet101, _apps.resnet.preprocess_input, "caffe", "resnet", "resnet101",
        ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    ),
    "resnet152": Backbone(
        _apps.ResNet152, _apps.resnet.preprocess_input, "caffe", "resnet", "resnet152",
        ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    ),
    "resnet50_v2": Backbone(
        _apps.ResNet50V2, _apps.resnet_v2.preprocess_input, "tf", "resnet", "resnet50v2",
        ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    ),
    "vgg19": Backbone(
        _apps.VGG19, _apps.vgg19.preprocess_input, "caffe", "vgg", "vgg19",
        ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"),
    ),
}


def get_backbone(name: str) -> Backbone:
    """Return the :class:`Backbone` called ``name``; unknown names list the valid ones.

    Example:

    >>> from kerasdl.models.backbones import get_backbone
    >>> get_backbone("ResNet50").mode
    'caffe'
    """
    if not isinstance(name, str):
        raise TypeError(f"`backbone` must be a string such as 'resnet50'. Received: backbone={name!r}")
    key = name.lower().replace("-", "_")
    return BACKBONES[check_choice(key, "backbone", tuple(BACKBONES))]


def keras_models_dirs() -> list[Path]:
    """The folders where Keras caches downloaded weights, in search order.

    ``$KERAS_HOME/models`` when ``KERAS_HOME`` is set, else
    ``~/.keras/models``; then ``/tmp/.keras/models``, where Keras falls back
    when the first is not writable.

    Example:

    >>> from kerasdl.models.backbones import keras_models_dirs
    >>> keras_models_dirs()[0].name
    'models'
    """
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    dirs = [Path(home) / "models", Path("/tmp/.keras/models")]
    return list(dict.fromkeys(dirs))


def imagenet_weights_file(
    name: str,
    include_top: bool = False,
    input_shape: Sequence[int] | None = None,
    alpha: float = 1.0,
) -> tuple[str, str, str | None]:
    """The file name, download URL and MD5 of a backbone's Keras ImageNet weights.

    Args:
        name: A name from :data:`BACKBONES`.
        include_top: The weights with the 1000-class classifier (for
            prediction) or without it (for transfer learning). Defaults to
            ``False``.
        input_shape: The input shape; chooses MobileNetV2's file (96 to 224
            pixels; other sizes use the 224 file, as Keras does). Defaults to
            ``None`` (224).
        alpha: MobileNetV2's width multiplier. Defaults to ``1.0``.

    Returns:
        ``(file_name, url, md5_or_None)``.

    Example:

    >>> from kerasdl.models.backbones import imagenet_weights_file
    >>> imagenet_weights_file("resnet50")[0]
    'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5'
    """
    spec = get_backbone(name)
    if spec.family == "mobilenet_v2":
        if float(alpha) not in _MOBILENET_V2_ALPHAS:
            raise ValueError(
                "ImageNet weights for mobilenet_v2 exist only for `alpha` in "
                f"{', '.join(str(a) for a in _MOBILENET_V2_ALPHAS)}. Use one of them or weights=None. "
                f"Received: alpha={alpha!r}"
            )
        rows = spec.default_size
        if input_shape is not None and input_shape[0] == input_shape[1]:
            rows = int(input_shape[0]) if input_shape[0] in _MOBILENET_V2_ROWS else rows
        file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
        file_name += ".h5" if include_top else "_no_top.h5"
        return file_name, f"{_STORAGE}mobilenet_v2/{file_name}", None
    suffix = ".h5" if include_top else "_notop.h5"
    file_name = f"{spec.keras_name}_weights_tf_dim_ordering_tf_kernels{suffix}"
    folder = "resnet" if spec.family == "resnet" else spec.keras_name
    md5 = None if spec.hashes is None else spec.hashes[0 if include_top else 1]
    return file_name, f"{_STORAGE}{folder}/{file_name}", md5


def resolve_imagenet_weights(
    name: str,
    include_top: bool = False,
    input_shape: Sequence[int] | None = None,
    alpha: float = 1.0,
) -> Path:
    """Find a backbone's ImageNet weights file: Keras cache first, then download.

    Args:
        name: A name from :data:`BACKBONES`.
        include_top: With the 1000-class classifier or without. Defaults to
            ``False``.
        input_shape: See :func:`imagenet_weights_file`. Defaults to ``None``.
        alpha: See :func:`imagenet_weights_file`. Defaults to ``1.0``.

    Returns:
        The local path of the weights file.

    Raises:
        WeightsNotFoundError: If the file is not cached and cannot be
            downloaded; the message names the file, the cache folder and
            the ``weights=PATH`` alternative.

    Example:

    >>> from kerasdl.models.backbones import resolve_imagenet_weights
    >>> path = resolve_imagenet_weights("vgg16")  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'
    """
    file_name, url, md5 = imagenet_weights_file(name, include_top, input_shape, alpha)
    for folder in keras_models_dirs():
        if (folder / file_name).is_file():
            return folder / file_name
    try:
        return Path(keras.utils.get_file(file_name, origin=url, cache_subdir="models", file_hash=md5))
    except Exception as error:  # URL/HTTP errors, hash mismatch, read-only cache
        cache = keras_models_dirs()[0]
        raise WeightsNotFoundError(
            f"The ImageNet weights of {name} ({'with' if include_top else 'without'} the classifier) "
            f"are not in the Keras cache and could not be downloaded (offline?). Download the file "
            f"{file_name!r} (from {url} on a machine with network access) and either place it in "
            f"{cache} ($KERAS_HOME/models, the Keras cache), or pass its path as weights=PATH "
            f"(`--weights PATH` on the command line); or pass weights=None for an untrained "
            f"backbone. Cause: {type(error).__name__}: {str(error)[:200]}. "
            f"Received: weights='imagenet'"
        ) from None


def load_weights_file(model: keras.Model, path: str | os.PathLike[str], what: str) -> None:
    """Load a weights file into ``model``, turning failures into a clear error.

    Accepts what ``Model.load_weights`` reads: a Keras ``.weights.h5``, a
    ``.keras`` file, or a legacy ``.h5`` (the format of the Keras ImageNet
    files).

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If the file does not fit ``model``.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"The weights file of the {what} does not exist. Pass the path of a local weights file "
            f"('.weights.h5', '.keras' or a Keras ImageNet '.h5'), 'imagenet' or None. "
            f"Received: weights={str(path)!r}"
        )
    failure: Exception | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.load_weights(str(path))
        except Exception as error:
            failure = error
    if failure is not None:  # the warnings of a failed load are noise
        raise ValueError(
            f"Could not load the weights file into the {what}: it does not match the architecture "
            f"(a file with the classifier top where none is expected, another backbone or "
            f"another `alpha`?). Cause: {type(failure).__name__}: {str(failure)[:300]}. "
            f"Received: weights={str(path)!r}"
        ) from failure
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def resolve_weights_argument(weights: Any) -> str | Path | None:
    """Check a ``weights`` argument: ``"imagenet"``, ``None`` or a path."""
    if weights is None:
        return None
    if isinstance(weights, str) and weights.lower() == "imagenet":
        return "imagenet"
    if isinstance(weights, (str, os.PathLike)):
        return Path(weights).expanduser()
    raise TypeError(
        "`weights` must be 'imagenet', None or the path of a local weights file. "
        f"Received: weights={weights!r} of type {type(weights).__name__}"
    )

