"""The ImageDataGenerator iterators: ``keras.utils.PyDataset`` subclasses.

``model.fit(iterator, validation_data=other_iterator)`` works on every Keras
backend, and ``workers`` / ``use_multiprocessing`` / ``max_queue_size`` go to
the ``PyDataset`` constructor. Each batch is decoded and augmented in a
thread pool, chunk by chunk (see :mod:`kerasdl.data.transforms` and
:class:`~kerasdl.data.image_files.PackedBatch`). Batches are
reproducible: with a ``seed``, batch ``i`` of epoch ``e`` depends only on
``(seed, e, i)``, whichever worker computes it.

Discovery follows the legacy classes exactly (sorted class folders, sorted
files, the same extension white-list and the same ``validation_split``
slices), and every file is decode-checked up front. Paths that are not
regular files (a FIFO, a device such as ``/dev/zero``, a socket, a dangling
link) are never opened: a folder scan skips them with a warning naming them,
and a file named explicitly (a DataFrame row with ``validate_filenames=False``)
fails the check like a corrupt file.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from kerasdl.data import image_files
from kerasdl.utils.validation import check_choice, check_positive_int

if TYPE_CHECKING:  # pragma: no cover
    from kerasdl.data.image_data_generator import ImageDataGenerator


def _split_for(generator: ImageDataGenerator | None, subset: str | None) -> tuple[float, float] | None:
    if subset is None:
        return None
    subset = check_choice(subset, "subset", ("training", "validation"))
    split = getattr(generator, "_validation_split", 0.0) if generator is not None else 0.0
    if not split:
        raise ValueError(
            f"`subset={subset!r}` needs a `validation_split` between 0 and 1 in the "
            "ImageDataGenerator, e.g. ImageDataGenerator(validation_split=0.2). "
            f"Received: subset={subset!r} with validation_split={split!r}"
        )
    return (0.0, split) if subset == "validation" else (split, 1.0)


class Iterator(keras.utils.PyDataset):
    """Base class of the iterators: batching, shuffling and seeding.

    Args:
        n: Number of samples.
        batch_size: Samples per batch.
        shuffle: Reshuffle the samples every epoch.
        seed: Seed for shuffling and augmentation, or ``None``.
        **kwargs: ``workers``, ``use_multiprocessing`` and ``max_queue_size``
            for ``keras.utils.PyDataset``.

    Iterating with ``next(iterator)`` cycles forever, as the legacy iterators
    did; ``model.fit`` uses ``len(iterator)`` batches per epoch.
    """

    white_list_formats = image_files.WHITE_LIST_FORMATS

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = int(n)
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.shuffle = bool(shuffle)
        self.seed = seed
        self._base_seed = int(seed) if seed is not None else int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 (np.random.seed works)
        self.epoch = 0
        self.batch_index = 0
        self.lock = threading.Lock()
        self.index_array: np.ndarray = np.arange(self.n)
        self._set_index_array()

    def _set_index_array(self) -> None:
        if self.shuffle:
            self.index_array = np.random.default_rng([self._base_seed, self.epoch]).permutation(self.n)
        else:
            self.index_array = np.arange(self.n)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, idx: int) -> Any:
        if not 0 <= idx < len(self):
            raise IndexError(f"Asked for batch {idx}, but the iterator has {len(self)} batches.")
        indices = self.index_array[self.batch_size * idx : self.batch_size * (idx + 1)]
        rng = np.random.default_rng([self._base_seed, self.epoch, idx])
        return self._get_batches_of_transformed_samples(indices, rng)

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._set_index_array()

    def reset(self) -> None:
        """Restart ``next()`` iteration at the first batch."""
        self.batch_index = 0

    def __iter__(self) -> Iterator:
        return self

    def __next__(self) -> Any:
        if len(self) == 0:
            raise StopIteration
        with self.lock:
            idx = self.batch_index
            self.batch_index = (idx + 1) % len(self)
            batch = self[idx]
            if self.batch_index == 0:
                self.on_epoch_end()
        return batch

    def _save(self, batch_x: np.ndarray, index_array: np.ndarray) -> None:
        image_files.save_images(batch_x, index_array, self.save_to_dir, self.save_prefix, self.save_format)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray, rng: np.random.Generator) -> Any:
        raise NotImplementedError


def _augment(
    generator: ImageDataGenerator | None, batch: np.ndarray, rng: np.random.Generator, dtype: str
) -> np.ndarray:
    if generator is None:
        return batch.astype(dtype)
    return generator._transform_batch(batch, rng).astype(dtype, copy=False)


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from in-memory arrays (``ImageDataGenerator.flow``)."""

    def __init__(
        self,
        x: Any,
        y: Any,
        image_data_generator: ImageDataGenerator,
        batch_size: int = 32,
        shuffle: bool = False,
        sample_weight: Any = None,
        seed: int | None = None,
        save_to_dir: str | os.PathLike[str] | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        subset: str | None = None,
        ignore_class_split: bool = False,
        dtype: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.dtype = dtype or keras.config.floatx()
        x_misc: list[np.ndarray] = []
        if isinstance(x, (tuple, list)) and not all(np.ndim(item) == 3 for item in x):  # (images, extra)
            x_misc = [np.asarray(v) for v in (x[1] if isinstance(x[1], list) else [x[1]])]
            x = x[0]
        try:
            x = np.asarray(x)
        except ValueError as error:
            raise ValueError(
                "`x` must be one array of images of shape (n, height, width, channels); images of "
                "different sizes cannot be stacked (resize them, or use flow_from_directory with "
                f"target_size). Received: x={type(x).__name__} ({error})"
            ) from error
        if x.ndim != 4:
            raise ValueError(
                "`x` must have rank 4: (n, height, width, channels); add a channel axis to grayscale "
                f"images with x[..., None]. Received: x.shape={x.shape}"
            )
        for name, other in [("y", y), ("sample_weight", sample_weight)] + [("x[1]", m) for m in x_misc]:
            if other is not None and len(other) != len(x):
                raise ValueError(
                    f"`x` and `{name}` must have the same length. "
                    f"Received: len(x)={len(x)}, len({name})={len(other)}"
                )
        if x.shape[3] not in (1, 3, 4):
            warnings.warn(
                f"`x` should have 1, 3 or 4 channels on its last axis; it has {x.shape[3]} "
                f"(shape {x.shape}).",
                stacklevel=3,
            )
        split = _split_for(image_data_generator, subset)
        y = None if y is None else np.asarray(y)
        if split is not None:
            cut = int(len(x) * split[1 if subset == "validation" else 0])
            if (
                y is not None
                and not ignore_class_split
                and not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:]))
            ):
                raise ValueError(
                    "Training and validation subsets have different classes after the split. If your "
                    "arrays are sorted by label, shuffle them first (or pass ignore_class_split=True)."
                )
            part = slice(0, cut) if subset == "validation" else slice(cut, None)
            x, x_misc = x[part], [m[part] for m in x_misc]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else np.asarray(sample_weight)[part]
        self.x, self.y, self.x_misc = x, y, x_misc
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(len(x), batch_size, shuffle, seed, **kwargs)

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray, rng: np.random.Generator) -> Any:
        batch_x = _augment(self.image_data_generator, self.x[index_array], rng, self.dtype)
        if self.save_to_dir:
            self._save(batch_x, index_array)
        inputs = batch_x if not self.x_misc else [batch_x] + [m[index_array] for m in self.x_misc]
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


