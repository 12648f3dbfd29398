"""Vectorized affine image transforms: a whole batch resampled at once.

The legacy ``ImageDataGenerator`` warped one image and one channel at a time
through ``scipy.ndimage.affine_transform``. Here one 3x3 matrix is built per
image with the legacy parameterisation (rotation and shear in degrees, shifts
in pixels, zoom factors; see :func:`affine_matrices`), and the whole batch is
resampled in one call of :func:`warp_affine`: by a Numba-compiled loop over
every output pixel (the default; it releases the GIL, so the thread pool runs
it on every core), or with ``KERASDL_WARP=numpy`` (or where Numba cannot be
imported) by a pure NumPy path with one gather per bilinear corner. Both give
the same result to float32 rounding. The fill modes follow SciPy's
definitions exactly (``"nearest"``, ``"constant"``, ``"reflect"``,
``"wrap"``), so results agree with the legacy class to float32 rounding.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from kerasdl.data.image_files import thread_map

FILL_MODES = ("nearest", "constant", "reflect", "wrap")


def affine_matrices(
    theta: np.ndarray | float = 0.0,
    tx: np.ndarray | float = 0.0,
    ty: np.ndarray | float = 0.0,
    shear: np.ndarray | float = 0.0,
    zx: np.ndarray | float = 1.0,
    zy: np.ndarray | float = 1.0,
    *,
    height: int,
    width: int,
    flip_horizontal: np.ndarray | bool = False,
    flip_vertical: np.ndarray | bool = False,
) -> np.ndarray:
    """Build one output-to-input matrix per image, as the legacy class did.

    The legacy ``apply_affine_transform`` composes
    ``rotation @ shift @ shear @ zoom`` in (row, column) order, centres it on
    the image and maps each *output* pixel to the *input* location it samples
    (rotation by ``+theta`` therefore turns the picture by ``-theta``). The
    legacy frame is kept exactly, quirks included, so that a transform
    dictionary gives the same picture as in tf.keras 2.x: for channels-last
    images ``tx``/``zx`` act along the width and ``ty``/``zy`` along the height,
    and the centre offset uses the height for the first axis. Without
    flips the matrices are the legacy ones bit for bit (the same NumPy
    products in the same order), so a sample point that lies exactly on the
    image border falls on the same side of it as in the legacy class. A flip
    applied after the warp (as the legacy ``apply_transform`` does) is folded
    into the same matrix; that product rounds the coordinates differently, so
    ``ImageDataGenerator`` passes its flips to the warp separately instead.

    Args:
        theta: Rotation in degrees, a scalar or one per image. Defaults to ``0.0``.
        tx: The legacy ``tx`` shift in pixels (drawn from
            ``height_shift_range``). Defaults to ``0.0``.
        ty: The legacy ``ty`` shift in pixels (drawn from
            ``width_shift_range``). Defaults to ``0.0``.
        shear: Shear angle in degrees. Defaults to ``0.0``.
        zx: The legacy ``zx`` zoom factor (values > 1 zoom out). Defaults to ``1.0``.
        zy: The legacy ``zy`` zoom factor. Defaults to ``1.0``.
        height: Image height in pixels.
        width: Image width in pixels.
        flip_horizontal: Mirror left-right after the warp. Defaults to ``False``.
        flip_vertical: Mirror top-bottom after the warp. Defaults to ``False``.

    Returns:
        A ``float64`` array of shape ``(n, 3, 3)``: input ``(row, col, 1)`` =
        matrix @ output ``(row, col, 1)``.

    Example:

    >>> m = affine_matrices(theta=[0.0, 90.0], height=5, width=5)
    >>> m.shape, bool(np.allclose(m[0], np.eye(3)))
    ((2, 3, 3), True)
    """
    arrays = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (theta, tx, ty, shear, zx, zy)),
        np.atleast_1d(np.asarray(flip_horizontal, dtype=bool)),
        np.atleast_1d(np.asarray(flip_vertical, dtype=bool)),
    )
    theta, tx, ty, shear, zx, zy, flip_h, flip_v = arrays
    m = _legacy_matrices(theta, tx, ty, shear, zx, zy, height, width)
    # Flips happen after the warp: output (r, c) reads the warped image at
    # (H - 1 - r, c) / (r, W - 1 - c), i.e. m @ flip.
    flipped = flip_h | flip_v
    if flipped.any():
        flip = np.tile(np.eye(3), (int(flipped.sum()), 1, 1))
        flip[flip_v[flipped], 0, 0], flip[flip_v[flipped], 0, 2] = -1.0, height - 1
        flip[flip_h[flipped], 1, 1], flip[flip_h[flipped], 1, 2] = -1.0, width - 1
        m[flipped] = np.einsum("nij,njk->nik", m[flipped], flip)
    return m


def _legacy_matrices(
    theta: np.ndarray, tx: np.ndarray, ty: np.ndarray, shear: np.ndarray, zx: np.ndarray, zy: np.ndarray,
    height: int, width: int,
) -> np.ndarray:
    """The legacy ``apply_affine_transform`` matrices, bit for bit: the same products in the same order.

    ``rotation @ shift @ shear @ zoom``, centred by
    ``transform_matrix_offset_center(m, height, width)``, then x and y
    swapped to index (row, col) arrays. A coordinate that lies exactly on
    the border is then computed from the same bits as in the legacy class,
    so it falls on the same side of the border. The legacy class skips the
    factors that are the identity; a product with an exact identity matrix
    changes no bit, so every factor is always applied here. The products go
    through ``np.matmul``, which calls the same BLAS routine per matrix as
    the legacy ``np.dot`` (the BLAS may fuse multiply-adds, so a formula
    written out elementwise would round differently).
    """
    n = theta.shape[0]
    rad, shear_rad = np.deg2rad(theta), np.deg2rad(shear)
    rotation, shift, shear_matrix, zoom = (np.tile(np.eye(3), (n, 1, 1)) for _ in range(4))
    rotation[:, 0, 0], rotation[:, 0, 1] = np.cos(rad), -np.sin(rad)
    rotation[:, 1, 0], rotation[:, 1, 1] = np.sin(rad), np.cos(rad)
    shift[:, 0, 2], shift[:, 1, 2] = tx, ty
    shear_matrix[:, 0, 1], shear_matrix[:, 1, 1] = -np.sin(shear_rad), np.cos(shear_rad)
    zoom[:, 0, 0], zoom[:, 1, 1] = zx, zy
    m = np.matmul(np.matmul(np.matmul(rotation, shift), shear_matrix), zoom)
    o_x, o_y = float(height) / 2 - 0.5, float(width) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    m = np.matmul(np.matmul(offset, m), reset)
    return m[:, [1, 0, 2]][:, :, [1, 0, 2]]


def _sample_points(
    matrices: np.ndarray, flips: np.ndarray | None, height: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """The float64 input ``(row, col)`` each output pixel samples, as SciPy computes it.

    ``(r * m[0, 0] + m[0, 2]) + c * m[0, 1]``, rounded step by step in that
    order (what ``scipy.ndimage.affine_transform`` and the compiled kernel
    do: another order moves a coordinate that lies on a border or on a
    half-integer by one rounding error, enough to change the pixel), with
    ``(r, c)`` the warped pixel that output pixel shows after the ``flips``
    (``(n, 2)``: top-bottom, left-right).
    """
    n = len(matrices)
    rows = np.broadcast_to(np.arange(height, dtype=np.float64), (n, height)).copy()
    cols = np.broadcast_to(np.arange(width, dtype=np.float64), (n, width)).copy()
    if flips is not None:
        rows[flips[:, 0]] = rows[flips[:, 0], ::-1]
        cols[flips[:, 1]] = cols[flips[:, 1], ::-1]
    rows, cols = rows[:, :, None], cols[:, None, :]
    m = matrices[:, :2, :, None, None]
    src_r = (rows * m[:, 0, 0] + m[:, 0, 2]) + cols * m[:, 0, 1]
    src_c = (rows * m[:, 1, 0] + m[:, 1, 2]) + cols * m[:, 1, 1]
    return src_r, src_c


def _map_coordinates(coords: np.ndarray, size: int, fill_mode: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Map float64 sampling coordinates into ``[0, size - 1]`` by SciPy's rule for ``fill_mode``.

    Returns the mapped coordinates and, for ``"constant"``, the mask of points
    that take ``cval``: exactly those outside ``[0, size - 1]``, with no
    tolerance, as in SciPy.
    """
    outside = None
    if size == 1:
        if fill_mode == "constant":
            outside = coords != 0
        return np.zeros_like(coords), outside
    last = size - 1
    if fill_mode == "constant":
        outside = (coords < 0) | (coords > last)
    elif fill_mode == "reflect":  # half-sample symmetric: d c b a | a b c d | d c b a
        period = 2 * size
        coords = np.mod(coords + 0.5, period) - 0.5
        coords = np.where(coords > last + 0.5, period - 1 - coords, coords)
    elif fill_mode == "wrap":
        # SciPy's "wrap" (period size - 1 outside the grid) with SciPy's own
        # arithmetic, not np.mod: -3.0 maps to 3 on a 4-pixel axis, not to 0.
        below, above = coords < 0, coords > last
        coords = np.where(below, coords + last * (np.trunc(-coords / last) + 1), coords)
        coords = np.where(above, coords - last * np.trunc(coords / last), coords)
    return np.clip(coords, 0, last), outside


