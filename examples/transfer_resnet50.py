"""Transfer learning with ResNet50: feature extraction (frozen backbone), then fine-tuning.

Run:  python examples/transfer_resnet50.py --data-dir cats_and_dogs/train --weights imagenet
      python examples/transfer_resnet50.py --data-dir DIR --weights resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5
      python examples/transfer_resnet50.py --quick        # seconds: tiny synthetic images, 1 + 1 epochs

``--data-dir`` is a folder with one subfolder of images per class; 20 % is
held out for validation. Without it kerasdl writes a SYNTHETIC three-class
folder of shape images (``synthetic_images/``).

``--weights``: ``imagenet`` (the Keras cache, else a download), the path of a
local ``..._notop.h5`` file, or ``none``. The DEFAULT is ``none``, so that the
script runs offline: the backbone is then UNTRAINED (random weights) and the
run only shows the recipe, not what pretrained features can do.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras
import numpy as np

from kerasdl.callbacks import plot_history
from kerasdl.data import ImageDataGenerator
from kerasdl.datasets import make_image_folder
from kerasdl.models import build_transfer_model, set_fine_tune

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="a folder of class subfolders of images")
parser.add_argument("--weights", default="none", help="'imagenet', a local weights file, or 'none' (default)")
parser.add_argument("--epochs", type=int, default=5, help="epochs of each phase")
parser.add_argument("--image-size", type=int, default=224)
parser.add_argument("--quick", action="store_true", help="tiny run: 32x32 images, one epoch per phase")
parser.add_argument("--out", default=".", help="folder for the plot and the model")
args = parser.parse_args()
out = Path(args.out)
keras.utils.set_random_seed(0)
if args.quick:
    args.epochs, args.image_size = 1, 32

weights = None if args.weights.lower() == "none" else args.weights
if weights is None:
    print("NOTE: --weights none: the ResNet50 backbone is UNTRAINED (random weights). Pass --weights imagenet "
          "or --weights PATH to a ..._notop.h5 file for real ImageNet features.")

# 1. The images, read from class folders. No rescaling: the model preprocesses raw 0-255 pixels itself.
if args.data_dir is not None:
    image_dir = Path(args.data_dir)
else:
    print("No --data-dir: writing a SYNTHETIC three-class folder of shape images.")
    image_dir = make_image_folder(out / "synthetic_images", classes=("cats", "dogs", "birds"),
                                  num_per_class=8 if args.quick else 100, image_size=(64, 64))
batch_size = 8 if args.quick else 32
images = ImageDataGenerator(validation_split=0.2)
flow = dict(target_size=(args.image_size, args.image_size), batch_size=batch_size, class_mode="sparse")
train = images.flow_from_directory(image_dir, subset="training", seed=0, **flow)
val = images.flow_from_directory(image_dir, subset="validation", shuffle=False, **flow)

# 2. ResNet50 without its top + a new head. The backbone starts frozen: feature extraction.
model = build_transfer_model("resnet50", num_classes=train.num_classes,
                             input_shape=(args.image_size, args.image_size, 3), weights=weights)
print(f"trainable weights with a frozen backbone: {sum(int(np.prod(w.shape)) for w in model.trainable_weights):,}")
# --quick on TensorFlow: a few eager steps are faster than tracing the 50-layer graph.
eager = args.quick and keras.backend.backend() == "tensorflow"
model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"],
              run_eagerly=eager)
print("Phase 1: feature extraction (only the new head trains)")
phase1 = model.fit(train, validation_data=val, epochs=args.epochs, verbose=2)

# 3. Fine-tuning: unfreeze the top 30 backbone layers (BatchNorm stays frozen), recompile with a tiny rate.
set_fine_tune(model, 30)
print(f"trainable weights while fine-tuning: {sum(int(np.prod(w.shape)) for w in model.trainable_weights):,}")
model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy", metrics=["accuracy"],
              run_eagerly=eager)
print("Phase 2: fine-tuning with Adam(1e-5)")
phase2 = model.fit(train, validation_data=val, epochs=2 * args.epochs, initial_epoch=args.epochs, verbose=2)

# 4. One curve across both phases, and the saved model.
both = {key: phase1.history[key] + phase2.history[key] for key in phase1.history}
plot_history(both, path=out / "transfer_history.png",
             title=f"ResNet50 ({'untrained' if weights is None else 'pretrained'}): "
                   f"epochs 1-{args.epochs} feature extraction, then fine-tuning")
_, accuracy = model.evaluate(val, verbose=0)
print(f"validation accuracy after fine-tuning: {accuracy:.4f} (weights: {weights or 'none, untrained'})")
model.save(out / "transfer_resnet50.keras")
