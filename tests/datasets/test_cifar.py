from __future__ import annotations

import io
import os
import pickle
import shutil
import tarfile

import numpy as np
import pytest

import kerasdl.datasets.cifar as cifar
from kerasdl.datasets import DATA_DIR_ENV, DatasetNotFoundError, load_cifar10, read_cifar_batch
from kerasdl.datasets._files import keras_cache_dir, md5_of
from kerasdl.datasets.cifar import CIFAR10_BATCHES, CIFAR10_FOLDER, CIFAR10_TARBALL


def _batch_bytes(n, seed, protocol=2):
    """A batch as the publisher pickles it: bytes keys, planar RGB rows, a list of labels."""
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
    labels = rng.integers(0, 10, n).tolist()
    batch = {b"batch_label": b"training batch", b"labels": labels, b"data": data,
             b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
    return pickle.dumps(batch, protocol=protocol), data, labels


def _fake_folder(folder, n=3):
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for i, name in enumerate(CIFAR10_BATCHES):
        raw, data, labels = _batch_bytes(n, i)
        (folder / name).write_bytes(raw)
        arrays[name] = (data, labels)
    return arrays


def _fake_tarball(path, n=3):
    arrays = {}
    with tarfile.open(path, "w:gz") as archive:
        for i, name in enumerate(CIFAR10_BATCHES):
            raw, data, labels = _batch_bytes(n, i)
            info = tarfile.TarInfo(f"{CIFAR10_FOLDER}/{name}")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
            arrays[name] = (data, labels)
    return arrays


def _expected_train(arrays):
    data = np.concatenate([arrays[b][0] for b in CIFAR10_BATCHES[:5]])
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


@pytest.mark.multibackend
def test_batch_is_channels_last_uint8():
    raw, data, labels = _batch_bytes(2, 0)
    images, got_labels = read_cifar_batch(raw)
    assert images.shape == (2, 32, 32, 3) and images.dtype == np.uint8
    # Planar rows: the first 1024 values are red, then green, then blue.
    np.testing.assert_array_equal(images[1, :, :, 0].ravel(), data[1, :1024])
    np.testing.assert_array_equal(images[1, :, :, 2].ravel(), data[1, 2048:])
    assert got_labels.tolist() == labels and got_labels.dtype == np.uint8
    # Protocol 5 pickles (NumPy's _frombuffer) are accepted too.
    images5, _ = read_cifar_batch(_batch_bytes(2, 0, protocol=5)[0])
    np.testing.assert_array_equal(images5, images)


def test_extracted_folder_in_data_dir_and_environment_variable(tmp_path, monkeypatch):
    arrays = _fake_folder(tmp_path / "cifar" / CIFAR10_FOLDER)
    (x_train, y_train), (x_test, y_test) = load_cifar10(tmp_path / "cifar", download=False)
    assert x_train.shape == (15, 32, 32, 3) and y_train.shape == (15,) and x_test.shape == (3, 32, 32, 3)
    np.testing.assert_array_equal(x_train, _expected_train(arrays))
    assert y_test.tolist() == arrays["test_batch"][1]
    # The batches themselves in data_dir, and $KERASDL_DATA_DIR/cifar10/.
    (x2, _), _ = load_cifar10(tmp_path / "cifar" / CIFAR10_FOLDER, download=False)
    np.testing.assert_array_equal(x2, x_train)
    shutil.move(tmp_path / "cifar", tmp_path / "data" / "cifar10")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    (x3, _), _ = load_cifar10(download=False)
    np.testing.assert_array_equal(x3, x_train)


def test_tarball_is_read_without_extracting_and_checked(tmp_path, monkeypatch):
    arrays = _fake_tarball(tmp_path / CIFAR10_TARBALL)
    with pytest.raises(ValueError, match="Checksum mismatch.*c58f30108f718f92721af3b95e74349a"):
        load_cifar10(tmp_path, download=False)
    monkeypatch.setattr(cifar, "CIFAR10_TARBALL_MD5", md5_of(tmp_path / CIFAR10_TARBALL))
    (x_train, _), (_, y_test) = load_cifar10(tmp_path, download=False)
    np.testing.assert_array_equal(x_train, _expected_train(arrays))
    assert y_test.tolist() == arrays["test_batch"][1]
    assert sorted(os.listdir(tmp_path)) == [CIFAR10_TARBALL]  # nothing extracted


def test_truncated_and_incomplete_tarballs(tmp_path, monkeypatch):
    _fake_tarball(tmp_path / "full.tar.gz")
    data = (tmp_path / "full.tar.gz").read_bytes()
    (tmp_path / CIFAR10_TARBALL).write_bytes(data[: len(data) // 2])
    monkeypatch.setattr(cifar, "CIFAR10_TARBALL_MD5", md5_of(tmp_path / CIFAR10_TARBALL))
    with pytest.raises(ValueError, match="corrupt or truncated"):
        load_cifar10(tmp_path, download=False)
    with tarfile.open(tmp_path / CIFAR10_TARBALL, "w:gz") as archive:
        info = tarfile.TarInfo(f"{CIFAR10_FOLDER}/readme.html")
        archive.addfile(info, io.BytesIO(b""))
    monkeypatch.setattr(cifar, "CIFAR10_TARBALL_MD5", md5_of(tmp_path / CIFAR10_TARBALL))
    with pytest.raises(ValueError, match=r"lacks the CIFAR-10 batches \['data_batch_1'"):
        load_cifar10(tmp_path, download=False)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_unsafe_pickles_are_refused(tmp_path):
    evil = pickle.dumps({b"data": _Evil(), b"labels": [0]}, protocol=2)
    with pytest.raises(ValueError, match=r"Refusing to load `(posix|nt|os)\.system`"):
        read_cifar_batch(evil, "data_batch_1")
    with pytest.raises(ValueError, match="Refusing to load `builtins.eval`"):
        read_cifar_batch(b"cbuiltins\neval\n(S'1'\ntR.", "x")


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (_batch_bytes(2, 0)[0][:-40], "corrupt or truncated"),
        (b"not a pickle", "corrupt or truncated"),
        (pickle.dumps([1, 2]), "holds a list, not a dict"),
        (pickle.dumps({b"data": np.zeros((2, 3072), np.uint8)}), "expected the keys 'data' and 'labels'"),
        (pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}), r"\(n, 3072\)"),
        (pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]}), "2 images but labels"),
        (pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": [12]}), "labels must be 0-9"),
    ],
)
def test_corrupt_batches(raw, match):
    with pytest.raises(ValueError, match=match):
        read_cifar_batch(raw, "data_batch_1")


