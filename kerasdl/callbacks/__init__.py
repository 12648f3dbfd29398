"""Training callbacks and history plots."""

from kerasdl.callbacks.history_plot import plot_history

__all__ = ["plot_history"]
