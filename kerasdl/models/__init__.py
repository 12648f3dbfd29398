"""Model factories for the course's architectures, and the model registry.

Every ``build_*`` factory returns an **uncompiled** ``keras.Model`` (compile
it with the loss you need), runs on the TensorFlow, JAX and PyTorch backends,
and keeps its output activation in float32 under a mixed-precision policy.
"""

from kerasdl.models.backbones import WeightsNotFoundError
from kerasdl.models.cifar_cnn import build_cifar_cnn
from kerasdl.models.dense import build_dense_classifier
from kerasdl.models.lenet import build_lenet
from kerasdl.models.predict import load_class_index, predict_image
from kerasdl.models.preprocessing import ImageNetPreprocessing
from kerasdl.models.registry import create_model, get_model_entry, list_models, register_model
from kerasdl.models.regressor import build_regressor
from kerasdl.models.sequence_tagger import build_sequence_tagger
from kerasdl.models.text_classifier import build_text_classifier
from kerasdl.models.text_generator import build_text_generator
from kerasdl.models.transfer import build_transfer_model, freeze_backbone, set_fine_tune

__all__ = [
    "ImageNetPreprocessing",
    "WeightsNotFoundError",
    "build_cifar_cnn",
    "build_dense_classifier",
    "build_lenet",
    "build_regressor",
    "build_sequence_tagger",
    "build_text_classifier",
    "build_text_generator",
    "build_transfer_model",
    "create_model",
    "freeze_backbone",
    "get_model_entry",
    "list_models",
    "load_class_index",
    "predict_image",
    "register_model",
    "set_fine_tune",
]
