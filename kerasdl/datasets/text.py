"""Plain-text corpora: Alice's Adventures in Wonderland (Canterbury corpus), or any text file."""

from __future__ import annotations

import os
from pathlib import Path

from kerasdl.datasets._files import DatasetNotFoundError, find_files, not_found_message

#: Known corpora: name -> (file name, archive URL of the publisher's copy).
TEXT_CORPORA = {
    "alice": ("alice29.txt", "https://corpus.canterbury.ac.nz/resources/cantrbry.tar.gz"),
}


def read_text_file(path: str | os.PathLike[str]) -> str:
    """Read a text file as UTF-8 (falling back to Latin-1), with ``\\n`` line ends.

    A UTF-8 byte-order mark is removed and Windows (CRLF) and old Mac (CR)
    line ends become ``\\n``.

    Args:
        path: The file.

    Returns:
        The text.

    Raises:
        FileNotFoundError: If ``path`` is not a file.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = path.write_bytes("caf\\xe9\\r\\nna\\xefve".encode("latin-1"))
    >>> read_text_file(path)
    'café\\nnaïve'
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"No text file there. Check the path. Received: path={str(path)!r}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _download(name: str, filename: str, url: str, message: str) -> Path:
    import keras

    try:
        subdir = "datasets/text"
        fetched = keras.utils.get_file(f"{name}.tar.gz", origin=url, extract=True, cache_subdir=subdir)
        root = Path(fetched)
    except Exception as error:  # URL errors, HTTP errors, bad archives
        raise DatasetNotFoundError(message) from error
    for folder in (root, root.parent):
        found = sorted(folder.rglob(filename)) if folder.is_dir() else []
        if found:
            return found[0]
    raise DatasetNotFoundError(message)


def load_text(
    name_or_path: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> str:
    """Load a named corpus (``"alice"``) or any text file, as one string.

    ``"alice"`` is Lewis Carroll's *Alice's Adventures in Wonderland* in the
    Canterbury corpus copy (``alice29.txt``), looked up in ``data_dir`` (or
    its ``text/`` subfolder), then ``$KERASDL_DATA_DIR`` (and ``text/``),
    then the Keras cache; only then downloaded from the Canterbury corpus
    site, if ``download``. Any other value is read as a file path. Text is
    decoded as UTF-8, or Latin-1 if it is not valid UTF-8, and CRLF line ends
    become ``\\n``.

    Args:
        name_or_path: ``"alice"`` or the path of a text file.
        data_dir: A folder holding ``alice29.txt``. Defaults to ``None``.
        download: Whether ``"alice"`` may be downloaded when it is not found
            locally. Defaults to ``True``.

    Returns:
        The text.

    Raises:
        DatasetNotFoundError: If ``"alice"`` is nowhere to be found (the
            message says where to put the file).
        FileNotFoundError: If a path does not exist.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "poem.txt"
    >>> _ = path.write_text("Twinkle, twinkle,\\r\\nlittle star", encoding="utf-8")
    >>> load_text(path).splitlines()
    ['Twinkle, twinkle,', 'little star']
    """
    if isinstance(name_or_path, str) and name_or_path.lower() in TEXT_CORPORA:
        name = name_or_path.lower()
        filename, url = TEXT_CORPORA[name]
        found = find_files("text", [[filename]], data_dir)
        if found is not None:
            return read_text_file(found[0])
        message = not_found_message("text", [[filename]], data_dir)
        if not download:
            raise DatasetNotFoundError(message)
        return read_text_file(_download(name, filename, url, message))
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(
            f"`name_or_path` must be one of {sorted(TEXT_CORPORA)} or a file path. "
            f"Received: name_or_path={name_or_path!r}"
        )
    path = Path(name_or_path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"`name_or_path` is neither a known corpus ({', '.join(sorted(TEXT_CORPORA))}) nor an existing "
            f"file. Received: name_or_path={str(name_or_path)!r}"
        )
    return read_text_file(path)
