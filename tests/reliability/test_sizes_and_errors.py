"""Absurd sizes refused before allocating, and damaged weights files reported clearly.

The size tests lower ``KERASDL_MAX_ARRAY_BYTES`` so that, were the check
removed, the call would succeed (a test failure, not an exhausted machine);
the absurd values themselves ask for terabytes, which NumPy refuses with a
``MemoryError`` rather than the clear ``ValueError`` expected.
"""

from __future__ import annotations

import zipfile

import h5py
import keras
import numpy as np
import pytest

from kerasdl.serialization import load_weights, save_weights
from kerasdl.text import (
    NgramDataset,
    WordVectors,
    build_word2vec,
    generate_text,
    make_ngram_sequences,
    make_sampling_table,
    make_word2vec_data,
)

LINES = [[1, 2, 3, 4], [5, 6, 7]] * 500  # 2,500 n-grams


@pytest.fixture
def one_mib(monkeypatch):
    monkeypatch.setenv("KERASDL_MAX_ARRAY_BYTES", str(1 << 20))


def test_absurd_max_len_is_refused_not_allocated():
    with pytest.raises(
        ValueError,
        match=r"make_ngram_sequences \(2,500 n-grams x \(max_len - 1 = 999,999,999 int32 "
        r"ids.*more than the limit of 2,147,483,648 bytes\. The longest line has 4 ids",
    ):
        make_ngram_sequences(LINES, max_len=10**9)
    with pytest.raises(
        ValueError, match=r"one-hot labels of 1,000,000,000 float32.*len\(word_index\) \+ 1.*NgramDataset"
    ):
        make_ngram_sequences(LINES, one_hot=True, num_classes=10**9)
    with pytest.raises(ValueError, match=r"A batch of NgramDataset \(32 n-grams.*smaller `batch_size`"):
        NgramDataset(LINES, max_len=10**11)


def test_ngram_limit_is_the_environment_variable(one_mib, monkeypatch):
    # 2,500 x (99 + 1) x 4 bytes = 1,000,000: just under 1 MiB.
    x, _ = make_ngram_sequences(LINES, max_len=100)
    assert x.shape == (2500, 99) and x[0, -1] == 1 and x[0, :-1].sum() == 0
    with pytest.raises(
        ValueError, match=r"would take 1,060,000 bytes.*limit of 1,048,576 bytes.*KERASDL_MAX_ARRAY_BYTES"
    ):
        make_ngram_sequences(LINES, max_len=106)
    with pytest.raises(ValueError, match="one-hot labels of 200 float32"):
        make_ngram_sequences(LINES, one_hot=True, num_classes=200)
    assert NgramDataset(LINES, max_len=3000, batch_size=64)[0][0].shape == (64, 2999)  # a batch is small
    with pytest.raises(ValueError, match="A batch of NgramDataset"):
        NgramDataset(LINES, max_len=3000, batch_size=1024)
    monkeypatch.setenv("KERASDL_MAX_ARRAY_BYTES", "lots")
    with pytest.raises(
        ValueError,
        match=r"KERASDL_MAX_ARRAY_BYTES must be a number of bytes.*Received: KERASDL_MAX_ARRAY_BYTES='lots'",
    ):
        make_ngram_sequences(LINES)


def test_chunked_padding_matches_one_vectorized_pass():
    lines = [list(range(1, n)) for n in range(3, 60)] * 2
    for padding in ("pre", "post"):
        x, y = make_ngram_sequences(lines, max_len=3000, padding=padding)  # ten chunks of 349 rows
        reference = keras.utils.pad_sequences(
            [line[: i + 1] for line in lines for i in range(1, len(line))], maxlen=3000, padding="pre"
        )[:, :-1]
        if padding == "post":
            reference = keras.utils.pad_sequences(
                [row[row > 0] for row in reference], maxlen=2999, padding="post"
            )
        np.testing.assert_array_equal(x, reference)
        assert y.tolist() == [line[i] for line in lines for i in range(1, len(line))]


