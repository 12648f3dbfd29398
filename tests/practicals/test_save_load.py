"""`kerasdl run save-load --quick`: JSON, YAML and HDF5 files that restore the same predictions."""

from __future__ import annotations

import json

import numpy as np
import yaml

from kerasdl.cli import main
from kerasdl.serialization import load_architecture, load_weights


def test_quick_run_restores_identical_predictions(tmp_path, capsys):
    assert main(["run", "save-load", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "predictions match" in out and "max abs difference" in out
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["predictions_match"] is True and metrics["model"] == "dense_classifier"
    assert set(metrics["max_abs_diff"]) == {"json", "yaml", "keras"}
    assert max(metrics["max_abs_diff"].values()) <= 1e-6
    assert {"architecture.json", "architecture.yaml", "weights.weights.h5", "model.keras", "history.png",
            "metrics.json"} <= set(metrics["files"])
    assert yaml.safe_load((tmp_path / "architecture.yaml").read_text())["class_name"] == "Functional"
    model = load_architecture(tmp_path / "architecture.yaml")
    load_weights(model, tmp_path / "weights.h5")  # the course's legacy name finds weights.weights.h5
    assert np.isfinite(model.predict(np.zeros((1, 28, 28, 1)), verbose=0)).all()
