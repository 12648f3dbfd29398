from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.models import build_dense_classifier

pytestmark = pytest.mark.multibackend


def test_course_baseline_shape_and_params():
    model = build_dense_classifier()
    # 784*128+128 + 128*10+10
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10
    assert model.output_shape == (None, 10)


def test_hidden_layers_dropout_and_training():
    keras.utils.set_random_seed(0)
    model = build_dense_classifier(input_shape=(8,), hidden_units=(16, 8), dropout=0.0, num_classes=2)
    assert [l.name for l in model.layers if l.name.startswith("dense_")] == ["dense_1", "dense_2"]
    assert not any(l.name.startswith("dropout") for l in model.layers)
    x = np.random.default_rng(0).normal(size=(128, 8)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=10, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


def test_round_trip(tmp_path):
    model = build_dense_classifier(rescale=1 / 255)
    x = np.random.default_rng(2).random((4, 28, 28, 1)).astype("float32")
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`dropout` must be in \[0, 1\)"):
        build_dense_classifier(dropout=1.5)
    with pytest.raises(ValueError, match="`hidden_units` must be a positive integer"):
        build_dense_classifier(hidden_units=(0,))
    with pytest.raises(TypeError, match="`input_shape` must be a tuple of positive integers"):
        build_dense_classifier(input_shape="28x28")
