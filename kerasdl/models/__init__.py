"""Model factories for the course's architectures, and the model registry.

Every ``build_*`` factory returns an **uncompiled** ``keras.Model`` (compile
it with the loss you need), runs on the TensorFlow, JAX and PyTorch backends,
and keeps its output activation in float32 under a mixed-precision policy.
"""

from kerasdl.models.dense import build_dense_classifier
from kerasdl.models.lenet import build_lenet
from kerasdl.models.registry import create_model, get_model_entry, list_models, register_model
from kerasdl.models.regressor import build_regressor
from kerasdl.models.text_classifier import build_text_classifier

__all__ = [
    "build_dense_classifier",
    "build_lenet",
    "build_regressor",
    "build_text_classifier",
    "create_model",
    "get_model_entry",
    "list_models",
    "register_model",
]
