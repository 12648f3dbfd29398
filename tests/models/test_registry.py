from __future__ import annotations

import pytest

from kerasdl.models import create_model, list_models, register_model
from kerasdl.models.registry import get_model_entry

pytestmark = pytest.mark.multibackend


def test_registry_lists_and_creates():
    names = list_models()
    assert names == sorted(names)
    assert {"lenet", "dense_classifier"} <= set(names)
    assert create_model("lenet", num_classes=4).output_shape == (None, 4)
    assert list_models("lenet*") == ["lenet"]
    assert "lenet" in list_models(task="image-classification")
    assert get_model_entry("lenet").summary.startswith("LeNet-5")


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown model name. Valid names: .*lenet.*Received: name='lenett'"):
        create_model("lenett")


def test_duplicate_registration_is_refused():
    def build_other():
        """Another model."""

    with pytest.raises(ValueError, match="already registered"):
        register_model("lenet", task="x")(build_other)
