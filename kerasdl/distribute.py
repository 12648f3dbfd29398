"""Data-parallel training on several devices with the active backend's engine.

:func:`data_parallel` opens the scope in which a model is built, compiled and
fitted so that every batch is split across the devices and the gradients are
averaged: ``tf.distribute.MirroredStrategy`` on TensorFlow,
``keras.distribution.DataParallel`` on JAX. The PyTorch backend of Keras has
no multi-device ``fit``: the scope warns and trains on one device.

Several machines (TensorFlow): every worker runs the same script with its own
``TF_CONFIG`` and builds the model under ``MultiWorkerMirroredStrategy``::

    # worker 0 of 2; worker 1 uses "index": 1
    os.environ["TF_CONFIG"] = json.dumps({
        "cluster": {"worker": ["host1:12345", "host2:12345"]},
        "task": {"type": "worker", "index": 0},
    })
    import tensorflow as tf, keras
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = kerasdl.build_lenet()
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    # global batch = per-worker batch * strategy.num_replicas_in_sync
    model.fit(dataset, epochs=5, callbacks=[keras.callbacks.BackupAndRestore("/shared/backup")])

Only worker 0 (the "chief") should write checkpoints to the final location;
``BackupAndRestore`` on shared storage lets the job resume after a worker
fails. On JAX, the multi-host equivalent is ``jax.distributed.initialize()``
followed by :func:`data_parallel` over ``keras.distribution.list_devices()``.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import keras

from kerasdl.utils.backend import require_tensorflow


def _check_devices(devices: Sequence[str] | None) -> list[str] | None:
    if devices is None:
        return None
    if isinstance(devices, str) or not all(isinstance(d, str) for d in devices) or not devices:
        raise TypeError(
            "`devices` must be None (every device) or a non-empty list of device names such as "
            f"['gpu:0', 'gpu:1']. Received: devices={devices!r}"
        )
    return list(devices)


@contextlib.contextmanager
def data_parallel(devices: Sequence[str] | None = None) -> Iterator[Any]:
    """Scope in which models are built, compiled and trained data-parallel across devices.

    Build and compile the model inside the block, and call ``fit`` inside it
    too (required on TensorFlow for custom loops, harmless otherwise). The
    batch size given to ``fit`` is the global batch, split evenly across the
    devices. On leaving the block the previous distribution (JAX) is restored.

    Args:
        devices: Device names (TensorFlow ``"/gpu:0"``, JAX ``"gpu:0"``), or
            ``None`` for every accelerator (every CPU device when there is none).
            Defaults to ``None``.

    Yields:
        The ``tf.distribute.MirroredStrategy`` (TensorFlow), the
        ``keras.distribution.DataParallel`` (JAX) or ``None`` (PyTorch).

    Raises:
        TypeError: If ``devices`` is not a list of names.

    Example:

    >>> import keras
    >>> from kerasdl.distribute import data_parallel
    >>> with data_parallel() as engine:  # one CPU here: a one-device scope
    ...     model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    ...     model.compile("sgd", "mse")
    """
    devices = _check_devices(devices)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        tf = require_tensorflow("data_parallel on the TensorFlow backend")
        strategy = tf.distribute.MirroredStrategy(devices=devices)
        with strategy.scope():
            yield strategy
    elif backend == "jax":
        previous = keras.distribution.distribution()
        chosen = devices if devices is not None else keras.distribution.list_devices()
        distribution = keras.distribution.DataParallel(devices=chosen)
        keras.distribution.set_distribution(distribution)
        try:
            yield distribution
        finally:
            keras.distribution.set_distribution(previous)
    else:
        warnings.warn(
            f"data_parallel: the {backend!r} backend of Keras has no multi-device `fit`; training runs on "
            "one device. Multi-device training is supported with KERAS_BACKEND=tensorflow "
            "(tf.distribute.MirroredStrategy) and KERAS_BACKEND=jax (keras.distribution.DataParallel); "
            "with PyTorch, write a torch.nn.parallel.DistributedDataParallel loop around the model.",
            UserWarning,
            stacklevel=3,
        )
        yield None


def num_replicas(engine: Any) -> int:
    """Number of devices a :func:`data_parallel` scope splits each batch over (1 for ``None``).

    Example:

    >>> from kerasdl.distribute import num_replicas
    >>> num_replicas(None)
    1
    """
    if engine is None:
        return 1
    if hasattr(engine, "num_replicas_in_sync"):
        return int(engine.num_replicas_in_sync)
    mesh = getattr(engine, "device_mesh", None)
    if mesh is not None:
        return len(list(mesh.devices.flatten()) if hasattr(mesh.devices, "flatten") else mesh.devices)
    return 1


__all__ = ["data_parallel", "num_replicas"]
