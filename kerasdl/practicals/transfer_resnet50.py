"""Transfer learning with ResNet50: feature extraction, then fine-tuning, on a class folder.

``--data-dir`` is a folder with one subfolder of images per class (or
``train/`` and ``validation/`` folders laid out that way, like the course's
cats-and-dogs set); without it, kerasdl generates a small synthetic folder.
The images are read with Pillow into arrays, so the practical runs on every
Keras backend.

Weights: ``--weights PATH`` (a Keras ``..._notop.h5`` ImageNet file or a
``.weights.h5``), ``--weights imagenet`` (Keras cache, else download), or
``--weights none``. By default the ImageNet weights are used if they are in
the Keras cache; otherwise the backbone is **untrained** and the run says so.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs

EPOCHS = 5
FINE_TUNE_EPOCHS = 5
BATCH_SIZE = 32
HEAD_LEARNING_RATE = 1e-3
#: Fine-tuning needs a very small learning rate (the Keras transfer-learning guide).
FINE_TUNE_LEARNING_RATE = 1e-5
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kerasdl.models.backbones import BACKBONES

    parser.add_argument(
        "--weights", default=None, metavar="PATH",
        help="backbone weights: a local file, 'imagenet' (Keras cache, else download) or 'none'; "
        "default: ImageNet weights if cached, else an untrained backbone",
    )
    parser.add_argument("--backbone", default="resnet50", choices=sorted(BACKBONES), help="default: resnet50")
    parser.add_argument("--image-size", type=int, default=None, help="input height and width (default 224)")
    parser.add_argument(
        "--fine-tune-layers", type=int, default=30,
        help="top backbone layers unfrozen in phase 2 (0 = all); default 30",
    )
    parser.add_argument("--fine-tune-epochs", type=int, default=None, help="epochs of phase 2")


def read_class_folder(root: Path, image_size: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read ``root/<class>/<image>`` files into ``(images, labels, class_names)``.

    Classes are the sorted subfolder names; images are resized to
    ``image_size`` squares (RGB, float32 in ``[0, 255]``).

    Raises:
        ValueError: If there are fewer than two class folders, a class folder
            holds no image, or a file cannot be read (the message names it).
    """
    from kerasdl.data.image_files import load_image  # regular files only, size and pixel bounds

    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise ValueError(
            "`--data-dir` must hold one subfolder of images per class (at least two). "
            f"Received: data_dir={str(root)!r} with subfolders {classes}"
        )
    images, labels = [], []
    for label, name in enumerate(classes):
        files = sorted(p for p in (root / name).rglob("*") if p.suffix.lower() in IMAGE_EXTENSIONS)
        if not files:
            raise ValueError(
                f"The class folder {name!r} holds no image ({', '.join(IMAGE_EXTENSIONS)}). Remove it "
                f"or add images. Received: data_dir={str(root)!r}"
            )
        for path in files:
            try:
                image = load_image(path, color_mode="rgb", target_size=(image_size, image_size))
            except ValueError as error:  # truncated or non-image files, FIFOs, devices, bombs
                raise ValueError(f"{error}. Remove or replace the file.") from None
            images.append(image.astype("float32"))
            labels.append(label)
    return np.stack(images), np.asarray(labels, dtype="int32"), classes


