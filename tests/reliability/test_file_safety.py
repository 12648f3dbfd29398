"""Alias bombs, zip bombs, permissions, concurrent writers, the .h5 optimizer trap (issue #11)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import keras
import numpy as np
import pytest

from kerasdl.callbacks import SafeModelCheckpoint
from kerasdl.serialization import limits, load_architecture, load_model, model_from_yaml, save_model
from kerasdl.utils.io import atomic_write, atomic_write_text, remove_stale_temporaries


# -- item 2: YAML aliases and node counts ------------------------------------------------------------
def test_scalar_alias_bomb_is_refused_before_expansion(tmp_path):
    # ~30 KB of aliased scalars: each line doubles the number of values (the report's 120 s of CPU).
    lines = ["a0: &a0 x"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 1500)]
    text = "class_name: Functional\nconfig:\n  " + "\n  ".join(lines) + "\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    assert 25_000 < len(text) < 60_000
    with pytest.raises(ValueError, match=r"bomb\.yaml.*YAML anchor or alias \(line 3.*Received"):
        load_architecture(path)


def test_anchor_without_alias_is_refused_too():
    with pytest.raises(ValueError, match="anchor or alias"):
        model_from_yaml("class_name: &n Sequential\nconfig: {}\n")


def test_node_bound_counts_scalars(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_NODES", 1_000)
    path = tmp_path / "wide.json"
    path.write_text(json.dumps({"class_name": "Sequential", "config": {"name": "s", "x": list(range(2_000))}}))
    with pytest.raises(ValueError, match=r"more than 1,000 values.*limits\.MAX_NODES"):
        load_architecture(path)


def test_architecture_file_size_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CONFIG_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"class_name": "Sequential", "config": {"name": "s" * 200}}))
    with pytest.raises(ValueError, match=r"big\.json.*too large.*MAX_CONFIG_BYTES"):
        load_architecture(path)


# -- item 3: .keras zip bombs ------------------------------------------------------------------------
def _tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("adam", "mse")
    return model


def test_keras_zip_bomb_refused_before_unpacking(tmp_path):
    good = save_model(_tiny_model(), tmp_path / "good.keras")
    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "model.weights.h5":
                target.writestr(info.filename, source.read(info.filename))
        with target.open("model.weights.h5", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(96):  # 96 MiB of zeros, ~100 KB compressed
                member.write(zeros)
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(ValueError, match=r"bomb\.keras.*declares 100,6\d\d,\d\d\d bytes.*decompression bomb"):
        load_model(bomb)


def test_genuine_archives_pass_the_ratio_check(tmp_path):
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(512), keras.layers.Dense(512)])
    path = save_model(model, tmp_path / "m.keras")
    with zipfile.ZipFile(path) as archive:
        declared = sum(i.file_size for i in archive.infolist())
        stored = sum(i.compress_size for i in archive.infolist())
    assert declared / stored < limits.MAX_COMPRESSION_RATIO
    assert load_model(path).count_params() == model.count_params()


def test_oversized_config_member_refused(tmp_path, monkeypatch):
    path = save_model(_tiny_model(), tmp_path / "m.keras")
    monkeypatch.setattr(limits, "MAX_CONFIG_BYTES", 64)
    with pytest.raises(ValueError, match=r"config\.json of [\d,]+ bytes.*MAX_CONFIG_BYTES"):
        load_model(path)


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_corrupt_keras_archive_is_a_clear_error(tmp_path, damage):
    path = save_model(_tiny_model(), tmp_path / "m.keras")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3] if damage == "truncate" else b"PK\x03\x04" + os.urandom(500))
    with pytest.raises(ValueError, match=r"m\.keras.*not a valid \.keras archive.*Received"):
        load_model(path)


def test_h5_training_config_is_checked(tmp_path):
    import h5py

    path = save_model(_tiny_model(), tmp_path / "m.h5")
    evil = {"loss": {"module": "os", "class_name": "system", "config": {}}, "optimizer_config": None}
    with h5py.File(path, "r+") as handle:
        handle.attrs["training_config"] = json.dumps(evil)
    with pytest.raises(ValueError, match="class from outside Keras"):
        load_model(path)


# -- item 10: permissions ----------------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_written_files_get_the_umask_mode(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        text = atomic_write_text(tmp_path / "a.txt", "hi")
        model = save_model(_tiny_model(), tmp_path / "m.keras")
    finally:
        os.umask(old)
    assert oct(os.stat(text).st_mode & 0o777) == oct(expected)
    assert oct(os.stat(model).st_mode & 0o777) == oct(expected)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "private.txt"
    target.write_text("old")
    os.chmod(target, 0o600)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and os.stat(target).st_mode & 0o777 == 0o600


# -- item 5: concurrent writers and crash leftovers ----------------------------------------------------
WRITER = r"""
import sys
from kerasdl.utils.io import atomic_write
with atomic_write(sys.argv[1]) as tmp:
    tmp.write_bytes(b"from the other writer")
    print(tmp, flush=True)
    sys.stdin.readline()  # hold the save open until told to finish
