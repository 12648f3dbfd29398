from __future__ import annotations

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from kerasdl.cli import main


def test_list_shows_models_and_practicals(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "lenet" in out and "lenet-mnist" in out and "Practicals" in out


def test_run_lenet_quick_on_synthetic_digits(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert main(["run", "lenet-mnist", "--quick", "--out", str(out_dir), "--epochs", "2"]) == 0
    assert "SYNTHETIC" in capsys.readouterr().out
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["synthetic"] is True and metrics["data"] == "synthetic-digits"
    assert metrics["epochs"] == 2 and 0.0 <= metrics["test_accuracy"] <= 1.0
    assert {p.name for p in out_dir.iterdir()} == {"model.keras", "architecture.json", "history.png", "metrics.json"}
    model = keras.models.load_model(out_dir / "model.keras")
    assert model.output_shape == (None, 10)
    rebuilt = keras.models.model_from_json((out_dir / "architecture.json").read_text())
    assert rebuilt.count_params() == model.count_params()


def test_run_lenet_on_real_mnist_quick(tmp_path, mnist_dir):
    assert main(["run", "lenet-mnist", "--quick", "--data-dir", str(mnist_dir), "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["data"] == "mnist" and metrics["synthetic"] is False
    assert metrics["test_accuracy"] > 0.5  # one epoch on 2,000 real digits


def test_run_errors_are_clear(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["run", "no-such-practical"])
    assert "Unknown practical. Valid names:" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "lenet-mnist", "--epochs", "0"])
    assert "expected a positive integer" in capsys.readouterr().err
    assert main(["run", "lenet-mnist", "--data-dir", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    assert "`data_dir` does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "lenet-mnist", "--bogus-flag"])


def test_run_help_and_mixed_precision_flag(tmp_path, capsys):
    assert main(["run", "lenet-mnist", "--help"]) == 0
    assert "lenet-mnist" in capsys.readouterr().out
    assert main(["run", "lenet-mnist", "--quick", "--mixed-precision", "mixed_bfloat16", "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["dtype_policy"] == "mixed_bfloat16"
    assert np.isfinite(metrics["test_loss"])


def test_console_script_entry_point(tmp_path):
    env = dict(os.environ, KERAS_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "kerasdl", "--version"], env=env, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("kerasdl ")
