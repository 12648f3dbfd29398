"""``ImageDataGenerator`` arguments, mapped onto Keras 3 augmentation layers.

:func:`augmentation_layers` takes the augmentation arguments of the legacy
``ImageDataGenerator`` (the course's ``rotation_range=40,
width_shift_range=0.2, ...``) and returns the Keras 3 layers that draw the
same random transformations. The layers run on the TensorFlow, JAX and
PyTorch backends, inside a model (active only in training) or inside a
``tf.data`` pipeline (see :func:`kerasdl.data.image_dataset`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import keras

from kerasdl.utils.validation import check_choice

FILL_MODES = ("nearest", "constant", "reflect", "wrap")


@keras.saving.register_keras_serializable(package="kerasdl")
class RandomBrightnessScale(keras.layers.RandomBrightness):
    """Multiply images by a random factor, like ``ImageDataGenerator(brightness_range=...)``.

    Keras's ``RandomBrightness`` *adds* a random offset; the legacy generator
    (through ``PIL.ImageEnhance.Brightness``) *multiplies* every pixel by a
    factor drawn uniformly from ``brightness_range`` and clips to
    ``[0, 255]``. This layer does the latter, one factor per image, and is
    safe inside ``tf.data`` on every backend (it is a ``RandomBrightness``
    with a different transform). Like every augmentation layer it is the
    identity at inference.

    Args:
        brightness_range: ``(low, high)`` with ``0 <= low <= high <= 2``;
            ``1.0`` leaves the image unchanged. Defaults to ``(0.8, 1.2)``.
        value_range: The pixel range to clip the result to. Defaults to
            ``(0, 255)``.
        seed: Seed of the random factors. Defaults to ``None``.
        **kwargs: Base layer arguments (``name``, ``dtype``...).

    Example:

    >>> import numpy as np
    >>> layer = RandomBrightnessScale((0.5, 0.5))
    >>> keras.ops.convert_to_numpy(layer(np.full((1, 2, 2, 1), 100.0), training=True)).ravel()
    array([50., 50., 50., 50.], dtype=float32)
    """

    def __init__(
        self,
        brightness_range: Sequence[float] = (0.8, 1.2),
        value_range: Sequence[float] = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        low, high = _check_brightness_range(brightness_range)
        # The parent draws ``uniform(factor) * (1 - 0)``: with value_range (0, 1)
        # that is exactly ``factor - 1``; this class reinterprets it as a scale.
        super().__init__(factor=(low - 1.0, high - 1.0), value_range=(0, 1), seed=seed, **kwargs)
        self.brightness_range = (low, high)
        self.clip_range = tuple(sorted(float(v) for v in value_range))

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Any:
        if not training:
            return images
        scale = 1.0 + self.backend.cast(transformation["rgb_delta"], images.dtype)
        return self.backend.numpy.clip(images * scale, self.clip_range[0], self.clip_range[1])

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("factor", None)
        config.update(
            brightness_range=list(self.brightness_range), value_range=list(self.clip_range), seed=self.seed
        )
        return config


def _check_brightness_range(value: Any) -> tuple[float, float]:
    if (
        isinstance(value, (str, bytes))
        or not isinstance(value, Sequence)
        or len(value) != 2
        or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value)
    ):
        raise ValueError(
            "`brightness_range` must be None or a pair (low, high) of brightness factors such as "
            f"(0.8, 1.2). Received: brightness_range={value!r}"
        )
    low, high = float(value[0]), float(value[1])
    if not 0 <= low <= high <= 2:
        raise ValueError(
            "`brightness_range` must satisfy 0 <= low <= high <= 2 (1.0 leaves the image unchanged). "
            f"Received: brightness_range={value!r}"
        )
    return low, high


def _number(value: Any, name: str, low: float, high: float, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number{hint}. Received: {name}={value!r}")
    number = float(value)
    if not low <= number < high:
        raise ValueError(f"`{name}` must be in [{low:g}, {high:g}){hint}. Received: {name}={value!r}")
    return number


def _shift(value: Any, name: str, axis: str) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value) >= 1:
        raise ValueError(
            f"`{name}` must be a fraction of the image {axis} in [0, 1): shifts in pixels (values >= 1) "
            "depend on the image size, which the layers do not know in advance. Divide by the "
            f"{axis}, e.g. {name}={float(value):g} / 150 for 150-pixel images. Received: {name}={value!r}"
        )
    if isinstance(value, (list, tuple)):
        raise ValueError(
            f"`{name}` must be a single fraction of the image {axis} in [0, 1); lists of allowed "
            f"pixel shifts are not supported by the Keras layers. Received: {name}={value!r}"
        )
    return _number(value, name, 0.0, 1.0, f" (a fraction of the image {axis})")


def _zoom(value: Any) -> tuple[float, float]:
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or not all(isinstance(v, numbers.Real) for v in value):
            raise ValueError(
                f"`zoom_range` must be a float or a pair [lower, upper]. Received: zoom_range={value!r}"
            )
        low, high = float(value[0]), float(value[1])
    else:
        z = _number(value, "zoom_range", 0.0, 1.0, " (or a pair [lower, upper])")
        low, high = 1.0 - z, 1.0 + z
    if not 0 < low <= high <= 2:
        raise ValueError(
            "`zoom_range` as [lower, upper] must satisfy 0 < lower <= upper <= 2 (the Keras RandomZoom "
            f"limits). Received: zoom_range={value!r}"
        )
    return low, high


def augmentation_layers(
    rotation_range: float = 0,
    width_shift_range: float = 0.0,
    height_shift_range: float = 0.0,
    shear_range: float = 0.0,
    zoom_range: float | Sequence[float] = 0.0,
    horizontal_flip: bool = False,
    vertical_flip: bool = False,
    brightness_range: Sequence[float] | None = None,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    rescale: float | None = None,
    seed: int | None = None,
    pipeline: bool = False,
    fused: bool = False,
) -> Any:
    """Keras 3 augmentation layers for ``ImageDataGenerator``-style arguments.

    The arguments and their meaning are those of the legacy
    ``ImageDataGenerator``; each maps onto a Keras layer drawing the same
    random transformation. The layers apply, like the legacy
    ``random_transform`` then ``standardize``, in the order geometry, flips,
    brightness, rescaling (so ``cval`` and ``brightness_range`` act on
    unscaled pixels). Arguments left at their default add no layer.

    .. list-table::
       :header-rows: 1

       * - ImageDataGenerator
         - Keras 3 layer
         - exact
       * - ``rotation_range=d``
         - ``RandomRotation(factor=d / 360)``: uniform in +-d degrees (fractions of a full
           turn); both rotate counter-clockwise for positive angles
         - yes
       * - ``width_shift_range=w``
         - ``RandomTranslation(width_factor=(-w, w))``: +-w * width pixels
         - yes
       * - ``height_shift_range=h``
         - ``RandomTranslation(height_factor=(-h, h))``: +-h * height pixels
         - yes
       * - ``shear_range=s``
         - ``RandomShear(x_factor=sin(s degrees))``: the same horizontal shear slope; Keras
           shears about the top-left corner (an extra shift of up to ``sin(s) * height / 2``)
           and omits the legacy vertical scale ``1 / cos(s)`` (< 1% below 8 degrees)
         - approx.
       * - ``zoom_range=z``
         - ``RandomZoom(height_factor=(-z, z), width_factor=(-z, z))``: the sampling-grid
           scale is uniform in ``[1 - z, 1 + z]`` per axis, independently (``> 1`` zooms
           out in both); ``[lo, hi]`` maps to ``(lo - 1, hi - 1)``
         - yes
       * - ``horizontal_flip``
         - ``RandomFlip("horizontal")``, probability 1/2
         - yes
       * - ``vertical_flip``
         - a second, independent ``RandomFlip("vertical")`` (``"horizontal_and_vertical"``
           would flip both together)
         - yes
       * - ``brightness_range``
         - :class:`RandomBrightnessScale` (Keras's ``RandomBrightness`` adds an offset; the
           legacy class multiplies)
         - yes
       * - ``fill_mode``, ``cval``
         - ``fill_mode``, ``fill_value`` of each geometric layer (same names and meanings;
           PyTorch turns ``"reflect"`` into ``"mirror"`` and lacks ``"wrap"``)
         - yes
       * - ``rescale``
         - ``Rescaling(scale=rescale)``, last
         - yes

    With ``fused=True`` the geometric rows above become one
    :class:`kerasdl.data.RandomAffine` layer that reproduces the legacy
    ``apply_transform`` exactly (one composed matrix, one resampling; shear
    about the centre with its ``1 / cos`` scale) and is several times
    faster; :func:`kerasdl.data.image_dataset` uses it for dict arguments.

    Differences kept on purpose (unfused): each geometric layer resamples the image
    (bilinear) in turn where the legacy class composes one affine matrix, so
    combined transforms are slightly blurrier; shifts must be fractions
    (``< 1``), not pixels; brightness is not rounded to 8-bit. The legacy
    class shipped with Keras 3 (``tf.keras`` in TensorFlow 2.16+) applies
    ``height_shift_range`` along the width and vice versa (an axis swap in its
    matrix code); these layers follow the documented meaning.
    ``featurewise_*``, ``samplewise_*``, ``channel_shift_range`` and
    ``preprocessing_function`` have no layer here: use
    :class:`kerasdl.data.ImageDataGenerator` or ``keras.layers.Normalization``.

    Args:
        rotation_range: Rotation range in degrees, uniform in
            ``[-rotation_range, rotation_range]``. Defaults to ``0``.
        width_shift_range: Horizontal shift as a fraction of the width, in
            ``[0, 1)``. Defaults to ``0.0``.
        height_shift_range: Vertical shift as a fraction of the height, in
            ``[0, 1)``. Defaults to ``0.0``.
        shear_range: Shear angle range in **degrees** (``0.2`` is a fifth of
            a degree, not 20%). Defaults to ``0.0``.
        zoom_range: ``z`` for ``[1 - z, 1 + z]``, or ``[lower, upper]``.
            Defaults to ``0.0``.
        horizontal_flip: Flip left-right with probability 1/2. Defaults to
            ``False``.
        vertical_flip: Flip upside down with probability 1/2. Defaults to
            ``False``.
        brightness_range: ``(low, high)`` brightness factors, or ``None``.
            Defaults to ``None``.
        fill_mode: ``"nearest"``, ``"constant"``, ``"reflect"`` or
            ``"wrap"``: how to fill pixels that come from outside the image.
            Defaults to ``"nearest"``.
        cval: Fill value for ``fill_mode="constant"``, in unscaled pixel
            units. Defaults to ``0.0``.
        rescale: Multiply pixels by this at the end (e.g. ``1 / 255``), or
            ``None``. Defaults to ``None``.
        seed: Seed for reproducible augmentation (each layer gets
            ``seed + i``). Defaults to ``None``.
        pipeline: Return a ``keras.layers.Pipeline`` instead of a
            ``keras.Sequential``: required inside ``tf.data.Dataset.map`` on
            JAX and PyTorch (a ``Sequential`` raises there). Defaults to
            ``False``.
        fused: Replace the rotation, shift, shear, zoom and flip layers by one
            :class:`kerasdl.data.RandomAffine` layer, which composes the legacy
            generator's matrix and resamples once: the legacy result exactly
            (shear included), several times faster on a CPU. Defaults to ``False``.

    Returns:
        A ``keras.Sequential`` (or ``keras.layers.Pipeline``) named
        ``"augmentation"``; it is the identity (plus rescaling) at inference.

    Raises:
        ValueError: If a range is out of bounds (with the fix), e.g. a pixel
            shift, or ``fill_mode`` is unknown.
        TypeError: If a range is not a number.

    Example:

    >>> aug = augmentation_layers(rotation_range=40, width_shift_range=0.2, zoom_range=0.2,
    ...                           horizontal_flip=True, rescale=1 / 255, seed=0)
    >>> [layer.__class__.__name__ for layer in aug.layers]
    ['RandomRotation', 'RandomTranslation', 'RandomZoom', 'RandomFlip', 'Rescaling']
    >>> aug.layers[0].factor
    (-0.1111111111111111, 0.1111111111111111)
    >>> import numpy as np
    >>> tuple(aug(np.zeros((2, 32, 32, 3)), training=True).shape)
    (2, 32, 32, 3)
    """
    layers = keras.layers
    rotation = _number(rotation_range, "rotation_range", 0.0, math.inf, " of degrees >= 0")
    width = _shift(width_shift_range, "width_shift_range", "width")
    height = _shift(height_shift_range, "height_shift_range", "height")
    shear = _number(shear_range, "shear_range", 0.0, 90.0, " (degrees)")
    zoom = _zoom(zoom_range)
    brightness = None if brightness_range is None else _check_brightness_range(brightness_range)
    fill = check_choice(fill_mode, "fill_mode", FILL_MODES)
    if isinstance(cval, bool) or not isinstance(cval, numbers.Real):
        raise TypeError(f"`cval` must be a number. Received: cval={cval!r}")
    if rescale is not None and (isinstance(rescale, bool) or not isinstance(rescale, numbers.Real)):
        raise TypeError(f"`rescale` must be a number or None, e.g. 1 / 255. Received: rescale={rescale!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"`seed` must be an integer or None. Received: seed={seed!r}")

    stack: list[Any] = []

    def next_seed() -> int | None:
        return None if seed is None else int(seed) + len(stack)

    geometry = {"fill_mode": fill, "fill_value": float(cval)}
    moves = rotation or width or height or shear or zoom != (1.0, 1.0) or horizontal_flip or vertical_flip
    if fused and moves:
        from kerasdl.data.affine import RandomAffine

        stack.append(
            RandomAffine(
                rotation, width, height, shear, zoom, bool(horizontal_flip), bool(vertical_flip),
                seed=next_seed(), **geometry,
            )
        )
        rotation = width = height = shear = 0.0
        zoom = (1.0, 1.0)
        horizontal_flip = vertical_flip = False
    if rotation:
        turn = rotation / 360.0
        stack.append(layers.RandomRotation((-turn, turn), seed=next_seed(), **geometry))
    if width or height:
        stack.append(
            layers.RandomTranslation((-height, height), (-width, width), seed=next_seed(), **geometry)
        )
    if shear:
        factor = math.sin(math.radians(shear))
        stack.append(layers.RandomShear(x_factor=factor, y_factor=0.0, seed=next_seed(), **geometry))
    if zoom != (1.0, 1.0):
        factor_range = (zoom[0] - 1.0, zoom[1] - 1.0)
        stack.append(layers.RandomZoom(factor_range, factor_range, seed=next_seed(), **geometry))
    if horizontal_flip:
        stack.append(layers.RandomFlip("horizontal", seed=next_seed(), name="random_flip_horizontal"))
    if vertical_flip:
        stack.append(layers.RandomFlip("vertical", seed=next_seed(), name="random_flip_vertical"))
    if brightness is not None and brightness != (1.0, 1.0):
        stack.append(RandomBrightnessScale(brightness, seed=next_seed()))
    if rescale is not None:
        stack.append(layers.Rescaling(float(rescale)))
    if pipeline:
        return layers.Pipeline(stack, name="augmentation")
    return keras.Sequential(stack, name="augmentation")


def as_pipeline(augment: Any) -> Any:
    """Return a ``keras.layers.Pipeline`` with the layers of a ``Sequential`` (else ``augment``).

    Inside ``tf.data.Dataset.map`` on JAX and PyTorch, a ``keras.Sequential``
    raises while a ``Pipeline`` of the same augmentation layers works.

    Example:

    >>> as_pipeline(augmentation_layers(horizontal_flip=True)).__class__.__name__
    'Pipeline'
    """
    if isinstance(augment, keras.Sequential):
        return keras.layers.Pipeline(list(augment.layers), name=augment.name)
    return augment


__all__ = ["FILL_MODES", "RandomBrightnessScale", "as_pipeline", "augmentation_layers"]
