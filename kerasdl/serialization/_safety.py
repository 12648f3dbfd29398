"""Checks run on a model config before Keras rebuilds anything from it.

``safe_mode=True`` means the same thing whatever the process did before:

1. Every object in the config must be on kerasdl's allow-list
   (:mod:`kerasdl.serialization._allowlist`): the Keras classes whose config is
   plain data, Keras's graph operations and public activation/loss/metric
   functions, kerasdl's registered classes, classes the user registered with
   ``keras.saving.register_keras_serializable`` and names given in
   ``custom_objects``. ``Lambda``, ``TorchModuleWrapper`` (a pickle),
   ``JaxLayer``/``FlaxLayer``, ``TFSMLayer`` (a SavedModel graph), control-flow
   operations and any class from another module are refused, as is a lookup
   layer (``StringLookup``, ``IntegerLookup``, ``TextVectorization``) whose
   vocabulary is a file path.
2. Keras itself is called with its own safe mode switched on for the call
   (:func:`keras_safe_mode`), even after
   ``keras.config.enable_unsafe_deserialization()``.

The walk is bounded (:data:`kerasdl.serialization.limits.MAX_NODES`) and YAML
aliases are refused before parsing (see ``architecture.parse_yaml``), so a
small hostile document cannot cost minutes of CPU.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import keras

from kerasdl.serialization import _allowlist, limits

_KERASDL_MODULE = re.compile(r"^kerasdl(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_TRUST_HINT = (
    "Only pass `safe_mode=False` if you wrote the file yourself or fully trust its source: "
    "loading it can run Python code stored inside or read files of this machine."
)
_LOOKUP_LAYERS = frozenset({"StringLookup", "IntegerLookup", "TextVectorization"})


def _where(path: list[Any]) -> str:
    return "".join(f"[{p!r}]" for p in path) or "the top level"


def _is_keras_module(module: Any) -> bool:
    return module is None or (isinstance(module, str) and (module == "keras" or module.startswith("keras.")))


def _trusted_names(custom_objects: Mapping[str, Any] | None) -> set[str]:
    """Names the user vouched for: ``custom_objects`` and everything registered with Keras."""
    names = set(custom_objects or ())
    names.update(keras.saving.get_custom_objects())
    return names


_REGISTER_HINT = (
    " If the class is your own, register it with `@keras.saving.register_keras_serializable()` "
    "or pass `custom_objects={'Name': Class}`."
)
_WHY_REFUSED = {
    "Lambda": "a serialized Python function (a `Lambda` layer: its bytecode would run)",
    "TorchModuleWrapper": "a `TorchModuleWrapper` layer, whose module is a pickle (unpickling runs code)",
    "JaxLayer": "a `JaxLayer`, which wraps serialized Python functions",
    "FlaxLayer": "a `FlaxLayer`, which wraps serialized Python functions",
    "TFSMLayer": "a `TFSMLayer`, which loads and runs a TensorFlow SavedModel from a path",
    "Function": "a `keras.Function`, which is not part of a saved model",
}


def _refusal(source: str, path: list[Any], what: str, received: str, *, hint: bool = True) -> ValueError:
    return ValueError(
        f"{source} was refused: it contains {what} at {_where(path)}. Nothing was built or run. "
        f"{_TRUST_HINT}{_REGISTER_HINT if hint else ''} Received: {received}, safe_mode=True"
    )


def _check_object(node: Mapping[str, Any], path: list[Any], source: str, trusted: set[str]) -> None:
    """Refuse one serialized object (a mapping with a ``class_name``) that is not allowed."""
    class_name = node["class_name"]
    module = node.get("module")
    registered = node.get("registered_name")
    received = f"class_name={class_name!r}, module={module!r}"
    if class_name == "__lambda__" or node.get("function_type") == "lambda":
        raise _refusal(source, path, "a serialized Python function (a lambda)", received, hint=False)
    if class_name in _allowlist.REFUSED_CLASSES:
        what = _WHY_REFUSED.get(class_name, f"a `{class_name}` operation, which runs Python functions")
        raise _refusal(source, path, what, received, hint=False)
    if class_name in trusted or (isinstance(registered, str) and registered in trusted):
        return
    if isinstance(registered, str) and registered.startswith("kerasdl>"):
        if keras.saving.get_registered_object(registered) is not None:
            return
        raise _refusal(source, path, f"a kerasdl class that does not exist ({registered})", received)
    if class_name in _allowlist.INTERNAL_CLASSES:
        return
    if class_name == "function":
        name = node.get("config")
        if (module == "builtins" or _is_keras_module(module)) and name in _allowlist.KERAS_FUNCTIONS:
            return
        raise _refusal(
            source,
            path,
            f"a function ({module}.{name}) that is not a Keras activation, loss or metric",
            received,
        )
    if not _is_keras_module(module):
        raise _refusal(
            source,
            path,
            f"a class from outside Keras ({module}.{class_name}) that is neither "
            "registered nor in `custom_objects`",
            received,
        )
    allowed = class_name in _allowlist.KERAS_CLASSES or (
        isinstance(module, str)
        and module.startswith("keras.src.ops.")
        and class_name in _allowlist.KERAS_OPERATIONS
    )
    if not allowed:
        raise _refusal(
            source,
            path,
            f"`{class_name}`, which is not on kerasdl's list of Keras classes that hold plain data "
            f"(built from Keras {keras.__version__}); if you trust the file, pass "
            f"`custom_objects={{{class_name!r}: keras.layers.{class_name}}}`",
            received,
        )
    if class_name in _LOOKUP_LAYERS:
        inner = node.get("config")
        vocabulary = inner.get("vocabulary") if isinstance(inner, Mapping) else None
        if isinstance(vocabulary, str):
            raise _refusal(
                source,
                path,
                f"a `{class_name}` that takes its vocabulary from a file of this machine "
                f"({vocabulary!r}); a saved model carries its vocabulary inside the file",
                received,
                hint=False,
            )


def check_model_config(
    config: Any,
    *,
    source: str,
    safe_mode: bool,
    custom_objects: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate the shape of a model config and, in safe mode, allow only data-only objects.

    Call :func:`import_kerasdl_modules` first, so that kerasdl's registered
    classes are known.

    Args:
        config: The parsed JSON/YAML document.
        source: Where it came from, for the messages.
        safe_mode: Whether to apply the allow-list.
        custom_objects: Names the caller trusts. Defaults to ``None``.

    Returns:
        ``config``, unchanged.

    Raises:
        ValueError: If the document is not a model config, is too large, or
            (in safe mode) holds an object that is not allowed.
    """
    if not isinstance(config, Mapping) or not isinstance(config.get("class_name"), str):
        raise ValueError(
            f"{source} is not a Keras architecture: expected a mapping with a 'class_name' and a "
            "'config', as written by `save_architecture` or `model.to_json()`. "
            f"Received: a {type(config).__name__} at the top level"
        )
    if not isinstance(config.get("config"), Mapping):
        raise ValueError(
            f"{source} is not a Keras architecture: its 'config' entry must be a mapping. "
            f"Received: config={type(config.get('config')).__name__}"
        )
    version = str(config.get("keras_version", ""))
    if version.startswith(("1.", "2.")) and "module" not in config:
        raise ValueError(
            f"{source} was written by tf.keras {version}; Keras 3 cannot rebuild tf.keras 2.x "
            "architecture files. Rebuild the model in code (for example with a kerasdl `build_*` "
            "factory) and load the old weights with `kerasdl.serialization.load_weights`, which reads "
            f"legacy .h5 files. Received: keras_version={version!r}"
        )
    _walk(config, source=source, safe_mode=safe_mode, custom_objects=custom_objects)
    return dict(config)


