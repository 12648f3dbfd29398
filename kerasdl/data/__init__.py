"""Image data: a Keras 3 ImageDataGenerator, tf.data pipelines, convolution by hand.

``import kerasdl.data`` never imports TensorFlow under JAX or PyTorch: the
tf.data functions import it when they are called.
"""

from kerasdl.data.kernels import (
    BOX_BLUR,
    HORIZONTAL_EDGE,
    KERNELS,
    LAPLACIAN,
    SHARPEN,
    VERTICAL_EDGE,
    conv_output_size,
    convolve,
    plot_filters,
    pool,
)

__all__ = [
    "BOX_BLUR",
    "HORIZONTAL_EDGE",
    "KERNELS",
    "LAPLACIAN",
    "SHARPEN",
    "VERTICAL_EDGE",
    "conv_output_size",
    "convolve",
    "plot_filters",
    "pool",
]
