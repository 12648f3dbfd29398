"""Every class Keras exports is classified: allowed in safe mode, or refused (reviewed on each Keras upgrade)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from kerasdl.serialization import _allowlist

NAMESPACES = ["keras", "keras.layers", "keras.models", "keras.initializers", "keras.regularizers",
              "keras.constraints", "keras.optimizers", "keras.optimizers.schedules", "keras.losses",
              "keras.metrics", "keras.dtype_policies"]


def test_every_public_class_is_classified():
    classified = _allowlist.KERAS_CLASSES | _allowlist.REFUSED_CLASSES
    unknown = set()
    for namespace in NAMESPACES:
        module = importlib.import_module(namespace)
        for name in dir(module):
            obj = getattr(module, name)
            if inspect.isclass(obj) and hasattr(obj, "from_config"):
                unknown |= {n for n in (name, obj.__name__) if n not in classified}
    assert not unknown, (
        f"Keras exports classes kerasdl has not classified: {sorted(unknown)}. Check whether each one "
        "holds plain data (add it to KERAS_CLASSES) or carries code/pickles/file paths (REFUSED_CLASSES)."
    )


def test_every_operation_is_classified():
    from keras.src.ops.operation import Operation  # tests may use keras.src

    unknown = set()
    for name in ["numpy", "math", "nn", "image", "linalg", "core"]:
        module = importlib.import_module(f"keras.src.ops.{name}")
        for attr, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, Operation) and obj is not Operation:
                if attr not in _allowlist.KERAS_OPERATIONS | _allowlist.REFUSED_CLASSES:
                    unknown.add(attr)
    assert not unknown, f"unclassified keras.ops operations: {sorted(unknown)}"


@pytest.mark.parametrize("name", ["Lambda", "TorchModuleWrapper", "JaxLayer", "FlaxLayer", "TFSMLayer", "WhileLoop"])
def test_code_carrying_classes_are_refused(name):
    assert name in _allowlist.REFUSED_CLASSES
    assert name not in _allowlist.KERAS_CLASSES | _allowlist.KERAS_OPERATIONS


def test_lists_are_disjoint():
    assert not _allowlist.REFUSED_CLASSES & (_allowlist.KERAS_CLASSES | _allowlist.KERAS_OPERATIONS)
