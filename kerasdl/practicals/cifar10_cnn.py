"""The deeper CNN on CIFAR-10: the course's second CNN practical.

Real CIFAR-10 when ``--data-dir`` (or ``$KERASDL_DATA_DIR``, or the Keras
cache) holds it; otherwise synthetic colour shapes rendered by kerasdl,
clearly labelled as such.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs

#: The default recipe.
EPOCHS = 30
BATCH_SIZE = 64
LEARNING_RATE = 1e-3

Split = tuple[np.ndarray, np.ndarray]


def load_colour_images(config: RunConfig) -> tuple[Split, Split, str]:
    """Real CIFAR-10 if it can be found locally, else synthetic colour shapes.

    Returns:
        ``(x_train, y_train), (x_test, y_test), source`` with ``source``
        ``"cifar10"`` or ``"synthetic-shapes"``; uint8 images, 32x32x3.
    """
    from kerasdl.datasets import DatasetNotFoundError, load_cifar10, make_shape_images

    source = "synthetic-shapes"
    try:
        (x_train, y_train), (x_test, y_test) = load_cifar10(config.data_dir, download=False)
        source = "cifar10"
    except DatasetNotFoundError:
        if config.data_dir is not None:
            raise
    if source != "cifar10":
        n_train, n_test = (600, 200) if config.quick else (12000, 2000)
        x_train, y_train = make_shape_images(n_train, (32, 32), num_classes=6, seed=config.seed)
        x_test, y_test = make_shape_images(n_test, (32, 32), num_classes=6, seed=config.seed + 1)
    if config.quick:
        x_train, y_train, x_test, y_test = x_train[:600], y_train[:600], x_test[:200], y_test[:200]
    return (x_train, y_train), (x_test, y_test), source


def run(config: RunConfig) -> dict[str, Any]:
    import keras

    from kerasdl.models import build_cifar_cnn

    keras.utils.set_random_seed(config.seed)
    (x_train, y_train), (x_test, y_test), source = load_colour_images(config)
    if source != "cifar10":
        print(
            "No CIFAR-10 files found (pass --data-dir with cifar-10-python.tar.gz or set "
            "KERASDL_DATA_DIR): training on SYNTHETIC colour shapes rendered by kerasdl (6 classes). "
            "Accuracy on them is not a CIFAR-10 result."
        )
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    epochs = config.epochs or (1 if config.quick else EPOCHS)
    batch_size = config.batch_size or BATCH_SIZE
    with dtype_policy(config.mixed_precision):
        # --quick: a narrower network, so that the run takes seconds on a CPU.
        model = build_cifar_cnn(
            num_classes=num_classes, base_filters=8 if config.quick else 32, rescale=1 / 255
        )
        steps = int(np.ceil(len(x_train) / batch_size))
        schedule = keras.optimizers.schedules.CosineDecay(
            LEARNING_RATE, decay_steps=max(1, epochs * steps), alpha=0.05
        )
        model.compile(
            optimizer=keras.optimizers.Adam(schedule),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        start = time.perf_counter()
        history = model.fit(
            x_train,
            y_train,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=(x_test, y_test),
            verbose=config.verbose,
        )
        train_seconds = time.perf_counter() - start
        test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
        metrics = {
            "practical": "cifar10-cnn",
            "data": source,
            "synthetic": source != "cifar10",
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "num_classes": num_classes,
            "epochs": epochs,
            "batch_size": batch_size,
            "params": model.count_params(),
            "train_samples": len(x_train),
            "test_samples": len(x_test),
            "train_seconds": round(train_seconds, 2),
            "test_loss": float(test_loss),
            "test_accuracy": float(test_accuracy),
        }
        paths = save_run_outputs(config, model, history, metrics, title=f"CIFAR CNN on {source}")
    print(f"test accuracy ({source}): {test_accuracy:.4f}; outputs in {paths['model'].parent}")
    return metrics


PRACTICAL = Practical(
    name="cifar10-cnn",
    description="Deeper CNN (Conv-BN-ReLU blocks) on CIFAR-10 (--data-dir; synthetic shapes otherwise)",
    run=run,
)
