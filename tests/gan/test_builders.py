"""The course's GAN builders: layouts, registry, arguments."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.gan import GAN, ConditionalGAN, build_conditional_gan, build_dcgan, build_gan
from kerasdl.models import create_model, list_models


def test_build_gan_is_the_course_dense_gan():
    gan = build_gan()
    assert isinstance(gan, GAN) and not gan.compiled
    g, d = gan.generator, gan.discriminator
    assert g.input_shape == (None, 100) and g.output_shape == (None, 28, 28, 1)
    assert [layer.units for layer in g.layers if isinstance(layer, keras.layers.Dense)] == [256, 512, 1024, 784]
    assert [layer.units for layer in d.layers if isinstance(layer, keras.layers.Dense)] == [1024, 512, 256, 1]
    slopes = {layer.negative_slope for layer in (*g.layers, *d.layers) if isinstance(layer, keras.layers.LeakyReLU)}
    assert slopes == {0.2}
    assert [layer.rate for layer in d.layers if isinstance(layer, keras.layers.Dropout)] == [0.3, 0.3, 0.3]
    assert g.layers[-2].activation.__name__ == "tanh"
    assert d.layers[-1].activation.__name__ == "sigmoid"
    assert (g.count_params(), d.count_params()) == (1_486_352, 1_460_225)


def test_build_dcgan_shapes_for_mnist_and_cifar():
    gan = build_dcgan()
    assert gan.generator.output_shape == (None, 28, 28, 1)
    assert gan.discriminator.output_shape == (None, 1)
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in gan.generator.layers)
    assert any(isinstance(layer, keras.layers.Conv2DTranspose) for layer in gan.generator.layers)
    colour = build_dcgan(latent_dim=32, image_shape=(32, 32, 3), filters=8)
    assert colour.generator.output_shape == (None, 32, 32, 3)
    assert colour.sample(2, seed=0).shape == (2, 32, 32, 3)
    with pytest.raises(ValueError, match="divisible by 4.*Received: image_shape=\\(30, 30, 1\\)"):
        build_dcgan(image_shape=(30, 30, 1))


def test_build_dcgan_trains_with_batch_norm():
    gan = build_dcgan(latent_dim=4, image_shape=(8, 8, 1), filters=4, seed=0)
    gan.compile()
    moving = gan.generator.get_layer("project_bn").moving_mean
    before = keras.ops.convert_to_numpy(moving).copy()
    history = gan.fit(np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)), batch_size=8, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
    assert not np.allclose(before, keras.ops.convert_to_numpy(moving))
    assert gan.loss_fn.from_logits is True  # linear Dense(1) discriminator


def test_build_conditional_gan_and_registry():
    gan = build_conditional_gan(10)
    assert isinstance(gan, ConditionalGAN) and gan.num_classes == 10
    assert [tuple(s) for s in gan.generator.input_shape] == [(None, 100), (None,)]
    assert {"gan", "dcgan", "conditional_gan"} <= set(list_models(task="gan"))
    assert isinstance(create_model("gan", latent_dim=8, image_shape=(8, 8, 1), units=(16,)), GAN)
    assert create_model("dcgan", image_shape=(32, 32, 3), filters=4).generator.output_shape[-1] == 3
    assert create_model("conditional_gan", num_classes=2, units=(8,)).num_classes == 2


def test_builders_forward_gan_options_and_validate():
    gan = build_gan(latent_dim=8, image_shape=(8, 8, 1), units=(16,), d_steps=2, label_noise=0.05)
    assert (gan.d_steps, gan.label_noise) == (2, 0.05)
    with pytest.raises(ValueError, match="`units` must list at least one layer size"):
        build_gan(units=())
    with pytest.raises(ValueError, match="`latent_dim` must be a positive integer"):
        build_gan(latent_dim=0)
    with pytest.raises(ValueError, match="`image_shape` must have 3 dimensions"):
        build_gan(image_shape=(28, 28))
    with pytest.raises(ValueError, match="`num_classes` must be a positive integer"):
        build_conditional_gan(0)


@pytest.mark.parametrize("builder", ["gan", "dcgan", "conditional_gan"])
def test_generated_images_and_scores_stay_float32_under_mixed_bfloat16(builder):
    keras.config.set_dtype_policy("mixed_bfloat16")
    kwargs = {"num_classes": 3} if builder == "conditional_gan" else {}
    gan = create_model(builder, **kwargs)
    for model in (gan.generator, gan.discriminator):
        assert keras.backend.standardize_dtype(model.outputs[0].dtype) == "float32", model.name
