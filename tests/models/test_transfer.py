from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.models import (
    ImageNetPreprocessing,
    WeightsNotFoundError,
    build_transfer_model,
    create_model,
    freeze_backbone,
    list_models,
    set_fine_tune,
)
from kerasdl.models.backbones import BACKBONES, imagenet_weights_file, keras_models_dirs
from kerasdl.models.transfer import get_backbone_layer

SMALL = {"backbone": "mobilenet_v2", "input_shape": (32, 32, 3), "backbone_kwargs": {"alpha": 0.35}}


def small_model(**kwargs):
    return build_transfer_model(**{**SMALL, "num_classes": 3, "weights": None, **kwargs})


def images(n=4, seed=0, size=32):
    return np.random.default_rng(seed).uniform(0, 255, (n, size, size, 3)).astype("float32")


def bn_layers(model):
    return [l for l in get_backbone_layer(model).layers if isinstance(l, keras.layers.BatchNormalization)]


@pytest.mark.multibackend
@pytest.mark.parametrize(
    "mode,preprocess_input",
    [
        ("caffe", keras.applications.resnet50.preprocess_input),
        ("tf", keras.applications.mobilenet_v2.preprocess_input),
        ("torch", keras.applications.densenet.preprocess_input),
    ],
)
def test_preprocessing_layer_equals_keras_preprocess_input_without_touching_input(mode, preprocess_input):
    x = images(2, size=5)
    original = x.copy()
    expected = preprocess_input(x.copy())
    out = keras.ops.convert_to_numpy(ImageNetPreprocessing(mode)(x))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(x, original)  # resnet50.preprocess_input would modify it in place
    layer = ImageNetPreprocessing.from_config(ImageNetPreprocessing(mode, name="p").get_config())
    assert layer.mode == mode and layer.name == "p" and layer.dtype_policy.name == "float32"


def test_backbone_table_uses_each_backbones_own_preprocessing():
    assert {"resnet50", "vgg16", "mobilenet_v2"} <= set(BACKBONES)
    x = images(1, size=3)
    for name, spec in BACKBONES.items():
        out = keras.ops.convert_to_numpy(ImageNetPreprocessing(spec.mode)(x))
        np.testing.assert_allclose(out, spec.preprocess_input(x.copy()), rtol=1e-5, atol=1e-4, err_msg=name)


def weights_of(layer):
    return [keras.ops.convert_to_numpy(w) for w in layer.weights]


@pytest.mark.multibackend
def test_two_phase_recipe_feature_extraction_then_fine_tune():
    keras.utils.set_random_seed(0)
    model = small_model()
    base = get_backbone_layer(model)
    assert not base.trainable and len(model.trainable_weights) == 2  # the head's kernel and bias
    assert model.count_params() == base.count_params() + 1280 * 3 + 3
    x = images(16)
    y = (x[..., 0].mean(axis=(1, 2)) > x[..., 2].mean(axis=(1, 2))).astype("int32")
    frozen = weights_of(base)
    # On TensorFlow, tracing a 150-layer backbone costs more than these few eager steps (JAX: jit is faster).
    eager = keras.backend.backend() == "tensorflow"
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy", run_eagerly=eager)
    losses = model.fit(x, y, epochs=4, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    # Frozen, and in inference mode: BatchNorm moving statistics did not move either.
    for old, new in zip(frozen, base.weights):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))

    set_fine_tune(model, fine_tune_layers=10)
    conv = next(l for l in reversed(base.layers) if l.weights and not isinstance(l, keras.layers.BatchNormalization))
    bn = bn_layers(model)[-1]
    conv_before, bn_before = weights_of(conv), weights_of(bn)
    model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy", run_eagerly=eager)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert not np.array_equal(conv_before[0], keras.ops.convert_to_numpy(conv.weights[0]))
    for old, new in zip(bn_before, bn.weights):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))
    assert len(freeze_backbone(model).trainable_weights) == 2


def test_fine_tune_all_or_top_layers_keeps_batchnorm_frozen():
    model = small_model(strategy="fine_tune")
    base = get_backbone_layer(model)
    convs = [w for l in base.layers if not isinstance(l, keras.layers.BatchNormalization) for w in l.weights]
    assert len(model.trainable_weights) == len(convs) + 2
    assert bn_layers(model) and not any(l.trainable for l in bn_layers(model))
    top = small_model(strategy="fine_tune", fine_tune_layers=10)
    top_base = get_backbone_layer(top)
    expected = [l.weights for l in top_base.layers[-10:] if not isinstance(l, keras.layers.BatchNormalization)]
    expected = [id(w) for ws in expected + [top.get_layer("predictions_logits").weights] for w in ws]
    assert sorted(id(w) for w in top.trainable_weights) == sorted(expected) and len(expected) == 5
    assert not any(l.trainable for l in top_base.layers[:-10])


@pytest.mark.multibackend
def test_keras_round_trip_identical_predictions_and_trainable_flags(tmp_path):
    model = small_model(strategy="fine_tune", fine_tune_layers=5)
    x = images(3)
    model.save(tmp_path / "transfer.keras")
    restored = keras.models.load_model(tmp_path / "transfer.keras")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(x)), keras.ops.convert_to_numpy(restored(x)))
    assert len(restored.trainable_weights) == len(model.trainable_weights)
    assert isinstance(restored.get_layer("preprocess"), ImageNetPreprocessing)


