"""tf.data image pipelines with augmentation: the modern replacement for ``flow_from_directory``.

:func:`image_dataset` reads a class-per-subfolder directory, a DataFrame of
file paths and labels, or in-memory arrays, and returns ``tf.data.Dataset``
objects that decode in parallel, cache the decoded images, shuffle, batch,
augment the training split on whole batches in parallel and prefetch. The
result feeds ``model.fit`` on every Keras backend (Keras reads ``tf.data`` on
JAX and PyTorch too); TensorFlow is imported only when the function runs.

Every file is checked before the pipeline is built with the decoder the
pipeline uses (``tf.io.decode_image``), after a look at its magic bytes, so a
TIFF named ``x.png`` is reported up front rather than mid-epoch. The pipeline
carries each path with the size the check saw, and a file truncated or
rewritten since fails with an error naming it.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.data.augmentation import as_pipeline, augmentation_layers
from kerasdl.data.image_files import check_images, special_file_kind, warn_special_files
from kerasdl.utils.backend import backend_name, require_tensorflow
from kerasdl.utils.validation import check_choice, check_positive_int, check_shape

#: File extensions ``keras.utils.image_dataset_from_directory`` and ``tf.io.decode_image`` read.
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
LABEL_MODES = ("int", "categorical", "binary", None)
COLOR_MODES = ("rgb", "grayscale", "rgba")
SUBSETS = (None, "training", "validation", "both")
_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
_SHUFFLE_BUFFER = 1024
#: The formats ``tf.io.decode_image`` reads, by their magic bytes: ``(offset, bytes)`` pairs.
_TF_MAGIC = {
    "JPEG": ((0, b"\xff\xd8\xff"),),
    "PNG": ((0, b"\x89PNG\r\n\x1a\n"),),
    "GIF": ((0, b"GIF87a"),),
    "GIF89a": ((0, b"GIF89a"),),
    "BMP": ((0, b"BM"),),
    "WebP": ((0, b"RIFF"), (8, b"WEBP")),
}
_TF_FORMATS = "JPEG, PNG, GIF, BMP and WebP"


def _sniff(data: bytes) -> str | None:
    """The ``tf.io.decode_image`` format of ``data`` by its magic bytes, or ``None``."""
    for name, parts in _TF_MAGIC.items():
        if all(data[at : at + len(magic)] == magic for at, magic in parts):
            return "GIF" if name == "GIF89a" else name
    return None


def _tf_decode_check(tf: Any, channels: int) -> Any:
    """A :func:`~kerasdl.data.image_files.check_images` ``decode``: what the pipeline's decoder reads."""

    def decode(data: bytes, image: Any) -> None:
        if _sniff(data) is None:
            raise ValueError(
                f"its contents are {image.format or 'an unknown format'}, which tf.io.decode_image does not "
                f"read (it reads {_TF_FORMATS}, told apart by their first bytes, not the file name); convert "
                "it, e.g. PIL.Image.open(path).save(new_path, 'PNG')"
            )
        try:
            tf.io.decode_image(data, channels=channels, expand_animations=False)
        except tf.errors.OpError as error:
            detail = error.message.rsplit("}} ", 1)[-1]
            raise ValueError(f"tf.io.decode_image cannot decode this {image.format} file: {detail}") from None

    return decode


def _paths_dataset(
    tf: Any, paths: Sequence[str], labels: Any, image_size: tuple[int, int], channels: int
) -> Any:
    """Decoded images (zipped with ``labels`` unless ``None``) from checked files.

    Each file's size when it was checked travels with its path; a file whose
    size differs when it is read (truncated or rewritten since) fails with an
    error naming it, rather than with a decode error naming no file.
    """
    sizes = np.array([os.stat(p).st_size for p in paths], dtype=np.int64)

    def load(path: Any, size: Any) -> Any:
        contents = tf.io.read_file(path)
        assertion = tf.debugging.Assert(
            tf.equal(tf.cast(tf.strings.length(contents), tf.int64), size),
            ["image_dataset: the image file", path, "has changed since image_dataset checked it (its size "
             "differs); re-create the dataset after changing files"],
        )
        with tf.control_dependencies([assertion]):
            image = tf.io.decode_image(contents, channels=channels, expand_animations=False)
        image = tf.image.resize(image, image_size)
        image.set_shape((*image_size, channels))
        return image

    images = tf.data.Dataset.from_tensor_slices((np.array(paths, dtype=object).astype(str), sizes)).map(
        load, num_parallel_calls=tf.data.AUTOTUNE
    )
    if labels is None:
        return images
    return tf.data.Dataset.zip((images, tf.data.Dataset.from_tensor_slices(labels)))


