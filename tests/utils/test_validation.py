from __future__ import annotations

import pytest

from kerasdl.utils import check_choice, check_positive_int, check_probability, check_shape


def test_check_positive_int():
    assert check_positive_int(3, "n") == 3
    assert check_positive_int(None, "n", allow_none=True) is None
    with pytest.raises(TypeError, match=r"`n` must be a positive integer. Received: n=True"):
        check_positive_int(True, "n")
    with pytest.raises(ValueError, match=r"Received: n=-1"):
        check_positive_int(-1, "n")


def test_check_probability_and_choice_and_shape():
    assert check_probability(0.0, "p") == 0.0
    assert check_probability(1, "p", inclusive_high=True) == 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        check_probability(1, "p")
    with pytest.raises(TypeError, match="must be a number"):
        check_probability("0.5", "p")
    assert check_choice("MAX", "pooling", ("max", "average")) == "max"
    with pytest.raises(ValueError, match=r"one of 'max', 'average'. Received: pooling='min'"):
        check_choice("min", "pooling", ("max", "average"))
    assert check_shape([1, 2], "s", rank=(2, 3)) == (1, 2)
    with pytest.raises(ValueError, match="must have 2 or 3 dimensions"):
        check_shape((1,), "s", rank=(2, 3))
    with pytest.raises(ValueError, match="positive integers"):
        check_shape((0, 2), "s")
