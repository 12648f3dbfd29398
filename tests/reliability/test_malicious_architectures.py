"""A corpus of malicious and malformed architecture files: every one refused clearly, none runs code.

Each payload would create ``MARKER`` if any of it were executed (by
``yaml.load``/``yaml.unsafe_load``, by unmarshalling a ``Lambda``'s bytecode
and calling it while the model is rebuilt, or by importing an arbitrary
module); the test asserts the file never appears.
"""

from __future__ import annotations

import json

import keras
import pytest

from kerasdl.serialization import load_architecture, load_model, model_from_yaml


def _lambda_model_config(marker):
    """A real Keras config whose Lambda creates ``marker`` when the model is rebuilt."""
    inputs = keras.Input((2,))
    path = str(marker)
    outputs = keras.layers.Lambda(lambda t: (open(path, "w").close(), t)[1], name="evil")(inputs)
    if marker.exists():
        marker.unlink()  # building it here ran the lambda once, on purpose
    return json.loads(keras.Model(inputs, outputs).to_json())


def _corpus(tmp_path):
    marker = tmp_path / "MARKER"
    m = str(marker)
    lambda_config = _lambda_model_config(marker)
    nested = json.loads(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).to_json())
    nested["config"]["layers"][1]["config"]["activation"] = {
        "class_name": "__lambda__", "config": {"value": ["AAAA", None, None]}
    }
    legacy_lambda = json.loads(json.dumps(nested))
    legacy_lambda["config"]["layers"][1] = {
        "class_name": "Lambda",
        "config": {"name": "old", "function": ["4wEAAAAAAAAA", None, None], "function_type": "lambda",
                   "module": "__main__", "arguments": {}},
    }
    foreign_module = {"module": "os", "class_name": "system", "config": {"command": f"touch {m}"},
                      "registered_name": None}
    non_modeling = {"module": "keras.config", "class_name": "enable_unsafe_deserialization", "config": {},
                    "registered_name": None}
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    ) + "class_name: Functional\nconfig: {layers: *i}\n"
    return marker, {
        # name: (file name, content, expected message)
        "yaml-apply-os-system": ("a.yaml", f'!!python/object/apply:os.system ["touch {m}"]\n', "Python-specific YAML tag"),
        "yaml-apply-exec": ("b.yaml", f"!!python/object/apply:builtins.exec [\"open('{m}', 'w')\"]\n",
                            "Python-specific YAML tag"),
        "yaml-new-popen": ("c.yml", f"!!python/object/new:subprocess.Popen [[touch, {m}]]\n", "Python-specific YAML tag"),
        "yaml-name": ("d.yaml", "class_name: !!python/name:os.system\nconfig: {}\n", "Python-specific YAML tag"),
        "yaml-nested-tag": ("e.yaml", f"class_name: Functional\nconfig:\n  layers:\n  - !!python/object/apply:os.system [\"touch {m}\"]\n",
                            "Python-specific YAML tag"),
        "yaml-verbatim-tag": ("f.yaml", f'!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {m}"]\n',
                              "Python-specific YAML tag"),
        "yaml-module-tag": ("g.yaml", "!!python/module:os\n", "Python-specific YAML tag"),
        "yaml-unknown-tag": ("h.yaml", "class_name: !custom Functional\nconfig: {}\n", "YAML tag that plain-data YAML"),
        "yaml-lambda-bytecode": ("i.yaml", json.dumps(lambda_config), "serialized Python function"),
        "json-lambda-bytecode": ("j.json", json.dumps(lambda_config), "serialized Python function"),
        "json-nested-lambda": ("k.json", json.dumps(nested), "serialized Python function"),
        "json-tf-keras-lambda": ("l.json", json.dumps(legacy_lambda), "serialized Python function"),
        "json-foreign-module": ("m.json", json.dumps(foreign_module), "class from outside Keras"),
        "json-non-modeling-api": ("n.json", json.dumps(non_modeling), "not on kerasdl's list"),
        "yaml-billion-laughs": ("o.yaml", laughs, "YAML anchor or alias"),
        "json-deep-nesting": ("p.json", "[" * 100_000 + "]" * 100_000, "nested too deeply|not a Keras architecture"),
        "json-invalid": ("q.json", '{"class_name": "Functional", "config": {', "not valid JSON: .* line 1"),
        "json-truncated-model": ("r.json", json.dumps(lambda_config)[:200], "not valid JSON"),
        "json-top-level-list": ("s.json", "[1, 2, 3]", "expected a mapping with a 'class_name'"),
        "json-config-not-mapping": ("t.json", '{"class_name": "Functional", "config": 3}', "'config' entry must be a mapping"),
        "yaml-scalar": ("u.yaml", "just a string\n", "not a Keras architecture"),
        "yaml-invalid": ("v.yaml", "class_name: [unclosed\n", "not valid YAML"),
        "yaml-non-string-keys": ("w.yaml", "class_name: Functional\nconfig: {1: 2}\n", "keys must be strings"),
        "empty": ("x.json", "  \n", "is empty"),
        "binary": ("y.yaml", b"\xff\xfe\x00\x01 binary", "not a UTF-8 text file"),
        "tf-keras-2-json": ("z.json", json.dumps({"class_name": "Sequential", "config": {"layers": []},
                                                  "keras_version": "2.12.0", "backend": "tensorflow"}),
                            "written by tf.keras 2.12.0"),
    }


def test_every_payload_is_refused_and_nothing_runs(tmp_path):
    marker, corpus = _corpus(tmp_path)
    assert len(corpus) >= 25
    for name, (file_name, content, message) in corpus.items():
        path = tmp_path / file_name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        with pytest.raises(ValueError, match=message) as info:
            load_architecture(path)
        assert "Received" in str(info.value), (name, str(info.value))
        assert not marker.exists(), f"{name}: the payload ran"


def test_the_lambda_payload_is_live(tmp_path):
    """Control: the same file with safe_mode=False does run its code, so the refusals above matter."""
    marker, corpus = _corpus(tmp_path)
    path = tmp_path / "live.json"
    path.write_text(corpus["json-lambda-bytecode"][1])
    load_architecture(path, safe_mode=False)
    assert marker.exists()


def test_yaml_string_and_keras_archive_entry_points(tmp_path):
    marker, corpus = _corpus(tmp_path)
    with pytest.raises(ValueError, match="Python-specific YAML tag"):
        model_from_yaml(corpus["yaml-apply-os-system"][1])
    import zipfile

    with zipfile.ZipFile(tmp_path / "evil.keras", "w") as archive:
        archive.writestr("config.json", corpus["json-lambda-bytecode"][1])
        archive.writestr("metadata.json", json.dumps({"keras_version": keras.__version__}))
    with pytest.raises(ValueError, match="serialized Python function"):
        load_model(tmp_path / "evil.keras")
    assert not marker.exists()
