"""The `augmentation` practical: flow_from_directory with the course preset, a small CNN, a grid PNG."""

from __future__ import annotations

import json

import keras
import pytest

from kerasdl.cli import main
from kerasdl.datasets import make_image_folder
from kerasdl.practicals import RunConfig, get_practical
from kerasdl.practicals.augmentation import find_splits

OUTPUTS = {"model.keras", "architecture.json", "history.png", "metrics.json", "augmentations.png"}


def test_quick_cli_run_on_the_embedded_synthetic_folder(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert main(["run", "augmentation", "--quick", "--out", str(out_dir)]) == 0
    assert "SYNTHETIC two-class folder" in capsys.readouterr().out
    assert {p.name for p in out_dir.iterdir()} == OUTPUTS
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["synthetic"] is True and metrics["data"] == "synthetic-shapes"
    assert metrics["class_mode"] == "binary" and metrics["classes"] == ["cats", "dogs"]
    assert (metrics["train_samples"], metrics["validation_samples"]) == (64, 16)
    assert metrics["augmentation"]["rotation_range"] == 40 and 0 <= metrics["val_accuracy"] <= 1
    assert (out_dir / "augmentations.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    model = keras.models.load_model(out_dir / "model.keras")
    assert model.input_shape == (None, 32, 32, 3) and model.output_shape == (None, 1)


def test_data_dir_class_folder_and_train_validation_layout(tmp_path):
    three = make_image_folder(tmp_path / "three", classes=("a", "b", "c"), num_per_class=6, image_size=(20, 20))
    practical = get_practical("augmentation")
    config = RunConfig(
        quick=True, data_dir=str(three), out=str(tmp_path / "out3"), verbose=0, batch_size=4,
        options={"image_size": 16, "validation_split": 0.34},
    )
    metrics = practical.run(config)
    assert metrics["synthetic"] is False and metrics["class_mode"] == "categorical"
    assert (metrics["train_samples"], metrics["validation_samples"]) == (12, 6)  # int(0.34 * 6) = 2 per class
    split = tmp_path / "split"
    make_image_folder(split / "train", num_per_class=4, image_size=(20, 20))
    make_image_folder(split / "validation", num_per_class=2, image_size=(20, 20), seed=1)
    assert find_splits(split) == (split / "train", split / "validation")
    config = RunConfig(quick=True, data_dir=str(split), out=str(tmp_path / "out2"), verbose=0,
                       options={"image_size": 16})
    metrics = practical.run(config)
    assert (metrics["train_samples"], metrics["validation_samples"]) == (8, 4)


def test_bad_data_dir_and_options(tmp_path, capsys):
    assert main(["run", "augmentation", "--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "must be a folder of class sub-folders" in capsys.readouterr().err
    (tmp_path / "flat").mkdir()
    assert main(["run", "augmentation", "--data-dir", str(tmp_path / "flat"), "--out", str(tmp_path)]) == 2
    with pytest.raises(ValueError, match=r"`--image-size` must be at least 16. Received: --image-size=8"):
        get_practical("augmentation").run(RunConfig(quick=True, out=str(tmp_path), options={"image_size": 8}))
