from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.text import Tokenizer, generate_text

LINES = ["the cat sat on the mat", "the dog sat on the log"]


@pytest.fixture
def tokenizer():
    tok = Tokenizer()
    tok.fit_on_texts(LINES)
    return tok


class FixedModel:
    """A stand-in model with fixed next-word probabilities; records its inputs."""

    def __init__(self, probs):
        self.probs = np.asarray(probs, dtype="float32")
        self.inputs = []

    def predict(self, x, verbose=0):
        self.inputs.append(np.array(x))
        return self.probs[None]


def test_greedy_follows_the_course_loop(tokenizer):
    vocab = len(tokenizer.word_index) + 1
    probs = np.full(vocab, 0.01)
    probs[0] = 0.9  # the padding id is never generated
    probs[tokenizer.word_index["log"]] = 0.5
    model = FixedModel(probs)
    text = generate_text(model, tokenizer, "the dog", num_words=2, max_sequence_len=4)
    assert text == "the dog log log"
    # each step: the text so far, encoded and padded 'pre' to max_sequence_len - 1
    the, dog, log = (tokenizer.word_index[w] for w in ("the", "dog", "log"))
    np.testing.assert_array_equal(model.inputs[0], [[0, the, dog]])
    np.testing.assert_array_equal(model.inputs[1], [[the, dog, log]])
    assert generate_text(model, tokenizer, "the", num_words=0, max_sequence_len=4) == "the"


def test_sampling_is_reproducible_with_a_seed(tokenizer):
    vocab = len(tokenizer.word_index) + 1
    model = FixedModel(np.ones(vocab) / vocab)
    a = generate_text(model, tokenizer, "the", 12, 5, temperature=1.0, seed=7)
    b = generate_text(model, tokenizer, "the", 12, 5, temperature=1.0, seed=7)
    c = generate_text(model, tokenizer, "the", 12, 5, temperature=1.0, seed=8)
    assert a == b and a != c and len(a.split()) == 13
    # top_k=1 is greedy whatever the temperature
    probs = np.linspace(0.1, 1.0, vocab)
    top1 = generate_text(FixedModel(probs), tokenizer, "the", 3, 5, temperature=5.0, top_k=1, seed=1)
    assert top1 == "the " + " ".join([tokenizer.index_word[vocab - 1]] * 3)
    # top_k=2 only ever picks the two most probable words
    words = generate_text(FixedModel(probs), tokenizer, "", 30, 5, temperature=1.0, top_k=2, seed=2).split()
    assert set(words) <= {tokenizer.index_word[vocab - 1], tokenizer.index_word[vocab - 2]}


def test_character_level_joins_without_spaces():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(["hello"])
    probs = np.zeros(len(tok.word_index) + 1)
    probs[tok.word_index["o"]] = 1.0
    assert generate_text(FixedModel(probs), tok, "hell", 2, 4) == "helloo"


@pytest.mark.multibackend
def test_works_with_a_keras_model(tokenizer):
    from kerasdl.models import build_text_generator

    keras.utils.set_random_seed(0)
    model = build_text_generator(len(tokenizer.word_index) + 1, 4, embedding_dim=4, rnn_units=4)
    greedy = generate_text(model, tokenizer, "the cat", 3, 4)
    assert greedy == generate_text(model, tokenizer, "the cat", 3, 4)
    assert greedy.startswith("the cat ") and len(greedy.split()) == 5
    sampled = generate_text(model, tokenizer, "the cat", 3, 4, temperature=0.7, seed=0)
    assert sampled == generate_text(model, tokenizer, "the cat", 3, 4, temperature=0.7, seed=0)


def test_bad_arguments(tokenizer):
    model = FixedModel(np.ones(10))
    with pytest.raises(TypeError, match="`seed_text` must be a string"):
        generate_text(model, tokenizer, 3, 2, 4)
    with pytest.raises(ValueError, match="`num_words` must be an integer >= 0"):
        generate_text(model, tokenizer, "a", -1, 4)
    with pytest.raises(ValueError, match="`max_sequence_len` must be at least 2"):
        generate_text(model, tokenizer, "a", 1, 1)
    with pytest.raises(ValueError, match="`temperature` must be a number > 0"):
        generate_text(model, tokenizer, "a", 1, 4, temperature=0)
    with pytest.raises(ValueError, match="`top_k` must be a positive integer"):
        generate_text(model, tokenizer, "a", 1, 4, top_k=0)
    with pytest.raises(ValueError, match="`tokenizer` must be fitted"):
        generate_text(model, Tokenizer(), "a", 1, 4)
    with pytest.raises(ValueError, match=r"Received: an output of shape \(1, 2, 3, 4\)"):
        generate_text(FixedModel(np.ones((2, 3, 4))), tokenizer, "a", 1, 4)
