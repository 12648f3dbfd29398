"""``ModelCheckpoint`` whose saves are atomic: a crash never leaves a half-written checkpoint."""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

import keras
import numpy as np

from kerasdl.serialization.model import save_whole_model
from kerasdl.utils.io import atomic_write, remove_stale_temporaries
from kerasdl.utils.validation import check_choice


def legacy_weights_path(path: str, owner: str) -> str:
    """Map a legacy ``name.h5`` weights path to Keras 3's ``name.weights.h5``, with a warning."""
    if path.endswith(".weights.h5"):
        return path
    if path.endswith(".h5"):
        new = path[: -len(".h5")] + ".weights.h5"
        warnings.warn(
            f"{owner}: Keras 3 stores weights-only files under names ending in `.weights.h5` "
            f"(tf.keras 2.x accepted any `.h5`); writing {new!r} instead of {path!r}. "
            "Load it with `model.load_weights` or `kerasdl.serialization.load_weights` (which also "
            "accepts the old name).",
            UserWarning,
            stacklevel=3,
        )
        return new
    raise ValueError(
        f"{owner}: a weights-only file name must end in `.weights.h5` (Keras 3 weights format), "
        f"for example 'checkpoint.weights.h5'. Received: filepath={path!r}"
    )


class SafeModelCheckpoint(keras.callbacks.Callback):
    """Save the model or its weights during training, atomically.

    Same arguments and file-name templates as ``keras.callbacks.ModelCheckpoint``
    (``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``), ``save_best_only``,
    ``save_weights_only``, ``mode`` and ``save_freq``, but every save goes to a
    temporary file in the destination folder that is renamed over the target
    only once complete (:func:`kerasdl.utils.io.atomic_write`). A process
    killed in the middle of a save leaves the previous checkpoint intact (and
    possibly a hidden ``.name.<host>.<pid>.*.tmp`` file, removed at the next
    ``on_train_begin`` once its writer is gone: see
    :func:`kerasdl.utils.io.remove_stale_temporaries`). Several processes may
    checkpoint into the same folder: each writes its own temporaries and
    removes only those of writers that no longer run.

    Legacy names: with ``save_weights_only=True`` a path ending in ``.h5`` but
    not ``.weights.h5`` (tf.keras 2.x habit, which Keras 3 rejects) is mapped
    to ``name.weights.h5`` with a warning explaining the rule. A full-model
    ``.h5`` path is written in the legacy HDF5 format, as Keras does.

    Args:
        filepath: Where to save; may contain ``{epoch}``, ``{batch}`` and
            log-name placeholders. Must end in ``.keras`` (or ``.h5``) for a
            full model, ``.weights.h5`` for weights only.
        monitor: The metric for ``save_best_only``. Defaults to ``"val_loss"``.
        verbose: ``1`` prints a line per save. Defaults to ``0``.
        save_best_only: Only save when ``monitor`` improves. Defaults to ``False``.
        save_weights_only: Save weights only. Defaults to ``False``.
        mode: ``"auto"``, ``"min"`` or ``"max"``. Defaults to ``"auto"``.
        save_freq: ``"epoch"`` or a number of batches. Defaults to ``"epoch"``.
        initial_value_threshold: Initial "best" value for ``save_best_only``.
            Defaults to ``None``.

    Attributes:
        last_saved: The path of the latest complete checkpoint, or ``None``.
        best: The best monitored value so far.

    Raises:
        ValueError: If the file name does not fit the format, or an option is
            invalid.

    Example:

    >>> import tempfile, os, numpy as np, keras
    >>> from kerasdl.callbacks import SafeModelCheckpoint
    >>> folder = tempfile.mkdtemp()
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> ckpt = SafeModelCheckpoint(os.path.join(folder, "e{epoch}.weights.h5"), save_weights_only=True)
    >>> _ = model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0, callbacks=[ckpt])
    >>> sorted(os.listdir(folder))
    ['e1.weights.h5', 'e2.weights.h5']
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        path = os.fspath(filepath)
        if save_weights_only:
            path = legacy_weights_path(path, "SafeModelCheckpoint")
        elif not path.endswith((".keras", ".h5")):
            raise ValueError(
                "SafeModelCheckpoint: a full-model checkpoint name must end in `.keras` (or the legacy "
                "`.h5`); for weights only pass `save_weights_only=True` and a `.weights.h5` name. "
                f"Received: filepath={path!r}"
            )
        if path.endswith(".weights.h5") and not save_weights_only:
            raise ValueError(
                "SafeModelCheckpoint: a `.weights.h5` name needs `save_weights_only=True`, or use a "
                f"`.keras` name to save the whole model. Received: filepath={path!r}"
            )
        bad_int = isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1
        if save_freq != "epoch" and bad_int:
            raise ValueError(
                "`save_freq` must be 'epoch' or a positive number of batches. "
                f"Received: save_freq={save_freq!r}"
            )
        self.filepath = path
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.mode = check_choice(mode, "mode", ("auto", "min", "max"))
        self.save_freq = save_freq
        self.best: float | None = initial_value_threshold
        self.last_saved: str | None = None
        self._current_epoch = 0
        self._batches_since_save = 0
        self._last_batch: int | None = None

    # -- monitoring -------------------------------------------------------------------------------
    def _is_max_mode(self) -> bool:
        if self.mode != "auto":
            return self.mode == "max"
        name = self.monitor.removeprefix("val_")
        return name.startswith(("acc", "auc", "fmeasure", "precision", "recall")) or name in (
            "accuracy",
            "f1_score",
        )

    def _improved(self, value: float) -> bool:
        if self.best is None:
            return True
        return value > self.best if self._is_max_mode() else value < self.best

    # -- Keras hooks ------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        # Only temporaries of writers that are gone (or a day old): another process
        # checkpointing into the same folder keeps its save in progress.
        remove_stale_temporaries(self.filepath)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.save_freq == "epoch":
            return
        # Like Keras: with steps_per_execution > 1 the batch index jumps by several steps.
        if self._last_batch is None or batch <= self._last_batch:
            self._batches_since_save += batch + 1
        else:
            self._batches_since_save += batch - self._last_batch
        self._last_batch = batch
        if self._batches_since_save >= int(self.save_freq):
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    # -- saving -----------------------------------------------------------------------------------
    def format_path(self, epoch: int, batch: int | None, logs: dict[str, Any] | None) -> str:
        """Fill the file-name template for ``epoch`` (0-based) and ``batch`` as Keras does."""
        logs = dict(logs or {})
        fields = {"epoch": epoch + 1, **logs}
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(
                f"SafeModelCheckpoint could not fill the file-name template {self.filepath!r}: "
                f"{error} is not in the logs. Available: {sorted(fields)}."
            ) from None

    def _save(self, epoch: int, batch: int | None, logs: dict[str, Any] | None) -> None:
        logs = logs or {}
        path = self.format_path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(
                    f"SafeModelCheckpoint can save the best model only when `{self.monitor}` is in the "
                    f"logs; saving anyway. Available: {sorted(logs)}.",
                    UserWarning,
                    stacklevel=2,
                )
            else:
                value = float(np.asarray(current))
                if math.isnan(value) or not self._improved(value):
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best}")
                    return
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best} to {value:.5f}")
                self.best = value
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"SafeModelCheckpoint needs a file name, but {path!r} is an existing folder. "
                f"Received: filepath={self.filepath!r}"
            )
        with atomic_write(path) as tmp:
            if self.save_weights_only:
                self.model.save_weights(tmp, overwrite=True)
            else:
                save_whole_model(self.model, tmp)
        self.last_saved = path
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saved {'weights' if self.save_weights_only else 'model'} to {path}")
