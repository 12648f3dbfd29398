"""Stop training once a loss or metric is good enough (the course's ``myCallback``)."""

from __future__ import annotations

import math
import numbers
from typing import Any

import keras

from kerasdl.utils.validation import check_choice


def missing_metric_message(monitor: str, logs: dict[str, Any] | None, owner: str) -> str:
    """The error message for a monitored metric that is absent from the logs."""
    available = sorted(logs or {})
    hint = ""
    if monitor.startswith("val_") and not any(k.startswith("val_") for k in available):
        hint = (
            " Validation metrics only exist when `fit()` gets `validation_data=...` or "
            "`validation_split=...`; pass one, or monitor a training metric such as 'loss'."
        )
    elif not monitor.startswith("val_"):
        hint = " Metrics appear under the names given to `compile(metrics=...)`."
    return (
        f"{owner} monitors `{monitor}`, which is not in the training logs. "
        f"Available metrics: {available}.{hint} Received: monitor={monitor!r}"
    )


class LossThresholdStop(keras.callbacks.Callback):
    """Stop training at the end of the first epoch whose metric passes a threshold.

    The general form of the course's callback that cancels training "when the
    loss is low enough"; it prints why it stopped and records the epoch.

    Args:
        threshold: The value to reach. Defaults to ``0.4``.
        monitor: The log entry to watch (``"loss"``, ``"val_loss"``,
            ``"accuracy"``...). Defaults to ``"loss"``.
        mode: ``"min"`` stops when the value drops below ``threshold``,
            ``"max"`` when it rises above it. Defaults to ``"min"``.
        verbose: Whether to print the reason for stopping. Defaults to ``True``.

    Attributes:
        stopped_epoch: The epoch (1-based, as Keras prints it) at which
            training was stopped, or ``None``.
        stopped_value: The monitored value at that epoch, or ``None``.

    Raises:
        ValueError: If ``mode`` is unknown, ``threshold`` is not a finite
            number, or (during training) ``monitor`` is not in the logs.

    Example:

    >>> import numpy as np, keras
    >>> from kerasdl.callbacks import LossThresholdStop
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> stop = LossThresholdStop(threshold=1e9, verbose=False)
    >>> history = model.fit(np.zeros((8, 2)), np.zeros(8), epochs=5, verbose=0, callbacks=[stop])
    >>> len(history.history["loss"]), stop.stopped_epoch
    (1, 1)
    """

    def __init__(
        self,
        threshold: float = 0.4,
        monitor: str = "loss",
        mode: str = "min",
        verbose: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not math.isfinite(
            threshold
        ):
            raise ValueError(f"`threshold` must be a finite number. Received: threshold={threshold!r}")
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"`monitor` must be a metric name such as 'loss'. Received: monitor={monitor!r}")
        self.threshold: float = float(threshold)
        self.monitor: str = monitor
        self.mode: str = check_choice(mode, "mode", ("min", "max"))
        self.verbose: bool = bool(verbose)
        self.stopped_epoch: int | None = None
        self.stopped_value: float | None = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.stopped_epoch = None
        self.stopped_value = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(missing_metric_message(self.monitor, logs, "LossThresholdStop"))
        value = float(logs[self.monitor])
        reached = value < self.threshold if self.mode == "min" else value > self.threshold
        if reached:
            self.stopped_epoch = epoch + 1
            self.stopped_value = value
            self.model.stop_training = True
            if self.verbose:
                relation = "below" if self.mode == "min" else "above"
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor}={value:.4f} is {relation} the threshold "
                    f"{self.threshold:g}, so training stops here."
                )
