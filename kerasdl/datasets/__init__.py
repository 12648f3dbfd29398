"""Data set loaders that look locally first, and synthetic data sets.

Loaders read the publishers' own file formats from ``data_dir``, then the
``KERASDL_DATA_DIR`` environment variable, then the Keras cache, and only
then try the real download; offline they fail with an error naming the files
and where to put them.
"""

from kerasdl.datasets._files import DATA_DIR_ENV, DatasetNotFoundError
from kerasdl.datasets.auto_mpg import load_auto_mpg, make_auto_mpg_like, parse_auto_mpg
from kerasdl.datasets.cifar import load_cifar10, read_cifar_batch
from kerasdl.datasets.imdb import load_imdb, load_imdb_word_index, load_npz_safely
from kerasdl.datasets.mnist import load_fashion_mnist, load_mnist, read_idx
from kerasdl.datasets.synthetic import make_digits, make_image_folder, make_shape_images
from kerasdl.datasets.text import load_text, read_text_file

__all__ = [
    "DATA_DIR_ENV",
    "DatasetNotFoundError",
    "load_auto_mpg",
    "load_cifar10",
    "load_fashion_mnist",
    "load_imdb",
    "load_imdb_word_index",
    "load_mnist",
    "load_npz_safely",
    "load_text",
    "make_auto_mpg_like",
    "make_digits",
    "make_image_folder",
    "make_shape_images",
    "parse_auto_mpg",
    "read_cifar_batch",
    "read_idx",
    "read_text_file",
]
