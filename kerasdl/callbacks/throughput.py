"""Samples per second and seconds per epoch, written into the training logs."""

from __future__ import annotations

import time
from typing import Any

import keras

from kerasdl.utils.validation import check_positive_int


class ThroughputLogger(keras.callbacks.Callback):
    """Add ``epoch_seconds``, ``steps_per_second`` and ``samples_per_second`` to the logs.

    The values land in ``history.history`` (and in ``CSVLogger``,
    ``TensorBoard``...) like any metric. Keras does not tell callbacks the
    batch size, so samples are counted as ``steps * batch_size`` (the last,
    smaller batch counts as a full one) unless ``num_samples`` gives the exact
    number of training samples per epoch. Without either, only
    ``epoch_seconds`` and ``steps_per_second`` are logged.

    Args:
        batch_size: The batch size passed to ``fit``. Defaults to ``None``.
        num_samples: Training samples per epoch (takes precedence over
            ``batch_size``). Defaults to ``None``.
        verbose: Whether to print one line per epoch. Defaults to ``False``.

    Attributes:
        epoch_times: Seconds of each epoch of the last ``fit``.

    Raises:
        ValueError: If ``batch_size`` or ``num_samples`` is not a positive integer.

    Example:

    >>> import numpy as np, keras
    >>> from kerasdl.callbacks import ThroughputLogger
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> history = model.fit(np.ones((8, 2)), np.ones(8), batch_size=4, epochs=1, verbose=0,
    ...                     callbacks=[ThroughputLogger(batch_size=4)])
    >>> sorted(k for k in history.history if k != "loss")
    ['epoch_seconds', 'samples_per_second', 'steps_per_second']
    """

    def __init__(
        self, batch_size: int | None = None, num_samples: int | None = None, verbose: bool = False
    ) -> None:
        super().__init__()
        self.batch_size = check_positive_int(batch_size, "batch_size", allow_none=True)
        self.num_samples = check_positive_int(num_samples, "num_samples", allow_none=True)
        self.verbose = bool(verbose)
        self.epoch_times: list[float] = []
        self._start = 0.0
        self._steps = 0

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epoch_times = []

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._steps = 0
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._steps = batch + 1  # batches are 0-based within the epoch

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        seconds = max(time.perf_counter() - self._start, 1e-9)
        self.epoch_times.append(seconds)
        if logs is None:
            return
        logs["epoch_seconds"] = seconds
        logs["steps_per_second"] = self._steps / seconds
        samples = self.num_samples or (self._steps * self.batch_size if self.batch_size else None)
        if samples is not None:
            logs["samples_per_second"] = samples / seconds
        if self.verbose:
            rate = f", {logs['samples_per_second']:.0f} samples/s" if samples is not None else ""
            print(f"Epoch {epoch + 1}: {seconds:.2f} s, {logs['steps_per_second']:.1f} steps/s{rate}")
