"""Data augmentation with ImageDataGenerator: flow_from_directory, flow_from_dataframe, the course preset.

Run:  python examples/augmentation.py --data-dir cats_and_dogs/train   # DIR/<class>/<image>
      python examples/augmentation.py                                   # synthetic image folder
      python examples/augmentation.py --quick                           # seconds

``--data-dir`` is a folder with one subfolder of images per class (like the
course's cats-and-dogs set); 20 % of each class is held out for validation.
Without it, kerasdl writes a SYNTHETIC two-class folder of shape images
(``synthetic_cats_and_dogs/``, not real cats and dogs) and trains on that.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras
import pandas as pd
from keras import layers

from kerasdl.callbacks import plot_history
from kerasdl.data import ImageDataGenerator, plot_augmentations
from kerasdl.datasets import make_image_folder

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="a folder of class subfolders of images")
parser.add_argument("--epochs", type=int, default=15)
parser.add_argument("--image-size", type=int, default=150)
parser.add_argument("--quick", action="store_true", help="tiny run: few small images, one epoch")
parser.add_argument("--out", default=".", help="folder for the figures and the model")
args = parser.parse_args()
out = Path(args.out)
keras.utils.set_random_seed(0)
if args.quick:
    args.epochs, args.image_size = 1, 32

# 1. The image folder: yours, or a synthetic one written by kerasdl.
if args.data_dir is not None:
    image_dir = Path(args.data_dir)
else:
    print("No --data-dir: writing a SYNTHETIC two-class folder of shape images (not cats and dogs).")
    image_dir = make_image_folder(out / "synthetic_cats_and_dogs", classes=("cats", "dogs"),
                                  num_per_class=40 if args.quick else 500, image_size=(64, 64))

# 2. The course preset for training; validation images are only rescaled.
train_gen = ImageDataGenerator(
    rescale=1 / 255,
    rotation_range=40,         # rotate by up to 40 degrees
    width_shift_range=0.2,     # shift by up to 20 % of the width
    height_shift_range=0.2,
    shear_range=0.2,
    zoom_range=0.2,            # zoom in or out by up to 20 %
    horizontal_flip=True,
    fill_mode="nearest",       # new pixels copy their nearest neighbour
    validation_split=0.2,
)
val_gen = ImageDataGenerator(rescale=1 / 255, validation_split=0.2)
flow = dict(target_size=(args.image_size, args.image_size), batch_size=20, class_mode="binary")
train = train_gen.flow_from_directory(image_dir, subset="training", seed=0, **flow)
val = val_gen.flow_from_directory(image_dir, subset="validation", shuffle=False, **flow)
print(f"classes: {train.class_indices}; {train.samples} training, {val.samples} validation images")

# 3. What the preset does to one image: nine random augmentations.
image = val[0][0][0] * 255.0                   # the first validation image, pixels 0-255
plot_augmentations(train_gen, image, n=9, path=out / "augmentations.png", seed=0)

# 4. The course's small CNN, trained on augmented batches (model.fit takes the iterators directly).
model = keras.Sequential([keras.Input((args.image_size, args.image_size, 3))])
for width in (8, 16) if args.quick else (32, 64, 128, 128):
    model.add(layers.Conv2D(width, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
model.add(layers.Flatten())
model.add(layers.Dropout(0.5))
model.add(layers.Dense(32 if args.quick else 512, activation="relu"))
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", metrics=["accuracy"])
history = model.fit(train, validation_data=val, epochs=args.epochs, verbose=2)
plot_history(history, path=out / "augmentation_history.png", title="Small CNN with augmentation")

# 5. flow_from_dataframe: the same validation images, listed in a table instead of found in folders.
names = {index: name for name, index in val.class_indices.items()}
table = pd.DataFrame({"filename": val.filenames, "class": [names[c] for c in val.classes]})
print(table.head(3).to_string())
from_table = val_gen.flow_from_dataframe(table, directory=image_dir, x_col="filename", y_col="class",
                                         shuffle=False, **flow)
_, accuracy_dir = model.evaluate(val, verbose=0)
_, accuracy_table = model.evaluate(from_table, verbose=0)
print(f"validation accuracy: {accuracy_dir:.4f} (flow_from_directory), "
      f"{accuracy_table:.4f} (flow_from_dataframe)")
model.save(out / "augmentation_cnn.keras")