def load_folder(config: RunConfig, image_size: int, workdir: str) -> tuple[Any, Any, list[str], str]:
    """The train/validation splits of ``--data-dir`` or of a generated synthetic folder."""
    from kerasdl.datasets import make_image_folder

    if config.data_dir is None:
        root = make_image_folder(
            Path(workdir) / "images", classes=("cats", "dogs", "birds"),
            num_per_class=8 if config.quick else 60, image_size=(64, 64), seed=config.seed,
        )
        source = "synthetic-folder"
    else:
        root = Path(config.data_dir).expanduser()
        if not root.is_dir():
            raise ValueError(
                "`--data-dir` must be a folder with one subfolder of images per class. "
                f"Received: data_dir={str(root)!r}"
            )
        source = str(root)
    validation = next((root / n for n in ("validation", "valid", "val", "test") if (root / n).is_dir()), None)
    if (root / "train").is_dir() and validation is not None:
        x_train, y_train, classes = read_class_folder(root / "train", image_size)
        x_val, y_val, val_classes = read_class_folder(validation, image_size)
        if val_classes != classes:
            raise ValueError(
                f"The train and {validation.name} folders must have the same class subfolders. "
                f"Received: {classes} and {val_classes}"
            )
    else:
        x, y, classes = read_class_folder(root, image_size)
        order = np.random.default_rng(config.seed).permutation(len(x))
        n_val = max(len(classes), len(x) // 5)
        x_train, y_train = x[order[n_val:]], y[order[n_val:]]
        x_val, y_val = x[order[:n_val]], y[order[:n_val]]
    return (x_train, y_train), (x_val, y_val), classes, source


def _weights(option: str | None, backbone: str, input_shape: tuple[int, int, int]) -> tuple[Any, str]:
    """The ``weights`` argument and a description for the report."""
    from kerasdl.models.backbones import WeightsNotFoundError, imagenet_weights_file, keras_models_dirs

    if option is not None and option.lower() == "none":
        return None, "none (untrained backbone)"
    if option is not None and option.lower() != "imagenet":
        if not Path(option).expanduser().is_file():
            raise ValueError(
                "`--weights` must be a local weights file, 'imagenet' or 'none'; the file does not exist. "
                f"Received: weights={option!r}"
            )
        return option, f"file {option}"
    if option is None:
        file_name = imagenet_weights_file(backbone, input_shape=input_shape)[0]
        cached = [d / file_name for d in keras_models_dirs() if (d / file_name).is_file()]
        if not cached:
            return None, f"none (untrained backbone; {file_name} is not in the Keras cache)"
        return cached[0], f"imagenet (Keras cache: {cached[0]})"
    from kerasdl.models.backbones import resolve_imagenet_weights

    try:
        return resolve_imagenet_weights(backbone, input_shape=input_shape), "imagenet"
    except WeightsNotFoundError as error:  # the CLI reports ValueErrors without a traceback
        raise ValueError(str(error)) from None


def _merge(first: Any, second: Any) -> dict[str, list[float]]:
    return {key: list(values) + list(second.history.get(key, [])) for key, values in first.history.items()}


def run(config: RunConfig) -> dict[str, Any]:
    import keras

    from kerasdl.models import build_transfer_model, set_fine_tune

    options = config.options
    backbone = options.get("backbone") or "resnet50"
    image_size = options.get("image_size") or (32 if config.quick else 224)
    fine_tune_layers = options.get("fine_tune_layers", 30) or None
    keras.utils.set_random_seed(config.seed)
    input_shape = (image_size, image_size, 3)
    weights, weights_note = _weights(options.get("weights"), backbone, input_shape)
    if weights is None:
        print(
            f"NOTE: the {backbone} backbone is UNTRAINED (random weights): this run only shows the "
            "transfer-learning recipe. Pass --weights PATH (e.g. the Keras file "
            f"{backbone}_weights_tf_dim_ordering_tf_kernels_notop.h5) or put that file in "
            "$KERAS_HOME/models for real ImageNet features."
        )
    epochs = config.epochs or (1 if config.quick else EPOCHS)
    fine_tune_epochs = options.get("fine_tune_epochs") or (1 if config.quick else FINE_TUNE_EPOCHS)
    batch_size = config.batch_size or (8 if config.quick else BATCH_SIZE)
    with tempfile.TemporaryDirectory(prefix="kerasdl-transfer-") as workdir:
        (x_train, y_train), (x_val, y_val), classes, source = load_folder(config, image_size, workdir)
    if source == "synthetic-folder":
        print("No --data-dir given: using a SYNTHETIC image folder generated by kerasdl (3 shape classes).")
    # On TensorFlow, untraced steps beat a minute of tracing a deep backbone for a tiny quick run
    # (on JAX, jit is faster even then).
    eager = config.quick and keras.backend.backend() == "tensorflow"
    with dtype_policy(config.mixed_precision):
        model = build_transfer_model(
            backbone, num_classes=len(classes), input_shape=input_shape, weights=weights
        )
        model.compile(keras.optimizers.Adam(HEAD_LEARNING_RATE), "sparse_categorical_crossentropy",
                      metrics=["accuracy"], run_eagerly=eager)
        start = time.perf_counter()
        print(f"Phase 1: feature extraction ({backbone} frozen), {epochs} epoch(s)")
        head_history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                                 validation_data=(x_val, y_val), verbose=config.verbose)
        _, head_accuracy = model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0)
        print(f"Phase 2: fine-tuning the top {fine_tune_layers or 'all'} layers, learning rate "
              f"{FINE_TUNE_LEARNING_RATE}, {fine_tune_epochs} epoch(s)")
        set_fine_tune(model, fine_tune_layers)
        model.compile(keras.optimizers.Adam(FINE_TUNE_LEARNING_RATE), "sparse_categorical_crossentropy",
                      metrics=["accuracy"], run_eagerly=eager)
        tune_history = model.fit(x_train, y_train, epochs=epochs + fine_tune_epochs, initial_epoch=epochs,
                                 batch_size=batch_size, validation_data=(x_val, y_val),
                                 verbose=config.verbose)
        train_seconds = time.perf_counter() - start
        val_loss, val_accuracy = model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0)
        metrics = {
            "practical": "transfer-resnet50",
            "backbone": backbone,
            "weights": weights_note,
            "pretrained": weights is not None,
            "data": source,
            "synthetic": source == "synthetic-folder",
            "classes": classes,
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "image_size": image_size,
            "epochs": epochs,
            "fine_tune_epochs": fine_tune_epochs,
            "fine_tune_layers": fine_tune_layers,
            "batch_size": batch_size,
            "train_samples": len(x_train),
            "validation_samples": len(x_val),
            "trainable_params_fine_tune": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            "train_seconds": round(train_seconds, 2),
            "feature_extraction_val_accuracy": float(head_accuracy),
            "val_loss": float(val_loss),
            "val_accuracy": float(val_accuracy),
        }
        paths = save_run_outputs(config, model, _merge(head_history, tune_history), metrics,
                                 title=f"{backbone}: feature extraction, then fine-tuning")
    print(f"validation accuracy: {head_accuracy:.4f} after feature extraction, {val_accuracy:.4f} after "
          f"fine-tuning; outputs in {paths['model'].parent}")
    return metrics


PRACTICAL = Practical(
    name="transfer-resnet50",
    description="ResNet50 transfer learning on a class folder: feature extraction, then fine-tuning "
    "(--data-dir, --weights PATH)",
    run=run,
    add_arguments=add_arguments,
)
