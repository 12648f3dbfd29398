"""The vectorized affine warp against the legacy per-image SciPy path."""

from __future__ import annotations

import numpy as np
import pytest

from kerasdl.data import transforms
from kerasdl.data.transforms import affine_matrices, brightness_shift, channel_shift, warp_affine

legacy = pytest.importorskip("keras.src.legacy.preprocessing.image")
pytestmark = pytest.mark.filterwarnings("ignore:Please import .affine_transform.:DeprecationWarning")



@pytest.fixture(autouse=True, params=["numba", "numpy"])
def warp_path(request, monkeypatch):
    """Every test of this module runs on both paths of warp_affine: the compiled kernel and NumPy."""
    monkeypatch.setenv(transforms.WARP_ENV, request.param)
    return request.param


CASES = [
    {"theta": 30},
    {"tx": 1.5, "ty": -2},
    {"shear": 20},
    {"zx": 1.3, "zy": 0.8},
    {"theta": -25, "tx": 1.5, "ty": -2, "shear": 10, "zx": 0.9, "zy": 1.2},
]


@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
@pytest.mark.parametrize("order", [0, 1])
def test_warp_matches_legacy_scipy_path_on_non_square_images(fill_mode, order):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (9, 12, 3)).astype("float32")
    for params in CASES:
        expected = legacy.apply_affine_transform(
            x, row_axis=0, col_axis=1, channel_axis=2, fill_mode=fill_mode, cval=7.0, order=order, **params
        )
        got = warp_affine(
            x[None], affine_matrices(height=9, width=12, **params), fill_mode=fill_mode, cval=7.0, order=order
        )[0]
        if order == 1:
            np.testing.assert_allclose(got, expected, atol=2e-3, err_msg=str(params))
        else:  # rounding at exact .5 coordinates may pick the other neighbour: compare almost all pixels
            assert np.mean(np.abs(got - expected) < 1e-3) > 0.97, params


def test_batch_warp_equals_per_image_warp_and_folds_flips():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (4, 8, 8, 3)).astype("uint8")
    theta = np.array([0.0, 10.0, -40.0, 5.0])
    flips = np.array([True, False, True, False])
    batch = warp_affine(x, affine_matrices(theta=theta, height=8, width=8, flip_horizontal=flips))
    for i in range(4):
        single = warp_affine(x[i : i + 1].astype("float32"), affine_matrices(theta=theta[i], height=8, width=8))
        if flips[i]:
            single = single[:, :, ::-1]
        np.testing.assert_allclose(batch[i], single[0], atol=1e-3)
    identity = warp_affine(x, affine_matrices(height=8, width=8))
    np.testing.assert_array_equal(identity, x.astype("float32"))


def test_channel_and_brightness_shift_match_legacy():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 200, (6, 5, 3)).astype("float32")
    np.testing.assert_allclose(
        channel_shift(x[None].copy(), np.array([30.0]))[0], legacy.apply_channel_shift(x, 30.0, 2), atol=1e-4
    )
    for factor in (0.5, 1.3):
        expected = legacy.apply_brightness_shift(x, factor, scale=False)
        got = brightness_shift(x[None], np.array([factor]))[0]
        assert np.abs(got - expected).max() <= 1.0


def test_warp_argument_errors():
    x = np.zeros((1, 4, 4, 1))
    with pytest.raises(ValueError, match=r"`fill_mode` must be one of .*Received: fill_mode='mirror'"):
        warp_affine(x, np.eye(3), fill_mode="mirror")
    with pytest.raises(ValueError, match=r"`order` .* Received: order=3"):
        warp_affine(x, np.eye(3), order=3)
    with pytest.raises(ValueError, match=r"Received: images.shape=\(4, 4, 1\)"):
        warp_affine(x[0], np.eye(3))
    with pytest.raises(ValueError, match=r"one per image"):
        warp_affine(x, np.zeros((2, 3, 3)))


@pytest.mark.parametrize("order", [0, 1])
def test_packed_uint8_views_and_fused_scale_match_the_float_path(order):
    # load_images(packed=True) hands the warp a [..., :3] view of 4-bytes-per-pixel memory, gathered
    # without a copy and converted to float by mantissa placement; `scale` is folded into the weights.
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (3, 7, 9, 3)).astype("uint8")
    buffer = np.full((3, 7, 9, 4), 255, dtype="uint8")
    buffer[..., :3] = x
    view = buffer[..., :3]
    assert transforms._packed_buffer(view) is not None and transforms._packed_buffer(x) is None
    m = affine_matrices(
        theta=[0.0, 25.0, -40.0], tx=1.5, zx=1.2, height=7, width=9, flip_horizontal=[True, False, True]
    )
    for fill_mode in transforms.FILL_MODES:
        expected = warp_affine(x.astype("float32"), m, fill_mode=fill_mode, cval=5.0, order=order)
        for images in (view, x):
            got = warp_affine(images, m, fill_mode=fill_mode, cval=5.0, order=order, scale=0.5)
            np.testing.assert_allclose(got, expected * 0.5, atol=1e-3, err_msg=fill_mode)


