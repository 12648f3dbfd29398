"""build_word2vec and make_word2vec_data: shapes, training, round trips, bad input."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.models import create_model, list_models
from kerasdl.text import WordVectors, build_word2vec, make_word2vec_data

# Two topics whose words never meet: after training, each word's neighbours are its own topic.
_ANIMALS = [1, 2, 3, 4]
_FRUIT = [5, 6, 7, 8]


def _corpus(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.permutation(_ANIMALS if i % 2 else _FRUIT).tolist() for i in range(n)]


@pytest.mark.multibackend
def test_registered_and_shapes():
    assert "word2vec" in list_models(task="embedding")
    model = create_model("word2vec", vocab_size=20, embedding_dim=4)
    assert model.output_shape == (None, 1)
    assert model.get_layer("word_embedding").output.shape[-1] == 4
    out = model.predict([np.array([1, 2]), np.array([3, 4])], verbose=0)
    assert out.shape == (2, 1) and out.dtype == np.float32 and np.all((out > 0) & (out < 1))
    cbow = build_word2vec(vocab_size=20, embedding_dim=4, mode="CBOW", window_size=3)
    assert cbow.input_shape == (None, 6) and cbow.output_shape == (None, 20)
    probs = cbow.predict(np.array([[1, 2, 0, 0, 0, 0]]), verbose=0)
    np.testing.assert_allclose(probs.sum(), 1.0, rtol=1e-5)


@pytest.mark.multibackend
def test_float32_output_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_bfloat16")
    for mode in ("skipgram", "cbow"):
        model = build_word2vec(vocab_size=10, embedding_dim=4, mode=mode)
        assert model.outputs[0].dtype == "float32"


@pytest.mark.multibackend
def test_data_shapes_and_values():
    x, y = make_word2vec_data([[1, 2, 3, 4]], vocab_size=5, window_size=1, seed=0)
    assert [a.shape for a in x] == [(12,), (12,)] and y.shape == (12,) and y.sum() == 6
    positives = {(int(t), int(c)) for t, c, lab in zip(x[0], x[1], y) if lab == 1}
    assert positives == {(1, 2), (2, 1), (2, 3), (3, 2), (3, 4), (4, 3)}
    again = make_word2vec_data([[1, 2, 3, 4]], vocab_size=5, window_size=1, seed=0)
    np.testing.assert_array_equal(again[0][0], x[0])
    x, y = make_word2vec_data([[1, 2, 3], [4, 0]], vocab_size=5, mode="cbow", window_size=2)
    assert x.tolist() == [[2, 3, 0, 0], [1, 3, 0, 0], [1, 2, 0, 0]] and y.tolist() == [1, 2, 3]


@pytest.mark.multibackend
@pytest.mark.parametrize("mode, loss", [("skipgram", "binary_crossentropy"), ("cbow", "sparse_categorical_crossentropy")])
def test_training_lowers_loss_and_round_trips(mode, loss, tmp_path):
    keras.utils.set_random_seed(0)
    x, y = make_word2vec_data(_corpus(), vocab_size=9, mode=mode, window_size=2, seed=0)
    model = build_word2vec(vocab_size=9, embedding_dim=8, mode=mode, window_size=2)
    model.compile(keras.optimizers.Adam(0.05), loss)
    history = model.fit(x, y, epochs=15, batch_size=256, verbose=0)
    assert history.history["loss"][-1] < 0.8 * history.history["loss"][0]
    path = tmp_path / "w2v.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    sample = [a[:5] for a in x] if mode == "skipgram" else x[:5]
    np.testing.assert_allclose(loaded.predict(sample, verbose=0), model.predict(sample, verbose=0), rtol=1e-5, atol=1e-6)
    if mode == "skipgram":
        words = {f"a{i}": i for i in _ANIMALS} | {f"f{i}": i for i in _FRUIT}
        wv = WordVectors.from_embedding(model, words)
        neighbours = [w for w, _ in wv.most_similar("a1", k=3)]
        assert all(w.startswith("a") for w in neighbours), neighbours


@pytest.mark.multibackend
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(vocab_size=1), "at least 2"),
        (dict(vocab_size=0), "vocab_size=0"),
        (dict(embedding_dim=0), "embedding_dim=0"),
        (dict(mode="glove"), "'skipgram', 'cbow'"),
        (dict(negative_samples=-1), "negative_samples=-1"),
        (dict(window_size=0), "window_size=0"),
    ],
)
def test_build_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_word2vec(**kwargs)


@pytest.mark.multibackend
def test_data_bad_input():
    with pytest.raises(TypeError, match="texts_to_sequences"):
        make_word2vec_data(["a sentence"], vocab_size=5)
    with pytest.raises(ValueError, match="empty"):
        make_word2vec_data([], vocab_size=5)
    with pytest.raises(ValueError, match="no skip-gram pairs"):
        make_word2vec_data([[1], [2]], vocab_size=5)
    with pytest.raises(ValueError, match="no CBOW examples"):
        make_word2vec_data([[1]], vocab_size=5, mode="cbow")
    with pytest.raises(ValueError, match="vocab_size"):
        make_word2vec_data([[1, 9]], vocab_size=5, mode="cbow")
    with pytest.raises(ValueError, match="'skipgram', 'cbow'"):
        make_word2vec_data([[1, 2]], vocab_size=5, mode="glove")


@pytest.mark.multibackend
def test_sampling_table_subsamples_centre_words():
    table = np.zeros(6)
    table[2] = 1.0  # keep only word 2 as a centre word
    x, y = make_word2vec_data([[1, 2, 3]], vocab_size=6, window_size=1, negative_samples=0, sampling_table=table)
    assert set(x[0].tolist()) == {2} and y.tolist() == [1.0, 1.0]
    x, y = make_word2vec_data([[1, 2, 3]], vocab_size=6, mode="cbow", window_size=1, sampling_table=table)
    assert x.tolist() == [[1, 3]] and y.tolist() == [2]
    with pytest.raises(ValueError, match="sampling_table"):
        make_word2vec_data([[1, 2, 3]], vocab_size=6, mode="cbow", sampling_table=table[:3])
