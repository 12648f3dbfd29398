"""GAN quality as numbers: a Frechet distance and a classifier score.

Both use a classifier trained on the real data (for MNIST, LeNet-5 from
:func:`kerasdl.models.build_lenet`; :func:`train_classifier` trains one):

- the **Frechet distance** (Heusel et al., 2017, "FID") between Gaussian fits
  of the classifier's features (LeNet's 84-d ``f6`` layer) on real and
  generated images: 0 for identical distributions, larger is worse;
- the **classifier score** (Salimans et al., 2016, "Inception score" with the
  task's own classifier): ``exp(E[KL(p(y|x) || p(y))])``, between 1 and the
  number of classes; high when each image is confidently one class and all
  classes appear.

Numbers from different classifiers are not comparable; compare runs scored
with the same classifier.
"""

from __future__ import annotations

import warnings
from typing import Any

import keras
import numpy as np
import scipy.linalg

from kerasdl.utils.validation import check_positive_int


def _as_features(features: Any, name: str) -> np.ndarray:
    array = np.asarray(features, dtype="float64")
    if array.ndim != 2 or len(array) < 2:
        raise ValueError(
            f"`{name}` must be a 2-D array (samples, features) with at least 2 samples. "
            f"Received: {name} with shape {array.shape}"
        )
    return array


def frechet_distance(features_a: Any, features_b: Any) -> float:
    """The Frechet distance between Gaussians fitted to two feature sets.

    ``|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))``, the formula of
    FID, computed with :func:`scipy.linalg.sqrtm`.

    Args:
        features_a: An array ``(n, d)``, e.g. classifier features of real images.
        features_b: An array ``(m, d)``, e.g. features of generated images.

    Returns:
        The distance (``>= 0``; 0 when both sets have the same mean and covariance).

    Raises:
        ValueError: If the arrays are not 2-D with the same number of features.

    Example:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(2000, 2))
    >>> round(frechet_distance(a, a), 6)
    0.0
    >>> round(frechet_distance(a, a + [3.0, 4.0]), 1)  # shifted by a distance of 5
    25.0
    """
    a = _as_features(features_a, "features_a")
    b = _as_features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            "`features_a` and `features_b` must have the same number of features. "
            f"Received: {a.shape[1]} and {b.shape[1]}"
        )
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", scipy.linalg.LinAlgWarning)
        covmean = scipy.linalg.sqrtm(cov_a @ cov_b)
        if caught or not np.isfinite(covmean).all():  # singular: regularise as the FID reference does
            offset = np.eye(len(cov_a)) * 1e-6
            covmean = scipy.linalg.sqrtm((cov_a + offset) @ (cov_b + offset))
    covmean = np.real(covmean)
    distance = float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b - 2.0 * covmean))
    return max(distance, 0.0)


def classifier_score(probabilities: Any) -> float:
    """The Inception-score formula on a classifier's predicted class probabilities.

    Args:
        probabilities: An array ``(n, num_classes)`` of rows summing to 1
            (a softmax classifier's ``predict`` on generated images).

    Returns:
        ``exp(mean_x KL(p(y|x) || p(y)))``: 1 when the images are all alike or
        all ambiguous, ``num_classes`` when they are confident and balanced.

    Raises:
        ValueError: If ``probabilities`` is not a 2-D array of distributions.

    Example:

    >>> import numpy as np
    >>> round(classifier_score(np.eye(10)), 3)  # confident, one image per class
    10.0
    >>> round(classifier_score(np.full((5, 10), 0.1)), 3)  # undecided
    1.0
    """
    p = np.asarray(probabilities, dtype="float64")
    if p.ndim != 2 or len(p) == 0 or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3) or (p < 0).any():
        raise ValueError(
            "`probabilities` must be an array (samples, classes) whose rows are probability "
            f"distributions (softmax outputs). Received: array with shape {p.shape}"
        )
    eps = 1e-12
    marginal = p.mean(axis=0, keepdims=True)
    kl = np.sum(p * (np.log(p + eps) - np.log(marginal + eps)), axis=1)
    return float(np.exp(kl.mean()))


