"""Text preparation: the legacy Keras Tokenizer, sequences, generation and word embeddings.

Everything here runs on the TensorFlow, JAX and PyTorch backends of Keras 3.
"""

from kerasdl.text.skipgrams import make_sampling_table, skipgrams
from kerasdl.text.word2vec import build_word2vec, make_word2vec_data
from kerasdl.text.word_vectors import WordVectors

__all__ = [
    "WordVectors",
    "build_word2vec",
    "make_sampling_table",
    "make_word2vec_data",
    "skipgrams",
]
