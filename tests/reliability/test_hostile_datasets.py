"""Hostile data set files, built here in a few bytes: each is refused with the clear error, before allocating.

Every payload would otherwise reach gigabytes of memory, crash the
interpreter or load garbage; each test checks the new message (naming the
file and the sizes), so removing a check makes it fail (with a different
error, a MemoryError, garbage accepted, or a crash).
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import subprocess
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

from kerasdl.datasets import (
    load_cifar10,
    load_fashion_mnist,
    load_imdb,
    load_mnist,
    load_npz_safely,
    parse_auto_mpg,
    read_cifar_batch,
    read_idx,
)
from kerasdl.datasets.cifar import CIFAR10_BATCHES
from kerasdl.datasets.mnist import MNIST_IDX_FILES

# ----------------------------------------------------------------------------- IDX (MNIST)


def _idx(dims, payload=b""):
    return bytes([0, 0, 8, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims) + payload


def _gzip_bomb(path, dims, num_bytes):
    """A gzip IDX whose header declares ``dims`` and whose data is ``num_bytes`` zeros (~1000:1)."""
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(_idx(dims))
        block = bytes(1 << 20)
        for _ in range(num_bytes >> 20):
            handle.write(block)


def test_idx_header_declaring_a_billion_images_is_refused_before_reading(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(_idx((10**9, 28, 28), bytes(100)))
    assert path.stat().st_size < 200
    with pytest.raises(
        ValueError,
        match=r"declares an IDX array of shape \(1000000000, 28, 28\) "
        r"\(784,000,000,000 bytes\), more than the limit of 1,073,741,824.*max_bytes=",
    ):
        read_idx(path)
    with pytest.raises(ValueError, match="limit of 99 bytes"):
        read_idx(path, max_bytes=99)


def test_idx_gzip_bomb_is_not_decompressed(tmp_path):
    """32 MiB of zeros behind a header that claims 60,000 images: only the declared bytes are read."""
    path = tmp_path / "bomb-idx1-ubyte.gz"
    _gzip_bomb(path, (10,), 32 << 20)
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"truncated or padded: the header declares shape \(10,\)"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, peak  # the whole stream would be 32 MiB


def test_mnist_headers_are_checked_against_the_data_set_before_reading(tmp_path, monkeypatch):
    import kerasdl.datasets.mnist as mnist

    folder = tmp_path / "m"
    folder.mkdir()
    contents = [
        _idx((2, 28, 28), bytes(2 * 784)),
        _idx((2,), b"\x01\x02"),
        _idx((1, 28, 28), bytes(784)),
        _idx((1,), b"\x03"),
    ]
    for name, data in zip(MNIST_IDX_FILES, contents):
        with gzip.open(folder / name, "wb") as handle:
            handle.write(data)
    monkeypatch.setattr(mnist, "MNIST_TRAIN_IMAGES_MD5", None)
    monkeypatch.setattr(mnist, "FASHION_MNIST_MD5", {})
    (x, y), _ = load_fashion_mnist(folder, download=False)
    assert x.shape == (2, 28, 28) and y.tolist() == [1, 2]
    # A count over MNIST_MAX_SAMPLES in a header, with a few bytes of data.
    with gzip.open(folder / MNIST_IDX_FILES[2], "wb") as handle:
        handle.write(_idx((1_200_000, 28, 28), bytes(784)))
    with pytest.raises(
        ValueError, match=r"declares 1,200,000 images, more than the limit of 1,000,000.*MNIST_MAX_SAMPLES"
    ):
        load_fashion_mnist(folder, download=False)
    monkeypatch.setattr(mnist, "MNIST_MAX_SAMPLES", 10_000_000)  # raised: now it is the truncated file it is
    with pytest.raises(ValueError, match="truncated or padded"):
        load_fashion_mnist(folder, download=False)
    # An image file of another shape is refused from its header.
    with gzip.open(folder / MNIST_IDX_FILES[2], "wb") as handle:
        handle.write(_idx((1, 4096, 4096), b""))
    with pytest.raises(
        ValueError, match=r"must hold images of shape \(n, 28, 28\).*Received: images \(1, 4096, 4096\)"
    ):
        load_fashion_mnist(folder, download=False)
    # Labels out of 0-9.
    with gzip.open(folder / MNIST_IDX_FILES[2], "wb") as handle:
        handle.write(contents[2])
    with gzip.open(folder / MNIST_IDX_FILES[3], "wb") as handle:
        handle.write(_idx((1,), b"\xc8"))
    with pytest.raises(ValueError, match=r"t10k labels must be 0-9.*Received: labels 200-200"):
        load_fashion_mnist(folder, download=False)


def test_corrupt_gzip_stream_is_a_clear_error(tmp_path):
    bad = gzip.compress(b"")[:10] + b"\xff" * 50  # a gzip header, then an invalid deflate block: zlib.error
    (tmp_path / "x-idx1-ubyte.gz").write_bytes(bad)
    with pytest.raises(
        ValueError, match=r"Could not read the IDX file .*x-idx1-ubyte.gz.*delete it and download"
    ):
        read_idx(tmp_path / "x-idx1-ubyte.gz")


def test_mnist_npz_with_huge_declared_shape_and_bad_labels(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|u1", "fortran_order": False, "shape": (10**9, 28, 28)}
    )
    with zipfile.ZipFile(folder / "mnist.npz", "w") as archive:
        archive.writestr("x_train.npy", header.getvalue() + bytes(784))
    with pytest.raises(
        ValueError,
        match=r"x_train.npy.*declares shape \(1000000000, 28, 28\) of uint8 "
        r"\(784,000,000,000 bytes\) but the member holds 784 bytes",
    ):
        load_mnist(folder, download=False)
    x = np.zeros((2, 28, 28), np.uint8)
    np.savez(folder / "mnist.npz", x_train=x, y_train=np.array([1, 12]), x_test=x, y_test=np.array([0, 1]))
    with pytest.raises(ValueError, match="train labels must be 0-9.*Received: labels 1-12"):
        load_mnist(folder, download=False)
    np.savez(
        folder / "mnist.npz",
        x_train=x.astype(float),
        y_train=np.array([1, 2]),
        x_test=x,
        y_test=np.array([0, 1]),
    )
    with pytest.raises(ValueError, match="must be uint8.*Received: images float64"):
        load_mnist(folder, download=False)
    np.savez(folder / "mnist.npz", x_train=x, y_train=np.array([1, 2]))
    with pytest.raises(ValueError, match="lacks x_test, y_test"):
        load_mnist(folder, download=False)


# ----------------------------------------------------------------------------- npz (IMDB)


def _npy(array_header, pickled):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, array_header)
    return buffer.getvalue() + pickled


def _write_npz(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name + ".npy", data)


class _ShapeLie:
    """Pickles as NumPy pickles an object array, but with a state shape of 10**8 and a list of 2."""

    def __reduce__(self):
        from numpy._core.multiarray import _reconstruct

        return (_reconstruct, (np.ndarray, (0,), b"b"), (1, (10**8,), np.dtype(object), False, [[1], [2]]))


def test_object_array_whose_state_lies_about_its_shape_does_not_crash_the_interpreter(tmp_path):
    """NumPy's __setstate__ reads past the list and segfaults; the check refuses first (run in a child)."""
    path = tmp_path / "imdb.npz"
    member = _npy(
        {"descr": "|O", "fortran_order": False, "shape": (2,)}, pickle.dumps(_ShapeLie(), protocol=3)
    )
    _write_npz(path, {k: member for k in ("x_train", "y_train", "x_test", "y_test")})
    assert path.stat().st_size < 2000
    code = (
        "import sys\nfrom kerasdl.datasets import load_imdb\n"
        f"try:\n    load_imdb({str(tmp_path)!r}, download=False)\n"
        "except ValueError as error:\n    print('REFUSED', error)\n    sys.exit(0)\nsys.exit(3)\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "numpy"}  # the child only needs NumPy: a faster start
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "REFUSED" in result.stdout
    assert "declares shape (100000000,) (100,000,000 elements) but holds 2 elements" in result.stdout
    assert "imdb.npz:x_train.npy" in result.stdout


def test_pickle_calling_ndarray_to_allocate_is_refused(tmp_path):
    # GLOBAL numpy.ndarray, args ((10**12,),), REDUCE: ndarray((10**12,)) would ask for 931 GiB.
    payload = b"\x80\x03cnumpy\nndarray\nq\x00\x8a\x05\x00\x10\xa5\xd4\xe8\x85q\x01\x85q\x02Rq\x03."
    member = _npy({"descr": "|O", "fortran_order": False, "shape": (1,)}, payload)
    _write_npz(tmp_path / "a.npz", {"x": member})
    with pytest.raises(
        pickle.UnpicklingError, match=r"a.npz:x.npy.*not a valid pickle.*TypeError.*not callable"
    ):
        load_npz_safely(tmp_path / "a.npz")


def test_npz_declaring_more_than_the_limit_is_refused_from_the_zip_directory(tmp_path):
    path = tmp_path / "big.npz"
    np.savez_compressed(path, x=np.zeros(3 << 20, np.uint8))  # 3 MiB of zeros in a few KB
    assert path.stat().st_size < 20_000
    with pytest.raises(
        ValueError,
        match=r"big.npz' declares 3,145,\d+ bytes of arrays once decompressed, "
        r"more than the limit of 1,048,576 bytes.*max_bytes=",
    ):
        load_npz_safely(path, max_bytes=1 << 20)
    assert load_npz_safely(path)["x"].shape == (3 << 20,)  # under the default limit


def test_pickled_member_that_is_a_decompression_bomb_is_refused(tmp_path):
    rows = np.empty(1, dtype=object)
    rows[0] = [1] * (4 << 20)  # 8 MiB of pickle, compressing about 1000:1
    np.savez_compressed(
        tmp_path / "imdb.npz", x_train=rows, y_train=np.zeros(1, int), x_test=rows, y_test=np.zeros(1, int)
    )
    assert (tmp_path / "imdb.npz").stat().st_size < 100_000
    with pytest.raises(
        ValueError,
        match=r"x_train.npy' is a pickle of 8,[\d,]+ bytes compressed into [\d,]+: more than 100 "
        r"times its compressed size.*NPZ_MAX_PICKLE_RATIO",
    ):
        load_imdb(tmp_path, download=False)


def test_shared_review_references_are_refused_before_they_multiply(tmp_path):
    review = list(range(3, 1003))
    rows = np.empty(2000, dtype=object)
    rows[:] = [review] * 2000  # 2,000,000 ids in memory once shifted, 20 KB on disk
    np.savez(
        tmp_path / "imdb.npz",
        x_train=rows,
        y_train=np.zeros(2000, int),
        x_test=rows[:1],
        y_test=np.zeros(1, int),
    )
    assert (tmp_path / "imdb.npz").stat().st_size < 30_000
    with pytest.raises(
        ValueError,
        match=r"x_train' holds 2,000,000 word ids in a pickle of [\d,]+ bytes: its reviews "
        r"are shared references",
    ):
        load_imdb(tmp_path, download=False)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ([1, -4, 2], r"x_train'\[0\]: word ids must be integers >= 0.*Received: -4"),
        ([1, 2.5], r"word ids must be integers >= 0.*Received: 2.5"),
        ("abc", r"x_train'\[0\] must be a list of word ids.*Received: str"),
    ],
)
def test_imdb_word_ids_must_be_non_negative_integers(tmp_path, row, match):
    rows = np.empty(1, dtype=object)
    rows[0] = row
    good = np.empty(1, dtype=object)
    good[0] = [1, 2]
    np.savez(
        tmp_path / "imdb.npz", x_train=rows, y_train=np.zeros(1, int), x_test=good, y_test=np.zeros(1, int)
    )
    with pytest.raises(ValueError, match=match):
        load_imdb(tmp_path, download=False)


