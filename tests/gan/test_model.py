"""The GAN trains with fit on every backend, in mixed precision, and round-trips through .keras."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.gan import GAN, build_conditional_gan, build_gan, frechet_distance

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _tiny_gan(**kwargs):
    return build_gan(latent_dim=4, image_shape=(4, 4, 1), units=(8,), seed=0, **kwargs)


def _images(n=32, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 4, 4, 1)).astype("float32")


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


def _changed(before, after):
    return [not np.allclose(a, b) for a, b in zip(before, after)]


@pytest.mark.multibackend
def test_fit_trains_both_networks_then_keras_round_trip_keeps_training(tmp_path):
    gan = _tiny_gan(label_smoothing=0.1)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(2e-3))
    g0, d0 = _weights(gan.generator), _weights(gan.discriminator)
    history = gan.fit(_images(32), batch_size=8, epochs=2, verbose=0)
    assert sorted(history.history) == ["d_acc_fake", "d_acc_real", "d_loss", "g_loss"]
    for values in history.history.values():
        assert len(values) == 2 and np.isfinite(values).all()
    assert 0.0 <= history.history["d_acc_real"][-1] <= 1.0
    assert all(_changed(g0, _weights(gan.generator)))
    assert all(_changed(d0, _weights(gan.discriminator)))
    assert int(gan.g_optimizer.iterations) == 8 and int(gan.d_optimizer.iterations) == 8  # 4 steps x 2
    assert set(map(id, gan.optimizer.variables)) == {
        *map(id, gan.d_optimizer.variables), *map(id, gan.g_optimizer.variables)
    }
    # .keras round trip: weights, options and optimizer state come back, and training goes on.
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is GAN and loaded.label_smoothing == 0.1 and loaded.latent_dim == 4
    for a, b in zip(gan.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(gan.sample(3, seed=1), loaded.sample(3, seed=1), atol=1e-6)
    assert float(loaded.g_optimizer.learning_rate) == pytest.approx(2e-3)
    for a, b in zip(gan.d_optimizer.variables, loaded.d_optimizer.variables):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    before = _weights(loaded.generator)
    loaded.fit(_images(16, seed=1), batch_size=8, verbose=0)
    assert int(loaded.d_optimizer.iterations) == 10 and int(loaded.g_optimizer.iterations) == 10
    assert all(_changed(before, _weights(loaded.generator)))


def test_d_steps_runs_several_discriminator_steps_and_uint8_input_works():
    gan = _tiny_gan(d_steps=2)
    gan.compile()
    history = gan.fit((_images(16) > 0).astype("uint8"), batch_size=8, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2 and int(gan.d_optimizer.iterations) == 4
    assert np.isfinite(history.history["d_loss"]).all()


@pytest.mark.multibackend
def test_mixed_float16_loss_scales_both_optimizers():
    keras.config.set_dtype_policy("mixed_float16")
    gan = build_gan(latent_dim=2, image_shape=(2, 2, 1), units=(4,), seed=0)
    gan.compile()
    calls = {"d": 0, "g": 0}
    for key, opt in (("d", gan.d_optimizer), ("g", gan.g_optimizer)):
        assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
        original = opt.scale_loss

        def counting(loss, original=original, key=key):
            calls[key] += 1
            return original(loss)

        opt.scale_loss = counting
    history = gan.fit(np.zeros((4, 2, 2, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    assert calls["d"] >= 1 and calls["g"] >= 1
    assert np.isfinite(history.history["g_loss"]).all()
    assert int(gan.d_optimizer.iterations) == 1 and int(gan.g_optimizer.iterations) == 1
    assert gan.discriminator.output.dtype == "float32"
    assert gan.generator.layers[1].compute_dtype == "float16"


def test_mixed_bfloat16_needs_no_loss_scaling():
    keras.config.set_dtype_policy("mixed_bfloat16")
    gan = build_gan(latent_dim=2, image_shape=(2, 2, 1), units=(4,), seed=0)
    gan.compile()
    assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    history = gan.fit(np.zeros((4, 2, 2, 1), "float32"), batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
    assert gan.discriminator.output.dtype == "float32"


@pytest.mark.multibackend
def test_learns_a_2d_gaussian():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    real = (rng.normal(size=(1024, 2)) * 0.5 + [3.0, -2.0]).astype("float32")
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
    discriminator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    gan = GAN(generator, discriminator, latent_dim=2, seed=0)
    gan.compile(keras.optimizers.Adam(5e-3, beta_1=0.5), keras.optimizers.Adam(5e-3, beta_1=0.5))
    z = rng.normal(size=(1024, 2)).astype("float32")
    start = frechet_distance(real, gan.generate(z))
    distances = []
    for _ in range(4):  # at most 4 x 16 = 64 steps
        gan.fit(real, batch_size=64, epochs=1, verbose=0)
        distances.append(frechet_distance(real, gan.generate(z)))
        if distances[-1] <= start / 2:
            break
    assert min(distances) <= start / 2, (start, distances)


def test_get_config_from_config_nests_the_networks():
    gan = _tiny_gan(label_noise=0.05, d_steps=3)
    config = gan.get_config()
    assert config["generator"]["class_name"] in ("Functional", "Model")
    clone = GAN.from_config(config)
    assert (clone.latent_dim, clone.label_noise, clone.d_steps, clone.seed) == (4, 0.05, 3, 0)
    assert clone.generator.count_params() == gan.generator.count_params()
    assert clone.discriminator.count_params() == gan.discriminator.count_params()
    assert clone.get_compile_config() == {}


@pytest.mark.multibackend
def test_conditional_gan_trains_samples_and_round_trips(tmp_path):
    gan = build_conditional_gan(3, latent_dim=4, image_shape=(4, 4, 1), units=(8,), seed=0)
    gan.compile()
    history = gan.fit(_images(24), np.arange(24) % 3, batch_size=8, verbose=0)
    assert np.isfinite(history.history["g_loss"]).all()
    images = gan.sample(4, labels=[0, 1, 2, 0], seed=0)
    assert images.shape == (4, 4, 4, 1) and 0.0 <= images.min() and images.max() <= 1.0
    gan.save(tmp_path / "cgan.keras")
    loaded = keras.models.load_model(tmp_path / "cgan.keras")
    assert loaded.num_classes == 3
    np.testing.assert_allclose(loaded.sample(4, seed=0), gan.sample(4, seed=0), atol=1e-6)


def test_conditional_gan_errors():
    gan = build_conditional_gan(3, latent_dim=4, image_shape=(4, 4, 1), units=(8,), seed=0)
    gan.compile()
    with pytest.raises(ValueError, match="labels are missing"):
        gan.fit(_images(8), batch_size=8, verbose=0)
    one_hot = keras.utils.to_categorical(np.arange(8) % 3, 3)
    assert np.isfinite(gan.fit(_images(8), one_hot, batch_size=8, verbose=0).history["g_loss"]).all()
    with pytest.raises(ValueError, match=r"`labels` must hold 2 class ids in \[0, 3\)"):
        gan.sample(2, labels=[0, 3])
    plain = _tiny_gan()
    with pytest.raises(ValueError, match="must take two inputs"):
        type(gan)(plain.generator, plain.discriminator, num_classes=3, latent_dim=4)


def test_sample_is_in_unit_range_and_reproducible():
    gan = _tiny_gan()
    images = gan.sample(5, seed=3)
    assert images.shape == (5, 4, 4, 1) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0
    np.testing.assert_array_equal(images, gan.sample(5, seed=3))
    assert not np.array_equal(images, gan.sample(5, seed=4))


def test_targets_apply_label_smoothing_and_noise():
    gan = _tiny_gan(label_smoothing=0.1)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gan._targets(1.0, 3)), 0.9, rtol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gan._targets(0.0, 3)), 0.0)
    noisy = _tiny_gan(label_noise=0.2)
    real = keras.ops.convert_to_numpy(noisy._targets(1.0, 200))
    fake = keras.ops.convert_to_numpy(noisy._targets(0.0, 200))
    assert 0.8 <= real.min() < real.max() <= 1.0 and 0.0 <= fake.min() < fake.max() <= 0.2


def test_default_loss_follows_the_discriminator_activation():
    gan = _tiny_gan()  # sigmoid discriminator
    gan.compile()
    assert gan.loss_fn.from_logits is False
    assert isinstance(gan.d_optimizer, keras.optimizers.Adam)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(gan.g_optimizer.beta_1) == pytest.approx(0.5)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    logits_gan = GAN(g, d, latent_dim=2)
    logits_gan.compile()
    assert logits_gan.loss_fn.from_logits is True


def test_errors_are_clear():
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"`latent_dim` must equal the size of the generator's noise input \(3\)"):
        GAN(g, d, latent_dim=4)
    d2 = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"one score per image, shape \(None, 1\).*\(None, 2\)"):
        GAN(g, d2, latent_dim=3)
    d3 = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="generator's output shape .* must match the discriminator's input"):
        GAN(g, d3, latent_dim=3)
    with pytest.raises(TypeError, match="`generator` must be a keras.Model"):
        GAN("generator", d, latent_dim=3)
    with pytest.raises(ValueError, match=r"`label_smoothing` must be in \[0, 1\)"):
        GAN(g, d, latent_dim=3, label_smoothing=1.5)
    gan = GAN(g, d, latent_dim=3)
    with pytest.raises(ValueError, match="`g_optimizer` is missing.*Received: g_optimizer=None"):
        gan.compile(d_optimizer="adam")
    with pytest.raises(ValueError, match="`d_optimizer` is missing"):
        gan.compile(g_optimizer="adam")
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two different optimizer instances"):
        gan.compile(shared, shared)
    with pytest.raises(ValueError, match="You must call `compile"):
        gan.fit(np.zeros((4, 2), "float32"), verbose=0)
    with pytest.raises(NotImplementedError, match="no single loss to evaluate"):
        gan.test_step(None)
