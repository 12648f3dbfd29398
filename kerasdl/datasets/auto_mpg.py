"""UCI Auto MPG: the tabular regression data set of the TensorFlow regression tutorial."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.datasets._files import DatasetNotFoundError, find_files, not_found_message
from kerasdl.datasets._files import download as _download
from kerasdl.utils.validation import check_positive_int, check_probability

#: The UCI file, as ``tf.keras.utils.get_file`` fetches it in the TensorFlow tutorial.
AUTO_MPG_FILE = "auto-mpg.data"
_AUTO_MPG_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data"
#: Column names as in the TensorFlow "Basic regression" tutorial, plus the car name.
AUTO_MPG_COLUMNS = (
    "MPG", "Cylinders", "Displacement", "Horsepower", "Weight",
    "Acceleration", "Model Year", "Origin", "Car Name",
)
#: The UCI codes of the ``Origin`` column.
ORIGINS = {1: "USA", 2: "Europe", 3: "Japan"}
_INT_COLUMNS = ("Cylinders", "Model Year", "Origin")
#: The accepted range of each integer column, and what it means (the UCI file has 3-8 cylinders,
#: model years 70-82 and origins 1-3). The other columns must be finite numbers >= 0.
_INT_RANGES = {
    "Cylinders": (1, 16, "a number of cylinders"),
    "Model Year": (0, 99, "a two-digit model year, 70 for 1970"),
    "Origin": (min(ORIGINS), max(ORIGINS), "1 (USA), 2 (Europe) or 3 (Japan)"),
}


def parse_auto_mpg(text: str, source: str = "<text>") -> Any:
    """Parse the UCI ``auto-mpg.data`` format into a ``pandas.DataFrame``.

    Each line holds eight whitespace-separated numbers (mpg, cylinders,
    displacement, horsepower, weight, acceleration, model year, origin), then
    the car name in double quotes; ``?`` marks a missing value (six
    horsepowers in the UCI file), read as NaN.

    Args:
        text: The file's content.
        source: The file's name, used in error messages. Defaults to
            ``"<text>"``.

    Returns:
        A DataFrame with the columns ``AUTO_MPG_COLUMNS``.

    Raises:
        ValueError: If a line does not have eight numbers and a quoted name,
            a number is not finite or is negative, or cylinders (1-16),
            model year (0-99) or origin (1-3) is not an integer in its range
            (the message gives the line number).

    Example:

    >>> df = parse_auto_mpg('18.0 8 307.0 ? 3504. 12.0 70 1\\t"chevrolet chevelle malibu"\\n')
    >>> df.loc[0, "Car Name"], bool(df["Horsepower"].isna()[0])
    ('chevrolet chevelle malibu', True)
    """
    import pandas as pd

    rows: list[list[Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        head, quote, rest = line.partition('"')
        name, closing, _ = rest.partition('"')
        fields = head.split()
        if len(fields) != 8 or not quote or not closing:
            raise ValueError(
                f"{source!r} line {number} is not in the UCI auto-mpg format (eight numbers, then the "
                f'car name in double quotes; "?" for a missing value). The file is corrupt or truncated. '
                f"Received line: {line!r}"
            )
        try:
            values = [math.nan if f == "?" else float(f) for f in fields]
        except ValueError as error:
            raise ValueError(f"{source!r} line {number}: {error}. Received line: {line!r}") from error
        for column, field, value in zip(AUTO_MPG_COLUMNS, fields, values):
            _check_value(column, field, value, source, number)
        rows.append([*values, name])
    if not rows:
        raise ValueError(f"{source!r} holds no auto-mpg rows; the file is empty or truncated.")
    frame = pd.DataFrame(rows, columns=list(AUTO_MPG_COLUMNS))
    for column in _INT_COLUMNS:
        if not frame[column].isna().any():
            frame[column] = frame[column].astype("int64")
    return frame


def _check_value(column: str, field: str, value: float, source: str, number: int) -> None:
    """Refuse a value no car has: not finite, negative, or a non-integral or implausible code."""
    if math.isnan(value) and field == "?":
        return
    if column in _INT_RANGES:
        low, high, meaning = _INT_RANGES[column]
        if not (math.isfinite(value) and value == int(value) and low <= value <= high):
            raise ValueError(
                f"{source!r} line {number}: `{column}` must be an integer from {low} to {high} ({meaning}). "
                f"The file is corrupt or not the UCI auto-mpg.data; download it again. Received: {field!r}"
            )
    elif not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"{source!r} line {number}: `{column}` must be a finite number >= 0 (or ? when missing). "
            "The file "
            f"is corrupt or not the UCI auto-mpg.data; download it again. Received: {field!r}"
        )


def _finish(frame: Any, dropna: bool, one_hot_origin: bool, split: float | None, seed: int) -> Any:
    """Apply the tutorial's optional steps: drop NaN rows, one-hot origin, split."""
    if dropna:
        frame = frame.dropna().reset_index(drop=True)
    if one_hot_origin:
        codes = frame.pop("Origin")
        unknown = sorted(set(codes.dropna().astype(int)) - set(ORIGINS))
        if unknown:
            raise ValueError(f"`Origin` codes must be 1 (USA), 2 (Europe) or 3 (Japan). Found: {unknown}")
        position = frame.columns.get_loc("Model Year") + 1
        for offset, (code, label) in enumerate(ORIGINS.items()):
            frame.insert(position + offset, label, (codes == code).astype("float64"))
    if split is None:
        return frame
    train = frame.sample(frac=split, random_state=seed)  # exactly the tutorial's split
    return train, frame.drop(train.index)


