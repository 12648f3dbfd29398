"""The course's GANs: the dense MNIST GAN, a DCGAN and a class-conditional GAN.

Every builder returns an **uncompiled** GAN (the kerasdl convention);
``gan.compile()`` with no argument gives both networks the course's
``Adam(2e-4, beta_1=0.5)``. The discriminators' outputs are float32 under
mixed-precision policies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import layers

from kerasdl.gan.conditional import ConditionalGAN
from kerasdl.gan.model import GAN
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_positive_int, check_shape

_COURSE_UNITS = (256, 512, 1024)


def _check_units(units: Sequence[int]) -> tuple[int, ...]:
    units = tuple(units)
    if not units:
        raise ValueError(
            f"`units` must list at least one layer size, such as (256, 512, 1024). Received: units={units!r}"
        )
    for u in units:
        check_positive_int(u, "units")
    return units


def _dense_generator(z, image_shape, units, name):
    x = z
    for i, width in enumerate(units):
        x = layers.Dense(width, name=f"dense_{i}")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name=f"leaky_relu_{i}")(x)
    x = layers.Dense(int(np.prod(image_shape)), name="pixels")(x)
    x = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return layers.Reshape(image_shape, dtype="float32", name="image")(x)


def _dense_discriminator(x, units, output_activation, dropout=0.3):
    for i, width in enumerate(reversed(units)):
        x = layers.Dense(width, name=f"dense_{i}")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name=f"leaky_relu_{i}")(x)
        x = layers.Dropout(dropout, name=f"dropout_{i}")(x)
    x = layers.Dense(1, name="score_logit")(x)
    return layers.Activation(output_activation, dtype="float32", name="score")(x)


@register_model("gan", task="gan")
def build_gan(
    latent_dim: int = 100,
    image_shape: Sequence[int] = (28, 28, 1),
    units: Sequence[int] = _COURSE_UNITS,
    seed: int | None = None,
    **kwargs: Any,
) -> GAN:
    """The course's dense GAN for MNIST: 100 -> 256 -> 512 -> 1024 -> 784 and back to 1.

    Generator: ``Dense`` layers of 256, 512 and 1024 units with
    ``LeakyReLU(0.2)``, then 784 ``tanh`` pixels reshaped to the image.
    Discriminator: flattened image, ``Dense`` 1024, 512, 256 with
    ``LeakyReLU(0.2)`` and ``Dropout(0.3)``, then one sigmoid unit (float32).
    Feed it images scaled to ``[-1, 1]``.

    Args:
        latent_dim: Size of the noise vector. Defaults to ``100``.
        image_shape: ``(height, width, channels)``. Defaults to ``(28, 28, 1)``.
        units: The generator's hidden sizes (the discriminator uses them
            reversed). Defaults to ``(256, 512, 1024)``, the course's.
        seed: Seed of the GAN's noise generator. Defaults to ``None``.
        **kwargs: Passed to the GAN: ``label_smoothing``, ``label_noise``,
            ``d_steps``.

    Returns:
        An uncompiled :class:`~kerasdl.gan.GAN`.

    Raises:
        ValueError: If an argument is not a positive size.

    Example:

    >>> from kerasdl.gan import build_gan
    >>> gan = build_gan()
    >>> gan.generator.count_params(), gan.discriminator.count_params()
    (1486352, 1460225)
    >>> gan.compile()
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_shape = check_shape(image_shape, "image_shape", rank=3, example="(28, 28, 1)")
    units = _check_units(units)
    z = keras.Input((latent_dim,), name="noise")
    generator = keras.Model(z, _dense_generator(z, image_shape, units, "generator"), name="generator")
    image = keras.Input(image_shape, name="image")
    x = layers.Flatten(name="flatten")(image)
    discriminator = keras.Model(image, _dense_discriminator(x, units, "sigmoid"), name="discriminator")
    return GAN(generator, discriminator, latent_dim=latent_dim, seed=seed, name="gan", **kwargs)


