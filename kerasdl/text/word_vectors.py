"""Word vectors: similarity, nearest neighbours, analogies, pretrained embeddings, a PCA plot."""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.text._sizes import check_array_bytes
from kerasdl.utils.io import atomic_write, atomic_write_text
from kerasdl.utils.validation import check_choice, check_positive_int


def _word_index_of(tokenizer_or_word_index: Any) -> tuple[dict[str, int], int | None]:
    """Return ``(word_index, num_words)`` from a Tokenizer (duck-typed) or a dict."""
    word_index = getattr(tokenizer_or_word_index, "word_index", tokenizer_or_word_index)
    if not isinstance(word_index, Mapping):
        raise TypeError(
            "`tokenizer_or_word_index` must be a fitted Tokenizer or a {word: id} dict such as "
            f"`tokenizer.word_index`. Received: tokenizer_or_word_index={tokenizer_or_word_index!r}"
        )
    num_words = getattr(tokenizer_or_word_index, "num_words", None)
    return dict(word_index), num_words


class WordVectors:
    """A set of word vectors with the usual queries.

    Build it from a trained ``Embedding`` (:meth:`from_embedding`), from a
    GloVe or word2vec text file (:meth:`load_text_format`), or directly from
    a word list and a matrix. Similarities are cosine similarities. Unknown
    words raise ``KeyError`` naming the word.

    Args:
        words: The words, one per row of ``vectors``, all distinct.
        vectors: A ``(len(words), dim)`` float array.

    Raises:
        ValueError: If the shapes disagree, a word repeats, or there are no
            words.

    Example:

    >>> import numpy as np
    >>> from kerasdl.text import WordVectors
    >>> wv = WordVectors(["cat", "dog", "car"], np.array([[1.0, 0.1], [0.9, 0.2], [0.0, 1.0]]))
    >>> wv.most_similar("cat", k=1)[0][0]
    'dog'
    >>> round(wv.similarity("cat", "car"), 3)
    0.1
    """

    def __init__(self, words: Sequence[str], vectors: Any) -> None:
        words = list(words)
        matrix = np.asarray(vectors, dtype="float32")
        if matrix.ndim != 2 or matrix.shape[0] != len(words):
            raise ValueError(
                "`vectors` must be a (len(words), dim) matrix, one row per word. "
                f"Received: vectors with shape {matrix.shape} for {len(words)} words"
            )
        if not words:
            raise ValueError("`words` is empty: pass at least one word. Received: words=[]")
        bad = next((w for w in words if not isinstance(w, str)), None)
        if bad is not None:
            raise TypeError(f"`words` must all be strings. Received: an item {bad!r} in words")
        index = {word: i for i, word in enumerate(words)}
        if len(index) != len(words):
            seen: set[str] = set()
            dup = next(w for w in words if w in seen or seen.add(w))  # type: ignore[func-returns-value]
            raise ValueError(f"`words` must be distinct; {dup!r} repeats. Received: {len(words)} words")
        self._words = words
        self._index = index
        self._vectors = matrix
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self._unit = matrix / np.maximum(norms, 1e-12)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_embedding(
        cls, source: Any, tokenizer_or_word_index: Any, num_words: int | None = None
    ) -> WordVectors:
        """Read the vectors of a trained ``Embedding`` layer, using a tokenizer's ids.

        Row ``i`` of the embedding matrix is the vector of the word whose id
        is ``i``; row 0 (padding) and ids past the matrix (or past
        ``num_words``) are left out.

        Args:
            source: A ``keras.layers.Embedding``, a model holding one (the
                layer named ``"word_embedding"`` if any, as in
                :func:`build_word2vec`, else the first ``Embedding``), or a
                ``(vocab_size, dim)`` array.
            tokenizer_or_word_index: A fitted Tokenizer or its ``word_index``
                dict.
            num_words: Keep only ids below this (as the Tokenizer's
                ``num_words``); ``None`` uses the tokenizer's own, else all.
                Defaults to ``None``.

        Returns:
            A :class:`WordVectors`.

        Raises:
            ValueError: If no embedding is found or no word fits the matrix.

        Example:

        >>> import numpy as np
        >>> from kerasdl.text import WordVectors
        >>> matrix = np.array([[0, 0], [1, 0], [0, 1]], dtype="float32")
        >>> WordVectors.from_embedding(matrix, {"yes": 1, "no": 2}).words
        ['yes', 'no']
        """
        word_index, tokenizer_num_words = _word_index_of(tokenizer_or_word_index)
        limit = num_words if num_words is not None else tokenizer_num_words
        if limit is not None:
            limit = check_positive_int(limit, "num_words")
        matrix = _embedding_matrix_of(source)
        rows = matrix.shape[0] if limit is None else min(matrix.shape[0], limit)
        pairs = sorted((i, w) for w, i in word_index.items() if 1 <= int(i) < rows)
        if not pairs:
            raise ValueError(
                f"No word of `tokenizer_or_word_index` has an id in [1, {rows}): the tokenizer does "
                f"not belong to this embedding. Received: embedding with {matrix.shape[0]} rows"
            )
        return cls([w for _, w in pairs], matrix[[i for i, _ in pairs]])

    @classmethod
    def load_text_format(
        cls, path: str | os.PathLike[str], limit: int | None = None, encoding: str = "utf-8"
    ) -> WordVectors:
        """Read a GloVe or word2vec text file (``word v1 v2 ...`` per line).

        A first line of two integers (``count dim``), the word2vec text
        header, is recognised and skipped. Words may contain spaces (as in
        some GloVe files): the last ``dim`` fields of a line are the vector.

        Args:
            path: The ``.txt`` (or ``.vec``) file.
            limit: Read only the first ``limit`` vectors (the files are sorted
                by frequency). Defaults to ``None`` (all).
            encoding: The file encoding. Defaults to ``"utf-8"``.

        Returns:
            A :class:`WordVectors`.

        Raises:
            FileNotFoundError: If ``path`` does not exist.
            ValueError: If a line has the wrong number of values (the message
                gives its number) or the file holds no vectors.

        Example:

        >>> import pathlib, tempfile
        >>> from kerasdl.text import WordVectors
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "vectors.txt"
        >>> _ = path.write_text("2 3\\nking 1 2 3\\nqueen 1 2 4\\n")
        >>> WordVectors.load_text_format(path).dim
        3
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No word-vector file at {str(path)!r}. Received: path={str(path)!r}")
        if limit is not None:
            limit = check_positive_int(limit, "limit")
        words: list[str] = []
        rows: list[list[float]] = []
        dim: int | None = None
        with open(path, encoding=encoding, errors="strict") as handle:
            for number, line in enumerate(handle, start=1):
                parts = line.split()
                if not parts:
                    continue
                if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    dim = int(parts[1])  # word2vec header: "count dim"
                    continue
                if dim is None:
                    dim = len(parts) - 1
                if len(parts) < dim + 1 or dim < 1:
                    raise ValueError(
                        f"Line {number} of {str(path)!r} has {len(parts) - 1} values after the word; "
                        f"expected {dim}. Is this a GloVe/word2vec text file? Received: path={str(path)!r}"
                    )
                try:
                    rows.append([float(v) for v in parts[-dim:]])
                except ValueError:
                    raise ValueError(
                        f"Line {number} of {str(path)!r} holds a value that is not a number. "
                        f"Received: path={str(path)!r}"
                    ) from None
                words.append(" ".join(parts[:-dim]))
                if limit is not None and len(words) >= limit:
                    break
        if not words:
            raise ValueError(f"{str(path)!r} holds no word vectors. Received: path={str(path)!r}")
        return cls(words, np.asarray(rows, dtype="float32"))

    def save_text_format(self, path: str | os.PathLike[str], word2vec_header: bool = False) -> Path:
        """Write the vectors as a GloVe text file (or word2vec text with a header), atomically.

        Args:
            path: The destination.
            word2vec_header: Whether to start with the ``count dim`` line of
                the word2vec text format. Defaults to ``False``.

        Returns:
            The path written.

        Example:

        >>> import pathlib, tempfile
        >>> from kerasdl.text import WordVectors
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "v.txt"
        >>> _ = WordVectors(["a"], [[0.5, 1.0]]).save_text_format(path)
        >>> path.read_text()
        'a 0.5 1\\n'
        """
        lines = [f"{len(self)} {self.dim}\n"] if word2vec_header else []
        for word, row in zip(self._words, self._vectors):
            lines.append(word + " " + " ".join(f"{v:.6g}" for v in row) + "\n")
        return atomic_write_text(path, "".join(lines))

    # ------------------------------------------------------------------ basic access
    @property
    def words(self) -> list[str]:
        """The words, in row order."""
        return list(self._words)

    @property
    def vectors(self) -> np.ndarray:
        """The ``(len(self), dim)`` float32 matrix (a copy)."""
        return self._vectors.copy()

    @property
    def dim(self) -> int:
        """The length of the vectors."""
        return int(self._vectors.shape[1])

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> np.ndarray:
        return self._vectors[self._row(word)].copy()

    def __repr__(self) -> str:
        return f"WordVectors({len(self)} words, dim={self.dim})"

    def _row(self, word: Any, name: str = "word") -> int:
        if not isinstance(word, str):
            raise TypeError(f"`{name}` must be a string. Received: {name}={word!r}")
        try:
            return self._index[word]
        except KeyError:
            raise KeyError(
                f"The word {word!r} is not in the vocabulary ({len(self)} words). Check its spelling "
                f"and case (GloVe is lower-case). Received: {name}={word!r}"
            ) from None

    # ------------------------------------------------------------------ queries
    def similarity(self, a: str, b: str) -> float:
        """Return the cosine similarity of two words (in ``[-1, 1]``; 0 for a zero vector).

        Example:

        >>> from kerasdl.text import WordVectors
        >>> WordVectors(["x", "y"], [[1.0, 0.0], [0.0, 2.0]]).similarity("x", "y")
        0.0
        """
        return float(self._unit[self._row(a, "a")] @ self._unit[self._row(b, "b")])

    def _ranked(self, query: np.ndarray, k: int, exclude: Iterable[int]) -> list[tuple[str, float]]:
        unit = query / max(float(np.linalg.norm(query)), 1e-12)
        scores = self._unit @ unit.astype("float32")
        excluded = list(exclude)
        if excluded:
            scores[excluded] = -np.inf
        k = min(k, len(self) - len(set(excluded)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._words[i], float(scores[i])) for i in top]

    def most_similar(self, word: str | np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """Return the ``k`` words closest to ``word`` (cosine), best first.

        Args:
            word: A word (left out of the answer) or a query vector.
            k: How many neighbours. Defaults to ``10``.

        Returns:
            A list of ``(word, similarity)`` pairs.

        Raises:
            KeyError: If the word is unknown.

        Example:

        >>> from kerasdl.text import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], [[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> [w for w, _ in wv.most_similar("a", k=2)]
        ['b', 'c']
        """
        k = int(check_positive_int(k, "k"))
        if isinstance(word, str):
            row = self._row(word)
            return self._ranked(self._vectors[row], k, [row])
        query = np.asarray(word, dtype="float32").reshape(-1)
        if query.shape != (self.dim,):
            raise ValueError(
                f"`word` must be a word or a vector of length {self.dim}. Received: word with shape "
                f"{np.shape(word)}"
            )
        return self._ranked(query, k, [])

    def analogy(self, a: str, b: str, c: str) -> str:
        """Solve "``b`` is to ``a`` as ``c`` is to ?": the word closest to ``a - b + c``.

        The argument order follows the arithmetic: ``analogy("king", "man",
        "woman")`` computes king - man + woman and answers ``"queen"`` (man is
        to king as woman is to queen). The unit vectors are combined (3CosAdd,
        as in word2vec and gensim) and ``a``, ``b`` and ``c`` themselves are
        excluded from the answer.

        Args:
            a: The word to start from (``"king"``).
            b: The word to subtract (``"man"``).
            c: The word to add (``"woman"``).

        Returns:
            The best answer.

        Raises:
            KeyError: If a word is unknown (the message names it).
            ValueError: If the vocabulary has no fourth word to answer with.

        Example:

        >>> from kerasdl.text import WordVectors
        >>> wv = WordVectors(["king", "queen", "man", "woman"],
        ...                  [[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1]])
        >>> wv.analogy("king", "man", "woman")
        'queen'
        """
        rows = [self._row(a, "a"), self._row(b, "b"), self._row(c, "c")]
        query = self._unit[rows[0]] - self._unit[rows[1]] + self._unit[rows[2]]
        ranked = self._ranked(query, 1, rows)
        if not ranked:
            raise ValueError(
                "The vocabulary has no word besides `a`, `b` and `c` to answer the analogy. "
                f"Received: a={a!r}, b={b!r}, c={c!r}"
            )
        return ranked[0][0]

    def embedding_matrix(
        self,
        tokenizer_or_word_index: Any,
        num_words: int | None = None,
        oov: str = "zeros",
        seed: int | None = None,
    ) -> np.ndarray:
        """Return a ``(num_words, dim)`` matrix to initialise a Keras ``Embedding``.

        Row ``i`` is the vector of the word with id ``i``; row 0 (padding) is
        zeros. Words the vectors do not know get zeros (``oov="zeros"``, as
        in the Keras pretrained-GloVe example) or normal noise with the
        vectors' own standard deviation (``oov="random"``). Ids ``>=
        num_words`` are left out, as the Tokenizer leaves them out. Use it
        frozen::

            layers.Embedding(n, wv.dim, trainable=False,
                             embeddings_initializer=keras.initializers.Constant(matrix))

        or pass it to :func:`kerasdl.models.build_text_classifier` as
        ``embedding_matrix=``.

        Args:
            tokenizer_or_word_index: A fitted Tokenizer or its ``word_index``.
            num_words: Number of rows; ``None`` uses the tokenizer's
                ``num_words``, else the largest id + 1. Defaults to ``None``.
            oov: ``"zeros"`` or ``"random"``. Defaults to ``"zeros"``.
            seed: Seed for ``oov="random"``. Defaults to ``None``.

        Returns:
            A float32 array of shape ``(num_words, dim)``.

        Raises:
            ValueError: If ``oov`` is unknown, or the matrix would take more
                than ``$KERASDL_MAX_ARRAY_BYTES`` bytes (2 GiB by default;
                checked before it is allocated).

        Example:

        >>> from kerasdl.text import WordVectors
        >>> wv = WordVectors(["good", "bad"], [[1.0, 2.0], [3.0, 4.0]])
        >>> wv.embedding_matrix({"bad": 1, "unseen": 2, "good": 3}).tolist()
        [[0.0, 0.0], [3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]
        """
        word_index, tokenizer_num_words = _word_index_of(tokenizer_or_word_index)
        oov = check_choice(oov, "oov", ("zeros", "random"))
        size = num_words if num_words is not None else tokenizer_num_words
        if size is None:
            size = max((int(i) for i in word_index.values()), default=0) + 1
        size = int(check_positive_int(size, "num_words"))
        check_array_bytes(
            size * self.dim * (8 if oov == "random" else 4),
            f"The embedding matrix ({size:,} rows x {self.dim} float32)",
            "Pass `num_words` = len(word_index) + 1 (or the tokenizer's num_words).",
            f"num_words={size}",
        )
        if oov == "random":
            scale = float(self._vectors.std()) or 1.0
            matrix = np.random.default_rng(seed).normal(0.0, scale, (size, self.dim)).astype("float32")
        else:
            matrix = np.zeros((size, self.dim), dtype="float32")
        matrix[0] = 0.0
        for word, i in word_index.items():
            i = int(i)
            if 1 <= i < size and word in self._index:
                matrix[i] = self._vectors[self._index[word]]
        return matrix

    # ------------------------------------------------------------------ plotting
    def project_2d(self, words: Sequence[str]) -> np.ndarray:
        """Return the 2-D PCA coordinates of ``words`` (``(len(words), 2)``).

        The vectors are centred and projected on their two main directions
        (a NumPy SVD), so the first axis carries the most variance.

        Example:

        >>> from kerasdl.text import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], [[0, 0, 0], [2, 0, 0], [4, 0, 1]])
        >>> wv.project_2d(["a", "b", "c"]).shape
        (3, 2)
        """
        if isinstance(words, str) or len(words) < 2:
            raise ValueError(
                "`words` must be a list of at least two words to project. "
                f"Received: words={words!r}"
            )
        data = np.stack([self._vectors[self._row(w, "words")] for w in words]).astype("float64")
        data -= data.mean(axis=0)
        _, _, vt = np.linalg.svd(data, full_matrices=False)
        coords = data @ vt[:2].T
        if coords.shape[1] < 2:
            coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
        return coords

    def plot(
        self,
        words: Sequence[str],
        path: str | os.PathLike[str] | None = None,
        title: str | None = None,
        font: str | None = None,
    ) -> Any:
        """Plot ``words`` in 2-D (PCA) and optionally save the figure atomically.

        Uses the Matplotlib ``Figure`` API (no global ``pyplot`` state, so it
        works in scripts, tests and servers). Matplotlib's default font has no
        Hangul or CJK glyphs: for such words an installed font that has them
        (Noto Sans CJK, NanumGothic, Malgun Gothic, AppleGothic...) is picked
        automatically, or a single warning says which font to install.

        Args:
            words: At least two known words.
            path: Where to save the image (``.png``, ``.svg``...). Defaults
                to ``None`` (not saved).
            title: The figure title. Defaults to ``None``.
            font: A Matplotlib font family for the labels. Defaults to
                ``None`` (automatic).

        Returns:
            The ``matplotlib.figure.Figure``.

        Example:

        >>> from kerasdl.text import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], [[0, 0, 1], [2, 0, 0], [4, 1, 0]])
        >>> fig = wv.plot(["a", "b", "c"])
        >>> [t.get_text() for t in fig.axes[0].texts]
        ['a', 'b', 'c']
        """
        import warnings

        from matplotlib.figure import Figure

        coords = self.project_2d(words)
        if font is None and any(_is_cjk(w) for w in words):
            font = _cjk_font()
            if font is None:
                warnings.warn(
                    "No installed font has Hangul/CJK glyphs, so those words will show as boxes. Install "
                    "one (e.g. `apt install fonts-nanum` or `fonts-noto-cjk`) or pass `font=`.",
                    stacklevel=2,
                )
        fig = Figure(figsize=(6, 5))
        ax = fig.add_subplot()
        ax.scatter(coords[:, 0], coords[:, 1], s=18)
        for word, (x, y) in zip(words, coords):
            ax.annotate(word, (x, y), xytext=(3, 3), textcoords="offset points", fontfamily=font)
        ax.set_xlabel("PC 1")
        ax.set_ylabel("PC 2")
        ax.set_title(title or "Word vectors (PCA)", fontfamily=font)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            if path is not None:
                with atomic_write(path) as tmp:
                    fig.savefig(tmp, dpi=100, bbox_inches="tight")
        return fig


def _is_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x1100 for ch in text)


_CJK_FONTS = (
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "NanumGothic",
    "Malgun Gothic",
    "AppleGothic",
    "Apple SD Gothic Neo",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans KR",
)


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def _embedding_matrix_of(source: Any) -> np.ndarray:
    """The weight matrix of an Embedding layer, of a model's embedding, or an array."""
    import keras

    if isinstance(source, keras.Model):
        embeddings = [layer for layer in source.layers if isinstance(layer, keras.layers.Embedding)]
        named = [layer for layer in embeddings if layer.name == "word_embedding"]
        if not embeddings:
            raise ValueError(
                "`source` is a model without an `Embedding` layer. Pass the model that holds the "
                f"word embedding, the layer itself, or its matrix. Received: source={source.name!r}"
            )
        source = (named or embeddings)[0]
    if isinstance(source, keras.layers.Layer):
        if not isinstance(source, keras.layers.Embedding):
            raise TypeError(
                "`source` must be an Embedding layer, a model holding one, or a matrix. "
                f"Received: source={type(source).__name__}"
            )
        if not source.built:
            raise ValueError(
                f"The Embedding layer {source.name!r} is not built yet: call or train the model first. "
                f"Received: source={source.name!r}"
            )
        return np.asarray(keras.ops.convert_to_numpy(source.embeddings), dtype="float32")
    matrix = np.asarray(source, dtype="float32")
    if matrix.ndim != 2 or isinstance(source, numbers.Number):
        raise ValueError(
            "`source` must be an Embedding layer, a model holding one, or a (vocab_size, dim) matrix. "
            f"Received: source with shape {matrix.shape}"
        )
    return matrix
