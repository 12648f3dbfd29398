from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.callbacks import ReportingEarlyStopping, early_stopping


class _Scripted(keras.callbacks.Callback):
    """Overwrites val_loss with a scripted sequence (best at epoch 3)."""

    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]


class _Snapshot(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


def _model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


@pytest.mark.multibackend
def test_stops_restores_best_and_reports_one_based(capsys):
    x, y = np.ones((8, 2), "float32"), np.full(8, 3.0, "float32")
    snap = _Snapshot()
    stop = early_stopping(patience=2)
    assert isinstance(stop, ReportingEarlyStopping) and stop.restore_best_weights
    model = _model()
    history = model.fit(
        x, y, epochs=10, verbose=0, callbacks=[_Scripted([5, 4, 1, 2, 3, 0.5, 0, 0, 0, 0]), snap, stop]
    )
    assert len(history.history["loss"]) == 5  # best 3, patience 2
    assert stop.best_epoch_number == 3 and stop.best_value == 1.0
    for restored, best in zip(model.get_weights(), snap.weights[2]):
        np.testing.assert_allclose(restored, best)
    out = capsys.readouterr().out
    assert "Best epoch: 3 (val_loss=1.0000)" in out and "weights of epoch 3" in out


def test_missing_metric_raises_with_available_names():
    stop = early_stopping(monitor="val_acuracy")
    with pytest.raises(ValueError, match=r"`val_acuracy`.*Available metrics: \['loss'\].*validation_data"):
        _model().fit(np.ones((4, 2)), np.ones(4), epochs=3, verbose=0, callbacks=[stop])
    stop = early_stopping(monitor="val_acuracy")
    with pytest.raises(ValueError, match=r"Available metrics: \['loss', 'val_loss'\]"):
        _model().fit(np.ones((4, 2)), np.ones(4), epochs=3, verbose=0, validation_split=0.5, callbacks=[stop])


def test_argument_errors():
    with pytest.raises(ValueError, match="`patience` must be an integer >= 0. Received: patience=-1"):
        early_stopping(patience=-1)
    with pytest.raises(ValueError, match="`mode` must be one of"):
        early_stopping(mode="best")
