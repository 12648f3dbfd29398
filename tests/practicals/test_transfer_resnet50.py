from __future__ import annotations

import json

import keras
import pytest

from kerasdl.cli import main
from kerasdl.datasets import make_image_folder

OUTPUTS = {"model.keras", "architecture.json", "history.png", "metrics.json"}


def test_quick_run_without_weights_says_the_backbone_is_untrained(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert main(["run", "transfer-resnet50", "--quick", "--backbone", "mobilenet_v2", "--out", str(out_dir)]) == 0
    printed = capsys.readouterr().out
    assert "UNTRAINED" in printed and "SYNTHETIC image folder" in printed
    assert "Phase 1: feature extraction" in printed and "Phase 2: fine-tuning the top 30 layers" in printed
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["pretrained"] is False and metrics["synthetic"] is True
    assert metrics["backbone"] == "mobilenet_v2" and metrics["image_size"] == 32
    assert metrics["classes"] == ["birds", "cats", "dogs"]
    assert 0.0 <= metrics["val_accuracy"] <= 1.0
    assert {p.name for p in out_dir.iterdir()} == OUTPUTS
    model = keras.models.load_model(out_dir / "model.keras")
    assert model.output_shape == (None, 3) and model.get_layer("preprocess").mode == "tf"


def test_quick_run_with_local_weights_and_train_validation_folders(tmp_path, capsys):
    data = tmp_path / "data"
    make_image_folder(data / "train", classes=("cats", "dogs"), num_per_class=6, image_size=(40, 40))
    make_image_folder(data / "validation", classes=("cats", "dogs"), num_per_class=2, image_size=(40, 40), seed=1)
    backbone = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, weights=None)
    weights = tmp_path / "mobilenet_v2_notop.weights.h5"
    backbone.save_weights(weights)
    out_dir = tmp_path / "run"
    argv = ["run", "transfer-resnet50", "--quick", "--backbone", "mobilenet_v2", "--weights", str(weights),
            "--data-dir", str(data), "--fine-tune-layers", "0", "--out", str(out_dir)]
    assert main(argv) == 0
    assert "UNTRAINED" not in capsys.readouterr().out
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["pretrained"] is True and metrics["weights"] == f"file {weights}"
    assert metrics["synthetic"] is False and metrics["classes"] == ["cats", "dogs"]
    assert metrics["train_samples"] == 12 and metrics["validation_samples"] == 4
    assert metrics["fine_tune_layers"] is None  # 0 = the whole backbone


def test_bad_folders_and_weights_are_clear_errors(tmp_path, capsys):
    data = make_image_folder(tmp_path / "data", classes=("cats", "dogs"), num_per_class=1, image_size=(16, 16))
    (data / "empty").mkdir()
    base = ["run", "transfer-resnet50", "--quick", "--backbone", "mobilenet_v2", "--out", str(tmp_path / "o")]
    assert main([*base, "--data-dir", str(data)]) == 2
    assert "The class folder 'empty' holds no image" in capsys.readouterr().err
    (data / "empty" / "broken.jpg").write_bytes(b"not a jpeg")
    assert main([*base, "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "Could not read the image" in err and "broken.jpg" in err
    assert main([*base, "--weights", str(tmp_path / "missing.h5")]) == 2
    assert "`--weights` must be a local weights file" in capsys.readouterr().err


@pytest.mark.slow
def test_quick_run_with_the_default_resnet50(tmp_path):
    assert main(["run", "transfer-resnet50", "--quick", "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["backbone"] == "resnet50" and metrics["pretrained"] is False
