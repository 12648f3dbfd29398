"""Shared test fixtures: the shared data folder and Keras state cleanup.

The process-wide environment (an isolated ``KERAS_HOME``...) is set by the
root ``conftest.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
import pytest

#: The shared real data sets (see ../shared/data/README.md); override with
#: KERASDL_SHARED_DATA.
SHARED_DATA = Path(
    os.environ.get("KERASDL_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)


def shared_path(*parts: str) -> Path:
    """Return a path under the shared data folder, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"real data not available: {path} is absent (set KERASDL_SHARED_DATA to the "
            "folder described in ../shared/data/README.md)"
        )
    return path


@pytest.fixture
def mnist_dir() -> Path:
    """The folder of the four MNIST IDX files; skips when absent."""
    return shared_path("mnist")


@pytest.fixture
def alice_path() -> Path:
    """Alice's Adventures in Wonderland (Canterbury corpus copy); skips when absent."""
    return shared_path("text", "alice29.txt")


@pytest.fixture
def auto_mpg_path() -> Path:
    """The UCI ``auto-mpg.data`` file; skips when absent."""
    return shared_path("auto-mpg", "auto-mpg.data")


@pytest.fixture
def imagenet_class_index_path() -> Path:
    """The ImageNet-1k class index JSON in the Keras layout; skips when absent."""
    return shared_path("imagenet_class_index.json")


@pytest.fixture(autouse=True)
def _reset_keras_state():
    """Each test starts from float32 and a fresh Keras graph/name scope.

    ``free_memory=False``: the default runs ``gc.collect()``, about 1 s a test
    on TensorFlow, which would dominate the suite's run time.
    """
    yield
    keras.config.set_dtype_policy("float32")
    keras.backend.clear_session(free_memory=False)


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}, shared data {SHARED_DATA}"
