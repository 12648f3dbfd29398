"""kerasdl.text.Tokenizer against the legacy Keras implementation (the oracle)."""

from __future__ import annotations

import json
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasdl.text import DEFAULT_FILTERS, Tokenizer, text_to_word_sequence, tokenizer_from_json
from kerasdl.text import tokenizer as tokenizer_module

legacy = pytest.importorskip("keras.src.legacy.preprocessing.text")

SENTENCES = ["I love my dog.", "I love my cat.", "You love my dog!", "Do you think my dog is amazing?"]
TEST_SENTENCES = ["I really love my dog", "my dog loves my lizard"]


def _paths():
    """Run a block with the joined fast path forced on (small=0) or off (small=inf)."""
    return [mock.patch.object(tokenizer_module, "_SMALL", 0), mock.patch.object(tokenizer_module, "_SMALL", 10**9)]


def assert_same_state(ours, theirs):
    assert ours.word_index == theirs.word_index
    assert list(ours.word_index) == list(theirs.word_index)
    assert ours.index_word == theirs.index_word
    assert ours.word_counts == theirs.word_counts  # OrderedDicts: order-sensitive
    assert dict(ours.word_docs) == dict(theirs.word_docs)
    assert dict(ours.index_docs) == dict(theirs.index_docs)
    assert ours.document_count == theirs.document_count


# ----------------------------------------------------------------- classic oracle cases
def test_course_word_index():
    tokenizer = Tokenizer(num_words=100)
    tokenizer.fit_on_texts(SENTENCES)
    assert tokenizer.word_index == {
        "my": 1, "love": 2, "dog": 3, "i": 4, "you": 5, "cat": 6, "do": 7, "think": 8, "is": 9, "amazing": 10,
    }


def test_course_oov_sequences():
    tokenizer = Tokenizer(num_words=100, oov_token="<OOV>")
    tokenizer.fit_on_texts(SENTENCES)
    assert tokenizer.texts_to_sequences(TEST_SENTENCES) == [[5, 1, 3, 2, 4], [2, 4, 1, 2, 1]]
    assert tokenizer.word_index["<OOV>"] == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"oov_token": "<OOV>"},
        {"num_words": 5},
        {"num_words": 5, "oov_token": "<OOV>"},
        {"char_level": True},
        {"char_level": True, "num_words": 4, "oov_token": "?"},
        {"lower": False, "filters": ""},
        {"split": "o"},
        {"filters": DEFAULT_FILTERS + "\u3000", "split": "--"},
    ],
)
def test_matches_legacy_on_classic_sentences(kwargs):
    for patch in _paths():
        with patch:
            ours, theirs = Tokenizer(**kwargs), legacy.Tokenizer(**kwargs)
            ours.fit_on_texts(SENTENCES)
            theirs.fit_on_texts(SENTENCES)
            assert_same_state(ours, theirs)
            probe = SENTENCES + TEST_SENTENCES
            assert ours.texts_to_sequences(probe) == theirs.texts_to_sequences(probe)
            seqs = theirs.texts_to_sequences(probe) + [[0, 1, 2, 99]]
            assert ours.sequences_to_texts(seqs) == theirs.sequences_to_texts(seqs)
            for mode in ("binary", "count", "freq", "tfidf"):
                np.testing.assert_array_equal(ours.texts_to_matrix(probe, mode), theirs.texts_to_matrix(probe, mode))


def test_counts_accumulate_over_calls_and_pretokenized_lists():
    ours, theirs = Tokenizer(oov_token="<OOV>"), legacy.Tokenizer(oov_token="<OOV>")
    for batch in (SENTENCES[:2], SENTENCES[2:], [["Token", "LIST", ""], "mixed Item"]):
        ours.fit_on_texts(batch)
        theirs.fit_on_texts(batch)
    assert_same_state(ours, theirs)
    probe = [["token", "nope"], "dog list"]
    assert ours.texts_to_sequences(probe) == theirs.texts_to_sequences(probe)
    ours.fit_on_sequences([[1, 2, 2], [3]])
    theirs.fit_on_sequences([[1, 2, 2], [3]])
    assert_same_state(ours, theirs)


