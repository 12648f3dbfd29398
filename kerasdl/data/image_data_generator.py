"""``ImageDataGenerator`` for Keras 3: the tf.keras 2.x API, on every backend, batch-vectorized.

Keras 3 no longer exports ``ImageDataGenerator``. This one keeps its
constructor arguments, its random-parameter semantics and its transform
dictionaries, and its iterators are ``keras.utils.PyDataset`` objects, so
course code such as::

    datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=40, horizontal_flip=True)
    train = datagen.flow_from_directory("train", target_size=(150, 150), class_mode="binary")
    model.fit(train, epochs=15, validation_data=val)   # fit_generator is gone in Keras 3

runs unchanged on TensorFlow, JAX and PyTorch. The difference is inside: a
batch is augmented at once (one affine matrix per image, one compiled
resampling loop over the whole batch, run on every core, with the JPEG
decoding of one chunk of the batch overlapping the warp of another) instead
of image by image and channel by channel through SciPy: about 8x the legacy
class's images per second on the course preset (``docs/benchmarks.md``).
"""

from __future__ import annotations

import numbers
import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any, cast

import keras
import numpy as np

from kerasdl.data import transforms
from kerasdl.data._augment import _AugmentMixin
from kerasdl.data.dataframe_iterator import DataFrameIterator
from kerasdl.data.iterators import DirectoryIterator, NumpyArrayIterator
from kerasdl.utils.validation import check_choice


def _check_range(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(f"`{name}` must be a number >= 0. Received: {name}={value!r}")
    return cast(float, value)


def _check_shift(value: Any, name: str) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value)
        if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.number):
            raise ValueError(
                f"`{name}` must be a float (fraction of the size, or pixels if >= 1), an int (pixels) "
                f"or a 1-D list of allowed values. Received: {name}={value!r}"
            )
        return value
    return _check_range(value, name)


