from __future__ import annotations

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from kerasdl.distribute import data_parallel, num_replicas

_TRAIN = """
import numpy as np, keras
from kerasdl.distribute import data_parallel, num_replicas
with data_parallel({devices}) as engine:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(np.ones((16, 3), "float32"), np.ones(16, "float32"), batch_size=8, epochs=1, verbose=0)
print("REPLICAS", num_replicas(engine), type(engine).__name__)
assert np.isfinite(history.history["loss"]).all()
"""


def _run(code, backend, tmp_path, **env):
    full_env = dict(os.environ, KERAS_BACKEND=backend, KERAS_HOME=str(tmp_path), **env)
    out = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    return out.stdout


def test_tensorflow_mirrored_over_two_logical_cpus(tmp_path):
    pytest.importorskip("tensorflow")
    setup = (
        "import tensorflow as tf\n"
        "cpu = tf.config.list_physical_devices('CPU')[0]\n"
        "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)\n"
    )
    out = _run(setup + _TRAIN.format(devices="['/cpu:0', '/cpu:1']"), "tensorflow", tmp_path)
    assert "REPLICAS 2 MirroredStrategy" in out


def test_jax_data_parallel_over_two_host_devices(tmp_path):
    pytest.importorskip("jax")
    code = _TRAIN.format(devices="") + (
        "assert keras.distribution.distribution() is None, 'previous distribution not restored'\n"
    )
    out = _run(code, "jax", tmp_path, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    assert "REPLICAS 2 DataParallel" in out


@pytest.mark.multibackend
def test_scope_on_the_current_backend():
    backend = keras.backend.backend()
    if backend == "torch":
        with pytest.warns(UserWarning, match="no multi-device `fit`.*tensorflow.*jax"):
            with data_parallel() as engine:
                pass
        assert engine is None and num_replicas(engine) == 1
        return
    with data_parallel() as engine:
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0)
    assert num_replicas(engine) == 1
    if backend == "jax":
        assert keras.distribution.distribution() is None


def test_devices_argument_is_checked():
    with pytest.raises(TypeError, match=r"list of device names.*Received: devices='gpu:0'"):
        with data_parallel("gpu:0"):
            pass
