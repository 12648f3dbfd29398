"""Model architectures as JSON or YAML files, read safely.

YAML is written with ``yaml.safe_dump`` and read with PyYAML's safe loader
only, so a document carrying Python tags (``!!python/object/apply:os.system``...)
is refused before anything is built. YAML anchors and aliases are refused too:
Keras configs never use them, and aliases are how a 30 KB document expands to
billions of values. In safe mode (the default) only the objects on kerasdl's
allow-list are rebuilt (see :func:`load_architecture`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import keras
import yaml

from kerasdl.serialization import limits
from kerasdl.serialization._safety import check_model_config, import_kerasdl_modules, keras_safe_mode
from kerasdl.utils.io import atomic_write_text

_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def _format_of(path: Path) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            "The architecture file name must end in '.json', '.yaml' or '.yml' (the format is chosen "
            f"by the extension). Received: path={str(path)!r}"
        )
    return fmt


def _model_config(model: Any) -> dict[str, Any]:
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model. Received: model of type {type(model).__name__}")
    return json.loads(model.to_json())


def to_yaml(model: keras.Model) -> str:
    """Return the architecture of ``model`` as a YAML string (tf.keras 2.x ``model.to_yaml()``).

    Args:
        model: The model.

    Returns:
        The YAML text (plain data, no Python tags).

    Raises:
        TypeError: If ``model`` is not a ``keras.Model``.

    Example:

    >>> import keras
    >>> from kerasdl.serialization import to_yaml
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> "class_name: Sequential" in to_yaml(model).splitlines()
    True
    """
    return yaml.safe_dump(_model_config(model), sort_keys=False, default_flow_style=False)


class _NoAliasSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases as soon as the parser meets one."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__(mark)
        self.mark = mark


def parse_yaml(text: str, source: str = "the YAML document") -> Any:
    """Parse plain-data YAML safely, turning errors into clear ``ValueError``.

    Python tags, anchors (``&name``) and aliases (``*name``) are refused.
    """
    loader = _NoAliasSafeLoader(text)
    try:
        return loader.get_single_data()
    except _AliasRefused as refused:
        mark = refused.mark
        raise ValueError(
            f"{source} was refused: it uses a YAML anchor or alias (line {mark.line + 1}, column "
            f"{mark.column + 1}). Keras architectures never need them, and aliases let a small file "
            "expand to billions of values (an alias bomb). Re-export the model with "
            f"`save_architecture`, which writes plain YAML. Received: {text[mark.index : mark.index + 40]!r}"
        ) from None
    except yaml.constructor.ConstructorError as error:
        tag = str(error.problem or "")
        if "python/" in tag:
            raise ValueError(
                f"{source} was refused: it contains a Python-specific YAML tag ({tag.strip()}), "
                "which `yaml.load`/`yaml.unsafe_load` would turn into a Python object or a call (code "
                "execution). kerasdl reads YAML with `yaml.safe_load` only and nothing was executed. "
                f"Architecture files hold plain data; re-export it with `save_architecture`. "
                f"Received: {error.problem_mark}"
            ) from None
        raise ValueError(
            f"{source} was refused: it uses a YAML tag that plain-data YAML does not know ({tag.strip()}). "
            f"Received: {error.problem_mark}"
        ) from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ValueError(f"{source} is not valid YAML: {problem}{where}. Received: {text[:60]!r}") from None
    except RecursionError:
        raise ValueError(
            f"{source} is nested too deeply to be a model architecture. Received: {text[:20]!r}..."
        ) from None
    finally:
        loader.dispose()


def parse_json(text: str, source: str = "the JSON document") -> Any:
    """Parse JSON, turning errors into clear ``ValueError``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}. "
            f"Received: {text[:60]!r}"
        ) from None
    except RecursionError:
        raise ValueError(
            f"{source} is nested too deeply to be a model architecture. Received: {text[:20]!r}..."
        ) from None


