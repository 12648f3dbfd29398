from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

import kerasdl.datasets.mnist as mnist
from kerasdl.datasets import DATA_DIR_ENV, DatasetNotFoundError, load_fashion_mnist
from kerasdl.datasets._files import keras_cache_dir, md5_of
from kerasdl.datasets.mnist import FASHION_MNIST_CLASSES, FASHION_MNIST_MD5, MNIST_IDX_FILES


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def _fake_fashion(folder, n_train=6, n_test=4, image_shape=(28, 28)):
    rng = np.random.default_rng(1)
    arrays = [
        rng.integers(0, 255, (n_train, *image_shape)), rng.integers(0, 10, n_train),
        rng.integers(0, 255, (n_test, *image_shape)), rng.integers(0, 10, n_test),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in zip(MNIST_IDX_FILES, arrays):
        _write_idx(folder / name, array)
    return arrays


@pytest.fixture
def accept_fake_files(monkeypatch, tmp_path):
    """Fake files cannot match the published MD5s: check against the fakes' own."""
    def accept(folder):
        monkeypatch.setattr(mnist, "FASHION_MNIST_MD5", {n: md5_of(folder / n) for n in MNIST_IDX_FILES})
    return accept


def test_published_checksums_and_keras_source_are_kept():
    assert FASHION_MNIST_MD5["train-images-idx3-ubyte.gz"] == "8d4fb7e6c68d591d4c3dfef9ec88bf0d"
    assert set(FASHION_MNIST_MD5) == set(MNIST_IDX_FILES)
    assert mnist._KERAS_FASHION_MNIST_URL == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
    assert FASHION_MNIST_CLASSES[9] == "Ankle boot" and len(FASHION_MNIST_CLASSES) == 10


def test_fake_idx_files_load_and_fake_checksums_are_refused(tmp_path, monkeypatch):
    arrays = _fake_fashion(tmp_path / "f")
    with pytest.raises(ValueError, match=r"Checksum mismatch.*train-images-idx3-ubyte.gz.*8d4fb7e6"):
        load_fashion_mnist(tmp_path / "f", download=False)
    monkeypatch.setattr(mnist, "FASHION_MNIST_MD5", {n: md5_of(tmp_path / "f" / n) for n in MNIST_IDX_FILES})
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(tmp_path / "f", download=False)
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        np.testing.assert_array_equal(got, want)
    assert x_train.dtype == np.uint8 and x_train.shape == (6, 28, 28)


def test_environment_variable_and_subfolder(tmp_path, monkeypatch, accept_fake_files):
    _fake_fashion(tmp_path / "data" / "fashion-mnist")
    accept_fake_files(tmp_path / "data" / "fashion-mnist")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    (x_train, _), (x_test, _) = load_fashion_mnist(download=False)
    assert len(x_train) == 6 and len(x_test) == 4


def test_headers_are_checked(tmp_path, accept_fake_files):
    _fake_fashion(tmp_path, image_shape=(14, 14))
    accept_fake_files(tmp_path)
    with pytest.raises(ValueError, match=r"images \(6, 14, 14\)"):
        load_fashion_mnist(tmp_path, download=False)


def test_mismatched_labels_are_refused(tmp_path, accept_fake_files):
    _fake_fashion(tmp_path)
    _write_idx(tmp_path / MNIST_IDX_FILES[3], np.zeros(3))  # 4 test images, 3 labels
    accept_fake_files(tmp_path)
    with pytest.raises(ValueError, match="t10k files do not match"):
        load_fashion_mnist(tmp_path, download=False)


def test_truncated_file(tmp_path, accept_fake_files):
    _fake_fashion(tmp_path)
    data = (tmp_path / MNIST_IDX_FILES[0]).read_bytes()
    (tmp_path / MNIST_IDX_FILES[0]).write_bytes(data[: len(data) // 2])
    accept_fake_files(tmp_path)
    with pytest.raises(ValueError, match="corrupt or truncated"):
        load_fashion_mnist(tmp_path, download=False)


def test_offline_errors_name_the_files(tmp_path, monkeypatch):
    with pytest.raises(DatasetNotFoundError, match=r"t10k-labels-idx1-ubyte.gz.*KERASDL_DATA_DIR.*fashion-mnist/"):
        load_fashion_mnist(tmp_path, download=False)
    monkeypatch.setattr(mnist, "_KERAS_FASHION_MNIST_URL", f"file://{tmp_path}/nonexistent/")
    with pytest.raises(DatasetNotFoundError, match="not found locally and could not be downloaded"):
        load_fashion_mnist(tmp_path)


def test_download_path_uses_the_idx_layout_and_checks_md5(tmp_path, monkeypatch):
    """The download branch (a file:// origin, no network) fetches the four IDX files."""
    source = tmp_path / "server"
    _fake_fashion(source)
    monkeypatch.setattr(mnist, "_KERAS_FASHION_MNIST_URL", f"file://{source}/")
    monkeypatch.setattr(mnist, "FASHION_MNIST_MD5", {n: md5_of(source / n) for n in MNIST_IDX_FILES})
    (tmp_path / "empty").mkdir()
    cached = keras_cache_dir() / "fashion-mnist"
    try:
        (x_train, _), _ = load_fashion_mnist(tmp_path / "empty")
        assert x_train.shape == (6, 28, 28)
        assert sorted(p.name for p in cached.iterdir()) == sorted(MNIST_IDX_FILES)
    finally:
        shutil.rmtree(cached, ignore_errors=True)  # the session's Keras cache stays empty
