"""Weights in HDF5, accepting the legacy ``.h5`` names and files of tf.keras 2.x."""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import keras

from kerasdl.utils.io import atomic_write


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
    with h5py.File(path, "r") as handle:
        if "model_weights" in handle or "layer_names" in handle.attrs:
            return "legacy"
        if "vars" in handle or "layers" in handle:
            return "keras3"
    raise ValueError(
        f"{str(path)!r} is an HDF5 file but holds no Keras weights (no 'layers'/'vars' groups and no "
        f"'layer_names' attribute). Received: path={str(path)!r}"
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
        ValueError: If the file is not HDF5 or holds no Keras weights, or
            Keras reports a mismatch.

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
    if path.name.endswith(wanted_suffix) and not (kind == "legacy" and path.name.endswith(".weights.h5")):
        model.load_weights(path, skip_mismatch=skip_mismatch)
        return
    # Keras picks the reader by file name: load a renamed copy.
    with tempfile.TemporaryDirectory(prefix="kerasdl-weights-") as folder:
        copy = Path(folder) / f"weights{wanted_suffix}"
        shutil.copyfile(path, copy)
        model.load_weights(copy, skip_mismatch=skip_mismatch)
