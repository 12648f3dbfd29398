"""GAN train-step throughput: kerasdl's portable GAN against the Keras example's TF-only GAN.

The anchor is the GAN of the keras.io example "DCGAN overriding
``Model.train_step``", written by hand: a ``keras.Model`` subclass with two
``tf.GradientTape`` blocks (discriminator on the concatenated real and fake
batch with 0.05 label noise, then the generator against the frozen
discriminator), two optimizers, ``d_loss`` and ``g_loss`` trackers. It is
changed in two ways only, so that both sides do the same work: the networks
are called with ``training=True`` (the example's calls leave ``Dropout`` off
under Keras 3) and real images are labelled 1 (the course's convention; the
example labels fakes 1). kerasdl's GAN is built on the same generator and
discriminator architecture with ``label_noise=0.05``; it also computes the
two accuracy metrics (``d_acc_real``, ``d_acc_fake``), which the anchor does not.

Both models are trained in one process, epoch by epoch and interleaved (the
order alternates), each epoch ``--steps`` steps of ``--batch-size`` images;
the first epoch of each is a warm-up (tracing / compilation). Reported: the
median steps/second over ``--repeats`` epochs and the ratio anchor / kerasdl
of the median step times (target <= 1.05 on TensorFlow), in wall time and
in process CPU time (all threads), which other jobs on a shared machine
disturb less.

Under ``KERAS_BACKEND=jax`` (or ``torch``) the anchor cannot run (it needs
``tf.GradientTape``); only kerasdl's numbers are printed, for each
``--policies`` entry (e.g. ``float32,mixed_bfloat16``, the GPU comparison of
issue #6: target bfloat16 >= 1.4x float32 steps/second).

Usage::

    nice python benchmarks/gan.py                                 # TF: dense GAN, anchor vs kerasdl
    nice python benchmarks/gan.py --model dcgan --steps 20
    KERAS_BACKEND=jax python benchmarks/gan.py --policies float32,mixed_bfloat16
    bash benchmarks/gan_gpu.sh                                    # the GPU measurements (device only)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from typing import Any

import numpy as np


def keras_example_gan(generator: Any, discriminator: Any, latent_dim: int) -> Any:
    """The keras.io "GAN overriding Model.train_step" model, TensorFlow only."""
    import keras
    import tensorflow as tf

    class ExampleGAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.seed_generator = keras.random.SeedGenerator(1337)

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")
            self.g_loss_metric = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_loss_metric, self.g_loss_metric]

        def train_step(self, real_images):
            batch_size = tf.shape(real_images)[0]
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            generated = self.generator(z, training=True)
            combined = tf.concat([real_images, tf.cast(generated, real_images.dtype)], axis=0)
            labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
            noise = 0.05 * keras.random.uniform(tf.shape(labels), seed=self.seed_generator)
            labels = labels + tf.concat([-noise[:batch_size], noise[batch_size:]], axis=0)
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined, training=True)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            misleading_labels = tf.ones((batch_size, 1))
            with tf.GradientTape() as tape:
                predictions = self.discriminator(self.generator(z, training=True), training=True)
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}

    return ExampleGAN(discriminator, generator, latent_dim)


def _build(model: str, image_shape: tuple[int, ...]) -> Any:
    from kerasdl.gan import build_dcgan, build_gan

    if model == "dcgan":
        return build_dcgan(image_shape=image_shape, seed=0, label_noise=0.05)
    return build_gan(image_shape=image_shape, seed=0, label_noise=0.05)


def _optimizers() -> tuple[Any, Any]:
    import keras

    return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)


def _time_epoch(gan: Any, images: np.ndarray, batch_size: int) -> tuple[float, float]:
    """Wall seconds and process CPU seconds (all threads) of one epoch."""
    start, cpu = time.perf_counter(), time.process_time()
    gan.fit(images, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("gan", "dcgan"), default="gan")
    parser.add_argument("--image-shape", default="28,28,1")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=40, help="steps per timed epoch")
    parser.add_argument("--repeats", type=int, default=5, help="timed epochs per model")
    parser.add_argument("--policies", default="float32", help="comma-separated dtype policies")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    import keras

    backend = keras.backend.backend()
    image_shape = tuple(int(d) for d in args.image_shape.split(","))
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (args.steps * args.batch_size, *image_shape)).astype("float32")
    results: dict[str, Any] = {
        "backend": backend, "model": args.model, "batch_size": args.batch_size, "steps": args.steps,
        "repeats": args.repeats, "keras": keras.__version__, "python": platform.python_version(),
        "runs": {},
    }
    for policy in args.policies.split(","):
        keras.config.set_dtype_policy(policy)
        keras.utils.set_random_seed(0)
        candidates: dict[str, Any] = {}
        gan = _build(args.model, image_shape)
        gan.compile(*_optimizers())
        candidates["kerasdl"] = gan
        if backend == "tensorflow" and policy == "float32":
            twin = _build(args.model, image_shape)
            anchor = keras_example_gan(twin.generator, twin.discriminator, twin.latent_dim)
            anchor.compile(*_optimizers(), keras.losses.BinaryCrossentropy())
            candidates["keras-example"] = anchor
        times: dict[str, list[float]] = {name: [] for name in candidates}
        cpu_times: dict[str, list[float]] = {name: [] for name in candidates}
        for model in candidates.values():  # warm-up: tracing / compilation
            _time_epoch(model, images, args.batch_size)
        order = list(candidates)
        for repeat in range(args.repeats):
            for name in order if repeat % 2 == 0 else order[::-1]:
                wall, cpu = _time_epoch(candidates[name], images, args.batch_size)
                times[name].append(wall)
                cpu_times[name].append(cpu)
        for name, values in times.items():
            step = statistics.median(values) / args.steps
            cpu_step = statistics.median(cpu_times[name]) / args.steps
            results["runs"][f"{name}/{policy}"] = {
                "steps_per_second": 1.0 / step, "step_ms": 1000 * step, "cpu_ms_per_step": 1000 * cpu_step,
            }
            print(
                f"{backend:10s} {policy:15s} {name:14s} {1.0 / step:8.2f} steps/s  ({1000 * step:.1f} ms/step, "
                f"{1000 * cpu_step:.1f} CPU ms/step)"
            )
        if "keras-example" in times:
            ratio = statistics.median(times["kerasdl"]) / statistics.median(times["keras-example"])
            cpu_ratio = statistics.median(cpu_times["kerasdl"]) / statistics.median(cpu_times["keras-example"])
            results["ratio_kerasdl_over_example"] = ratio
            results["cpu_ratio_kerasdl_over_example"] = cpu_ratio
            print(f"ratio kerasdl / keras-example step time: {ratio:.3f} wall, {cpu_ratio:.3f} CPU (target <= 1.05)")
        keras.config.set_dtype_policy("float32")
    runs = results["runs"]
    if "kerasdl/float32" in runs and "kerasdl/mixed_bfloat16" in runs:
        speedup = runs["kerasdl/mixed_bfloat16"]["steps_per_second"] / runs["kerasdl/float32"]["steps_per_second"]
        results["bfloat16_speedup"] = speedup
        print(f"mixed_bfloat16 / float32 steps/s: {speedup:.2f} (target >= 1.4 on GPU)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return results


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main(sys.argv[1:])
