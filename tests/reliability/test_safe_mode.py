"""``safe_mode=True`` holds whatever the process did before (issue #11, item 1).

Each payload is first shown to be live (plain Keras with its safe mode off runs
it: the canary file appears, or the secret file is read), then shown to be
refused by kerasdl after ``keras.config.enable_unsafe_deserialization()``.
"""

from __future__ import annotations

import base64
import json
import pickle
import zipfile

import keras
import numpy as np
import pytest
from keras.src.saving import serialization_lib  # tests may use keras.src: the state of Keras's safe mode

from kerasdl.serialization import (
    load_architecture,
    load_model,
    model_from_json,
    save_architecture,
    save_model,
)
from kerasdl.serialization import model as model_module
from kerasdl.serialization._allowlist import KERAS_CLASSES


@pytest.fixture
def unsafe_globally():
    """Switch Keras's global safe mode off, as a notebook cell or another library might."""
    keras.config.enable_unsafe_deserialization()
    yield
    serialization_lib.global_state.set_global_attribute("safe_mode_saving", None)


class _Canary:
    """Unpickling this creates the canary file: proof that code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def _torch_wrapper_config(canary):
    blob = base64.b64encode(pickle.dumps(_Canary(str(canary)))).decode("ascii")
    layer = {"module": "keras.layers", "class_name": "TorchModuleWrapper", "registered_name": None,
             "config": {"name": "wrapped", "module": blob, "output_shape": None}}
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": "evil", "layers": [layer]}}


def _write_keras_archive(path, config):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
    return path


def test_torch_module_wrapper_payload_is_live_under_plain_keras(tmp_path):
    pytest.importorskip("torch")
    canary = tmp_path / "CANARY"
    try:
        keras.saving.deserialize_keras_object(_torch_wrapper_config(canary), safe_mode=False)
    except Exception:  # noqa: BLE001 - the pickle runs first, then building the layer fails
        pass
    assert canary.exists(), "the payload did not run under plain Keras: this test would prove nothing"


@pytest.mark.usefixtures("unsafe_globally")
def test_torch_module_wrapper_refused_after_global_unsafe(tmp_path):
    canary = tmp_path / "CANARY"
    config = _torch_wrapper_config(canary)
    json_path = tmp_path / "evil.json"
    json_path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=r"TorchModuleWrapper.*pickle.*Received: .*safe_mode=True"):
        load_architecture(json_path)
    with pytest.raises(ValueError, match="TorchModuleWrapper"):
        load_model(_write_keras_archive(tmp_path / "evil.keras", config))
    with pytest.raises(ValueError, match="TorchModuleWrapper"):
        model_from_json(json.dumps(config))
    assert not canary.exists()


@pytest.mark.usefixtures("unsafe_globally")
def test_keras_own_safe_mode_is_on_during_the_call(tmp_path, monkeypatch):
    """With kerasdl's allow-list bypassed, Keras itself still refuses, because kerasdl turned it on."""
    pytest.importorskip("torch")
    canary = tmp_path / "CANARY"
    monkeypatch.setattr(model_module, "check_model_config", lambda config, **kwargs: config)
    with pytest.raises(ValueError, match="torch.load"):
        load_model(_write_keras_archive(tmp_path / "evil.keras", _torch_wrapper_config(canary)))
    assert not canary.exists()
    assert serialization_lib.in_safe_mode() is False, "the global setting must be restored after the call"


def _lookup_model_config(vocabulary):
    layer = keras.layers.StringLookup(vocabulary=["a", "b"], name="lookup")
    inputs = keras.Input((1,), dtype="string")
    config = json.loads(keras.Model(inputs, layer(inputs)).to_json())
    for entry in config["config"]["layers"]:
        if entry["class_name"] == "StringLookup":
            entry["config"]["vocabulary"] = vocabulary
    return config


@pytest.mark.tensorflow_only
@pytest.mark.usefixtures("unsafe_globally")
def test_file_path_vocabulary_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password-123\nhunter2\n")
    config = _lookup_model_config(str(secret))
    leaked = keras.saving.deserialize_keras_object(json.loads(json.dumps(config)), safe_mode=True)  # reads it
    assert "hunter2" in leaked.get_layer("lookup").get_vocabulary()
    path = tmp_path / "lookup.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=r"StringLookup.*vocabulary from a file.*secret\.txt"):
        load_architecture(path)
    inline = tmp_path / "inline.json"
    inline.write_text(json.dumps(_lookup_model_config(["x", "y"])))
    assert "y" in load_architecture(inline).get_layer("lookup").get_vocabulary()


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"module": "keras.layers", "class_name": "TFSMLayer", "config": {"filepath": "/tmp/x"}}, "TFSMLayer"),
        ({"module": "keras.layers", "class_name": "JaxLayer", "config": {}}, "JaxLayer"),
        ({"module": "keras.src.ops.core", "class_name": "WhileLoop", "config": {}}, "WhileLoop"),
        ({"module": "keras.layers", "class_name": "NotAKerasLayer", "config": {}}, "not on kerasdl's list"),
        ({"module": "numpy", "class_name": "load", "config": {}}, "class from outside Keras"),
        ({"module": "builtins", "class_name": "function", "config": "eval"}, "not a Keras activation"),
        ({"module": "kerasdl.models", "class_name": "Nope", "registered_name": "kerasdl>Nope", "config": {}},
         "kerasdl class that does not exist"),
    ],
)
def test_allow_list_refusals(tmp_path, entry, message):
    config = json.loads(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).to_json())
    config["config"]["layers"].append(entry)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=message) as info:
        load_architecture(path)
    assert "Received:" in str(info.value) and "m.json" in str(info.value)


def test_allowed_models_still_load(tmp_path):
    """MobileNetV2, functional graphs with operations, compiled models: all on the allow-list."""
    mobilenet = keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=3)
    assert load_architecture(save_architecture(mobilenet, tmp_path / "m.yaml")).count_params() == (
        mobilenet.count_params()
    )
    inputs = keras.Input((3,))
    x = keras.layers.Dense(4, activation="gelu", kernel_regularizer="l2")(inputs)
    x = keras.ops.sqrt(keras.ops.abs(x) * 2.0 + 1.0)
    graph = keras.Model(inputs, keras.layers.Dense(1)(x))
    graph.compile(keras.optimizers.AdamW(keras.optimizers.schedules.ExponentialDecay(1e-3, 10, 0.9)),
                  keras.losses.Huber(), metrics=[keras.metrics.RootMeanSquaredError(), "mae"])
    data = np.ones((4, 3), "float32")
    graph.fit(data, np.ones((4, 1)), verbose=0)
    reloaded = load_model(save_model(graph, tmp_path / "g.keras"))
    np.testing.assert_allclose(reloaded.predict(data, verbose=0), graph.predict(data, verbose=0), rtol=1e-6)
    assert isinstance(reloaded.optimizer, keras.optimizers.AdamW)
    assert "Dense" in KERAS_CLASSES and "Lambda" not in KERAS_CLASSES


def test_custom_objects_vouch_for_a_class(tmp_path):
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    inputs = keras.Input((2,))
    path = save_architecture(keras.Model(inputs, Doubler(name="d")(inputs)), tmp_path / "c.json")
    with pytest.raises(ValueError, match="class from outside Keras"):
        load_architecture(path)
    assert load_architecture(path, custom_objects={"Doubler": Doubler}).get_layer("d").__class__ is Doubler
