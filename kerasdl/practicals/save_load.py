"""Save a trained model as JSON, YAML and HDF5 weights, restore it, and check the predictions match.

The course's practical: (1) the architecture to a JSON and a YAML file,
(2) the model rebuilt from each file, (3) the parameters saved to and restored
from an HDF5 file. Trains on real MNIST when ``--data-dir`` (or
``$KERASDL_DATA_DIR``) holds it, otherwise on synthetic digits.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs, write_metrics

EPOCHS = 3
BATCH_SIZE = 128
#: Largest difference allowed between the original and a restored model's predictions.
TOLERANCE = 1e-6


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        choices=("dense_classifier", "lenet"),
        default="dense_classifier",
        help="the registered model to train and save (default: dense_classifier)",
    )


def run(config: RunConfig) -> dict[str, Any]:
    import keras

    from kerasdl.models import create_model
    from kerasdl.practicals.lenet_mnist import load_digits
    from kerasdl.serialization import (
        load_architecture,
        load_model,
        load_weights,
        save_architecture,
        save_weights,
    )
    from kerasdl.utils import set_seed

    set_seed(config.seed)
    (x_train, y_train), (x_test, y_test), source = load_digits(config)
    if source == "synthetic-digits":
        print("No MNIST files found: training on SYNTHETIC digits rendered by kerasdl.")
    epochs = config.epochs or (1 if config.quick else EPOCHS)
    batch_size = config.batch_size or BATCH_SIZE
    name = config.options.get("model") or "dense_classifier"
    out = config.out_dir
    with dtype_policy(config.mixed_precision):
        model = create_model(name, input_shape=(28, 28, 1), rescale=1 / 255)
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(
            x_train, y_train, epochs=epochs, batch_size=batch_size,
            validation_data=(x_test, y_test), verbose=config.verbose,
        )
        reference = model.predict(x_test, batch_size=512, verbose=0)

        # 1. architecture -> JSON / YAML, 2. parameters -> HDF5
        json_path = save_architecture(model, out / "architecture.json")
        yaml_path = save_architecture(model, out / "architecture.yaml")
        weights_path = save_weights(model, out / "weights.weights.h5")
        metrics: dict[str, Any] = {
            "practical": "save-load",
            "model": name,
            "data": source,
            "synthetic": source != "mnist",
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "epochs": epochs,
            "test_accuracy": float(np.mean(np.argmax(reference, axis=-1) == y_test)),
        }
        paths = save_run_outputs(config, model, history, metrics, title=f"{name} on {source}")

        # 3. restore from each file and compare the predictions
        restored = {}
        for label, path in (("json", json_path), ("yaml", yaml_path)):
            rebuilt = load_architecture(path)
            load_weights(rebuilt, weights_path)
            restored[label] = rebuilt
        restored["keras"] = load_model(paths["model"])
        diffs = {
            label: float(np.max(np.abs(m.predict(x_test, batch_size=512, verbose=0) - reference)))
            for label, m in restored.items()
        }
    metrics["max_abs_diff"] = diffs
    metrics["predictions_match"] = all(d <= TOLERANCE for d in diffs.values())
    metrics["files"] = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    paths["metrics"] = write_metrics(out, metrics)
    print(f"wrote {json_path.name}, {yaml_path.name} and {weights_path.name} (HDF5) to {out}")
    print("Keras 3 stores weights-only HDF5 files under names ending in .weights.h5 (tf.keras used .h5).")
    for label, diff in diffs.items():
        print(f"restored from {label:5s}: max abs difference of predictions = {diff:.3g}")
    print("predictions match" if metrics["predictions_match"] else "PREDICTIONS DIFFER")
    return metrics


PRACTICAL = Practical(
    name="save-load",
    description="Save a model as JSON, YAML and HDF5 weights, restore it and compare predictions",
    run=run,
    add_arguments=add_arguments,
)
