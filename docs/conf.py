"""Sphinx configuration for the kerasdl documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (warnings
are errors). The doctest builder (``-b doctest``) runs every ``>>>`` example of
the docstrings the API reference pulls in.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

from kerasdl.version import __version__  # noqa: E402

project = "kerasdl"
author = "The kerasdl team"
copyright = "2026, The kerasdl team"
release = __version__
version = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"kerasdl {__version__}"
html_static_path: list[str] = []  # no static files; git keeps no empty _static folder

autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
nitpicky = False

# Docstring examples may use their module's public names without importing them
# (pytest's doctests run in the module's namespace); give the Sphinx doctests the same names.
doctest_global_setup = """
import os, tempfile
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp())
import numpy as np
import keras
import kerasdl
from kerasdl.callbacks import *
from kerasdl.data import *
from kerasdl.datasets import *
from kerasdl.gan import *
from kerasdl.models import *
from kerasdl.serialization import *
from kerasdl.text import *
from kerasdl.utils import *
"""

suppress_warnings = ["config.cache"]

#: Subpackages whose ``__all__`` must be fully present in the API reference.
PUBLIC_PACKAGES = [
    "kerasdl",
    "kerasdl.models",
    "kerasdl.datasets",
    "kerasdl.data",
    "kerasdl.text",
    "kerasdl.callbacks",
    "kerasdl.serialization",
    "kerasdl.gan",
    "kerasdl.mixed_precision",
    "kerasdl.distribute",
    "kerasdl.practicals",
    "kerasdl.utils",
]


def _check_api_reference(app, env):
    """Warn (an error under -W) for every public name missing from the API reference."""
    from sphinx.util import logging

    logger = logging.getLogger("kerasdl.apicheck")
    documented = set(env.get_domain("py").objects)
    documented_short = {name.rsplit(".", 1)[-1] for name in documented}
    for package in PUBLIC_PACKAGES:
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError:
            continue
        for name in getattr(module, "__all__", []):
            if name.startswith("__"):
                continue
            if f"{package}.{name}" in documented:
                continue
            obj = getattr(module, name, None)
            home = getattr(obj, "__module__", None)
            if home and f"{home}.{name}" in documented:
                continue
            if package == "kerasdl" and name in documented_short:
                continue  # headline names are documented in their subpackage
            logger.warning(f"public name {package}.{name} is missing from the API reference")


def setup(app):
    app.connect("env-check-consistency", _check_api_reference)
