"""A GAN that trains with ``fit`` on TensorFlow, JAX and PyTorch, in mixed precision."""

from __future__ import annotations

import warnings
from typing import Any

import keras
import numpy as np
from keras import ops

from kerasdl.gan import _backend
from kerasdl.utils.validation import check_positive_int, check_probability

#: The course's optimizer for both networks.
DEFAULT_LEARNING_RATE = 2e-4
DEFAULT_BETA_1 = 0.5
METRIC_NAMES = ("d_loss", "g_loss", "d_acc_real", "d_acc_fake")


def _default_optimizer() -> keras.optimizers.Optimizer:
    return keras.optimizers.Adam(DEFAULT_LEARNING_RATE, beta_1=DEFAULT_BETA_1)


def _final_activation(model: keras.Model) -> str | None:
    """The name of ``model``'s output activation (``"sigmoid"``, ``"linear"``...), or None."""
    layer = model.layers[-1] if getattr(model, "layers", None) else None
    if isinstance(layer, keras.Model):
        return _final_activation(layer)
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    return getattr(activation, "__name__", None)


def _output_shape(model: keras.Model, which: str) -> tuple[Any, ...]:
    try:
        (output,) = model.outputs
        return tuple(output.shape)
    except (AttributeError, TypeError, ValueError) as error:
        raise ValueError(
            f"The {which} must be a built model with one output and known shapes: create it with "
            "`keras.Input(...)` (functional, or Sequential starting with an Input). "
            f"Received: {which}={model!r}"
        ) from error


