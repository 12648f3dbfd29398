"""Argument checks with the house error format.

Every message names the argument, says what was expected and how to fix it,
and ends with what was received, as Keras does::

    `num_classes` must be a positive integer. Received: num_classes=0
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Literal, overload


@overload
def check_positive_int(value: Any, name: str, *, allow_none: Literal[False] = False) -> int: ...


@overload
def check_positive_int(value: Any, name: str, *, allow_none: bool) -> int | None: ...


def check_positive_int(value: Any, name: str, *, allow_none: bool = False) -> int | None:
    """Return ``value`` if it is an integer >= 1, else raise a clear error.

    Args:
        value: The value to check.
        name: The argument's name, used in the message.
        allow_none: Whether ``None`` is accepted (and returned). Defaults to
            ``False``.

    Returns:
        ``value`` as a Python ``int`` (or ``None``).

    Raises:
        TypeError: If ``value`` is not an integer (booleans are refused).
        ValueError: If ``value`` is smaller than 1.

    Example:

    >>> check_positive_int(3, "num_classes")
    3
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be a positive integer"
            + (" or None" if allow_none else "")
            + f". Received: {name}={value!r} of type {type(value).__name__}"
        )
    if value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def check_probability(value: Any, name: str, *, inclusive_high: bool = False) -> float:
    """Return ``value`` as a float in ``[0, 1)`` (or ``[0, 1]``), else raise.

    Example:

    >>> check_probability(0.25, "dropout")
    0.25
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number. Received: {name}={value!r}")
    number = float(value)
    high_ok = number <= 1 if inclusive_high else number < 1
    if not (0 <= number and high_ok):
        bound = "]" if inclusive_high else ")"
        raise ValueError(f"`{name}` must be in [0, 1{bound}. Received: {name}={value!r}")
    return float(value)


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, else list the valid ones.

    Strings are compared case-insensitively and returned lower-cased.

    Example:

    >>> check_choice("Max", "pooling", ("average", "max"))
    'max'
    """
    choices = tuple(choices)
    candidate = value.lower() if isinstance(value, str) else value
    if candidate not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {valid}. Received: {name}={value!r}")
    return candidate


def check_shape(
    value: Any,
    name: str,
    *,
    rank: int | Sequence[int] | None = None,
    example: str | None = None,
) -> tuple[int, ...]:
    """Return ``value`` as a tuple of positive ints, checking its length.

    Args:
        value: A shape such as ``(28, 28, 1)``.
        name: The argument's name, used in the message.
        rank: The accepted length(s) of the shape, or ``None`` for any.
            Defaults to ``None``.
        example: A valid example shown in the message. Defaults to ``None``.

    Example:

    >>> check_shape([32, 32, 3], "input_shape", rank=3)
    (32, 32, 3)
    """
    hint = f" such as {example}" if example else ""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(
            f"`{name}` must be a tuple of positive integers{hint}. Received: {name}={value!r}"
        )
    dims = tuple(value)
    if not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and int(d) >= 1 for d in dims
    ):
        raise ValueError(
            f"`{name}` must be a tuple of positive integers{hint}. Received: {name}={value!r}"
        )
    if rank is not None:
        ranks = (rank,) if isinstance(rank, int) else tuple(rank)
        if len(dims) not in ranks:
            want = " or ".join(str(r) for r in ranks)
            raise ValueError(
                f"`{name}` must have {want} dimensions{hint}. "
                f"Received: {name}={value!r} ({len(dims)} dimensions)"
            )
    return tuple(int(d) for d in dims)