def _augment_fn(augment: Any, seed: int | None) -> tuple[Any, float | None]:
    """Return ``(callable or None, rescale or None)`` for the ``augment`` argument."""
    if augment is None:
        return None, None
    if isinstance(augment, Mapping):
        allowed = set(inspect.signature(augmentation_layers).parameters) - {"pipeline", "fused"}
        unknown = sorted(set(augment) - allowed)
        if unknown:
            raise ValueError(
                f"`augment` holds arguments with no augmentation layer: {unknown}. Supported: "
                f"{sorted(allowed)}; apply feature-wise normalization with keras.layers.Normalization "
                f"in the model, or use kerasdl.data.ImageDataGenerator. Received: augment={dict(augment)!r}"
            )
        kwargs = dict(augment)
        rescale = kwargs.pop("rescale", None)
        kwargs.setdefault("seed", seed)
        layers = augmentation_layers(**kwargs, pipeline=True, fused=True)
        return (layers if layers.layers else None), rescale
    if hasattr(augment, "random_transform") and not callable(augment):
        raise TypeError(
            "`augment` cannot be an ImageDataGenerator inside tf.data: pass its arguments as a dict, "
            "e.g. augment=dict(rotation_range=40, zoom_range=0.2), or augmentation layers. "
            f"Received: augment={augment!r}"
        )
    if not callable(augment):
        raise TypeError(
            "`augment` must be None, a dict of augmentation_layers() arguments, or augmentation "
            f"layers (a callable). Received: augment={augment!r}"
        )
    return (augment if backend_name() == "tensorflow" else as_pipeline(augment)), None


