"""Image data: a Keras 3 ImageDataGenerator, tf.data pipelines, convolution by hand.

``import kerasdl.data`` never imports TensorFlow under JAX or PyTorch: the
tf.data functions import it when they are called.
"""

from kerasdl.data.affine import RandomAffine
from kerasdl.data.augmentation import RandomBrightnessScale, as_pipeline, augmentation_layers
from kerasdl.data.dataframe_iterator import DataFrameIterator
from kerasdl.data.image_data_generator import ImageDataGenerator
from kerasdl.data.image_files import WHITE_LIST_FORMATS
from kerasdl.data.iterators import DirectoryIterator, Iterator, NumpyArrayIterator
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
from kerasdl.data.pipelines import image_dataset
from kerasdl.data.plotting import augmented_copies, plot_augmentations

__all__ = [
    "BOX_BLUR",
    "HORIZONTAL_EDGE",
    "KERNELS",
    "LAPLACIAN",
    "SHARPEN",
    "VERTICAL_EDGE",
    "DataFrameIterator",
    "DirectoryIterator",
    "ImageDataGenerator",
    "Iterator",
    "NumpyArrayIterator",
    "RandomAffine",
    "RandomBrightnessScale",
    "WHITE_LIST_FORMATS",
    "as_pipeline",
    "augmentation_layers",
    "augmented_copies",
    "image_dataset",
    "plot_augmentations",
    "conv_output_size",
    "convolve",
    "plot_filters",
    "pool",
]
