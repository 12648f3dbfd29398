"""The compiled kernel behind :func:`kerasdl.data.transforms.warp_affine`.

One loop over every output pixel of a batch, compiled by Numba: map the
pixel through its image's output-to-input matrix, apply SciPy's rule for
points outside the image (``fill_mode``), then read the one (nearest) or
four (bilinear) neighbours, all channels at once. Each sample coordinate
is computed in float64 with SciPy's own operations in SciPy's order, so a
point on the border lands on the same side of it as in the legacy class
(where ``"constant"`` and ``"wrap"`` jump), and the values agree with
SciPy's to float32 rounding. It gives the result of the NumPy path of
``warp_affine`` (the same coordinates, float32 interpolation there) in one
pass instead of some eighty passes over the batch, and it releases the GIL,
so the thread pool runs it on every core.

``uint8`` images are converted through a 256-entry table of
``byte * scale`` (the ``rescale`` folded in for free); other dtypes are
read as they are and multiplied by ``scale``.

Imported lazily: ``import kerasdl`` does not import Numba, and where Numba
is missing (or ``KERASDL_WARP=numpy``) ``warp_affine`` uses its NumPy path.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

#: ``fill_mode`` codes understood by :func:`warp`.
MODES = {"nearest": 0, "constant": 1, "reflect": 2, "wrap": 3}

#: Floating-point freedoms for LLVM: only the sign of zero. No fused
#: multiply-adds, no reordered sums, no reciprocal for a division: each
#: sample coordinate must be rounded step by step exactly as SciPy rounds it
#: (``(r * m00 + m02) + c * m01``, SciPy's ``wrap`` arithmetic), because on the
#: border ``"constant"`` and ``"wrap"`` jump from one value to another and one
#: rounding error there picks the other value.
_FASTMATH = {"nsz"}


def _jit(function: Callable[..., Any]) -> Any:
    """``numba.njit`` (GIL released) with an on-disk cache where one can be written, else without."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return numba.njit(
                function, cache=True, nogil=True, boundscheck=False, error_model="numpy", fastmath=_FASTMATH
            )
    except RuntimeError:  # no writable cache location: compile once per process instead
        return numba.njit(function, nogil=True, boundscheck=False, error_model="numpy", fastmath=_FASTMATH)


@_jit
def _map(v: float, size: int, mode: int) -> float:  # pragma: no cover - compiled by Numba
    """Map a coordinate into ``[0, size - 1]`` by SciPy's rule for ``mode`` (not ``"constant"``)."""
    last = size - 1
    if last == 0:
        return 0.0
    if mode == 2:  # reflect, half-sample symmetric: d c b a | a b c d | d c b a
        period = 2.0 * size
        v = (v + 0.5) % period - 0.5
        if v > last + 0.5:
            v = period - 1.0 - v
    elif mode == 3:  # SciPy's "wrap" (period size - 1), with its own arithmetic: -3.0 maps to 3, not 0
        if v < 0.0:
            v += float(last * (int(-v / last) + 1))
        elif v > last:
            v -= float(last * int(v / last))
    if v < 0.0:
        return 0.0
    if v > last:
        return float(last)
    return v


@_jit
def warp(  # pragma: no cover - compiled by Numba
    src: np.ndarray,
    channels: int,
    matrices: np.ndarray,
    flips: np.ndarray,
    first: int,
    mode: int,
    order: int,
    cval: float,
    scale: float,
    table: np.ndarray | None,
    out: np.ndarray,
) -> None:
    """Resample images ``first ... first + len(matrices) - 1`` of ``src`` into ``out``.

    Args:
        src: ``(n, height, width, stride)`` images, ``stride >= channels``
            (a packed RGBX batch read as RGB, for example).
        channels: Channels to read and write.
        matrices: ``(m, 3, 3)`` float64 output-to-input matrices.
        flips: ``(m, 2)`` flags: mirror the result top-bottom (column 0)
            and left-right (column 1) after the warp, as the legacy class
            flips after SciPy (output pixel ``(r, q)`` is the warped pixel
            ``(height - 1 - r, q)``...), so that every coordinate is the one
            SciPy computes.
        first: Index in ``src`` of the image that ``matrices[0]`` belongs to.
        mode: ``fill_mode`` code (:data:`MODES`).
        order: 0 (nearest neighbour) or 1 (bilinear).
        cval: The ``"constant"`` fill value, already multiplied by ``scale``.
        scale: The factor applied to every value (1.0 for none).
        table: For ``uint8`` sources, ``float32`` ``byte * scale`` for every
            byte; ``None`` otherwise.
        out: ``(m, height, width, channels)`` float32 result.
    """
    height, width = src.shape[1], src.shape[2]
    last_r, last_c = height - 1.0, width - 1.0
    top_r, top_c = max(height - 2, 0), max(width - 2, 0)
    step_r = 1 if height > 1 else 0
    step_c = 1 if width > 1 else 0
    for i in range(matrices.shape[0]):
        image = src[first + i]
        result = out[i]
        m00, m01, m02 = matrices[i, 0, 0], matrices[i, 0, 1], matrices[i, 0, 2]
        m10, m11, m12 = matrices[i, 1, 0], matrices[i, 1, 1], matrices[i, 1, 2]
        flip_r, flip_c = flips[i, 0] != 0, flips[i, 1] != 0
        for r in range(height):
            sr = float(height - 1 - r) if flip_r else float(r)
            for q in range(width):
                sq = float(width - 1 - q) if flip_c else float(q)
                y = (sr * m00 + m02) + sq * m01  # SciPy's order (see _FASTMATH)
                x = (sr * m10 + m12) + sq * m11
                # SciPy's "constant": exactly the points outside [0, size - 1] take cval.
                if mode == 1 and (y < 0.0 or y > last_r or x < 0.0 or x > last_c):
                    for k in range(channels):
                        result[r, q, k] = cval
                    continue
                if mode == 0 or mode == 1:
                    y = min(max(y, 0.0), last_r)
                    x = min(max(x, 0.0), last_c)
                else:
                    y = _map(y, height, mode)
                    x = _map(x, width, mode)
                if order == 0:  # coordinates are >= 0 here: truncation is floor
                    yi = min(int(y + 0.5), height - 1)
                    xi = min(int(x + 0.5), width - 1)
                    for k in range(channels):
                        if table is None:
                            result[r, q, k] = image[yi, xi, k] * scale
                        else:
                            result[r, q, k] = table[image[yi, xi, k]]
                    continue
                # The upper-left neighbour stops at size - 2 so that all four
                # exist; a point on the last row or column then weighs 1 on them.
                y0 = min(int(y), top_r)
                x0 = min(int(x), top_c)
                fy = y - y0
                fx = x - x0
                w11 = fy * fx
                w10 = fy - w11
                w01 = fx - w11
                w00 = 1.0 - fy - fx + w11
                y1 = y0 + step_r
                x1 = x0 + step_c
                for k in range(channels):
                    if table is None:
                        value = (
                            w00 * image[y0, x0, k] + w01 * image[y0, x1, k]
                            + w10 * image[y1, x0, k] + w11 * image[y1, x1, k]
                        ) * scale
                    else:
                        value = (
                            w00 * table[image[y0, x0, k]] + w01 * table[image[y0, x1, k]]
                            + w10 * table[image[y1, x0, k]] + w11 * table[image[y1, x1, k]]
                        )
                    result[r, q, k] = value
