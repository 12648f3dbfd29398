"""Data set loaders that look locally first, and synthetic data sets.

Loaders read the publishers' own file formats from ``data_dir``, then the
``KERASDL_DATA_DIR`` environment variable, then the Keras cache, and only
then try the real download; offline they fail with an error naming the files
and where to put them.
"""

from kerasdl.datasets._files import DATA_DIR_ENV, DatasetNotFoundError
from kerasdl.datasets.mnist import load_mnist, read_idx
from kerasdl.datasets.synthetic import make_digits, make_image_folder, make_shape_images

__all__ = [
    "DATA_DIR_ENV",
    "DatasetNotFoundError",
    "load_mnist",
    "make_digits",
    "make_image_folder",
    "make_shape_images",
    "read_idx",
]
