"""Atomic file writes: a crash never leaves a half-written file behind.

Everything kerasdl writes (models, architectures, weights, metrics, plots) goes
through a temporary file in the destination folder, is flushed and fsynced,
then renamed over the target with :func:`os.replace`, which is atomic on POSIX
and Windows.

The temporary file is named ``.<target>.<host>.<pid>.<random>.tmp<suffix>``,
unique per writer, so two processes saving to the same folder never touch each
other's temporaries, and :func:`remove_stale_temporaries` can tell a crashed
writer's leftovers (its process is gone, or the file is a day old) from a save
in progress. The final file gets the permissions a plain ``open()`` would give
it (``0o666`` minus the umask; an existing target keeps its own mode), not the
``0o600`` of :func:`tempfile.mkstemp`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

#: A temporary whose writer cannot be identified as alive is removed once it is
#: this many seconds old (no save of a course model takes a day).
STALE_AFTER_S = 24 * 3600

_OWNER = re.compile(r"^\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.[^.]+\.tmp")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname() or "host")[:40] or "host"


def _umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no read-only API elsewhere: set and restore at once
    os.umask(mask)
    return mask


def _final_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _writer_alive(host: str, pid: int) -> bool | None:
    """Whether the writer of a temporary runs; ``None`` when that cannot be told (another host)."""
    if host != _host():
        return None
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists, owned by another user
    return True


def remove_stale_temporaries(
    target: str | os.PathLike[str], *, max_age_s: float = STALE_AFTER_S
) -> list[Path]:
    """Remove the temporaries that crashed writers left next to ``target``.

    ``target`` may be a file-name template such as ``"ckpt-{epoch:02d}.keras"``:
    every ``{...}`` field matches any text. A temporary is removed only if its
    writer (named in the file name) is a process of this machine that no
    longer runs, or if the file is older than ``max_age_s``; a save in progress
    by another process is never touched.

    Args:
        target: The final file name (or template) whose temporaries to clean.
        max_age_s: Age in seconds after which any temporary counts as stale.
            Defaults to one day.

    Returns:
        The temporaries removed.

    Example:

    >>> import os, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> leftover = folder / ".model.keras.abc123.tmp.keras"   # an older kerasdl's name
    >>> _ = leftover.write_bytes(b"half")
    >>> os.utime(leftover, (0, 0))                            # two days old, say
    >>> [p.name for p in remove_stale_temporaries(folder / "model.keras")]
    ['.model.keras.abc123.tmp.keras']
    """
    target = Path(target)
    name_glob = re.sub(r"\{[^{}]*\}", "*", glob.escape(target.name))
    if not target.parent.is_dir():
        return []
    now = time.time()
    removed: list[Path] = []
    for candidate in target.parent.glob(f".{name_glob}.*.tmp*"):
        match = _OWNER.match(candidate.name)
        alive = _writer_alive(match["host"], int(match["pid"])) if match else None
        if alive:
            continue
        try:
            old = now - candidate.lstat().st_mtime > max_age_s
        except FileNotFoundError:
            continue
        if alive is False or old:
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` on success.

    The caller writes the temporary file by any means (Keras ``save``, h5py,
    matplotlib ``savefig``...). If the block raises, the temporary file is
    removed and ``path`` is left untouched.

    Args:
        path: The final destination.
        suffix: Suffix of the temporary file. Some writers (Keras, matplotlib)
            choose their format by extension, so it defaults to the suffix of
            ``path`` (``.weights.h5`` is kept whole).

    Yields:
        The temporary :class:`pathlib.Path` to write to.

    Example:

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
    >>> with atomic_write(target) as tmp:
    ...     _ = tmp.write_text("hi")
    >>> target.read_text()
    'hi'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix is None:
        suffix = "".join(target.suffixes[-2:]) if target.name.endswith(".weights.h5") else target.suffix
    prefix = f".{target.name}.{_host()}.{os.getpid()}."
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=f".tmp{suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if tmp.exists():
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.chmod(tmp, _final_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_write(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically and return the path."""
    return atomic_write_bytes(path, text.encode(encoding))