def warp_affine(
    images: np.ndarray,
    matrices: np.ndarray,
    *,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    order: int = 1,
    scale: float | None = None,
) -> np.ndarray:
    """Resample a batch of channels-last images through one affine matrix each.

    Args:
        images: Array of shape ``(n, height, width, channels)``, any numeric
            dtype (``uint8`` batches are gathered as bytes, then interpolated
            in float32).
        matrices: ``(n, 3, 3)`` output-to-input matrices from
            :func:`affine_matrices` (or one ``(3, 3)`` matrix for all images).
        fill_mode: How points outside the input are filled: ``"nearest"``,
            ``"constant"``, ``"reflect"`` or ``"wrap"`` (SciPy's definitions,
            as the legacy class used). Defaults to ``"nearest"``.
        cval: The value outside the image for ``"constant"``. Defaults to ``0.0``.
        order: ``1`` for bilinear interpolation, ``0`` for nearest neighbour.
            Defaults to ``1``.
        scale: If given, the result is multiplied by it (e.g. a ``rescale``
            of ``1/255``); with bilinear interpolation the factor is folded
            into the interpolation weights, which saves a pass over the
            batch. Defaults to ``None``.

    Returns:
        A ``float32`` array with the shape of ``images``.

    Raises:
        ValueError: If ``images`` is not 4-D, ``fill_mode`` or ``order`` is
            unknown, the number of matrices does not match, or the
            ``KERASDL_WARP`` environment variable is neither ``"numba"``
            nor ``"numpy"``.

    The first call in a process compiles the kernel for the input's dtype
    (about a second), or loads it from Numba's on-disk cache.

    Example:

    >>> x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    >>> shifted = warp_affine(x, affine_matrices(tx=1.0, height=4, width=4))
    >>> shifted[0, 0, :, 0].tolist()  # samples one column to the right
    [1.0, 2.0, 3.0, 3.0]
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            "`images` must be a batch of shape (n, height, width, channels). "
            f"Received: images.shape={images.shape}"
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"`fill_mode` must be one of {', '.join(map(repr, FILL_MODES))}. "
            f"Received: fill_mode={fill_mode!r}"
        )
    if order not in (0, 1):
        raise ValueError(
            "`order` (interpolation_order) must be 0 (nearest) or 1 (bilinear). "
            f"Received: order={order!r}"
        )
    n, height, width, channels = images.shape
    matrices = np.asarray(matrices, dtype=np.float64)
    if matrices.ndim == 2 or (matrices.ndim == 3 and matrices.shape[0] == 1):
        matrices = np.broadcast_to(matrices.reshape(-1, 3, 3)[0], (n, 3, 3))
    if matrices.shape != (n, 3, 3):
        raise ValueError(
            f"`matrices` must have shape ({n}, 3, 3), one per image. "
            f"Received: matrices.shape={matrices.shape}"
        )
    return _warp(images, matrices, fill_mode, cval, order, scale)


def _warp(
    images: np.ndarray,
    matrices: np.ndarray,
    fill_mode: str,
    cval: float,
    order: int,
    scale: float | None,
    decode: Callable[[int, int], None] | None = None,
    flips: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`warp_affine` after its argument checks.

    ``flips`` (``(n, 2)`` booleans: top-bottom, left-right), if given,
    mirrors each result after the warp, as the legacy ``apply_transform``
    does: the sample coordinates are then SciPy's to the last bit (a flip
    folded into the matrix would round them differently).
    ``decode(start, stop)``, if given, fills images ``start ... stop - 1`` of
    ``images`` (a :class:`~kerasdl.data.image_files.PackedBatch` array not
    yet decoded): the compiled path calls it per chunk in the same pool task
    as the chunk's warp; the NumPy path decodes everything first.
    """
    n, height, width, channels = images.shape
    kernel = _compiled_kernel()
    if kernel is not None and n:
        return _warp_compiled(kernel, images, matrices, fill_mode, cval, order, scale, decode, flips)
    if decode is not None:
        thread_map(lambda i: decode(i, i + 1), range(n))
    out = np.empty((n, height, width, channels), dtype=np.float32)
    packed = images.dtype == np.uint8 and channels <= 4
    bilinear = order == 1 and height > 1 and width > 1
    source: np.ndarray | None
    if packed:  # None unless the pixels already lie 4 bytes apart (then they are packed per chunk)
        source = _packed_buffer(images)
    else:
        source = images.reshape(n * height * width, channels)
        if bilinear:
            source = source.astype(np.float32, copy=False)

    def work(start: int) -> None:
        stop = min(n, start + _CHUNK)
        chunk_flips = None if flips is None else flips[start:stop]
        if source is None:  # one uint32 per pixel: one 1-D gather per corner fetches every channel
            chunk, first = _pack_pixels(images[start:stop]), 0
        else:
            chunk, first = source, start
        if bilinear:
            _bilinear_chunk(
                chunk, first, matrices[start:stop], height, width, channels, fill_mode, cval,
                out[start:stop].reshape(-1, channels), scale, chunk_flips,
            )
        else:
            out[start:stop] = _warp_chunk(
                chunk, first, matrices[start:stop], height, width, channels, fill_mode, cval, order,
                chunk_flips,
            )
            if scale is not None:
                out[start:stop] *= scale

    thread_map(work, range(0, n, _CHUNK))
    return out


