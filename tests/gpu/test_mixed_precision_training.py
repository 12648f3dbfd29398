"""Every registered model trains a few steps under mixed_float16 and mixed_bfloat16 on a GPU.

Skipped where no GPU (or TPU) is visible to the active backend. Run it on the
GPU machine with ``benchmarks/gpu_check.sh`` (JAX and PyTorch backends). Set
``KERASDL_GPU_TESTS_ON_CPU=1`` to run it on a CPU anyway (to check the test
itself; ``mixed_float16`` is very slow on CPUs).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import keras
import numpy as np
import pytest

from kerasdl.mixed_precision import check_float32_outputs, detect_accelerator, policy
from kerasdl.models import list_models

pytestmark = pytest.mark.skipif(
    detect_accelerator() is None and os.environ.get("KERASDL_GPU_TESTS_ON_CPU") != "1",
    reason="no GPU visible to the Keras backend (set KERASDL_GPU_TESTS_ON_CPU=1 to force)",
)


def _helpers():
    """Reuse the model arguments and input generator of the registry round-trip test."""
    path = Path(__file__).resolve().parents[1] / "serialization" / "test_registry_roundtrip.py"
    spec = importlib.util.spec_from_file_location("_kerasdl_roundtrip_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


H = _helpers()
POLICIES = [p for p in ("mixed_float16", "mixed_bfloat16") if p in os.environ.get("KERASDL_GPU_POLICIES", p)]


def _finite(history):
    values = [v for series in history.history.values() for v in series]
    assert values and np.isfinite(values).all(), history.history
    return values


@pytest.mark.parametrize("dtype_policy", POLICIES)
@pytest.mark.parametrize("name", list_models())
def test_model_trains_under_mixed_precision(name, dtype_policy):
    rng = np.random.default_rng(0)
    with policy(dtype_policy):
        model = H._build(name)
        parts = H._functional_parts(model)
        if "model" not in parts:  # a GAN: fit on images in [-1, 1] (and labels if conditional)
            discriminator = model.discriminator
            image_shape = tuple(discriminator.inputs[0].shape[1:])
            images = rng.uniform(-1, 1, (32, *image_shape)).astype("float32")
            model.compile()
            if len(discriminator.inputs) > 1:
                labels = np.arange(32) % int(getattr(model, "num_classes", 3))
                history = model.fit(images, labels, batch_size=16, epochs=2, verbose=0)
            else:
                history = model.fit(images, batch_size=16, epochs=2, verbose=0)
        else:
            x = H._inputs(model, rng)
            n = len(keras.tree.flatten(x)[0])
            x = keras.tree.map_structure(lambda a: np.concatenate([a] * 8), x)  # 16 samples
            y = [np.zeros((16 * n // 2, *o.shape[1:]), "float32") for o in model.outputs]
            model.compile("adam", "mse")
            history = model.fit(x, y[0] if len(y) == 1 else y, batch_size=8, epochs=2, verbose=0)
            outputs = keras.tree.flatten(model.predict(x, verbose=0))
            assert all(np.asarray(o).dtype == np.float32 for o in outputs), [np.asarray(o).dtype for o in outputs]
    _finite(history)
    assert check_float32_outputs(model) == [], f"{name} has 16-bit outputs under {dtype_policy}"
