from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile

import keras
import numpy as np
import pytest

import kerasdl
from kerasdl.serialization import load_model, save_model


@pytest.mark.multibackend
def test_keras_round_trip_keeps_compile_state(tmp_path):
    model = kerasdl.build_dense_classifier(input_shape=(4, 4, 1), hidden_units=(8,))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).uniform(size=(6, 4, 4, 1)).astype("float32")
    model.fit(x, np.arange(6) % 3, epochs=1, verbose=0)
    path = save_model(model, tmp_path / "m.keras")
    loaded = load_model(path)
    assert loaded.optimizer.__class__.__name__ == "Adam"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_kerasdl_classes_resolve_in_a_fresh_process(tmp_path):
    """Only `from kerasdl.serialization import load_model` is imported: the GAN class must resolve."""
    from kerasdl.gan import build_gan

    path = save_model(build_gan(latent_dim=4, image_shape=(8, 8, 1), units=(8, 8, 8)), tmp_path / "gan.keras")
    code = (
        "from kerasdl.serialization import load_model\n"
        f"m = load_model({str(path)!r})\n"
        "print(type(m).__module__, type(m).__name__)\n"
    )
    env = dict(os.environ)
    if importlib.util.find_spec("jax") is not None:
        env["KERAS_BACKEND"] = "jax"  # cheapest to start; .keras files are backend-independent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "kerasdl.gan.model GAN" in out.stdout


def test_legacy_h5_with_string_loss_loads_uncompiled(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    save_model(model, tmp_path / "m.h5")
    with pytest.warns(UserWarning, match="loaded uncompiled"):
        loaded = load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(loaded.predict(np.ones((2, 3)), verbose=0), model.predict(np.ones((2, 3)), verbose=0))


def test_errors(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"must end in '.keras'.*Received: path='.*m.weights.h5'"):
        save_model(model, tmp_path / "m.weights.h5")
    with pytest.raises(FileNotFoundError, match="No model file"):
        load_model(tmp_path / "nothing.keras")
    with zipfile.ZipFile(tmp_path / "broken.keras", "w") as archive:
        archive.writestr("metadata.json", "{}")
    with pytest.raises(ValueError, match="not a valid .keras archive"):
        load_model(tmp_path / "broken.keras")
    inputs = keras.Input((3,))
    lam = keras.Model(inputs, keras.layers.Lambda(lambda t: t + 1)(inputs))
    save_model(lam, tmp_path / "lam.keras")
    with pytest.raises(ValueError, match="serialized Python function"):
        load_model(tmp_path / "lam.keras")
    assert load_model(tmp_path / "lam.keras", safe_mode=False).predict(np.zeros((1, 3)), verbose=0)[0, 0] == 1
