from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerasdl.text import (
    NgramDataset,
    decode_sequence,
    make_ngram_sequences,
    pad_sequences,
    reverse_word_index,
    to_categorical,
)


def course_ngrams(sequences, max_len=None):
    """The course's loop, verbatim apart from the names."""
    input_sequences = []
    for token_list in sequences:
        for i in range(1, len(token_list)):
            input_sequences.append(token_list[: i + 1])
    max_sequence_len = max_len or max(len(x) for x in input_sequences)
    input_sequences = np.array(pad_sequences(input_sequences, maxlen=max_sequence_len, padding="pre"))
    return input_sequences[:, :-1], input_sequences[:, -1], max_sequence_len


def test_reexports_are_keras_own():
    assert pad_sequences is keras.utils.pad_sequences
    assert to_categorical is keras.utils.to_categorical


def test_course_example_line():
    x, y = make_ngram_sequences([[4, 2, 66, 8, 67, 68, 69, 70]])
    assert x.shape == (7, 7) and x.dtype == np.int32
    assert x[0].tolist() == [0, 0, 0, 0, 0, 0, 4] and y[0] == 2
    assert x[-1].tolist() == [4, 2, 66, 8, 67, 68, 69] and y[-1] == 70


_LINES = st.lists(st.lists(st.integers(1, 30), max_size=9), min_size=1, max_size=12).filter(
    lambda lines: any(len(line) >= 2 for line in lines)
)


@settings(max_examples=40, deadline=None)
@given(lines=_LINES, max_len=st.none() | st.integers(2, 6))
def test_property_matches_the_course_loop(lines, max_len):
    x, y = make_ngram_sequences(lines, max_len=max_len)
    cx, cy, _ = course_ngrams(lines, max_len)
    np.testing.assert_array_equal(x, cx)
    np.testing.assert_array_equal(y, cy)
    # post padding: the same inputs, zeros after the ids
    px, py = make_ngram_sequences(lines, max_len=max_len, padding="post")
    inputs = [list(row[row > 0]) for row in cx]
    np.testing.assert_array_equal(px, pad_sequences(inputs, maxlen=cx.shape[1], padding="post"))
    np.testing.assert_array_equal(py, cy)
    # streamed batches are the same rows
    data = NgramDataset(lines, batch_size=5, max_len=max_len)
    batches = [data[i] for i in range(len(data))]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), cx)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), cy)


def test_one_hot_and_num_classes():
    x, y = make_ngram_sequences([[1, 2, 3]], one_hot=True, num_classes=5)
    assert y.dtype == np.float32 and y.shape == (2, 5)
    np.testing.assert_array_equal(y, to_categorical([2, 3], 5))
    assert make_ngram_sequences([[1, 2, 3]], one_hot=True)[1].shape == (2, 4)


def test_ngram_dataset_shuffles_reproducibly_and_trains():
    lines = [[1, 2, 3, 4], [5, 6, 7], [2, 9]]
    a = NgramDataset(lines, batch_size=2, shuffle=True, seed=3)
    b = NgramDataset(lines, batch_size=2, shuffle=True, seed=3)
    assert len(a) == 3 and a.num_samples == 6 and a.max_len == 4 and a.num_classes == 10
    rows = [a[i][1].tolist() for i in range(len(a))]
    assert rows == [b[i][1].tolist() for i in range(len(b))]
    assert sorted(sum(rows, [])) == sorted([2, 3, 4, 6, 7, 9])
    a.on_epoch_end()
    assert sorted(sum((a[i][1].tolist() for i in range(len(a))), [])) == sorted([2, 3, 4, 6, 7, 9])
    x, y = NgramDataset(lines, batch_size=4, one_hot=True)[0]
    assert x.shape == (4, 3) and y.shape == (4, 10)
    with pytest.raises(IndexError, match="out of range"):
        a[3]


@pytest.mark.multibackend
def test_ngram_dataset_feeds_fit():
    keras.utils.set_random_seed(0)
    data = NgramDataset([[1, 2, 3, 4, 5], [2, 3, 4]], batch_size=4)
    model = keras.Sequential([keras.Input((4,), dtype="int32"), keras.layers.Embedding(6, 4),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(6, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(data, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_bad_input_errors():
    with pytest.raises(ValueError, match="no line with at least 2 word ids"):
        make_ngram_sequences([[1], []])
    with pytest.raises(ValueError, match="no line with at least 2 word ids"):
        make_ngram_sequences([])
    with pytest.raises(TypeError, match=r"Received: sequences\[1\]='ab'"):
        make_ngram_sequences([[1, 2], "ab"])
    with pytest.raises(TypeError, match="flat lists of integer word ids"):
        make_ngram_sequences([[1, 2], [1.5, 2.5]])
    with pytest.raises(TypeError, match="flat lists of integer word ids"):
        make_ngram_sequences([[[1, 2], [3, 4]]])
    with pytest.raises(ValueError, match="Word ids must be >= 0"):
        make_ngram_sequences([[1, -2]])
    with pytest.raises(ValueError, match="`max_len` must be at least 2"):
        make_ngram_sequences([[1, 2]], max_len=1)
    with pytest.raises(ValueError, match="`padding` must be one of 'pre', 'post'"):
        make_ngram_sequences([[1, 2]], padding="middle")
    with pytest.raises(ValueError, match="`num_classes` must be larger than the largest word id"):
        make_ngram_sequences([[1, 7]], one_hot=True, num_classes=7)
    with pytest.raises(TypeError, match="`sequences` must be a list of lists"):
        make_ngram_sequences("not ids")
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        NgramDataset([[1, 2]], batch_size=0)


def test_reverse_word_index_and_decode():
    word_index = {"hello": 1, "world": 2, "how": 3}
    index_word = reverse_word_index(word_index)
    assert index_word == {1: "hello", 2: "world", 3: "how"}
    assert decode_sequence(np.array([0, 0, 1, 2, 3]), index_word) == "hello world how"
    assert decode_sequence([0, 1, 9], index_word, skip_padding=False) == "? hello ?"
    with pytest.raises(ValueError, match="decode one row at a time"):
        decode_sequence(np.array([[1, 2], [3, 0]]), index_word)
    with pytest.raises(ValueError, match="not a ragged list"):
        decode_sequence([[1, 2], [3]], index_word)
    with pytest.raises(TypeError, match="`index_word` must be a dict"):
        decode_sequence([1], [("a", 1)])
    with pytest.raises(TypeError, match="`word_index` must map words to integer ids"):
        reverse_word_index({"a": "1"})
    with pytest.raises(TypeError, match="`word_index` must be a dict"):
        reverse_word_index(["a"])
