"""A deeper CNN on CIFAR-10: Conv-BatchNorm-ReLU blocks, the course's second CNN practical.

Run:  python examples/cifar10_cnn.py --data-dir DIR   # DIR holds cifar-10-python.tar.gz (or its folder)
      python examples/cifar10_cnn.py                  # synthetic colour shapes, no data needed
      python examples/cifar10_cnn.py --quick          # seconds: a narrow network, one epoch

Without CIFAR-10 files (``--data-dir``, ``KERASDL_DATA_DIR`` or the Keras
cache) the script trains on SYNTHETIC colour shapes rendered by kerasdl: a
check that everything runs, not a CIFAR-10 result.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np

from kerasdl.callbacks import plot_history
from kerasdl.datasets import DatasetNotFoundError, load_cifar10, make_shape_images
from kerasdl.models import build_cifar_cnn

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="folder with cifar-10-python.tar.gz or cifar-10-batches-py/")
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--quick", action="store_true", help="tiny run: a narrow network, few images, one epoch")
parser.add_argument("--out", default=".", help="folder for the plot and the model")
args = parser.parse_args()
keras.utils.set_random_seed(0)

# 1. Data: real CIFAR-10 when found locally, synthetic colour shapes otherwise.
try:
    (x_train, y_train), (x_test, y_test) = load_cifar10(args.data_dir, download=False)
    source = "CIFAR-10"
except DatasetNotFoundError:
    if args.data_dir is not None:
        raise
    print("No CIFAR-10 files found: training on SYNTHETIC colour shapes (6 classes), not CIFAR-10.")
    (x_train, y_train) = make_shape_images(12000, (32, 32), num_classes=6, seed=0)
    (x_test, y_test) = make_shape_images(2000, (32, 32), num_classes=6, seed=1)
    source = "synthetic shapes"
if args.quick:
    x_train, y_train, x_test, y_test = x_train[:300], y_train[:300], x_test[:100], y_test[:100]
    args.epochs = 1
y_train, y_test = y_train.reshape(-1), y_test.reshape(-1)
num_classes = int(max(y_train.max(), y_test.max())) + 1
print(f"{source}: {len(x_train)} training and {len(x_test)} test images of shape {x_train.shape[1:]}")

# 2. The model: three blocks of (Conv-BN-ReLU) x 2 + max pooling + dropout, then a dense head.
model = build_cifar_cnn(num_classes=num_classes, base_filters=8 if args.quick else 32, rescale=1 / 255)
model.summary()

# 3. Train with Adam and a cosine learning-rate decay.
batch_size = 64
steps = int(np.ceil(len(x_train) / batch_size)) * args.epochs
model.compile(
    optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, steps, alpha=0.05)),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=batch_size,
                    validation_data=(x_test, y_test), verbose=2)

# 4. Evaluate, plot the curves, save the model.
loss, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
print(f"{source}: test accuracy {accuracy:.4f} ({model.count_params():,} parameters)")
plot_history(history, path=f"{args.out}/cifar10_history.png", title=f"Deeper CNN on {source}")
model.save(f"{args.out}/cifar_cnn.keras")
