"""The bound on the arrays :mod:`kerasdl.text` allocates from sizes its caller chooses (private).

``make_ngram_sequences(max_len=10**9)`` or ``embedding_matrix(num_words=10**9)``
would ask NumPy for gigabytes and get the interpreter killed by the
operating system, with no message. The size is computed first and refused
with a clear error past ``KERASDL_MAX_ARRAY_BYTES`` bytes (2 GiB by default).
"""

from __future__ import annotations

import os

#: Environment variable holding the largest array, in bytes, built from a caller's sizes.
MAX_ARRAY_BYTES_ENV = "KERASDL_MAX_ARRAY_BYTES"
#: Its default: 2 GiB, about ten times the one-hot n-grams of the course's largest corpus.
DEFAULT_MAX_ARRAY_BYTES = 2 << 30


def max_array_bytes() -> int:
    """The bound in force: ``$KERASDL_MAX_ARRAY_BYTES``, else ``DEFAULT_MAX_ARRAY_BYTES``."""
    value = os.environ.get(MAX_ARRAY_BYTES_ENV)
    if value is None or not value.strip():
        return DEFAULT_MAX_ARRAY_BYTES
    try:
        limit = int(value.strip().replace("_", ""))
    except ValueError:
        limit = -1
    if limit < 0:
        raise ValueError(
            f"The environment variable {MAX_ARRAY_BYTES_ENV} must be a number of bytes, such as "
            f"{8 << 30} for 8 GiB. Received: {MAX_ARRAY_BYTES_ENV}={value!r}"
        )
    return limit


def check_array_bytes(num_bytes: int, what: str, fix: str, received: str) -> None:
    """Raise ``ValueError`` if ``what`` (``num_bytes`` bytes) exceeds the bound; ``fix`` says what to do."""
    limit = max_array_bytes()
    if num_bytes > limit:
        raise ValueError(
            f"{what} would take {num_bytes:,} bytes ({num_bytes / 2**30:.1f} GiB), more than the limit of "
            f"{limit:,} bytes. {fix} If you really mean it, set the environment variable "
            f"{MAX_ARRAY_BYTES_ENV} to a larger number of bytes. Received: {received}"
        )
