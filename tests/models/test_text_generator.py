from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.models import build_sequence_tagger, build_text_generator, create_model, list_models


def test_registered_and_default_builds():
    assert {"text_generator", "sequence_tagger"} <= set(list_models())
    assert create_model("text_generator").output_shape == (None, 1000)
    assert create_model("sequence_tagger").output_shape == (None, None, 10)


@pytest.mark.parametrize("bidirectional,cell,num_layers", [(False, "lstm", 1), (True, "gru", 2)])
def test_text_generator_shapes(bidirectional, cell, num_layers):
    model = build_text_generator(40, 7, embedding_dim=8, rnn_units=6, bidirectional=bidirectional, cell=cell,
                                 num_layers=num_layers, dropout=0.1)
    assert model.input_shape == (None, 6) and model.output_shape == (None, 40)
    probs = model.predict(np.zeros((2, 6), "int32"), verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert any(isinstance(layer, keras.layers.Bidirectional) for layer in model.layers) == bidirectional
    assert build_text_generator(40, None, rnn_units=4).input_shape == (None, None)


@pytest.mark.multibackend
def test_text_generator_learns_and_round_trips(tmp_path):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 20, (64, 5)).astype("int32")
    y = x[:, -1]  # next id = last id: learnable
    model = build_text_generator(20, 6, embedding_dim=8, rnn_units=16)
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    path = tmp_path / "gen.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_array_equal(model.predict(x[:3], verbose=0), restored.predict(x[:3], verbose=0))


@pytest.mark.multibackend
def test_sequence_tagger_learns_hello_and_round_trips(tmp_path):
    keras.utils.set_random_seed(0)
    x = np.eye(4, dtype="float32")[[[0, 1, 2, 2]]]  # h e l l (one-hot)
    y = np.array([[1, 2, 2, 3]])  # e l l o
    model = build_sequence_tagger(num_classes=4, input_dim=4, sequence_length=4, rnn_units=8)
    assert model.output_shape == (None, 4, 4)
    model.compile(keras.optimizers.Adam(5e-2), "sparse_categorical_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=3, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    path = tmp_path / "tagger.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))


def test_sequence_tagger_ids_and_options():
    model = build_sequence_tagger(num_classes=5, vocab_size=30, cell="lstm", bidirectional=True, num_layers=2)
    assert model.get_layer("embedding").input_dim == 30
    out = model.predict(np.ones((2, 7), "int32"), verbose=0)
    assert out.shape == (2, 7, 5)


def test_outputs_stay_float32_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_bfloat16")
    for model, x in (
        (build_text_generator(30, 5, rnn_units=4), np.ones((1, 4), "int32")),
        (build_sequence_tagger(4, vocab_size=9, rnn_units=4), np.ones((1, 3), "int32")),
    ):
        assert model.layers[-2].compute_dtype == "bfloat16"
        assert keras.backend.standardize_dtype(model(x).dtype) == "float32"


def test_bad_arguments():
    with pytest.raises(ValueError, match="`vocab_size` must be at least 2"):
        build_text_generator(1)
    with pytest.raises(ValueError, match="`max_sequence_len` counts the label too"):
        build_text_generator(10, 1)
    with pytest.raises(ValueError, match="`cell` must be one of 'simple_rnn', 'lstm', 'gru'. Received: cell='rnn'"):
        build_text_generator(10, cell="rnn")
    with pytest.raises(TypeError, match="rnn_units"):
        build_text_generator(10, rnn_units=2.5)
    with pytest.raises(ValueError, match="`dropout` must be in"):
        build_text_generator(10, dropout=1.0)
    with pytest.raises(ValueError, match="either `vocab_size`.*not both"):
        build_sequence_tagger(4, vocab_size=4, input_dim=4)
    with pytest.raises(ValueError, match="`num_classes` must be at least 2"):
        build_sequence_tagger(1)
