"""What a practical is, how it is found, and how its results are written."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kerasdl.utils.io import atomic_write, atomic_write_text


@dataclass
class RunConfig:
    """The options every ``kerasdl run`` practical receives.

    Attributes:
        epochs: Number of epochs, or ``None`` for the practical's default.
        batch_size: Batch size, or ``None`` for the practical's default.
        data_dir: Folder of real data; ``None`` means the embedded default
            (or ``$KERASDL_DATA_DIR``), which may be synthetic.
        out: Output folder for the model, architecture, plot and metrics.
        mixed_precision: A Keras dtype policy name such as
            ``"mixed_bfloat16"``, or ``None`` for float32.
        quick: Run a tiny version (seconds on a CPU) to check that it works.
        seed: Random seed.
        verbose: Keras ``verbose`` for ``fit`` (``"auto"`` shows a progress
            bar on a terminal and one line per epoch otherwise).
        options: Practical-specific options (``--text-file``...).
    """

    epochs: int | None = None
    batch_size: int | None = None
    data_dir: str | None = None
    out: str = "kerasdl-runs"
    mixed_precision: str | None = None
    quick: bool = False
    seed: int = 0
    verbose: Any = "auto"
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def out_dir(self) -> Path:
        path = Path(self.out)
        path.mkdir(parents=True, exist_ok=True)
        return path


@dataclass(frozen=True)
class Practical:
    """A runnable practical.

    Attributes:
        name: The ``kerasdl run`` name, such as ``"lenet-mnist"``.
        description: One line for ``kerasdl list``.
        run: ``run(config) -> metrics``: trains, evaluates, writes its
            outputs under ``config.out`` and returns the metrics dictionary.
        add_arguments: Optional hook adding practical-specific command-line
            options to an ``argparse`` parser; their values arrive in
            ``config.options``.
    """

    name: str
    description: str
    run: Callable[[RunConfig], dict[str, Any]]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


def _discover() -> dict[str, Practical]:
    found: dict[str, Practical] = {}
    package = importlib.import_module("kerasdl.practicals")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kerasdl.practicals.{info.name}")
        practical = getattr(module, "PRACTICAL", None)
        if isinstance(practical, Practical):
            found[practical.name] = practical
    return dict(sorted(found.items()))


def list_practicals() -> dict[str, Practical]:
    """Return ``{name: Practical}`` for every practical, sorted by name.

    Example:

    >>> from kerasdl.practicals import list_practicals
    >>> "lenet-mnist" in list_practicals()
    True
    """
    return _discover()


def get_practical(name: str) -> Practical:
    """Return the practical called ``name``; an unknown name lists the valid ones."""
    practicals = _discover()
    if name not in practicals:
        raise ValueError(
            f"Unknown practical. Valid names: {', '.join(practicals)}. "
            f"Run `kerasdl list` to see what each does. Received: name={name!r}"
        )
    return practicals[name]


@contextlib.contextmanager
def dtype_policy(name: str | None) -> Iterator[None]:
    """Set the Keras global dtype policy for the block, then restore it."""
    import keras

    if name is None:
        yield
        return
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def write_metrics(out_dir: str | Path, metrics: Mapping[str, Any]) -> Path:
    """Write ``metrics.json`` atomically and return its path."""
    path = Path(out_dir) / "metrics.json"
    atomic_write_text(path, json.dumps(_jsonable(metrics), indent=2, sort_keys=True) + "\n")
    return path


def save_run_outputs(
    config: RunConfig,
    model: Any,
    history: Any,
    metrics: Mapping[str, Any],
    *,
    title: str | None = None,
) -> dict[str, Path]:
    """Write the standard outputs of a run under ``config.out``.

    ``model.keras`` (the trained model), ``architecture.json`` (the
    architecture alone), ``history.png`` (loss and metric curves) and
    ``metrics.json``; every file is written atomically.

    Returns:
        ``{"model": ..., "architecture": ..., "history_plot": ..., "metrics": ...}``.
    """
    from kerasdl.callbacks.history_plot import plot_history

    out = config.out_dir
    paths: dict[str, Path] = {}
    paths["model"] = out / "model.keras"
    with atomic_write(paths["model"]) as tmp:
        model.save(tmp)
    paths["architecture"] = out / "architecture.json"
    atomic_write_text(paths["architecture"], model.to_json(indent=2) + "\n")
    paths["history_plot"] = out / "history.png"
    plot_history(history, path=paths["history_plot"], title=title)
    paths["metrics"] = write_metrics(out, metrics)
    return paths
