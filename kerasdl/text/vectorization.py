"""A ``keras.layers.TextVectorization`` that numbers words exactly as a fitted Tokenizer.

``TextVectorization`` reserves id 0 for padding and id 1 for out-of-vocabulary
words, which is exactly the Tokenizer's layout when it has an ``oov_token``.
The Tokenizer's lower-casing, filters and split are reproduced by two small
registered callables, so the layer saves and loads with the model.

Cases that cannot match, and are refused with an explanation: a Tokenizer
without ``oov_token`` (it drops unknown words; ``TextVectorization`` cannot
drop a token, it maps it to id 1), ``char_level=True``, and a custom
``analyzer`` or callable ``split`` (Python code TensorFlow cannot run inside
the layer). ``TextVectorization`` pads *after* the ids (``output_sequence_length``),
where ``pad_sequences`` pads before by default, and lower-cases with
TensorFlow's Unicode rules, which differ from Python's for a handful of
characters (the Greek final sigma, dotted capital I).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from kerasdl.utils.backend import require_tensorflow


def _char_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in dict.fromkeys(chars)) + "]"


@keras.saving.register_keras_serializable(package="kerasdl")
class TokenizerStandardize:
    """Lower-case and replace the filter characters by ``split``, as the Tokenizer does.

    Receives a ``tf.Tensor`` of strings on the TensorFlow backend and a NumPy
    array of ``str`` on the others (``TextVectorization``'s contract).

    Args:
        filters: The characters to replace. Defaults to ``""``.
        lower: Whether to lower-case. Defaults to ``True``.
        split: The word separator. Defaults to ``" "``.

    Example:

    >>> import numpy as np
    >>> TokenizerStandardize("!.", True, " ")(np.array(["Hi!There."])).tolist()
    ['hi there ']
    """

    def __init__(self, filters: str = "", lower: bool = True, split: str = " ") -> None:
        self.filters = filters
        self.lower = lower
        self.split = split

    def __call__(self, inputs: Any) -> Any:
        if isinstance(inputs, np.ndarray):
            from kerasdl.text._textops import translate

            flat = [str(t) for t in inputs.reshape(-1)]
            if self.lower:
                flat = [t.lower() for t in flat]
            flat = [translate(t, self.filters, self.split) for t in flat]
            return np.array(flat, dtype=object).reshape(inputs.shape).astype(str)
        tf = require_tensorflow("TokenizerStandardize")
        if self.lower:
            inputs = tf.strings.lower(inputs, encoding="utf-8")
        if self.filters:
            pattern = _char_class(self.filters)
            rewrite = self.split.replace("\\", "\\\\")  # a backslash is special in RE2 rewrites
            inputs = tf.strings.regex_replace(inputs, pattern, rewrite, replace_global=True)
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {"filters": self.filters, "lower": self.lower, "split": self.split}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TokenizerStandardize:
        return cls(**config)


@keras.saving.register_keras_serializable(package="kerasdl")
class TokenizerSplit:
    """Split on ``split`` and drop empty tokens, as the Tokenizer does (TensorFlow ops).

    Args:
        split: The word separator. Defaults to ``" "``.

    Example:

    >>> import tensorflow as tf
    >>> TokenizerSplit(" ")(tf.constant(["a  b "])).to_list()
    [[b'a', b'b']]
    """

    def __init__(self, split: str = " ") -> None:
        self.split = split

    def __call__(self, inputs: Any) -> Any:
        tf = require_tensorflow("TokenizerSplit")
        tokens = tf.strings.split(inputs, sep=self.split)
        return tf.ragged.boolean_mask(tokens, tf.strings.length(tokens) > 0)

    def get_config(self) -> dict[str, Any]:
        return {"split": self.split}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TokenizerSplit:
        return cls(**config)


def tokenizer_to_text_vectorization(tokenizer: Any, output_sequence_length: int | None = None) -> Any:
    """Build a ``keras.layers.TextVectorization`` with the tokenizer's vocabulary and ids.

    Needs TensorFlow (``TextVectorization`` does, on every backend) and a
    Tokenizer fitted with an ``oov_token`` (see the module notes for the
    cases that cannot match). Words cut by ``num_words`` map to the OOV id 1,
    as in :meth:`~kerasdl.text.Tokenizer.texts_to_sequences`.

    Args:
        tokenizer: A fitted :class:`~kerasdl.text.Tokenizer` (or the legacy
            Keras one).
        output_sequence_length: Pad or cut the output to this length (at the
            end). Defaults to ``None`` (ragged lengths padded to the longest
            text of the batch).

    Returns:
        A ``TextVectorization`` layer (``output_mode="int"``).

    Raises:
        ImportError: If TensorFlow is not installed.
        ValueError: If the tokenizer is not fitted, has no ``oov_token``, or
            uses ``char_level``, an ``analyzer`` or a callable ``split``.

    Example:

    >>> from kerasdl.text import Tokenizer
    >>> tokenizer = Tokenizer(oov_token="<OOV>")
    >>> tokenizer.fit_on_texts(["the cat sat", "the dog"])
    >>> layer = tokenizer.to_text_vectorization(output_sequence_length=4)
    >>> keras.ops.convert_to_numpy(layer(["The bird sat."])).tolist()
    [[2, 1, 4, 0]]
    """
    if not getattr(tokenizer, "word_index", None):
        raise ValueError(
            "`tokenizer` has no vocabulary: call fit_on_texts first. Received: tokenizer with word_index={}"
        )
    oov = tokenizer.oov_token
    if oov is None:
        raise ValueError(
            "A Tokenizer without `oov_token` drops unknown words, which TextVectorization cannot do "
            "(it maps them to id 1, which this tokenizer gives to its most frequent word). Fit a "
            "Tokenizer(oov_token='<OOV>') to get identical ids. Received: oov_token=None"
        )
    if tokenizer.word_index.get(oov) != 1:
        raise ValueError(
            f"The tokenizer's `oov_token` must have id 1 (it also occurs as a word in the texts). "
            f"Received: oov_token={oov!r} with id {tokenizer.word_index.get(oov)}"
        )
    split = tokenizer.split
    if tokenizer.char_level or getattr(tokenizer, "analyzer", None) is not None or callable(split):
        raise ValueError(
            "TextVectorization can only reproduce the Tokenizer's own word splitting; char_level, "
            "`analyzer` and callable `split` cannot run inside the layer. Received: "
            f"char_level={tokenizer.char_level}, analyzer={getattr(tokenizer, 'analyzer', None)!r}, "
            f"split={split!r}"
        )
    require_tensorflow("Tokenizer.to_text_vectorization (keras.layers.TextVectorization)")
    limit = len(tokenizer.word_index) + 1
    if tokenizer.num_words:
        limit = min(limit, tokenizer.num_words)
    index_word = tokenizer.index_word
    vocabulary = [index_word[i] for i in range(2, limit)]
    return keras.layers.TextVectorization(
        standardize=TokenizerStandardize(tokenizer.filters or "", bool(tokenizer.lower), split),
        split=TokenizerSplit(split),
        output_mode="int",
        output_sequence_length=output_sequence_length,
        vocabulary=vocabulary,
        name="tokenizer_vectorization",
    )
