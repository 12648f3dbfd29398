from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from kerasdl.models import build_regressor, create_model, list_models
from kerasdl.models.regressor import AUTO_MPG_NUM_FEATURES, features_to_array


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal([3000.0, 100.0, 15.0], [800.0, 35.0, 3.0], (n, 3)).astype("float32")
    y = (45 - 0.006 * x[:, 0] - 0.05 * x[:, 1] + 0.2 * x[:, 2]).astype("float32")
    return x, y


@pytest.mark.multibackend
def test_normalization_is_adapted_on_the_training_features():
    x, _ = _data()
    model = build_regressor(x, hidden_units=(8,))
    norm = model.get_layer("normalization")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.mean).ravel(), x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(norm.variance).ravel(), x.var(axis=0), rtol=1e-4)
    normalized = keras.ops.convert_to_numpy(norm(x))
    np.testing.assert_allclose(normalized.mean(axis=0), 0, atol=1e-4)
    assert model.output_shape == (None, 1) and model.input_shape == (None, 3)
    assert [layer.name for layer in model.layers][1:] == ["normalization", "dense_1", "prediction"]


@pytest.mark.multibackend
def test_training_lowers_the_error_and_the_keras_round_trip(tmp_path):
    x, y = _data()
    keras.utils.set_random_seed(0)
    model = build_regressor(x, hidden_units=(16, 16), dropout=0.1)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mean_squared_error")
    history = model.fit(x, y, epochs=12, batch_size=32, verbose=0)
    before, after = history.history["loss"][0], history.history["loss"][-1]
    assert after < 0.5 * before
    path = tmp_path / "regressor.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(restored.get_layer("normalization").mean),
        keras.ops.convert_to_numpy(model.get_layer("normalization").mean),
    )


@pytest.mark.multibackend
def test_dataframes_one_column_linear_model_and_registry():
    x, _ = _data(16)
    frame = pd.DataFrame(x, columns=["Weight", "Horsepower", "Acceleration"])
    frame["USA"] = [True, False] * 8  # pandas.get_dummies gives booleans
    model = build_regressor(frame, hidden_units=())  # the tutorial's linear model
    assert model.input_shape == (None, 4) and len(model.layers) == 3
    single = build_regressor(frame["Horsepower"], hidden_units=[4])  # the horsepower-only model
    assert single.input_shape == (None, 1)
    assert "regressor" in list_models(task="regression")
    default = create_model("regressor")  # un-adapted, for the Auto MPG tutorial's 9 features
    assert default.input_shape == (None, AUTO_MPG_NUM_FEATURES) and default.count_params() > 0
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(default.get_layer("normalization")(np.ones((1, 9), "float32"))), 1.0
    )
    assert create_model("regressor", num_features=2, hidden_units=(3,)).input_shape == (None, 2)


@pytest.mark.multibackend
def test_output_stays_float32_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_bfloat16")
    x, _ = _data(8)
    model = build_regressor(x, hidden_units=(4,))
    assert model.get_layer("normalization").compute_dtype == "float32"
    assert model.get_layer("dense_1").compute_dtype == "bfloat16"
    assert keras.backend.standardize_dtype(model(x).dtype) == "float32"


def test_bad_arguments():
    x, _ = _data(8)
    with pytest.raises(TypeError, match=r"numeric columns only; drop or encode \['Car Name'\]"):
        build_regressor(pd.DataFrame({"Weight": [1.0, 2.0], "Car Name": ["a", "b"]}))
    with pytest.raises(ValueError, match=r"contains NaN.*dropna=True"):
        build_regressor(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match=r"shape \(num_samples, num_features\)"):
        build_regressor(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="must be numeric"):
        build_regressor([["a", "b"]])
    with pytest.raises(ValueError, match=r"`num_features` must match the 3 columns.*Received: num_features=4"):
        build_regressor(x, num_features=4)
    with pytest.raises(ValueError, match=r"`hidden_units` must be a sequence of positive integers.*\(64, 0\)"):
        build_regressor(x, hidden_units=(64, 0))
    with pytest.raises(TypeError, match="`hidden_units` must be a sequence"):
        build_regressor(x, hidden_units="64")
    with pytest.raises(ValueError, match=r"`dropout` must be in \[0, 1\). Received: dropout=1.5"):
        build_regressor(x, dropout=1.5)
    with pytest.raises(ValueError, match="`activation` must be the name of a Keras activation.*'relux'"):
        build_regressor(x, activation="relux")
    with pytest.raises(ValueError, match="`num_outputs` must be a positive integer"):
        build_regressor(x, num_outputs=0)


def test_features_to_array():
    assert features_to_array([1, 2, 3]).shape == (3, 1)
    frame = pd.DataFrame({"a": pd.array([1, 2], dtype="Int64"), "b": [0.5, 1.5]})
    np.testing.assert_array_equal(features_to_array(frame), [[1, 0.5], [2, 1.5]])