def test_offline_errors_name_the_files(tmp_path, monkeypatch):
    with pytest.raises(
        DatasetNotFoundError, match=r"cifar-10-batches-py/data_batch_1.*cifar-10-python.tar.gz.*KERASDL_DATA_DIR"
    ):
        load_cifar10(tmp_path, download=False)
    assert cifar._CIFAR10_URL == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    monkeypatch.setattr(cifar, "_CIFAR10_URL", f"file://{tmp_path}/nonexistent/{CIFAR10_TARBALL}")
    with pytest.raises(DatasetNotFoundError, match="not found locally and could not be downloaded"):
        load_cifar10(tmp_path)


def test_download_branch_with_a_file_url(tmp_path, monkeypatch):
    _fake_tarball(tmp_path / "server.tar.gz")
    monkeypatch.setattr(cifar, "_CIFAR10_URL", f"file://{tmp_path}/server.tar.gz")
    monkeypatch.setattr(cifar, "CIFAR10_TARBALL_MD5", md5_of(tmp_path / "server.tar.gz"))
    (tmp_path / "empty").mkdir()
    cached = keras_cache_dir() / "cifar10"
    try:
        (x_train, _), _ = load_cifar10(tmp_path / "empty")
        assert x_train.shape == (15, 32, 32, 3)
        assert [p.name for p in cached.iterdir()] == [CIFAR10_TARBALL]
    finally:
        shutil.rmtree(cached, ignore_errors=True)