class _FileIterator(Iterator):
    """Shared batch logic of :class:`DirectoryIterator` and :class:`DataFrameIterator`."""

    def _set_processing_attrs(
        self,
        image_data_generator: ImageDataGenerator | None,
        target_size: Any,
        color_mode: str,
        save_to_dir: str | os.PathLike[str] | None,
        save_prefix: str,
        save_format: str,
        subset: str | None,
        interpolation: str,
        keep_aspect_ratio: bool,
        dtype: str | None,
    ) -> None:
        self.image_data_generator = image_data_generator
        self.target_size = image_files.check_target_size(target_size)
        self.color_mode = check_choice(color_mode, "color_mode", image_files.COLOR_MODES)
        self.interpolation = check_choice(interpolation, "interpolation", tuple(image_files.INTERPOLATIONS))
        self.keep_aspect_ratio = bool(keep_aspect_ratio)
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}[self.color_mode]
        self.image_shape = (*self.target_size, channels)
        self.data_format = "channels_last"
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.subset = subset
        self.split = _split_for(image_data_generator, subset)
        self.dtype = dtype or keras.config.floatx()

    def _check_files(self, paths: Sequence[str], on_error: str, validate_images: bool) -> np.ndarray:
        """Decode-check ``paths``; return the mask of files to keep."""
        if not validate_images or not paths:
            return np.ones(len(paths), dtype=bool)
        keep, modes = image_files.check_images(paths, on_error)
        image_files.warn_mixed_modes(modes, self.color_mode, [p for p, k in zip(paths, keep) if k])
        return keep

    @property
    def filepaths(self) -> list[str]:
        """Absolute (or directory-joined) paths of the image files."""
        return self._filepaths

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray, rng: np.random.Generator) -> Any:
        paths = [self._filepaths[i] for i in index_array]
        options = dict(
            color_mode=self.color_mode, target_size=self.target_size, interpolation=self.interpolation,
            keep_aspect_ratio=self.keep_aspect_ratio,
        )
        generator = self.image_data_generator
        # With a generator, RGB(A) images are decoded into 4-byte pixels (as the warp gathers them),
        # chunk by chunk inside the warp's own thread-pool tasks.
        pending = image_files.packed_batch(paths, **options) if generator is not None else None
        if generator is not None and pending is not None:
            batch_x = generator._transform_batch(pending.array, rng, decode=pending.decode)
            batch_x = batch_x.astype(self.dtype, copy=False)
        else:
            raw = image_files.load_images(paths, **options)
            batch_x = _augment(generator, raw, rng, self.dtype)
        if self.save_to_dir:
            self._save(batch_x, index_array)
        mode = self.class_mode
        if mode is None:
            return batch_x
        if mode == "input":
            batch_y: Any = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray(self.classes)[index_array].astype(self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for row, sample in enumerate(index_array):
                batch_y[row, self.classes[sample]] = 1.0  # a list of classes gives a multi-hot row
        elif mode == "multi_output":
            batch_y = [output[index_array] for output in self.labels]
        else:  # raw
            batch_y = self.labels[index_array]
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]


