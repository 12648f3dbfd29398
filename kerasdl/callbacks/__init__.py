"""Training callbacks and history plots.

Resuming an interrupted run: Keras's ``BackupAndRestore`` saves the weights,
optimizer state and epoch number at every epoch end; calling ``fit`` again
with the same ``backup_dir`` and the same ``epochs`` continues where the run
stopped, so the total number of epochs is unchanged::

    backup = keras.callbacks.BackupAndRestore(backup_dir="runs/backup", double_checkpoint=True)
    model.fit(x, y, epochs=20, callbacks=[backup])   # killed during epoch 8
    # new process: build and compile the same model, then
    model.fit(x, y, epochs=20, callbacks=[backup])   # runs epochs 8..20 only

``double_checkpoint=True`` keeps the previous backup while a new one is
written, so a kill during the backup itself is survived too. The backup
folder is deleted when ``fit`` completes. Add a :class:`SafeModelCheckpoint`
to keep the models themselves.
"""

from kerasdl.callbacks.checkpoint import SafeModelCheckpoint
from kerasdl.callbacks.early_stopping import ReportingEarlyStopping, early_stopping
from kerasdl.callbacks.history_plot import HistoryPlot, plot_history
from kerasdl.callbacks.loss_threshold import LossThresholdStop
from kerasdl.callbacks.throughput import ThroughputLogger

__all__ = [
    "HistoryPlot",
    "LossThresholdStop",
    "ReportingEarlyStopping",
    "SafeModelCheckpoint",
    "ThroughputLogger",
    "early_stopping",
    "plot_history",
]
