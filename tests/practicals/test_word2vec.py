"""`kerasdl run word2vec --quick` on the embedded corpus and on a text file."""

from __future__ import annotations

import json

import pytest

from kerasdl.cli import main
from kerasdl.practicals.word2vec import read_sentences
from kerasdl.text import WordVectors


def test_quick_run_on_embedded_corpus(tmp_path, capsys):
    assert main(["run", "word2vec", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "king:" in out
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["synthetic"] is True and metrics["mode"] == "skipgram"
    assert set(metrics["neighbours"]) == {"king", "dog", "apple", "car"}
    royals = {"queen", "prince", "princess"}
    assert len(royals & {w for w, _ in metrics["neighbours"]["king"][:3]}) >= 2, metrics["neighbours"]["king"]
    vectors = WordVectors.load_text_format(tmp_path / "vectors.txt")
    assert "king" in vectors and vectors.dim == 32
    assert (tmp_path / "words.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.filterwarnings("ignore:No installed font has Hangul")
def test_cbow_on_a_text_file_with_chosen_words(tmp_path, capsys):
    text = tmp_path / "korean.txt"
    text.write_text("고양이가 밥을 먹는다. 강아지가 밥을 먹는다!\n" * 20 + "사과는 달다\n" * 10, encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", "word2vec", "--quick", "--mode", "cbow", "--text-file", str(text), "--words", "밥을", "없는말",
                 "--out", str(out), "--neighbours", "2"]) == 0
    printed = capsys.readouterr().out
    assert "'없는말' is not in the vocabulary" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["mode"] == "cbow" and list(metrics["neighbours"]) == ["밥을"]
    assert len(metrics["neighbours"]["밥을"]) == 2


def test_read_sentences_and_errors(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café au lait. Très bon!\r\n".encode("latin-1"))
    assert read_sentences(latin) == ["Café au lait.", "Très bon!"]
    (tmp_path / "blank.txt").write_text("\n \n")
    with pytest.raises(ValueError, match="no text"):
        read_sentences(tmp_path / "blank.txt")
    with pytest.raises(FileNotFoundError, match="text_file="):
        read_sentences(tmp_path / "missing.txt")
