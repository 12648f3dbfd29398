"""Auto MPG regression: Normalization + Dense, early stopping, test MAE.

The TensorFlow "Basic regression" tutorial as a practical: the UCI Auto MPG
table (``--data-dir`` with ``auto-mpg.data``, or ``$KERASDL_DATA_DIR``, or
the Keras cache) with the NaN rows dropped, the origin one-hot encoded and
the tutorial's 80/20 split; otherwise a synthetic Auto-MPG-like table made by
kerasdl, clearly labelled. The model is :func:`kerasdl.models.build_regressor`
trained on mean absolute error with ``keras.callbacks.EarlyStopping``
(``restore_best_weights=True``) on a 20 % validation split.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs

#: The default recipe (the tutorial's DNN: Adam 1e-3, MAE, up to 100 epochs).
EPOCHS = 100
BATCH_SIZE = 32
LEARNING_RATE = 1e-3
PATIENCE = 10
HIDDEN_UNITS = (64, 64)


def load_tables(config: RunConfig) -> tuple[Any, Any, str]:
    """The tutorial's train/test frames: real UCI data if found locally, else synthetic."""
    from kerasdl.datasets import DatasetNotFoundError, load_auto_mpg, make_auto_mpg_like

    options: dict[str, Any] = {"dropna": True, "one_hot_origin": True, "split": 0.8}
    try:
        train, test = load_auto_mpg(config.data_dir, download=False, seed=config.seed, **options)
        source = "auto-mpg"
    except DatasetNotFoundError:
        if config.data_dir is not None:
            raise
        train, test = make_auto_mpg_like(398, seed=config.seed, **options)
        source = "synthetic-auto-mpg"
    return train.drop(columns=["Car Name"]), test.drop(columns=["Car Name"]), source


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--learning-rate", type=float, default=LEARNING_RATE, help=f"Adam learning rate ({LEARNING_RATE})"
    )
    parser.add_argument(
        "--patience", type=int, default=PATIENCE, help=f"early-stopping patience in epochs ({PATIENCE})"
    )


def run(config: RunConfig) -> dict[str, Any]:
    import keras

    from kerasdl.models import build_regressor

    keras.utils.set_random_seed(config.seed)
    train, test, source = load_tables(config)
    if source != "auto-mpg":
        print(
            "No auto-mpg.data found (pass --data-dir or set KERASDL_DATA_DIR): training on a "
            "SYNTHETIC Auto-MPG-like table made by kerasdl. Its MAE is not an Auto MPG result."
        )
    y_train, y_test = train.pop("MPG"), test.pop("MPG")
    epochs = config.epochs or (5 if config.quick else EPOCHS)
    batch_size = config.batch_size or BATCH_SIZE
    learning_rate = float(config.options.get("learning_rate", LEARNING_RATE))
    patience = int(config.options.get("patience", PATIENCE))
    if patience < 0 or learning_rate <= 0:
        raise ValueError(
            "`--patience` must be >= 0 and `--learning-rate` > 0. "
            f"Received: patience={patience}, learning_rate={learning_rate}"
        )
    with dtype_policy(config.mixed_precision):
        model = build_regressor(train, hidden_units=HIDDEN_UNITS)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mean_absolute_error")
        stopper = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True
        )
        x_train, x_test = train.to_numpy("float32"), test.to_numpy("float32")
        start = time.perf_counter()
        history = model.fit(
            x_train,
            y_train.to_numpy("float32"),
            validation_split=0.2,
            epochs=epochs,
            batch_size=batch_size,
            callbacks=[stopper],
            verbose=config.verbose,
        )
        train_seconds = time.perf_counter() - start
        test_mae = model.evaluate(x_test, y_test.to_numpy("float32"), verbose=0)
        metrics = {
            "practical": "autompg-regression",
            "data": source,
            "synthetic": source != "auto-mpg",
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "features": list(train.columns),
            "train_samples": len(train),
            "test_samples": len(test),
            "max_epochs": epochs,
            "epochs_run": len(history.epoch),
            "best_epoch": int(stopper.best_epoch) + 1,
            "stopped_early": stopper.stopped_epoch > 0,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "train_seconds": round(train_seconds, 2),
            "test_mae": float(test_mae),
        }
        paths = save_run_outputs(config, model, history, metrics, title=f"Auto MPG regression ({source})")
    print(f"test MAE ({source}): {test_mae:.3f} MPG; outputs in {paths['model'].parent}")
    return metrics


PRACTICAL = Practical(
    name="autompg-regression",
    description="Auto MPG regression: Normalization + Dense, early stopping, test MAE "
    "(--data-dir with auto-mpg.data; synthetic table otherwise)",
    run=run,
    add_arguments=add_arguments,
)
