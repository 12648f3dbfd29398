from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kerasdl.datasets.auto_mpg as auto_mpg
from kerasdl.datasets import (
    DATA_DIR_ENV,
    DatasetNotFoundError,
    load_auto_mpg,
    make_auto_mpg_like,
    parse_auto_mpg,
)
from kerasdl.datasets.auto_mpg import AUTO_MPG_COLUMNS

FAKE = (
    '18.0   8   307.0      130.0      3504.      12.0   70  1\t"chevrolet chevelle malibu"\n'
    '25.0   4   98.00      ?          2046.      19.0   71  1\t"ford pinto"\n'
    '\n'
    '24.0   4   113.0      95.00      2372.      15.0   70  3\t"toyota corona mark ii"\n'
    '26.0   4   97.00      46.00      1835.      20.5   70  2\t"volkswagen 1131 deluxe sedan"\n'
    '40.9   4   85.00      ?          1835.      17.3   80  2\t"renault lecar deluxe"\n'
)


def _write(folder, text=FAKE):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "auto-mpg.data").write_text(text)
    return folder


@pytest.mark.multibackend
def test_parses_the_uci_format_with_missing_values():
    frame = parse_auto_mpg(FAKE)
    assert list(frame.columns) == list(AUTO_MPG_COLUMNS)
    assert len(frame) == 5
    assert frame["Horsepower"].isna().tolist() == [False, True, False, False, True]
    assert frame.loc[3, "Car Name"] == "volkswagen 1131 deluxe sedan"
    assert frame["Cylinders"].dtype == np.int64 and frame["MPG"].dtype == np.float64
    assert frame["Weight"].tolist()[:2] == [3504.0, 2046.0]


def test_real_uci_file(auto_mpg_path):
    frame = load_auto_mpg(auto_mpg_path.parent, download=False)
    assert frame.shape == (398, 9)
    assert int(frame["Horsepower"].isna().sum()) == 6
    assert frame.loc[0, "Car Name"] == "chevrolet chevelle malibu" and frame.loc[0, "MPG"] == 18.0
    assert sorted(frame["Origin"].unique()) == [1, 2, 3]
    train, test = load_auto_mpg(auto_mpg_path, dropna=True, one_hot_origin=True, split=0.8, seed=0)
    assert (len(train), len(test)) == (314, 78)  # the TensorFlow tutorial's split sizes
    assert {"USA", "Europe", "Japan"} <= set(train.columns) and "Origin" not in train.columns
    assert not train.isna().any().any()
    # The tutorial's own recipe gives the very same rows.
    tutorial = load_auto_mpg(auto_mpg_path, dropna=True)
    assert train.index.tolist() == tutorial.sample(frac=0.8, random_state=0).index.tolist()


def test_options_dropna_one_hot_and_reproducible_split(tmp_path):
    _write(tmp_path)
    frame = load_auto_mpg(tmp_path, download=False, dropna=True, one_hot_origin=True)
    assert len(frame) == 3 and frame.index.tolist() == [0, 1, 2]
    assert list(frame.columns) == [
        "MPG", "Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration", "Model Year",
        "USA", "Europe", "Japan", "Car Name",
    ]
    assert frame[["USA", "Europe", "Japan"]].to_numpy().tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    train_a, test_a = load_auto_mpg(tmp_path, split=0.6, seed=3)
    train_b, test_b = load_auto_mpg(tmp_path, split=0.6, seed=3)
    pd.testing.assert_frame_equal(train_a, train_b)
    assert len(train_a) == 3 and len(test_a) == 2
    assert sorted(train_a.index.tolist() + test_a.index.tolist()) == list(range(5))


def test_environment_variable_subfolder(tmp_path, monkeypatch):
    _write(tmp_path / "data" / "auto-mpg")
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    assert len(load_auto_mpg(download=False)) == 5


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (FAKE[:70], r"line 1 is not in the UCI auto-mpg format"),  # truncated mid-line
        ('18.0 8 307.0 130.0 3504. 12.0 70\t"no origin"\n', "line 1 is not in the UCI"),
        ('18.0 8 307.0 abc 3504. 12.0 70 1\t"bad number"\n', "line 1: could not convert"),
        ("", "holds no auto-mpg rows"),
    ],
)
def test_corrupt_or_truncated_files(tmp_path, text, match):
    _write(tmp_path, text)
    with pytest.raises(ValueError, match=match):
        load_auto_mpg(tmp_path, download=False)


def test_bad_options():
    with pytest.raises(ValueError, match=r"`split` must be in \[0, 1\)\. Received: split=1.5"):
        make_auto_mpg_like(10, split=1.5)
    with pytest.raises(ValueError, match="`split` must be in"):
        make_auto_mpg_like(10, split=0)
    with pytest.raises(TypeError, match="`seed` must be an integer. Received: seed='a'"):
        load_auto_mpg("/nonexistent", seed="a")
    with pytest.raises(ValueError, match="`num_samples` must be a positive integer"):
        make_auto_mpg_like(0)
    with pytest.raises(ValueError, match=r"line 1: `Origin` must be an integer from 1 to 3.*Received: '7'"):
        parse_auto_mpg('18.0 8 307.0 130.0 3504. 12.0 70 7\t"x"\n')
    frame = parse_auto_mpg('18.0 8 307.0 130.0 3504. 12.0 70 1\t"x"\n')
    frame.loc[0, "Origin"] = 7  # a frame edited by hand: one-hot encoding still refuses the code
    with pytest.raises(ValueError, match=r"`Origin` codes must be 1 \(USA\).*Found: \[7\]"):
        auto_mpg._finish(frame, False, True, None, 0)


def test_offline_errors_name_the_file(tmp_path, monkeypatch):
    with pytest.raises(DatasetNotFoundError, match=r"\[auto-mpg.data\].*KERASDL_DATA_DIR.*'auto-mpg/'"):
        load_auto_mpg(tmp_path, download=False)
    assert auto_mpg._AUTO_MPG_URL.endswith("archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data")
    monkeypatch.setattr(auto_mpg, "_AUTO_MPG_URL", f"file://{tmp_path}/nonexistent/auto-mpg.data")
    with pytest.raises(DatasetNotFoundError, match="not found locally and could not be downloaded"):
        load_auto_mpg(tmp_path)


@pytest.mark.multibackend
def test_synthetic_table_is_labelled_reproducible_and_realistic():
    frame = make_auto_mpg_like(398, seed=0)
    assert list(frame.columns) == list(AUTO_MPG_COLUMNS)
    assert frame["Car Name"].str.startswith("synthetic car").all()
    assert int(frame["Horsepower"].isna().sum()) == 6
    pd.testing.assert_frame_equal(frame, make_auto_mpg_like(398, seed=0))
    assert not frame.equals(make_auto_mpg_like(398, seed=1))
    assert set(frame["Cylinders"]) == {4, 6, 8} and set(frame["Origin"]) == {1, 2, 3}
    clean = frame.dropna()
    assert np.corrcoef(clean["MPG"], clean["Weight"])[0, 1] < -0.7  # heavier cars use more fuel
    train, test = make_auto_mpg_like(100, seed=2, dropna=True, one_hot_origin=True, split=0.8)
    assert len(train) + len(test) == 100 - 2 and "Japan" in test.columns
