"""LeNet-5 on MNIST: the course's first convolutional network, on Keras 3.

Run:  python examples/lenet_mnist.py --data-dir ../shared/data/mnist
      python examples/lenet_mnist.py --quick        # seconds, synthetic digits

Without ``--data-dir`` (or ``KERASDL_DATA_DIR``) the script trains on
synthetic digits rendered by kerasdl: a check that everything runs, not an
MNIST result.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np

import kerasdl
from kerasdl.callbacks import plot_history
from kerasdl.datasets import DatasetNotFoundError, load_mnist, make_digits

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="folder of the four MNIST IDX files")
parser.add_argument("--epochs", type=int, default=12)
parser.add_argument("--quick", action="store_true", help="tiny run on a subset")
parser.add_argument("--plot", default="lenet_history.png", help="where to write the history plot")
args = parser.parse_args()

# 1. Data: real MNIST when found locally, synthetic digits otherwise.
try:
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data_dir, download=False)
    source = "MNIST"
except DatasetNotFoundError:
    (x_train, y_train), (x_test, y_test) = make_digits(12000, seed=0), make_digits(2000, seed=1)
    source = "synthetic digits"
if args.quick:
    x_train, y_train, x_test, y_test = x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]
    args.epochs = 1
x_train, x_test = x_train[..., None], x_test[..., None]  # (n, 28, 28, 1)

# 2. The model: LeNet-5 with the pixels rescaled inside the model.
model = kerasdl.build_lenet(activation="relu", pooling="max", rescale=1 / 255)
model.summary()

# 3. Train with Adam and a cosine learning-rate decay.
steps = int(np.ceil(len(x_train) / 128)) * args.epochs
model.compile(
    optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps, alpha=0.05)),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=128,
                    validation_data=(x_test, y_test), verbose=2)

# 4. Evaluate, plot the curves, save the model.
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"{source}: test accuracy {accuracy:.4f}")
plot_history(history, path=args.plot, title=f"LeNet-5 on {source}")
model.save("lenet5.keras")