def test_imdb_labels_and_word_index_are_checked(tmp_path):
    good = np.empty(2, dtype=object)
    good[:] = [[1, 2], [3]]
    np.savez(
        tmp_path / "imdb.npz", x_train=good, y_train=np.array([0, 7]), x_test=good, y_test=np.array([0, 1])
    )
    with pytest.raises(
        ValueError, match=r"y_train' must hold 2 integer labels 0 \(negative\) or 1.*range \[0, 7\]"
    ):
        load_imdb(tmp_path, download=False)
    from kerasdl.datasets import load_imdb_word_index

    (tmp_path / "imdb_word_index.json").write_text('{"the": 1, "and": 2.5}')
    with pytest.raises(ValueError, match=r"every rank must be an integer >= 1.*Received: 'and': 2.5"):
        load_imdb_word_index(tmp_path, download=False)
    (tmp_path / "imdb_word_index.json").write_text('{"the": 1, "and"')
    with pytest.raises(ValueError, match=r"Could not read .*imdb_word_index.json' as JSON: JSONDecodeError"):
        load_imdb_word_index(tmp_path, download=False)


def test_truncated_and_corrupt_npz_members_are_clear_errors(tmp_path):
    good = np.empty(2, dtype=object)
    good[:] = [[1, 2], [3]]
    np.savez_compressed(
        tmp_path / "imdb.npz", x_train=good, y_train=np.array([0, 1]), x_test=good, y_test=np.array([0, 1])
    )
    data = bytearray((tmp_path / "imdb.npz").read_bytes())
    with zipfile.ZipFile(tmp_path / "imdb.npz") as archive:
        info = archive.getinfo("x_train.npy")
    start = info.header_offset + 30 + len(info.filename)
    data[start + 5 : start + 25] = b"\x00" * 20  # damage the deflate data: zlib.error or a bad CRC
    (tmp_path / "imdb.npz").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"imdb.npz.*(corrupt|Delete it)"):
        load_imdb(tmp_path, download=False)
    # A pickle cut short: UnpicklingError/EOFError inside, a ValueError naming the member outside.
    member = _npy(
        {"descr": "|O", "fortran_order": False, "shape": (2,)}, pickle.dumps(good, protocol=3)[:-10]
    )
    _write_npz(tmp_path / "imdb.npz", {"x_train": member})
    with pytest.raises(
        ValueError, match=r"imdb.npz:x_train.npy' is not a valid pickle \(corrupt or truncated"
    ):
        load_imdb(tmp_path, download=False)


