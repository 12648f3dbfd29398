from __future__ import annotations

import pytest
from PIL import Image

from kerasdl.callbacks import plot_history


def test_overlays_runs_and_writes_a_png(tmp_path):
    h1 = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7], "mae": [3, 2, 1]}
    h2 = {"loss": [1.0, 0.7], "val_loss": [1.0, 0.9], "mae": [3, 2.5]}
    fig = plot_history(h1, h2, labels=["no stopping", "early stopping"], path=tmp_path / "h.png")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "mae"]
    assert len(fig.axes[0].lines) == 4  # 2 runs x (train, validation)
    assert "early stopping validation" in [l.get_label() for l in fig.axes[0].lines]
    with Image.open(tmp_path / "h.png") as image:
        assert image.format == "PNG" and image.size[0] > 500


def test_errors():
    with pytest.raises(ValueError, match="at least one history"):
        plot_history()
    with pytest.raises(ValueError, match="one entry per history"):
        plot_history({"loss": [1]}, labels=["a", "b"])
    with pytest.raises(ValueError, match=r"Available: \['loss'\]"):
        plot_history({"loss": [1]}, metrics=["accuracy"])
    with pytest.raises(TypeError, match="keras.callbacks.History"):
        plot_history([1, 2])
