"""Loss and metric curves of one or several training runs."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import keras

from kerasdl.utils.io import atomic_write


def _as_dict(history: Any) -> dict[str, list[float]]:
    """Accept a Keras ``History`` object or a plain ``{metric: [values]}`` dict."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            "Each history must be a `keras.callbacks.History` (what `model.fit` returns) or "
            f"a dict of metric lists. Received: {type(history).__name__}"
        )
    return {str(k): [float(v) for v in values] for k, values in logs.items()}


def plot_history(
    *histories: Any,
    labels: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    path: str | os.PathLike[str] | None = None,
    title: str | None = None,
) -> Any:
    """Plot training curves, one panel per metric, train solid, validation dashed.

    Several histories are overlaid with one colour each: the course's
    "loss before and after early stopping" comparison is
    ``plot_history(h1, h2, labels=["no stopping", "early stopping"])``.

    Args:
        *histories: ``keras.callbacks.History`` objects or
            ``{metric: [values per epoch]}`` dicts.
        labels: One legend label per history. Defaults to ``None``
            (``"run 1"``, ``"run 2"``...; no label for a single run).
        metrics: The metrics to plot (without the ``val_`` prefix).
            Defaults to ``None`` (every metric found).
        path: Where to write the PNG (atomically). Defaults to ``None`` (no
            file; the figure is returned).
        title: Figure title. Defaults to ``None``.

    Returns:
        The ``matplotlib.figure.Figure``.

    Raises:
        ValueError: If no history is given, ``labels`` has the wrong length or
            a requested metric is missing.

    Example:

    >>> from kerasdl.callbacks import plot_history
    >>> fig = plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    >>> len(fig.axes)
    1
    """
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: works headless, nothing to close

    if not histories:
        raise ValueError("`plot_history` needs at least one history. Received: none")
    logs = [_as_dict(h) for h in histories]
    if labels is not None and len(labels) != len(logs):
        raise ValueError(
            f"`labels` must have one entry per history ({len(logs)}). Received: labels={labels!r}"
        )
    names: list[str] = []
    for log in logs:
        for key in log:
            base = key[4:] if key.startswith("val_") else key
            if base not in names and base not in ("learning_rate", "lr"):
                names.append(base)
    if metrics is not None:
        missing = [m for m in metrics if m not in names]
        if missing:
            raise ValueError(
                f"`metrics` names metrics that are not in the history. Available: {names}. "
                f"Received: metrics={list(metrics)!r}"
            )
        names = list(metrics)
    if not names:
        raise ValueError("The histories hold no metric to plot. Received: empty histories")

    fig = Figure(figsize=(4.5 * len(names), 3.4))
    axes = fig.subplots(1, len(names), squeeze=False)
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, name in zip(axes[0], names):
        for i, log in enumerate(logs):
            color = colors[i % len(colors)]
            label = labels[i] if labels is not None else (f"run {i + 1}" if len(logs) > 1 else "")
            for key, style, part in ((name, "-", "train"), (f"val_{name}", "--", "validation")):
                if key in log and log[key]:
                    epochs = range(1, len(log[key]) + 1)
                    text = f"{label} {part}".strip()
                    ax.plot(epochs, log[key], style, color=color, marker=".", label=text)
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        with atomic_write(Path(path)) as tmp:
            fig.savefig(tmp, dpi=100, format=Path(path).suffix.lstrip(".") or "png")
    return fig


class HistoryPlot(keras.callbacks.Callback):
    """Write a PNG of the loss and metric curves at the end of every epoch.

    The file is rewritten atomically (see :func:`plot_history`), so an image
    viewer or a notebook can watch it while training runs, and a killed run
    still leaves a complete plot of the finished epochs.

    Args:
        path: Where to write the image (``.png``).
        metrics: The metrics to plot (without ``val_``). Defaults to ``None``
            (every metric in the logs).
        title: Figure title. Defaults to ``None``.

    Attributes:
        history: ``{metric: [value per epoch]}`` recorded so far in this ``fit``.

    Raises:
        ValueError: During training, if a requested metric is not in the logs.

    Example:

    >>> import os, tempfile, numpy as np, keras
    >>> from kerasdl.callbacks import HistoryPlot
    >>> path = os.path.join(tempfile.mkdtemp(), "curves.png")
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> _ = model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0, callbacks=[HistoryPlot(path)])
    >>> os.path.exists(path)
    True
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        metrics: Sequence[str] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"`path` must be a file path such as 'history.png'. Received: path={path!r}")
        if isinstance(metrics, str):
            metrics = [metrics]
        self.path = Path(path)
        self.metrics = list(metrics) if metrics is not None else None
        self.title = title
        self.history: dict[str, list[float]] = {}

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.history = {}

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for key, value in (logs or {}).items():
            try:
                self.history.setdefault(key, []).append(float(value))
            except (TypeError, ValueError):
                continue  # non-scalar log entries are not plotted
        plot_history(self.history, metrics=self.metrics, path=self.path, title=self.title)
