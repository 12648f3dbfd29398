"""Safe saving and loading: architectures (JSON/YAML), weights (HDF5) and whole models.

- :func:`save_architecture` / :func:`load_architecture`: the course's
  ``to_json``/``to_yaml`` and ``model_from_json``/``model_from_yaml``, with
  files written atomically and read without executing anything.
- :func:`save_weights` / :func:`load_weights`: HDF5 weights, accepting the
  legacy ``.h5`` names and files.
- :func:`save_model` / :func:`load_model`: ``.keras`` (or legacy ``.h5``)
  files that know kerasdl's registered layers and models.
- :mod:`kerasdl.serialization.limits`: the size limits checked before a file
  is read (see the "Security and file safety" page).
"""

from kerasdl.serialization.architecture import (
    load_architecture,
    model_from_json,
    model_from_yaml,
    save_architecture,
    to_yaml,
)
from kerasdl.serialization.model import load_model, save_model
from kerasdl.serialization.weights import load_weights, save_weights

__all__ = [
    "load_architecture",
    "load_model",
    "load_weights",
    "model_from_json",
    "model_from_yaml",
    "save_architecture",
    "save_model",
    "save_weights",
    "to_yaml",
]
