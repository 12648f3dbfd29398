"""Process-wide test set-up, shared by tests/ and the docstring doctests in kerasdl/.

Keras writes ``~/.keras/keras.json`` on first import and data set loaders look
in ``$KERAS_HOME/datasets``: each test session gets its own empty
``KERAS_HOME`` so nothing on the developer's machine leaks in or out.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="kerasdl-keras-home-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.pop("KERASDL_DATA_DIR", None)  # tests choose their data explicitly
os.environ.setdefault("MPLBACKEND", "Agg")
