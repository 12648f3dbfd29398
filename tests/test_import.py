"""`import kerasdl` is light, versioned, and TensorFlow-free on other backends."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import kerasdl


def test_version_is_pep440():
    from packaging.version import Version

    assert Version(kerasdl.__version__) >= Version("0.1.0")


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_import_does_not_import_tensorflow(backend, tmp_path):
    code = (
        "import sys, kerasdl, kerasdl.models, kerasdl.datasets, kerasdl.callbacks, "
        "kerasdl.practicals, kerasdl.utils, kerasdl.gan\n"
        "import kerasdl.serialization, kerasdl.mixed_precision, kerasdl.distribute\n"
        "import kerasdl.data, kerasdl.data.pipelines, kerasdl.data.plotting, kerasdl.data.kernels\n"
        "import kerasdl.text.skipgram, kerasdl.text.word2vec, kerasdl.text.word_vectors, kerasdl.datasets.imdb\n"
        "import kerasdl.models.text_classifier, kerasdl.practicals.sentiment_lstm, kerasdl.practicals.word2vec\n"
        "import kerasdl.text, kerasdl.text.tokenizer, kerasdl.text.sequences, kerasdl.text.generation\n"
        "import kerasdl.text.vectorization, kerasdl.practicals.char_rnn, kerasdl.practicals.textgen_alice\n"
        "assert 'numba' not in sys.modules, 'numba is imported on the first warp, not by import kerasdl'\n"
        "kerasdl.mixed_precision.auto_policy()\n"
        "import keras\n"
        f"assert keras.backend.backend() == {backend!r}, keras.backend.backend()\n"
        "kerasdl.build_lenet()\n"
        "leaked = sorted(m for m in sys.modules if m == 'tensorflow' or m.startswith('tensorflow.'))\n"
        "print('LEAKED', leaked[:5])\n"
        "sys.exit(1 if leaked else 0)\n"
    )
    env = dict(os.environ, KERAS_BACKEND=backend, KERAS_HOME=str(tmp_path))
    pytest.importorskip(backend)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lazy_names_resolve_and_unknown_name_fails():
    assert kerasdl.build_lenet is kerasdl.models.build_lenet
    assert set(kerasdl.__all__) <= set(dir(kerasdl))
    with pytest.raises(AttributeError, match="no attribute 'not_a_thing'"):
        kerasdl.not_a_thing  # noqa: B018