def _random_batch(rng, shape, dtype):
    if np.dtype(dtype).kind == "f":
        return rng.uniform(-20, 300, shape).astype(dtype)
    return rng.integers(0, 256, shape).astype(dtype)


@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("dtype", ["uint8", "float32", "float64", "int16"])
@pytest.mark.parametrize("shape", [(5, 11, 13, 3), (3, 1, 9, 2), (3, 8, 1, 1), (2, 6, 7, 4)])
def test_compiled_kernel_equals_numpy_path(monkeypatch, fill_mode, order, dtype, shape):
    # The Numba kernel computes coordinates in float64, the NumPy path in float32: they may only
    # differ by float rounding, except where nearest-neighbour rounding meets an exact .5.
    rng = np.random.default_rng(abs(hash((fill_mode, order, dtype, shape))) % 2**32)
    x = _random_batch(rng, shape, dtype)
    n, height, width = shape[:3]
    m = affine_matrices(
        theta=rng.uniform(-60, 60, n), tx=rng.uniform(-4, 4, n), ty=rng.uniform(-4, 4, n),
        shear=rng.uniform(-20, 20, n), zx=rng.uniform(0.6, 1.4, n), zy=rng.uniform(0.6, 1.4, n),
        height=height, width=width, flip_horizontal=rng.random(n) < 0.5, flip_vertical=rng.random(n) < 0.5,
    )
    results = {}
    for path in ("numba", "numpy"):
        monkeypatch.setenv(transforms.WARP_ENV, path)
        results[path] = warp_affine(x, m, fill_mode=fill_mode, cval=9.0, order=order, scale=1 / 255)
        assert results[path].dtype == np.float32 and results[path].shape == shape
    close = np.isclose(results["numba"], results["numpy"], atol=2e-5, rtol=1e-5)
    if order == 1:
        assert close.all(), np.abs(results["numba"] - results["numpy"]).max()
    else:
        assert close.mean() > 0.97


def test_compiled_kernel_reads_packed_views_without_copying_and_in_several_kernel_tasks(monkeypatch):
    monkeypatch.setenv(transforms.WARP_ENV, "numba")
    rng = np.random.default_rng(5)
    buffer = rng.integers(0, 256, (9, 10, 12, 4)).astype("uint8")  # more images than one kernel task
    view = buffer[..., :3]
    m = affine_matrices(theta=rng.uniform(-40, 40, 9), height=10, width=12)
    got = warp_affine(view, m, fill_mode="nearest", scale=0.5)
    monkeypatch.setenv(transforms.WARP_ENV, "numpy")
    np.testing.assert_allclose(got, warp_affine(np.ascontiguousarray(view), m, scale=0.5), rtol=1e-5, atol=1e-4)
    assert transforms._compiled_kernel() is None


def test_warp_path_environment_variable_is_checked(monkeypatch):
    monkeypatch.setenv(transforms.WARP_ENV, "cython")
    with pytest.raises(ValueError, match="KERASDL_WARP must be 'numba'.*Received: KERASDL_WARP='cython'"):
        warp_affine(np.zeros((1, 4, 4, 1), "float32"), np.eye(3))


def test_warp_falls_back_to_numpy_without_numba(monkeypatch):
    monkeypatch.setenv(transforms.WARP_ENV, "numba")
    monkeypatch.setattr(transforms, "_kernel_module", False)  # what a failed `import numba` leaves
    assert transforms._compiled_kernel() is None
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    assert warp_affine(x, affine_matrices(tx=1.0, height=4, width=4))[0, 0, :, 0].tolist() == [1, 2, 3, 3]


def test_kernel_compiles_without_a_cache_where_none_can_be_written(monkeypatch):
    from kerasdl.data import _warp_kernel

    calls = []

    def njit(function, cache=False, **options):
        calls.append(cache)
        if cache:
            raise RuntimeError("cannot cache function: no locator available")  # what Numba raises
        return function

    monkeypatch.setattr(_warp_kernel.numba, "njit", njit)
    assert _warp_kernel._jit(len) is len
    assert calls == [True, False]
