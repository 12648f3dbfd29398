"""Legacy identity, property-based: kerasdl against the Keras 2 classes it replaces, on random input.

Hypothesis draws random unicode corpora and tokenizer options, and random
images and transform parameters, and every public result is compared with
the legacy class (``keras.src.legacy``, the oracle; tests may import it).

Tolerances: the tokenizer must match exactly (ids, texts, tables, JSON);
its matrices to 1e-12 relative (the same float64 formulas, vectorized). The
image warp is compared at ``atol=1e-4`` on 0..255 float32 pixels: SciPy
interpolates in float64 and rounds once to float32 (one float32 step at 255
is 1.5e-5); kerasdl computes the same sample coordinates bit for bit but
sums the bilinear weights in another order (in float32 on the NumPy path,
about 3e-5 at 255). The brightness shift truncates to whole grey levels, so
a 1-ulp difference there becomes a whole level: the compiled path (the
default) is held to 1e-4 even then; the NumPy fallback, whose float32
interpolation can land 1 ulp under a whole level, is held to one level
(a known, documented difference of that path only).
"""

from __future__ import annotations

import json
import os
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kerasdl.data import ImageDataGenerator, transforms
from kerasdl.text import DEFAULT_FILTERS, Tokenizer, tokenizer_from_json
from kerasdl.text import tokenizer as tokenizer_module

legacy_text = pytest.importorskip("keras.src.legacy.preprocessing.text")
legacy_image = pytest.importorskip("keras.src.legacy.preprocessing.image")
pytestmark = pytest.mark.filterwarnings("ignore:Please import .affine_transform.:DeprecationWarning")

# ------------------------------------------------------------------------ Tokenizer
_CHARACTERS = st.one_of(
    # ASCII words and punctuation, whitespace variants, Hangul (syllables and jamo),
    # emoji (with ZWJ and a skin-tone modifier), combining marks, Greek final sigma, dotted I
    st.sampled_from(list("abcABC .,!?'-_\t\n\r\x0b\x0c\u3000\xa0\u2028\u200b")),
    st.sampled_from(list("가나다한국어는좋다ㄱㅏ\u1100\u1161")),
    st.sampled_from(["\U0001f600", "\U0001f44d\U0001f3fd", "\U0001f468\u200d\U0001f469", "\u2764\ufe0f"]),
    st.sampled_from(["e\u0301", "\u0301", "\u0308", "n\u0303"]),
    st.sampled_from(list("ΣσςİIiÉé")),
    st.characters(codec="utf-8"),
)
_TEXT = st.lists(_CHARACTERS, max_size=24).map("".join)  # emoji sequences are several code points
_TOKEN = st.lists(_CHARACTERS, max_size=3).map("".join)  # "" included
_DOCUMENT = st.one_of(_TEXT, _TEXT, st.lists(_TOKEN, max_size=5))  # a string or pre-tokenized words
_CORPUS = st.lists(_DOCUMENT, min_size=1, max_size=12)
_OPTIONS = st.fixed_dictionaries(
    {
        "num_words": st.none() | st.integers(1, 15),
        "filters": st.sampled_from([DEFAULT_FILTERS, "", "!?", "가 ", DEFAULT_FILTERS + "\u3000\xa0", "aé"]),
        "lower": st.booleans(),
        "split": st.sampled_from([" ", "a", "\t", "가", "--", "\u3000"]),
        "char_level": st.booleans(),
        "oov_token": st.sampled_from([None, "<OOV>", "", "a", "가"]),
    }
)
_IDS = st.lists(st.lists(st.integers(0, 20), max_size=8), max_size=5)


def _same_or_same_error(ours, theirs, method, *args):
    """Call ``method(*args)`` on both: equal values, or both raise (ValueError for kerasdl)."""
    try:
        expected = getattr(theirs, method)(*args)
    except (ValueError, KeyError) as error:
        with pytest.raises(ValueError):
            getattr(ours, method)(*args)
        return error
    got = getattr(ours, method)(*args)
    if isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    else:
        assert got == expected
    return None


def _assert_same_state(ours, theirs):
    assert list(ours.word_index.items()) == list(theirs.word_index.items())
    assert ours.index_word == theirs.index_word
    assert list(ours.word_counts.items()) == list(theirs.word_counts.items())  # order-sensitive
    assert dict(ours.word_docs) == dict(theirs.word_docs)
    assert dict(ours.index_docs) == dict(theirs.index_docs)
    assert ours.document_count == theirs.document_count


