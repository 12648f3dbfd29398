"""Mixed precision: a scoped dtype policy, the right policy for this machine, output checks.

Under ``mixed_float16`` or ``mixed_bfloat16`` layers compute in 16 bits and
keep float32 variables; the model's last activation should stay in float32
for numerically stable losses (kerasdl's factories do this). On a CPU mixed
precision brings no speed-up (``mixed_float16`` is much slower on most CPUs),
hence :func:`auto_policy`.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import keras

#: Policies most users want; any name Keras accepts works too.
COMMON_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16", "float16", "bfloat16", "float64")


@contextlib.contextmanager
def policy(name: str | keras.DTypePolicy) -> Iterator[keras.DTypePolicy]:
    """Set the global Keras dtype policy inside a ``with`` block, then restore the previous one.

    Layers created inside the block use the policy (layers keep the policy
    they were created with). The previous policy is restored even if the
    block raises.

    Args:
        name: A policy name such as ``"mixed_bfloat16"``, or a
            ``keras.DTypePolicy``.

    Yields:
        The policy now in force.

    Raises:
        ValueError: If Keras does not know the policy (the message lists the
            common ones).

    Example:

    >>> import keras
    >>> from kerasdl.mixed_precision import policy
    >>> with policy("mixed_bfloat16"):
    ...     layer = keras.layers.Dense(2)
    >>> layer.compute_dtype, layer.variable_dtype, keras.config.dtype_policy().name
    ('bfloat16', 'float32', 'float32')
    """
    try:
        new = name if isinstance(name, keras.DTypePolicy) else keras.DTypePolicy(name)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"Unknown dtype policy ({error}). Common policies: {', '.join(COMMON_POLICIES)}. "
            f"Received: name={name!r}"
        ) from None
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(new)
    try:
        yield new
    finally:
        keras.config.set_dtype_policy(previous)


def _capability_policy(major: int, minor: int = 0) -> str:
    return "mixed_bfloat16" if (major, minor) >= (8, 0) else "mixed_float16"


def _tensorflow_accelerator() -> tuple[str, tuple[int, int] | None] | None:
    import tensorflow as tf

    if tf.config.list_logical_devices("TPU"):
        return "tpu", None
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return None
    details = tf.config.experimental.get_device_details(gpus[0])
    capability = details.get("compute_capability")
    return "gpu", (int(capability[0]), int(capability[1])) if capability else None


def _jax_accelerator() -> tuple[str, tuple[int, int] | None] | None:
    import jax

    device = jax.devices()[0]
    if device.platform == "tpu":
        return "tpu", None
    if device.platform in ("gpu", "cuda", "rocm"):
        raw = getattr(device, "compute_capability", None)
        if raw is None:
            return "gpu", None
        major, _, minor = str(raw).partition(".")
        return "gpu", (int(major), int(minor or 0))
    return None


def _torch_accelerator() -> tuple[str, tuple[int, int] | None] | None:
    import torch

    if torch.cuda.is_available():
        major, minor = torch.cuda.get_device_capability(0)
        return "gpu", (int(major), int(minor))
    return None


def detect_accelerator() -> tuple[str, tuple[int, int] | None] | None:
    """Return ``("gpu", (major, minor))``, ``("tpu", None)`` or ``None`` for the active backend.

    Only the active backend's library is asked (TensorFlow is not imported
    under JAX or PyTorch).
    """
    backend = keras.backend.backend()
    probe = {"tensorflow": _tensorflow_accelerator, "jax": _jax_accelerator, "torch": _torch_accelerator}.get(
        backend
    )
    if probe is None:
        return None
    try:
        return probe()
    except Exception as error:  # pragma: no cover - a broken driver must not break training
        warnings.warn(f"Could not query the accelerator ({error}); assuming a CPU.", stacklevel=2)
        return None


def auto_policy() -> str:
    """Return the mixed-precision policy that suits this machine.

    ``"mixed_bfloat16"`` on TPUs and on GPUs of compute capability 8.0 or
    newer (A100, H100, RTX 30xx...), ``"mixed_float16"`` on older GPUs (V100,
    T4: no fast bfloat16), ``"float32"`` on CPUs. The accelerator is asked
    through the active backend only.

    Returns:
        A policy name for :func:`policy` or ``keras.config.set_dtype_policy``.

    Example:

    >>> from kerasdl.mixed_precision import auto_policy
    >>> auto_policy() in ("float32", "mixed_float16", "mixed_bfloat16")
    True
    """
    found = detect_accelerator()
    if found is None:
        return "float32"
    kind, capability = found
    if kind == "tpu":
        return "mixed_bfloat16"
    if capability is None:
        return "mixed_float16"
    return _capability_policy(*capability)


def _output_dtypes(model: keras.Model) -> list[tuple[str, str]]:
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        outputs = None
    if outputs:
        names = list(getattr(model, "output_names", None) or [])
        if len(names) != len(outputs):
            names = [getattr(t, "name", f"output_{i}") for i, t in enumerate(outputs)]
        return [(name, str(t.dtype)) for name, t in zip(names, outputs)]
    parts = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    if parts:
        return [(f"{p.name}/{name}", dtype) for p in parts for name, dtype in _output_dtypes(p)]
    if model.layers:
        last = model.layers[-1]
        return [(last.name, str(last.compute_dtype))]
    return []


def check_float32_outputs(model: keras.Model) -> list[str]:
    """Warn when a model's outputs are computed in float16/bfloat16; return the offending names.

    A softmax or sigmoid computed in 16 bits loses precision and can overflow;
    the Keras mixed-precision guide recommends a final float32 layer, for
    example ``layers.Activation("softmax", dtype="float32")``. Models without
    symbolic outputs (a GAN) are checked through their sub-models.

    Args:
        model: A built model.

    Returns:
        The names of outputs that are not float32 (empty when all are).

    Example:

    >>> import warnings, keras
    >>> from kerasdl.mixed_precision import check_float32_outputs, policy
    >>> with policy("mixed_bfloat16"):
    ...     inputs = keras.Input((4,))
    ...     logits = keras.layers.Dense(3)(inputs)
    ...     model = keras.Model(inputs, keras.layers.Activation("softmax", dtype="float32")(logits))
    >>> check_float32_outputs(model)
    []
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model. Received: model of type {type(model).__name__}")
    bad = [name for name, dtype in _output_dtypes(model) if dtype in ("float16", "bfloat16")]
    if bad:
        warnings.warn(
            f"Model {model.name!r} computes its outputs {bad} in 16-bit floats. Under mixed precision "
            "end the model with a float32 layer, e.g. `layers.Activation('softmax', dtype='float32')` "
            "so losses are computed in float32.",
            UserWarning,
            stacklevel=2,
        )
    return bad


__all__ = ["COMMON_POLICIES", "auto_policy", "check_float32_outputs", "detect_accelerator", "policy"]
