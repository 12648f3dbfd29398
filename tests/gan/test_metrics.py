"""Frechet distance and classifier score against hand-computed values."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kerasdl.gan import build_gan, classifier_score, feature_extractor, frechet_distance, score_generator


def test_frechet_distance_matches_closed_forms():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 1))
    # 1-D Gaussians: (mu1 - mu2)^2 + s1^2 + s2^2 - 2 s1 s2 = 1 + 1 + 4 - 4 = 2 for N(0,1) vs N(1, 2^2)
    assert frechet_distance(a, 1.0 + 2.0 * rng.normal(size=(20000, 1))) == pytest.approx(2.0, abs=0.1)
    b = rng.normal(size=(500, 3))
    assert frechet_distance(b, b) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(b, b + [1.0, 2.0, 2.0]) == pytest.approx(9.0, rel=1e-6)
    singular = np.zeros((10, 2))  # zero covariance must not give NaN
    assert np.isfinite(frechet_distance(singular, singular + 1.0))


def test_classifier_score_bounds():
    assert classifier_score(np.eye(4)) == pytest.approx(4.0)
    assert classifier_score(np.tile([1.0, 0.0, 0.0], (6, 1))) == pytest.approx(1.0)  # mode collapse
    assert classifier_score(np.full((3, 5), 0.2)) == pytest.approx(1.0)
    half = np.array([[0.9, 0.1], [0.1, 0.9]])
    assert 1.0 < classifier_score(half) < 2.0


def test_metric_errors():
    with pytest.raises(ValueError, match="`features_a` must be a 2-D array"):
        frechet_distance(np.zeros(5), np.zeros((5, 1)))
    with pytest.raises(ValueError, match="same number of features"):
        frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="rows are probability distributions"):
        classifier_score(np.ones((2, 3)))


def _tiny_classifier():
    inputs = keras.Input((4, 4, 1))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(6, activation="relu", name="f6")(x)
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))


def test_feature_extractor_and_score_generator():
    classifier = _tiny_classifier()
    extractor = feature_extractor(classifier)
    assert [tuple(s) for s in extractor.output_shape] == [(None, 6), (None, 3)]
    with pytest.raises(ValueError, match="Valid names: .*f6.*Received: layer_name='nope'"):
        feature_extractor(classifier, "nope")
    gan = build_gan(latent_dim=4, image_shape=(4, 4, 1), units=(8,), seed=0)
    real = np.random.default_rng(0).uniform(0, 1, (64, 4, 4, 1)).astype("float32")
    scores = score_generator(gan, classifier, real, num_samples=50)
    assert set(scores) == {"frechet_distance", "classifier_score", "real_classifier_score", "mean_confidence"}
    assert scores["frechet_distance"] >= 0.0 and 1.0 <= scores["classifier_score"] <= 3.0
    assert 1 / 3 <= scores["mean_confidence"] <= 1.0
    same = score_generator(gan, classifier, real, num_samples=50)
    assert same == scores  # fixed seed
