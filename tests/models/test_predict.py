from __future__ import annotations

import json

import keras
import numpy as np
import pytest
from PIL import Image

from kerasdl.models import WeightsNotFoundError, load_class_index, predict_image


@pytest.fixture(scope="module")
def random_classifier(tmp_path_factory):
    """A full MobileNetV2 (with its 1000-class top) with random weights, saved to a file."""
    keras.utils.set_random_seed(7)
    model = keras.applications.MobileNetV2(weights=None)
    path = tmp_path_factory.mktemp("weights") / "mobilenet_v2.weights.h5"
    model.save_weights(path)
    return model, path


def test_predict_image_plumbing_matches_keras_preprocess_and_decode(
    random_classifier, imagenet_class_index_path, tmp_path
):
    model, weights = random_classifier
    rng = np.random.default_rng(0)
    image_path = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 255, (300, 200, 3), dtype=np.uint8)).save(image_path)

    result = predict_image(image_path, model="mobilenet_v2", weights=weights, top=3,
                           class_index=imagenet_class_index_path)

    # The course's recipe by hand, as the oracle.
    pixels = keras.utils.img_to_array(keras.utils.load_img(image_path, target_size=(224, 224)))[None]
    probs = keras.ops.convert_to_numpy(model(keras.applications.mobilenet_v2.preprocess_input(pixels)))[0]
    index = json.loads(imagenet_class_index_path.read_text())
    by_wnid = {wnid: int(i) for i, (wnid, _) in index.items()}
    assert len(result) == 3
    assert [p for _, _, p in result] == sorted((p for _, _, p in result), reverse=True)
    np.testing.assert_allclose([p for _, _, p in result], np.sort(probs)[::-1][:3], rtol=1e-4)
    for wnid, label, probability in result:
        assert index[str(by_wnid[wnid])] == [wnid, label]
        np.testing.assert_allclose(probability, probs[by_wnid[wnid]], rtol=1e-4)
        assert isinstance(probability, float)


def test_predict_image_accepts_arrays_and_pil_images_and_the_keras_cache(
    random_classifier, imagenet_class_index_path, tmp_path, monkeypatch
):
    _, weights = random_classifier
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "imagenet_class_index.json").write_bytes(imagenet_class_index_path.read_bytes())
    array = np.random.default_rng(1).uniform(0, 255, (224, 224, 3)).astype("float32")
    original = array.copy()
    from_array = predict_image(array, model="mobilenet_v2", weights=weights)  # class index from the cache
    np.testing.assert_array_equal(array, original)  # preprocessing did not modify the caller's array
    from_pil = predict_image(Image.fromarray(array.astype(np.uint8)), model="mobilenet_v2", weights=weights)
    assert len(from_array) == len(from_pil) == 5
    gray = predict_image(array[..., 0][:100, :120], model="mobilenet_v2", weights=weights, top=1)
    assert len(gray) == 1 and len(gray[0]) == 3


def test_offline_errors_name_the_files_to_fetch(random_classifier, tmp_path, monkeypatch):
    _, weights = random_classifier
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(fname, origin=None, **kwargs):
        raise Exception(f"URL fetch failure on {origin}")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    image = np.zeros((224, 224, 3), "float32")
    with pytest.raises(WeightsNotFoundError, match=r"'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5'"
                                                   r".*weights=PATH"):
        predict_image(image, model="mobilenet_v2")
    with pytest.raises(FileNotFoundError, match=r"imagenet_class_index.json.*Pass class_index=PATH"):
        predict_image(image, model="mobilenet_v2", weights=weights)


def test_load_class_index_and_bad_inputs(random_classifier, tmp_path):
    _, weights = random_classifier
    assert load_class_index({"1": ["n01443537", "goldfish"]}) == {1: ("n01443537", "goldfish")}
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    with pytest.raises(ValueError, match=r"not a JSON file"):
        load_class_index(bad_json)
    with pytest.raises(ValueError, match=r"\[wnid, label\] pairs"):
        load_class_index({"zero": "tench"})
    with pytest.raises(FileNotFoundError, match=r"`class_index` file does not exist"):
        load_class_index(tmp_path / "missing.json")
    not_an_image = tmp_path / "notes.jpg"
    not_an_image.write_text("hello")
    small_index = {str(i): [f"n{i:08d}", f"class{i}"] for i in range(1000)}
    with pytest.raises(ValueError, match=r"Could not read the image.*notes.jpg"):
        predict_image(not_an_image, model="mobilenet_v2", weights=weights, class_index=small_index)
    with pytest.raises(ValueError, match=r"one image array of shape"):
        predict_image(np.zeros((2, 8, 8, 3)), model="mobilenet_v2", weights=weights, class_index=small_index)
    with pytest.raises(ValueError, match=r"`weights` must be 'imagenet' or the path.*Received: weights=None"):
        predict_image(np.zeros((8, 8, 3)), model="mobilenet_v2", weights=None)
    with pytest.raises(ValueError, match=r"`top` must be at most 1000"):
        predict_image(np.zeros((8, 8, 3)), model="mobilenet_v2", weights=weights, top=1001)
    with pytest.raises(ValueError, match=r"class index has 2 classes but the model predicts 1000"):
        predict_image(np.zeros((8, 8, 3)), model="mobilenet_v2", weights=weights,
                      class_index={"0": ["a", "b"], "1": ["c", "d"]})
    with pytest.raises(ValueError, match=r"`backbone` must be one of"):
        predict_image(np.zeros((8, 8, 3)), model="alexnet", weights=weights)
