from __future__ import annotations

import gzip

import numpy as np
import pytest

from kerasdl.datasets import DATA_DIR_ENV, DatasetNotFoundError, load_mnist, read_idx
from kerasdl.datasets.mnist import MNIST_IDX_FILES


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def _fake_mnist(folder, n_train=6, n_test=4):
    rng = np.random.default_rng(0)
    arrays = [
        rng.integers(0, 255, (n_train, 28, 28)), rng.integers(0, 10, n_train),
        rng.integers(0, 255, (n_test, 28, 28)), rng.integers(0, 10, n_test),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(MNIST_IDX_FILES, arrays):
        _write_idx(folder / name, array)
    return arrays


def test_real_mnist_from_the_publisher_idx_files(mnist_dir):
    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_dir, download=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8
    assert np.bincount(y_train).tolist()[:3] == [5923, 6742, 5958]  # published class counts
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_reads_idx_files_and_checks_the_header(tmp_path):
    arrays = _fake_mnist(tmp_path / "m")
    # The published checksum of the real file does not match fake data.
    with pytest.raises(ValueError, match="Checksum mismatch"):
        load_mnist(tmp_path / "m", download=False)
    np.testing.assert_array_equal(read_idx(tmp_path / "m" / MNIST_IDX_FILES[0]), arrays[0])


def test_truncated_and_corrupt_files(tmp_path):
    _fake_mnist(tmp_path)
    data = gzip.open(tmp_path / MNIST_IDX_FILES[1]).read()
    with gzip.open(tmp_path / "cut.gz", "wb") as handle:
        handle.write(data[:-2])
    with pytest.raises(ValueError, match="truncated or padded"):
        read_idx(tmp_path / "cut.gz")
    (tmp_path / "junk.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        read_idx(tmp_path / "junk.gz")
    (tmp_path / "magic").write_bytes(b"\x00\x00\x0d\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="bad magic number"):
        read_idx(tmp_path / "magic")


def test_npz_layout_and_environment_variable(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "mnist"
    folder.mkdir(parents=True)
    x = np.zeros((2, 28, 28), np.uint8)
    y = np.array([1, 2], np.uint8)
    np.savez(folder / "mnist.npz", x_train=x, y_train=y, x_test=x[:1], y_test=y[:1])
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    (x_train, y_train), (x_test, _) = load_mnist(download=False)
    assert y_train.tolist() == [1, 2] and x_test.shape == (1, 28, 28)


def test_missing_files_say_where_to_put_them(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"train-images-idx3-ubyte.gz.*`data_dir=`.*KERASDL_DATA_DIR"):
        load_mnist(tmp_path, download=False)
    with pytest.raises(DatasetNotFoundError, match="`data_dir` does not exist"):
        load_mnist(tmp_path / "nope", download=False)


def test_failed_download_is_a_clear_error_not_a_url_error(tmp_path, monkeypatch):
    import kerasdl.datasets.mnist as mnist

    monkeypatch.setattr(mnist, "_KERAS_MNIST_URL", "file:///nonexistent/kerasdl/mnist.npz")
    with pytest.raises(DatasetNotFoundError, match="not found locally and could not be downloaded"):
        load_mnist(tmp_path)
