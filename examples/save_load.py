"""Save a trained model's architecture (JSON, YAML) and weights (HDF5), restore it, compare predictions.

Run:  python examples/save_load.py --data-dir ../shared/data/mnist
      python examples/save_load.py --quick        # seconds, synthetic digits

The course's practical: (1) the architecture to a JSON and a YAML file,
(2) the model rebuilt from each file, (3) the parameters saved to and
restored from an HDF5 file. Without ``--data-dir`` (or ``KERASDL_DATA_DIR``)
the model trains on SYNTHETIC digits rendered by kerasdl.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import kerasdl
from kerasdl.datasets import DatasetNotFoundError, load_mnist, make_digits
from kerasdl.serialization import (
    load_architecture,
    load_model,
    load_weights,
    save_architecture,
    save_model,
    save_weights,
    to_yaml,
)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="folder of the four MNIST IDX files")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--quick", action="store_true", help="tiny run on a subset")
parser.add_argument("--out", default=".", help="folder for the saved files")
args = parser.parse_args()
out = Path(args.out)

# 1. Train a small model (the course's dense MNIST classifier).
try:
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data_dir, download=False)
    source = "MNIST"
except DatasetNotFoundError:
    (x_train, y_train), (x_test, y_test) = make_digits(6000, seed=0), make_digits(1000, seed=1)
    source = "synthetic digits"
if args.quick:
    x_train, y_train, x_test, y_test = x_train[:1000], y_train[:1000], x_test[:200], y_test[:200]
    args.epochs = 1
model = kerasdl.build_dense_classifier(input_shape=(28, 28), hidden_units=(128,), rescale=1 / 255)
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=2)
reference = model.predict(x_test, verbose=0)
print(f"{source}: test accuracy {np.mean(reference.argmax(-1) == y_test):.4f}")

# 2. The architecture alone, as JSON and as YAML (the format follows the file extension).
json_path = save_architecture(model, out / "architecture.json")
yaml_path = save_architecture(model, out / "architecture.yaml")
print("The YAML architecture begins:\n" + "\n".join(to_yaml(model).splitlines()[:8]))

# 3. The parameters alone, as HDF5 (Keras 3 wants the suffix .weights.h5).
weights_path = save_weights(model, out / "mnist.weights.h5")

# 4. Rebuild from each architecture file, load the weights, and compare the predictions.
for path in (json_path, yaml_path):
    restored = load_architecture(path)            # a new, untrained model with the same layers
    load_weights(restored, weights_path)
    diff = np.max(np.abs(restored.predict(x_test, verbose=0) - reference))
    print(f"rebuilt from {path.name} + {weights_path.name}: max prediction difference {diff:.2g}")

# 5. Everything in one file (architecture, weights, optimizer): the native .keras format.
keras_path = save_model(model, out / "mnist_dense.keras")
diff = np.max(np.abs(load_model(keras_path).predict(x_test, verbose=0) - reference))
print(f"reloaded {keras_path.name}: max prediction difference {diff:.2g}")
