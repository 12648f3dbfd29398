"""Every registered factory round-trips through JSON, YAML and .keras with identical predictions."""

from __future__ import annotations

import inspect
import json

import keras
import numpy as np
import pytest
import yaml

from kerasdl.models import get_model_entry, list_models
from kerasdl.serialization import load_architecture, load_model, save_architecture, save_model

#: Small or required arguments per factory (heavy defaults shrunk; tests stay fast).
OVERRIDES: dict[str, dict] = {
    "cifar_cnn": {"input_shape": (16, 16, 3), "num_blocks": 2, "base_filters": 4, "dense_units": 8},
    "conditional_gan": {"num_classes": 3, "latent_dim": 4, "image_shape": (8, 8, 1), "units": (8, 8, 8)},
    "dcgan": {"latent_dim": 4, "image_shape": (8, 8, 1), "filters": 4},
    "dense_classifier": {"input_shape": (8, 8, 1), "hidden_units": (8,)},
    "gan": {"latent_dim": 4, "image_shape": (8, 8, 1), "units": (8, 8, 8)},
    "regressor": {"num_features": 5, "hidden_units": (8, 8)},
    "text_classifier": {"vocab_size": 50, "embedding_dim": 8, "rnn_units": 4, "sequence_length": 6},
    "transfer": {
        "backbone": "mobilenet_v2", "weights": None, "input_shape": (32, 32, 3), "num_classes": 3,
        "backbone_kwargs": {"alpha": 0.35},
    },
    "word2vec": {"vocab_size": 50, "embedding_dim": 8},
}
#: Slow to build on JAX/PyTorch (op-by-op initialisation): checked there by the slow variant only.
HEAVY = {"transfer", "cifar_cnn", "dcgan"}
#: Used for factories registered after this test was written, where the builder accepts them.
GENERIC = {"vocab_size": 50, "embedding_dim": 8, "rnn_units": 4, "sequence_length": 6, "latent_dim": 4}


def _build(name):
    builder = get_model_entry(name).builder
    kwargs = OVERRIDES.get(name)
    if kwargs is None:
        params = inspect.signature(builder).parameters
        kwargs = {k: v for k, v in GENERIC.items() if k in params}
    return builder(**kwargs)


def _functional_parts(model):
    """The model itself when it has inputs, else its sub-models that do (a GAN's networks)."""
    try:
        if model.inputs:
            return {"model": model}
    except (AttributeError, ValueError):
        pass
    parts = {layer.name: layer for layer in model.layers if isinstance(layer, keras.Model)}
    assert parts, f"{model.name} has neither inputs nor sub-models to predict with"
    return {name: _functional_parts(part)[next(iter(_functional_parts(part)))] for name, part in parts.items()}


def _vocab(model):
    dims = [layer.input_dim for layer in model._flatten_layers() if isinstance(layer, keras.layers.Embedding)]
    return min(dims) if dims else 10


def _inputs(model, rng):
    data = []
    for tensor in model.inputs:
        shape = [2] + [d if d is not None else 6 for d in tensor.shape[1:]]
        if "int" in str(tensor.dtype):
            data.append(rng.integers(0, _vocab(model), size=shape).astype(str(tensor.dtype)))
        else:
            data.append(rng.uniform(0, 1, size=shape).astype("float32"))
    return data[0] if len(data) == 1 else data


def _assert_same_predictions(original, restored):
    rng = np.random.default_rng(0)
    ours, theirs = _functional_parts(original), _functional_parts(restored)
    assert sorted(ours) == sorted(theirs)
    for part, model in ours.items():
        x = _inputs(model, rng)
        expected = keras.tree.flatten(model(x, training=False))
        got = keras.tree.flatten(theirs[part](x, training=False))
        assert len(expected) == len(got)
        for e, g in zip(expected, got):
            e, g = keras.ops.convert_to_numpy(e), keras.ops.convert_to_numpy(g)
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6, err_msg=part)


def _round_trip(name, tmp_path):
    model = _build(name)
    for suffix in (".json", ".yaml"):
        path = save_architecture(model, tmp_path / f"arch{suffix}")
        if suffix == ".yaml" and name in HEAVY:  # same document as the JSON one: no need to rebuild
            assert yaml.safe_load(path.read_text()) == json.loads((tmp_path / "arch.json").read_text())
            continue
        rebuilt = load_architecture(path)
        assert type(rebuilt) is type(model)
        rebuilt.set_weights(model.get_weights())
        _assert_same_predictions(model, rebuilt)
    loaded = load_model(save_model(model, tmp_path / "model.keras"))
    assert type(loaded) is type(model)
    _assert_same_predictions(model, loaded)


@pytest.mark.multibackend
@pytest.mark.parametrize("name", list_models())
def test_factory_round_trips(name, tmp_path):
    if name in HEAVY and keras.backend.backend() != "tensorflow":
        pytest.skip(f"{name} is slow to build on {keras.backend.backend()}: see the slow variant")
    _round_trip(name, tmp_path)


@pytest.mark.slow
@pytest.mark.multibackend
@pytest.mark.parametrize("name", sorted(HEAVY))
def test_heavy_factory_round_trips_on_every_backend(name, tmp_path):
    if name not in list_models():
        pytest.skip(f"{name} is not registered")
    _round_trip(name, tmp_path)
