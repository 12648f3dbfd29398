"""What the two GAN practicals share: data, training, sample grids and scores."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from kerasdl.practicals._base import RunConfig, dtype_policy, write_metrics
from kerasdl.utils.io import atomic_write

QUICK_TRAIN_IMAGES = 256
QUICK_CLASSIFIER_IMAGES = 1000
SCORE_SAMPLES = 1000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--score-samples", type=int, default=SCORE_SAMPLES,
        help=f"generated images scored with the LeNet classifier ({SCORE_SAMPLES})",
    )
    parser.add_argument(
        "--label-smoothing", type=float, default=0.0, help="one-sided label smoothing of real targets (0)"
    )


def run_gan_practical(
    config: RunConfig,
    *,
    name: str,
    build: Callable[..., Any],
    epochs: int,
    batch_size: int,
) -> dict[str, Any]:
    """Train ``build()``'s GAN on MNIST (or synthetic digits), write grids, models and scores."""
    import keras

    from kerasdl.callbacks.history_plot import plot_history
    from kerasdl.gan import GANMonitor, save_image_grid, score_generator, train_classifier
    from kerasdl.practicals.lenet_mnist import load_digits

    keras.utils.set_random_seed(config.seed)
    (x_train, y_train), (x_test, y_test), source = load_digits(config)
    if source == "synthetic-digits":
        print(
            "No MNIST files found (pass --data-dir or set KERASDL_DATA_DIR): training on "
            "SYNTHETIC digits rendered by kerasdl. Scores on them are not MNIST results."
        )
    classifier_images, classifier_labels = x_train.astype("float32") / 255.0, y_train
    if config.quick:
        x_train = x_train[:QUICK_TRAIN_IMAGES]
        classifier_images = classifier_images[:QUICK_CLASSIFIER_IMAGES]
        classifier_labels = classifier_labels[:QUICK_CLASSIFIER_IMAGES]
    unit_train = x_train.astype("float32") / 255.0
    unit_test = x_test.astype("float32") / 255.0
    epochs = config.epochs or (1 if config.quick else epochs)
    batch_size = config.batch_size or (64 if config.quick else batch_size)
    score_samples = min(int(config.options.get("score_samples") or SCORE_SAMPLES), len(unit_test))
    if config.quick:
        score_samples = min(score_samples, 200)
    out = config.out_dir
    with dtype_policy(config.mixed_precision):
        gan = build(seed=config.seed, label_smoothing=float(config.options.get("label_smoothing") or 0.0))
        gan.compile()
        monitor = GANMonitor(out / "samples" / "epoch_{epoch:03d}.png", every=max(1, epochs // 10))
        start = time.perf_counter()
        history = gan.fit(
            unit_train * 2.0 - 1.0, batch_size=batch_size, epochs=epochs, verbose=config.verbose,
            callbacks=[monitor],
        )
        train_seconds = time.perf_counter() - start
        with atomic_write(out / "gan.keras") as tmp:
            gan.save(tmp)
        with atomic_write(out / "generator.keras") as tmp:
            gan.generator.save(tmp)
        save_image_grid(gan.sample(64, seed=config.seed), out / "samples.png", title=f"{name} on {source}")
        plot_history(history, path=out / "history.png", title=f"{name} on {source}")
        classifier = train_classifier(
            classifier_images, classifier_labels, epochs=2 if config.quick else 3, seed=config.seed
        )
        _, classifier_accuracy = classifier.evaluate(unit_test, y_test, batch_size=512, verbose=0)
        scores = score_generator(gan, classifier, unit_test, num_samples=score_samples, seed=config.seed)
        final = {key: float(values[-1]) for key, values in history.history.items()}
        metrics = {
            "practical": name,
            "data": source,
            "synthetic": source != "mnist",
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "epochs": epochs,
            "batch_size": batch_size,
            "train_samples": len(unit_train),
            "train_seconds": round(train_seconds, 2),
            **final,
            **scores,
            "score_samples": score_samples,
            "classifier_test_accuracy": float(classifier_accuracy),
        }
        write_metrics(out, metrics)
    print(
        f"{name} ({source}): Frechet distance {scores['frechet_distance']:.2f}, classifier score "
        f"{scores['classifier_score']:.2f} (real images: {scores['real_classifier_score']:.2f}); "
        f"outputs in {out}"
    )
    return metrics
