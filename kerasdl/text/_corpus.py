"""A corpus as one flat token list plus document numbers: the Tokenizer's fast core (private).

Counting and converting work on the whole corpus at once: the tokens are
numbered with one dictionary pass, then counts (``np.bincount``), document
frequencies (``np.unique`` of ``(document, word)`` pairs) and the per-document
id lists are computed with NumPy. Documents are delimited either by marker
tokens (the joined fast path of :mod:`kerasdl.text._textops`) or by lengths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

import numpy as np

from kerasdl.text import _textops


@dataclass
class Corpus:
    """Tokens of ``n_docs`` documents.

    Attributes:
        tokens: All tokens, in order.
        n_docs: Number of documents.
        marker: The token separating documents in ``tokens``, or ``None``
            when ``lengths`` gives the number of tokens of each document.
        lengths: Tokens per document (when ``marker`` is ``None``).
        drop_empty: Whether ``""`` tokens are splitting artefacts to ignore.
        text: For character tokens, the joined text itself (``tokens`` is
            then empty: the characters are numbered with NumPy).
    """

    tokens: list[str]
    n_docs: int
    marker: str | None = None
    lengths: np.ndarray | None = None
    drop_empty: bool = False
    text: str | None = None

    @classmethod
    def from_lists(cls, token_lists: Sequence[Any], drop_empty: bool = False) -> Corpus:
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        return cls(list(chain.from_iterable(token_lists)), len(token_lists), None, lengths, drop_empty)

    def doc_index(self, is_marker: np.ndarray | None) -> np.ndarray:
        """The document number of every token (markers get the next document's)."""
        if self.marker is None:
            assert self.lengths is not None
            return np.repeat(np.arange(self.n_docs), self.lengths)
        assert is_marker is not None
        return np.cumsum(is_marker)


def joined_corpus(
    texts: Sequence[str], *, filters: str, lower: bool, split: str, char_level: bool
) -> Corpus | None:
    """Tokenize all texts at once (legacy semantics); ``None`` if no separator character is free."""
    if char_level:
        found = _textops.find_separator(texts, "")
        if found is None:
            return None
        sep, joined = found
        if lower:
            joined = joined.lower()
        return Corpus([], len(texts), marker=sep, text=joined)
    if len(split) != 1:  # a multi-character split can straddle the markers
        return None
    found = _textops.find_separator(texts, filters + split)
    if found is None:
        return None
    sep, joined = found
    if lower:
        joined = joined.lower()
    joined = _textops.translate(joined, filters, split)
    tokens = joined.replace(sep, f"{split}{sep}{split}").split(split)
    return Corpus(tokens, len(texts), marker=sep, drop_empty=True)


@dataclass
class Numbered:
    """A corpus numbered by first appearance: ``keys[ids[i]] == tokens[i]``."""

    keys: list[str]
    ids: np.ndarray
    corpus: Corpus

    @classmethod
    def of(cls, corpus: Corpus) -> Numbered:
        if corpus.text is not None:
            return cls._of_characters(corpus)
        keys = list(dict.fromkeys(corpus.tokens))
        number = dict(zip(keys, range(len(keys))))
        ids = np.fromiter(map(number.__getitem__, corpus.tokens), dtype=np.int64, count=len(corpus.tokens))
        corpus.tokens = []  # the ids replace them; free the strings
        return cls(keys, ids, corpus)

    @classmethod
    def _of_characters(cls, corpus: Corpus) -> Numbered:
        text = corpus.text
        assert text is not None
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        present = np.flatnonzero(np.bincount(codes)) if len(codes) else np.zeros(0, np.int64)
        first = np.array([text.index(chr(c)) for c in present.tolist()], dtype=np.int64)
        ordered = present[np.argsort(first, kind="stable")]
        lut = np.zeros(int(present.max(initial=0)) + 1, dtype=np.int64)
        lut[ordered] = np.arange(len(ordered))
        corpus.text = None
        return cls([chr(c) for c in ordered.tolist()], lut[codes], corpus)

    def _skip(self) -> np.ndarray:
        """Mask of tokens that are not words (document markers, splitting artefacts)."""
        skip = np.zeros(len(self.ids), dtype=bool)
        for special, wanted in ((self.corpus.marker, True), ("", self.corpus.drop_empty)):
            if special is not None and wanted:
                try:
                    skip |= self.ids == self.keys.index(special)
                except ValueError:
                    pass
        return skip

    def counts(self) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """``(word, count)`` and ``(word, documents)`` in first-appearance order."""
        n_keys = len(self.keys)
        is_marker = (
            self.ids == self.keys.index(self.corpus.marker)
            if self.corpus.marker is not None and self.corpus.marker in self.keys
            else np.zeros(len(self.ids), dtype=bool)
        )
        docs = self.corpus.doc_index(is_marker)
        keep = ~self._skip()
        ids, docs = self.ids[keep], docs[keep]
        counts = np.bincount(ids, minlength=n_keys).tolist()
        pairs = np.sort(docs * n_keys + ids)  # sort + diff: far faster than np.unique's hash table here
        if len(pairs):
            pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
        doc_counts = np.bincount(pairs % n_keys, minlength=n_keys).tolist()
        words = [(w, c) for w, c in zip(self.keys, counts) if c]
        doc_words = [(w, c) for w, c in zip(self.keys, doc_counts) if c]
        return words, doc_words


def convert(
    corpus: Corpus, table: dict[str, int], default: int, numbered: Numbered | None = None
) -> list[list[int]]:
    """Per-document lists of ``table[token]`` (``default`` if absent); ids <= 0 are dropped.

    ``table`` must not map words to ids < 1 except to drop them (0).
    """
    table = dict(table)
    if corpus.drop_empty:
        table[""] = 0
    if corpus.marker is not None:
        table[corpus.marker] = -1
    if numbered is None and corpus.text is not None:
        numbered = Numbered.of(corpus)
    if numbered is not None:
        keys = numbered.keys
        lut = np.fromiter(map(table.get, keys, repeat(default)), dtype=np.int64, count=len(keys))
        ids = lut[numbered.ids] if len(numbered.ids) else np.zeros(0, np.int64)
    else:
        tokens = corpus.tokens
        ids = np.fromiter(map(table.get, tokens, repeat(default)), dtype=np.int64, count=len(tokens))
    is_marker = ids == -1 if corpus.marker is not None else None
    docs = corpus.doc_index(is_marker)
    keep = ids > 0
    values = ids[keep].tolist()
    bounds = np.concatenate([[0], np.cumsum(np.bincount(docs[keep], minlength=corpus.n_docs))]).tolist()
    return [values[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