def _check_options(split: float | None, seed: int) -> None:
    if split is not None:
        check_probability(split, "split")
        if split == 0:
            raise ValueError("`split` must be in (0, 1): the training fraction. Received: split=0")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"`seed` must be an integer. Received: seed={seed!r}")


def load_auto_mpg(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
    dropna: bool = False,
    one_hot_origin: bool = False,
    split: float | None = None,
    seed: int = 0,
) -> Any:
    """Load UCI Auto MPG as a DataFrame (or a reproducible train/test split).

    Reads the UCI ``auto-mpg.data`` file from ``data_dir`` (a folder, or the
    file itself), then ``$KERASDL_DATA_DIR`` (or its ``auto-mpg/``
    subfolder), then the Keras cache; only then tries the UCI download. The
    columns are named as in the TensorFlow regression tutorial (``MPG``,
    ``Cylinders``, ``Displacement``, ``Horsepower``, ``Weight``,
    ``Acceleration``, ``Model Year``, ``Origin``) plus ``Car Name``; ``?``
    becomes NaN (398 rows, 6 without horsepower). UCI publishes no checksum;
    every line is checked against the format instead.

    Args:
        data_dir: A folder holding ``auto-mpg.data``, or the file's path.
            Defaults to ``None``.
        download: Whether to try the UCI download when nothing is found
            locally. Defaults to ``True``.
        dropna: Drop the rows with a missing value (leaves 392 rows).
            Defaults to ``False``.
        one_hot_origin: Replace ``Origin`` by three 0/1 columns ``USA``,
            ``Europe`` and ``Japan``, as the tutorial does. Defaults to
            ``False``.
        split: If given, the training fraction: returns ``(train, test)``
            where ``train = frame.sample(frac=split, random_state=seed)`` and
            ``test`` is the rest (with ``split=0.8, seed=0`` and ``dropna``,
            the tutorial's very split). Defaults to ``None`` (one frame).
        seed: Random state of the split. Defaults to ``0``.

    Returns:
        A ``pandas.DataFrame``, or ``(train_df, test_df)`` when ``split`` is
        given.

    Raises:
        DatasetNotFoundError: If the file is nowhere (the message says where
            to put it).
        ValueError: If the file is corrupt or truncated, or an option is out
            of range.

    Example:

    >>> from kerasdl.datasets import load_auto_mpg
    >>> train, test = load_auto_mpg(  # doctest: +SKIP
    ...     "../shared/data/auto-mpg", dropna=True, one_hot_origin=True, split=0.8)
    >>> len(train), len(test)  # doctest: +SKIP
    (314, 78)
    """
    _check_options(split, seed)
    name = "auto-mpg"
    if data_dir is not None and Path(data_dir).expanduser().is_file():
        path = Path(data_dir).expanduser()
    else:
        found = find_files(name, [[AUTO_MPG_FILE]], data_dir)
        if found is None:
            message = not_found_message(name, [[AUTO_MPG_FILE]], data_dir)
            if not download:
                raise DatasetNotFoundError(message)
            found = [_download(name, _AUTO_MPG_URL, AUTO_MPG_FILE, None, message)]
        path = found[0]
    try:
        text = path.read_text(encoding="latin-1")
    except OSError as error:
        raise ValueError(f"Could not read {str(path)!r}: {error}") from error
    return _finish(parse_auto_mpg(text, str(path)), dropna, one_hot_origin, split, seed)


