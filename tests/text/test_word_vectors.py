"""WordVectors: hand-made vectors with known answers, file formats, embedding matrices, plot."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.text import WordVectors

# Axes: royalty, maleness, femaleness, fruitiness. king - man + woman lands exactly on queen.
WORDS = ["king", "queen", "man", "woman", "apple", "orange", "prince"]
VECTORS = np.array(
    [
        [1.0, 1.0, 0.0, 0.0],
        [1.0, 0.0, 1.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.1, 0.0, 0.0, 1.0],
        [0.6, 1.0, 0.0, 0.3],
    ]
)


@pytest.fixture
def wv():
    return WordVectors(WORDS, VECTORS)


@pytest.mark.multibackend
def test_analogy_argument_order(wv):
    assert wv.analogy("king", "man", "woman") == "queen"  # king - man + woman
    assert wv.analogy("queen", "woman", "man") == "king"  # queen - woman + man (prince is near, but farther)
    assert wv.analogy("woman", "queen", "king") == "man"


@pytest.mark.multibackend
def test_similarity_and_most_similar(wv):
    assert wv.similarity("apple", "apple") == pytest.approx(1.0)
    assert wv.similarity("man", "woman") == pytest.approx(0.0)
    assert wv.similarity("king", "man") == pytest.approx(1 / np.sqrt(2))
    ranked = wv.most_similar("king", k=3)
    assert [w for w, _ in ranked] == ["prince", "man", "queen"]
    assert ranked[0][1] >= ranked[1][1] >= ranked[2][1]
    assert wv.most_similar("king", k=100)[-1][0] in {"apple", "orange", "woman"}
    assert len(wv.most_similar("king", k=100)) == len(WORDS) - 1
    assert wv.most_similar(np.array([0, 0, 0, 2.0]), k=1)[0][0] == "apple"  # a query vector keeps every word
    assert len(wv) == 7 and "king" in wv and "emperor" not in wv and wv.dim == 4
    np.testing.assert_array_equal(wv["man"], VECTORS[2])


@pytest.mark.multibackend
def test_unknown_words_and_bad_input(wv):
    with pytest.raises(KeyError, match="'emperor'"):
        wv.analogy("emperor", "man", "woman")
    with pytest.raises(KeyError, match="'Man'"):
        wv.similarity("king", "Man")
    with pytest.raises(KeyError, match="'dragon'"):
        wv.most_similar("dragon")
    with pytest.raises(TypeError, match="string"):
        wv.similarity("king", 3)
    with pytest.raises(ValueError, match="vector of length 4"):
        wv.most_similar(np.ones(3))
    with pytest.raises(ValueError, match="k=0"):
        wv.most_similar("king", k=0)
    with pytest.raises(ValueError, match="distinct"):
        WordVectors(["a", "a"], np.ones((2, 2)))
    with pytest.raises(ValueError, match="one row per word"):
        WordVectors(["a", "b"], np.ones((3, 2)))
    with pytest.raises(ValueError, match="no word besides"):
        WordVectors(["a", "b", "c"], np.eye(3)).analogy("a", "b", "c")


@pytest.mark.multibackend
@pytest.mark.parametrize("header", [False, True])
def test_text_format_round_trip(wv, tmp_path, header):
    path = wv.save_text_format(tmp_path / "vectors.txt", word2vec_header=header)
    assert path.read_text().startswith("7 4\n" if header else "king 1 1 0 0\n")
    loaded = WordVectors.load_text_format(path)
    assert loaded.words == WORDS
    np.testing.assert_allclose(loaded.vectors, VECTORS, rtol=1e-6)
    assert WordVectors.load_text_format(path, limit=2).words == ["king", "queen"]


@pytest.mark.multibackend
def test_glove_file_with_spaces_in_words_and_bad_files(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text("the 0.1 0.2\nnew york 0.5 -0.5\n\n한국 1e-3 2\n", encoding="utf-8")
    loaded = WordVectors.load_text_format(path)
    assert loaded.words == ["the", "new york", "한국"]
    np.testing.assert_allclose(loaded["한국"], [0.001, 2.0])
    (tmp_path / "short.txt").write_text("a 1 2 3\nb 1 2\n")
    with pytest.raises(ValueError, match="Line 2"):
        WordVectors.load_text_format(tmp_path / "short.txt")
    (tmp_path / "nan.txt").write_text("a 1 2\nb 1 x\n")
    with pytest.raises(ValueError, match="Line 2"):
        WordVectors.load_text_format(tmp_path / "nan.txt")
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(ValueError, match="no word vectors"):
        WordVectors.load_text_format(tmp_path / "empty.txt")
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        WordVectors.load_text_format(tmp_path / "missing.txt")


class _FakeTokenizer:
    """Duck-typed stand-in with the legacy Tokenizer's attributes."""

    def __init__(self, word_index, num_words=None):
        self.word_index = word_index
        self.num_words = num_words


