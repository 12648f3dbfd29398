"""Backend helpers that never import TensorFlow unless it is needed."""

from __future__ import annotations

import importlib
from types import ModuleType

import keras


def backend_name() -> str:
    """Return the active Keras backend: ``"tensorflow"``, ``"jax"`` or ``"torch"``."""
    return keras.backend.backend()


def require_tensorflow(feature: str) -> ModuleType:
    """Import and return TensorFlow, or explain which feature needs it.

    Only the tf.data parts of kerasdl need TensorFlow; they call this at use
    time so that ``import kerasdl`` stays TensorFlow-free on JAX and PyTorch.

    Args:
        feature: What the caller is doing, for the error message.

    Raises:
        ImportError: If TensorFlow is not installed.
    """
    try:
        return importlib.import_module("tensorflow")
    except ImportError as error:  # pragma: no cover - TensorFlow is a dependency
        raise ImportError(
            f"{feature} needs TensorFlow (tf.data), which is not installed. "
            "Install it with `pip install tensorflow`, or use the backend-agnostic "
            "alternative documented for this function."
        ) from error
