"""Run the backend-agnostic tests again under JAX and PyTorch.

Tests marked ``multibackend`` run in this process on the default backend
(TensorFlow) and here, once more per other backend, each in a fresh Python
process (the Keras backend is fixed at import time).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INNER = "KERASDL_INNER_BACKEND_RUN"


@pytest.mark.skipif(os.environ.get(INNER) == "1", reason="already inside a backend run")
@pytest.mark.parametrize("backend,module", [("jax", "jax"), ("torch", "torch")])
def test_multibackend_suite(backend, module, tmp_path):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed: `pip install -e '.[{backend}]'` to test it")
    env = dict(os.environ, KERAS_BACKEND=backend, **{INNER: "1"})
    env["KERAS_HOME"] = str(tmp_path / "keras-home")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m",
         "multibackend and not slow", "--no-header", "-x", "tests"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    tail = (result.stdout + result.stderr)[-6000:]
    print(tail)
    assert result.returncode == 0, f"{backend} backend run failed (exit {result.returncode}):\n{tail}"
