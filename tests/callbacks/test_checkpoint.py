from __future__ import annotations

import os
import time

import keras
import numpy as np
import pytest

from kerasdl.callbacks import SafeModelCheckpoint


class _Scripted(keras.callbacks.Callback):
    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]


def _model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def _fit(model, callbacks, epochs=4):
    x, y = np.ones((8, 2), "float32"), np.full(8, 2.0, "float32")
    return model.fit(x, y, epochs=epochs, batch_size=4, verbose=0, callbacks=callbacks)


@pytest.mark.multibackend
def test_same_files_as_keras_model_checkpoint(tmp_path):
    """Oracle: keras.callbacks.ModelCheckpoint with the same template and best-only logic."""
    values = [3.0, 1.0, 2.0, 0.5]
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir(), theirs.mkdir()
    template = "m-{epoch:02d}-{val_loss:.2f}.weights.h5"
    for folder, cls in ((ours, SafeModelCheckpoint), (theirs, keras.callbacks.ModelCheckpoint)):
        ckpt = cls(str(folder / template), save_best_only=True, save_weights_only=True)
        _fit(_model(), [_Scripted(values), ckpt])
    assert sorted(os.listdir(ours)) == sorted(os.listdir(theirs)) == [
        "m-01-3.00.weights.h5", "m-02-1.00.weights.h5", "m-04-0.50.weights.h5"
    ]


def test_full_model_saves_load_and_no_temp_files_left(tmp_path):
    path = tmp_path / "best.keras"
    ckpt = SafeModelCheckpoint(path, monitor="loss", save_best_only=True, mode="min")
    model = _model()
    _fit(model, [ckpt])
    assert ckpt.last_saved == str(path) and ckpt.best is not None
    restored = keras.saving.load_model(path)
    x = np.ones((3, 2), "float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert os.listdir(tmp_path) == ["best.keras"]


def test_batch_frequency_and_stale_temp_cleanup(tmp_path):
    stale = tmp_path / ".w.weights.h5.abc123.tmp.weights.h5"  # an older kerasdl's name: no owner
    stale.write_bytes(b"half-written")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)  # two days old
    ckpt = SafeModelCheckpoint(tmp_path / "w.weights.h5", save_weights_only=True, save_freq=1)
    _fit(_model(), [ckpt], epochs=1)
    assert not stale.exists() and (tmp_path / "w.weights.h5").exists()
    x, y = np.ones((20, 2), "float32"), np.ones(20, "float32")
    names = {}
    for label, cls in (("ours", SafeModelCheckpoint), ("keras", keras.callbacks.ModelCheckpoint)):
        folder = tmp_path / label
        folder.mkdir()
        model = _model()
        model.compile(keras.optimizers.SGD(0.1), "mse", steps_per_execution=2)
        ckpt = cls(str(folder / "b{epoch}-{batch}.weights.h5"), save_weights_only=True, save_freq=3)
        model.fit(x, y, batch_size=2, epochs=2, verbose=0, callbacks=[ckpt])  # 10 batches per epoch
        names[label] = sorted(os.listdir(folder))
    assert names["ours"] == names["keras"] and len(names["ours"]) >= 4, names


def test_legacy_h5_weights_name_is_mapped_with_a_warning(tmp_path):
    with pytest.warns(UserWarning, match=r"ending in `.weights.h5`.*writing '.*w.weights.h5'"):
        ckpt = SafeModelCheckpoint(str(tmp_path / "w.h5"), save_weights_only=True)
    _fit(_model(), [ckpt], epochs=1)
    assert (tmp_path / "w.weights.h5").exists() and not (tmp_path / "w.h5").exists()
    model = _model()
    model.load_weights(tmp_path / "w.weights.h5")


def test_errors(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `.keras`.*Received: filepath='m.ckpt'"):
        SafeModelCheckpoint("m.ckpt")
    with pytest.raises(ValueError, match="needs `save_weights_only=True`"):
        SafeModelCheckpoint("m.weights.h5")
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        SafeModelCheckpoint("m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="`save_freq` must be 'epoch' or a positive"):
        SafeModelCheckpoint("m.keras", save_freq=0)
    ckpt = SafeModelCheckpoint(str(tmp_path / "{val_acc}.keras"))
    with pytest.raises(KeyError, match=r"could not fill the file-name template.*Available: \['epoch', 'loss'\]"):
        _fit(_model(), [ckpt], epochs=1)
