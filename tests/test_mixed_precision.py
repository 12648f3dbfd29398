from __future__ import annotations

import types

import keras
import pytest

from kerasdl import mixed_precision
from kerasdl.mixed_precision import auto_policy, check_float32_outputs, policy


@pytest.mark.multibackend
def test_policy_scopes_and_restores_even_on_error():
    keras.config.set_dtype_policy("float32")
    with policy("mixed_bfloat16") as active:
        assert active.name == "mixed_bfloat16"
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
        dense = keras.layers.Dense(2)
    assert dense.compute_dtype == "bfloat16" and dense.variable_dtype == "float32"
    assert keras.config.dtype_policy().name == "float32"
    with pytest.raises(RuntimeError, match="boom"):
        with policy("mixed_float16"):
            raise RuntimeError("boom")
    assert keras.config.dtype_policy().name == "float32"
    with policy("mixed_bfloat16"), policy("float16"):
        assert keras.config.dtype_policy().name == "float16"
    assert keras.config.dtype_policy().name == "float32"


def test_unknown_policy_lists_common_ones():
    with pytest.raises(ValueError, match=r"Common policies: float32, mixed_float16.*Received: name='mixed_foo'"):
        with policy("mixed_foo"):
            pass


@pytest.mark.parametrize(
    "found,expected",
    [
        (None, "float32"),
        (("tpu", None), "mixed_bfloat16"),
        (("gpu", (9, 0)), "mixed_bfloat16"),
        (("gpu", (8, 0)), "mixed_bfloat16"),
        (("gpu", (7, 5)), "mixed_float16"),
        (("gpu", (6, 1)), "mixed_float16"),
        (("gpu", None), "mixed_float16"),
    ],
)
def test_auto_policy_choice(monkeypatch, found, expected):
    monkeypatch.setattr(mixed_precision, "detect_accelerator", lambda: found)
    assert auto_policy() == expected


@pytest.mark.multibackend
def test_auto_policy_on_this_cpu_is_float32():
    assert mixed_precision.detect_accelerator() is None
    assert auto_policy() == "float32"


@pytest.mark.multibackend
def test_the_active_backend_probe_reads_the_device(monkeypatch):
    """Fake devices for the active backend only (importing the others would cost seconds)."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        monkeypatch.setattr(jax, "devices", lambda: [types.SimpleNamespace(platform="gpu", compute_capability="8.6")])
        assert mixed_precision.detect_accelerator() == ("gpu", (8, 6))
        assert auto_policy() == "mixed_bfloat16"
        monkeypatch.setattr(jax, "devices", lambda: [types.SimpleNamespace(platform="tpu")])
        assert mixed_precision.detect_accelerator() == ("tpu", None)
    elif backend == "torch":
        import torch

        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "get_device_capability", lambda index=0: (7, 0))
        assert mixed_precision.detect_accelerator() == ("gpu", (7, 0))
        assert auto_policy() == "mixed_float16"
    else:
        import tensorflow as tf

        monkeypatch.setattr(tf.config, "list_logical_devices", lambda kind=None: [])
        monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0"])
        monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda d: {"compute_capability": (8, 0)})
        assert mixed_precision.detect_accelerator() == ("gpu", (8, 0))
        assert auto_policy() == "mixed_bfloat16"


@pytest.mark.multibackend
def test_check_float32_outputs():
    with policy("mixed_bfloat16"):
        inputs = keras.Input((4,))
        logits = keras.layers.Dense(3, name="logits")(inputs)
        bad = keras.Model(inputs, keras.layers.Activation("softmax", name="probs")(logits))
        good = keras.Model(inputs, keras.layers.Activation("softmax", dtype="float32")(logits))
    with pytest.warns(UserWarning, match=r"computes its outputs .* in 16-bit floats.*dtype='float32'"):
        assert len(check_float32_outputs(bad)) == 1
    assert check_float32_outputs(good) == []

    class Pair(keras.Model):
        def __init__(self, a, b, **kwargs):
            super().__init__(**kwargs)
            self.a, self.b = a, b

    with pytest.warns(UserWarning, match="16-bit"):
        names = check_float32_outputs(Pair(good, bad, name="pair"))
    assert len(names) == 1 and names[0].startswith(bad.name)
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        check_float32_outputs("model")
