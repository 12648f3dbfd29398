"""skipgrams / make_sampling_table against the legacy Keras functions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from kerasdl.text import make_sampling_table, skipgrams


def _legacy():
    try:
        from keras.src.legacy.preprocessing import sequence
    except ImportError:  # pragma: no cover - depends on the Keras version
        sequence = pytest.importorskip("tensorflow").keras.preprocessing.sequence
    return sequence


@pytest.mark.multibackend
def test_doc_example_and_window():
    couples, labels = skipgrams([1, 2, 3], 4, window_size=1, negative_samples=0, shuffle=False)
    assert couples == [[1, 2], [2, 1], [2, 3], [3, 2]]
    assert labels == [1, 1, 1, 1]
    couples, _ = skipgrams([0, 5, 0, 6], 7, window_size=2, negative_samples=0, shuffle=False)
    assert couples == [[5, 6], [6, 5]]  # id 0 is padding: never a target nor a context


def test_positive_pairs_equal_legacy_without_shuffle():
    legacy = _legacy()
    rs = np.random.RandomState(1)
    for _ in range(20):
        seq = rs.randint(0, 40, size=rs.randint(0, 30)).tolist()
        window = int(rs.randint(1, 6))
        expected = legacy.skipgrams(seq, 40, window_size=window, negative_samples=0, shuffle=False)
        assert skipgrams(seq, 40, window_size=window, negative_samples=0, shuffle=False) == expected


def test_exactly_equal_to_legacy_with_same_seed():
    """Same seed, same draws: equal to `random.seed(s); legacy.skipgrams(..., seed=s)`."""
    legacy = _legacy()
    rs = np.random.RandomState(0)
    for trial in range(40):
        seq = rs.randint(0, 30, size=rs.randint(0, 40)).tolist()
        kwargs = dict(
            window_size=int(rs.randint(1, 5)),
            negative_samples=float(rs.choice([0.0, 0.5, 1.0, 2.0])),
            categorical=bool(rs.randint(2)),
            shuffle=bool(rs.randint(2)),
            sampling_table=make_sampling_table(30, 0.05) if rs.randint(2) else None,
        )
        seed = int(rs.randint(10_000))
        random.seed(seed)
        expected = legacy.skipgrams(seq, 30, seed=seed, **kwargs)
        assert skipgrams(seq, 30, seed=seed, **kwargs) == expected, (trial, kwargs)


@pytest.mark.multibackend
def test_negatives_count_range_and_global_random_untouched():
    random.seed(123)
    before = random.getstate()
    seq = list(range(1, 21))
    couples, labels = skipgrams(seq, 50, window_size=3, negative_samples=2.0, seed=7)
    assert random.getstate() == before
    positives = sum(labels)
    assert len(labels) - positives == int(2.0 * positives)
    negatives = [c for c, lab in zip(couples, labels) if lab == 0]
    assert all(1 <= c[1] < 50 and c[0] in seq for c in negatives)
    # reproducible with a seed, different with another
    assert skipgrams(seq, 50, window_size=3, negative_samples=2.0, seed=7) == (couples, labels)
    assert skipgrams(seq, 50, window_size=3, negative_samples=2.0, seed=8) != (couples, labels)


@pytest.mark.multibackend
def test_categorical_labels_and_numpy_input():
    couples, labels = skipgrams(np.array([1, 2, 3]), 4, window_size=1, categorical=True, seed=0)
    assert len(couples) == 8
    assert sorted(map(tuple, labels)) == [(0, 1)] * 4 + [(1, 0)] * 4


@pytest.mark.multibackend
def test_sampling_table_matches_legacy_and_subsamples():
    legacy = _legacy()
    for size, factor in [(1, 1e-5), (10, 1e-5), (10_000, 1e-5), (500, 1e-3)]:
        np.testing.assert_array_equal(make_sampling_table(size, factor), legacy.make_sampling_table(size, factor))
    table = np.zeros(10)
    table[5] = 1.0
    couples, _ = skipgrams([5, 6, 7], 10, window_size=2, negative_samples=0, sampling_table=table, seed=0)
    assert {c[0] for c in couples} == {5}


@pytest.mark.multibackend
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(sequence="some text", vocabulary_size=5), TypeError, "not a string"),
        (dict(sequence=[1, "a"], vocabulary_size=5), TypeError, "integer word ids"),
        (dict(sequence=[1.5, 2], vocabulary_size=5), TypeError, "integer word ids"),
        (dict(sequence=[[1, 2], [3]], vocabulary_size=5), TypeError, "once per"),
        (dict(sequence=np.ones((2, 2), int), vocabulary_size=5), ValueError, "1-D"),
        (dict(sequence=[1, 9], vocabulary_size=5), ValueError, "vocabulary_size"),
        (dict(sequence=[1, -1], vocabulary_size=5), ValueError, "found -1"),
        (dict(sequence=[1, 2], vocabulary_size=0), ValueError, "vocabulary_size=0"),
        (dict(sequence=[1, 2], vocabulary_size=5, window_size=-1), ValueError, "window_size=-1"),
        (dict(sequence=[1, 2], vocabulary_size=5, negative_samples=-1), ValueError, "negative_samples=-1"),
        (dict(sequence=[1, 7], vocabulary_size=9, sampling_table=[1.0] * 5), ValueError, "sampling_table"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        skipgrams(**kwargs)


@pytest.mark.multibackend
def test_sampling_table_bad_input():
    with pytest.raises(ValueError, match="size"):
        make_sampling_table(0)
    with pytest.raises(ValueError, match="sampling_factor"):
        make_sampling_table(10, 0)
    with pytest.raises(TypeError, match="sampling_factor"):
        make_sampling_table(10, "1e-5")
