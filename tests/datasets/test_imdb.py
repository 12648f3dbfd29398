"""load_imdb on tiny fake imdb.npz files, with keras.datasets.imdb.load_data as the oracle."""

from __future__ import annotations

import json
import os
import pickle

import numpy as np
import pytest

from kerasdl.datasets import DatasetNotFoundError, load_imdb, load_imdb_word_index, load_npz_safely


def _ragged(rows):
    out = np.empty(len(rows), dtype=object)
    out[:] = rows
    return out


def _write_fake_imdb(folder, seed=0, n_train=12, n_test=8):
    rng = np.random.default_rng(seed)
    rows = lambda n: _ragged([rng.integers(1, 30, size=rng.integers(1, 12)).tolist() for _ in range(n)])  # noqa: E731
    arrays = {
        "x_train": rows(n_train),
        "y_train": rng.integers(0, 2, n_train),
        "x_test": rows(n_test),
        "y_test": rng.integers(0, 2, n_test),
    }
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / "imdb.npz", **arrays)
    return folder / "imdb.npz", arrays


@pytest.mark.multibackend
def test_reads_local_file_with_keras_defaults(tmp_path):
    path, arrays = _write_fake_imdb(tmp_path)
    (x_train, y_train), (x_test, y_test) = load_imdb(tmp_path, download=False)
    assert x_train.dtype == object and len(x_train) == 12 and len(x_test) == 8
    assert all(review[0] == 1 for review in x_train)  # start_char
    order = np.arange(12)
    np.random.RandomState(113).shuffle(order)
    largest = max(w + 3 for split in ("x_train", "x_test") for row in arrays[split] for w in row)
    # As Keras: ids shifted by index_from=3 after start_char=1; without num_words the largest id is OOV (2).
    assert x_train[0] == [1] + [w + 3 if w + 3 < largest else 2 for w in arrays["x_train"][order[0]]]
    np.testing.assert_array_equal(y_train, arrays["y_train"][order])
    assert set(y_test) <= {0, 1}


def _keras_oracle(monkeypatch, path, **kwargs):
    from keras.src.datasets import imdb as keras_imdb

    monkeypatch.setattr(keras_imdb, "get_file", lambda *a, **k: str(path))
    return keras_imdb.load_data(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 15},
        {"num_words": 20, "skip_top": 5},
        {"maxlen": 8},
        {"num_words": 15, "oov_char": None},
        {"start_char": None, "index_from": 0, "seed": 7},
    ],
)
def test_identical_to_keras_load_data(tmp_path, monkeypatch, kwargs):
    path, _ = _write_fake_imdb(tmp_path, seed=1)
    expected = _keras_oracle(monkeypatch, path, **kwargs)
    result = load_imdb(tmp_path, download=False, **kwargs)
    for (x_ref, y_ref), (x, y) in zip(expected, result):
        assert [list(r) for r in x] == [list(r) for r in x_ref]
        np.testing.assert_array_equal(y, y_ref)


@pytest.mark.multibackend
def test_lookup_order_env_and_subfolder(tmp_path, monkeypatch):
    _write_fake_imdb(tmp_path / "data" / "imdb")
    monkeypatch.setenv("KERASDL_DATA_DIR", str(tmp_path / "data"))
    (x_train, _), _ = load_imdb(download=False)
    assert len(x_train) == 12


@pytest.mark.multibackend
def test_offline_error_names_file_and_places(tmp_path, monkeypatch):
    monkeypatch.delenv("KERASDL_DATA_DIR", raising=False)
    with pytest.raises(DatasetNotFoundError, match=r"imdb\.npz.*KERASDL_DATA_DIR"):
        load_imdb(tmp_path, download=False)
    with pytest.raises(DatasetNotFoundError, match="data_dir"):
        load_imdb(tmp_path / "nowhere", download=False)
    with pytest.raises(DatasetNotFoundError, match="imdb_word_index.json"):
        load_imdb_word_index(tmp_path, download=False)


@pytest.mark.multibackend
def test_word_index(tmp_path):
    (tmp_path / "imdb_word_index.json").write_text(json.dumps({"the": 1, "and": 2, "film": 19}))
    assert load_imdb_word_index(tmp_path, download=False) == {"the": 1, "and": 2, "film": 19}


@pytest.mark.multibackend
def test_bad_options_and_maxlen_too_small(tmp_path):
    _write_fake_imdb(tmp_path)
    with pytest.raises(ValueError, match="num_words=0"):
        load_imdb(tmp_path, num_words=0, download=False)
    with pytest.raises(ValueError, match="skip_top=-1"):
        load_imdb(tmp_path, skip_top=-1, download=False)
    with pytest.raises(ValueError, match="Increase `maxlen`"):
        load_imdb(tmp_path, maxlen=1, download=False)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


@pytest.mark.multibackend
def test_refuses_code_in_pickles_and_corrupt_files(tmp_path):
    evil = np.empty(1, dtype=object)
    evil[0] = _Evil()
    np.savez(tmp_path / "imdb.npz", x_train=evil, y_train=np.zeros(1), x_test=evil, y_test=np.zeros(1))
    with pytest.raises(pickle.UnpicklingError, match="system"):
        load_npz_safely(tmp_path / "imdb.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="corrupt"):
        load_npz_safely(tmp_path / "bad.npz")
    (tmp_path / "other").mkdir()
    np.savez(tmp_path / "other" / "imdb.npz", a=np.ones(2))
    with pytest.raises(ValueError, match="not the Keras IMDB file"):
        load_imdb(tmp_path / "other", download=False)