def check_objects(
    tree: Any, *, source: str, safe_mode: bool, custom_objects: Mapping[str, Any] | None = None
) -> None:
    """Apply the size bound and (in safe mode) the allow-list to any parsed document.

    Used for the parts of a file that are not the model config itself, such as
    the ``training_config`` of a legacy ``.h5`` model.
    """
    _walk(tree, source=source, safe_mode=safe_mode, custom_objects=custom_objects)


def _walk(tree: Any, *, source: str, safe_mode: bool, custom_objects: Mapping[str, Any] | None) -> None:
    config = tree
    trusted = _trusted_names(custom_objects) if safe_mode else set()
    stack: list[tuple[Any, list[Any]]] = [(config, [])]
    nodes = 0
    while stack:
        node, path = stack.pop()
        nodes += 1 + (len(node) if isinstance(node, (Mapping, list)) else 0)
        if nodes > limits.MAX_NODES:
            raise ValueError(
                f"{source} is too large to be a model architecture (more than {limits.MAX_NODES:,} values). "
                "Refusing to load it. If it is genuine, raise "
                "`kerasdl.serialization.limits.MAX_NODES`. "
                f"Received: more than {limits.MAX_NODES:,} values"
            )
        if isinstance(node, Mapping):
            if safe_mode and isinstance(node.get("class_name"), str):
                _check_object(node, path, source, trusted)
            for key, value in node.items():
                if not isinstance(key, str):
                    raise ValueError(
                        f"{source} is not a Keras architecture: mapping keys must be strings, "
                        f"found {key!r} at {_where(path)}. Received: key={key!r}"
                    )
                if isinstance(value, (Mapping, list)):
                    stack.append((value, [*path, key]))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, (Mapping, list)):
                    stack.append((value, [*path, index]))


@contextlib.contextmanager
def keras_safe_mode(enabled: bool) -> Iterator[None]:
    """Run the block with Keras's own safe mode on when ``enabled``, whatever the global setting.

    ``keras.config.enable_unsafe_deserialization()`` makes Keras ignore the
    ``safe_mode=True`` argument of its loaders, and Keras has no public way to
    undo it. The scope Keras itself uses for nested loads is taken from the
    module that defines that public function; where a Keras release does not
    have it, the block runs unchanged (kerasdl's allow-list, checked before,
    already refused everything Keras's safe mode would).
    """
    scope = None
    if enabled:
        module = sys.modules.get(getattr(keras.config.enable_unsafe_deserialization, "__module__", ""))
        scope = getattr(module, "SafeModeScope", None)
    if scope is None:
        yield
        return
    with scope(True):
        yield


def import_kerasdl_modules(config: Any) -> None:
    """Import the kerasdl modules a config names, so their registered classes resolve.

    Only modules of the ``kerasdl`` package are ever imported; every other
    module name is left to Keras, which resolves classes through its registry
    and ``custom_objects`` (and imports only Keras-family modules).
    """
    from kerasdl.models.registry import list_models

    list_models()  # imports kerasdl.models, kerasdl.gan, kerasdl.text providers
    wanted: set[str] = set()
    stack = [config]
    seen = 0
    while stack and seen < limits.MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, Mapping):
            module = node.get("module")
            registered = node.get("registered_name")
            if isinstance(module, str) and _KERASDL_MODULE.match(module):
                wanted.add(module)
            elif isinstance(registered, str) and registered.startswith("kerasdl>"):
                wanted.add("kerasdl")
            stack.extend(v for v in node.values() if isinstance(v, (Mapping, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (Mapping, list)))
    for module in sorted(wanted):
        try:
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
        except (ImportError, ValueError):
            continue  # a renamed module: Keras reports the class it cannot find
