"""build_text_classifier: shapes, cells, training, pretrained embeddings, round trips, errors."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.models import build_text_classifier, create_model, list_models


def _toy_data(n=96, length=8, seed=0):
    """Sequences containing word 3 are positive; 'pre'-padded with zeros."""
    rng = np.random.default_rng(seed)
    x = rng.integers(4, 20, size=(n, length))
    y = (np.arange(n) % 2).astype("float32")
    x[y == 1, rng.integers(2, length, size=int(y.sum()))] = 3
    x[:, :2] = 0  # padding
    return x.astype("int32"), y


@pytest.mark.multibackend
def test_defaults_and_registry():
    assert "text_classifier" in list_models(task="text-classification")
    model = build_text_classifier()
    assert model.output_shape == (None, 1)
    assert model.get_layer("embedding").input_dim == 10000
    assert model.outputs[0].dtype == "float32"
    multi = create_model("text_classifier", vocab_size=50, num_classes=3, sequence_length=6)
    assert multi.input_shape == (None, 6) and multi.output_shape == (None, 3)
    probs = multi.predict(np.ones((2, 6), "int32"), verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


# TensorFlow only: the other backends' RNN compiles are slow; they train a GRU and mask an LSTM below.
@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
def test_cells_stacking_bidirectional(cell):
    model = build_text_classifier(vocab_size=30, cell=cell, rnn_units=4, num_layers=2, bidirectional=True, dropout=0.1)
    rnns = [layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]
    assert len(rnns) == 2
    assert rnns[0].output.shape == (None, None, 8) and rnns[1].output.shape == (None, 8)
    assert type(rnns[0].forward_layer).__name__ == {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}[cell]
    assert len([layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]) == 2
    assert model.predict(np.ones((3, 5), "int32"), verbose=0).shape == (3, 1)


@pytest.mark.multibackend
def test_training_lowers_loss_and_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    x, y = _toy_data(n=64, length=6)
    model = build_text_classifier(vocab_size=20, embedding_dim=8, rnn_units=8, cell="gru", sequence_length=6)
    model.compile(keras.optimizers.Adam(0.03), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]
    path = tmp_path / "clf.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x[:8], verbose=0), model.predict(x[:8], verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.multibackend
def test_padding_is_masked():
    model = build_text_classifier(vocab_size=20, rnn_units=4, cell="lstm")
    short = np.array([[5, 6, 7]], "int32")
    pre = np.array([[0, 0, 5, 6, 7]], "int32")
    post = np.array([[5, 6, 7, 0, 0]], "int32")
    expected = model.predict(short, verbose=0)
    np.testing.assert_allclose(model.predict(pre, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(post, verbose=0), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.multibackend
def test_pretrained_frozen_embedding():
    matrix = np.random.default_rng(0).normal(size=(12, 5)).astype("float32")
    model = build_text_classifier(vocab_size=12, embedding_matrix=matrix, trainable_embedding=False, rnn_units=3)
    embedding = model.get_layer("embedding")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(embedding.embeddings), matrix)
    assert embedding.output_dim == 5 and not embedding.trainable_weights
    if keras.backend.backend() == "tensorflow":  # one backend is enough for a training step
        model.compile("adam", "binary_crossentropy")
        model.fit(np.ones((4, 3), "int32"), np.ones(4), epochs=1, verbose=0)
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(embedding.embeddings), matrix)


@pytest.mark.multibackend
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(vocab_size=1), ValueError, "at least 2"),
        (dict(vocab_size=2.5), TypeError, "vocab_size"),
        (dict(num_classes=0), ValueError, "num_classes=0"),
        (dict(cell="transformer"), ValueError, "'simple_rnn', 'lstm', 'gru'"),
        (dict(num_layers=0), ValueError, "num_layers=0"),
        (dict(dropout=1.0), ValueError, "dropout=1.0"),
        (dict(rnn_units=0), ValueError, "rnn_units=0"),
        (dict(sequence_length=0), ValueError, "sequence_length=0"),
        (dict(bidirectional="yes"), TypeError, "bidirectional"),
        (dict(vocab_size=10, embedding_matrix=np.ones((9, 4))), ValueError, r"\(10, dim\)"),
        (dict(vocab_size=10, embedding_matrix=np.ones((10, 4)), embedding_dim=8), ValueError, "embedding_dim"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_text_classifier(**kwargs)


@pytest.mark.multibackend
def test_float32_output_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_bfloat16")
    for num_classes in (1, 3):
        model = build_text_classifier(vocab_size=20, num_classes=num_classes, rnn_units=4)
        assert model.outputs[0].dtype == "float32"
        assert model.get_layer("embedding").compute_dtype == "bfloat16"
