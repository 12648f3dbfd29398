"""Fast text splitting shared by :class:`~kerasdl.text.Tokenizer` (private).

The legacy Keras tokenizer lower-cases, translates and splits every document
on its own and rebuilds its translation table for each one. Here the whole
corpus is joined with a separator character that occurs in no document, then
lower-cased and translated in one C call (through ``bytes.translate`` when the
filters are ASCII: ASCII bytes never occur inside a multi-byte UTF-8
sequence), then split back. The result is identical to the per-document work:
Python's only context-dependent lower-casing rule (the Greek final sigma)
stops at a control character exactly as it stops at the end of a string.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

#: The legacy Keras default ``filters``: ASCII punctuation, tab and newline.
DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

# Separators tried in turn to join documents; each must be absent from the corpus.
_SEPARATORS = ("\x00", "\x01", "\x02", "\x03", "\x04", "\x05", "\x06", "\x07", "\x08")


@functools.lru_cache(maxsize=64)
def str_table(filters: str, split: str) -> dict[int, str]:
    """The ``str.translate`` table mapping every filter character to ``split``."""
    return str.maketrans({c: split for c in filters})


@functools.lru_cache(maxsize=64)
def bytes_table(filters: str, split: str) -> bytes | None:
    """A ``bytes.translate`` table, or ``None`` when a character is not ASCII."""
    if not (filters.isascii() and split.isascii() and len(split) == 1):
        return None
    unique = "".join(dict.fromkeys(filters))
    return bytes.maketrans(unique.encode("ascii"), split.encode("ascii") * len(unique))


def translate(text: str, filters: str, split: str) -> str:
    """Replace every character of ``filters`` in ``text`` by ``split``."""
    if not filters:
        return text
    table = bytes_table(filters, split)
    if table is not None:
        if text.isascii():
            return text.encode("ascii").translate(table).decode("ascii")
        return text.encode("utf-8", "surrogatepass").translate(table).decode("utf-8", "surrogatepass")
    return text.translate(str_table(filters, split))


def find_separator(texts: Sequence[str], avoid: str) -> tuple[str, str] | None:
    """Join ``texts`` with a character absent from all of them (and from ``avoid``).

    Returns ``(separator, joined)``, or ``None`` if every candidate occurs.
    """
    if not texts:
        return None
    for sep in _SEPARATORS:
        if sep in avoid:
            continue
        joined = sep.join(texts)
        if joined.count(sep) == len(texts) - 1:
            return sep, joined
    return None


def text_to_word_sequence(
    input_text: str,
    filters: str = DEFAULT_FILTERS,
    lower: bool = True,
    split: str | Callable[[str], list[str]] = " ",
) -> list[str]:
    """Split a text into words exactly as the legacy Keras function does.

    The text is lower-cased (if ``lower``), every character of ``filters`` is
    replaced by the split string, the text is split on it and empty strings
    are dropped. Hangul, accented letters and other scripts are kept as they
    are; only the characters in ``filters`` (ASCII punctuation, tab and
    newline by default) separate words, so ``"\\u3000"`` (the ideographic
    space), ``"\\xa0"`` and ``"\\r"`` do not: add them to ``filters`` if your
    text uses them.

    Args:
        input_text: The text.
        filters: Characters to remove (replaced by the split string).
            Defaults to ``DEFAULT_FILTERS`` (ASCII punctuation, tab, newline).
        lower: Whether to lower-case the text first. Defaults to ``True``.
        split: The word separator, or a callable ``str -> list[str]`` (for
            example a morphological analyser's ``morphs``) applied after
            lower-casing and filtering. Defaults to ``" "``.

    Returns:
        The list of words.

    Raises:
        TypeError: If ``input_text`` is not a string or ``split`` is neither a
            string nor a callable.

    Example:

    >>> from kerasdl.text import text_to_word_sequence
    >>> text_to_word_sequence("Hello, World! 안녕하세요, 세계.")
    ['hello', 'world', '안녕하세요', '세계']
    """
    if not isinstance(input_text, str):
        raise TypeError(
            "`input_text` must be a string. "
            f"Received: input_text={input_text!r} of type {type(input_text).__name__}"
        )
    split = check_split(split)
    filters = check_filters(filters)
    if lower:
        input_text = input_text.lower()
    if callable(split):
        return [w for w in split(translate(input_text, filters, " ")) if w]
    return [w for w in translate(input_text, filters, split).split(split) if w]


def check_split(split: object) -> str | Callable[[str], list[str]]:
    """Validate ``split``: a non-empty string or a callable."""
    if callable(split):
        return split
    if not isinstance(split, str):
        raise TypeError(
            "`split` must be a string (such as ' ') or a callable returning a list of tokens. "
            f"Received: split={split!r} of type {type(split).__name__}"
        )
    if not split:
        raise ValueError("`split` must not be an empty string; use ' ' for words. Received: split=''")
    return split


def check_filters(filters: object) -> str:
    """Validate ``filters``: a string of characters (``None`` means none)."""
    if filters is None:
        return ""
    if not isinstance(filters, str):
        raise TypeError(
            "`filters` must be a string of characters to remove, such as '!?.,'. "
            f"Received: filters={filters!r} of type {type(filters).__name__}"
        )
    return filters