def make_auto_mpg_like(
    num_samples: int = 398,
    seed: int | None = 0,
    *,
    dropna: bool = False,
    one_hot_origin: bool = False,
    split: float | None = None,
) -> Any:
    """A **synthetic** table shaped like UCI Auto MPG, for offline defaults and tests.

    Same columns and value ranges as :func:`load_auto_mpg` (cylinders 4/6/8,
    model years 70-82, origins 1-3, about 1.5 % missing horsepower), with MPG
    a noisy function of weight, horsepower and model year. Car names are
    ``"synthetic car N"``. A model fitted on it shows that a pipeline works;
    its error says nothing about real cars.

    Args:
        num_samples: Number of rows. Defaults to ``398``.
        seed: Seed of the generator (and of the split). Defaults to ``0``.
        dropna: As in :func:`load_auto_mpg`. Defaults to ``False``.
        one_hot_origin: As in :func:`load_auto_mpg`. Defaults to ``False``.
        split: As in :func:`load_auto_mpg`. Defaults to ``None``.

    Returns:
        A ``pandas.DataFrame``, or ``(train_df, test_df)`` when ``split`` is
        given.

    Example:

    >>> from kerasdl.datasets import make_auto_mpg_like
    >>> frame = make_auto_mpg_like(50, seed=1)
    >>> frame.shape
    (50, 9)
    """
    import pandas as pd

    check_positive_int(num_samples, "num_samples")
    _check_options(split, 0 if seed is None else seed)
    rng = np.random.default_rng(seed)
    n = num_samples
    origin = rng.choice([1, 2, 3], size=n, p=[0.62, 0.18, 0.20])
    usa = rng.choice([4, 6, 8], size=n, p=[0.29, 0.30, 0.41])
    cylinders = np.where(origin == 1, usa, rng.choice([4, 6, 8], size=n, p=[0.86, 0.12, 0.02]))
    per_cylinder = np.select([cylinders == 4, cylinders == 6], [27.5, 37.0], 42.5)
    displacement = np.round((cylinders * per_cylinder * rng.normal(1.0, 0.13, n)).clip(68, 455), 0)
    horsepower = np.round((0.33 * displacement + 40 + rng.normal(0, 12, n)).clip(46, 230), 0)
    weight = 1100 + 6.0 * displacement + 5.0 * horsepower + rng.normal(0, 200, n)
    weight = np.round(weight.clip(1613, 5140), 0)
    acceleration = np.round((22.5 - 0.065 * horsepower + rng.normal(0, 1.6, n)).clip(8, 24.8), 1)
    year = rng.integers(70, 83, n)
    mpg = 46.0 - 0.0058 * weight - 0.05 * horsepower + 0.75 * (year - 76) + rng.normal(0, 2.4, n)
    frame = pd.DataFrame(
        {
            "MPG": np.round(mpg.clip(9, 46.6), 1),
            "Cylinders": cylinders.astype("int64"),
            "Displacement": displacement,
            "Horsepower": horsepower,
            "Weight": weight,
            "Acceleration": acceleration,
            "Model Year": year.astype("int64"),
            "Origin": origin.astype("int64"),
            "Car Name": [f"synthetic car {i}" for i in range(n)],
        }
    )
    missing = rng.choice(n, size=round(n * 6 / 398), replace=False)
    frame.loc[missing, "Horsepower"] = np.nan
    return _finish(frame, dropna, one_hot_origin, split, 0 if seed is None else seed)