class DirectoryIterator(_FileIterator):
    """Batches from a folder with one sub-folder per class (``flow_from_directory``).

    Attributes:
        class_indices: ``{class name: index}``, sorted folder names by default.
        filenames: Paths relative to ``directory`` (``"cats/cat.1.jpg"``).
        classes: ``int32`` class index of every file.
        samples: Number of files (also ``n``).
    """

    allowed_class_modes = ("categorical", "binary", "sparse", "input", None)

    def __init__(
        self,
        directory: str | os.PathLike[str],
        image_data_generator: ImageDataGenerator | None,
        target_size: tuple[int, int] = (256, 256),
        color_mode: str = "rgb",
        classes: Sequence[str] | None = None,
        class_mode: str | None = "categorical",
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        save_to_dir: str | os.PathLike[str] | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        follow_links: bool = False,
        subset: str | None = None,
        interpolation: str = "nearest",
        keep_aspect_ratio: bool = False,
        dtype: str | None = None,
        on_error: str = "raise",
        validate_images: bool = True,
        **kwargs: Any,
    ) -> None:
        self._set_processing_attrs(
            image_data_generator, target_size, color_mode, save_to_dir, save_prefix, save_format,
            subset, interpolation, keep_aspect_ratio, dtype,
        )
        self.class_mode = check_choice(class_mode, "class_mode", self.allowed_class_modes)
        on_error = check_choice(on_error, "on_error", image_files.ON_ERROR)
        self.directory = os.fspath(directory)
        if not os.path.isdir(self.directory):
            raise FileNotFoundError(
                f"`directory` must be an existing folder with one sub-folder of images per class "
                f"(directory/<class>/<image>). Received: directory={self.directory!r}"
            )
        if not classes:
            entries = sorted(os.listdir(self.directory))
            classes = [d for d in entries if os.path.isdir(os.path.join(self.directory, d))]
            if not classes:
                raise ValueError(
                    "`directory` has no class sub-folders: flow_from_directory expects "
                    "directory/<class>/<image> (put the images of each class in their own folder, "
                    f"even for a single class). Received: directory={self.directory!r}"
                )
        classes = list(classes)
        if self.class_mode == "binary" and len(classes) != 2:
            raise ValueError(
                f"class_mode='binary' needs exactly 2 class folders; found {len(classes)} "
                f"({', '.join(classes[:10])}). Use class_mode='categorical' or 'sparse', or pass "
                "classes=[...] with two names. Received: class_mode='binary'"
            )
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        per_class = [self._list_class(name, follow_links, on_error) for name in classes]
        filenames = [name for files in per_class for name in files]
        labels = [self.class_indices[c] for c, files in zip(classes, per_class) for _ in files]
        paths = [os.path.join(self.directory, f) for f in filenames]
        keep = self._check_files(paths, on_error, validate_images)
        self.filenames = [f for f, k in zip(filenames, keep) if k]
        self.classes = np.asarray([c for c, k in zip(labels, keep) if k], dtype="int32")
        self._filepaths = [p for p, k in zip(paths, keep) if k]
        self.samples = len(self.filenames)
        self.sample_weight = None
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        super().__init__(self.samples, batch_size, shuffle, seed, **kwargs)

    def _list_class(self, name: str, follow_links: bool, on_error: str) -> list[str]:
        folder = os.path.join(self.directory, name)
        if not os.path.isdir(folder):
            raise ValueError(
                f"`classes` names a folder that does not exist in `directory`: {folder!r}. "
                f"Received: classes entry {name!r}"
            )
        files = image_files.list_image_files(folder, follow_links)
        if not files:
            message = (
                f"The class folder {folder!r} holds no image files (accepted extensions: "
                f"{', '.join(image_files.WHITE_LIST_FORMATS)})"
            )
            if on_error == "raise":
                raise ValueError(f"{message}. Add images or remove the folder. Received: on_error='raise'")
            warnings.warn(f"{message}; class {name!r} has no samples.", stacklevel=5)
        if self.split is not None:
            files = files[int(self.split[0] * len(files)) : int(self.split[1] * len(files))]
        return [os.path.join(name, f) for f in files]

    @property
    def labels(self) -> np.ndarray:
        return self.classes
