"""Weights in HDF5, accepting the legacy ``.h5`` names and files of tf.keras 2.x."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

import keras

from kerasdl.utils.io import atomic_write

#: How many times its stored size a dataset of a weights file may declare, beyond its first MiB.
#: Keras writes weights uncompressed (1 to 1); a dataset declaring gigabytes it does not store
#: (never written, or compressed zeros) would be decompressed in full before any shape check.
#: Set ``kerasdl.serialization.weights.MAX_H5_EXPANSION`` to raise it.
MAX_H5_EXPANSION = 100
_H5_ALLOWANCE = 1 << 20
# What the HDF5 library and Keras's readers raise on a damaged file.
_READ_ERRORS = (OSError, RuntimeError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)


def _weights_name(path: Path) -> Path:
    """``w.h5`` / ``w.hdf5`` -> ``w.weights.h5`` (with a warning); ``w.weights.h5`` unchanged."""
    name = path.name
    if name.endswith(".weights.h5"):
        return path
    for legacy in (".h5", ".hdf5"):
        if name.endswith(legacy):
            new = path.with_name(name[: -len(legacy)] + ".weights.h5")
            warnings.warn(
                f"Keras 3 stores weights-only files under names ending in `.weights.h5` (tf.keras 2.x "
                f"accepted any `.h5`); writing {str(new)!r} instead of {str(path)!r}. "
                "`kerasdl.serialization.load_weights` accepts either name.",
                UserWarning,
                stacklevel=3,
            )
            return new
    raise ValueError(
        "A weights file name must end in `.weights.h5` (Keras 3), or the legacy `.h5`/`.hdf5` which is "
        f"mapped to `.weights.h5`. Received: path={str(path)!r}"
    )


def save_weights(model: keras.Model, path: str | os.PathLike[str]) -> Path:
    """Save the weights of ``model`` to HDF5, atomically.

    Keras 3 requires weights-only names to end in ``.weights.h5``; the course's
    ``model.save_weights("model.h5")`` names are accepted and mapped to
    ``model.weights.h5`` with a warning, so the file stays readable by plain
    ``model.load_weights`` too. The write goes to a temporary file renamed
    over the target, so an interrupted save never corrupts an existing file.

    Args:
        model: The (built) model.
        path: A ``.weights.h5`` name, or a legacy ``.h5``/``.hdf5`` name.

    Returns:
        The path actually written.

    Raises:
        ValueError: If the name has another extension.
        TypeError: If ``model`` is not a ``keras.Model``.

    Example:

    >>> import os, tempfile, keras
    >>> from kerasdl.serialization import load_weights, save_weights
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = save_weights(model, os.path.join(tempfile.mkdtemp(), "model.weights.h5"))
    >>> path.name
    'model.weights.h5'
    >>> load_weights(model, path)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model. Received: model of type {type(model).__name__}")
    target = _weights_name(Path(path))
    with atomic_write(target) as tmp:
        model.save_weights(tmp, overwrite=True)
    return target


def _hdf5_kind(path: Path) -> str:
    """``"keras3"`` (``.weights.h5`` layout), ``"legacy"`` (tf.keras weights or full model), ``"keras"``."""
    import h5py

    if path.suffix == ".keras":
        return "keras"
    if not h5py.is_hdf5(path):
        raise ValueError(
            f"{str(path)!r} is not an HDF5 file (truncated, corrupt, or another format). Weights files "
            f"are written by `save_weights` (.weights.h5) or tf.keras `save`/`save_weights` (.h5). "
            f"Received: path={str(path)!r}"
        )
    try:
        with h5py.File(path, "r") as handle:
            _check_datasets(handle, path)
            if "model_weights" in handle or "layer_names" in handle.attrs:
                return "legacy"
            if "vars" in handle or "layers" in handle:
                return "keras3"
    except _READ_ERRORS as error:
        raise _damaged(path, error) from error
    raise ValueError(
        f"{str(path)!r} is an HDF5 file but holds no Keras weights (no 'layers'/'vars' groups and no "
        f"'layer_names' attribute). Received: path={str(path)!r}"
    )


