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


@pytest.mark.multibackend
def test_history_plot_callback_writes_png_each_epoch(tmp_path):
    import keras
    import numpy as np

    from kerasdl.callbacks import HistoryPlot

    class _Sizes(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_epoch_end(self, epoch, logs=None):
            self.seen.append((tmp_path / "h.png").exists())

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    plot = HistoryPlot(tmp_path / "h.png", metrics=["loss"])
    sizes = _Sizes()
    model.fit(np.ones((8, 2)), np.ones(8), epochs=2, validation_split=0.5, verbose=0, callbacks=[plot, sizes])
    assert sizes.seen == [True, True]
    assert plot.history["val_loss"] and len(plot.history["loss"]) == 2
    with Image.open(tmp_path / "h.png") as image:
        assert image.format == "PNG"
    bad = HistoryPlot(tmp_path / "bad.png", metrics=["accuracy"])
    with pytest.raises(ValueError, match="Available"):
        model.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0, callbacks=[bad])
