from __future__ import annotations

import h5py
import keras
import numpy as np
import pytest

from kerasdl.serialization import load_weights, save_weights


def _model(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"), keras.layers.Dense(2, name="d2")])


def _same(a, b):
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)


@pytest.mark.multibackend
def test_weights_h5_round_trip(tmp_path):
    source, target = _model(0), _model(1)
    path = save_weights(source, tmp_path / "w.weights.h5")
    assert path == tmp_path / "w.weights.h5"
    load_weights(target, path)
    _same(source, target)
    assert [p.name for p in tmp_path.iterdir()] == ["w.weights.h5"]  # no temp file left


def test_legacy_h5_name_is_mapped_and_found_again(tmp_path):
    source, target = _model(0), _model(1)
    with pytest.warns(UserWarning, match=r"ending in `.weights.h5`.*writing '.*w.weights.h5' instead of '.*w.h5'"):
        path = save_weights(source, tmp_path / "w.h5")
    assert path.name == "w.weights.h5" and not (tmp_path / "w.h5").exists()
    load_weights(target, tmp_path / "w.h5")  # the course's name still works
    _same(source, target)
    keras_reader = _model(2)
    keras_reader.load_weights(path)  # and plain Keras reads the file
    _same(source, keras_reader)


def test_legacy_full_model_h5_and_tf_keras_weights_file(tmp_path):
    source = _model(0)
    source.save(tmp_path / "full.h5")  # Keras 3 still writes the legacy HDF5 full-model format
    with h5py.File(tmp_path / "full.h5") as handle:
        assert "model_weights" in handle
    target = _model(1)
    load_weights(target, tmp_path / "full.h5")
    _same(source, target)
    # a tf.keras 2.x weights-only file, written by Keras's legacy HDF5 writer (test oracle only)
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(tmp_path / "old.hdf5", "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, source)
    target = _model(2)
    load_weights(target, tmp_path / "old.hdf5")
    _same(source, target)
    renamed = tmp_path / "keras3-format.h5"  # Keras 3 weights under an old-style name
    renamed.write_bytes(save_weights(source, tmp_path / "k.weights.h5").read_bytes())
    target = _model(3)
    load_weights(target, renamed)
    _same(source, target)


def test_errors(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`.*Received: path='.*w.pkl'"):
        save_weights(_model(0), tmp_path / "w.pkl")
    with pytest.raises(FileNotFoundError, match="No weights file"):
        load_weights(_model(0), tmp_path / "none.weights.h5")
    (tmp_path / "junk.weights.h5").write_bytes(b"\x89HDF\r\n half a file")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        load_weights(_model(0), tmp_path / "junk.weights.h5")
    with h5py.File(tmp_path / "empty.h5", "w") as handle:
        handle.attrs["x"] = 1
    with pytest.raises(ValueError, match="holds no Keras weights"):
        load_weights(_model(0), tmp_path / "empty.h5")
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        save_weights(None, tmp_path / "w.weights.h5")
