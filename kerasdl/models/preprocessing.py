"""``preprocess_input`` of the ImageNet backbones as a serializable Keras layer.

``keras.applications.<name>.preprocess_input`` is a function applied outside
the model (and ``resnet50.preprocess_input`` modifies a float32 NumPy array
in place). Built into a model as :class:`ImageNetPreprocessing`, it travels
with the ``.keras`` file, runs on every backend, and never touches the
caller's array.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops

from kerasdl.utils.validation import check_choice

#: The three ``preprocess_input`` conventions of ``keras.applications``.
MODES = ("caffe", "tf", "torch")

# ImageNet channel statistics used by keras.applications.imagenet_utils.
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


@keras.saving.register_keras_serializable(package="kerasdl")
class ImageNetPreprocessing(layers.Layer):
    """Apply a backbone's ``preprocess_input`` inside the model (channels last).

    * ``"caffe"`` (ResNet50/101/152, VGG16/19): RGB to BGR, then subtract
      the ImageNet channel means; no scaling.
    * ``"tf"`` (MobileNetV2, ResNetV2, Inception, Xception): scale
      ``[0, 255]`` to ``[-1, 1]``.
    * ``"torch"`` (DenseNet): scale to ``[0, 1]``, then standardize each
      channel with the ImageNet mean and standard deviation.

    The results equal ``keras.applications.<name>.preprocess_input``. Inputs
    are raw pixels in ``[0, 255]`` (any numeric dtype); the layer computes in
    float32 unless given another ``dtype``, so mixed-precision models do not
    lose the precision of the mean subtraction. The input is never modified.

    Args:
        mode: ``"caffe"``, ``"tf"`` or ``"torch"``. Defaults to ``"caffe"``.
        **kwargs: Standard layer arguments (``name``, ``dtype``...).

    Raises:
        ValueError: If ``mode`` is unknown.

    Example:

    >>> import numpy as np
    >>> from kerasdl.models import ImageNetPreprocessing
    >>> layer = ImageNetPreprocessing("tf")
    >>> np.asarray(layer(np.array([[[[0.0, 127.5, 255.0]]]]))).round(3).tolist()
    [[[[-1.0, 0.0, 1.0]]]]
    """

    def __init__(self, mode: str = "caffe", **kwargs: Any) -> None:
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.mode = check_choice(mode, "mode", MODES)

    def call(self, inputs: Any) -> Any:
        x = ops.cast(inputs, self.compute_dtype)
        if self.mode == "tf":
            return x / 127.5 - 1.0
        if self.mode == "torch":
            mean = ops.convert_to_tensor(_TORCH_MEAN, dtype=self.compute_dtype)
            std = ops.convert_to_tensor(_TORCH_STD, dtype=self.compute_dtype)
            return (x / 255.0 - mean) / std
        mean = ops.convert_to_tensor(_CAFFE_MEAN_BGR, dtype=self.compute_dtype)
        return ops.flip(x, axis=-1) - mean

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["mode"] = self.mode
        return config
