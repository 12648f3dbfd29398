from __future__ import annotations

import json
import pickle

import keras
import numpy as np

from kerasdl.cli import main

OUTPUTS = {"model.keras", "architecture.json", "history.png", "metrics.json"}


def test_quick_run_on_synthetic_shapes(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert main(["run", "cifar10-cnn", "--quick", "--out", str(out_dir)]) == 0
    assert "SYNTHETIC colour shapes" in capsys.readouterr().out
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["synthetic"] is True and metrics["data"] == "synthetic-shapes"
    assert metrics["num_classes"] == 6 and metrics["epochs"] == 1
    assert 0.0 <= metrics["test_accuracy"] <= 1.0 and np.isfinite(metrics["test_loss"])
    assert {p.name for p in out_dir.iterdir()} == OUTPUTS
    model = keras.models.load_model(out_dir / "model.keras")
    assert model.output_shape == (None, 6) and model.count_params() == metrics["params"]


def fake_cifar_folder(root, n=40):
    """The layout of the extracted publisher tarball, with a few random images per batch."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"data": rng.integers(0, 255, (n, 3072), dtype=np.uint8), b"labels": list(range(10)) * (n // 10)}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    return root


def test_quick_run_on_real_cifar_layout(tmp_path, capsys):
    data_dir = fake_cifar_folder(tmp_path / "data")
    out_dir = tmp_path / "run"
    assert main(["run", "cifar10-cnn", "--quick", "--data-dir", str(data_dir), "--out", str(out_dir),
                 "--epochs", "2", "--batch-size", "50"]) == 0
    assert "SYNTHETIC" not in capsys.readouterr().out
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["data"] == "cifar10" and metrics["synthetic"] is False and metrics["num_classes"] == 10
    assert metrics["train_samples"] == 200 and metrics["test_samples"] == 40 and metrics["epochs"] == 2


def test_missing_data_dir_is_a_clear_error(tmp_path, capsys):
    assert main(["run", "cifar10-cnn", "--quick", "--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "`data_dir` does not exist" in capsys.readouterr().err
