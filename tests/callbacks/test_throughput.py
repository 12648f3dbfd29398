from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.callbacks import ThroughputLogger


@pytest.mark.multibackend
def test_logs_throughput_into_history():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    exact = ThroughputLogger(num_samples=10)
    history = model.fit(np.ones((10, 2)), np.ones(10), batch_size=4, epochs=2, verbose=0, callbacks=[exact])
    h = history.history
    assert len(h["epoch_seconds"]) == 2 and exact.epoch_times == pytest.approx(h["epoch_seconds"])
    for sps, steps, secs in zip(h["samples_per_second"], h["steps_per_second"], h["epoch_seconds"]):
        assert sps == pytest.approx(10 / secs) and steps == pytest.approx(3 / secs)  # 3 batches of <= 4
    approx = ThroughputLogger(batch_size=4)
    history = model.fit(np.ones((10, 2)), np.ones(10), batch_size=4, epochs=1, verbose=0, callbacks=[approx])
    assert history.history["samples_per_second"][0] == pytest.approx(12 / history.history["epoch_seconds"][0])
    bare = ThroughputLogger()
    history = model.fit(np.ones((10, 2)), np.ones(10), batch_size=4, epochs=1, verbose=0, callbacks=[bare])
    assert "samples_per_second" not in history.history and "steps_per_second" in history.history


def test_errors():
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer. Received: batch_size=0"):
        ThroughputLogger(batch_size=0)
