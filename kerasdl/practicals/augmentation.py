"""Data augmentation with ImageDataGenerator.flow_from_directory: the course's cats-and-dogs practical.

``--data-dir`` is a class folder (``DIR/<class>/<image>``; 20 % of each
class is held out for validation), or a folder with ``train/`` and
``validation/`` class folders (the course's ``cats_and_dogs_filtered``
layout). Without it, kerasdl writes a **synthetic** two-class folder of
shape images to a temporary directory and trains on that, clearly labelled.

The training generator uses the course preset (``rescale=1/255,
rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
shear_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode='nearest'``);
validation images are only rescaled. Outputs: the standard ``model.keras``,
``architecture.json``, ``history.png`` and ``metrics.json``, plus
``augmentations.png``, a grid of augmented copies of one training image.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs

#: The course's augmentation preset.
COURSE_PRESET: dict[str, Any] = dict(
    rescale=1 / 255,
    rotation_range=40,
    width_shift_range=0.2,
    height_shift_range=0.2,
    shear_range=0.2,
    zoom_range=0.2,
    horizontal_flip=True,
    fill_mode="nearest",
)
EPOCHS = 5
BATCH_SIZE = 20
IMAGE_SIZE = 150
VALIDATION_SPLIT = 0.2
_SPLIT_NAMES = (("train", "validation"), ("train", "val"), ("train", "test"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--image-size", type=int, default=None,
        help=f"images are resized to SIZE x SIZE (default {IMAGE_SIZE}; 32 with --quick)",
    )
    parser.add_argument(
        "--validation-split", type=float, default=VALIDATION_SPLIT,
        help="fraction of each class held out when DIR has no train/validation folders "
        f"(default {VALIDATION_SPLIT})",
    )


def find_splits(data_dir: str | os.PathLike[str]) -> tuple[Path, Path | None]:
    """Return ``(train_dir, validation_dir)``; ``validation_dir`` is ``None`` for a single class folder.

    Raises:
        DatasetNotFoundError: If ``data_dir`` is not a folder.
    """
    from kerasdl.datasets import DatasetNotFoundError

    root = Path(data_dir)
    if not root.is_dir():
        raise DatasetNotFoundError(
            f"`--data-dir` must be a folder of class sub-folders (DIR/<class>/<image>) or with train/ "
            f"and validation/ class folders. Received: --data-dir={os.fspath(data_dir)!r}"
        )
    for train, validation in _SPLIT_NAMES:
        if (root / train).is_dir() and (root / validation).is_dir():
            return root / train, root / validation
    return root, None


@contextlib.contextmanager
def image_folder(config: RunConfig) -> Iterator[tuple[Path, Path | None, str]]:
    """Yield ``(train_dir, validation_dir, source)``; a synthetic folder lives only for the block."""
    if config.data_dir is not None:
        train_dir, validation_dir = find_splits(config.data_dir)
        yield train_dir, validation_dir, "folder"
        return
    from kerasdl.datasets import make_image_folder

    with tempfile.TemporaryDirectory(prefix="kerasdl-augmentation-") as tmp:
        root = make_image_folder(
            Path(tmp) / "cats_and_dogs", classes=("cats", "dogs"),
            num_per_class=40 if config.quick else 300, image_size=(64, 64), seed=config.seed,
        )
        yield root, None, "synthetic-shapes"


def build_small_cnn(image_size: int, num_classes: int, quick: bool = False) -> Any:
    """The course's small cats-and-dogs CNN (narrower with ``quick``); uncompiled."""
    import keras
    from keras import layers

    widths = (8, 16) if quick else (32, 64, 128, 128)
    model = keras.Sequential(name="augmentation_cnn")
    model.add(keras.Input((image_size, image_size, 3)))
    for width in widths:
        model.add(layers.Conv2D(width, 3, activation="relu"))
        model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(32 if quick else 512, activation="relu"))
    if num_classes == 2:
        model.add(layers.Dense(1))
        model.add(layers.Activation("sigmoid", dtype="float32"))
    else:
        model.add(layers.Dense(num_classes))
        model.add(layers.Activation("softmax", dtype="float32"))
    return model


