"""kerasdl: the tf.keras 2.x course toolbox, rebuilt for Keras 3.

Model factories, data pipelines, text preparation, callbacks, safe
serialization and a portable GAN that run on the TensorFlow, JAX and PyTorch
backends of Keras 3.

Subpackages are imported lazily: ``import kerasdl`` is cheap and never imports
TensorFlow when another Keras backend is selected. The headline names below
are resolved on first access.

Example:

>>> import kerasdl
>>> model = kerasdl.build_lenet()
>>> model.output_shape
(None, 10)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kerasdl.version import __version__

# Headline name -> the module that defines it (one official import path each).
_LAZY_NAMES: dict[str, str] = {
    "create_model": "kerasdl.models",
    "list_models": "kerasdl.models",
    "build_dense_classifier": "kerasdl.models",
    "build_lenet": "kerasdl.models",
    "build_cifar_cnn": "kerasdl.models",
    "build_transfer_model": "kerasdl.models",
    "build_text_classifier": "kerasdl.models",
    "build_sequence_tagger": "kerasdl.models",
    "build_text_generator": "kerasdl.models",
    "build_regressor": "kerasdl.models",
    "ImageDataGenerator": "kerasdl.data",
    "build_gan": "kerasdl.gan",
    "GAN": "kerasdl.gan",
    "Tokenizer": "kerasdl.text",
}

_SUBPACKAGES = (
    "callbacks",
    "data",
    "datasets",
    "distribute",
    "gan",
    "mixed_precision",
    "models",
    "practicals",
    "serialization",
    "text",
    "utils",
)

__all__ = ["__version__", *sorted(_LAZY_NAMES)]


def __getattr__(name: str) -> Any:
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        module = importlib.import_module(f"kerasdl.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kerasdl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_NAMES) | set(_SUBPACKAGES))


if TYPE_CHECKING:  # pragma: no cover - for static type checkers only
    from kerasdl.data import ImageDataGenerator  # noqa: F401
    from kerasdl.gan import GAN, build_gan  # noqa: F401
    from kerasdl.models import (  # noqa: F401
        build_cifar_cnn,
        build_dense_classifier,
        build_lenet,
        build_regressor,
        build_sequence_tagger,
        build_text_classifier,
        build_text_generator,
        build_transfer_model,
        create_model,
        list_models,
    )
    from kerasdl.text import Tokenizer  # noqa: F401
