"""Small shared helpers: argument validation, atomic file writes, backends."""

from kerasdl.utils.backend import backend_name, require_tensorflow
from kerasdl.utils.io import atomic_write, atomic_write_bytes, atomic_write_text, remove_stale_temporaries
from kerasdl.utils.seed import set_seed
from kerasdl.utils.validation import (
    check_choice,
    check_positive_int,
    check_probability,
    check_shape,
)

__all__ = [
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "backend_name",
    "check_choice",
    "check_positive_int",
    "check_probability",
    "check_shape",
    "remove_stale_temporaries",
    "require_tensorflow",
    "set_seed",
]