def _check_directory(directory: Path) -> list[str]:
    """The class names, after checking that every class folder holds images."""
    if not directory.is_dir():
        raise ValueError(
            "`source` must be an existing directory with one subfolder per class, a DataFrame or "
            f"(x, y) arrays. Received: source={str(directory)!r} (no such directory)"
        )
    classes = sorted(p.name for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise ValueError(
            f"The directory {str(directory)!r} has no class subfolders: put the images of each class in "
            f"their own subfolder (train/cats/*.jpg, train/dogs/*.jpg). Received: source={str(directory)!r}"
        )
    empty = [
        name
        for name in classes
        if not any(
            f.lower().endswith(IMAGE_EXTENSIONS) for _, _, files in os.walk(directory / name) for f in files
        )
    ]
    if empty:
        raise ValueError(
            f"Class folders without images ({', '.join(IMAGE_EXTENSIONS)}): {empty}. Add images or remove "
            f"the folders. Received: source={str(directory)!r}"
        )
    return classes


def _labels(
    values: np.ndarray, label_mode: str | None, class_names: Sequence[str] | None
) -> tuple[Any, list]:
    """Encode labels as integer indices (and the class names)."""
    if values.dtype.kind in "iu" and class_names is None:
        names = [str(v) for v in range(int(values.max()) + 1)] if len(values) else []
        indices = values.astype(np.int64)
    else:
        names = list(class_names) if class_names is not None else sorted({str(v) for v in values})
        lookup = {name: i for i, name in enumerate(names)}
        unknown = sorted({str(v) for v in values} - set(lookup))
        if unknown:
            raise ValueError(f"Labels {unknown[:5]} are not in `class_names`. Received: class_names={names}")
        indices = np.array([lookup[str(v)] for v in values], dtype=np.int64)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(
            f"label_mode='binary' needs exactly 2 classes; found {len(names)}: {names[:10]}. "
            "Use label_mode='int' or 'categorical'. Received: label_mode='binary'"
        )
    return indices, names


def _encode(tf: Any, labels: Any, label_mode: str | None, num_classes: int) -> Any:
    if label_mode == "categorical":
        return tf.one_hot(labels, num_classes, dtype="float32")
    if label_mode == "binary":
        return tf.cast(tf.expand_dims(labels, -1), "float32")
    return tf.cast(labels, "int32")


def _split(count: int, validation_split: float | None, seed: int | None) -> dict[str, np.ndarray]:
    """Keras's split: shuffle the indices with ``seed``, the last fraction is validation."""
    order = np.random.default_rng(seed).permutation(count) if validation_split else np.arange(count)
    if not validation_split:
        return {"all": order}
    num_val = int(validation_split * count)
    if num_val == 0 or num_val == count:
        raise ValueError(
            f"`validation_split` leaves an empty split for {count} samples. "
            f"Received: validation_split={validation_split}"
        )
    return {"training": order[:-num_val], "validation": order[-num_val:]}


def _from_dataframe(
    tf: Any, frame: Any, image_size: tuple[int, int], options: dict
) -> tuple[dict[str, Any], list[str]]:
    x_col, y_col, label_mode = options["x_col"], options["y_col"], options["label_mode"]
    needed = [x_col] + ([y_col] if label_mode is not None else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The DataFrame has no column(s) {missing}. Available columns: {list(frame.columns)}. "
            f"Set x_col= and y_col= to the file-name and label columns. Received: x_col={x_col!r}, "
            f"y_col={y_col!r}"
        )
    base = Path(options["directory"]) if options["directory"] is not None else None
    paths = [str(base / str(p)) if base is not None else str(p) for p in frame[x_col]]
    kinds = [special_file_kind(p) for p in paths]  # os.stat only: a FIFO is never opened
    absent = [p for p, kind in zip(paths, kinds) if kind == "missing"]
    if absent:
        raise ValueError(
            f"{len(absent)} image file(s) in column {x_col!r} do not exist, e.g. {absent[:3]}. Check "
            f"`directory` (joined in front of relative names). Received: directory={options['directory']!r}"
        )
    special = [(p, kind) for p, kind in zip(paths, kinds) if kind is not None]
    if special:
        shown = ", ".join(f"{p!r} ({kind})" for p, kind in special[:5])
        raise ValueError(
            f"{len(special)} path(s) in column {x_col!r} are not regular files, e.g. {shown}; only regular "
            "files (or symbolic links to them) are read as images. Remove those rows. "
            f"Received: {len(special)} such row(s)"
        )
    if not paths:
        raise ValueError("The DataFrame has no rows. Received: source=<empty DataFrame>")
    channels = _CHANNELS[options["color_mode"]]
    keep, _ = check_images(paths, options["on_error"], decode=_tf_decode_check(tf, channels))
    if not keep.all():
        frame = frame[keep]
        paths = [p for p, ok in zip(paths, keep) if ok]
    labels, names = (
        _labels(np.asarray(frame[y_col]), label_mode, options["class_names"])
        if label_mode is not None
        else (None, [])
    )
    splits = _split(len(paths), options["validation_split"], options["seed"])
    datasets = {}
    for key, index in splits.items():
        encoded = None if labels is None else _encode(tf, labels[index], label_mode, len(names))
        datasets[key] = _paths_dataset(tf, [paths[i] for i in index], encoded, image_size, channels)
    return datasets, names


def _from_arrays(
    tf: Any, source: Any, image_size: tuple[int, int] | None, options: dict
) -> tuple[dict[str, Any], list[str]]:
    x, y = (source[0], source[1]) if isinstance(source, tuple) and len(source) == 2 else (source, None)
    if options["label_mode"] is None:
        y = None
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[0] == 0:
        raise ValueError(
            "Array `source` must be images of shape (samples, height, width[, channels]) or an (x, y) "
            f"tuple of them and labels. Received: source with shape {x.shape}"
        )
    label_mode = options["label_mode"]
    names: list[str] = []
    labels = None
    if y is not None:
        y = np.asarray(y)
        if len(y) != len(x):
            raise ValueError(
                f"`x` and `y` must have the same length. Received: {len(x)} images, {len(y)} labels"
            )
        if label_mode is not None and y.ndim == 1:
            labels, names = _labels(y, label_mode, options["class_names"])
        else:
            labels = y  # one-hot or multi-output targets: passed through
    datasets = {}
    for key, index in _split(len(x), options["validation_split"], options["seed"]).items():
        images = x[index].astype("float32")
        if image_size is not None and images.shape[1:3] != image_size:
            images = tf.image.resize(images, image_size).numpy()
        if labels is None:
            datasets[key] = tf.data.Dataset.from_tensor_slices(images)
            continue
        target = labels[index]
        if label_mode is not None and target.ndim == 1:
            target = _encode(tf, target, label_mode, len(names))
        datasets[key] = tf.data.Dataset.from_tensor_slices((images, target))
    return datasets, names


def _from_directory(
    source: Path, image_size: tuple[int, int], options: dict
) -> tuple[dict[str, Any], list[str]]:
    import keras

    classes = _check_directory(source)
    if options["class_names"] is not None:
        missing = sorted(set(options["class_names"]) - set(classes))
        if missing:
            raise ValueError(
                f"`class_names` {missing} are not subfolders of {str(source)!r} (found {classes}). "
                f"Received: class_names={list(options['class_names'])!r}"
            )
    listed = [
        (os.path.join(root, f), name)
        for name in (options["class_names"] or classes)
        for root, _, names in sorted(os.walk(source / name))
        for f in sorted(names)
        if f.lower().endswith(IMAGE_EXTENSIONS)
    ]
    kinds = [special_file_kind(f) for f, _ in listed]  # os.stat only: a FIFO is never opened
    warn_special_files([(f, kind) for (f, _), kind in zip(listed, kinds) if kind is not None], stacklevel=4)
    files = [item for item, kind in zip(listed, kinds) if kind is None]
    tf = require_tensorflow("image_dataset")
    channels = _CHANNELS[options["color_mode"]]
    keep, _ = check_images([f for f, _ in files], options["on_error"], decode=_tf_decode_check(tf, channels))
    names = list(options["class_names"] or classes)
    frame_options = dict(options, x_col="filename", y_col="class", directory=None, class_names=names)
    if not keep.all() or len(files) < len(listed):
        # Files were skipped: read the good ones by path, labels from their folders.
        import pandas as pd

        frame = pd.DataFrame([f for f, ok in zip(files, keep) if ok], columns=["filename", "class"])
        return _from_dataframe(tf, frame, image_size, frame_options)
    # Keras's own listing, shuffle and split (the same files for the same seed), read by our loader.
    split, subset = options["validation_split"], "both" if options["validation_split"] else None
    with contextlib.redirect_stdout(io.StringIO()):  # Keras prints "Using N files..." even when quiet
        result = keras.utils.image_dataset_from_directory(
            source,
            labels="inferred",
            label_mode=options["label_mode"],
            class_names=options["class_names"],
            color_mode=options["color_mode"],
            batch_size=None,
            image_size=image_size,
            shuffle=bool(split) or options["shuffle"],
            seed=options["seed"],
            validation_split=split,
            subset=subset,
            verbose=False,
        )
    parts = {"training": result[0], "validation": result[1]} if subset == "both" else {"all": result}
    class_of = {os.path.normpath(f): name for f, name in files}
    names = list(parts[next(iter(parts))].class_names)
    lookup = {name: i for i, name in enumerate(names)}
    datasets = {}
    for key, ds in parts.items():
        paths = [os.path.normpath(p) for p in ds.file_paths]
        if any(p not in class_of for p in paths):  # a listing we did not check: never read it
            import pandas as pd

            frame = pd.DataFrame(files, columns=["filename", "class"])
            return _from_dataframe(tf, frame, image_size, frame_options)
        labels = None
        if options["label_mode"] is not None:
            indices = np.array([lookup[class_of[p]] for p in paths], dtype=np.int64)
            labels = _encode(tf, indices, options["label_mode"], len(names))
        datasets[key] = _paths_dataset(tf, paths, labels, image_size, channels)
    return datasets, names


def _finish(tf: Any, ds: Any, train: bool, augment: Any, rescale: float | None, options: dict) -> Any:
    if options["cache"]:
        ds = ds.cache()
    if train and options["shuffle"]:
        size = int(ds.cardinality())
        buffer = _SHUFFLE_BUFFER if size < 0 else max(1, min(size, _SHUFFLE_BUFFER))
        ds = ds.shuffle(buffer, seed=options["seed"], reshuffle_each_iteration=True)
    ds = ds.batch(options["batch_size"])
    scale = None if rescale is None else float(rescale)

    def transform(x: Any) -> Any:  # augmentation and rescaling in one map: one hand-off less per batch
        if train and augment is not None:
            x = augment(x, training=True)
        return x if scale is None else x * scale

    if (train and augment is not None) or scale is not None:
        if options["labelled"]:
            ds = ds.map(lambda x, y: (transform(x), y), num_parallel_calls=tf.data.AUTOTUNE)
        else:
            ds = ds.map(transform, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def image_dataset(
    source: Any,
    image_size: Sequence[int] | None = None,
    batch_size: int = 32,
    augment: Any = None,
    validation_split: float | None = None,
    subset: str | None = None,
    cache: bool = True,
    shuffle: bool = True,
    seed: int | None = None,
    label_mode: str | None = "int",
    color_mode: str = "rgb",
    *,
    x_col: str = "filename",
    y_col: str = "class",
    directory: str | os.PathLike[str] | None = None,
    class_names: Sequence[str] | None = None,
    on_error: str = "raise",
) -> Any:
    """Build ``tf.data`` pipelines of images and labels, augmented on the training split.

    The pipeline decodes images in parallel, caches the decoded images (so
    files are read once), shuffles the training split each epoch, batches,
    applies ``augment`` to whole training batches in parallel
    (``num_parallel_calls=AUTOTUNE``) and prefetches. Validation data is never
    shuffled or augmented. Pixels stay in ``[0, 255]`` unless ``augment``
    rescales them.

    The course's ``flow_from_directory`` becomes::

        train, val = image_dataset("train_dir", (150, 150), batch_size=20,
                                   validation_split=0.2, seed=1, label_mode="binary",
                                   augment=dict(rotation_range=40, zoom_range=0.2,
                                                horizontal_flip=True, rescale=1 / 255))
        model.fit(train, validation_data=val, epochs=15)

    Args:
        source: A directory with one subfolder of images per class (read
            with ``keras.utils.image_dataset_from_directory``), a pandas
            DataFrame of file paths and labels (see ``x_col``, ``y_col``), or
            arrays: ``x`` or ``(x, y)`` with ``x`` of shape
            ``(samples, height, width[, channels])``.
        image_size: ``(height, width)`` every image is resized to; required
            for directories and DataFrames, optional for arrays. Defaults to
            ``None``.
        batch_size: Images per batch. Defaults to ``32``.
        augment: ``None``; a dict of :func:`augmentation_layers` arguments
            (the ``ImageDataGenerator`` names, built with ``fused=True``: one
            exact legacy warp per image; its ``rescale`` is applied to every
            split, as the legacy generator does); or augmentation
            layers / any callable ``f(images, training=True)``. Applied to the
            training split only. Defaults to ``None``.
        validation_split: Fraction held out for validation, or ``None``.
            Defaults to ``None``.
        subset: ``"training"``, ``"validation"``, ``"both"`` (a
            ``(train, validation)`` tuple), or ``None``: the whole set without
            ``validation_split``, ``"both"`` with it. Defaults to ``None``.
        cache: Cache decoded images in memory after the first epoch.
            Defaults to ``True``.
        shuffle: Shuffle the training split every epoch (buffer of up to
            1,024 images, after a full shuffle of the file order). Defaults to
            ``True``.
        seed: Seed for the split, shuffling and augmentation. Needed when
            ``subset`` is ``"training"`` or ``"validation"`` (both calls must
            split alike). Defaults to ``None``.
        label_mode: ``"int"`` (class index), ``"categorical"`` (one-hot),
            ``"binary"`` (float 0/1, shape ``(1,)``) or ``None`` (images
            only). Defaults to ``"int"``.
        color_mode: ``"rgb"``, ``"grayscale"`` or ``"rgba"``. Defaults to
            ``"rgb"``.
        x_col: DataFrame column of file paths. Defaults to ``"filename"``.
        y_col: DataFrame column of labels. Defaults to ``"class"``.
        directory: Folder joined in front of relative DataFrame paths.
            Defaults to ``None``.
        class_names: Explicit class order (directory subfolders or label
            values). Defaults to ``None`` (sorted).
        on_error: Every file is decode-checked with ``tf.io.decode_image``
            before the pipeline is built: ``"raise"`` names each corrupt,
            truncated or non-image file, each file in a format the decoder
            does not read (a TIFF named ``x.png``: the format comes from the
            file's first bytes), each file over
            ``kerasdl.data.image_files.MAX_IMAGE_FILE_BYTES`` and each image
            over ``PIL.Image.MAX_IMAGE_PIXELS``; ``"skip"`` warns about each
            and leaves it out. Paths that are not regular files (FIFOs,
            devices, dangling links) are skipped with a warning in a
            directory and refused in a DataFrame. Defaults to ``"raise"``.

    Returns:
        A ``tf.data.Dataset`` of ``(images, labels)`` batches (``images``
        only when ``label_mode`` is ``None``), or a ``(train, validation)``
        tuple for ``subset="both"``. Each has a ``class_names`` attribute.

    Raises:
        ValueError: For a missing or empty directory, class folders without
            images, unreadable image files (``on_error="raise"``), missing
            DataFrame columns or files, a malformed
            ``image_size``, an unknown choice, or a split without ``seed``.
        TypeError: If ``source`` or ``augment`` has an unsupported type.

    Example:

    >>> import tempfile
    >>> from kerasdl.datasets import make_image_folder
    >>> folder = make_image_folder(tempfile.mkdtemp(), num_per_class=5, image_size=(16, 16))
    >>> train, val = image_dataset(folder, (8, 8), batch_size=4, validation_split=0.2, seed=1,
    ...                            augment=dict(horizontal_flip=True, rescale=1 / 255))
    >>> train.class_names
    ['cats', 'dogs']
    >>> images, labels = next(iter(train))
    >>> tuple(images.shape), int(val.cardinality())
    ((4, 8, 8, 3), 1)
    """
    tf = require_tensorflow("image_dataset")
    check_positive_int(batch_size, "batch_size")
    subset = check_choice(subset, "subset", SUBSETS)
    label_mode = check_choice(label_mode, "label_mode", LABEL_MODES)
    color_mode = check_choice(color_mode, "color_mode", COLOR_MODES)
    if validation_split is not None:
        if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real):
            raise TypeError(
                "`validation_split` must be a float in (0, 1). "
                f"Received: validation_split={validation_split!r}"
            )
        if not 0 < validation_split < 1:
            raise ValueError(
                f"`validation_split` must be in (0, 1). Received: validation_split={validation_split!r}"
            )
    if subset is not None and validation_split is None:
        raise ValueError(
            f"`subset` needs `validation_split` (e.g. validation_split=0.2). Received: subset={subset!r}"
        )
    if validation_split and subset is None:
        subset = "both"
    if subset in ("training", "validation") and seed is None:
        raise ValueError(
            "`seed` must be set when `subset` is 'training' or 'validation', so that both calls split the "
            f"data the same way; or use subset='both'. Received: subset={subset!r}, seed=None"
        )
    if subset == "both" and seed is None:
        seed = int(np.random.default_rng().integers(1_000_000))
    if image_size is not None:
        image_size = check_shape(image_size, "image_size", rank=2, example="(150, 150)")
    augment_fn, rescale = _augment_fn(augment, seed)
    options = dict(
        batch_size=batch_size, validation_split=validation_split, cache=bool(cache), shuffle=bool(shuffle),
        seed=seed, label_mode=label_mode, color_mode=color_mode, x_col=x_col, y_col=y_col,
        directory=directory, class_names=class_names, labelled=label_mode is not None,
        on_error=check_choice(on_error, "on_error", ("raise", "skip")),
    )
    if isinstance(source, (str, os.PathLike)):
        if image_size is None:
            raise ValueError(
                "`image_size` is required for a directory, e.g. image_size=(150, 150). "
                "Received: image_size=None"
            )
        datasets, names = _from_directory(Path(source), image_size, options)  # type: ignore[arg-type]
    elif hasattr(source, "columns") and hasattr(source, "iloc"):
        if image_size is None:
            raise ValueError(
                "`image_size` is required for a DataFrame, e.g. image_size=(150, 150). "
                "Received: image_size=None"
            )
        datasets, names = _from_dataframe(tf, source, image_size, options)  # type: ignore[arg-type]
    elif isinstance(source, (np.ndarray, tuple, list)):
        has_y = isinstance(source, tuple) and len(source) == 2 and source[1] is not None
        options["labelled"] = has_y and label_mode is not None
        datasets, names = _from_arrays(tf, source, image_size, options)  # type: ignore[arg-type]
    else:
        raise TypeError(
            "`source` must be a directory path, a pandas DataFrame, or arrays x / (x, y). "
            f"Received: source of type {type(source).__name__}"
        )
    finished = {
        key: _finish(tf, ds, key != "validation", augment_fn, rescale, options)
        for key, ds in datasets.items()
    }
    for ds in finished.values():
        ds.class_names = names
    if "all" in finished:
        return finished["all"]
    if subset == "both":
        return finished["training"], finished["validation"]
    return finished[str(subset)]


__all__ = ["COLOR_MODES", "IMAGE_EXTENSIONS", "LABEL_MODES", "image_dataset"]
