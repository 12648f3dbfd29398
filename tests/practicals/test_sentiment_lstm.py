"""`kerasdl run sentiment-lstm --quick` on the embedded reviews, a CSV and a fake IMDB file."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from kerasdl.cli import main
from kerasdl.practicals.sentiment_lstm import read_text_label_csv


def test_quick_run_on_embedded_synthetic_reviews(tmp_path, capsys):
    assert main(["run", "sentiment-lstm", "--quick", "--out", str(tmp_path), "--epochs", "3"]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["data"] == "synthetic-reviews" and metrics["synthetic"] is True
    assert metrics["train_samples"] == 192 and metrics["test_samples"] == 48
    assert metrics["test_accuracy"] > 0.6  # the template reviews are easy; chance is 0.5
    assert {"model.keras", "architecture.json", "history.png", "metrics.json", "tokenizer.json"} <= {
        p.name for p in tmp_path.iterdir()
    }
    model = keras.saving.load_model(tmp_path / "model.keras")
    assert model.output_shape == (None, 1)
    from kerasdl.text import tokenizer_from_json

    tokenizer = tokenizer_from_json((tmp_path / "tokenizer.json").read_text())
    assert tokenizer.oov_token == "<OOV>" and tokenizer.word_index["<OOV>"] == 1


def test_csv_with_string_labels_and_three_classes(tmp_path):
    rows = ["label,text"] + [f'{lab},"{word} {word} film number {i}"' for i in range(30) for lab, word in
                             (("happy", "great"), ("sad", "awful"), ("meh", "okay"))]
    data = tmp_path / "reviews.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", "sentiment-lstm", "--quick", "--data-file", str(data), "--out", str(out), "--cell", "gru"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data"] == "csv:reviews.csv" and metrics["synthetic"] is False
    assert metrics["classes"] == ["happy", "meh", "sad"]
    assert keras.saving.load_model(out / "model.keras").output_shape == (None, 3)


def test_fake_imdb_through_data_dir(tmp_path):
    rng = np.random.default_rng(0)

    def ragged(n):
        out = np.empty(n, dtype=object)
        out[:] = [rng.integers(1, 50, size=rng.integers(3, 20)).tolist() for _ in range(n)]
        return out

    np.savez(tmp_path / "imdb.npz", x_train=ragged(40), y_train=rng.integers(0, 2, 40), x_test=ragged(20),
             y_test=rng.integers(0, 2, 20))
    out = tmp_path / "run"
    assert main(["run", "sentiment-lstm", "--quick", "--data-dir", str(tmp_path), "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data"] == "imdb" and metrics["train_samples"] == 40 and metrics["test_samples"] == 20


def test_read_csv_headerless_and_errors(tmp_path, capsys):
    path = tmp_path / "plain.csv"
    path.write_text("good movie,1\n\nbad movie,0\n")
    assert read_text_label_csv(path) == (["good movie", "bad movie"], ["1", "0"])
    (tmp_path / "nolabel.csv").write_text("text,label\njust text\n")
    with pytest.raises(ValueError, match="Row 2 .* has no label"):
        read_text_label_csv(tmp_path / "nolabel.csv")
    with pytest.raises(FileNotFoundError, match="data_file="):
        read_text_label_csv(tmp_path / "missing.csv")
    (tmp_path / "one.csv").write_text("a,1\nb,1\n")
    assert main(["run", "sentiment-lstm", "--data-file", str(tmp_path / "one.csv"), "--out", str(tmp_path / "r")]) == 2
    assert "at least two values" in capsys.readouterr().err
