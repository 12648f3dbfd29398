"""The random-transform and normalization methods of :class:`~kerasdl.data.ImageDataGenerator`.

Kept in a mixin so that the generator module holds the constructor and the
``flow*`` methods. Single-image methods (``get_random_transform``,
``apply_transform``, ``random_transform``) reproduce the legacy API and its
transform dictionaries; the iterators use the batch path,
``_transform_batch``, which draws every parameter for the whole batch at once.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from kerasdl.data import transforms
from kerasdl.data.image_files import thread_map

_KEYS = ("theta", "tx", "ty", "shear", "zx", "zy")


def _draw_shift(value: Any, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Legacy shift semantics, vectorized.

    An int gives whole pixels, a list one of its values, a float a uniform draw.
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        shift = rng.choice(np.asarray(value, dtype=np.float64), n) * rng.choice([-1, 1], n)
    elif isinstance(value, numbers.Integral):
        shift = rng.integers(0, cast(int, value), n).astype(np.float64) * rng.choice([-1, 1], n)
    else:
        shift = rng.uniform(-value, value, n)
    if np.max(value) < 1:
        shift = shift * size
    return shift


def _float32_copy(x: np.ndarray) -> np.ndarray:
    """``x.astype(float32)``, channel by channel when ``x`` is a ``[..., :c]`` view (much faster there)."""
    if x.flags.c_contiguous:
        return x.astype(np.float32)
    out = np.empty(x.shape, dtype=np.float32)
    for k in range(x.shape[-1]):
        out[..., k] = x[..., k]
    return out


class _AugmentMixin:
    """Random transforms, ``standardize`` and ``fit`` (see :class:`ImageDataGenerator`)."""

    rotation_range: float
    width_shift_range: Any
    height_shift_range: Any
    shear_range: float
    zoom_range: list[float]
    channel_shift_range: float
    brightness_range: Any
    horizontal_flip: bool
    vertical_flip: bool
    fill_mode: str
    cval: float
    interpolation_order: int
    rescale: float | None
    preprocessing_function: Any
    featurewise_center: bool
    featurewise_std_normalization: bool
    samplewise_center: bool
    samplewise_std_normalization: bool
    zca_whitening: bool
    zca_epsilon: float
    mean: np.ndarray | None
    std: np.ndarray | None
    zca_whitening_matrix: np.ndarray | None
    dtype: str

    # ------------------------------------------------------- single image API
    def get_random_transform(self, img_shape: tuple[int, ...], seed: int | None = None) -> dict[str, Any]:
        """Draw the random parameters for one image, exactly as the legacy class did.

        With a ``seed`` the draws come from ``np.random.RandomState(seed)``,
        which gives the same dictionary as tf.keras 2.x for the same seed;
        without, from NumPy's global random state.

        Args:
            img_shape: Shape of the image, ``(height, width, channels)``.
            seed: Random seed. Defaults to ``None``.

        Returns:
            A dict with ``theta``, ``tx``, ``ty``, ``shear``, ``zx``, ``zy``,
            ``flip_horizontal``, ``flip_vertical``,
            ``channel_shift_intensity`` and ``brightness``.

        Example:

        >>> from kerasdl.data import ImageDataGenerator
        >>> params = ImageDataGenerator(rotation_range=30).get_random_transform((8, 8, 3), seed=0)
        >>> -30 <= params["theta"] <= 30 and params["tx"] == 0
        True
        """
        rs: Any = np.random.RandomState(seed) if seed is not None else np.random
        theta = rs.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = self._legacy_shift(rs, self.height_shift_range, img_shape[0])
        ty = self._legacy_shift(rs, self.width_shift_range, img_shape[1])
        shear = rs.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rs.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (rs.random() < 0.5) * self.horizontal_flip
        flip_vertical = (rs.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = rs.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = rs.uniform(self.brightness_range[0], self.brightness_range[1])
        return {
            "theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
            "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
            "channel_shift_intensity": channel_shift_intensity, "brightness": brightness,
        }

    @staticmethod
    def _legacy_shift(rs: Any, value: Any, size: int) -> float:
        # The legacy ``if self.height_shift_range:``: a non-empty list such as
        # [0] still draws (and so moves the random stream for what follows).
        drawn = len(value) > 0 if isinstance(value, (list, tuple)) else np.any(value)
        if not drawn:
            return 0
        try:  # 1-D array-like or int
            shift = rs.choice(value)
            shift *= rs.choice([-1, 1])
        except ValueError:  # a float
            shift = rs.uniform(-value, value)
        if np.max(value) < 1:
            shift *= size
        return shift

    def apply_transform(self, x: np.ndarray, transform_parameters: dict[str, Any]) -> np.ndarray:
        """Apply a transform dictionary (as from :meth:`get_random_transform`) to one image.

        Affine warp (rotation, shift, shear, zoom; legacy parameterisation),
        then channel shift, flips and brightness, in the legacy order.

        Args:
            x: One image, ``(height, width, channels)``.
            transform_parameters: Keys as returned by
                :meth:`get_random_transform`; missing keys mean "no change".

        Returns:
            The transformed image (float dtype of ``x``, else ``float32``).

        Example:

        >>> import numpy as np
        >>> from kerasdl.data import ImageDataGenerator
        >>> x = np.arange(9, dtype="float32").reshape(3, 3, 1)
        >>> ImageDataGenerator().apply_transform(x, {"flip_horizontal": True})[0, :, 0].tolist()
        [2.0, 1.0, 0.0]
        """
        x = np.asarray(x)
        if x.ndim != 3:
            raise ValueError(
                "`x` must be one image of shape (height, width, channels). "
                f"Received: x.shape={x.shape}"
            )
        params = {
            "theta": transform_parameters.get("theta", 0), "tx": transform_parameters.get("tx", 0),
            "ty": transform_parameters.get("ty", 0), "shear": transform_parameters.get("shear", 0),
            "zx": transform_parameters.get("zx", 1), "zy": transform_parameters.get("zy", 1),
            "flip_horizontal": bool(transform_parameters.get("flip_horizontal", False)),
            "flip_vertical": bool(transform_parameters.get("flip_vertical", False)),
        }
        batch: dict[str, np.ndarray | None] = {k: np.array([v]) for k, v in params.items()}
        for key in ("channel_shift_intensity", "brightness"):
            value = transform_parameters.get(key)
            batch[key] = None if value is None else np.array([value], dtype=np.float64)
        out = self._apply_batch(x[None], batch)[0]
        return out.astype(x.dtype) if np.issubdtype(x.dtype, np.floating) else out

    def random_transform(self, x: np.ndarray, seed: int | None = None) -> np.ndarray:
        """Apply a random transform to one image.

        Example:

        >>> import numpy as np
        >>> from kerasdl.data import ImageDataGenerator
        >>> ImageDataGenerator(rotation_range=10).random_transform(np.ones((4, 4, 3)), seed=0).shape
        (4, 4, 3)
        """
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    # -------------------------------------------------------------- batch path
    def _random_params(self, n: int, shape: tuple[int, ...], rng: np.random.Generator) -> dict[str, Any]:
        """Draw the parameters of ``n`` images at once (same distributions as the legacy class)."""
        zeros = np.zeros(n)
        lo, hi = self.zoom_range
        params: dict[str, Any] = {
            "theta": (
                rng.uniform(-self.rotation_range, self.rotation_range, n) if self.rotation_range else zeros
            ),
            "tx": zeros, "ty": zeros,
            "shear": rng.uniform(-self.shear_range, self.shear_range, n) if self.shear_range else zeros,
            "zx": np.ones(n), "zy": np.ones(n),
        }
        if np.any(self.height_shift_range):
            params["tx"] = _draw_shift(self.height_shift_range, n, shape[0], rng)
        if np.any(self.width_shift_range):
            params["ty"] = _draw_shift(self.width_shift_range, n, shape[1], rng)
        if not (lo == 1 and hi == 1):
            params["zx"], params["zy"] = rng.uniform(lo, hi, (2, n))
        params["flip_horizontal"] = (rng.random(n) < 0.5) & self.horizontal_flip
        params["flip_vertical"] = (rng.random(n) < 0.5) & self.vertical_flip
        params["channel_shift_intensity"] = (
            rng.uniform(-self.channel_shift_range, self.channel_shift_range, n)
            if self.channel_shift_range
            else None
        )
        params["brightness"] = (
            rng.uniform(self.brightness_range[0], self.brightness_range[1], n)
            if self.brightness_range is not None
            else None
        )
        return params

    def _apply_batch(
        self,
        x: np.ndarray,
        params: dict[str, Any],
        scale: float | None = None,
        decode: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Apply per-image parameter arrays to a batch ``(n, h, w, c)``; returns float32.

        ``scale`` multiplies the result (the warp folds it into its
        interpolation weights); only valid without channel or brightness shifts.
        ``decode(start, stop)``, if given, must run before images
        ``start ... stop - 1`` of ``x`` are read (see
        :class:`~kerasdl.data.image_files.PackedBatch`): the warp decodes
        chunk by chunk, overlapped with its own work.
        """
        n, height, width = x.shape[:3]
        identity = (
            not np.any(params["theta"]) and not np.any(params["tx"]) and not np.any(params["ty"])
            and not np.any(params["shear"]) and np.all(params["zx"] == 1) and np.all(params["zy"] == 1)
        )
        flip_h = np.asarray(params["flip_horizontal"], dtype=bool)
        flip_v = np.asarray(params["flip_vertical"], dtype=bool)
        if identity:
            if decode is not None:
                thread_map(lambda i: decode(i, i + 1), range(n))
            out = _float32_copy(x)
            out[flip_h] = out[flip_h, :, ::-1]
            out[flip_v] = out[flip_v, ::-1]
            if scale is not None:
                out *= scale
        else:
            # The flips go to the warp, not into the matrices: the legacy class flips
            # SciPy's result, and only the unflipped matrix gives SciPy's coordinates.
            matrices = transforms.affine_matrices(*(params[k] for k in _KEYS), height=height, width=width)
            flips = np.stack([np.broadcast_to(flip_v, (n,)), np.broadcast_to(flip_h, (n,))], axis=1)
            out = transforms._warp(
                x, matrices, self.fill_mode, self.cval, self.interpolation_order, scale, decode, flips
            )
        if params.get("channel_shift_intensity") is not None:
            out = transforms.channel_shift(out, params["channel_shift_intensity"])
        if params.get("brightness") is not None:
            out = transforms.brightness_shift(out, params["brightness"])
        return out

    def _transform_batch(
        self, x: np.ndarray, rng: np.random.Generator, decode: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """Augment then standardize a whole batch (what the iterators call).

        The parameters depend only on ``x``'s shape, so ``x`` may still be
        undecoded when ``decode`` is given (see :meth:`_apply_batch`).
        """
        params = self._random_params(len(x), x.shape[1:], rng)
        # ``rescale`` comes right after the warp when nothing lies between
        # them (the legacy order: transform, preprocessing_function, rescale):
        # fused into the warp's interpolation weights, it costs no extra pass.
        fuse = (
            bool(self.rescale) and self.preprocessing_function is None
            and params["channel_shift_intensity"] is None and params["brightness"] is None
            and type(self).standardize is _AugmentMixin.standardize  # a subclass's override still runs
        )
        out = self._apply_batch(x, params, scale=self.rescale if fuse else None, decode=decode)
        return self._standardize(out, rescale=False) if fuse else self.standardize(out)

    # ---------------------------------------------------------- normalization
    def standardize(self, x: np.ndarray) -> np.ndarray:
        """Apply ``preprocessing_function``, ``rescale`` and the normalizations.

        Works on one image ``(h, w, c)`` or a batch ``(n, h, w, c)``;
        sample-wise statistics are per image in both cases. Float input is
        modified in place, as in the legacy class.

        Args:
            x: An image or a batch of images.

        Returns:
            The normalized array.

        Example:

        >>> import numpy as np
        >>> from kerasdl.data import ImageDataGenerator
        >>> ImageDataGenerator(rescale=0.5).standardize(np.full((2, 2, 1), 4.0))[0, 0, 0]
        np.float64(2.0)
        """
        return self._standardize(x)

    def _standardize(self, x: np.ndarray, rescale: bool = True) -> np.ndarray:
        """:meth:`standardize`, optionally without ``rescale`` (already applied by the warp)."""
        if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
            x = np.asarray(x, dtype=self.dtype)
        if self.preprocessing_function is not None:
            if x.ndim == 4:
                x = np.stack([np.asarray(self.preprocessing_function(image)) for image in x]).astype(
                    x.dtype, copy=False
                )
            else:
                x = np.asarray(self.preprocessing_function(x))
        if self.rescale and rescale:
            x *= self.rescale
        axes = tuple(range(x.ndim - 3, x.ndim))
        if self.samplewise_center:
            x -= np.mean(x, axis=axes, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, axis=axes, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is None:
                warnings.warn(
                    "`featurewise_center` is set but `fit()` was not called: call `fit(x)` first.",
                    stacklevel=2,
                )
            else:
                x -= self.mean
        if self.featurewise_std_normalization:
            if self.std is None:
                warnings.warn(
                    "`featurewise_std_normalization` is set but `fit()` was not called: call `fit(x)` first.",
                    stacklevel=2,
                )
            else:
                x /= self.std + 1e-6
        if self.zca_whitening:
            if self.zca_whitening_matrix is None:
                warnings.warn(
                    "`zca_whitening` is set but `fit()` was not called: call `fit(x)` first.", stacklevel=2
                )
            else:
                flat = x.reshape(-1, math.prod(x.shape[-3:]))
                x = (flat @ self.zca_whitening_matrix).reshape(x.shape).astype(x.dtype, copy=False)
        return x

    def fit(self, x: Any, augment: bool = False, rounds: int = 1, seed: int | None = None) -> None:
        """Compute the feature-wise statistics (mean, std, ZCA matrix) from sample data.

        Only needed for ``featurewise_center``, ``featurewise_std_normalization``
        or ``zca_whitening``. ``rescale`` is applied first, as in the legacy class.

        Args:
            x: Images ``(n, height, width, channels)``.
            augment: Fit on randomly augmented copies. Defaults to ``False``.
            rounds: Augmentation passes when ``augment``. Defaults to ``1``.
            seed: Seed for the augmentation. Defaults to ``None``.

        Raises:
            ValueError: If ``x`` is not rank 4.

        Example:

        >>> import numpy as np
        >>> from kerasdl.data import ImageDataGenerator
        >>> gen = ImageDataGenerator(featurewise_center=True)
        >>> gen.fit(np.stack([np.zeros((2, 2, 3)), np.full((2, 2, 3), 2.0)]))
        >>> gen.mean.ravel().tolist()
        [1.0, 1.0, 1.0]
        """
        x = np.array(x, dtype=self.dtype)  # a copy
        if x.ndim != 4:
            raise ValueError(
                f"`x` must have rank 4: (n, height, width, channels). Received: x.shape={x.shape}"
            )
        if x.shape[3] not in (1, 3, 4):
            warnings.warn(
                f"`x` should have 1, 3 or 4 channels on its last axis. Received: x.shape={x.shape}",
                stacklevel=2,
            )
        if self.rescale:
            x *= self.rescale
        if augment:
            rng = np.random.default_rng(seed)
            x = np.concatenate(
                [self._apply_batch(x, self._random_params(len(x), x.shape[1:], rng)) for _ in range(rounds)]
            ).astype(self.dtype)
        if self.featurewise_center:
            self.mean = np.mean(x, axis=(0, 1, 2)).reshape(1, 1, -1)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=(0, 1, 2)).reshape(1, 1, -1)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = x.reshape(len(x), -1)
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            s_inv = np.sqrt(len(x)) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv) @ u.T
