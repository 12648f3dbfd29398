"""Hostile image files: special files, wrong formats, truncation and decompression bombs.

A symbolic link to ``/dev/zero`` named ``x.jpg`` would be read without end, a
FIFO named ``x.jpg`` would block ``open()`` forever: every scan here runs in a
fresh interpreter with a timeout, so a regression fails the test instead of
hanging or exhausting the machine. Payloads are built in the tests.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import textwrap
import zlib

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kerasdl.data import DataFrameIterator, ImageDataGenerator, image_files
from kerasdl.datasets import make_image_folder

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*`shuffle=True` was passed.*:UserWarning"),
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, /dev/zero and symlinks are POSIX"),
]

#: Seconds a scan may take in the subprocess; a hang or an endless read runs past it.
TIMEOUT = 120


def _run(code: str, tmp_path) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with a timeout and a memory cap; fail on timeout."""
    script = "import resource\nresource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, 6 * 2**30))\n"
    env = dict(os.environ, KERAS_HOME=str(tmp_path / "keras_home"), TF_CPP_MIN_LOG_LEVEL="3")
    try:
        return subprocess.run(
            [sys.executable, "-c", script + textwrap.dedent(code)], capture_output=True, text=True,
            timeout=TIMEOUT, env=env, cwd=tmp_path,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the scan did not finish in {TIMEOUT} s: it blocked on, or kept reading, a special file")


#: name in class folder ``a`` -> (how to make it, what the messages call it)
SPECIALS = {
    "x.jpg": (os.mkfifo, "a FIFO (named pipe)"),
    "zero.jpg": (lambda p: os.symlink("/dev/zero", p), "a character device"),
    "gone.png": (lambda p: os.symlink(p.parent / "missing.png", p), "a dangling symbolic link"),
}


def _folder_with_specials(tmp_path):
    """Two classes of two good JPEGs each, plus each of :data:`SPECIALS` in class ``a``."""
    root = make_image_folder(tmp_path / "imgs", ("a", "b"), num_per_class=2, image_size=(10, 10))
    for name, (make, _) in SPECIALS.items():
        make(root / "a" / name)
    return root


def _assert_names_each_special(text, root, prefix=""):
    for name, (_, kind) in SPECIALS.items():
        assert f"{prefix}{str(root / 'a' / name)!r} ({kind})" in text, (name, text)


def test_flow_from_directory_skips_special_files_with_a_warning(tmp_path):
    root = _folder_with_specials(tmp_path)
    result = _run(
        f"""
        import warnings
        from kerasdl.data import ImageDataGenerator
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            it = ImageDataGenerator().flow_from_directory({str(root)!r}, target_size=(8, 8), batch_size=4)
            x, y = it[0]
        print("SAMPLES", it.samples, x.shape)
        print("WARN", " | ".join(str(w.message) for w in caught))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SAMPLES 4 (4, 8, 8, 3)" in result.stdout
    assert "Skipping 3 path(s) with an image extension that are not regular files" in result.stdout
    _assert_names_each_special(result.stdout, root)


@pytest.mark.tensorflow_only
def test_image_dataset_skips_special_files_with_a_warning(tmp_path):
    root = _folder_with_specials(tmp_path)
    result = _run(
        f"""
        import warnings
        import pandas as pd
        from kerasdl.data import image_dataset
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = image_dataset({str(root)!r}, (8, 8), shuffle=False)
            n = sum(int(x.shape[0]) for x, _ in ds)
        print("SAMPLES", n)
        print("WARN", " | ".join(str(w.message) for w in caught))
        frame = pd.DataFrame({{"filename": [{str(root / 'a' / 'a.0.jpg')!r}, {str(root / 'a' / 'x.jpg')!r}],
                              "class": ["a", "b"]}})
        try:
            image_dataset(frame, (8, 8))
        except ValueError as error:
            print("REFUSED", error)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SAMPLES 4" in result.stdout
    assert "Skipping 3 path(s) with an image extension that are not regular files" in result.stdout
    _assert_names_each_special(result.stdout, root)
    assert "REFUSED 1 path(s) in column 'filename' are not regular files" in result.stdout
    assert f"{str(root / 'a' / 'x.jpg')!r} (a FIFO (named pipe))" in result.stdout


def test_dataframe_rows_naming_special_files(tmp_path):
    """Legacy behaviour: invalid rows are dropped with a warning; unvalidated rows are refused."""
    root = _folder_with_specials(tmp_path)
    result = _run(
        f"""
        import warnings
        import pandas as pd
        from kerasdl.data import ImageDataGenerator
        frame = pd.DataFrame({{"filename": ["a/a.0.jpg", "a/x.jpg", "a/zero.jpg", "a/gone.png", "b/b.0.jpg"],
                              "class": ["a", "a", "a", "a", "b"]}})
        gen = ImageDataGenerator()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            it = gen.flow_from_dataframe(frame, {str(root)!r}, target_size=(8, 8))
        print("SAMPLES", it.samples)
        print("WARN", " | ".join(str(w.message) for w in caught))
        try:
            gen.flow_from_dataframe(frame, {str(root)!r}, target_size=(8, 8), validate_filenames=False)
        except ValueError as error:
            print("REFUSED", error)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SAMPLES 2" in result.stdout
    assert "Found 3 invalid image filename(s)" in result.stdout
    for name, (_, kind) in SPECIALS.items():
        assert f"'a/{name}' ({kind})" in result.stdout
    assert "REFUSED 3 image file(s) cannot be decoded" in result.stdout
    assert "x.jpg: it is a FIFO (named pipe), not a regular file" in result.stdout
    assert "zero.jpg: it is a character device, not a regular file" in result.stdout


def test_load_image_refuses_special_files_without_opening_them(tmp_path):
    fifo = tmp_path / "x.jpg"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.jpg"
    os.symlink("/dev/zero", zero)
    result = _run(
        f"""
        from kerasdl.data.image_files import load_image
        for path in ({str(fifo)!r}, {str(zero)!r}, {str(tmp_path)!r}):
            try:
                load_image(path)
            except ValueError as error:
                print("REFUSED", error)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("REFUSED") == 3
    assert f"{str(fifo)!r}: it is a FIFO (named pipe), not a regular file" in result.stdout
    assert f"{str(zero)!r}: it is a character device" in result.stdout
    assert f"{str(tmp_path)!r}: it is a directory" in result.stdout


def test_directory_named_like_an_image(tmp_path):
    """A folder named x.png is a folder (walked, as by Keras); named in a DataFrame row it is refused."""
    root = make_image_folder(tmp_path / "imgs", ("a", "b"), num_per_class=2, image_size=(10, 10))
    (root / "a" / "x.png").mkdir()
    it = ImageDataGenerator().flow_from_directory(str(root), target_size=(8, 8))
    assert it.samples == 4
    frame = pd.DataFrame({"filename": ["a/a.0.jpg", "a/x.png"], "class": ["a", "b"]})
    with pytest.warns(UserWarning, match=r"'a/x.png' \(a directory\)"):
        assert DataFrameIterator(frame, str(root), target_size=(8, 8)).samples == 1
    with pytest.raises(ValueError, match=r"(?s)x.png: it is a directory, not a regular file"):
        DataFrameIterator(frame, str(root), target_size=(8, 8), validate_filenames=False)


def _tiff_named_png(path):
    Image.fromarray(np.full((10, 10, 3), 90, np.uint8)).save(path, format="TIFF")


@pytest.mark.tensorflow_only
def test_image_dataset_refuses_a_tiff_named_png_up_front(tmp_path):
    root = make_image_folder(tmp_path / "imgs", ("a", "b"), num_per_class=2, image_size=(10, 10))
    tiff = root / "b" / "really_a_tiff.png"
    _tiff_named_png(tiff)
    from kerasdl.data import image_dataset

    with pytest.raises(ValueError, match=r"(?s)really_a_tiff.png: its contents are TIFF, which tf.io.decode_image"):
        image_dataset(root, (8, 8))
    with pytest.warns(UserWarning, match=r"(?s)Skipping unreadable image file .*really_a_tiff.png.*TIFF"):
        ds = image_dataset(root, (8, 8), on_error="skip", shuffle=False)
    assert sum(int(x.shape[0]) for x, _ in ds) == 4
    frame = pd.DataFrame({"filename": [str(tiff)], "class": ["b"]})
    with pytest.raises(ValueError, match="its contents are TIFF"):
        image_dataset(frame, (8, 8))
    # The legacy-style iterators read TIFF with Pillow: still accepted there.
    assert ImageDataGenerator().flow_from_directory(str(root), target_size=(8, 8)).samples == 5


@pytest.mark.tensorflow_only
@pytest.mark.parametrize("cache", [False, True])
def test_image_dataset_names_a_file_truncated_after_the_check(tmp_path, cache):
    import tensorflow as tf

    from kerasdl.data import image_dataset

    root = make_image_folder(tmp_path / "imgs", ("a", "b"), num_per_class=2, image_size=(16, 16))
    ds = image_dataset(root, (8, 8), shuffle=False, cache=cache)
    victim = root / "b" / "b.1.jpg"
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])  # changed between the check and the first epoch
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"(?s)the image file.*b\.1\.jpg.*has changed"):
        for _ in ds:
            pass


