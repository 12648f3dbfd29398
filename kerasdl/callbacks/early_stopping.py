"""Early stopping that restores the best weights and fails loudly on a wrong metric name."""

from __future__ import annotations

from typing import Any

import keras

from kerasdl.callbacks.loss_threshold import missing_metric_message
from kerasdl.utils.validation import check_choice


class ReportingEarlyStopping(keras.callbacks.EarlyStopping):
    """``keras.callbacks.EarlyStopping`` that raises on a missing metric and reports the best epoch.

    Keras only warns when the monitored metric is missing (a typo, or
    ``monitor="val_loss"`` without validation data) and then trains for every
    epoch; this subclass raises ``ValueError`` at the end of the first epoch
    instead, listing the available metric names. At the end of training it
    prints the best epoch, 1-based as in the progress bar, with its value.
    Build it with :func:`early_stopping`.

    Because the check runs at every epoch end, use plain Keras
    ``EarlyStopping`` with ``fit(validation_freq=k)`` for ``k > 1``.

    Attributes:
        best_epoch_number: The best epoch, 1-based, or ``None`` before training.
        best_value: The monitored value at the best epoch, or ``None``.
    """

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        super().on_train_begin(logs)
        self.best_epoch_number: int | None = None
        self.best_value: float | None = None

    def get_monitor_value(self, logs: dict[str, Any] | None) -> Any:
        logs = logs or {}
        if logs.get(self.monitor) is None:
            raise ValueError(missing_metric_message(self.monitor, logs, "early_stopping"))
        return logs[self.monitor]

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.get_monitor_value(logs)  # our error before Keras's "cannot infer mode" one
        super().on_epoch_end(epoch, logs)
        if self.best is not None and epoch >= self.start_from_epoch:
            self.best_epoch_number = self.best_epoch + 1
            self.best_value = float(self.best)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        super().on_train_end(logs)
        if self.verbose > 0 and self.best_epoch_number is not None:
            stopped = (
                f"stopped early after epoch {self.stopped_epoch + 1}"
                if self.stopped_epoch > 0
                else "ran every epoch"
            )
            restored = (
                f"; the model now holds the weights of epoch {self.best_epoch_number}"
                if self.restore_best_weights and self.best_weights is not None
                else ""
            )
            print(
                f"Best epoch: {self.best_epoch_number} ({self.monitor}={self.best_value:.4f}); "
                f"training {stopped}{restored}."
            )


def early_stopping(
    monitor: str = "val_loss",
    patience: int = 5,
    *,
    min_delta: float = 0.0,
    mode: str = "auto",
    restore_best_weights: bool = True,
    start_from_epoch: int = 0,
    verbose: int = 1,
) -> ReportingEarlyStopping:
    """Return an early-stopping callback with the course's sensible defaults.

    A preset over ``keras.callbacks.EarlyStopping``: the best weights are
    restored by default, a monitored metric that is missing from the logs is
    an error (with the available names) rather than a warning, and the best
    epoch is reported 1-based with its value.

    Args:
        monitor: The metric to watch. Defaults to ``"val_loss"``.
        patience: Epochs without improvement before stopping. Defaults to ``5``.
        min_delta: Smallest change that counts as an improvement.
            Defaults to ``0.0``.
        mode: ``"auto"``, ``"min"`` or ``"max"``; ``"auto"`` infers ``"max"``
            for accuracy-like metrics. Defaults to ``"auto"``.
        restore_best_weights: Whether to put the best epoch's weights back at
            the end. Defaults to ``True``.
        start_from_epoch: Epochs to wait before monitoring. Defaults to ``0``.
        verbose: ``0`` is silent, ``1`` prints the stop and the best epoch.
            Defaults to ``1``.

    Returns:
        A :class:`ReportingEarlyStopping` callback.

    Raises:
        ValueError: If an argument is invalid; during training, if
            ``monitor`` never appears in the logs.

    Example:

    >>> import numpy as np, keras
    >>> from kerasdl.callbacks import early_stopping
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> stop = early_stopping(monitor="loss", patience=1, verbose=0)
    >>> _ = model.fit(np.ones((8, 2)), np.ones(8), epochs=3, verbose=0, callbacks=[stop])
    >>> stop.best_epoch_number in (1, 2, 3)
    True
    """
    if not isinstance(monitor, str) or not monitor:
        raise TypeError(f"`monitor` must be a metric name such as 'val_loss'. Received: monitor={monitor!r}")
    if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
        raise ValueError(f"`patience` must be an integer >= 0. Received: patience={patience!r}")
    if isinstance(start_from_epoch, bool) or not isinstance(start_from_epoch, int) or start_from_epoch < 0:
        raise ValueError(
            f"`start_from_epoch` must be an integer >= 0. Received: start_from_epoch={start_from_epoch!r}"
        )
    mode = check_choice(mode, "mode", ("auto", "min", "max"))
    return ReportingEarlyStopping(
        monitor=monitor,
        min_delta=min_delta,
        patience=patience,
        verbose=verbose,
        mode=mode,
        restore_best_weights=restore_best_weights,
        start_from_epoch=start_from_epoch,
    )
