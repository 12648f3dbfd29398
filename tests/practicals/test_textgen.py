"""CLI runs of the RNN and text generation practicals (--quick)."""

from __future__ import annotations

import json

import keras

from kerasdl.cli import main


def _metrics(out_dir):
    return json.loads((out_dir / "metrics.json").read_text(encoding="utf-8"))


def test_char_rnn_learns_hello(tmp_path, capsys):
    assert main(["run", "char-rnn", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    metrics = _metrics(tmp_path)
    assert metrics["predicted_next_chars"] == "ello" and metrics["generated"] == "hello" and metrics["learned"]
    assert "generated from 'h': 'hello'" in out
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.output_shape == (None, None, 4)


def test_char_rnn_rejects_a_one_character_text(tmp_path, capsys):
    assert main(["run", "char-rnn", "--quick", "--text", "h", "--out", str(tmp_path)]) == 2
    assert "`--text` must have at least 2 characters. Received: text='h'" in capsys.readouterr().err


def test_textgen_alice_embedded_default(tmp_path, capsys):
    assert main(["run", "textgen-alice", "--quick", "--epochs", "3", "--out", str(tmp_path),
                 "--temperature", "0.8", "--generate-words", "4"]) == 0
    out = capsys.readouterr().out
    assert "EMBEDDED DEFAULT" in out and "greedy : twinkle twinkle" in out
    metrics = _metrics(tmp_path)
    assert metrics["data"] == "embedded-nursery-rhymes" and metrics["embedded_default"] is True
    line = metrics["generated"][0]
    assert len(line["greedy"].split()) == 2 + 4 and len(line["sampled"].split()) == 2 + 4
    assert {p.name for p in tmp_path.iterdir()} >= {"model.keras", "metrics.json", "history.png", "tokenizer.json"}
    from kerasdl.text import tokenizer_from_json

    tokenizer = tokenizer_from_json((tmp_path / "tokenizer.json").read_text(encoding="utf-8"))
    assert len(tokenizer.word_index) + 1 == metrics["vocab_size"]


def test_textgen_alice_on_real_alice(tmp_path, alice_path, capsys):
    assert main(["run", "textgen-alice", "--quick", "--epochs", "2", "--data-dir", str(alice_path.parent),
                 "--out", str(tmp_path), "--seed-text", "alice was"]) == 0
    metrics = _metrics(tmp_path)
    assert metrics["data"] == "alice" and metrics["embedded_default"] is False
    assert metrics["generated"][0]["greedy"].startswith("alice was ")
    assert "EMBEDDED" not in capsys.readouterr().out


def test_textgen_korean_text_file_and_default(tmp_path, capsys):
    text_file = tmp_path / "ko.txt"
    text_file.write_text("나는 학교에 간다\r\n너는 집에 간다\r\n우리는 학교에서 공부한다\r\n", encoding="utf-8")
    out_dir = tmp_path / "run"
    assert main(["run", "textgen-korean", "--quick", "--epochs", "2", "--text-file", str(text_file),
                 "--out", str(out_dir), "--seed-text", "나는"]) == 0
    metrics = _metrics(out_dir)
    assert metrics["data"] == f"file:{text_file}" and metrics["vocab_size"] == 8 + 1
    assert metrics["generated"][0]["greedy"].startswith("나는 ")
    assert main(["run", "textgen-korean", "--quick", "--epochs", "1", "--out", str(tmp_path / "default"),
                 "--generate-words", "2"]) == 0
    assert "EMBEDDED DEFAULT Korean" in capsys.readouterr().out
    assert _metrics(tmp_path / "default")["data"] == "embedded-korean"