def test_analyzer_and_callable_split():
    def analyzer(text):
        return text.split("|")

    ours, theirs = Tokenizer(analyzer=analyzer), legacy.Tokenizer(analyzer=analyzer)
    texts = ["A|b|c", "b|B||c"] * 40
    ours.fit_on_texts(texts)
    theirs.fit_on_texts(texts)
    assert_same_state(ours, theirs)
    assert ours.texts_to_sequences(["b|A|z"]) == theirs.texts_to_sequences(["b|A|z"])
    # a callable split (a morphological analyser) runs after lower-casing and filtering
    morphs = Tokenizer(split=lambda text: [m for w in text.split() for m in (w[:-1], w[-1:])])
    morphs.fit_on_texts(["학교에 갔다.", "학교는 좋다!"])
    assert list(morphs.word_index) == ["학교", "다", "에", "갔", "는", "좋"]


# --------------------------------------------------------------------------- Unicode
def test_unicode_words_are_kept_whole():
    assert text_to_word_sequence("Café au lait, s'il vous plaît!") == ["café", "au", "lait", "s'il", "vous", "plaît"]
    assert text_to_word_sequence("나는 학교에 간다. 너는?") == ["나는", "학교에", "간다", "너는"]
    assert text_to_word_sequence("Keras는 좋다 ΣΟΦΙΑ") == ["keras는", "좋다", "σοφια"]
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(["나는 학교에 간다.", "너는 학교에 간다!", "Élan ÉLAN élan"])
    assert tokenizer.word_index == {"élan": 1, "학교에": 2, "간다": 3, "나는": 4, "너는": 5}


_ALPHABET = st.one_of(
    st.sampled_from(list(" .,!?'\t\n\r\x00\x01\u3000\xa0ΣσςİIiÉé가나다한국어AbC-")),
    st.characters(codec="utf-8"),
)
_TEXTS = st.lists(st.text(_ALPHABET, max_size=30), min_size=1, max_size=90)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=_TEXTS, probe=_TEXTS, num_words=st.none() | st.integers(1, 12), oov=st.booleans(),
       char_level=st.booleans(), fast=st.booleans())
def test_property_matches_legacy_on_random_unicode(texts, probe, num_words, oov, char_level, fast):
    kwargs = {"num_words": num_words, "oov_token": "<OOV>" if oov else None, "char_level": char_level}
    with _paths()[0 if fast else 1]:
        ours, theirs = Tokenizer(**kwargs), legacy.Tokenizer(**kwargs)
        ours.fit_on_texts(texts)
        theirs.fit_on_texts(texts)
        assert_same_state(ours, theirs)
        if theirs.word_index:
            # the texts just fitted on (reuses the fit's token ids), then new texts
            assert ours.texts_to_sequences(texts) == theirs.texts_to_sequences(texts)
            assert ours.texts_to_sequences(probe) == theirs.texts_to_sequences(probe)
            assert list(ours.texts_to_sequences_generator(iter(probe))) == theirs.texts_to_sequences(probe)
            seqs = theirs.texts_to_sequences(texts)
            assert ours.sequences_to_texts(seqs) == theirs.sequences_to_texts(seqs)


@settings(max_examples=40, deadline=None)
@given(text=st.text(_ALPHABET, max_size=60), split=st.sampled_from([" ", "a", "é", "xy"]), lower=st.booleans())
def test_property_text_to_word_sequence(text, split, lower):
    assert text_to_word_sequence(text, lower=lower, split=split) == legacy.text_to_word_sequence(
        text, lower=lower, split=split
    )


def test_matches_legacy_on_alice(alice_path):
    lines = alice_path.read_text(encoding="latin-1").replace("\r\n", "\n").split("\n")
    for kwargs in ({"oov_token": "<OOV>", "num_words": 1000}, {}, {"char_level": True}):
        ours, theirs = Tokenizer(**kwargs), legacy.Tokenizer(**kwargs)
        ours.fit_on_texts(lines)
        theirs.fit_on_texts(lines)
        assert_same_state(ours, theirs)
        assert ours.texts_to_sequences(lines) == theirs.texts_to_sequences(lines)
    assert len(ours.word_index) > 40 and ours.word_index[" "] == 1  # char level: space is most frequent
    words = Tokenizer()
    words.fit_on_texts(lines)
    assert list(words.word_index)[:3] == ["the", "'", "and"]  # Alice quotes with ', which is no filter


# -------------------------------------------------------------------------- JSON
def test_json_round_trip_and_legacy_json():
    theirs = legacy.Tokenizer(num_words=6, oov_token="<OOV>")
    theirs.fit_on_texts(SENTENCES)
    ours = tokenizer_from_json(theirs.to_json())
    assert_same_state(ours, theirs)
    assert ours.texts_to_sequences(TEST_SENTENCES) == theirs.texts_to_sequences(TEST_SENTENCES)
    np.testing.assert_array_equal(ours.texts_to_matrix(SENTENCES, "tfidf"), theirs.texts_to_matrix(SENTENCES, "tfidf"))
    mine = Tokenizer(num_words=6, oov_token="<OOV>")
    mine.fit_on_texts(SENTENCES)
    back = legacy.tokenizer_from_json(mine.to_json())
    assert back.word_index == mine.word_index
    assert json.loads(mine.to_json())["config"].keys() == json.loads(theirs.to_json())["config"].keys()
    again = tokenizer_from_json(mine.to_json(indent=2))
    assert again.texts_to_sequences(TEST_SENTENCES) == mine.texts_to_sequences(TEST_SENTENCES)


