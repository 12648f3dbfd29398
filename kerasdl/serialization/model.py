"""Whole models (architecture, weights, optimizer) that know kerasdl's registered classes."""

from __future__ import annotations

import json
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import keras

from kerasdl.serialization._safety import check_model_config, import_kerasdl_modules
from kerasdl.utils.io import atomic_write


def save_model(model: keras.Model, path: str | os.PathLike[str]) -> Path:
    """Save a whole model atomically: ``.keras`` (recommended) or the legacy ``.h5``.

    Args:
        model: The model.
        path: A ``.keras`` file (the Keras 3 format), or ``.h5`` for the
            legacy HDF5 format that tf.keras 2.x code reads.

    Returns:
        The path written.

    Raises:
        ValueError: If the extension is neither.
        TypeError: If ``model`` is not a ``keras.Model``.

    Example:

    >>> import os, tempfile, keras
    >>> from kerasdl.serialization import load_model, save_model
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = save_model(model, os.path.join(tempfile.mkdtemp(), "model.keras"))
    >>> load_model(path).output_shape
    (None, 2)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model. Received: model of type {type(model).__name__}")
    path = Path(path)
    if path.name.endswith(".weights.h5") or path.suffix not in (".keras", ".h5"):
        raise ValueError(
            "A model file name must end in '.keras' (recommended) or '.h5' (legacy HDF5); for weights "
            f"only use `save_weights` and a '.weights.h5' name. Received: path={str(path)!r}"
        )
    with atomic_write(path) as tmp:
        model.save(tmp, overwrite=True)
    return path


def _stored_config(path: Path) -> Any:
    """The model config stored in a ``.keras`` archive or a legacy ``.h5`` file."""
    if path.suffix == ".keras":
        try:
            with zipfile.ZipFile(path) as archive:
                return json.loads(archive.read("config.json"))
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as error:
            raise ValueError(
                f"{str(path)!r} is not a valid .keras archive ({error}); it may be truncated or "
                f"corrupt. Received: path={str(path)!r}"
            ) from None
    import h5py

    if not h5py.is_hdf5(path):
        raise ValueError(f"{str(path)!r} is not an HDF5 file. Received: path={str(path)!r}")
    with h5py.File(path, "r") as handle:
        raw = handle.attrs.get("model_config")
    if raw is None:
        raise ValueError(
            f"{str(path)!r} holds weights only (no model_config): build the model and use "
            f"`load_weights`. Received: path={str(path)!r}"
        )
    return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)


def load_model(
    path: str | os.PathLike[str],
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> keras.Model:
    """Load a ``.keras`` or legacy ``.h5`` model; kerasdl's classes need no ``custom_objects``.

    The stored architecture is checked first (see :func:`load_architecture`),
    the kerasdl modules it names are imported so that every class registered
    under the ``kerasdl`` package resolves, and then
    ``keras.saving.load_model`` does the work. A legacy ``.h5`` whose training
    configuration Keras 3 cannot rebuild (tf.keras 2.x string losses such as
    ``"mse"``) is loaded uncompiled, with a warning.

    Args:
        path: A ``.keras`` or ``.h5`` file.
        custom_objects: ``{"Name": class_or_function}`` for your own layers.
            Defaults to ``None``.
        compile: Whether to restore the training configuration.
            Defaults to ``True``.
        safe_mode: Refuse serialized Python code (``Lambda`` layers).
            Defaults to ``True``.

    Returns:
        The model.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If the file is corrupt or holds refused code.

    Example:

    >>> import os, tempfile
    >>> import kerasdl
    >>> from kerasdl.serialization import load_model, save_model
    >>> path = save_model(kerasdl.build_lenet(), os.path.join(tempfile.mkdtemp(), "lenet.keras"))
    >>> load_model(path).name
    'lenet5'
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No model file at {str(path)!r}. Received: path={str(path)!r}")
    if path.suffix not in (".keras", ".h5"):
        raise ValueError(f"A model file must end in '.keras' or '.h5'. Received: path={str(path)!r}")
    config = _stored_config(path)
    check_model_config(config, source=repr(str(path)), safe_mode=safe_mode)
    import_kerasdl_modules(config)
    try:
        return keras.saving.load_model(
            path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    except (TypeError, ValueError) as error:
        if not (compile and path.suffix == ".h5" and "deserialize" in str(error)):
            raise
        warnings.warn(
            f"The training configuration stored in {str(path)!r} could not be rebuilt by Keras 3 "
            f"({str(error)[:120]}...); the model was loaded uncompiled. Call `model.compile(...)` "
            "before training it.",
            UserWarning,
            stacklevel=2,
        )
        return keras.saving.load_model(
            path, custom_objects=custom_objects, compile=False, safe_mode=safe_mode
        )