print("DONE", flush=True)
"""


def _other_writer(target):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    tmp = proc.stdout.readline().strip()
    assert tmp, "the writer did not start"
    return proc, tmp


def _fit_with(ckpt):
    model = _tiny_model()
    model.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=1, verbose=0, callbacks=[ckpt])


def test_checkpoint_start_keeps_another_writers_save_in_progress(tmp_path):
    target = tmp_path / "shared.keras"
    proc, tmp = _other_writer(target)
    try:
        _fit_with(SafeModelCheckpoint(target))  # on_train_begin cleans this target's temporaries
        assert os.path.exists(tmp), "another process's save in progress was deleted"
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "DONE"
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == 0 and target.read_bytes() == b"from the other writer"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_crashed_writers_temporaries_are_cleaned(tmp_path):
    target = tmp_path / "ckpt-{epoch:02d}.keras"
    proc, tmp = _other_writer(tmp_path / "ckpt-07.keras")
    proc.kill()
    proc.wait(timeout=60)
    fresh_unknown = tmp_path / ".ckpt-03.keras.abcdef.tmp.keras"  # no owner in the name, not old: kept
    fresh_unknown.write_bytes(b"?")
    assert os.path.exists(tmp)
    _fit_with(SafeModelCheckpoint(target))
    assert not os.path.exists(tmp), "a dead writer's temporary survived"
    assert fresh_unknown.exists()
    assert (tmp_path / "ckpt-01.keras").exists()
    os.utime(fresh_unknown, (time.time() - 3 * 86400,) * 2)
    assert remove_stale_temporaries(target) == [fresh_unknown]


def test_temporaries_are_unique_per_writer(tmp_path):
    with atomic_write(tmp_path / "x.keras") as first, atomic_write(tmp_path / "x.keras") as second:
        assert first != second
        assert f".{os.getpid()}." in first.name and first.name.endswith(".tmp.keras")
        first.write_bytes(b"1")
        second.write_bytes(b"2")
    assert (tmp_path / "x.keras").read_bytes() == b"1"  # the outer block finished last


# -- item 12: the .h5 save that drops the optimizer (Keras <= 3.15.1) ---------------------------------
@pytest.mark.parametrize("via_checkpoint", [False, True])
def test_h5_then_keras_save_keeps_adam_and_its_state(tmp_path, via_checkpoint):
    model = _tiny_model()
    x, y = np.ones((8, 3), "float32"), np.ones((8, 2), "float32")
    model.fit(x, y, epochs=2, verbose=0)
    if via_checkpoint:
        _ = model.fit(x, y, epochs=1, verbose=0, callbacks=[SafeModelCheckpoint(tmp_path / "c.h5")])
    else:
        save_model(model, tmp_path / "first.h5")
    reloaded = load_model(save_model(model, tmp_path / "second.keras"))
    assert isinstance(reloaded.optimizer, keras.optimizers.Adam)
    assert int(keras.ops.convert_to_numpy(reloaded.optimizer.iterations)) == int(
        keras.ops.convert_to_numpy(model.optimizer.iterations)
    )
    for ours, theirs in zip(reloaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(ours), keras.ops.convert_to_numpy(theirs))