def test_json_with_callable_split_warns_and_reattaches():
    def split(text):
        return text.split()

    tokenizer = Tokenizer(split=split)
    tokenizer.fit_on_texts(["a  b"])
    with pytest.warns(UserWarning, match="callable `split`"):
        text = tokenizer.to_json()
    assert tokenizer_from_json(text, split=split).split is split
    with pytest.warns(UserWarning, match="pass it again"):
        tokenizer_from_json(text)
    with pytest.raises(ValueError, match="is not a Tokenizer's JSON"):
        tokenizer_from_json('{"config": {}}')


# ------------------------------------------------------------------------ bad input
def test_bad_input_errors():
    with pytest.raises(ValueError, match="`num_words` must be a positive integer. Received: num_words=0"):
        Tokenizer(num_words=0)
    with pytest.raises(TypeError, match="num_words"):
        Tokenizer(num_words=2.5)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        Tokenizer(bogus=1)
    with pytest.raises(TypeError, match="`split` must be a string"):
        Tokenizer(split=3)
    with pytest.raises(ValueError, match="`split` must not be an empty string"):
        Tokenizer(split="")
    tokenizer = Tokenizer()
    with pytest.raises(ValueError, match="`texts` is empty"):
        tokenizer.fit_on_texts([])
    with pytest.raises(TypeError, match="not a single string"):
        tokenizer.fit_on_texts("I love my dog")
    with pytest.raises(TypeError, match=r"Received: texts\[1\]=3 of type int"):
        tokenizer.fit_on_texts(["ok", 3])
    with pytest.raises(TypeError, match=r"texts\[0\]\[1\]=None"):
        tokenizer.fit_on_texts([["ok", None]])
    with pytest.raises(ValueError, match="no vocabulary yet"):
        tokenizer.texts_to_sequences(["a"])
    tokenizer.fit_on_texts(SENTENCES)
    with pytest.raises(ValueError, match="`mode` must be one of 'binary', 'count', 'tfidf', 'freq'. Received: mode='bag'"):
        tokenizer.texts_to_matrix(SENTENCES, mode="bag")
    with pytest.raises(ValueError, match="non-negative word ids"):
        tokenizer.sequences_to_matrix([[1, -2]])
    with pytest.raises(TypeError, match="`sequences` must be lists of integer word ids"):
        tokenizer.sequences_to_matrix([[1, [2, 3]]])
    with pytest.raises(TypeError, match="`sequences` must be lists of integer word ids"):
        tokenizer.sequences_to_matrix([1, 2])
    with pytest.raises(ValueError, match="Fit the Tokenizer"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")
    with pytest.raises(TypeError, match="`input_text` must be a string"):
        text_to_word_sequence(b"bytes")


def test_nb_words_legacy_alias_and_repr():
    with pytest.warns(UserWarning, match="num_words"):
        tokenizer = Tokenizer(nb_words=7)
    assert tokenizer.num_words == 7
    assert "num_words=7" in repr(tokenizer)


def test_reuse_of_fit_ids_is_safe_and_not_pickled():
    import pickle

    texts = [f"word{i % 7} common Word{i % 3}." for i in range(100)]
    ours, theirs = Tokenizer(oov_token="<OOV>", num_words=5), legacy.Tokenizer(oov_token="<OOV>", num_words=5)
    ours.fit_on_texts(texts)
    theirs.fit_on_texts(texts)
    assert ours._last_fit is not None
    restored = pickle.loads(pickle.dumps(ours))
    assert restored._last_fit is None and restored.word_index == ours.word_index
    theirs_before = legacy.tokenizer_from_json(theirs.to_json())
    texts[0] = "a brand new text"  # changed after fitting: must not reuse the fit's ids
    ours.filters = ours.filters.replace(".", "")
    theirs.filters = theirs.filters.replace(".", "")
    assert ours.texts_to_sequences(texts) == theirs.texts_to_sequences(texts)
    assert restored.texts_to_sequences(texts) == theirs_before.texts_to_sequences(texts)