#: ``KERASDL_WARP=numpy`` forces the NumPy path of :func:`warp_affine`
#: (the default, ``numba``, uses the compiled kernel when Numba imports).
WARP_ENV = "KERASDL_WARP"

_kernel_module: Any = None


def _compiled_kernel() -> Any:
    """The Numba kernel module, or ``None`` for the NumPy path (imported on first use)."""
    global _kernel_module
    choice = os.environ.get(WARP_ENV, "numba").strip().lower()
    if choice not in ("numba", "numpy"):
        raise ValueError(
            f"The environment variable {WARP_ENV} must be 'numba' (the compiled warp, the default) or "
            f"'numpy' (the pure NumPy warp). Received: {WARP_ENV}={choice!r}"
        )
    if choice == "numpy":
        return None
    if _kernel_module is None:
        try:
            from kerasdl.data import _warp_kernel
        except ImportError:  # pragma: no cover - numba is a dependency; a broken install falls back
            _kernel_module = False
        else:
            _kernel_module = _warp_kernel
    return _kernel_module or None


#: Images per task of the compiled kernel: enough to amortise the call, few
#: enough for every thread of the pool to get work on a batch of 32.
_KERNEL_CHUNK = 4


def _warp_compiled(
    kernel: Any,
    images: np.ndarray,
    matrices: np.ndarray,
    fill_mode: str,
    cval: float,
    order: int,
    scale: float | None,
    decode: Callable[[int, int], None] | None = None,
    flips: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`warp_affine` through the compiled kernel, chunks of images across the thread pool."""
    n, height, width, channels = images.shape
    source = _packed_buffer(images) if images.dtype == np.uint8 else None
    if source is not None:  # an RGBX batch read as RGB: index its 4-byte pixels directly
        source = source.view(np.uint8).reshape(n, height, width, 4)
    elif images.dtype == np.uint8 or images.dtype == np.float32:
        source = images
    else:
        source = images.astype(np.float32)
    factor = 1.0 if scale is None else float(scale)
    table = (np.arange(256) * factor).astype(np.float32) if source.dtype == np.uint8 else None
    matrices = np.ascontiguousarray(matrices, dtype=np.float64)
    fill = float(np.float32(cval) * np.float32(factor))
    mode = kernel.MODES[fill_mode]
    flags = np.zeros((n, 2), dtype=np.uint8) if flips is None else np.ascontiguousarray(flips, dtype=np.uint8)
    out = np.empty((n, height, width, channels), dtype=np.float32)

    def work(start: int) -> None:
        stop = min(n, start + _KERNEL_CHUNK)
        if decode is not None:
            decode(start, stop)
        kernel.warp(
            source, channels, matrices[start:stop], flags[start:stop], start, mode, order, fill, factor,
            table, out[start:stop],
        )

    thread_map(work, range(0, n, _KERNEL_CHUNK))
    return out


def _packed_buffer(images: np.ndarray) -> np.ndarray | None:
    """The ``uint32``-per-pixel buffer behind ``uint8`` images already stored 4 bytes per pixel.

    That is a contiguous ``(n, h, w, 4)`` batch, or a ``[..., :c]`` view of one
    (as :func:`kerasdl.data.image_files.load_images` returns with
    ``packed=True``); ``None`` for any other layout.
    """
    n, height, width, channels = images.shape
    if channels == 4 and images.flags.c_contiguous:
        return images.reshape(-1).view(np.uint32)
    base = images.base
    if (
        isinstance(base, np.ndarray) and base.dtype == np.uint8 and base.shape == (n, height, width, 4)
        and base.flags.c_contiguous and base.strides == images.strides
        and base.__array_interface__["data"][0] == images.__array_interface__["data"][0]
    ):
        return base.reshape(-1).view(np.uint32)
    return None


def _pack_pixels(images: np.ndarray) -> np.ndarray:
    """``uint8`` images ``(n, h, w, c <= 4)`` as one ``uint32`` per pixel (bytes in channel order)."""
    channels = images.shape[-1]
    packed = np.zeros((images.size // channels, 4), dtype=np.uint8)
    flat = images.reshape(-1, channels)
    for k in range(channels):  # one long strided copy per channel (a (..., 3) slice copy is slow)
        packed[:, k] = flat[:, k]
    return packed.reshape(-1).view(np.uint32)


#: Images resampled per task: small enough for the temporaries to stay in cache.
_CHUNK = 2

_scratch = threading.local()


def _buffer(name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A per-thread scratch array, reused between chunks (no allocation, no page faults)."""
    buffers = _scratch.__dict__.setdefault("buffers", {})
    size = int(np.prod(shape))
    buffer = buffers.get(name)
    if buffer is None or buffer.dtype != dtype or buffer.size < size:
        buffer = buffers[name] = np.empty(size, dtype=dtype)
    return buffer[:size].reshape(shape)


def _bilinear_chunk(
    source: np.ndarray,
    first: int,
    matrices: np.ndarray,
    height: int,
    width: int,
    channels: int,
    fill_mode: str,
    cval: float,
    out: np.ndarray,
    scale: float | None = None,
    flips: np.ndarray | None = None,
) -> None:
    """Bilinear resampling of images ``first ... first + len(matrices) - 1`` into ``out``.

    ``source`` is the batch as packed ``uint32`` pixels (``uint8`` images) or
    as ``(pixels, channels)`` float32 rows; ``out`` is the ``(pixels,
    channels)`` float32 slice of the result for these images. Every NumPy pass
    runs over long contiguous (or singly strided) rows: broadcasting a weight
    over a short channel axis, or copying ``(..., 3)`` slices, costs several
    times more than the arithmetic itself.
    """
    n = len(matrices)
    pixels = n * height * width
    # float64 coordinates, floor and fractions (the kernel's, bit for bit), float32 weights.
    src_r, src_c = _sample_points(matrices, flips, height, width)
    outside = None
    if fill_mode == "nearest":
        np.clip(src_r, 0, height - 1, out=src_r)
        np.clip(src_c, 0, width - 1, out=src_c)
    else:
        src_r, out_r = _map_coordinates(src_r, height, fill_mode)
        src_c, out_c = _map_coordinates(src_c, width, fill_mode)
        if out_r is not None and out_c is not None:
            outside = (out_r | out_c).reshape(-1)
    # The upper-left corner stops at size - 2 so that its neighbours always
    # exist; a coordinate on the last row or column then weighs 1 on them.
    r0 = np.minimum(np.floor(src_r), height - 2)
    fr = np.subtract(src_r, r0, out=_buffer("fr", (pixels,), np.float32).reshape(n, height, width),
                     casting="same_kind").reshape(-1)
    c0 = np.minimum(np.floor(src_c), width - 2)
    fc = np.subtract(src_c, c0, out=_buffer("fc", (pixels,), np.float32).reshape(n, height, width),
                     casting="same_kind").reshape(-1)
    index = _buffer("index", (pixels,), np.intp)
    base = (np.arange(n) + first) * (height * width)
    r0 *= width  # exact in float64: one conversion pass instead of four
    r0 += c0
    r0 += base.astype(np.float64)[:, None, None]
    np.copyto(index, r0.reshape(-1), casting="unsafe")
    w11 = np.multiply(fr, fc, out=_buffer("w11", (pixels,), np.float32))
    w10 = np.subtract(fr, w11, out=fr)
    w01 = np.subtract(fc, w11, out=fc)
    w00 = np.subtract(1, w10, out=_buffer("w00", (pixels,), np.float32))
    w00 -= w01
    w00 -= w11
    weights = (w00, w01, w10, w11)
    acc = _buffer("acc", (pixels,), np.float32)
    tmp = _buffer("tmp", (pixels,), np.float32)
    fill = None if outside is None else (cval if scale is None else np.float32(cval) * np.float32(scale))
    if source.ndim == 1:  # packed uint8 pixels: 4 gathers of one uint32 per pixel
        gathered = _buffer("gathered", (4, pixels), np.uint32)
        for j, offset in enumerate((0, 1, width, width + 1)):
            np.take(source[offset:], index, out=gathered[j], mode="clip")
        # Byte k of each gathered pixel becomes the float32 1 + byte / 256 by
        # moving it into the top 8 mantissa bits under the exponent of 1.0: three
        # contiguous integer passes instead of a strided uint8 -> float32 cast.
        # sum_j w_j (1 + v_j / 256) = 1 + (sum_j w_j v_j) / 256 (exactly, up to
        # float32 rounding: about 1e-4 of a grey level); `scale` joins the 256.
        bits = _buffer("bits", (pixels,), np.uint32)
        values = bits.view(np.float32)
        factor = np.float32(256.0 * (1.0 if scale is None else scale))
        for k in range(channels):
            shift = 8 * k - 15  # odd, never 0
            for j in range(4):
                if shift < 0:
                    np.left_shift(gathered[j], np.uint32(-shift), out=bits)
                else:
                    np.right_shift(gathered[j], np.uint32(shift), out=bits)
                np.bitwise_and(bits, np.uint32(0xFF << 15), out=bits)
                np.bitwise_or(bits, np.uint32(0x3F800000), out=bits)
                if j == 0:
                    np.multiply(values, weights[0], out=acc)
                else:
                    np.multiply(values, weights[j], out=tmp)
                    acc += tmp
            acc -= np.float32(1.0)
            acc *= factor
            if fill is not None:
                acc[outside] = fill
            out[:, k] = acc
        return
    if scale is not None:
        for weight in weights:
            weight *= np.float32(scale)
    corners = [np.take(source[offset:], index, axis=0, mode="clip") for offset in (0, 1, width, width + 1)]
    for k in range(channels):
        np.multiply(corners[0][:, k], w00, out=acc)
        for j in (1, 2, 3):
            np.multiply(corners[j][:, k], weights[j], out=tmp)
            acc += tmp
        if fill is not None:
            acc[outside] = fill
        out[:, k] = acc


def _warp_chunk(
    source: np.ndarray,
    first: int,
    matrices: np.ndarray,
    height: int,
    width: int,
    channels: int,
    fill_mode: str,
    cval: float,
    order: int,
    flips: np.ndarray | None = None,
) -> np.ndarray:
    """Resample images ``first ... first + len(matrices) - 1`` of ``source``."""
    n = len(matrices)
    src_r, src_c = _sample_points(matrices, flips, height, width)
    src_r, out_r = _map_coordinates(src_r, height, fill_mode)
    src_c, out_c = _map_coordinates(src_c, width, fill_mode)
    packed = source.ndim == 1
    base = ((np.arange(n, dtype=np.int32) + first) * (height * width))[:, None, None]

    def gather(index: np.ndarray) -> np.ndarray:
        if packed:
            values = source[index.ravel()].view(np.uint8).reshape(-1, 4)
            return values.astype(np.float32)
        return np.take(source, index.ravel(), axis=0).astype(np.float32)

    if order == 0:
        r = (src_r + 0.5).astype(np.int32)  # coordinates are >= 0: truncation is floor
        c = (src_c + 0.5).astype(np.int32)
        np.minimum(r, height - 1, out=r)
        np.minimum(c, width - 1, out=c)
        r *= width
        r += c
        r += base
        out = gather(r)
    else:
        r0 = src_r.astype(np.int32)
        c0 = src_c.astype(np.int32)
        fr = (src_r - r0).astype(np.float32).reshape(-1, 1)
        fc = (src_c - c0).astype(np.float32).reshape(-1, 1)
        down = (r0 < height - 1) * np.int32(width)
        right = (c0 < width - 1).astype(np.int32)
        index = r0 * width
        index += c0
        index += base
        v00 = gather(index)
        v01 = gather(index + right)
        index += down
        v10 = gather(index)
        index += right
        v11 = gather(index)
        v01 -= v00
        v01 *= fc
        v00 += v01  # top row
        v11 -= v10
        v11 *= fc
        v10 += v11  # bottom row
        v10 -= v00
        v10 *= fr
        v00 += v10
        out = v00
    out = out.reshape(n, height, width, -1)[..., :channels]
    if out_r is not None and out_c is not None:  # "constant"
        out[out_r | out_c] = cval
    return out


def channel_shift(images: np.ndarray, intensities: np.ndarray) -> np.ndarray:
    """Add one intensity per image to every channel, clipped to that image's range.

    The legacy ``apply_channel_shift``: the same shift for all channels, then
    clipping to the image's own minimum and maximum. Works in place on float
    batches and returns them.

    Example:

    >>> x = np.array([[[[0.0, 10.0]]]], dtype="float32")
    >>> channel_shift(x, np.array([5.0]))[0, 0, 0].tolist()
    [5.0, 10.0]
    """
    images = np.asarray(images, dtype=np.float32)
    low = images.min(axis=(1, 2, 3), keepdims=True)
    high = images.max(axis=(1, 2, 3), keepdims=True)
    images += np.asarray(intensities, dtype=np.float32).reshape(-1, 1, 1, 1)
    return np.clip(images, low, high, out=images)


def brightness_shift(images: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Scale brightness per image as the legacy class did through Pillow.

    Legacy ``apply_brightness_shift(x, b, scale=False)``: an image within
    ``[0, 255]`` is cast to ``uint8``, multiplied by ``b`` and clipped to
    ``[0, 255]``; an image outside that range is first scaled to it and
    scaled back afterwards. A 4-channel image is RGBA to Pillow, whose
    ``ImageEnhance.Brightness`` keeps the alpha channel: it is only cast to
    ``uint8`` (and scaled, as the other channels), never multiplied by ``b``.

    Example:

    >>> x = np.full((1, 1, 1, 1), 100.0, dtype="float32")
    >>> brightness_shift(x, np.array([1.5]))[0, 0, 0, 0]
    np.float32(150.0)
    """
    images = np.asarray(images, dtype=np.float32)
    factors = np.asarray(factors, dtype=np.float32).reshape(-1, 1, 1, 1)
    low = images.min(axis=(1, 2, 3), keepdims=True)
    high = images.max(axis=(1, 2, 3), keepdims=True)
    rescaled = ((low < 0) | (high > 255)).reshape(-1)
    out = images.copy()
    if rescaled.any():
        span = np.maximum(high - low, 1e-12)
        scaled = (images - low) / span * 255.0
        out = np.where(rescaled.reshape(-1, 1, 1, 1), scaled, out)
    levels = np.trunc(out)  # Pillow's uint8 image
    out = np.clip(np.trunc(levels * factors), 0, 255)
    if images.shape[-1] == 4:
        out[..., 3] = levels[..., 3]
    if rescaled.any():
        back = out / 255.0 * (high - low) + low
        out = np.where(rescaled.reshape(-1, 1, 1, 1), back, out)
    return out.astype(np.float32, copy=False)