class ImageDataGenerator(_AugmentMixin):
    """Real-time image augmentation with the tf.keras 2.x API, for Keras 3 on any backend.

    Every argument keeps its legacy meaning. The iterators returned by
    :meth:`flow`, :meth:`flow_from_directory` and :meth:`flow_from_dataframe`
    are ``keras.utils.PyDataset`` objects: pass them to ``model.fit`` (there
    is no ``fit_generator`` in Keras 3), with ``workers`` and
    ``use_multiprocessing`` given to the ``flow*`` call.

    Args:
        featurewise_center: Subtract the data set mean (per channel; see
            :meth:`fit`). Defaults to ``False``.
        samplewise_center: Subtract each image's mean. Defaults to ``False``.
        featurewise_std_normalization: Divide by the data set standard
            deviation (per channel; implies ``featurewise_center``).
            Defaults to ``False``.
        samplewise_std_normalization: Divide each image by its standard
            deviation (implies ``samplewise_center``). Defaults to ``False``.
        zca_whitening: Apply ZCA whitening (fitted by :meth:`fit`; implies
            ``featurewise_center`` and turns off
            ``featurewise_std_normalization``, as in the legacy class).
            Defaults to ``False``.
        zca_epsilon: Epsilon for ZCA whitening. Defaults to ``1e-6``.
        rotation_range: Random rotations in ``[-r, r]`` degrees. Defaults to ``0``.
        width_shift_range: Horizontal shift: a float < 1 is a fraction of the
            width, a float >= 1 a number of pixels, an int ``k`` whole pixels
            in ``(-k, k)``, a list the allowed values (either sign). Defaults
            to ``0.0``.
        height_shift_range: Vertical shift, as ``width_shift_range``.
            Defaults to ``0.0``. Note: kerasdl reproduces the legacy class
            that ships with Keras 3 exactly, and there, for channels-last
            images, the shift drawn from
            ``height_shift_range`` (scaled by the height) moves the image
            along the width and the one from ``width_shift_range`` along
            the height. With equal ranges on square images, as in the
            course preset, the two are indistinguishable; use
            ``kerasdl.data.augmentation_layers`` for the documented axes.
        brightness_range: ``(low, high)`` brightness factors, or ``None``.
            Defaults to ``None``.
        shear_range: Shear angle range in degrees (counter-clockwise).
            Defaults to ``0.0``.
        zoom_range: A float ``z`` for ``[1 - z, 1 + z]`` or a ``[low, high]``
            pair; row and column factors are drawn independently. Defaults
            to ``0.0``.
        channel_shift_range: Random shifts in ``[-c, c]`` added to all
            channels. Defaults to ``0.0``.
        fill_mode: ``"nearest"``, ``"constant"``, ``"reflect"`` or
            ``"wrap"``. Defaults to ``"nearest"``.
        cval: Fill value for ``fill_mode="constant"``. Defaults to ``0.0``.
        horizontal_flip: Randomly mirror left-right. Defaults to ``False``.
        vertical_flip: Randomly mirror top-bottom. Defaults to ``False``.
        rescale: Multiply the data by this value after augmentation (e.g.
            ``1 / 255``). Defaults to ``None``.
        preprocessing_function: Called on each image (a 3-D array) after
            augmentation and before ``rescale``; must return the same shape.
            Defaults to ``None``.
        data_format: Only ``"channels_last"`` is supported. Defaults to
            ``None`` (channels last).
        validation_split: Fraction of the data reserved for ``subset="validation"``.
            Defaults to ``0.0``.
        interpolation_order: ``1`` (bilinear) or ``0`` (nearest) for the
            affine resampling. Defaults to ``1``.
        dtype: Output dtype. Defaults to ``None`` (``keras.config.floatx()``).

    Raises:
        ValueError: If an argument is out of range or of the wrong form.

    Example:

    >>> import numpy as np
    >>> from kerasdl.data import ImageDataGenerator
    >>> datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=40, horizontal_flip=True)
    >>> x = np.random.default_rng(0).integers(0, 256, (10, 8, 8, 3))
    >>> batch_x, batch_y = next(datagen.flow(x, np.arange(10), batch_size=4, seed=1))
    >>> batch_x.shape, batch_x.dtype, float(batch_x.max()) <= 1.0
    ((4, 8, 8, 3), dtype('float32'), True)
    """

    def __init__(
        self,
        featurewise_center: bool = False,
        samplewise_center: bool = False,
        featurewise_std_normalization: bool = False,
        samplewise_std_normalization: bool = False,
        zca_whitening: bool = False,
        zca_epsilon: float = 1e-6,
        rotation_range: float = 0,
        width_shift_range: float | Sequence[float] = 0.0,
        height_shift_range: float | Sequence[float] = 0.0,
        brightness_range: Sequence[float] | None = None,
        shear_range: float = 0.0,
        zoom_range: float | Sequence[float] = 0.0,
        channel_shift_range: float = 0.0,
        fill_mode: str = "nearest",
        cval: float = 0.0,
        horizontal_flip: bool = False,
        vertical_flip: bool = False,
        rescale: float | None = None,
        preprocessing_function: Callable[[np.ndarray], np.ndarray] | None = None,
        data_format: str | None = None,
        validation_split: float = 0.0,
        interpolation_order: int = 1,
        dtype: str | None = None,
    ) -> None:
        if data_format not in (None, "channels_last"):
            raise ValueError(
                "kerasdl's ImageDataGenerator works on channels-last images only (the Keras 3 "
                "default); transpose channels-first arrays with np.moveaxis(x, 1, -1). "
                f"Received: data_format={data_format!r}"
            )
        self.data_format = "channels_last"
        self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        self.featurewise_center = bool(featurewise_center)
        self.samplewise_center = bool(samplewise_center)
        self.featurewise_std_normalization = bool(featurewise_std_normalization)
        self.samplewise_std_normalization = bool(samplewise_std_normalization)
        self.zca_whitening = bool(zca_whitening)
        self.zca_epsilon = zca_epsilon
        self.rotation_range = _check_range(rotation_range, "rotation_range")
        self.width_shift_range = _check_shift(width_shift_range, "width_shift_range")
        self.height_shift_range = _check_shift(height_shift_range, "height_shift_range")
        self.shear_range = _check_range(shear_range, "shear_range")
        self.channel_shift_range = _check_range(channel_shift_range, "channel_shift_range")
        self.fill_mode = check_choice(fill_mode, "fill_mode", transforms.FILL_MODES)
        self.cval = float(cval)
        self.horizontal_flip = bool(horizontal_flip)
        self.vertical_flip = bool(vertical_flip)
        self.rescale = rescale
        if preprocessing_function is not None and not callable(preprocessing_function):
            raise TypeError(
                "`preprocessing_function` must be a callable taking and returning one image, or None. "
                f"Received: preprocessing_function={preprocessing_function!r}"
            )
        self.preprocessing_function = preprocessing_function
        self.dtype = dtype or keras.config.floatx()
        if interpolation_order not in (0, 1):
            raise ValueError(
                "`interpolation_order` must be 1 (bilinear, the default) or 0 (nearest). "
                f"Received: interpolation_order={interpolation_order!r}"
            )
        self.interpolation_order = interpolation_order
        if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) or not (
            0 <= validation_split < 1
        ):
            raise ValueError(
                "`validation_split` must be a fraction in [0, 1), e.g. 0.2. "
                f"Received: validation_split={validation_split!r}"
            )
        self._validation_split = float(validation_split)
        if isinstance(zoom_range, numbers.Real) and not isinstance(zoom_range, bool):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif (
            isinstance(zoom_range, (list, tuple))
            and len(zoom_range) == 2
            and all(isinstance(v, numbers.Real) for v in zoom_range)
        ):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(
                "`zoom_range` must be a float z (for [1 - z, 1 + z]) or a [low, high] pair. "
                f"Received: zoom_range={zoom_range!r}"
            )
        if brightness_range is not None and (
            not isinstance(brightness_range, (list, tuple)) or len(brightness_range) != 2
        ):
            raise ValueError(
                "`brightness_range` must be a (low, high) pair of factors such as (0.8, 1.2), or None. "
                f"Received: brightness_range={brightness_range!r}"
            )
        self.brightness_range = brightness_range
        if self.zca_whitening:
            self.featurewise_center = True
            self.featurewise_std_normalization = False
        if self.featurewise_std_normalization:
            self.featurewise_center = True
        if self.samplewise_std_normalization:
            self.samplewise_center = True
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.zca_whitening_matrix: np.ndarray | None = None

    # ------------------------------------------------------------------ flows
    def flow(
        self,
        x: Any,
        y: Any = None,
        batch_size: int = 32,
        shuffle: bool = True,
        sample_weight: Any = None,
        seed: int | None = None,
        save_to_dir: str | os.PathLike[str] | None = None,
        save_prefix: str = "",
        save_format: str = "png",
        ignore_class_split: bool = False,
        subset: str | None = None,
        **kwargs: Any,
    ) -> NumpyArrayIterator:
        """Batches of augmented images from arrays.

        Args:
            x: Images ``(n, height, width, channels)``, or a tuple
                ``(images, extra_input_or_list)`` for models with several inputs.
            y: Labels, or ``None`` to yield images only. Defaults to ``None``.
            batch_size: Images per batch. Defaults to ``32``.
            shuffle: Reshuffle every epoch. Defaults to ``True``.
            sample_weight: Per-sample weights, yielded third. Defaults to ``None``.
            seed: Seed for shuffling and augmentation. Defaults to ``None``.
            save_to_dir: Folder to write each augmented image to (for
                inspection). Defaults to ``None``.
            save_prefix: File name prefix for ``save_to_dir``. Defaults to ``""``.
            save_format: ``"png"`` or ``"jpeg"``. Defaults to ``"png"``.
            ignore_class_split: Skip the check that both subsets hold every
                class. Defaults to ``False``.
            subset: ``"training"`` or ``"validation"`` (needs
                ``validation_split``; validation is the *first* fraction).
                Defaults to ``None``.
            **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size``
                for ``keras.utils.PyDataset``.

        Returns:
            A :class:`~kerasdl.data.iterators.NumpyArrayIterator` yielding
            ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.

        Example:

        >>> import numpy as np
        >>> it = ImageDataGenerator().flow(np.zeros((5, 4, 4, 1)), np.arange(5), batch_size=2)
        >>> len(it), it[2][0].shape
        (3, (1, 4, 4, 1))
        """
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype, **kwargs,
        )

    def flow_from_directory(
        self,
        directory: str | os.PathLike[str],
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
        on_error: str = "raise",
        validate_images: bool = True,
        **kwargs: Any,
    ) -> DirectoryIterator:
        """Batches of augmented images from ``directory/<class>/<image>``.

        Args:
            directory: The folder with one sub-folder per class.
            target_size: ``(height, width)`` every image is resized to.
                Defaults to ``(256, 256)``.
            color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``. Defaults to ``"rgb"``.
            classes: Class sub-folder names (their order gives the indices).
                Defaults to ``None`` (every sub-folder, sorted).
            class_mode: ``"categorical"`` (one-hot), ``"binary"``,
                ``"sparse"``, ``"input"`` or ``None`` (images only). Defaults
                to ``"categorical"``.
            batch_size: Images per batch. Defaults to ``32``.
            shuffle: Reshuffle every epoch. Defaults to ``True``.
            seed: Seed for shuffling and augmentation. Defaults to ``None``.
            save_to_dir: Folder to write augmented images to. Defaults to ``None``.
            save_prefix: File name prefix for ``save_to_dir``. Defaults to ``""``.
            save_format: ``"png"`` or ``"jpeg"``. Defaults to ``"png"``.
            follow_links: Follow symbolic links in class folders. Defaults to ``False``.
            subset: ``"training"`` or ``"validation"``: the last / first
                ``validation_split`` fraction of each class's sorted files.
                Defaults to ``None``.
            interpolation: Pillow resize filter (``"nearest"``,
                ``"bilinear"``, ``"bicubic"``, ``"hamming"``, ``"box"``,
                ``"lanczos"``). Defaults to ``"nearest"``.
            keep_aspect_ratio: Centre-crop to the target aspect ratio before
                resizing. Defaults to ``False``.
            on_error: ``"raise"`` for unreadable files and empty class
                folders, or ``"skip"`` to drop them with a warning naming each.
                Defaults to ``"raise"``.
            validate_images: Decode-check every file up front. Defaults to ``True``.
            **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size``.

        Returns:
            A :class:`~kerasdl.data.iterators.DirectoryIterator` with
            ``class_indices``, ``filenames``, ``classes`` and ``samples``.

        Raises:
            FileNotFoundError: If ``directory`` does not exist.
            ValueError: For a bad argument, no class folders, an empty class
                folder or unreadable images (with ``on_error="raise"``).

        Example:

        >>> import tempfile
        >>> from kerasdl.datasets import make_image_folder
        >>> root = make_image_folder(tempfile.mkdtemp(), num_per_class=3, image_size=(16, 16))
        >>> it = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        ...     root, target_size=(8, 8), class_mode="binary", batch_size=4)
        Found 6 images belonging to 2 classes.
        >>> it.class_indices, it[0][0].shape
        ({'cats': 0, 'dogs': 1}, (4, 8, 8, 3))
        """
        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            follow_links=follow_links, subset=subset, interpolation=interpolation,
            keep_aspect_ratio=keep_aspect_ratio, dtype=self.dtype, on_error=on_error,
            validate_images=validate_images, **kwargs,
        )

    def flow_from_dataframe(
        self,
        dataframe: Any,
        directory: str | os.PathLike[str] | None = None,
        x_col: str = "filename",
        y_col: str | list[str] = "class",
        weight_col: str | None = None,
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
        subset: str | None = None,
        interpolation: str = "nearest",
        validate_filenames: bool = True,
        keep_aspect_ratio: bool = False,
        on_error: str = "raise",
        validate_images: bool = True,
        **kwargs: Any,
    ) -> DataFrameIterator:
        """Batches of augmented images listed in a pandas DataFrame.

        Args:
            dataframe: A DataFrame with a file-name column and label column(s).
            directory: Folder the file names are relative to. Defaults to
                ``None`` (the names are paths).
            x_col: The file-name column. Defaults to ``"filename"``.
            y_col: The label column (a list of columns for ``"raw"`` or
                ``"multi_output"``). Defaults to ``"class"``.
            weight_col: A numeric column of sample weights. Defaults to ``None``.
            target_size: ``(height, width)``. Defaults to ``(256, 256)``.
            color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``. Defaults to ``"rgb"``.
            classes: The classes to keep (rows of other classes are dropped).
                Defaults to ``None`` (all, sorted).
            class_mode: ``"binary"``, ``"categorical"``, ``"sparse"``,
                ``"raw"``, ``"multi_output"``, ``"input"`` or ``None``.
                Defaults to ``"categorical"``.
            batch_size: Images per batch. Defaults to ``32``.
            shuffle: Reshuffle every epoch. Defaults to ``True``.
            seed: Seed. Defaults to ``None``.
            save_to_dir: Folder to write augmented images to. Defaults to ``None``.
            save_prefix: File name prefix. Defaults to ``""``.
            save_format: ``"png"`` or ``"jpeg"``. Defaults to ``"png"``.
            subset: ``"training"`` or ``"validation"`` (rows split in order).
                Defaults to ``None``.
            interpolation: Pillow resize filter. Defaults to ``"nearest"``.
            validate_filenames: Drop (with a warning) rows whose file is
                missing or has an unsupported extension. Defaults to ``True``.
            keep_aspect_ratio: Centre-crop before resizing. Defaults to ``False``.
            on_error: ``"raise"`` or ``"skip"`` for undecodable files.
                Defaults to ``"raise"``.
            validate_images: Decode-check every file up front. Defaults to ``True``.
            **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size``.

        Returns:
            A :class:`~kerasdl.data.dataframe_iterator.DataFrameIterator`.

        Raises:
            ValueError: If a named column is missing, or labels do not fit
                ``class_mode``.

        Example:

        >>> import tempfile, pandas as pd
        >>> from kerasdl.datasets import make_image_folder
        >>> root = make_image_folder(tempfile.mkdtemp(), num_per_class=2, image_size=(16, 16))
        >>> df = pd.DataFrame({"filename": ["cats/cats.0.jpg", "dogs/dogs.0.jpg"], "class": ["cat", "dog"]})
        >>> it = ImageDataGenerator().flow_from_dataframe(df, root, target_size=(8, 8), class_mode="sparse")
        Found 2 validated image filenames belonging to 2 classes.
        >>> it.class_indices
        {'cat': 0, 'dog': 1}
        """
        for old in ("has_ext", "sort", "drop_duplicates"):
            if kwargs.pop(old, None) is not None:
                warnings.warn(
                    f"`{old}` is deprecated and ignored (as in tf.keras 2.x).",
                    DeprecationWarning,
                    stacklevel=2,
                )
        if class_mode == "other":
            warnings.warn(
                'class_mode="other" is deprecated; use class_mode="raw".', DeprecationWarning, stacklevel=2
            )
            class_mode = "raw"
        return DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col,
            target_size=target_size, color_mode=color_mode, classes=classes, class_mode=class_mode,
            batch_size=batch_size, shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format, subset=subset, interpolation=interpolation,
            keep_aspect_ratio=keep_aspect_ratio, dtype=self.dtype, validate_filenames=validate_filenames,
            on_error=on_error, validate_images=validate_images, **kwargs,
        )
