"""Checks run on an architecture config before Keras rebuilds anything from it.

Keras 3 already refuses Python lambdas in safe mode and only imports modules of
the Keras family; these checks add clear, early errors (with the position in
the document), refuse the tf.keras 2.x forms of serialized bytecode, bound the
size of what is walked (YAML alias bombs) and import only kerasdl's own
modules, so that kerasdl's registered classes resolve.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Mapping
from typing import Any

#: Most containers (dicts and lists) walked in one document. Real model configs
#: (MobileNetV2 included) hold a few tens of thousands.
MAX_NODES = 1_000_000

_KERASDL_MODULE = re.compile(r"^kerasdl(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_TRUST_HINT = (
    "Only pass `safe_mode=False` if you wrote the file yourself or fully trust its source: "
    "loading it runs the Python bytecode stored inside."
)


def _where(path: list[Any]) -> str:
    return "".join(f"[{p!r}]" for p in path) or "the top level"


def check_model_config(config: Any, *, source: str, safe_mode: bool) -> dict[str, Any]:
    """Validate the shape of a model config and refuse unsafe entries.

    Args:
        config: The parsed JSON/YAML document.
        source: Where it came from, for the messages.
        safe_mode: Whether serialized Python code is refused.

    Returns:
        ``config``, unchanged.

    Raises:
        ValueError: If the document is not a model config, is too large, or
            (in safe mode) contains serialized Python code.
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
    stack: list[tuple[Any, list[Any]]] = [(config, [])]
    nodes = 0
    while stack:
        node, path = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise ValueError(
                f"{source} is too large to be a model architecture (more than {MAX_NODES:,} nested "
                "values; a YAML document can reach this with aliases). Refusing to load it. "
                f"Received: path={source}"
            )
        if isinstance(node, Mapping):
            if safe_mode:
                if node.get("class_name") == "__lambda__" or node.get("function_type") == "lambda":
                    raise ValueError(
                        f"{source} contains a serialized Python function at {_where(path)} (a `Lambda` "
                        "layer or a lambda argument); refused because loading it would run code. "
                        f"{_TRUST_HINT} Received: safe_mode=True"
                    )
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
    return dict(config)


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
    while stack and seen < MAX_NODES:
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
