"""A tabular regressor: Normalization adapted on the training features, then Dense layers."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from keras import layers

from kerasdl.models._common import as_model
from kerasdl.models.registry import register_model
from kerasdl.utils.validation import check_positive_int, check_probability

#: Features of the TensorFlow Auto MPG tutorial after the origin one-hot:
#: Cylinders, Displacement, Horsepower, Weight, Acceleration, Model Year,
#: USA, Europe, Japan. The default width when no data is given.
AUTO_MPG_NUM_FEATURES = 9


def features_to_array(features: Any, name: str = "train_features") -> np.ndarray:
    """Turn a DataFrame, Series or array of numeric features into a 2-D float32 array.

    A 1-D input is one feature (the tutorial's horsepower-only model). Boolean
    columns (``pandas.get_dummies`` output) count as numbers.

    Args:
        features: A ``pandas.DataFrame``/``Series`` or an array-like of shape
            ``(num_samples,)`` or ``(num_samples, num_features)``.
        name: The argument's name, used in error messages. Defaults to
            ``"train_features"``.

    Returns:
        A ``float32`` array of shape ``(num_samples, num_features)``.

    Raises:
        TypeError: If a column is not numeric (the message names it).
        ValueError: If the array is empty, not 1-D or 2-D, or holds NaN or
            infinite values.

    Example:

    >>> import pandas as pd
    >>> features_to_array(pd.DataFrame({"a": [1, 2], "b": [True, False]})).tolist()
    [[1.0, 1.0], [2.0, 0.0]]
    """
    if hasattr(features, "dtypes") and hasattr(features, "columns"):  # a DataFrame
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        bad = [str(c) for c, d in features.dtypes.items() if not (is_numeric_dtype(d) or is_bool_dtype(d))]
        if bad:
            raise TypeError(
                f"`{name}` must hold numeric columns only; drop or encode {bad} first (for example "
                f"`frame.drop(columns={bad})`). "
                f"Received: {name} with columns {list(map(str, features.columns))}"
            )
        features = features.to_numpy(dtype="float32", na_value=np.nan)
    try:
        array = np.asarray(features, dtype="float32")
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"`{name}` must be numeric (a NumPy array or a DataFrame of numbers). "
            f"Received: {name} of type {type(features).__name__} ({error})"
        ) from error
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"`{name}` must be a non-empty array of shape (num_samples, num_features). "
            f"Received: {name} of shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(
            f"`{name}` contains NaN or infinite values ({int((~np.isfinite(array)).sum())} of them); "
            "drop those rows first (for example `load_auto_mpg(dropna=True)` or `frame.dropna()`). "
            f"Received: {name} of shape {array.shape}"
        )
    return array


@register_model("regressor", task="regression")
def build_regressor(
    train_features: Any = None,
    hidden_units: Sequence[int] = (64, 64),
    activation: str = "relu",
    dropout: float = 0.0,
    num_features: int | None = None,
    num_outputs: int = 1,
) -> keras.Model:
    """Tabular regressor: Normalization adapted on the training features + Dense layers.

    The TensorFlow "Basic regression" (Auto MPG) recipe: a
    ``keras.layers.Normalization`` layer whose mean and variance are
    computed from ``train_features`` (``adapt``), then ``hidden_units`` Dense
    layers and a linear output. ``hidden_units=()`` is the tutorial's linear
    model; a 1-D ``train_features`` (one column) its single-input model.
    Normalization runs in float32 and the output layer is float32, so large
    raw features (weights around 3,000) and the predictions keep their
    precision under a mixed-precision policy. The model is returned
    **uncompiled**: compile it with ``loss="mean_absolute_error"`` or
    ``"mean_squared_error"``.

    With ``train_features=None`` the Normalization layer is left un-adapted
    (an identity) for ``num_features`` inputs (9, the Auto MPG tutorial's
    features, if ``num_features`` is also ``None``); adapt it later with
    ``model.get_layer("normalization").adapt(x)`` before training.

    Args:
        train_features: The training features the Normalization layer is
            adapted on: a DataFrame of numeric (or boolean) columns or an
            array of shape ``(num_samples, num_features)`` or
            ``(num_samples,)``. Defaults to ``None``.
        hidden_units: Width of each hidden Dense layer; ``()`` for linear
            regression. Defaults to ``(64, 64)``.
        activation: Activation of the hidden layers (a Keras activation
            name). Defaults to ``"relu"``.
        dropout: Dropout rate after each hidden layer, in ``[0, 1)``.
            Defaults to ``0.0``.
        num_features: Number of input features; inferred from
            ``train_features`` (and checked against it) when both are given.
            Defaults to ``None``.
        num_outputs: Number of regression targets. Defaults to ``1``.

    Returns:
        An uncompiled ``keras.Model`` named ``"regressor"`` mapping
        ``(batch, num_features)`` to ``(batch, num_outputs)`` float32.

    Raises:
        TypeError: If ``train_features`` has non-numeric columns.
        ValueError: If ``train_features`` holds NaN, or an argument is out of
            range (the message names it).

    Example:

    >>> import numpy as np
    >>> from kerasdl.models import build_regressor
    >>> x = np.random.default_rng(0).normal(50, 10, (64, 3)).astype("float32")
    >>> model = build_regressor(x, hidden_units=(8,))
    >>> model.compile("adam", "mean_absolute_error")
    >>> model.predict(x[:2], verbose=0).shape
    (2, 1)
    """
    units = _check_hidden_units(hidden_units)
    _check_activation(activation)
    dropout = check_probability(dropout, "dropout")
    check_positive_int(num_outputs, "num_outputs")
    check_positive_int(num_features, "num_features", allow_none=True)
    features = None if train_features is None else features_to_array(train_features)
    if features is not None and num_features is not None and features.shape[1] != num_features:
        raise ValueError(
            f"`num_features` must match the {features.shape[1]} columns of `train_features` (or be "
            f"left as None). Received: num_features={num_features}"
        )
    width = features.shape[1] if features is not None else (num_features or AUTO_MPG_NUM_FEATURES)

    normalization = layers.Normalization(axis=-1, dtype="float32", name="normalization")
    if features is not None:
        normalization.adapt(features)
    inputs = keras.Input(shape=(width,), name="features")
    x = normalization(inputs)
    for i, n in enumerate(units, start=1):
        x = layers.Dense(n, activation=activation, name=f"dense_{i}")(x)
        if dropout > 0:
            x = layers.Dropout(dropout, name=f"dropout_{i}")(x)
    outputs = layers.Dense(num_outputs, dtype="float32", name="prediction")(x)
    return as_model(inputs, outputs, name="regressor")


def _check_hidden_units(hidden_units: Any) -> tuple[int, ...]:
    if isinstance(hidden_units, numbers.Integral) and not isinstance(hidden_units, bool):
        hidden_units = (hidden_units,)
    if isinstance(hidden_units, (str, bytes)) or not isinstance(hidden_units, Sequence):
        raise TypeError(
            "`hidden_units` must be a sequence of positive integers such as (64, 64), or () for "
            f"linear regression. Received: hidden_units={hidden_units!r}"
        )
    for n in hidden_units:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(
                "`hidden_units` must be a sequence of positive integers such as (64, 64). "
                f"Received: hidden_units={hidden_units!r}"
            )
    return tuple(int(n) for n in hidden_units)


def _check_activation(activation: Any) -> None:
    try:
        keras.activations.get(activation)
    except (ValueError, TypeError) as error:
        raise ValueError(
            "`activation` must be the name of a Keras activation such as 'relu', 'elu' or 'tanh'. "
            f"Received: activation={activation!r}"
        ) from error
