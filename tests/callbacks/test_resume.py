"""The BackupAndRestore resume recipe documented in kerasdl.callbacks."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.callbacks import SafeModelCheckpoint


class _Crash(keras.callbacks.Callback):
    """Raise at the start of epoch ``k`` (0-based), like a process dying mid-run."""

    def __init__(self, k):
        super().__init__()
        self.k = k

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.k:
            raise RuntimeError("simulated crash")


class _Epochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(epoch)


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    return model


@pytest.mark.multibackend
def test_interrupted_run_resumes_to_the_same_epoch_count(tmp_path):
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x.sum(axis=1)
    total = 6
    first = _Epochs()
    backup = keras.callbacks.BackupAndRestore(backup_dir=str(tmp_path / "backup"))
    ckpt = SafeModelCheckpoint(tmp_path / "last.keras")
    with pytest.raises(RuntimeError, match="simulated crash"):
        _model().fit(x, y, epochs=total, batch_size=8, verbose=0, callbacks=[backup, ckpt, first, _Crash(3)])
    assert first.seen == [0, 1, 2]
    assert (tmp_path / "backup").exists()

    second = _Epochs()
    resumed = _model()  # a fresh process would rebuild and recompile the same model
    backup = keras.callbacks.BackupAndRestore(backup_dir=str(tmp_path / "backup"))
    history = resumed.fit(x, y, epochs=total, batch_size=8, verbose=0, callbacks=[backup, ckpt, second])
    assert second.seen == [3, 4, 5]
    assert len(first.seen) + len(history.history["loss"]) == total
    assert not (tmp_path / "backup").exists()  # deleted once fit completes
    loaded = keras.saving.load_model(tmp_path / "last.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), resumed.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
