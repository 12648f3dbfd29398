"""LeNet-5 on MNIST: the course's first CNN practical.

Real MNIST when ``--data-dir`` (or ``$KERASDL_DATA_DIR``, or the Keras cache)
holds it; otherwise synthetic digits rendered by kerasdl, clearly labelled.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs

#: The default recipe: enough to pass 99.0 % test accuracy on real MNIST.
EPOCHS = 12
BATCH_SIZE = 128
LEARNING_RATE = 2e-3


def lenet_recipe(
    model: Any, *, epochs: int, steps_per_epoch: int, learning_rate: float = LEARNING_RATE
) -> Any:
    """Compile ``model`` with kerasdl's LeNet recipe and return it.

    Adam with a cosine-decayed learning rate over the whole run and sparse
    categorical cross-entropy: the same model, just a schedule that lets the
    last epochs settle.
    """
    import keras

    schedule = keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=max(1, epochs * steps_per_epoch), alpha=0.05
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


Split = tuple[np.ndarray, np.ndarray]


def load_digits(config: RunConfig) -> tuple[Split, Split, str]:
    """Real MNIST if it can be found locally, else synthetic digits."""
    from kerasdl.datasets import DatasetNotFoundError, load_mnist, make_digits

    try:
        (x_train, y_train), (x_test, y_test) = load_mnist(config.data_dir, download=False)
        source = "mnist"
    except DatasetNotFoundError:
        if config.data_dir is not None:
            raise
        n_train, n_test = (2000, 500) if config.quick else (12000, 2000)
        x_train, y_train = make_digits(n_train, seed=config.seed)
        x_test, y_test = make_digits(n_test, seed=config.seed + 1)
        source = "synthetic-digits"
    if config.quick:
        x_train, y_train, x_test, y_test = x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]
    return (x_train[..., None], y_train), (x_test[..., None], y_test), source


def run(config: RunConfig) -> dict[str, Any]:
    import keras

    from kerasdl.models import build_lenet

    keras.utils.set_random_seed(config.seed)
    (x_train, y_train), (x_test, y_test), source = load_digits(config)
    if source == "synthetic-digits":
        print(
            "No MNIST files found (pass --data-dir or set KERASDL_DATA_DIR): training on "
            "SYNTHETIC digits rendered by kerasdl. Accuracy on them is not an MNIST result."
        )
    epochs = config.epochs or (1 if config.quick else EPOCHS)
    batch_size = config.batch_size or BATCH_SIZE
    with dtype_policy(config.mixed_precision):
        model = build_lenet(rescale=1 / 255)
        steps = int(np.ceil(len(x_train) / batch_size))
        lenet_recipe(model, epochs=epochs, steps_per_epoch=steps)
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
        test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=512, verbose=0)
        metrics = {
            "practical": "lenet-mnist",
            "data": source,
            "synthetic": source != "mnist",
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "epochs": epochs,
            "batch_size": batch_size,
            "train_samples": len(x_train),
            "test_samples": len(x_test),
            "train_seconds": round(train_seconds, 2),
            "test_loss": float(test_loss),
            "test_accuracy": float(test_accuracy),
        }
        paths = save_run_outputs(config, model, history, metrics, title=f"LeNet-5 on {source}")
    print(f"test accuracy ({source}): {test_accuracy:.4f}; outputs in {paths['model'].parent}")
    return metrics


PRACTICAL = Practical(
    name="lenet-mnist",
    description="LeNet-5 on MNIST (--data-dir with the IDX files; synthetic digits otherwise)",
    run=run,
)