@keras.saving.register_keras_serializable(package="kerasdl")
class GAN(keras.Model):
    """A generative adversarial network trained with ``fit``, on any Keras backend.

    ``train_step`` follows the course's algorithm. (1) The discriminator sees
    a batch of real images (target 1) and a batch of generated images (target
    0), concatenated, and takes one optimizer step (``d_steps`` times). (2)
    The generator takes one step to make the discriminator, whose weights
    stay fixed, say 1 for fresh generated images. The step is written once in
    ``keras.ops``; only the gradient computation differs between TensorFlow,
    JAX and PyTorch. Random latent vectors come from a ``SeedGenerator`` owned
    by the model.

    ``fit`` logs ``d_loss`` and ``g_loss`` (binary cross-entropy; ``d_loss``
    is the mean over the real and fake halves) and ``d_acc_real`` /
    ``d_acc_fake`` (the fraction of real images the discriminator calls real
    and of fake images it calls fake). Feed ``fit`` real images scaled like
    the generator's output (``[-1, 1]`` for a ``tanh`` generator); labels, if
    given, are ignored. ``gan.optimizer`` is a read-only view of both
    optimizers (use ``gan.d_optimizer`` and ``gan.g_optimizer``).

    Args:
        generator: A built model mapping ``(batch, latent_dim)`` noise to images.
        discriminator: A built model mapping images to ``(batch, 1)`` scores
            (probabilities after a sigmoid, or logits).
        latent_dim: Size of the noise vector; must match the generator's input.
            Defaults to ``100``.
        label_smoothing: One-sided label smoothing: real targets become
            ``1 - label_smoothing``. Defaults to ``0.0``.
        label_noise: Amplitude of uniform noise moving every discriminator
            target towards the other class (real ``1 - u``, fake ``u``,
            ``u ~ U[0, label_noise)``). Defaults to ``0.0``.
        d_steps: Discriminator steps per generator step. Defaults to ``1``.
        seed: Seed of the model's latent-vector and label-noise generator.
            Defaults to ``None`` (random).
        **kwargs: ``name``, ``trainable``, ``dtype`` as for ``keras.Model``.

    Raises:
        ValueError: If ``latent_dim`` does not match the generator's input,
            the generator's output does not fit the discriminator's input, or
            the discriminator's output is not ``(None, 1)``.

    Example:

    >>> import numpy as np
    >>> from kerasdl.gan import GAN
    >>> g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    >>> gan = GAN(g, d, latent_dim=2, seed=0)
    >>> gan.compile()  # the course's Adam(2e-4, beta_1=0.5) for both networks
    >>> history = gan.fit(np.random.randn(64, 2), batch_size=32, epochs=1, verbose=0)
    >>> sorted(history.history)
    ['d_acc_fake', 'd_acc_real', 'd_loss', 'g_loss']
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int = 100,
        label_smoothing: float = 0.0,
        label_noise: float = 0.0,
        d_steps: int = 1,
        seed: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        for which, model in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(model, keras.Model):
                raise TypeError(
                    f"`{which}` must be a keras.Model. Received: {which}={model!r} of type "
                    f"{type(model).__name__}"
                )
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        self.label_smoothing = check_probability(label_smoothing, "label_smoothing")
        self.label_noise = check_probability(label_noise, "label_noise")
        self.d_steps = check_positive_int(d_steps, "d_steps")
        self.seed = seed
        self.generator = generator
        self.discriminator = discriminator
        self._check_models()
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._trackers = [keras.metrics.Mean(name=name) for name in METRIC_NAMES]
        self.d_optimizer: keras.optimizers.Optimizer | None = None
        self.g_optimizer: keras.optimizers.Optimizer | None = None
        self.loss_fn: Any = None
        self._from_logits = _final_activation(discriminator) != "sigmoid"
        self.built = True  # no call(): the sub-models are built; fit() must not try to build us

    # -- checks -----------------------------------------------------------------------------------
    def _generator_noise_shape(self) -> tuple[Any, ...]:
        return tuple(self.generator.inputs[0].shape)

    def _check_models(self) -> None:
        noise = self._generator_noise_shape() if getattr(self.generator, "inputs", None) else None
        if noise is None or noise[-1] != self.latent_dim:
            raise ValueError(
                "`latent_dim` must equal the size of the generator's noise input "
                f"({None if noise is None else noise[-1]}). Pass latent_dim="
                f"{None if noise is None else noise[-1]} or rebuild the generator. "
                f"Received: latent_dim={self.latent_dim}"
            )
        images = _output_shape(self.generator, "generator")
        if not getattr(self.discriminator, "inputs", None):
            _output_shape(self.discriminator, "discriminator")  # raises the explanation
        d_input = tuple(self.discriminator.inputs[0].shape)
        if tuple(images[1:]) != tuple(d_input[1:]):
            raise ValueError(
                f"The generator's output shape {images} must match the discriminator's input shape "
                f"{d_input}. Received: generator output {images}, discriminator input {d_input}"
            )
        d_out = _output_shape(self.discriminator, "discriminator")
        if tuple(d_out[1:]) != (1,):
            raise ValueError(
                "The discriminator must output one score per image, shape (None, 1): end it with "
                f"`Dense(1)` (logits) or `Dense(1, activation='sigmoid')`. Received: discriminator "
                f"output shape {d_out}"
            )

    # -- compile ----------------------------------------------------------------------------------
    def compile(
        self,
        d_optimizer: keras.optimizers.Optimizer | str | None = None,
        g_optimizer: keras.optimizers.Optimizer | str | None = None,
        loss_fn: Any = None,
        **kwargs: Any,
    ) -> None:
        """Configure the two optimizers and the loss.

        With no optimizer at all, both networks get the course's
        ``Adam(2e-4, beta_1=0.5)``. Under the ``mixed_float16`` policy both
        optimizers are wrapped in ``keras.optimizers.LossScaleOptimizer``
        (Keras's own ``compile`` only wraps ``model.optimizer``, which a GAN
        does not use); ``mixed_bfloat16`` needs no scaling.

        Args:
            d_optimizer: The discriminator's optimizer (instance or name).
                Defaults to ``None``.
            g_optimizer: The generator's optimizer. Defaults to ``None``.
            loss_fn: A Keras loss taking ``(targets, scores)``. Defaults to
                ``None``: ``BinaryCrossentropy`` with ``from_logits`` decided
                by the discriminator's final activation (sigmoid: probabilities;
                anything else, such as a linear ``Dense(1)``: logits).
            **kwargs: Passed to ``keras.Model.compile`` (``run_eagerly``,
                ``jit_compile``, ``steps_per_execution``).

        Raises:
            ValueError: If only one optimizer is given, or the same instance
                is given twice.
        """
        if (d_optimizer is None) != (g_optimizer is None):
            missing = "g_optimizer" if g_optimizer is None else "d_optimizer"
            raise ValueError(
                f"`{missing}` is missing: a GAN needs one optimizer per network. Pass both "
                "`d_optimizer` and `g_optimizer`, or neither for the course's Adam(2e-4, beta_1=0.5). "
                f"Received: {missing}=None"
            )
        if d_optimizer is None:
            d_optimizer, g_optimizer = _default_optimizer(), _default_optimizer()
        d_opt: Any = keras.optimizers.get(d_optimizer)
        g_opt: Any = keras.optimizers.get(g_optimizer)
        if d_opt is g_opt:
            raise ValueError(
                "`d_optimizer` and `g_optimizer` must be two different optimizer instances (each keeps "
                "the state of its own network). Received: the same object twice"
            )
        if self._uses_float16():
            d_opt, g_opt = (
                opt if isinstance(opt, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(opt, name=f"{prefix}_loss_scale_optimizer")
                for opt, prefix in ((d_opt, "d"), (g_opt, "g"))
            )
        if loss_fn is None:
            loss_fn = keras.losses.BinaryCrossentropy(from_logits=self._from_logits)
        elif hasattr(loss_fn, "from_logits"):
            self._from_logits = bool(loss_fn.from_logits)
        super().compile(optimizer=None, loss=None, **kwargs)
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_opt, g_opt, loss_fn
        d_opt.build(self.discriminator.trainable_variables)
        g_opt.build(self.generator.trainable_variables)
        self.optimizer = _backend.OptimizerPair(d_opt, g_opt)

    def _uses_float16(self) -> bool:
        return any(
            m.dtype_policy.name == "mixed_float16" for m in (self, self.generator, self.discriminator)
        )

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return list(self._trackers)

    # -- the algorithm (written once) -------------------------------------------------------------
    def _unpack(self, data: Any) -> tuple[Any, Any]:
        """``(real_images, condition)``; the plain GAN has no condition."""
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return x, None

    def _noise(self, batch_size: Any) -> Any:
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _generate(self, z: Any, condition: Any, training: bool) -> Any:
        return self.generator(z, training=training)

    def _discriminate(self, images: Any, condition: Any, training: bool) -> Any:
        return ops.cast(self.discriminator(images, training=training), "float32")

    def _targets(self, value: float, batch_size: Any) -> Any:
        targets = ops.full((batch_size, 1), value, dtype="float32")
        if value == 1.0 and self.label_smoothing:
            targets = targets - self.label_smoothing
        if self.label_noise:
            noise = keras.random.uniform((batch_size, 1), seed=self.seed_generator) * self.label_noise
            targets = targets - noise if value == 1.0 else targets + noise
        return targets

    def _is_real(self, scores: Any) -> Any:
        return ops.cast(scores > (0.0 if self._from_logits else 0.5), "float32")

    def _state_variables(self) -> list[Any]:
        return [
            *self.trainable_variables,
            *self.non_trainable_variables,
            *self.optimizer.variables,
            *self.metrics_variables,
        ]

    def _minimize(self, loss_fn: Any, variables: list[Any], optimizer: Any) -> tuple[Any, Any]:
        loss, aux, grads = _backend.value_and_grad(loss_fn, variables, optimizer, self._state_variables)
        _backend.apply_gradients(optimizer, grads, variables)
        return loss, aux

    def _stateful_train_step(self, data: Any) -> dict[str, Any]:
        real, condition = self._unpack(data)
        real = ops.cast(real, "float32")  # uint8 or float64 arrays included; layers autocast
        batch_size = ops.shape(real)[0]
        d_loss_t, g_loss_t, acc_real_t, acc_fake_t = self._trackers
        for _ in range(self.d_steps):
            fake = self._generate(self._noise(batch_size), condition, training=True)
            fake = ops.stop_gradient(ops.cast(fake, "float32"))
            both = ops.concatenate([real, fake], axis=0)
            both_condition = None if condition is None else ops.concatenate([condition, condition], axis=0)
            targets = ops.concatenate([self._targets(1.0, batch_size), self._targets(0.0, batch_size)], 0)

            def d_loss_fn(both=both, both_condition=both_condition, targets=targets):
                scores = self._discriminate(both, both_condition, training=True)
                return self.loss_fn(targets, scores), scores

            d_loss, scores = self._minimize(
                d_loss_fn, self.discriminator.trainable_variables, self.d_optimizer
            )
            is_real = self._is_real(scores)
            d_loss_t.update_state(d_loss)
            acc_real_t.update_state(ops.mean(is_real[:batch_size]))
            acc_fake_t.update_state(1.0 - ops.mean(is_real[batch_size:]))

        z = self._noise(batch_size)

        def g_loss_fn():
            fake = self._generate(z, condition, training=True)
            scores = self._discriminate(fake, condition, training=True)
            return self.loss_fn(ops.ones_like(scores), scores), scores

        g_loss, _ = self._minimize(g_loss_fn, self.generator.trainable_variables, self.g_optimizer)
        g_loss_t.update_state(g_loss)
        return {m.name: m.result() for m in self._trackers}

    def train_step(self, *args: Any) -> Any:
        """One GAN step; ``train_step(data)``, or ``train_step(state, data)`` on JAX."""
        if self.d_optimizer is None:
            raise ValueError("Call `gan.compile()` before training. Received: no optimizers")
        if keras.backend.backend() == "jax":
            state, data = args
            return _backend.run_stateless(self, self._stateful_train_step, state, data)
        (data,) = args
        return self._stateful_train_step(data)

    def test_step(self, *args: Any) -> Any:
        raise NotImplementedError(
            "A GAN has no single loss to evaluate: score it with kerasdl.gan.metrics "
            "(frechet_distance, classifier_score) on `gan.sample(n)`."
        )

    # -- sampling ---------------------------------------------------------------------------------
    def generate(self, z: Any, condition: Any = None) -> np.ndarray:
        """Run the generator on latent vectors ``z`` and return its raw output as NumPy."""
        return ops.convert_to_numpy(self._generate(ops.convert_to_tensor(z), condition, training=False))

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """Generate ``n`` images scaled to ``[0, 1]``.

        A generator ending in ``tanh`` has its output ``x`` mapped to
        ``(x + 1) / 2``; any other output is clipped to ``[0, 1]``.

        Args:
            n: Number of images.
            seed: Seed of the latent vectors; the same seed gives the same
                images from the same weights. Defaults to ``None`` (random).

        Returns:
            A float32 NumPy array of shape ``(n, *image_shape)`` in ``[0, 1]``.

        Example:

        >>> from kerasdl.gan import build_gan
        >>> build_gan(latent_dim=8, image_shape=(8, 8, 1)).sample(4, seed=0).shape
        (4, 8, 8, 1)
        """
        n = check_positive_int(n, "n")
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype("float32")
        return self._to_unit(self.generate(z))

    def _to_unit(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images, dtype="float32")
        if _final_activation(self.generator) == "tanh":
            images = (images + 1.0) / 2.0
        return np.clip(images, 0.0, 1.0)

    # -- serialization ----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "label_smoothing": self.label_smoothing,
            "label_noise": self.label_noise,
            "d_steps": self.d_steps,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GAN:
        """Rebuild a GAN from :meth:`get_config` (both networks deserialized)."""
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def get_compile_config(self) -> dict[str, Any]:
        if self.d_optimizer is None:
            return {}
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "loss_fn": keras.saving.serialize_keras_object(self.loss_fn),
        }

    def compile_from_config(self, config: dict[str, Any]) -> None:
        if not config:
            return
        try:
            self.compile(**{k: keras.saving.deserialize_keras_object(v) for k, v in config.items()})
        except (TypeError, ValueError) as error:  # pragma: no cover - a foreign optimizer
            warnings.warn(
                f"Could not restore the GAN's compile state ({error}); call compile().", stacklevel=2
            )