def test_other_text_sizes_are_bounded(one_mib):
    vectors = WordVectors(["a", "b"], [[1.0, 0.0], [0.0, 1.0]])
    assert vectors.embedding_matrix({"a": 1, "b": 2}, num_words=1000).shape == (1000, 2)
    with pytest.raises(
        ValueError,
        match=r"The embedding matrix \(1,000,000,000 rows x 2 float32\).*Received: num_words=1000000000",
    ):
        vectors.embedding_matrix({"a": 1, "b": 2}, num_words=10**9)
    with pytest.raises(ValueError, match=r"make_sampling_table \(100,000 entries.*Received: size=100000"):
        make_sampling_table(100_000)
    with pytest.raises(
        ValueError, match=r"word2vec weights \(two 10,000 x 64 float32.*Received: vocab_size=10000"
    ):
        build_word2vec(vocab_size=10_000, embedding_dim=64)
    with pytest.raises(ValueError, match=r"CBOW contexts.*Received: window_size=100000"):
        make_word2vec_data([[1, 2, 3]], vocab_size=5, mode="cbow", window_size=100_000)

    class Tokenizer:
        word_index = {"a": 1}
        index_word = {1: "a"}

        def texts_to_sequences(self, texts):
            return [[1] for _ in texts]

    with pytest.raises(
        ValueError, match=r"Each padded input \(999,999 int32 ids\).*max_sequence_len=1000000"
    ):
        generate_text(None, Tokenizer(), "a", num_words=1, max_sequence_len=10**6)


# ----------------------------------------------------------------------------- weights files


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, name="d1"), keras.layers.Dense(2, name="d2")]
    )


def test_truncated_and_corrupt_weights_files_name_the_file(tmp_path):
    path = save_weights(_model(), tmp_path / "w.weights.h5")
    data = path.read_bytes()
    (tmp_path / "half.weights.h5").write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ValueError,
        match=r"Could not read the weights in '.*half.weights.h5': OSError: .*truncated.*re-save it",
    ):
        load_weights(_model(), tmp_path / "half.weights.h5")
    damaged = bytearray(data)
    damaged[600:700] = b"\xff" * 100  # the object headers
    (tmp_path / "bad.weights.h5").write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"Could not read the weights in '.*bad.weights.h5': RuntimeError"):
        load_weights(_model(), tmp_path / "bad.weights.h5")
    _model().save(tmp_path / "m.keras")
    archive = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(archive[: len(archive) // 2])
    with pytest.raises(ValueError, match=r"Could not read the weights in '.*cut.keras': BadZipFile"):
        load_weights(_model(), tmp_path / "cut.keras")
    full = tmp_path / "full.h5"
    _model().save(full)
    legacy = full.read_bytes()
    (tmp_path / "cut.h5").write_bytes(legacy[: len(legacy) // 2])
    with pytest.raises(ValueError, match=r"cut.h5': OSError"):
        load_weights(_model(), tmp_path / "cut.h5")


def test_weights_datasets_declaring_unstored_gigabytes_or_other_files_are_refused(tmp_path):
    path = save_weights(_model(), tmp_path / "w.weights.h5")
    with h5py.File(path, "a") as handle:
        del handle["layers/dense/vars/0"]
        handle.create_dataset(
            "layers/dense/vars/0", shape=(100_000, 100_000), dtype="f4", chunks=(1000, 1000)
        )
    assert path.stat().st_size < 100_000
    with pytest.raises(
        ValueError,
        match=r"the dataset 'layers/dense/vars/0' declares shape \(100000, 100000\) "
        r"\(40,000,000,000 bytes\) but stores 0 bytes.*MAX_H5_EXPANSION",
    ):
        load_weights(_model(), path)
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(12, dtype="f4").tobytes())
    path = save_weights(_model(), tmp_path / "x.weights.h5")
    with h5py.File(path, "a") as handle:
        del handle["layers/dense/vars/0"]
        handle.create_dataset(
            "layers/dense/vars/0", shape=(4, 3), dtype="f4", external=[(str(secret), 0, 48)]
        )
    with pytest.raises(
        ValueError, match=r"the dataset 'layers/dense/vars/0' takes its data from other files"
    ):
        load_weights(_model(), path)
    target = _model(1)
    load_weights(target, save_weights(_model(), tmp_path / "ok.weights.h5"))  # a real file still loads
    np.testing.assert_array_equal(target.get_weights()[0], _model().get_weights()[0])


def test_keras_archive_that_is_not_a_zip_member_set(tmp_path):
    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as archive:
        archive.writestr("metadata.json", "{}")
    with pytest.raises(ValueError, match=r"(empty.keras|weights)"):
        load_weights(_model(), tmp_path / "empty.keras")
