"""The Keras 2 ``Tokenizer``, rebuilt: same numbers, same JSON, faster, any backend."""

from __future__ import annotations

import collections
import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, repeat
from operator import is_not, itemgetter
from typing import Any

import numpy as np

from kerasdl.text import _corpus
from kerasdl.text._textops import DEFAULT_FILTERS, check_filters, check_split, text_to_word_sequence
from kerasdl.utils.validation import check_choice, check_positive_int

#: The ``mode`` values of :meth:`Tokenizer.sequences_to_matrix`.
MATRIX_MODES = ("binary", "count", "tfidf", "freq")

# Below this many texts the per-word path is faster than building a lookup table.
_SMALL = 64
# texts_to_sequences_generator works through the texts in chunks of this size.
_CHUNK = 2048
# The token ids of the last fit are kept for a following conversion up to this many tokens.
_CACHE_TOKENS = 50_000_000
# sequences_to_texts: an id that shows nothing, and one whose oov word is missing.
_DROP = object()
_MISSING = object()


class Tokenizer:
    """Turn texts into sequences of word ids, exactly as Keras 2's ``Tokenizer``.

    A drop-in replacement for ``tf.keras.preprocessing.text.Tokenizer``
    (removed in Keras 3): same arguments, methods, attributes and JSON, and the
    same numbers. Words are indexed by decreasing count, ties by first
    appearance; index 0 is never assigned; ``oov_token`` (if given) takes
    index 1; ``num_words`` only limits the conversions, not ``word_index``.
    It is pure Python and NumPy, so it works on every Keras backend, and it
    splits and counts the whole corpus at once, several times faster than
    the legacy class.

    Texts are lower-cased, the ``filters`` characters are replaced by
    ``split`` and the text is split on it, so Hangul, accented letters and
    mixed scripts are kept whole (``"Keras는 좋다"`` gives ``keras는`` and
    ``좋다``). ``split`` may also be a callable such as a Korean morphological
    analyser's ``morphs``, applied after lower-casing and filtering.

    Args:
        num_words: Keep only the ``num_words - 1`` most frequent words when
            converting (ids ``>= num_words`` become ``oov_token`` or are
            dropped); ``None`` keeps all. Defaults to ``None``.
        filters: Characters removed from the texts. Defaults to ASCII
            punctuation, tab and newline (``DEFAULT_FILTERS``).
        lower: Whether to lower-case the texts. Defaults to ``True``.
        split: Word separator string, or a callable ``str -> list[str]``.
            Defaults to ``" "``.
        char_level: If ``True``, every character is a token (``filters`` is
            not applied, as in Keras 2). Defaults to ``False``.
        oov_token: If given, it gets index 1 and replaces out-of-vocabulary
            words in :meth:`texts_to_sequences`; otherwise they are dropped.
            Defaults to ``None``.
        analyzer: A callable ``str -> list[str]`` that replaces lower-casing,
            filtering and splitting entirely (Keras 2 semantics). Defaults to
            ``None``.
        document_count: Initial number of documents seen (used by
            ``tokenizer_from_json``). Defaults to ``0``.

    Raises:
        ValueError: If ``num_words < 1`` or ``document_count < 0``.
        TypeError: If an argument has the wrong type.

    Example:

    >>> from kerasdl.text import Tokenizer
    >>> sentences = ["I love my dog.", "I love my cat.", "You love my dog!",
    ...              "Do you think my dog is amazing?"]
    >>> tokenizer = Tokenizer(num_words=100, oov_token="<OOV>")
    >>> tokenizer.fit_on_texts(sentences)
    >>> list(tokenizer.word_index)[:5]
    ['<OOV>', 'my', 'love', 'dog', 'i']
    >>> tokenizer.texts_to_sequences(["I really love my dog"])
    [[5, 1, 3, 2, 4]]
    """

    def __init__(
        self,
        num_words: int | None = None,
        filters: str = DEFAULT_FILTERS,
        lower: bool = True,
        split: str | Callable[[str], list[str]] = " ",
        char_level: bool = False,
        oov_token: str | None = None,
        analyzer: Callable[[str], list[str]] | None = None,
        document_count: int = 0,
        **kwargs: Any,
    ) -> None:
        if "nb_words" in kwargs:
            warnings.warn("The `nb_words` argument of `Tokenizer` is now `num_words`.", stacklevel=2)
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(
                "Unrecognized keyword arguments for `Tokenizer`. Valid ones: num_words, filters, lower, "
                f"split, char_level, oov_token, analyzer, document_count. Received: {kwargs}"
            )
        self.num_words = check_positive_int(num_words, "num_words", allow_none=True)
        self.filters = check_filters(filters)
        self.split = check_split(split)
        self.lower = bool(lower)
        self.char_level = bool(char_level)
        if oov_token is not None and not isinstance(oov_token, str):
            raise TypeError(
                "`oov_token` must be a string such as '<OOV>' or None. "
                f"Received: oov_token={oov_token!r} of type {type(oov_token).__name__}"
            )
        self.oov_token = oov_token
        if analyzer is not None and not callable(analyzer):
            raise TypeError(
                "`analyzer` must be a callable returning a list of tokens, or None. "
                f"Received: analyzer={analyzer!r}"
            )
        self.analyzer = analyzer
        if isinstance(document_count, bool) or not isinstance(document_count, (int, np.integer)):
            raise TypeError(f"`document_count` must be an integer >= 0. Received: {document_count=}")
        if document_count < 0:
            raise ValueError(f"`document_count` must be an integer >= 0. Received: {document_count=}")
        self.document_count = int(document_count)
        self.word_counts: collections.OrderedDict[str, int] = collections.OrderedDict()
        self.word_docs: collections.defaultdict[str, int] = collections.defaultdict(int)
        self.index_docs: collections.defaultdict[int, int] = collections.defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}
        self._last_fit: tuple[list[Any], tuple[Any, ...], _corpus.Numbered] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_last_fit"] = None  # a cache, not state: never pickled
        return state

    def __repr__(self) -> str:
        return (
            f"Tokenizer(num_words={self.num_words!r}, oov_token={self.oov_token!r}, "
            f"char_level={self.char_level}, vocabulary={len(self.word_index)} words, "
            f"documents={self.document_count})"
        )

    # ------------------------------------------------------------------ splitting
    def _tokens_one(self, text: Any, where: str) -> list[str] | str:
        """The tokens of one item (legacy semantics), with a clear error for bad items."""
        if isinstance(text, (list, tuple)):
            for j, token in enumerate(text):
                if not isinstance(token, str):
                    raise TypeError(
                        f"Pre-tokenized documents must hold strings. "
                        f"Received: {where}[{j}]={token!r} of type {type(token).__name__}"
                    )
            return [t.lower() for t in text] if self.lower else list(text)
        if not isinstance(text, str):
            raise TypeError(
                "`texts` must be a list of strings (or of lists of token strings). "
                f"Received: {where}={text!r} of type {type(text).__name__}"
            )
        if self.char_level:
            return text.lower() if self.lower else text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def _config_key(self) -> tuple[Any, ...]:
        return (self.filters, self.lower, self.split, self.char_level, self.analyzer)

    def _corpus(self, texts: Sequence[Any], name: str) -> _corpus.Corpus:
        """Tokenize ``texts``: all at once when they are plain strings, else one by one."""
        plain = self.analyzer is None and not callable(self.split)
        if plain and len(texts) >= _SMALL and all(isinstance(t, str) for t in texts):
            corpus = _corpus.joined_corpus(
                texts, filters=self.filters, lower=self.lower, split=self.split,  # type: ignore[arg-type]
                char_level=self.char_level,
            )
            if corpus is not None:
                return corpus
        return _corpus.Corpus.from_lists([self._tokens_one(t, f"{name}[{i}]") for i, t in enumerate(texts)])

    @staticmethod
    def _as_list(texts: Any, name: str) -> Sequence[Any]:
        if isinstance(texts, (str, bytes)):
            raise TypeError(
                f"`{name}` must be a list of texts, not a single string: wrap it in a list, "
                f"e.g. tokenizer.fit_on_texts([text]). Received: {name}={texts[:40]!r}"
            )
        if not isinstance(texts, Iterable):
            raise TypeError(f"`{name}` must be a list of strings. Received: {name}={texts!r}")
        return texts if isinstance(texts, list) else list(texts)

    # -------------------------------------------------------------------- fitting
    def fit_on_texts(self, texts: Iterable[str | list[str]]) -> None:
        """Update the vocabulary from a list of texts (or of token lists).

        Counts accumulate over calls; ``word_index`` is rebuilt each time.

        Args:
            texts: Strings, or lists of token strings (pre-tokenized).

        Raises:
            TypeError: If ``texts`` is a single string or holds a non-string.
            ValueError: If ``texts`` is empty.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat", "the dog"])
        >>> tokenizer.word_index
        {'the': 1, 'cat': 2, 'dog': 3}
        """
        texts = self._as_list(texts, "texts")
        if len(texts) == 0:
            raise ValueError(
                "`texts` is empty: pass at least one text to fit the vocabulary on. Received: texts=[]"
            )
        numbered = _corpus.Numbered.of(self._corpus(texts, "texts"))
        counts, docs = numbered.counts()
        # Kept until the next conversion: converting the texts just fitted on (the
        # course's fit_on_texts(x); texts_to_sequences(x)) then skips re-tokenizing.
        cacheable = numbered.corpus.marker is not None and len(numbered.ids) <= _CACHE_TOKENS
        self._last_fit = (list(texts), self._config_key(), numbered) if cacheable else None
        self.document_count += len(texts)
        word_counts = self.word_counts
        for word, count in counts:
            word_counts[word] = word_counts.get(word, 0) + count
        word_docs = self.word_docs
        for word, count in docs:
            word_docs[word] += count
        self._build_index()

    def _build_index(self) -> None:
        ordered = sorted(self.word_counts.items(), key=itemgetter(1), reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(word for word, _ in ordered)
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        for word, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences: Iterable[Sequence[int]]) -> None:
        """Update ``index_docs`` and ``document_count`` from id sequences (for tf-idf).

        Args:
            sequences: Lists of word ids.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_sequences([[1, 2, 2], [2, 3]])
        >>> dict(tokenizer.index_docs), tokenizer.document_count
        ({1: 1, 2: 2, 3: 1}, 2)
        """
        sequences = self._as_list(sequences, "sequences")
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    # ----------------------------------------------------------------- converting
    def _never_fitted(self) -> bool:
        """No vocabulary and no document seen: ``fit_on_texts`` was never called."""
        return not self.word_index and not self.document_count

    def _check_fitted(self) -> None:
        """Raise if the tokenizer was never fitted.

        A tokenizer fitted on texts that held no word (``[""]``, only
        punctuation...) has an empty vocabulary too, but it *was* fitted: as
        in Keras 2 its conversions then return empty sequences.
        """
        if self._never_fitted():
            raise ValueError(
                "This Tokenizer has no vocabulary yet: it was never fitted. Call `fit_on_texts(texts)` "
                "first (or load one with `tokenizer_from_json`). Received: document_count=0, word_index={}"
            )

    def _lookup_table(self) -> tuple[dict[str, int], int]:
        """``word -> id`` after the ``num_words`` cut (0: dropped), and the id of unknown words."""
        num_words = self.num_words
        oov = self.word_index.get(self.oov_token, 0) if self.oov_token is not None else 0
        if num_words:
            items = self.word_index.items()
            return {w: (i if i < num_words else oov) for w, i in items}, oov
        return dict(self.word_index), oov

    def texts_to_sequences(self, texts: Iterable[str | list[str]]) -> list[list[int]]:
        """Convert texts to lists of word ids.

        Args:
            texts: Strings, or lists of token strings.

        Returns:
            One list of ids per text. Unknown words (and words whose id is
            ``>= num_words``) become the ``oov_token`` id, or are dropped. A
            tokenizer fitted on texts without a single word gives empty
            lists, as in Keras 2.

        Raises:
            TypeError: If ``texts`` is a single string or holds a non-string.
            ValueError: If the tokenizer was never fitted.

        Example:

        >>> tokenizer = Tokenizer(oov_token="<OOV>")
        >>> tokenizer.fit_on_texts(["the cat sat", "the dog"])
        >>> tokenizer.texts_to_sequences(["the bird sat"])
        [[2, 1, 4]]
        """
        texts = self._as_list(texts, "texts")
        self._check_fitted()
        if not texts:
            return []
        table, oov = self._lookup_table()
        cached, self._last_fit = self._last_fit, None
        if cached is not None and cached[1] == self._config_key() and cached[0] == texts:
            numbered = cached[2]
            return _corpus.convert(numbered.corpus, table, oov, numbered)
        return _corpus.convert(self._corpus(texts, "texts"), table, oov)

    def texts_to_sequences_generator(self, texts: Iterable[str | list[str]]) -> Iterator[list[int]]:
        """Like :meth:`texts_to_sequences`, but yields one list at a time.

        The texts are read lazily, in chunks, so ``texts`` may be a generator
        over a corpus too large for memory.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["a b", "b"])
        >>> list(tokenizer.texts_to_sequences_generator(iter(["b a", "c"])))
        [[1, 2], []]
        """
        if isinstance(texts, (str, bytes)):
            self._as_list(texts, "texts")
        self._check_fitted()
        chunk: list[Any] = []
        for text in texts:
            chunk.append(text)
            if len(chunk) == _CHUNK:
                yield from self.texts_to_sequences(chunk)
                chunk = []
        if chunk:
            yield from self.texts_to_sequences(chunk)

    def sequences_to_texts(self, sequences: Iterable[Sequence[int]]) -> list[str]:
        """Convert lists of word ids back to space-joined texts.

        Ids without a word (0, unknown ids) are dropped, or shown as the
        ``oov_token`` if there is one, as in Keras 2. A word that is the empty
        string (from pre-tokenized ``[""]``, or ``oov_token=""``) is kept, so
        the spaces around it stay, as in Keras 2.

        Raises:
            ValueError: If an id needs the ``oov_token`` but the tokenizer
                was never fitted (the ``oov_token`` has no id yet).

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat sat", "the dog"])
        >>> tokenizer.sequences_to_texts([[1, 2, 0, 3]])
        ['the cat sat']
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Iterable[Sequence[int]]) -> Iterator[str]:
        """Like :meth:`sequences_to_texts`, but yields one text at a time.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["a b"])
        >>> next(tokenizer.sequences_to_texts_generator([[2, 1]]))
        'b a'
        """
        if isinstance(sequences, (str, bytes)):
            raise TypeError(f"`sequences` must be lists of integer ids. Received: sequences={sequences!r}")
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        # Ids >= num_words show the oov word if the oov_token has an id, else nothing.
        oov_word: Any = self.index_word.get(oov_index, _MISSING) if oov_index is not None else _DROP
        table: dict[Any, Any] = dict(self.index_word)
        if num_words:
            for i in table:
                if i >= num_words:
                    table[i] = oov_word
        # An id without a word shows the oov_token, if there is one. Words are
        # kept even when empty (a pre-tokenized [""] gives ""), as in Keras 2.
        unknown = _DROP if self.oov_token is None else (_MISSING if oov_index is None else oov_word)
        get = table.get
        keep = partial(is_not, _DROP)
        for seq in sequences:
            words = list(filter(keep, map(get, seq, repeat(unknown))))
            if unknown is _MISSING and _MISSING in words:
                self._check_fitted()
                raise ValueError(
                    "`sequences` holds ids without a word, to be shown as the `oov_token`, but the "
                    "oov_token has no word in `index_word`. "
                    f"Received: oov_token={self.oov_token!r}, word_index.get(oov_token)={oov_index!r}"
                )
            yield " ".join(words)

    def texts_to_matrix(self, texts: Iterable[str | list[str]], mode: str = "binary") -> np.ndarray:
        """Convert texts to a ``(len(texts), num_words)`` matrix (bag of words).

        Args:
            texts: Strings, or lists of token strings.
            mode: ``"binary"``, ``"count"``, ``"tfidf"`` or ``"freq"``.
                Defaults to ``"binary"``.

        Returns:
            A float64 NumPy matrix, as in Keras 2.

        Example:

        >>> tokenizer = Tokenizer(num_words=4)
        >>> tokenizer.fit_on_texts(["a a b", "c"])
        >>> tokenizer.texts_to_matrix(["a b a"], mode="count")
        array([[0., 2., 1., 0.]])
        """
        mode = check_choice(mode, "mode", MATRIX_MODES)
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: Iterable[Sequence[int]], mode: str = "binary") -> np.ndarray:
        """Convert id sequences to a ``(len(sequences), num_words)`` matrix.

        Ids ``>= num_words`` are ignored (but count in the length used by
        ``"freq"``, as in Keras 2). ``"tfidf"`` uses ``(1 + log(count)) *
        log(1 + document_count / (1 + index_docs[id]))``.

        Args:
            sequences: Lists of non-negative integer ids (ragged is fine).
            mode: ``"binary"``, ``"count"``, ``"tfidf"`` or ``"freq"``.
                Defaults to ``"binary"``.

        Returns:
            A float64 NumPy matrix.

        Raises:
            ValueError: If ``mode`` is unknown, ``num_words`` is unset and
                the vocabulary is empty (never fitted, or fitted on texts
                without a word: the message says which), an id is negative,
                or ``"tfidf"`` is asked before fitting.

        Example:

        >>> tokenizer = Tokenizer(num_words=3)
        >>> tokenizer.sequences_to_matrix([[1, 1, 2], []])
        array([[0., 1., 1.],
               [0., 0., 0.]])
        """
        mode = check_choice(mode, "mode", MATRIX_MODES)
        if isinstance(sequences, (str, bytes)):
            raise TypeError(f"`sequences` must be lists of integer ids. Received: sequences={sequences!r}")
        try:
            sequences = [list(s) for s in sequences]
        except TypeError as error:
            raise TypeError(
                "`sequences` must be lists of integer word ids (one list per text). "
                f"Received: sequences={str(sequences)[:60]}"
            ) from error
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        elif self.document_count:
            raise ValueError(
                f"This Tokenizer was fitted on {self.document_count} documents but found no word in them, "
                "so its vocabulary is empty and gives no matrix width: pass `num_words` to the Tokenizer, "
                "or fit it on texts that contain words (check `filters`, `split` and `char_level`). "
                "Received: num_words=None, word_index={}"
            )
        else:
            raise ValueError(
                "Specify a dimension (`num_words` argument), or fit on some text data first. "
                "Received: num_words=None"
            )
        if mode == "tfidf" and not self.document_count:
            raise ValueError(
                "Fit the Tokenizer on some data before using tfidf mode. Received: document_count=0"
            )
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        try:
            flat = np.fromiter(chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum()))
        except (TypeError, ValueError) as error:
            raise TypeError(
                "`sequences` must be lists of integer word ids (one flat list per text). "
                f"Received: sequences={str(sequences)[:60]}"
            ) from error
        if flat.size and flat.min() < 0:
            raise ValueError(
                "`sequences` must hold non-negative word ids. "
                f"Received: a sequence containing {int(flat.min())}"
            )
        rows = np.repeat(np.arange(len(sequences)), lengths)
        keep = flat < num_words
        counts = np.zeros((len(sequences), num_words))
        np.add.at(counts, (rows[keep], flat[keep]), 1.0)
        if mode == "count":
            return counts
        if mode == "binary":
            return (counts > 0).astype(np.float64)
        if mode == "freq":
            return counts / np.maximum(lengths, 1)[:, None]
        idf = np.zeros(num_words)
        for j in range(num_words):
            idf[j] = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
        out = np.zeros_like(counts)
        nz = counts > 0
        out[nz] = (1 + np.log(counts[nz])) * np.broadcast_to(idf, counts.shape)[nz]
        return out

    # -------------------------------------------------------------- serialization
    def get_config(self) -> dict[str, Any]:
        """The Keras 2 configuration (word tables as JSON strings).

        Example:

        >>> Tokenizer(num_words=5).get_config()["num_words"]
        5
        """
        split: str | None = self.split if isinstance(self.split, str) else None
        if callable(self.split):
            warnings.warn(
                "A callable `split` cannot be stored in JSON; it is written as null. Pass it again: "
                "tokenizer_from_json(text, split=...).",
                stacklevel=3,
            )
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs: Any) -> str:
        """Serialize to the Keras 2 JSON format (readable by both tokenizers).

        Args:
            **kwargs: Passed to :func:`json.dumps` (``indent=2``...).

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["hello world"])
        >>> tokenizer_from_json(tokenizer.to_json()).word_index
        {'hello': 1, 'world': 2}
        """
        return json.dumps({"class_name": self.__class__.__name__, "config": self.get_config()}, **kwargs)

    def to_text_vectorization(self, output_sequence_length: int | None = None) -> Any:
        """A ``keras.layers.TextVectorization`` giving the same ids (needs TensorFlow).

        See :func:`kerasdl.text.vectorization.tokenizer_to_text_vectorization`.

        Example:

        >>> tokenizer = Tokenizer(oov_token="<OOV>")
        >>> tokenizer.fit_on_texts(["the cat sat", "the dog"])
        >>> import keras
        >>> layer = tokenizer.to_text_vectorization(output_sequence_length=4)
        >>> keras.ops.convert_to_numpy(layer(["The bird sat."])).tolist()
        [[2, 1, 4, 0]]
        """
        from kerasdl.text.vectorization import tokenizer_to_text_vectorization

        return tokenizer_to_text_vectorization(self, output_sequence_length=output_sequence_length)


def tokenizer_from_json(
    json_string: str,
    *,
    split: str | Callable[[str], list[str]] | None = None,
    analyzer: Callable[[str], list[str]] | None = None,
) -> Tokenizer:
    """Rebuild a :class:`Tokenizer` from :meth:`Tokenizer.to_json` output.

    Reads the JSON of the legacy Keras tokenizer too (the format is the same).

    Args:
        json_string: The JSON text.
        split: A callable ``split`` to attach again (callables are not stored
            in JSON). Defaults to ``None`` (the stored separator).
        analyzer: An ``analyzer`` to attach again. Defaults to ``None``.

    Returns:
        The tokenizer, with the same vocabulary and counts.

    Raises:
        ValueError: If ``json_string`` is not a tokenizer's JSON.

    Example:

    >>> tokenizer = Tokenizer(oov_token="<OOV>")
    >>> tokenizer.fit_on_texts(["a b b"])
    >>> tokenizer_from_json(tokenizer.to_json()).texts_to_sequences(["b c"])
    [[2, 1]]
    """
    if not isinstance(json_string, (str, bytes)):
        raise TypeError(f"`json_string` must be a JSON string. Received: json_string={json_string!r}")
    try:
        data = json.loads(json_string)
        config = dict(data["config"])
        word_counts = json.loads(config.pop("word_counts"))
        word_docs = json.loads(config.pop("word_docs"))
        index_docs = json.loads(config.pop("index_docs"))
        index_word = json.loads(config.pop("index_word"))
        word_index = json.loads(config.pop("word_index"))
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(
            "`json_string` is not a Tokenizer's JSON (expected the output of `Tokenizer.to_json()`). "
            f"Received: json_string={str(json_string)[:80]!r}"
        ) from error
    if split is not None:
        config["split"] = split
    elif config.get("split") is None:
        warnings.warn(
            "This JSON was written by a Tokenizer with a callable `split`; pass it again with "
            "tokenizer_from_json(text, split=...). Using ' ' for now.",
            stacklevel=2,
        )
        config["split"] = " "
    config.pop("analyzer", None)
    tokenizer = Tokenizer(analyzer=analyzer, **config)
    tokenizer.word_counts = collections.OrderedDict(word_counts)
    tokenizer.word_docs = collections.defaultdict(int, word_docs)
    tokenizer.index_docs = collections.defaultdict(int, {int(k): v for k, v in index_docs.items()})
    tokenizer.index_word = {int(k): v for k, v in index_word.items()}
    tokenizer.word_index = word_index
    return tokenizer
