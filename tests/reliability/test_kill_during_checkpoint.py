"""SIGKILL a training process in the middle of checkpoint saves: the last complete checkpoint loads.

The child saves after every batch (``save_freq=1``) a model whose save takes
far longer than its training step, so a kill at a random moment almost always
lands inside a save. A leftover hidden temporary file after a kill is the
evidence that it did.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

CHILD = r"""
import sys, numpy as np, keras
from kerasdl.callbacks import SafeModelCheckpoint

path, weights_only = sys.argv[1], sys.argv[2] == "1"

class Ready(keras.callbacks.Callback):
    said = False

    def on_train_batch_end(self, batch, logs=None):
        if not self.said:  # the first checkpoint is complete: SafeModelCheckpoint runs before us
            print("READY", flush=True)
            self.said = True

model = keras.Sequential([keras.Input((128,)), keras.layers.Dense(256), keras.layers.Dense(256),
                          keras.layers.Dense(1)])
model.compile("adam", "mse")
x = np.random.default_rng(0).normal(size=(64, 128)).astype("float32")
ckpt = SafeModelCheckpoint(path, save_weights_only=weights_only, save_freq=1)
model.fit(x, x[:, 0], batch_size=1, epochs=10_000, verbose=0, callbacks=[ckpt, Ready()])
"""

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals (SIGKILL)")

RESUME_CHILD = r"""
import sys, time, numpy as np, keras
from kerasdl.callbacks import SafeModelCheckpoint

folder = sys.argv[1]

class Report(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        print("EPOCH", epoch, flush=True)
        time.sleep(0.2)

model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(64), keras.layers.Dense(1)])
model.compile("adam", "mse")
x = np.random.default_rng(0).normal(size=(256, 8)).astype("float32")
backup = keras.callbacks.BackupAndRestore(folder + "/backup", double_checkpoint=True)
model.fit(x, x.sum(axis=1), batch_size=8, epochs=6, verbose=0,
          callbacks=[backup, SafeModelCheckpoint(folder + "/final.keras"), Report()])
print("DONE", flush=True)
"""


def _start(code: str, *args: str, cwd: Path) -> subprocess.Popen:
    script = cwd / "child.py"
    script.write_text(code)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if importlib.util.find_spec("jax") is not None:
        env["KERAS_BACKEND"] = "jax"  # the cheapest backend to start; the files are backend-independent
    return subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd)


def _wait_for(proc: subprocess.Popen, prefix: str, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(prefix):
            return line
    proc.kill()
    raise AssertionError(f"child never printed {prefix!r} (exit code {proc.wait()})")


def _check_loads(path: Path, weights_only: bool) -> None:
    if weights_only:
        model = keras.Sequential([keras.Input((128,)), keras.layers.Dense(256), keras.layers.Dense(256),
                                  keras.layers.Dense(1)])
        model.load_weights(path)
    else:
        model = keras.saving.load_model(path)
    out = model.predict(np.ones((2, 128), "float32"), verbose=0)
    assert out.shape == (2, 1) and np.isfinite(out).all()


def _kill_many(tmp_path: Path, kills: int, seed: int) -> int:
    rng = random.Random(seed)
    mid_save = 0
    for i in range(kills):
        weights_only = i % 2 == 1
        target = tmp_path / ("ckpt.weights.h5" if weights_only else "ckpt.keras")
        proc = _start(CHILD, str(target), "1" if weights_only else "0", cwd=tmp_path)
        _wait_for(proc, "READY")
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        leftovers = list(tmp_path.glob(f".{target.name}.*.tmp*"))
        mid_save += bool(leftovers)
        _check_loads(target, weights_only)  # the last complete checkpoint always loads
    return mid_save


def test_kill_during_saves_three_times(tmp_path):
    _kill_many(tmp_path, kills=3, seed=0)


@pytest.mark.slow
def test_kill_during_saves_many_times(tmp_path):
    mid_save = _kill_many(tmp_path, kills=16, seed=1)
    assert mid_save >= 1, "no kill landed inside a save: the test did not exercise the atomic write"


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_epoch_count(tmp_path):
    first = _start(RESUME_CHILD, str(tmp_path), cwd=tmp_path)
    _wait_for(first, "EPOCH 2")
    first.send_signal(signal.SIGKILL)
    first.wait()
    second = _start(RESUME_CHILD, str(tmp_path), cwd=tmp_path)
    out, _ = second.communicate(timeout=600)
    epochs = [int(line.split()[1]) for line in out.splitlines() if line.startswith("EPOCH")]
    assert "DONE" in out and epochs and epochs[-1] == 5, out
    assert epochs == list(range(epochs[0], 6)) and 2 <= epochs[0] <= 3, epochs  # resumed, not restarted
    model = keras.saving.load_model(tmp_path / "final.keras")
    assert model.predict(np.ones((1, 8), "float32"), verbose=0).shape == (1, 1)
    assert not (tmp_path / "backup").exists()
