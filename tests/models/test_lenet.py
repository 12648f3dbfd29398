from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.models import build_lenet
from kerasdl.models.lenet import LENET5_PARAMS

pytestmark = pytest.mark.multibackend


@pytest.mark.parametrize("input_shape", [(28, 28, 1), (32, 32, 1)])
def test_lenet5_parameter_count_matches_the_literature(input_shape):
    model = build_lenet(input_shape=input_shape)
    # C1 156 + C3 2,416 + C5 48,120 + F6 10,164 + output 850 (fully connected C3).
    assert model.count_params() == LENET5_PARAMS == 156 + 2416 + 48120 + 10164 + 850
    assert [layer.output.shape[1:] for layer in model.layers if layer.name in ("c1", "s2", "c3", "s4")] == [
        (28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16),
    ]


@pytest.mark.parametrize("activation,pooling", [("tanh", "average"), ("relu", "max")])
def test_lenet_options_and_output(activation, pooling):
    model = build_lenet(activation=activation, pooling=pooling, num_classes=3, input_shape=(32, 32, 3))
    assert model.output_shape == (None, 3)
    c1 = model.get_layer("c1")
    assert c1.activation.__name__ == activation
    assert type(model.get_layer("s2")).__name__ == ("MaxPooling2D" if pooling == "max" else "AveragePooling2D")
    probs = model.predict(np.zeros((2, 32, 32, 3), "float32"), verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_lenet_binary_head_is_sigmoid():
    model = build_lenet(num_classes=1)
    assert model.output_shape == (None, 1)
    assert model.layers[-1].activation.__name__ == "sigmoid"


def test_a_few_training_steps_lower_the_loss():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((64, 28, 28, 1), dtype=np.float32)
    y = (x[:, :14].mean(axis=(1, 2, 3)) > x[:, 14:].mean(axis=(1, 2, 3))).astype("int32")
    model = build_lenet(num_classes=2)
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    assert after < before


def test_keras_round_trip_gives_identical_predictions(tmp_path):
    model = build_lenet(rescale=1 / 255)
    x = np.random.default_rng(1).integers(0, 255, (3, 28, 28, 1)).astype("float32")
    path = tmp_path / "lenet.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))


def test_output_stays_float32_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_bfloat16")
    model = build_lenet()
    assert model.get_layer("c1").compute_dtype == "bfloat16"
    assert model.layers[-1].compute_dtype == "float32"
    out = model(np.zeros((1, 28, 28, 1), "float32"))
    assert keras.backend.standardize_dtype(out.dtype) == "float32"


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"input_shape": (16, 16, 1)}, ValueError, r"at least 28x28.*Received: input_shape=\(16, 16, 1\)"),
        ({"input_shape": (28, 28)}, ValueError, r"must have 3 dimensions"),
        ({"num_classes": 0}, ValueError, r"`num_classes` must be a positive integer. Received: num_classes=0"),
        ({"num_classes": 2.5}, TypeError, r"`num_classes` must be a positive integer"),
        ({"activation": "sigmoidal"}, ValueError, r"`activation` must be one of 'relu', 'tanh'"),
        ({"pooling": "min"}, ValueError, r"`pooling` must be one of 'max', 'average'. Received: pooling='min'"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_lenet(**kwargs)
