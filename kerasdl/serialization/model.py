"""Whole models (architecture, weights, optimizer) that know kerasdl's registered classes."""

from __future__ import annotations

import json
import os
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

import keras

from kerasdl.serialization import limits
from kerasdl.serialization._safety import (
    check_model_config,
    check_objects,
    import_kerasdl_modules,
    keras_safe_mode,
)
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
        save_whole_model(model, tmp)
    return path


def save_whole_model(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """``model.save(path)``, leaving ``model`` as it was, whatever the format.

    Keras up to 3.15.1 (fixed upstream in keras-team/keras#23475) drops the
    optimizer from the model's stored compile configuration when it writes a
    legacy ``.h5`` file, so every later ``.keras`` save of the same model
    reloads with the default optimizer (RMSprop) and no optimizer state. The
    configuration is copied before the save and put back after it.
    """
    compile_config = getattr(model, "_compile_config", None)
    stored = getattr(compile_config, "config", None)
    before = dict(stored) if isinstance(stored, dict) else None
    try:
        model.save(path, overwrite=True)
    finally:
        if before is not None and isinstance(stored, dict):
            for key, value in before.items():
                stored.setdefault(key, value)


def _check_archive(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse a ``.keras`` archive whose declared sizes are a decompression bomb."""
    members = archive.infolist()
    declared = sum(member.file_size for member in members)
    stored = sum(member.compress_size for member in members)
    if len(members) > limits.MAX_ARCHIVE_MEMBERS:
        raise ValueError(
            f"{str(path)!r} holds {len(members):,} files; a .keras model holds a few (config.json, "
            f"metadata.json, model.weights.h5, assets). Refusing to open it. If it is genuine, raise "
            f"`kerasdl.serialization.limits.MAX_ARCHIVE_MEMBERS` ({limits.MAX_ARCHIVE_MEMBERS:,}). "
            f"Received: {len(members):,} members"
        )
    ratio = declared / max(stored, 1)
    if declared > limits.MAX_ARCHIVE_BYTES or (
        declared > limits.RATIO_CHECK_ABOVE_BYTES and ratio > limits.MAX_COMPRESSION_RATIO
    ):
        raise ValueError(
            f"{str(path)!r} declares {declared:,} bytes of content in {stored:,} compressed bytes "
            f"(ratio {ratio:,.0f}); trained weights hardly compress, so this is a decompression bomb "
            f"or not a model saved by Keras. Refusing to unpack it. Limits: "
            f"{limits.MAX_ARCHIVE_BYTES:,} bytes in all, ratio {limits.MAX_COMPRESSION_RATIO:,} above "
            f"{limits.RATIO_CHECK_ABOVE_BYTES:,} bytes; if the file is genuine, raise them in "
            f"`kerasdl.serialization.limits`. Received: declared={declared:,}, compressed={stored:,}"
        )
    try:
        config_size = archive.getinfo("config.json").file_size
    except KeyError:
        return  # reported by the caller
    if config_size > limits.MAX_CONFIG_BYTES:
        raise ValueError(
            f"{str(path)!r} has a config.json of {config_size:,} bytes; model configs are kilobytes "
            f"to a few megabytes. Refusing to read it (limit "
            f"`kerasdl.serialization.limits.MAX_CONFIG_BYTES` = {limits.MAX_CONFIG_BYTES:,}). "
            f"Received: {config_size:,} bytes"
        )


def _stored_config(path: Path) -> tuple[Any, Any]:
    """The model config (and legacy training config) stored in a ``.keras`` or ``.h5`` file."""
    if path.suffix == ".keras":
        try:
            with zipfile.ZipFile(path) as archive:
                _check_archive(archive, path)
                return json.loads(archive.read("config.json")), None
        except (
            zipfile.BadZipFile,
            KeyError,
            json.JSONDecodeError,
            UnicodeDecodeError,
            zlib.error,
            EOFError,
            NotImplementedError,
        ) as error:
            raise ValueError(
                f"{str(path)!r} is not a valid .keras archive ({type(error).__name__}: {error}); it "
                "may be truncated or corrupt. Save the model again, or load an earlier copy. "
                f"Received: path={str(path)!r}"
            ) from None
        except RecursionError:
            raise ValueError(
                f"{str(path)!r} holds a config.json nested too deeply to be a model. "
                f"Received: path={str(path)!r}"
            ) from None
    import h5py

    if not h5py.is_hdf5(path):
        raise ValueError(
            f"{str(path)!r} is not an HDF5 file (a '.h5' model must be one); it may be truncated, "
            f"or another format renamed. Received: path={str(path)!r}"
        )
    try:
        with h5py.File(path, "r") as handle:
            raw = handle.attrs.get("model_config")
            training = handle.attrs.get("training_config")
    except (OSError, KeyError, ValueError) as error:
        raise ValueError(
            f"{str(path)!r} could not be read as an HDF5 model ({error}); it may be truncated or "
            f"corrupt. Save the model again, or load an earlier copy. Received: path={str(path)!r}"
        ) from None
    if raw is None:
        raise ValueError(
            f"{str(path)!r} holds weights only (no model_config): build the model and use "
            f"`load_weights`. Received: path={str(path)!r}"
        )
    return _parse_attribute(raw, "model_config", path), _parse_attribute(training, "training_config", path)


def _parse_attribute(raw: Any, name: str, path: Path) -> Any:
    if raw is None:
        return None
    if isinstance(raw, bytes) and len(raw) > limits.MAX_CONFIG_BYTES:
        raise ValueError(
            f"{str(path)!r} stores a {name} of {len(raw):,} bytes; refusing to parse it (limit "
            f"`kerasdl.serialization.limits.MAX_CONFIG_BYTES` = {limits.MAX_CONFIG_BYTES:,}). "
            f"Received: {len(raw):,} bytes"
        )
    try:
        return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, TypeError) as error:
        raise ValueError(
            f"{str(path)!r} stores a {name} that is not valid JSON ({error}); the file is "
            f"corrupt or was not written by Keras. Received: path={str(path)!r}"
        ) from None


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
    config, training_config = _stored_config(path)
    import_kerasdl_modules(config)
    source = repr(str(path))
    check_model_config(config, source=source, safe_mode=safe_mode, custom_objects=custom_objects)
    if training_config is not None:
        check_objects(training_config, source=source, safe_mode=safe_mode, custom_objects=custom_objects)
    try:
        with keras_safe_mode(safe_mode):
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
        with keras_safe_mode(safe_mode):
            return keras.saving.load_model(
                path, custom_objects=custom_objects, compile=False, safe_mode=safe_mode
            )