def _assert_same_config(ours, theirs):
    """get_config: equal values; the JSON tables as parsed (word_docs' order follows a set in Keras 2)."""
    a, b = ours.get_config(), theirs.get_config()
    assert a.keys() == b.keys()
    for key in a:
        if key in ("word_counts", "word_index", "index_word"):
            assert list(json.loads(a[key]).items()) == list(json.loads(b[key]).items()), key
        elif key in ("word_docs", "index_docs"):
            assert json.loads(a[key]) == json.loads(b[key]), key
        else:
            assert a[key] == b[key], key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=_CORPUS, probe=_CORPUS, options=_OPTIONS, ids=_IDS, fast=st.booleans(), twice=st.booleans())
@example(corpus=[["", "a", ""]], probe=[""], options={"num_words": None, "filters": "", "lower": True,
         "split": " ", "char_level": False, "oov_token": None}, ids=[[1, 2, 1, 0, 9]], fast=False, twice=False)
@example(corpus=["", "!!"], probe=["a b"], options={"num_words": None, "filters": DEFAULT_FILTERS,
         "lower": True, "split": " ", "char_level": False, "oov_token": None}, ids=[[1]], fast=True, twice=False)
def test_tokenizer_matches_legacy(corpus, probe, options, ids, fast, twice):
    with mock.patch.object(tokenizer_module, "_SMALL", 0 if fast else 10**9):
        ours, theirs = Tokenizer(**options), legacy_text.Tokenizer(**options)
        for _ in range(2 if twice else 1):  # counts accumulate over calls
            ours.fit_on_texts(corpus)
            theirs.fit_on_texts(corpus)
        _assert_same_state(ours, theirs)
        for texts in (corpus, probe):
            expected = theirs.texts_to_sequences(texts)
            assert ours.texts_to_sequences(texts) == expected
            assert list(ours.texts_to_sequences_generator(iter(texts))) == expected
            assert ours.sequences_to_texts(expected) == theirs.sequences_to_texts(expected)
            for mode in ("binary", "count", "tfidf", "freq"):
                _same_or_same_error(ours, theirs, "texts_to_matrix", texts, mode)
        assert ours.sequences_to_texts(ids) == theirs.sequences_to_texts(ids)
        assert list(ours.sequences_to_texts_generator(ids)) == theirs.sequences_to_texts(ids)
        for mode in ("binary", "count", "tfidf", "freq"):
            _same_or_same_error(ours, theirs, "sequences_to_matrix", ids, mode)
        _assert_same_config(ours, theirs)
        # JSON both ways, then the restored tokenizers keep converting alike
        from_legacy = tokenizer_from_json(theirs.to_json())
        from_ours = legacy_text.tokenizer_from_json(ours.to_json())
        _assert_same_state(from_legacy, from_ours)
        _assert_same_config(tokenizer_from_json(ours.to_json(indent=2)), theirs)
        assert from_legacy.texts_to_sequences(probe) == from_ours.texts_to_sequences(probe)
        assert from_legacy.sequences_to_texts(ids) == from_ours.sequences_to_texts(ids)
        # fit_on_sequences feeds tf-idf
        ours.fit_on_sequences(ids)
        theirs.fit_on_sequences(ids)
        _assert_same_state(ours, theirs)
        _same_or_same_error(ours, theirs, "sequences_to_matrix", ids, "tfidf")


@settings(max_examples=60, deadline=None)
@given(options=_OPTIONS, ids=_IDS, num_words=st.none() | st.integers(1, 6))
def test_unfitted_and_wordless_tokenizers(options, ids, num_words):
    """Never fitted: a clear error. Fitted on texts without a word: Keras 2's values (or its error)."""
    options = {**options, "num_words": num_words}
    ours, theirs = Tokenizer(**options), legacy_text.Tokenizer(**options)
    with pytest.raises(ValueError, match="never fitted"):
        ours.texts_to_sequences(["a"])
    error = _same_or_same_error(ours, theirs, "sequences_to_texts", ids)
    if error is not None:  # Keras 2 fails with KeyError(None): the oov_token has no id yet
        with pytest.raises(ValueError, match="never fitted"):
            ours.sequences_to_texts(ids)
    wordless = [""] if options["char_level"] else ["", "!!", " "]
    options = {**options, "filters": DEFAULT_FILTERS, "split": " "}
    ours, theirs = Tokenizer(**options), legacy_text.Tokenizer(**options)
    ours.fit_on_texts(wordless)
    theirs.fit_on_texts(wordless)
    _assert_same_state(ours, theirs)
    assert ours.texts_to_sequences(["a b", ""]) == theirs.texts_to_sequences(["a b", ""])
    assert ours.sequences_to_texts(ids) == theirs.sequences_to_texts(ids)
    for mode in ("binary", "count", "tfidf", "freq"):
        error = _same_or_same_error(ours, theirs, "texts_to_matrix", ["a"], mode)
        if error is not None and options["oov_token"] is None and not num_words:
            with pytest.raises(ValueError, match=f"fitted on {len(wordless)} documents but found no word"):
                ours.texts_to_matrix(["a"], mode)


