from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from kerasdl.cli import main
from kerasdl.practicals import RunConfig, get_practical


def test_quick_run_on_the_synthetic_table(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert main(["run", "autompg-regression", "--quick", "--out", str(out_dir), "--patience", "1"]) == 0
    assert "SYNTHETIC Auto-MPG-like table" in capsys.readouterr().out
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["synthetic"] is True and metrics["data"] == "synthetic-auto-mpg"
    assert metrics["max_epochs"] == 5 and 1 <= metrics["epochs_run"] <= 5
    assert metrics["features"][-3:] == ["USA", "Europe", "Japan"] and "MPG" not in metrics["features"]
    assert metrics["train_samples"] + metrics["test_samples"] == 392 and metrics["test_mae"] > 0
    assert {p.name for p in out_dir.iterdir()} == {"model.keras", "architecture.json", "history.png", "metrics.json"}
    model = keras.models.load_model(out_dir / "model.keras")
    assert model.input_shape == (None, 9) and model.output_shape == (None, 1)
    # Normalization was adapted: its mean is the training features' mean, not zeros.
    assert np.all(keras.ops.convert_to_numpy(model.get_layer("normalization").mean)[0, :6] > 1)


def test_early_stopping_restores_the_best_epoch_on_real_data(tmp_path, auto_mpg_path):
    practical = get_practical("autompg-regression")
    config = RunConfig(
        epochs=40, data_dir=str(auto_mpg_path.parent), out=str(tmp_path), verbose=0,
        options={"learning_rate": 0.05, "patience": 2},
    )
    metrics = practical.run(config)
    assert metrics["data"] == "auto-mpg" and metrics["synthetic"] is False
    assert (metrics["train_samples"], metrics["test_samples"]) == (314, 78)  # the tutorial's split
    assert metrics["stopped_early"] and metrics["epochs_run"] == metrics["best_epoch"] + 2
    assert metrics["test_mae"] < 5.0  # predicting the mean gives ~6.5 MPG


def test_bad_options_and_missing_data(tmp_path, capsys):
    assert main(["run", "autompg-regression", "--data-dir", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "auto-mpg.data" in capsys.readouterr().err
    with pytest.raises(ValueError, match="`--patience` must be >= 0"):
        get_practical("autompg-regression").run(RunConfig(quick=True, out=str(tmp_path), options={"patience": -1}))
