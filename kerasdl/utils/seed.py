"""Reproducible runs: one seed for Python, NumPy and the backend, optionally deterministic ops."""

from __future__ import annotations

import os
import warnings

import keras

from kerasdl.utils.backend import require_tensorflow


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed Python, NumPy and the Keras backend; optionally ask for deterministic kernels.

    ``keras.utils.set_random_seed`` seeds ``random``, NumPy and the backend
    (TensorFlow, JAX's Keras seed generator, PyTorch). Same seed, same data
    order and same initial weights. Some GPU kernels are still
    non-deterministic; ``deterministic=True`` asks the backend for
    deterministic ones (slower): TensorFlow's op determinism, PyTorch's
    deterministic algorithms (and ``CUBLAS_WORKSPACE_CONFIG``). JAX is
    deterministic on CPUs and TPUs; on GPUs set
    ``XLA_FLAGS=--xla_gpu_deterministic_ops=true`` before starting Python.
    Unseeded ``keras.random`` calls restart from the seed only on Keras 3.13
    and newer (older releases keep their global seed generator); pass
    ``seed=`` to ``keras.random`` functions for reproducibility on any version.

    Args:
        seed: A non-negative integer.
        deterministic: Request deterministic kernels as well. Defaults to ``False``.

    Raises:
        ValueError: If ``seed`` is not a non-negative integer.

    Example:

    >>> import numpy as np
    >>> from kerasdl.utils import set_seed
    >>> set_seed(42)
    >>> a = np.random.rand(2)
    >>> set_seed(42)
    >>> bool((a == np.random.rand(2)).all())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer. Received: seed={seed!r}")
    keras.utils.set_random_seed(seed)
    if not deterministic:
        return
    backend = keras.backend.backend()
    if backend == "tensorflow":
        tf = require_tensorflow("set_seed(deterministic=True)")
        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        import torch

        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False
    elif backend == "jax" and "--xla_gpu_deterministic_ops" not in os.environ.get("XLA_FLAGS", ""):
        import jax

        if jax.default_backend() == "gpu":
            warnings.warn(
                "set_seed(deterministic=True) on JAX with a GPU: set "
                "XLA_FLAGS=--xla_gpu_deterministic_ops=true before starting Python for "
                "deterministic GPU kernels.",
                UserWarning,
                stacklevel=2,
            )