def run(config: RunConfig) -> dict[str, Any]:
    import keras
    import numpy as np

    from kerasdl.data import ImageDataGenerator
    from kerasdl.data.plotting import plot_augmentations

    keras.utils.set_random_seed(config.seed)
    size = config.options.get("image_size") or (32 if config.quick else IMAGE_SIZE)
    if size < 16:
        raise ValueError(f"`--image-size` must be at least 16. Received: --image-size={size}")
    split = config.options.get("validation_split", VALIDATION_SPLIT)
    epochs = config.epochs or (1 if config.quick else EPOCHS)
    batch_size = config.batch_size or BATCH_SIZE
    with image_folder(config) as (train_dir, validation_dir, source):
        if source != "folder":
            print(
                "No --data-dir given: training on a SYNTHETIC two-class folder of shape images written by "
                "kerasdl (not cats and dogs). Pass --data-dir DIR with DIR/<class>/<image> for real images."
            )
        held_out = 0.0 if validation_dir is not None else split
        train_gen = ImageDataGenerator(**COURSE_PRESET, validation_split=held_out)
        val_gen = ImageDataGenerator(rescale=1 / 255, validation_split=held_out)
        subsets = (None, None) if validation_dir is not None else ("training", "validation")
        num_classes = sum(1 for entry in train_dir.iterdir() if entry.is_dir())
        class_mode = "binary" if num_classes == 2 else "categorical"
        flow: dict[str, Any] = dict(target_size=(size, size), batch_size=batch_size, class_mode=class_mode)
        train = train_gen.flow_from_directory(train_dir, subset=subsets[0], seed=config.seed, **flow)
        val = val_gen.flow_from_directory(
            validation_dir or train_dir, subset=subsets[1], shuffle=False, **flow
        )
        if train.samples == 0 or val.samples == 0:
            raise ValueError(
                f"Both the training ({train.samples}) and validation ({val.samples}) sets need images; "
                f"add images or change --validation-split. Received: --validation-split={split}"
            )
        image = val[0][0][0] * 255.0  # one un-augmented image, pixels 0-255
        grid_path = config.out_dir / "augmentations.png"
        plot_augmentations(train_gen, image, n=9, path=grid_path, seed=config.seed)
        with dtype_policy(config.mixed_precision):
            model = build_small_cnn(size, num_classes, quick=config.quick)
            loss = "binary_crossentropy" if class_mode == "binary" else "categorical_crossentropy"
            model.compile(keras.optimizers.Adam(1e-3), loss=loss, metrics=["accuracy"])
            start = time.perf_counter()
            history = model.fit(train, validation_data=val, epochs=epochs, verbose=config.verbose)
            train_seconds = time.perf_counter() - start
            val_loss, val_accuracy = model.evaluate(val, verbose=0)
            metrics = {
                "practical": "augmentation",
                "data": source,
                "synthetic": source != "folder",
                "backend": keras.backend.backend(),
                "dtype_policy": keras.config.dtype_policy().name,
                "classes": list(train.class_indices),
                "class_mode": class_mode,
                "image_size": size,
                "epochs": epochs,
                "batch_size": batch_size,
                "train_samples": train.samples,
                "validation_samples": val.samples,
                "augmentation": {k: v for k, v in COURSE_PRESET.items()},
                "train_seconds": round(train_seconds, 2),
                "train_images_per_second": round(epochs * train.samples / max(train_seconds, 1e-9), 1),
                "val_loss": float(val_loss),
                "val_accuracy": float(val_accuracy),
                "augmentation_grid": grid_path.name,
                "chance_accuracy": float(np.max(np.bincount(val.classes)) / val.samples),
            }
            paths = save_run_outputs(config, model, history, metrics, title=f"Augmented CNN on {source}")
    print(
        f"validation accuracy ({source}): {val_accuracy:.4f}; augmentation grid and outputs in "
        f"{paths['model'].parent}"
    )
    return metrics


PRACTICAL = Practical(
    name="augmentation",
    description="ImageDataGenerator augmentation + small CNN on a class folder (--data-dir; else synthetic)",
    run=run,
    add_arguments=add_arguments,
)
