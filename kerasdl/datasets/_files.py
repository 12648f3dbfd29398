"""Finding data set files locally first: the shared logic of every loader.

Look-up order for a data set ``name`` (``"mnist"``, ``"auto-mpg"``...):

1. the ``data_dir`` argument (the files themselves, or a ``name/`` subfolder);
2. the ``KERASDL_DATA_DIR`` environment variable (same two layouts);
3. the Keras cache, ``$KERAS_HOME/datasets`` (``~/.keras/datasets``);
4. the publisher's download, through ``keras.utils.get_file``, only when the
   loader is allowed to download. Offline, the error names the files and the
   places to put them, never a raw URL error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

#: Environment variable naming a folder of data sets (``$KERASDL_DATA_DIR/mnist/...``).
DATA_DIR_ENV = "KERASDL_DATA_DIR"


class DatasetNotFoundError(FileNotFoundError):
    """A data set is neither on disk nor downloadable; the message says what to do."""


def keras_cache_dir() -> Path:
    """The Keras data set cache: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def candidate_dirs(name: str, data_dir: str | os.PathLike[str] | None) -> list[Path]:
    """The folders searched for data set ``name``, in order."""
    roots: list[Path] = []
    if data_dir is not None:
        roots.append(Path(data_dir).expanduser())
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        roots.append(Path(env).expanduser())
    dirs: list[Path] = []
    for root in roots:
        dirs += [root, root / name]
    cache = keras_cache_dir()
    dirs += [cache, cache / name]
    return dirs


def find_files(
    name: str,
    filename_sets: Sequence[Sequence[str]],
    data_dir: str | os.PathLike[str] | None = None,
) -> list[Path] | None:
    """Return the first complete set of files found, or ``None``.

    Args:
        name: Data set name, also the subfolder looked for.
        filename_sets: Alternative layouts, each a list of file names that
            must all be present (for example the four IDX files, or
            ``["mnist.npz"]``).
        data_dir: The user's folder, searched first. Defaults to ``None``.
    """
    if data_dir is not None and not Path(data_dir).expanduser().exists():
        raise DatasetNotFoundError(
            f"`data_dir` does not exist. Pass the folder that holds the {name} files. "
            f"Received: data_dir={str(data_dir)!r}"
        )
    for folder in candidate_dirs(name, data_dir):
        for names in filename_sets:
            paths = [folder / n for n in names]
            if all(p.is_file() for p in paths):
                return paths
    return None


def not_found_message(name: str, filename_sets: Sequence[Sequence[str]], data_dir: object) -> str:
    """The error text for a data set that is nowhere to be found."""
    layouts = " or ".join("[" + ", ".join(names) + "]" for names in filename_sets)
    searched = ", ".join(str(d) for d in candidate_dirs(name, data_dir))  # type: ignore[arg-type]
    return (
        f"The {name} data set was not found locally and could not be downloaded "
        f"(offline?). Put the files {layouts} in a folder and pass it as `data_dir=` "
        f"(or `--data-dir` on the command line), or set the environment variable "
        f"{DATA_DIR_ENV} to a folder containing a '{name}/' subfolder. "
        f"Searched: {searched}. Received: data_dir={data_dir!r}"
    )


def md5_of(path: str | os.PathLike[str], data: bytes | None = None) -> str:
    """The MD5 hex digest of a file (or of ``data`` if given)."""
    digest = hashlib.md5(usedforsecurity=False)
    if data is not None:
        digest.update(data)
        return digest.hexdigest()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(name: str, url: str, filename: str, file_hash: str | None, message: str) -> Path:
    """Download ``url`` into the Keras cache, turning network errors into ``message``."""
    import keras

    try:
        path = keras.utils.get_file(
            filename, origin=url, file_hash=file_hash, cache_subdir=f"datasets/{name}"
        )
    except Exception as error:  # URL errors, HTTP errors, hash mismatches
        raise DatasetNotFoundError(message) from error
    return Path(path)