def _shorten(text: str, limit: int = 600) -> str:
    """Keras appends the whole config to some errors: keep messages readable."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text) - limit:,} more characters)"


def model_from_config_safely(
    config: Any,
    *,
    source: str,
    custom_objects: dict[str, Any] | None = None,
    safe_mode: bool = True,
) -> keras.Model:
    """Check ``config`` (see :mod:`kerasdl.serialization._safety`) and rebuild the model."""
    import_kerasdl_modules(config)
    config = check_model_config(config, source=source, safe_mode=safe_mode, custom_objects=custom_objects)
    try:
        with keras_safe_mode(safe_mode):
            model = keras.saving.deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=safe_mode
            )
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(
            f"Could not rebuild a model from {source}: {_shorten(str(error))} If the model uses your own "
            "layers, register them with `@keras.saving.register_keras_serializable()` or pass "
            "`custom_objects={'Name': Class}`. "
            f"Received: class_name={config.get('class_name')!r}"
        ) from error
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"{source} describes a {type(model).__name__}, not a model. "
            f"Received: class_name={config.get('class_name')!r}"
        )
    return model


def model_from_yaml(
    text: str, custom_objects: dict[str, Any] | None = None, safe_mode: bool = True
) -> keras.Model:
    """Rebuild a model from a YAML string (tf.keras 2.x ``model_from_yaml``), safely.

    Args:
        text: YAML as written by :func:`to_yaml`.
        custom_objects: ``{"Name": class_or_function}`` for your own layers.
            Defaults to ``None``.
        safe_mode: Refuse serialized Python code (``Lambda`` layers).
            Defaults to ``True``.

    Returns:
        A new, uncompiled ``keras.Model`` with freshly initialised weights.

    Raises:
        ValueError: If the text is not valid YAML, uses Python tags, holds
            refused code, or is not a model architecture.

    Example:

    >>> import keras
    >>> from kerasdl.serialization import model_from_yaml, to_yaml
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> model_from_yaml(to_yaml(model)).output_shape
    (None, 2)
    """
    return model_from_config_safely(
        parse_yaml(text), source="the YAML document", custom_objects=custom_objects, safe_mode=safe_mode
    )


def model_from_json(
    text: str, custom_objects: dict[str, Any] | None = None, safe_mode: bool = True
) -> keras.Model:
    """``keras.models.model_from_json`` with kerasdl's checks and an explicit ``safe_mode``.

    Args:
        text: JSON as written by ``model.to_json()``.
        custom_objects: ``{"Name": class_or_function}`` for your own layers.
            Defaults to ``None``.
        safe_mode: Refuse serialized Python code (``Lambda`` layers).
            Defaults to ``True``.

    Returns:
        A new, uncompiled ``keras.Model``.

    Raises:
        ValueError: If the text is not valid JSON, holds refused code, or is
            not a model architecture.

    Example:

    >>> import keras
    >>> from kerasdl.serialization import model_from_json
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> model_from_json(model.to_json()).output_shape
    (None, 2)
    """
    return model_from_config_safely(
        parse_json(text), source="the JSON document", custom_objects=custom_objects, safe_mode=safe_mode
    )


def save_architecture(model: keras.Model, path: str | os.PathLike[str]) -> Path:
    """Write the architecture of ``model`` (no weights) as JSON or YAML, by extension.

    The course's ``model.to_json()`` / ``model.to_yaml()`` followed by a file
    write, in one atomic step. YAML is produced with ``yaml.safe_dump`` (plain
    data, readable by any YAML parser).

    Args:
        model: The model.
        path: A file name ending in ``.json``, ``.yaml`` or ``.yml``.

    Returns:
        The path written.

    Raises:
        ValueError: If the extension is not one of the three.
        TypeError: If ``model`` is not a ``keras.Model``.

    Example:

    >>> import os, tempfile, keras
    >>> from kerasdl.serialization import load_architecture, save_architecture
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = save_architecture(model, os.path.join(tempfile.mkdtemp(), "model.yaml"))
    >>> load_architecture(path).output_shape
    (None, 2)
    """
    path = Path(path)
    fmt = _format_of(path)
    if fmt == "json":
        if not isinstance(model, keras.Model):
            raise TypeError(f"`model` must be a keras.Model. Received: model of type {type(model).__name__}")
        text = model.to_json(indent=2) + "\n"
    else:
        text = to_yaml(model)
    atomic_write_text(path, text)
    return path


def load_architecture(
    path: str | os.PathLike[str],
    custom_objects: dict[str, Any] | None = None,
    safe_mode: bool = True,
) -> keras.Model:
    """Rebuild a model from a JSON or YAML architecture file, refusing anything unsafe.

    The weights are freshly initialised: load trained ones with
    :func:`kerasdl.serialization.load_weights`. YAML is read with
    ``yaml.safe_load`` only. kerasdl's own layers and models resolve without
    ``custom_objects``.

    ``safe_mode=False`` is the only way to allow serialized Python code: a
    global ``keras.config.enable_unsafe_deserialization()`` does not switch off
    kerasdl's check, nor Keras's own safe mode during the call, so a file from
    an untrusted source is never run because of a setting made elsewhere in a
    notebook. In safe mode only the objects on kerasdl's allow-list are rebuilt:
    Keras's data-only classes, operations and activation/loss/metric functions,
    kerasdl's classes, registered classes and ``custom_objects``; ``Lambda``,
    ``TorchModuleWrapper``, ``JaxLayer``/``FlaxLayer``, ``TFSMLayer``, classes
    from other modules and lookup layers reading a vocabulary file are refused
    (see the "Security and file safety" page of the docs).

    Args:
        path: A ``.json``, ``.yaml`` or ``.yml`` file.
        custom_objects: ``{"Name": class_or_function}`` for your own layers.
            Defaults to ``None``.
        safe_mode: Refuse ``Lambda`` layers and other serialized Python code.
            Defaults to ``True``.

    Returns:
        A new, uncompiled ``keras.Model``.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If the file is malformed, carries Python YAML tags,
            holds refused code or does not describe a model.

    Example:

    >>> import os, tempfile, keras
    >>> from kerasdl.serialization import load_architecture, save_architecture
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = save_architecture(model, os.path.join(tempfile.mkdtemp(), "model.json"))
    >>> load_architecture(path).count_params()
    8
    """
    path = Path(path)
    fmt = _format_of(path)
    if not path.is_file():
        raise FileNotFoundError(f"No architecture file at {str(path)!r}. Received: path={str(path)!r}")
    size = path.stat().st_size
    if size > limits.MAX_CONFIG_BYTES:
        raise ValueError(
            f"{str(path)!r} is {size:,} bytes, too large for a model architecture (limit "
            f"`kerasdl.serialization.limits.MAX_CONFIG_BYTES` = {limits.MAX_CONFIG_BYTES:,}; raise it if "
            f"the file is genuine). Received: {size:,} bytes"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"{str(path)!r} is not a UTF-8 text file, so it cannot be a JSON/YAML architecture "
            "(a weights or .keras file? use `load_weights` / `load_model`). "
            f"Received: path={str(path)!r}"
        ) from None
    if not text.strip():
        raise ValueError(f"{str(path)!r} is empty. Received: path={str(path)!r}")
    source = repr(str(path))
    config = parse_json(text, source) if fmt == "json" else parse_yaml(text, source)
    return model_from_config_safely(config, source=source, custom_objects=custom_objects, safe_mode=safe_mode)