@register_model("dcgan", task="gan")
def build_dcgan(
    latent_dim: int = 100,
    image_shape: Sequence[int] = (28, 28, 1),
    filters: int = 64,
    seed: int | None = None,
    **kwargs: Any,
) -> GAN:
    """A DCGAN (Radford et al., 2016) in the TensorFlow tutorial's layout.

    Generator: ``Dense`` to a ``(H/4, W/4, 4 * filters)`` map, then
    ``Conv2DTranspose`` 5x5 with ``BatchNormalization`` and ``LeakyReLU``
    (stride 1, 2, 2) to a ``tanh`` image. Discriminator: two stride-2 5x5
    ``Conv2D`` with ``LeakyReLU`` and ``Dropout(0.3)``, then one linear unit
    (a logit, float32). Works for 28x28x1 (MNIST) and 32x32x3 (CIFAR-10).

    Args:
        latent_dim: Size of the noise vector. Defaults to ``100``.
        image_shape: ``(height, width, channels)``, height and width
            divisible by 4. Defaults to ``(28, 28, 1)``.
        filters: Filters of the discriminator's first convolution and the
            generator's last hidden one. Defaults to ``64``.
        seed: Seed of the GAN's noise generator. Defaults to ``None``.
        **kwargs: Passed to the GAN: ``label_smoothing``, ``label_noise``,
            ``d_steps``.

    Returns:
        An uncompiled :class:`~kerasdl.gan.GAN`.

    Raises:
        ValueError: If the image size is not divisible by 4.

    Example:

    >>> from kerasdl.gan import build_dcgan
    >>> build_dcgan(image_shape=(32, 32, 3)).generator.output_shape
    (None, 32, 32, 3)
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_shape = check_shape(image_shape, "image_shape", rank=3, example="(28, 28, 1)")
    filters = check_positive_int(filters, "filters")
    height, width, channels = image_shape
    if height % 4 or width % 4:
        raise ValueError(
            "`image_shape` must have a height and width divisible by 4 (two stride-2 upsamplings), "
            f"such as (28, 28, 1) or (32, 32, 3). Received: image_shape={image_shape}"
        )
    z = keras.Input((latent_dim,), name="noise")
    x = layers.Dense((height // 4) * (width // 4) * filters * 4, use_bias=False, name="project")(z)
    x = layers.BatchNormalization(name="project_bn")(x)
    x = layers.LeakyReLU(negative_slope=0.2, name="project_act")(x)
    x = layers.Reshape((height // 4, width // 4, filters * 4), name="reshape")(x)
    for i, (n, stride) in enumerate(((filters * 2, 1), (filters, 2))):
        x = layers.Conv2DTranspose(
            n, 5, strides=stride, padding="same", use_bias=False, name=f"deconv_{i}"
        )(x)
        x = layers.BatchNormalization(name=f"deconv_{i}_bn")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name=f"deconv_{i}_act")(x)
    x = layers.Conv2DTranspose(channels, 5, strides=2, padding="same", name="to_image")(x)
    image_out = layers.Activation("tanh", dtype="float32", name="tanh")(x)
    generator = keras.Model(z, image_out, name="dcgan_generator")

    image = keras.Input(image_shape, name="image")
    x = image
    for i, n in enumerate((filters, filters * 2)):
        x = layers.Conv2D(n, 5, strides=2, padding="same", name=f"conv_{i}")(x)
        x = layers.LeakyReLU(negative_slope=0.2, name=f"conv_{i}_act")(x)
        x = layers.Dropout(0.3, name=f"conv_{i}_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    logit = layers.Dense(1, dtype="float32", name="score")(x)
    discriminator = keras.Model(image, logit, name="dcgan_discriminator")
    return GAN(generator, discriminator, latent_dim=latent_dim, seed=seed, name="dcgan", **kwargs)


@register_model("conditional_gan", task="gan")
def build_conditional_gan(
    num_classes: int,
    latent_dim: int = 100,
    image_shape: Sequence[int] = (28, 28, 1),
    units: Sequence[int] = _COURSE_UNITS,
    seed: int | None = None,
    **kwargs: Any,
) -> ConditionalGAN:
    """A class-conditional GAN (Mirza and Osindero, 2014) on the course's dense layout.

    Both networks receive the class label through an ``Embedding``: the
    generator concatenates it with the noise, the discriminator with the
    flattened image. Train with ``fit(images, labels)`` (integer labels);
    generate with ``gan.sample(n, labels=...)``.

    Args:
        num_classes: Number of classes.
        latent_dim: Size of the noise vector. Defaults to ``100``.
        image_shape: ``(height, width, channels)``. Defaults to ``(28, 28, 1)``.
        units: The generator's hidden sizes (the discriminator uses them
            reversed). Defaults to ``(256, 512, 1024)``.
        seed: Seed of the GAN's noise generator. Defaults to ``None``.
        **kwargs: Passed to the GAN: ``label_smoothing``, ``label_noise``,
            ``d_steps``.

    Returns:
        An uncompiled :class:`~kerasdl.gan.ConditionalGAN`.

    Raises:
        ValueError: If an argument is not a positive size.

    Example:

    >>> from kerasdl.gan import build_conditional_gan
    >>> gan = build_conditional_gan(10, latent_dim=8, image_shape=(8, 8, 1), units=(16,))
    >>> gan.sample(3, labels=[0, 1, 2], seed=0).shape
    (3, 8, 8, 1)
    """
    num_classes = check_positive_int(num_classes, "num_classes")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    image_shape = check_shape(image_shape, "image_shape", rank=3, example="(28, 28, 1)")
    units = _check_units(units)
    embed_dim = min(50, 4 * num_classes)
    z = keras.Input((latent_dim,), name="noise")
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, embed_dim, name="label_embedding")(label)
    x = layers.Concatenate(name="noise_and_label")([z, embedded])
    generator = keras.Model(
        [z, label], _dense_generator(x, image_shape, units, "generator"), name="cgan_generator"
    )

    image = keras.Input(image_shape, name="image")
    d_label = keras.Input((), dtype="int32", name="label")
    d_embedded = layers.Embedding(num_classes, embed_dim, name="label_embedding")(d_label)
    x = layers.Concatenate(name="image_and_label")([layers.Flatten(name="flatten")(image), d_embedded])
    discriminator = keras.Model(
        [image, d_label], _dense_discriminator(x, units, "linear"), name="cgan_discriminator"
    )
    return ConditionalGAN(
        generator, discriminator, num_classes=num_classes, latent_dim=latent_dim, seed=seed,
        name="conditional_gan", **kwargs,
    )
