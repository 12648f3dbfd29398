"""A model registry in the timm manner: ``list_models()`` and ``create_model()``.

Factories register themselves with :func:`register_model`. The registry also
collects the builders that live outside :mod:`kerasdl.models` (the GANs in
:mod:`kerasdl.gan`, word2vec in :mod:`kerasdl.text`) the first time it is
queried, so every builder is reachable from one place.
"""

from __future__ import annotations

import fnmatch
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import keras

F = TypeVar("F", bound=Callable[..., Any])

# Packages whose import registers more builders.
_PROVIDERS = ("kerasdl.models", "kerasdl.gan", "kerasdl.text")


@dataclass(frozen=True)
class ModelEntry:
    """One registered factory.

    Attributes:
        name: The registry name (``"lenet"``).
        builder: The factory function (``build_lenet``).
        task: A short task tag (``"image-classification"``, ``"gan"``...).
        summary: The first line of the builder's docstring.
    """

    name: str
    builder: Callable[..., Any]
    task: str
    summary: str


_REGISTRY: dict[str, ModelEntry] = {}
_loaded = False


def register_model(name: str, *, task: str) -> Callable[[F], F]:
    """Register a ``build_*`` factory under ``name``.

    Args:
        name: The registry name, lower-case with dashes or underscores.
        task: A short task tag used to filter :func:`list_models`.

    Returns:
        A decorator that registers the factory and returns it unchanged.

    Raises:
        ValueError: If another factory already uses ``name``.
    """

    def decorator(builder: F) -> F:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.builder is not builder:
            if existing.builder.__qualname__ != builder.__qualname__:
                raise ValueError(
                    f"A model named {name!r} is already registered by "
                    f"{existing.builder.__module__}.{existing.builder.__qualname__}. "
                    "Choose another `name`."
                )
        summary = (builder.__doc__ or "").strip().splitlines()[0] if builder.__doc__ else ""
        _REGISTRY[name] = ModelEntry(name=name, builder=builder, task=task, summary=summary)
        return builder

    return decorator


def _load_providers() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _PROVIDERS:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def list_models(pattern: str | None = None, task: str | None = None) -> list[str]:
    """Return the sorted names of the registered model factories.

    Args:
        pattern: An optional shell-style filter such as ``"*gan"``.
            Defaults to ``None`` (all names).
        task: An optional task tag such as ``"text"``. Defaults to ``None``.

    Returns:
        The matching registry names, sorted.

    Example:

    >>> from kerasdl.models import list_models
    >>> "lenet" in list_models()
    True
    >>> list_models("lenet*")
    ['lenet']
    """
    _load_providers()
    names = sorted(_REGISTRY)
    if pattern is not None:
        names = [n for n in names if fnmatch.fnmatch(n, pattern)]
    if task is not None:
        names = [n for n in names if _REGISTRY[n].task == task]
    return names


def get_model_entry(name: str) -> ModelEntry:
    """Return the :class:`ModelEntry` of ``name``; unknown names list the valid ones."""
    _load_providers()
    if not isinstance(name, str) or name not in _REGISTRY:
        valid = ", ".join(sorted(_REGISTRY))
        raise ValueError(
            f"Unknown model name. Valid names: {valid}. Received: name={name!r}"
        )
    return _REGISTRY[name]


def create_model(name: str, **kwargs: Any) -> keras.Model:
    """Build a registered model by name.

    Args:
        name: A name from :func:`list_models`.
        **kwargs: Passed to the factory.

    Returns:
        The (uncompiled) model the factory returns.

    Raises:
        ValueError: If ``name`` is not registered (the message lists the
            valid names) or the factory rejects an argument.

    Example:

    >>> from kerasdl.models import create_model
    >>> create_model("lenet", num_classes=5).output_shape
    (None, 5)
    """
    return get_model_entry(name).builder(**kwargs)
