"""`kerasdl run gan-mnist` and `kerasdl run dcgan-mnist` with --quick."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from kerasdl.cli import main
from kerasdl.gan import GAN

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

OUTPUTS = {"gan.keras", "generator.keras", "samples", "samples.png", "history.png", "metrics.json"}


@pytest.mark.parametrize("name", ["gan-mnist", "dcgan-mnist"])
def test_gan_practical_quick_on_synthetic_digits(name, tmp_path, capsys):
    assert main(["run", name, "--quick", "--out", str(tmp_path), "--score-samples", "100"]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "Frechet distance" in out
    assert {p.name for p in tmp_path.iterdir()} == OUTPUTS
    assert [p.name for p in (tmp_path / "samples").iterdir()] == ["epoch_001.png"]
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["practical"] == name and metrics["synthetic"] is True and metrics["score_samples"] == 100
    for key in ("d_loss", "g_loss", "d_acc_real", "d_acc_fake", "frechet_distance", "classifier_score"):
        assert np.isfinite(metrics[key]), key
    assert 1.0 <= metrics["classifier_score"] <= 10.0
    gan = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(gan, GAN) and gan.sample(2, seed=0).shape == (2, 28, 28, 1)
    generator = keras.models.load_model(tmp_path / "generator.keras")
    assert generator.output_shape == (None, 28, 28, 1)


@pytest.mark.slow
def test_gan_practical_on_real_mnist_quick(tmp_path, mnist_dir):
    assert main(["run", "gan-mnist", "--quick", "--data-dir", str(mnist_dir), "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["data"] == "mnist" and metrics["synthetic"] is False
    assert metrics["classifier_test_accuracy"] > 0.5  # LeNet on 2,000 real digits
