from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.callbacks import LossThresholdStop


def _model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model


@pytest.mark.multibackend
def test_stops_at_first_epoch_below_threshold(capsys):
    x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    y = x @ np.array([1.0, -2.0], "float32")
    model = _model()
    full = _model()
    full.set_weights(model.get_weights())
    reference = full.fit(x, y, epochs=12, batch_size=8, shuffle=False, verbose=0).history["loss"]
    threshold = (reference[3] + reference[4]) / 2  # crossed during epoch 5
    stop = LossThresholdStop(threshold=threshold)
    history = model.fit(x, y, epochs=12, batch_size=8, shuffle=False, verbose=0, callbacks=[stop])
    assert len(history.history["loss"]) == 5
    assert stop.stopped_epoch == 5 and stop.stopped_value < threshold
    assert "is below the threshold" in capsys.readouterr().out


def test_max_mode_and_never_reached():
    x, y = np.ones((8, 2), "float32"), np.ones(8, "float32")
    stop = LossThresholdStop(monitor="mae", threshold=1e-12, mode="max", verbose=False)
    history = _model().fit(x, y, epochs=2, verbose=0, callbacks=[stop])
    assert len(history.history["loss"]) == 1 and stop.stopped_epoch == 1
    never = LossThresholdStop(threshold=-1.0, verbose=False)
    history = _model().fit(x, y, epochs=3, verbose=0, callbacks=[never])
    assert len(history.history["loss"]) == 3 and never.stopped_epoch is None


def test_errors():
    with pytest.raises(ValueError, match="`mode` must be one of 'min', 'max'"):
        LossThresholdStop(mode="lowest")
    with pytest.raises(ValueError, match="finite number. Received: threshold=nan"):
        LossThresholdStop(threshold=float("nan"))
    stop = LossThresholdStop(monitor="val_loss", verbose=False)
    with pytest.raises(ValueError, match=r"Available metrics: \['loss', 'mae'\].*validation_data"):
        _model().fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0, callbacks=[stop])
