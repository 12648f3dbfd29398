"""Tokenizer.to_text_vectorization: the same ids as texts_to_sequences (needs TensorFlow)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.text import Tokenizer

pytest.importorskip("tensorflow")

SENTENCES = ["I love my dog.", "I love my cat.", "You love my dog!", "Do you think my dog is amazing?"]
PROBE = ["I really love my dog", "my dog loves my lizard", "Café, s'il vous plaît!", "나는 학교에   간다.", ""]


def _ids(layer, texts):
    return keras.ops.convert_to_numpy(layer(np.array(texts))).tolist()


@pytest.mark.multibackend  # on JAX/PyTorch the standardize step runs on NumPy strings
@pytest.mark.parametrize("num_words", [None, 5])
def test_ids_match_texts_to_sequences(num_words):
    tokenizer = Tokenizer(num_words=num_words, oov_token="<OOV>")
    tokenizer.fit_on_texts(SENTENCES + ["Café au lait", "나는 학교에 간다"])
    layer = tokenizer.to_text_vectorization()
    assert isinstance(layer, keras.layers.TextVectorization)
    expected = tokenizer.texts_to_sequences(PROBE)
    got = _ids(layer, PROBE)
    width = max(map(len, expected))
    assert [row[:width] for row in got] == [seq + [0] * (width - len(seq)) for seq in expected]
    fixed = tokenizer.to_text_vectorization(output_sequence_length=3)
    assert _ids(fixed, ["I love my dog"]) == [tokenizer.texts_to_sequences(["I love my dog"])[0][:3]]


def test_round_trip_in_a_saved_model(tmp_path):
    tokenizer = Tokenizer(oov_token="<OOV>")
    tokenizer.fit_on_texts(SENTENCES)
    layer = tokenizer.to_text_vectorization(output_sequence_length=6)
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, layer(inputs))
    path = tmp_path / "vectorizer.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    probe = np.array([["You love my lizard!"]])
    assert keras.ops.convert_to_numpy(restored(probe)).tolist() == keras.ops.convert_to_numpy(model(probe)).tolist()
    assert keras.ops.convert_to_numpy(restored(probe)).tolist()[0][:4] == tokenizer.texts_to_sequences(
        ["You love my lizard!"]
    )[0]


def test_cases_that_cannot_match_are_refused():
    plain = Tokenizer()
    plain.fit_on_texts(SENTENCES)
    with pytest.raises(ValueError, match="without `oov_token` drops unknown words.*Received: oov_token=None"):
        plain.to_text_vectorization()
    chars = Tokenizer(char_level=True, oov_token="<OOV>")
    chars.fit_on_texts(SENTENCES)
    with pytest.raises(ValueError, match="char_level=True"):
        chars.to_text_vectorization()
    with pytest.raises(ValueError, match="has no vocabulary"):
        Tokenizer(oov_token="<OOV>").to_text_vectorization()