# ----------------------------------------------------------- ImageDataGenerator
_ANGLES = st.one_of(st.sampled_from([0, 90, -90, 180, 270, 45, 30]), st.floats(-180, 180))
_PARAMETERS = st.fixed_dictionaries(
    {},
    optional={
        "theta": _ANGLES,
        "tx": st.one_of(st.integers(-4, 4), st.floats(-6, 6)),
        "ty": st.one_of(st.integers(-4, 4), st.floats(-6, 6)),
        "shear": st.one_of(st.sampled_from([0, 45, -30]), st.floats(-40, 40)),
        "zx": st.one_of(st.sampled_from([1, 0.5, 2]), st.floats(0.5, 1.6)),
        "zy": st.one_of(st.sampled_from([1, 0.5, 2]), st.floats(0.5, 1.6)),
        "flip_horizontal": st.booleans(),
        "flip_vertical": st.booleans(),
        "channel_shift_intensity": st.none() | st.floats(-60, 60),
        "brightness": st.none() | st.floats(0.2, 1.8),
    },
)
_FILL = st.sampled_from(list(transforms.FILL_MODES))
_CVAL = st.sampled_from([0.0, 255.0]) | st.floats(0, 255)


@st.composite
def _images(draw):
    height, width = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    channels = draw(st.sampled_from([1, 3, 4]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    pixels = rng.uniform(0, 255, (height, width, channels))
    kind = draw(st.sampled_from(["integer", "float", "flat", "wide"]))
    if kind == "integer":  # whole grey levels, as decoded images are
        pixels = np.round(pixels)
    elif kind == "flat":  # constant regions: interpolation must give the level back exactly
        pixels = np.round(pixels / 64) * 64
    elif kind == "wide":  # outside [0, 255]: brightness rescales the image first
        pixels = pixels * 3 - 200
    return pixels.astype(np.float32)


@pytest.fixture(params=["numba", "numpy"])
def warp_path(request):
    """Run a test on both paths of the warp (the compiled kernel and NumPy)."""
    previous = os.environ.get(transforms.WARP_ENV)
    os.environ[transforms.WARP_ENV] = request.param
    yield request.param
    if previous is None:
        del os.environ[transforms.WARP_ENV]
    else:
        os.environ[transforms.WARP_ENV] = previous


def _legacy_generator(**kwargs):
    return legacy_image.ImageDataGenerator(**kwargs)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(x=_images(), parameters=_PARAMETERS, fill_mode=_FILL, cval=_CVAL)
@example(  # a 5x3 border pixel SciPy leaves to cval (its coordinate is 2 + 4e-16)
    x=np.arange(45, dtype=np.float32).reshape(5, 3, 3),
    parameters={"theta": 120.91910803675808, "shear": -35.15485869437404}, fill_mode="constant", cval=11.0,
)
@example(  # flips after the warp: folded into the matrix, the corner coordinate rounds to the other side
    x=np.array([[[10.0], [200.0]]], dtype=np.float32),
    parameters={"shear": -0.5111693408375757, "flip_horizontal": True, "flip_vertical": True},
    fill_mode="constant", cval=56.0,
)
@example(  # SciPy's "wrap" maps -3.0 on a 4-pixel axis to 3, np.mod to 0
    x=np.arange(16, dtype=np.float32).reshape(4, 4, 1), parameters={"ty": -3}, fill_mode="wrap", cval=0.0,
)
@example(  # Pillow's Brightness keeps the alpha channel of RGBA images
    x=np.full((2, 3, 4), 200.0, dtype=np.float32), parameters={"brightness": 0.5}, fill_mode="nearest", cval=0.0,
)
def test_apply_transform_matches_legacy(warp_path, x, parameters, fill_mode, cval):
    ours = ImageDataGenerator(fill_mode=fill_mode, cval=cval).apply_transform(x.copy(), parameters)
    theirs = _legacy_generator(fill_mode=fill_mode, cval=cval).apply_transform(x.copy(), parameters)
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    _assert_matches_legacy(ours, theirs, warp_path, parameters.get("brightness"), x)


def _assert_matches_legacy(ours, theirs, warp_path, brightness, x):
    if warp_path == "numpy" and brightness is not None:
        # Known difference of the NumPy fallback only: it interpolates in float32, so a
        # level that SciPy gives exactly (64.0) may come out 1 ulp lower (63.99999) and
        # the brightness shift's uint8 truncation then drops a whole grey level (in the
        # image's own range when brightness rescales it to 0..255 first).
        # See test_numpy_fallback_brightness_is_within_one_level.
        level = max(1.0, brightness) * max(1.0, (float(x.max()) - float(x.min())) / 255)
        assert np.abs(ours - theirs).max() <= level * (1 + 1e-5) + 1e-4
        return
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-4)


def test_numpy_fallback_brightness_is_within_one_level(monkeypatch):
    """The documented fallback difference, pinned: the compiled path is exact, NumPy one level off."""
    x = np.zeros((6, 4, 2), dtype=np.float32)
    x[...] = 64.0
    x[0, 0] = 192.0
    x = np.concatenate([x, x[..., :1]], axis=-1)
    parameters = {"ty": 0, "theta": 1.0, "brightness": 1.0}
    theirs = _legacy_generator().apply_transform(x.copy(), parameters)
    monkeypatch.setenv(transforms.WARP_ENV, "numba")
    np.testing.assert_allclose(ImageDataGenerator().apply_transform(x.copy(), parameters), theirs, atol=1e-4)
    monkeypatch.setenv(transforms.WARP_ENV, "numpy")
    assert np.abs(ImageDataGenerator().apply_transform(x.copy(), parameters) - theirs).max() <= 1.0


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    x=_images(),
    seed=st.integers(0, 2**32 - 1),
    options=st.fixed_dictionaries(
        {},
        optional={
            "rotation_range": st.sampled_from([0, 10, 90, 180]) | st.floats(0, 180),
            "width_shift_range": st.sampled_from([0.0, 0.2, 2, [0], [-1, 0, 1]]) | st.floats(0, 0.9),
            "height_shift_range": st.sampled_from([0.0, 0.2, 3, [0, 0], [2]]) | st.floats(0, 0.9),
            "shear_range": st.sampled_from([0.0, 20.0]) | st.floats(0, 45),
            "zoom_range": st.sampled_from([0.0, 0.2, [0.5, 1.0], [1.0, 1.0]]),
            "channel_shift_range": st.sampled_from([0.0, 30.0]),
            "brightness_range": st.sampled_from([None, (0.5, 1.5), [0.9, 1.1]]),
            "horizontal_flip": st.booleans(),
            "vertical_flip": st.booleans(),
            "fill_mode": _FILL,
            "cval": _CVAL,
        },
    ),
)
def test_random_transform_with_a_seed_matches_legacy(warp_path, x, seed, options):
    # Keras 2 seeds the global np.random (np.random.seed(seed)); kerasdl draws from
    # np.random.RandomState(seed): the same stream, so the same parameters.
    ours_generator, theirs_generator = ImageDataGenerator(**options), _legacy_generator(**options)
    expected_parameters = theirs_generator.get_random_transform(x.shape, seed=seed)
    assert ours_generator.get_random_transform(x.shape, seed=seed) == expected_parameters
    ours = ours_generator.random_transform(x.copy(), seed=seed)
    theirs = theirs_generator.random_transform(x.copy(), seed=seed)
    _assert_matches_legacy(ours, theirs, warp_path, expected_parameters["brightness"], x)


@settings(max_examples=60, deadline=None)
@given(
    batch=st.integers(1, 5), height=st.integers(1, 9), width=st.integers(1, 9), fill_mode=_FILL,
    order=st.sampled_from([0, 1]), data=st.data(),
)
def test_compiled_and_numpy_warps_agree_on_the_border(batch, height, width, fill_mode, order, data):
    """Both paths compute the same float64 coordinates, so they agree where "constant"/"wrap" jump."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(0, 256, (batch, height, width, 3)).astype(np.float32)
    angles = data.draw(st.lists(_ANGLES, min_size=batch, max_size=batch))
    shifts = data.draw(st.lists(st.integers(-4, 4), min_size=batch, max_size=batch))
    flips = np.array(data.draw(st.lists(st.booleans(), min_size=2 * batch, max_size=2 * batch))).reshape(batch, 2)
    m = transforms.affine_matrices(theta=angles, tx=shifts, height=height, width=width)
    results = []
    for path in ("numba", "numpy"):
        with mock.patch.dict(os.environ, {transforms.WARP_ENV: path}):
            results.append(transforms._warp(x, m, fill_mode, 7.0, order, None, None, flips))
    np.testing.assert_allclose(results[0], results[1], rtol=0, atol=1e-4)
