"""Text preparation: the legacy Keras Tokenizer, sequences, generation and word embeddings.

Everything here runs on the TensorFlow, JAX and PyTorch backends of Keras 3.
"""

from kerasdl.text._textops import DEFAULT_FILTERS, text_to_word_sequence
from kerasdl.text.generation import generate_text
from kerasdl.text.sequences import (
    NgramDataset,
    decode_sequence,
    make_ngram_sequences,
    pad_sequences,
    reverse_word_index,
    to_categorical,
)
from kerasdl.text.skipgram import make_sampling_table, skipgrams
from kerasdl.text.tokenizer import Tokenizer, tokenizer_from_json
from kerasdl.text.vectorization import TokenizerSplit, TokenizerStandardize
from kerasdl.text.word2vec import build_word2vec, make_word2vec_data
from kerasdl.text.word_vectors import WordVectors

__all__ = [
    # Tokenizer, sequences and generation
    "DEFAULT_FILTERS",
    "NgramDataset",
    "Tokenizer",
    "TokenizerSplit",
    "TokenizerStandardize",
    "decode_sequence",
    "generate_text",
    "make_ngram_sequences",
    "pad_sequences",
    "reverse_word_index",
    "text_to_word_sequence",
    "to_categorical",
    "tokenizer_from_json",
    # Word embeddings
    "WordVectors",
    "build_word2vec",
    "make_sampling_table",
    "make_word2vec_data",
    "skipgrams",
]
