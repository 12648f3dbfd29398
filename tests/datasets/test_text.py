from __future__ import annotations

import pytest

from kerasdl.datasets import DatasetNotFoundError, load_text, read_text_file


def test_alice_from_data_dir_and_env(alice_path, monkeypatch):
    text = load_text("alice", data_dir=alice_path.parent, download=False)
    assert "\r" not in text and text.count("\n") > 3000
    assert "ALICE'S ADVENTURES IN WONDERLAND" in text
    # the parent folder holds a text/ subfolder: found there too, and through the environment
    assert load_text("Alice", data_dir=alice_path.parent.parent, download=False) == text
    monkeypatch.setenv("KERASDL_DATA_DIR", str(alice_path.parent.parent))
    assert load_text("alice", download=False) == text
    assert load_text(alice_path) == text


def test_alice_offline_error_is_clear(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"alice29\.txt.*data_dir="):
        load_text("alice", data_dir=tmp_path, download=False)
    with pytest.raises(DatasetNotFoundError, match="`data_dir` does not exist"):
        load_text("alice", data_dir=tmp_path / "missing", download=False)


def test_any_file_utf8_latin1_crlf(tmp_path):
    korean = tmp_path / "ko.txt"
    korean.write_bytes("\ufeff나는 학교에 간다.\r\n너는?\r".encode())
    assert load_text(korean) == "나는 학교에 간다.\n너는?\n"
    latin = tmp_path / "fr.txt"
    latin.write_bytes("Café\r\nnaïve".encode("latin-1"))
    assert read_text_file(latin) == "Café\nnaïve"
    with pytest.raises(FileNotFoundError, match="neither a known corpus"):
        load_text(tmp_path / "nope.txt")
    with pytest.raises(TypeError, match="`name_or_path` must be one of"):
        load_text(3)