@pytest.mark.multibackend
def test_embedding_matrix_rows_and_frozen_layer(wv):
    word_index = {"man": 1, "woman": 2, "unicorn": 3, "king": 4}
    matrix = wv.embedding_matrix(word_index)
    assert matrix.shape == (5, 4) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], 0)
    np.testing.assert_array_equal(matrix[1], VECTORS[2])
    np.testing.assert_array_equal(matrix[3], 0)  # unknown word -> zeros
    np.testing.assert_array_equal(matrix[4], VECTORS[0])
    # num_words cuts like the Tokenizer (ids < num_words), from the argument or the tokenizer
    assert wv.embedding_matrix(word_index, num_words=3).shape == (3, 4)
    assert wv.embedding_matrix(_FakeTokenizer(word_index, num_words=2)).shape == (2, 4)
    random_rows = wv.embedding_matrix(word_index, oov="random", seed=0)
    assert np.all(random_rows[0] == 0) and np.any(random_rows[3] != 0)
    np.testing.assert_array_equal(random_rows[4], VECTORS[0])
    with pytest.raises(ValueError, match="'zeros', 'random'"):
        wv.embedding_matrix(word_index, oov="mean")
    with pytest.raises(TypeError, match="word_index"):
        wv.embedding_matrix(["man", "woman"])
    layer = keras.layers.Embedding(5, 4, trainable=False, embeddings_initializer=keras.initializers.Constant(matrix))
    out = keras.ops.convert_to_numpy(layer(np.array([[4, 1]])))
    np.testing.assert_allclose(out[0], matrix[[4, 1]])
    assert not layer.trainable_weights


@pytest.mark.multibackend
def test_from_embedding_layer_model_and_array():
    matrix = np.arange(12, dtype="float32").reshape(4, 3)
    word_index = {"a": 1, "b": 2, "c": 3, "d": 7}  # "d" does not fit the matrix
    layer = keras.layers.Embedding(4, 3)
    layer.build()
    layer.set_weights([matrix])
    for source in (matrix, layer, keras.Sequential([keras.Input((2,)), layer])):
        wv = WordVectors.from_embedding(source, word_index)
        assert wv.words == ["a", "b", "c"]
        np.testing.assert_array_equal(wv["b"], matrix[2])
    assert WordVectors.from_embedding(matrix, _FakeTokenizer(word_index, num_words=3)).words == ["a", "b"]
    with pytest.raises(ValueError, match="without an `Embedding`"):
        WordVectors.from_embedding(keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)]), word_index)
    with pytest.raises(ValueError, match="does not belong"):
        WordVectors.from_embedding(matrix, {"z": 9})
    with pytest.raises(ValueError, match="matrix"):
        WordVectors.from_embedding(np.ones(3), word_index)


@pytest.mark.multibackend
def test_pca_projection_and_plot(wv, tmp_path):
    coords = wv.project_2d(["king", "queen", "apple", "orange"])
    assert coords.shape == (4, 2)
    np.testing.assert_allclose(coords.mean(axis=0), 0, atol=1e-9)
    # first principal axis separates royals from fruit
    assert np.sign(coords[0, 0]) == np.sign(coords[1, 0]) != np.sign(coords[2, 0]) == np.sign(coords[3, 0])
    assert coords[:, 0].var() >= coords[:, 1].var()
    path = tmp_path / "words.png"
    fig = wv.plot(["king", "queen", "man", "woman"], path=path, title="royals")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [t.get_text() for t in fig.axes[0].texts] == ["king", "queen", "man", "woman"]
    assert not list(tmp_path.glob(".*tmp*"))
    with pytest.raises(ValueError, match="at least two"):
        wv.plot(["king"])
    with pytest.raises(KeyError, match="'dragon'"):
        wv.plot(["king", "dragon"])


@pytest.mark.multibackend
def test_plot_korean_words_font_choice(monkeypatch):
    import importlib
    import warnings

    module = importlib.import_module("kerasdl.text.word_vectors")
    wv = WordVectors(["왕", "여왕", "사과"], np.eye(3))
    monkeypatch.setattr(module, "_cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="Hangul/CJK glyphs") as record:
        wv.plot(["왕", "여왕", "사과"])
    assert len(record) == 1
    monkeypatch.setattr(module, "_cjk_font", lambda: "DejaVu Sans")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fig = wv.plot(["왕", "여왕", "사과"])
    assert fig.axes[0].texts[0].get_fontfamily() == ["DejaVu Sans"]
    assert WordVectors(["a", "b"], np.eye(2)).plot(["a", "b"], font="serif").axes[0].texts[0].get_fontfamily() == ["serif"]
