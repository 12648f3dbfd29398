"""Convolution and pooling by hand, checked against the course, SciPy and Keras."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from kerasdl.data import kernels as K
from kerasdl.data.kernels import (
    KERNELS,
    LAPLACIAN,
    VERTICAL_EDGE,
    conv_output_size,
    convolve,
    plot_filters,
    pool,
)

# The course's "Ex) Edge Detector": bright (10) left half, dark (0) right half.
COURSE_6X6 = np.array([[10, 10, 10, 0, 0, 0]] * 6)
# The course's pooling example (LeNet slide): 4x4 -> 2x2 max pooling.
COURSE_4X4 = np.array([[1, 1, 3, 4], [3, 6, 2, 8], [3, 9, 1, 0], [1, 3, 3, 4]])


def test_course_vertical_edge_example():
    out = convolve(COURSE_6X6, VERTICAL_EDGE)
    # 6x6 * 3x3 -> 4x4; the edge lights up in the two middle columns. The slide
    # prints 10 (and only 3 rows); the sum over the 3 kernel rows is 3 * 10 = 30.
    assert out.shape == (4, 4)
    np.testing.assert_array_equal(out, np.tile([0.0, 30.0, 30.0, 0.0], (4, 1)))
    # Dark-to-bright gives the opposite sign.
    np.testing.assert_array_equal(convolve(COURSE_6X6[:, ::-1], VERTICAL_EDGE), -out)


def test_course_max_pooling_example():
    np.testing.assert_array_equal(pool(COURSE_4X4, size=2, stride=2, mode="max"), [[6, 8], [9, 4]])
    np.testing.assert_allclose(pool(COURSE_4X4, mode="average"), [[2.75, 4.25], [4.0, 2.0]])


def test_named_kernels_match_the_course():
    assert list(KERNELS) == ["vertical_edge", "horizontal_edge", "laplacian", "sharpen", "box_blur"]
    np.testing.assert_array_equal(LAPLACIAN, [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])
    np.testing.assert_array_equal(K.SHARPEN, [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_allclose(K.BOX_BLUR.sum(), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(K.HORIZONTAL_EDGE, VERTICAL_EDGE.T)
    flat = np.full((5, 5), 7.0)
    assert np.all(convolve(flat, LAPLACIAN) == 0)  # zero response on flat regions
    np.testing.assert_allclose(convolve(flat, "box_blur"), 7.0)
    np.testing.assert_allclose(convolve(flat, "sharpen"), 7.0)


def test_convolve_matches_scipy_correlate2d():
    rng = np.random.default_rng(0)
    image = rng.normal(size=(9, 11))
    for name in KERNELS:
        expected = signal.correlate2d(image, KERNELS[name], mode="valid")
        np.testing.assert_allclose(convolve(image, KERNELS[name]), expected, atol=1e-5, err_msg=name)
        # "same" with stride 1 is zero padding, centred like SciPy's "same".
        same = signal.correlate2d(image, KERNELS[name], mode="same", boundary="fill")
        np.testing.assert_allclose(convolve(image, name, padding="same"), same, atol=1e-5, err_msg=name)


@pytest.mark.multibackend
def test_convolve_and_pool_match_keras():
    import keras

    rng = np.random.default_rng(1)
    image = rng.normal(size=(8, 7, 3)).astype("float32")
    kernel = rng.normal(size=(3, 2)).astype("float32")
    # Keras depthwise conv: the same 2-D kernel on each channel.
    depthwise = np.repeat(kernel[:, :, None, None], 3, axis=2)
    for padding, stride in [("valid", 1), ("same", 1), ("valid", 2), ("same", 2), ("same", 3)]:
        ours = convolve(image, kernel, stride=stride, padding=padding)
        theirs = keras.ops.depthwise_conv(image[None], depthwise, strides=stride, padding=padding)
        np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(theirs)[0], atol=1e-4, err_msg=padding)
        assert ours.shape[:2] == conv_output_size(image.shape[:2], kernel.shape, stride, padding)
    # 7x5 keeps "same" pooling padding symmetric: with asymmetric padding the PyTorch
    # backend's average_pool counts the padded cells (TensorFlow and kerasdl do not).
    image = np.random.default_rng(2).normal(size=(7, 5, 2)).astype("float32")
    for mode, padding in [("max", "valid"), ("max", "same"), ("average", "valid"), ("average", "same")]:
        ours = pool(image, size=3, stride=2, mode=mode, padding=padding)
        op = keras.ops.max_pool if mode == "max" else keras.ops.average_pool
        theirs = keras.ops.convert_to_numpy(op(image[None], pool_size=3, strides=2, padding=padding))[0]
        np.testing.assert_allclose(ours, theirs, atol=1e-5, err_msg=f"{mode} {padding}")


def test_convolve_stride_and_channels():
    image = np.arange(5 * 5 * 2, dtype=float).reshape(5, 5, 2)
    out = convolve(image, np.ones((2, 2)), stride=2)
    assert out.shape == (2, 2, 2)
    assert out[0, 0, 0] == image[:2, :2, 0].sum()
    assert out[1, 1, 1] == image[2:4, 2:4, 1].sum()
    assert pool(image, stride=None, size=(1, 5)).shape == (5, 1, 2)


def test_conv_output_size_formula():
    assert conv_output_size(6, 3) == 4
    assert conv_output_size(32, 5) == 28
    assert conv_output_size(28, 2, stride=2) == 14
    assert conv_output_size(7, 3, 2) == 3
    assert conv_output_size(7, 3, 2, padding="same") == 4
    assert conv_output_size((28, 30), (5, 3), (1, 2), "valid") == (24, 14)


def test_bad_arguments_have_clear_errors():
    with pytest.raises(ValueError, match="`padding` must be one of 'valid', 'same'. Received: padding='full'"):
        convolve(COURSE_6X6, VERTICAL_EDGE, padding="full")
    with pytest.raises(ValueError, match="`kernel` must be one of .*'laplacian'.*Received: kernel='edge'"):
        convolve(COURSE_6X6, "edge")
    with pytest.raises(ValueError, match="`kernel` must be a 2-D array"):
        convolve(COURSE_6X6, [1, 0, -1])
    with pytest.raises(ValueError, match="`image` must be 2-D .* or 3-D"):
        convolve(np.zeros(5), VERTICAL_EDGE)
    with pytest.raises(ValueError, match="larger than the image"):
        convolve(np.zeros((2, 2)), VERTICAL_EDGE)
    with pytest.raises(ValueError, match="`mode` must be one of 'max', 'average'. Received: mode='min'"):
        pool(COURSE_4X4, mode="min")
    with pytest.raises(ValueError, match="`stride` must be a positive integer. Received: stride=0"):
        pool(COURSE_4X4, stride=0)
    with pytest.raises(ValueError, match="`kernel_size` \\(5\\) is larger than the input \\(3\\)"):
        conv_output_size(3, 5)
    with pytest.raises(ValueError, match="one entry per input axis"):
        conv_output_size((3, 3), (1, 1, 1))


def test_plot_filters_writes_png(tmp_path):
    image = np.zeros((16, 16, 3))
    image[4:12, 4:12] = 255
    fig = plot_filters(image, {"edges": LAPLACIAN, "blur": K.BOX_BLUR}, path=tmp_path / "f.png")
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["original", "edges", "blur"]
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    assert [ax.get_title() for ax in plot_filters(image[..., 0], [VERTICAL_EDGE]).axes] == ["original", "kernel 1"]
    assert len(plot_filters(image, list(KERNELS.values())[:3]).axes) == 4  # unused grid cells removed
    with pytest.raises(ValueError, match="at least one kernel"):
        plot_filters(image, {})
