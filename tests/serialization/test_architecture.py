from __future__ import annotations

import json

import keras
import numpy as np
import pytest
import yaml

from kerasdl.serialization import (
    load_architecture,
    model_from_json,
    model_from_yaml,
    save_architecture,
    to_yaml,
)


def _model():
    inputs = keras.Input((4,), name="x")
    hidden = keras.layers.Dense(3, activation="relu", name="hidden")(inputs)
    return keras.Model(inputs, keras.layers.Dense(2, name="out")(hidden), name="tiny")


def _lambda_model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2.0, name="double")(inputs))


@pytest.mark.multibackend
@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_round_trip_by_extension(tmp_path, suffix):
    model = _model()
    path = save_architecture(model, tmp_path / f"arch{suffix}")
    text = path.read_text()
    parsed = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    assert parsed["class_name"] == "Functional" and "!!python" not in text
    rebuilt = load_architecture(path)
    assert [l.name for l in rebuilt.layers] == [l.name for l in model.layers]
    rebuilt.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_yaml_and_json_strings_match_keras():
    model = _model()
    assert yaml.safe_load(to_yaml(model)) == json.loads(model.to_json())
    assert model_from_yaml(to_yaml(model)).get_config() == keras.models.model_from_json(model.to_json()).get_config()
    assert model_from_json(model.to_json()).count_params() == model.count_params()


def test_lambda_refused_in_safe_mode_and_allowed_when_asked(tmp_path):
    path = save_architecture(_lambda_model(), tmp_path / "lam.yaml")
    with pytest.raises(ValueError, match=r"serialized Python function.*safe_mode=False.*Received: .*safe_mode=True"):
        load_architecture(path)
    with pytest.raises(ValueError, match="serialized Python function"):
        model_from_json(_lambda_model().to_json())
    rebuilt = load_architecture(path, safe_mode=False)
    np.testing.assert_allclose(rebuilt.predict(np.ones((1, 3)), verbose=0), 2 * np.ones((1, 3)))


def test_custom_objects_and_kerasdl_classes(tmp_path):
    @keras.saving.register_keras_serializable(package="kerasdl_test_arch")
    class Scale(keras.layers.Layer):
        def call(self, x):
            return x * 3.0

    inputs = keras.Input((2,))
    model = keras.Model(inputs, Scale(name="scale")(inputs))
    path = save_architecture(model, tmp_path / "custom.json")
    assert isinstance(load_architecture(path).get_layer("scale"), Scale)


def test_errors(tmp_path):
    with pytest.raises(ValueError, match=r"must end in '.json', '.yaml' or '.yml'.*Received: path="):
        save_architecture(_model(), tmp_path / "arch.txt")
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        save_architecture("model", tmp_path / "arch.json")
    with pytest.raises(FileNotFoundError, match="No architecture file"):
        load_architecture(tmp_path / "missing.json")
    (tmp_path / "layer.json").write_text(json.dumps(keras.saving.serialize_keras_object(keras.layers.Dense(2))))
    with pytest.raises(ValueError, match="describes a Dense, not a model"):
        load_architecture(tmp_path / "layer.json")
