from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.models import build_cifar_cnn, create_model, list_models
from kerasdl.models.cifar_cnn import cifar_cnn_params


def test_default_architecture_shapes_and_params():
    model = build_cifar_cnn()
    assert model.name == "cifar_cnn" and model.output_shape == (None, 10)
    pools = [model.get_layer(f"block{i}_pool").output.shape[1:] for i in (1, 2, 3)]
    assert pools == [(16, 16, 32), (8, 8, 64), (4, 4, 128)]
    # Hand count: convs (no bias) + BN, then 2048*128 dense + BN, then 128*10+10.
    convs = 9 * (3 * 32 + 32 * 32 + 32 * 64 + 64 * 64 + 64 * 128 + 128 * 128) + 4 * 2 * (32 + 64 + 128)
    assert model.count_params() == convs + 2048 * 128 + 4 * 128 + 1290 == cifar_cnn_params()
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers) == 7
    rates = [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert rates == [0.25, 0.25, 0.25, 0.5]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_blocks": 2, "base_filters": 8, "dense_units": 0, "batch_norm": False, "dropout": 0.0},
        {"num_blocks": 4, "base_filters": 4, "dense_units": 16, "input_shape": (16, 24, 1), "num_classes": 1},
    ],
)
def test_depth_width_and_options(kwargs):
    model = build_cifar_cnn(**kwargs)
    blocks = kwargs["num_blocks"]
    last = model.get_layer(f"block{blocks}_pool").output.shape
    assert last[-1] == kwargs["base_filters"] * 2 ** (blocks - 1)
    assert model.count_params() == cifar_cnn_params(
        input_channels=model.input_shape[-1],
        num_classes=kwargs.get("num_classes", 10),
        num_blocks=blocks,
        base_filters=kwargs["base_filters"],
        dense_units=kwargs["dense_units"],
        batch_norm=kwargs.get("batch_norm", True),
        feature_size=last[1] * last[2],
    )
    if kwargs.get("batch_norm") is False:
        assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers)
        assert not any(isinstance(layer, keras.layers.Dropout) for layer in model.layers)
    if kwargs.get("num_classes") == 1:
        assert model.output_shape == (None, 1) and model.layers[-1].activation.__name__ == "sigmoid"


def test_registered_and_created_by_name():
    assert "cifar_cnn" in list_models(task="image-classification")
    assert create_model("cifar_cnn", num_blocks=1, base_filters=4).count_params() == cifar_cnn_params(
        num_blocks=1, base_filters=4, feature_size=16 * 16
    )


def test_a_few_training_steps_lower_the_loss():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, (64, 16, 16, 3)).astype("float32")
    y = (x[..., 0].mean(axis=(1, 2)) > x[..., 2].mean(axis=(1, 2))).astype("int32")
    model = build_cifar_cnn((16, 16, 3), num_classes=2, num_blocks=2, base_filters=8, dense_units=16,
                            dropout=0.1, rescale=1 / 255)
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=6, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


@pytest.mark.multibackend
def test_keras_round_trip_gives_identical_predictions(tmp_path):
    model = build_cifar_cnn(num_blocks=2, base_filters=4, dense_units=8, rescale=1 / 255)
    x = np.random.default_rng(1).integers(0, 255, (3, 32, 32, 3)).astype("float32")
    model.save(tmp_path / "cnn.keras")
    restored = keras.models.load_model(tmp_path / "cnn.keras")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(x)), keras.ops.convert_to_numpy(restored(x)))
    assert restored.count_params() == model.count_params()


@pytest.mark.multibackend
def test_output_stays_float32_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_bfloat16")
    model = build_cifar_cnn(num_blocks=1, base_filters=4, dense_units=8)
    assert model.get_layer("block1_1_conv").compute_dtype == "bfloat16"
    out = model(np.zeros((1, 32, 32, 3), "float32"))
    assert keras.backend.standardize_dtype(out.dtype) == "float32"


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"input_shape": (8, 8, 3), "num_blocks": 4}, ValueError,
         r"too small for 4 blocks.*at least 2\*\*num_blocks = 16.*Received: input_shape=\(8, 8, 3\), num_blocks=4"),
        ({"input_shape": (32, 32)}, ValueError, r"must have 3 dimensions"),
        ({"num_blocks": 0}, ValueError, r"`num_blocks` must be a positive integer. Received: num_blocks=0"),
        ({"base_filters": 2.0}, TypeError, r"`base_filters` must be a positive integer"),
        ({"dropout": 1.0}, ValueError, r"`dropout` must be in \[0, 1\). Received: dropout=1.0"),
        ({"dense_units": -1}, ValueError, r"`dense_units` must be a non-negative integer.*Received: dense_units=-1"),
        ({"num_classes": 0}, ValueError, r"Received: num_classes=0"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_cifar_cnn(**kwargs)