def test_weights_from_a_local_file_are_loaded(tmp_path):
    keras.utils.set_random_seed(3)
    source = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35)
    path = tmp_path / "backbone.weights.h5"
    source.save_weights(path)
    model = small_model(weights=str(path))
    for expected, loaded in zip(source.weights, get_backbone_layer(model).weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(expected), keras.ops.convert_to_numpy(loaded))


def test_imagenet_weights_come_from_the_keras_cache_without_download(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def no_download(*args, **kwargs):
        raise AssertionError("must not download")

    monkeypatch.setattr(keras.utils, "get_file", no_download)
    file_name = imagenet_weights_file("mobilenet_v2", input_shape=(32, 32, 3), alpha=0.35)[0]
    assert file_name == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
    keras.utils.set_random_seed(4)
    source = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35)
    cached = keras_models_dirs()[0] / file_name
    cached.parent.mkdir(parents=True)
    source.save(cached)  # the legacy HDF5 layout of the Keras ImageNet files
    model = build_transfer_model(**SMALL, weights="imagenet")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(source.weights[0]),
        keras.ops.convert_to_numpy(get_backbone_layer(model).weights[0]),
    )


def test_offline_imagenet_fails_with_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(fname, origin=None, **kwargs):
        raise Exception(f"URL fetch failure on {origin}: None -- [Errno -2] Name or service not known")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(WeightsNotFoundError, match=r"'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5'.*"
                       r"\$KERAS_HOME/models.*weights=PATH.*Received: weights='imagenet'") as info:
        build_transfer_model("resnet50", input_shape=(32, 32, 3))
    assert str(tmp_path / "models") in str(info.value) and isinstance(info.value, FileNotFoundError)
    assert info.value.__cause__ is None  # no chained raw URL traceback


def test_resnet50_and_vgg16_match_the_keras_parameter_counts():
    # keras.applications documents 23,587,712 (ResNet50) and 14,714,688 (VGG16) without the top.
    resnet = build_transfer_model("resnet50", num_classes=5, input_shape=(32, 32, 3), weights=None)
    assert resnet.count_params() == 23_587_712 + 2048 * 5 + 5
    assert resnet.get_layer("preprocess").mode == "caffe"
    vgg = create_model("transfer", backbone="VGG16", num_classes=1, input_shape=(32, 32, 3), weights=None,
                       strategy="fine_tune", fine_tune_layers=4)
    assert vgg.count_params() == 14_714_688 + 512 + 1 and vgg.layers[-1].activation.__name__ == "sigmoid"
    assert len(vgg.trainable_weights) == 8  # block5 conv1-3 + the head
    assert "transfer" in list_models(task="image-classification")


def test_output_stays_float32_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_bfloat16")
    model = small_model()
    assert get_backbone_layer(model).compute_dtype == "bfloat16"
    assert model.get_layer("preprocess").compute_dtype == "float32"
    out = model(images(1))
    assert keras.backend.standardize_dtype(out.dtype) == "float32"


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"backbone": "resnet18"}, ValueError, r"`backbone` must be one of 'resnet50', 'vgg16', 'mobilenet_v2'.*"
                                               r"Received: backbone='resnet18'"),
        ({"strategy": "freeze"}, ValueError, r"`strategy` must be one of 'feature_extraction', 'fine_tune'"),
        ({"fine_tune_layers": 3}, ValueError, r"only used with strategy='fine_tune'.*fine_tune_layers=3"),
        ({"strategy": "fine_tune", "fine_tune_layers": 0}, ValueError, r"Received: fine_tune_layers=0"),
        ({"input_shape": (16, 16, 3)}, ValueError, r"at least 32x32.*Received: input_shape=\(16, 16, 3\)"),
        ({"weights": "imagenet", "input_shape": (32, 32, 1)}, ValueError, r"need 3-channel.*input_shape"),
        ({"weights": 3}, TypeError, r"'imagenet', None or the path of a local weights file. Received: weights=3"),
        ({"weights": "/no/such/file.h5"}, FileNotFoundError, r"does not exist.*Received: weights='/no/such/file.h5'"),
        ({"backbone_kwargs": {"include_top": True}}, ValueError, r"must not set \['include_top'\]"),
        ({"dropout": -0.1}, ValueError, r"Received: dropout=-0.1"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_transfer_model(**{**SMALL, "weights": None, **kwargs})


def test_mismatched_weights_file_and_non_transfer_model(tmp_path):
    other = keras.applications.VGG16(input_shape=(32, 32, 3), include_top=False, weights=None)
    other.save_weights(tmp_path / "vgg.weights.h5")
    with pytest.raises(ValueError, match=r"Could not load the weights file into the mobilenet_v2 backbone"):
        small_model(weights=tmp_path / "vgg.weights.h5")
    with pytest.raises(ValueError, match=r"has no backbone.*Received: model='vgg16'"):
        set_fine_tune(other)