def test_truncated_jpeg_without_the_upfront_check_names_the_file(tmp_path):
    """A guard on behaviour kerasdl already had: the Pillow loader names the file it cannot decode."""
    root = make_image_folder(tmp_path / "imgs", ("a", "b"), num_per_class=2, image_size=(16, 16))
    victim = root / "a" / "a.0.jpg"
    victim.write_bytes(victim.read_bytes()[:200])
    it = ImageDataGenerator().flow_from_directory(str(root), target_size=(8, 8), shuffle=False,
                                                  validate_images=False)
    with pytest.raises(ValueError, match=r"Could not read the image file .*a\.0\.jpg"):
        it[0]


def _png_bomb(width: int, height: int) -> bytes:
    """A valid, tiny PNG header declaring ``width x height`` grayscale pixels (no full image data)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1) * 4)  # four rows of a much taller image
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's own, unnamed
@pytest.mark.parametrize("side", [12_000, 20_000])  # Pillow warns past 89.5M pixels and raises past 2x that
def test_decompression_bomb_png_is_refused_naming_the_file(tmp_path, side):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_bomb(side, side))
    assert path.stat().st_size < 10_000
    with pytest.raises(ValueError, match=r"(?s)bomb\.png.*decompression-bomb guard PIL\.Image\.MAX_IMAGE_PIXELS"):
        image_files.load_image(path)
    root = make_image_folder(tmp_path / "imgs", ("a", "b"), num_per_class=1, image_size=(10, 10))
    (root / "a" / "bomb.png").write_bytes(path.read_bytes())
    with pytest.raises(ValueError, match=r"(?s)1 image file\(s\) cannot be decoded.*bomb\.png.*MAX_IMAGE_PIXELS"):
        ImageDataGenerator().flow_from_directory(str(root), target_size=(8, 8))


def test_decompression_bomb_warning_as_error_still_names_the_file(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_bomb(12_000, 12_000))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(ValueError, match=r"Could not read the image file .*bomb\.png"):
            image_files.load_image(path)


def test_file_size_limit_names_the_file_and_how_to_raise_it(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(buffer, format="PNG")
    path = tmp_path / "big.png"
    path.write_bytes(buffer.getvalue())
    monkeypatch.setattr(image_files, "MAX_IMAGE_FILE_BYTES", 50)
    with pytest.raises(ValueError, match=r"big\.png.*over the 50-byte limit.*MAX_IMAGE_FILE_BYTES = 2\*\*30"):
        image_files.load_image(path)
    monkeypatch.setattr(image_files, "MAX_IMAGE_FILE_BYTES", None)
    assert image_files.load_image(path).shape == (32, 32, 3)
