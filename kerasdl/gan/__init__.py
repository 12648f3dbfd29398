"""A portable GAN: one training algorithm for the TensorFlow, JAX and PyTorch backends.

:class:`GAN` is a ``keras.Model`` whose ``train_step`` follows the course's
algorithm (the discriminator learns real -> 1, fake -> 0; then the generator
learns to make the fixed discriminator say 1), trains with ``fit`` on every
Keras backend, loss-scales both optimizers under ``mixed_float16`` and saves
to ``.keras``. The builders give the course's dense GAN, a DCGAN and a
class-conditional GAN; :class:`GANMonitor` saves sample grids while training
and :mod:`kerasdl.gan.metrics` turns sample quality into numbers.
"""

from kerasdl.gan.builders import build_conditional_gan, build_dcgan, build_gan
from kerasdl.gan.conditional import ConditionalGAN
from kerasdl.gan.metrics import (
    classifier_score,
    feature_extractor,
    frechet_distance,
    score_generator,
    train_classifier,
)
from kerasdl.gan.model import GAN
from kerasdl.gan.monitor import GANMonitor, save_image_grid

__all__ = [
    "GAN",
    "ConditionalGAN",
    "GANMonitor",
    "build_conditional_gan",
    "build_dcgan",
    "build_gan",
    "classifier_score",
    "feature_extractor",
    "frechet_distance",
    "save_image_grid",
    "score_generator",
    "train_classifier",
]