def _check_datasets(handle: object, path: Path) -> None:
    """Refuse datasets stored in other files, or declaring far more data than they store."""
    import h5py

    def visit(name: str, item: object) -> None:
        if not isinstance(item, h5py.Dataset):
            return
        if item.is_virtual or item.external:
            raise ValueError(
                f"{str(path)!r}: the dataset {name!r} takes its data from other files (an HDF5 external or "
                "virtual dataset), which no Keras weights file does; loading it would read those files. "
                f"Re-save the weights with `save_weights`. Received: path={str(path)!r}"
            )
        declared = int(item.size) * item.dtype.itemsize
        stored = int(item.id.get_storage_size())
        if declared > MAX_H5_EXPANSION * stored + _H5_ALLOWANCE:
            raise ValueError(
                f"{str(path)!r}: the dataset {name!r} declares shape {item.shape} ({declared:,} bytes) "
                "but stores "
                f"{stored:,} bytes, more than {MAX_H5_EXPANSION} times as much. The file is corrupt or a "
                "decompression bomb; re-save the weights with `save_weights` (if it is genuine, raise "
                f"kerasdl.serialization.weights.MAX_H5_EXPANSION). Received: path={str(path)!r}"
            )

    handle.visititems(visit)  # type: ignore[attr-defined]


def _damaged(path: Path, error: BaseException) -> ValueError:
    return ValueError(
        f"Could not read the weights in {str(path)!r}: {type(error).__name__}: {error}. The file is "
        "truncated "
        "or corrupt: re-save it with `save_weights` (or `model.save`), or copy it again. "
        f"Received: path={str(path)!r}"
    )


def load_weights(model: keras.Model, path: str | os.PathLike[str], skip_mismatch: bool = False) -> None:
    """Load weights into ``model`` from a Keras 3 or a legacy tf.keras HDF5 file.

    Accepts ``.weights.h5`` files, the legacy ``.h5`` name of one (``w.h5``
    finds ``w.weights.h5`` written by :func:`save_weights`), weights-only
    ``.h5`` files of tf.keras 2.x, the weights inside a legacy full-model
    ``.h5`` (``model.save("m.h5")``) and ``.keras`` archives.

    Args:
        model: A model with the same architecture, already built.
        path: The weights file.
        skip_mismatch: Skip layers whose weights do not match in shape.
            Defaults to ``False``.

    Raises:
        FileNotFoundError: If neither ``path`` nor its ``.weights.h5`` twin exists.
        ValueError: If the file is not HDF5, is truncated or corrupt (the
            HDF5, zip or zlib error is wrapped, naming the file), holds no
            Keras weights, has a dataset stored in other files or declaring
            more than ``MAX_H5_EXPANSION`` (100) times the bytes it stores,
            or Keras reports a mismatch.

    Example:

    >>> import os, tempfile, keras
    >>> from kerasdl.serialization import load_weights
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "legacy.h5")
    >>> model.save(path)  # tf.keras 2.x style full-model HDF5
    >>> load_weights(model, path)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model. Received: model of type {type(model).__name__}")
    path = Path(path)
    if not path.exists():
        twin = path.with_name(path.name.rsplit(".", 1)[0] + ".weights.h5")
        if path.suffix in (".h5", ".hdf5") and twin.exists():
            path = twin
        else:
            raise FileNotFoundError(f"No weights file at {str(path)!r}. Received: path={str(path)!r}")
    kind = _hdf5_kind(path)
    wanted_suffix = {"keras3": ".weights.h5", "legacy": ".h5", "keras": ".keras"}[kind]
    try:
        if path.name.endswith(wanted_suffix) and not (kind == "legacy" and path.name.endswith(".weights.h5")):
            model.load_weights(path, skip_mismatch=skip_mismatch)
            return
        # Keras picks the reader by file name: load a renamed copy.
        with tempfile.TemporaryDirectory(prefix="kerasdl-weights-") as folder:
            copy = Path(folder) / f"weights{wanted_suffix}"
            shutil.copyfile(path, copy)
            model.load_weights(copy, skip_mismatch=skip_mismatch)
    except _READ_ERRORS as error:
        raise _damaged(path, error) from error
