"""A class-conditional GAN sharing :class:`~kerasdl.gan.GAN`'s training step."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from kerasdl.gan.model import GAN
from kerasdl.utils.validation import check_positive_int


@keras.saving.register_keras_serializable(package="kerasdl")
class ConditionalGAN(GAN):
    """A GAN whose generator and discriminator also receive the class label.

    The generator takes ``[noise, labels]`` and the discriminator
    ``[images, labels]`` (integer labels of shape ``(batch,)``). ``fit``
    takes ``(images, labels)`` with integer or one-hot labels; the
    discriminator sees the real images with their labels and fake images
    generated for the same labels. The training step is
    :class:`~kerasdl.gan.GAN`'s, unchanged.

    Args:
        generator: A built model ``[noise, labels] -> images``.
        discriminator: A built model ``[images, labels] -> (batch, 1)`` scores.
        num_classes: Number of classes.
        **kwargs: As for :class:`~kerasdl.gan.GAN` (``latent_dim``,
            ``label_smoothing``, ``label_noise``, ``d_steps``, ``seed``...).

    Raises:
        ValueError: If either network does not take two inputs.

    Example:

    >>> from kerasdl.gan import build_conditional_gan
    >>> gan = build_conditional_gan(3, latent_dim=4, image_shape=(4, 4, 1), units=(8,))
    >>> gan.compile()
    >>> x, y = np.random.uniform(-1, 1, (16, 4, 4, 1)), np.arange(16) % 3
    >>> gan.fit(x, y, batch_size=8, verbose=0).history["g_loss"][0] > 0
    True
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, num_classes: int, **kwargs: Any):
        self.num_classes = check_positive_int(num_classes, "num_classes")
        for which, model in (("generator", generator), ("discriminator", discriminator)):
            if len(getattr(model, "inputs", None) or []) != 2:
                raise ValueError(
                    f"A ConditionalGAN's {which} must take two inputs ([noise or images, labels]). "
                    f"Build it with `keras.Model([x, label], ...)`. Received: {which} with inputs "
                    f"{getattr(model, 'inputs', None)}"
                )
        super().__init__(generator, discriminator, **kwargs)

    def _unpack(self, data: Any) -> tuple[Any, Any]:
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError(
                "A ConditionalGAN trains on `fit(images, labels)`: the labels are missing. "
                "Received: y=None"
            )
        if len(y.shape) == 2 and y.shape[-1] == self.num_classes and self.num_classes > 1:
            y = ops.argmax(y, axis=-1)  # one-hot labels (keras.utils.to_categorical)
        return x, ops.reshape(ops.cast(y, "int32"), (-1,))

    def _generate(self, z: Any, condition: Any, training: bool) -> Any:
        return self.generator([z, condition], training=training)

    def _discriminate(self, images: Any, condition: Any, training: bool) -> Any:
        return ops.cast(self.discriminator([images, condition], training=training), "float32")

    def sample(self, n: int, seed: int | None = None, labels: Any = None) -> np.ndarray:
        """Generate ``n`` images of the given classes, scaled to ``[0, 1]``.

        Args:
            n: Number of images.
            seed: Seed of the latent vectors. Defaults to ``None`` (random).
            labels: ``n`` integer class labels. Defaults to ``None``
                (``0, 1, ..., num_classes - 1, 0, 1, ...``).

        Returns:
            A float32 NumPy array of shape ``(n, *image_shape)`` in ``[0, 1]``.

        Raises:
            ValueError: If ``labels`` has the wrong length or an unknown class.
        """
        n = check_positive_int(n, "n")
        labels = np.arange(n) % self.num_classes if labels is None else np.asarray(labels).reshape(-1)
        if labels.shape != (n,) or labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(
                f"`labels` must hold {n} class ids in [0, {self.num_classes}). Received: labels={labels!r}"
            )
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype("float32")
        return self._to_unit(self.generate(z, ops.convert_to_tensor(labels.astype("int32"))))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_classes": self.num_classes}
