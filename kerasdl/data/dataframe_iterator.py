"""``flow_from_dataframe``: batches of images listed in a pandas DataFrame."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kerasdl.data import image_files
from kerasdl.data.iterators import _FileIterator
from kerasdl.utils.validation import check_choice

if TYPE_CHECKING:  # pragma: no cover
    from kerasdl.data.image_data_generator import ImageDataGenerator


def _require_columns(df: Any, columns: Sequence[str], argument: str, value: Any) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"`{argument}` names column(s) {missing} that the DataFrame does not have; its columns are "
            f"{list(df.columns)}. Pass the right column name. Received: {argument}={value!r}"
        )


class DataFrameIterator(_FileIterator):
    """Batches from image paths and labels in a DataFrame (``flow_from_dataframe``).

    Class modes as in the legacy class: ``"binary"`` and ``"sparse"`` (string
    labels), ``"categorical"`` (a string, or a list of strings for
    multi-label rows), ``"raw"`` (the ``y_col`` values as they are; several
    columns give a matrix), ``"multi_output"`` (``y_col`` is a list of
    columns, one output each), ``"input"`` (autoencoders) and ``None``.
    """

    allowed_class_modes = ("binary", "categorical", "input", "multi_output", "raw", "sparse", None)

    def __init__(
        self,
        dataframe: Any,
        directory: str | os.PathLike[str] | None = None,
        image_data_generator: ImageDataGenerator | None = None,
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
        keep_aspect_ratio: bool = False,
        dtype: str | None = None,
        validate_filenames: bool = True,
        on_error: str = "raise",
        validate_images: bool = True,
        **kwargs: Any,
    ) -> None:
        import pandas as pd

        self._set_processing_attrs(
            image_data_generator, target_size, color_mode, save_to_dir, save_prefix, save_format,
            subset, interpolation, keep_aspect_ratio, dtype,
        )
        if not isinstance(dataframe, pd.DataFrame):
            raise TypeError(
                "`dataframe` must be a pandas DataFrame with a column of file names and a column of "
                f"labels. Received: dataframe of type {type(dataframe).__name__}"
            )
        self.class_mode = check_choice(class_mode, "class_mode", self.allowed_class_modes)
        on_error = check_choice(on_error, "on_error", image_files.ON_ERROR)
        self.directory = os.fspath(directory) if directory else ""
        df = dataframe.copy()
        self._check_params(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            df = self._filter_valid_filepaths(df, x_col)
        labelled = self.class_mode not in ("input", "multi_output", "raw", None)
        if labelled:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split is not None:
            start, stop = int(self.split[0] * len(df)), int(self.split[1] * len(df))
            df = df.iloc[start:stop]
        paths = [os.path.join(self.directory, f) for f in df[x_col]]
        keep = self._check_files(paths, on_error, validate_images)
        df = df[keep]
        if labelled:
            self.classes: list[Any] | np.ndarray = [self._class_of(label) for label in df[y_col]]
            if self.class_mode != "categorical" or all(isinstance(c, int) for c in self.classes):
                self.classes = np.asarray(self.classes, dtype="int32")
        self.filenames = df[x_col].tolist()
        self.sample_weight = df[weight_col].to_numpy() if weight_col else None
        if self.class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        elif self.class_mode == "raw":
            self._targets = df[y_col].to_numpy()
        self.samples = len(self.filenames)
        kind = "validated" if validate_filenames else "non-validated"
        suffix = f" belonging to {len(self.class_indices)} classes" if labelled else ""
        print(f"Found {self.samples} {kind} image filenames{suffix}.")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed, **kwargs)

    def _class_of(self, label: Any) -> Any:
        if isinstance(label, (list, tuple)):
            return [self.class_indices[v] for v in label]
        return self.class_indices[label]

    def _check_params(self, df: Any, x_col: str, y_col: Any, weight_col: str | None, classes: Any) -> None:
        mode = self.class_mode
        _require_columns(df, [x_col], "x_col", x_col)
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(
                "With class_mode='multi_output', `y_col` must be a list of column names, one per "
                f"output. Received: y_col={y_col!r}"
            )
        if mode is not None and mode != "input":
            _require_columns(df, y_col if isinstance(y_col, list) else [y_col], "y_col", y_col)
        bad = [v for v in df[x_col] if not isinstance(v, str)]
        if bad:
            raise TypeError(
                f"All values in column x_col={x_col!r} must be strings (file names or paths). "
                f"Received: {bad[0]!r} of type {type(bad[0]).__name__}"
            )
        if mode in ("binary", "sparse") and not all(isinstance(v, str) for v in df[y_col]):
            raise TypeError(
                f"With class_mode={mode!r}, the values of y_col={y_col!r} must be strings (class "
                "names); convert them with df[y_col].astype(str), or use class_mode='raw' for numbers."
            )
        if mode == "binary":
            count = len(set(classes)) if classes else df[y_col].nunique()
            if count != 2:
                raise ValueError(
                    f"With class_mode='binary' there must be exactly 2 classes; found {count}. Use "
                    f"class_mode='categorical' for more. Received: class_mode='binary'"
                )
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple)) for v in df[y_col]):
            raise TypeError(
                f"With class_mode='categorical', the values of y_col={y_col!r} must be strings, or "
                "lists/tuples of strings for multi-label rows."
            )
        if classes and mode in ("input", "multi_output", "raw", None):
            warnings.warn(f"`classes` is ignored with class_mode={mode!r}.", stacklevel=4)
        if weight_col is not None:
            _require_columns(df, [weight_col], "weight_col", weight_col)
            if not np.issubdtype(df[weight_col].dtype, np.number):
                raise TypeError(
                    f"Column weight_col={weight_col!r} must be numeric. Received: {df[weight_col].dtype}"
                )

    @staticmethod
    def _filter_classes(
        df: Any, y_col: str | list[str], classes: Sequence[str] | None
    ) -> tuple[Any, list[str]]:
        df = df.copy()
        if classes:
            wanted = list(dict.fromkeys(classes))

            def keep_known(labels: Any) -> Any:
                if isinstance(labels, (list, tuple)):
                    return [c for c in labels if c in wanted] or None
                return labels if labels in wanted else None

            df[y_col] = df[y_col].apply(keep_known)
            return df.dropna(subset=[y_col]), wanted
        found: set[str] = set()
        for value in df[y_col]:
            found.update(value if isinstance(value, (list, tuple)) else [value])
        return df, sorted(found)

    def _filter_valid_filepaths(self, df: Any, x_col: str) -> Any:
        # os.stat only (never open): a FIFO or a device named x.jpg is dropped here, not read.
        paths = df[x_col].map(lambda name: os.path.join(self.directory, name))
        kinds = paths.map(
            lambda p: image_files.special_file_kind(p) if image_files.has_image_extension(p) else ""
        )
        mask = kinds.isna()
        invalid = df[x_col][~mask].tolist()
        if invalid:
            reasons = [kind or "not an image extension" for kind in kinds[~mask]]
            shown = ", ".join(f"{v!r} ({why})" for v, why in zip(invalid[:5], reasons)) + (
                " ..." if len(invalid) > 5 else ""
            )
            warnings.warn(
                f'Found {len(invalid)} invalid image filename(s) in x_col="{x_col}" (missing, not a '
                f"regular file, or not one of the extensions {', '.join(image_files.WHITE_LIST_FORMATS)}): "
                f"{shown}. These filename(s) will be ignored.",
                stacklevel=4,
            )
        return df[mask.to_numpy()]

    @property
    def labels(self) -> Any:
        if self.class_mode in ("multi_output", "raw"):
            return self._targets
        return self.classes