def feature_extractor(classifier: keras.Model, layer_name: str = "f6") -> keras.Model:
    """A model returning ``(features, probabilities)``: a hidden layer and the classifier's output.

    Args:
        classifier: A functional classifier (such as :func:`kerasdl.models.build_lenet`).
        layer_name: The feature layer. Defaults to ``"f6"`` (LeNet's 84 units).

    Returns:
        A ``keras.Model`` with two outputs.

    Raises:
        ValueError: If the layer does not exist (the message lists the layers).

    Example:

    >>> from kerasdl.models import build_lenet
    >>> [tuple(s) for s in feature_extractor(build_lenet()).output_shape]
    [(None, 84), (None, 10)]
    """
    names = [layer.name for layer in classifier.layers]
    if layer_name not in names:
        raise ValueError(
            f"`layer_name` must be a layer of the classifier. Valid names: {', '.join(names)}. "
            f"Received: layer_name={layer_name!r}"
        )
    outputs = [classifier.get_layer(layer_name).output, classifier.output]
    return keras.Model(classifier.inputs, outputs, name=f"{classifier.name}_features")


def train_classifier(
    images: Any, labels: Any, epochs: int = 2, batch_size: int = 128, seed: int = 0
) -> keras.Model:
    """Train LeNet-5 on real images in ``[0, 1]`` to score generators with.

    Args:
        images: Real images ``(n, height, width, channels)`` in ``[0, 1]``,
            height and width at least 28.
        labels: Integer class labels.
        epochs: Training epochs. Defaults to ``2``.
        batch_size: Batch size. Defaults to ``128``.
        seed: Random seed. Defaults to ``0``.

    Returns:
        The trained classifier (:func:`kerasdl.models.build_lenet`).
    """
    from kerasdl.models import build_lenet

    labels = np.asarray(labels).astype("int32").reshape(-1)
    keras.utils.set_random_seed(seed)
    model = build_lenet(input_shape=np.shape(images)[1:], num_classes=int(labels.max()) + 1)
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(np.asarray(images, "float32"), labels, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def score_generator(
    gan: Any,
    classifier: keras.Model,
    real_images: Any,
    num_samples: int = 1000,
    layer_name: str = "f6",
    seed: int = 0,
) -> dict[str, float]:
    """Score ``gan``'s samples against real images with a classifier trained on real data.

    Args:
        gan: A :class:`~kerasdl.gan.GAN` (its ``sample`` gives images in ``[0, 1]``).
        classifier: A classifier taking images in ``[0, 1]``.
        real_images: Real images in ``[0, 1]`` (the first ``num_samples`` are used).
        num_samples: Number of generated (and real) images. Defaults to ``1000``.
        layer_name: The feature layer of the classifier. Defaults to ``"f6"``.
        seed: Seed of the generated samples. Defaults to ``0``.

    Returns:
        ``{"frechet_distance", "classifier_score", "real_classifier_score",
        "mean_confidence"}``: the Frechet distance between real and generated
        features, the classifier score of generated and of real images (the
        ceiling to compare with), and the classifier's mean top probability on
        generated images.
    """
    num_samples = check_positive_int(num_samples, "num_samples")
    extractor = feature_extractor(classifier, layer_name)
    real = np.asarray(real_images, "float32")[:num_samples]
    fake = gan.sample(len(real), seed=seed)
    real_features, real_probs = extractor.predict(real, batch_size=256, verbose=0)
    fake_features, fake_probs = extractor.predict(fake, batch_size=256, verbose=0)
    return {
        "frechet_distance": frechet_distance(real_features, fake_features),
        "classifier_score": classifier_score(fake_probs),
        "real_classifier_score": classifier_score(real_probs),
        "mean_confidence": float(np.max(fake_probs, axis=1).mean()),
    }