# ----------------------------------------------------------------------------- CIFAR and Auto MPG


def test_cifar_batch_with_float_pixels_or_labels_is_refused(tmp_path):
    floats = pickle.dumps({b"data": np.full((1, 3072), 300.7), b"labels": [1]}, protocol=2)
    with pytest.raises(ValueError, match=r"'data' must hold uint8 pixels.*Received: dtype float64"):
        read_cifar_batch(floats, "data_batch_1")
    fractional = pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": [4.7]}, protocol=2)
    with pytest.raises(
        ValueError, match=r"'labels' must be a list of integer class ids 0-9.*Received: \[4.7\]"
    ):
        read_cifar_batch(fractional, "data_batch_1")
    lie = pickle.dumps({b"data": _ShapeLie(), b"labels": [1]}, protocol=2)
    with pytest.raises(
        ValueError, match=r"data_batch_1' is not a valid CIFAR batch.*declares shape \(100000000,\)"
    ):
        read_cifar_batch(lie, "data_batch_1")
    folder = tmp_path / "cifar"
    folder.mkdir()
    for name in CIFAR10_BATCHES:
        (folder / name).write_bytes(floats)
    with pytest.raises(ValueError, match="uint8 pixels"):
        load_cifar10(folder, download=False)


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        (
            "18.0 8 307.0 130.0 3504. 12.0 1e308 1",
            r"`Model Year` must be an integer from 0 to 99.*Received: '1e308'",
        ),
        (
            "18.0 4.7 307.0 130.0 3504. 12.0 70 1",
            r"`Cylinders` must be an integer from 1 to 16.*Received: '4.7'",
        ),
        ("18.0 8 307.0 130.0 3504. 12.0 70 9", r"`Origin` must be an integer from 1 to 3.*Received: '9'"),
        ("nan 8 307.0 130.0 3504. 12.0 70 1", r"`MPG` must be a finite number >= 0.*Received: 'nan'"),
        ("18.0 8 307.0 inf 3504. 12.0 70 1", r"`Horsepower` must be a finite number >= 0.*Received: 'inf'"),
        ("18.0 8 307.0 130.0 -3504. 12.0 70 1", r"`Weight` must be a finite number >= 0.*Received: '-3504.'"),
    ],
)
def test_auto_mpg_garbage_values_are_refused_with_the_line_number(fields, match):
    text = '25.0 4 98.0 ? 2046. 19.0 71 1\t"ford pinto"\n' + fields + '\t"crafted"\n'
    with pytest.raises(ValueError, match=r"'auto-mpg.data' line 2: " + match):
        parse_auto_mpg(text, "auto-mpg.data")


def test_real_files_still_load(mnist_dir, auto_mpg_path):
    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_dir, download=False)
    assert x_train.shape == (60000, 28, 28) and y_test.max() == 9
    frame = parse_auto_mpg(auto_mpg_path.read_text(encoding="latin-1"))
    assert frame.shape == (398, 9) and frame["Model Year"].between(70, 82).all()
