"""Unpickling data set files of NumPy arrays without running code or trusting their sizes (private).

The CIFAR batches and the ragged arrays of ``imdb.npz`` are pickles, and a
pickle is a program: ``pickle.load`` imports and calls whatever it names. The
unpickler here admits only the NumPy array machinery, and checks even that:
NumPy's ``ndarray.__setstate__`` trusts the shape it is handed (an object
array whose state declares more elements than its list holds crashes the
interpreter) and ``ndarray(shape)`` allocates whatever it is asked. So
``numpy.ndarray`` can only be named, never called; ``_reconstruct`` returns a
placeholder; and every array state is checked against the data it carries
before NumPy builds the array.
"""

from __future__ import annotations

import codecs
import io
import math
import pickle
from typing import Any

import numpy as np


class UnsafePickleError(ValueError, pickle.UnpicklingError):
    """A data set pickle asks for more than NumPy arrays, or its arrays do not add up.

    Both a ``ValueError`` (what the loaders raise for a bad file) and a
    ``pickle.UnpicklingError`` (what it is).
    """


class _NDArrayName:
    """What ``numpy.ndarray`` resolves to: a name ``_reconstruct`` accepts, not a callable."""

    def __repr__(self) -> str:
        return "numpy.ndarray"


_NDARRAY = _NDArrayName()


class _PendingArray:
    """Stands for an array between its ``_reconstruct`` and its (checked) ``BUILD``."""

    __slots__ = ("array",)

    def __init__(self) -> None:
        self.array: np.ndarray | None = None

    def __setstate__(self, state: Any) -> None:
        self.array = _build_array(state)


def _reconstruct(subtype: Any, shape: Any, dtype: Any) -> _PendingArray:
    # NumPy always pickles arrays as ``_reconstruct(ndarray, (0,), b'b')`` followed by BUILD.
    if subtype is not _NDARRAY or shape != (0,):
        raise UnsafePickleError(
            f"Refusing `_reconstruct({subtype!r}, {shape!r}, ...)`: NumPy pickles an array as "
            "`_reconstruct(ndarray, (0,), ...)` and fills it from its state."
        )
    return _PendingArray()


def _resolve(value: Any) -> Any:
    if isinstance(value, _PendingArray):
        if value.array is None:
            raise UnsafePickleError("An array was created but never filled (its state is missing).")
        return value.array
    return value


def _check_dtype(dtype: Any) -> np.dtype:
    if not isinstance(dtype, np.dtype) or dtype.fields is not None or dtype.subdtype is not None:
        raise UnsafePickleError(
            f"Refusing an array of dtype {dtype!r}: only plain NumPy scalar dtypes are allowed."
        )
    if dtype.hasobject and dtype != np.dtype(object):
        raise UnsafePickleError(f"Refusing an array of dtype {dtype!r}.")
    return dtype


def _check_shape(shape: Any) -> int:
    if not isinstance(shape, tuple) or not all(type(d) is int and d >= 0 for d in shape):
        raise UnsafePickleError(f"An array shape must be a tuple of integers >= 0. Received: {shape!r}")
    return math.prod(shape)


def _build_array(state: Any) -> np.ndarray:
    """Check ``ndarray.__setstate__``'s ``state`` against its data, then let NumPy build the array."""
    if not isinstance(state, tuple) or len(state) not in (4, 5) or (len(state) == 5 and state[0] != 1):
        raise UnsafePickleError(
            "An array state must be NumPy's (1, shape, dtype, fortran, data). Received: "
            f"{type(state).__name__}"
        )
    shape, dtype, fortran, data = state[-4:]
    count = _check_shape(shape)
    dtype = _check_dtype(dtype)
    if not isinstance(fortran, bool):
        raise UnsafePickleError(f"An array's Fortran-order flag must be a bool. Received: {fortran!r}")
    if dtype.hasobject:
        if not isinstance(data, list) or len(data) != count:
            held = len(data) if isinstance(data, list) else type(data).__name__
            raise UnsafePickleError(
                f"An object array declares shape {shape} ({count:,} elements) but holds {held} elements."
            )
        data = [_resolve(item) for item in data]
    elif not isinstance(data, (bytes, bytearray)) or len(data) != count * dtype.itemsize:
        held = len(data) if isinstance(data, (bytes, bytearray)) else type(data).__name__
        raise UnsafePickleError(
            f"An array declares shape {shape} of {dtype} ({count * dtype.itemsize:,} bytes) but holds "
            f"{held} bytes."
        )
    array = np.empty(0, dtype=np.int8)
    array.__setstate__((shape, dtype, fortran, data))  # type: ignore[arg-type]
    return array


def _frombuffer(buffer: Any, dtype: Any, shape: Any, order: Any) -> np.ndarray:
    """NumPy's protocol-5 array constructor, with the buffer size checked first."""
    dtype = _check_dtype(dtype)
    count = _check_shape(shape)
    if dtype.hasobject or not isinstance(buffer, (bytes, bytearray)) or len(buffer) != count * dtype.itemsize:
        raise UnsafePickleError(f"An array buffer does not match its shape {shape} and dtype {dtype}.")
    if order not in ("C", "F"):
        raise UnsafePickleError(f"An array order must be 'C' or 'F'. Received: {order!r}")
    return np.frombuffer(buffer, dtype=dtype).reshape(shape, order=order)


def _codecs_encode(text: Any, encoding: Any = "utf-8", errors: Any = "strict") -> bytes:
    """``_codecs.encode`` as protocol-2 pickles use it: ``str`` to Latin-1 ``bytes``, nothing else."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1") or errors != "strict":
        raise UnsafePickleError(
            f"Refusing `_codecs.encode(..., {encoding!r})`: only Latin-1 text is allowed."
        )
    return codecs.encode(text, "latin1")


_GLOBALS: dict[tuple[str, str], Any] = {
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("_codecs", "encode"): _codecs_encode,
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _GLOBALS[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"Refusing to load `{module}.{name}`: only NumPy arrays are allowed in a data set file."
            ) from None


def restricted_loads(data: bytes, source: str, *, encoding: str = "ASCII") -> Any:
    """Unpickle ``data`` (the bytes of ``source``), admitting NumPy arrays and plain containers only.

    Returns the object, with every array built (a top-level array, or the
    values of a top-level dict).

    Raises:
        UnsafePickleError: naming ``source``, for a refused global, an array
            whose declared size does not match its data, or a corrupt or
            truncated pickle.
    """
    try:
        value = _Unpickler(io.BytesIO(data), encoding=encoding).load()
        if isinstance(value, dict):
            return {key: _resolve(item) for key, item in value.items()}
        return _resolve(value)
    except UnsafePickleError as error:
        raise UnsafePickleError(
            f"{source!r}: {error} The file is corrupt or malicious; download it again."
        ) from None
    except Exception as error:  # EOFError, UnpicklingError, TypeError, MemoryError, ... of a bad pickle
        raise UnsafePickleError(
            f"{source!r} is not a valid pickle (corrupt or truncated: {type(error).__name__}: {error}). "
            "Delete it and download the data set again."
        ) from error
