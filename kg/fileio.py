"""Writing files so that a failure never leaves a half-written or lost file.

:func:`atomic_write` is how every file kg writes gets written. What it does with each kind
of path:

- a regular file, or a new one: the data goes to a temporary file beside it
  (``.NAME.<8 random characters>.tmp``), is flushed to disk, and is renamed over the path, so readers see
  the old file or the new one, never a mix;
- a symbolic link: the file it points to is replaced that way, and the link stays a link;
- a device or a FIFO (``/dev/stdout``, ``/dev/full``, a named pipe): the data is written
  through to it, since renaming a file over it would replace the device with a file;
- a folder, an empty path, a socket: refused.

Every failure (a full disk, a read-only folder, a FIFO nobody reads) is a
:class:`~kg.errors.BadData` that names the path and leaves what was there as it was.
"""

import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import BadData

__all__ = ["atomic_write", "atomic_file", "remove_stale_temporaries", "read_memo", "write_memo"]


def _why(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full (free some space and try again)"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{error.strerror} (choose a folder you can write to)"
    return error.strerror or str(error)


def atomic_write(path: Path | str, data: bytes, *, before_replace: Callable[[Path], None] | None = None) -> None:
    """Write ``data`` to ``path`` as described in the module's docstring.

    ``before_replace`` is called with the temporary file's path once it is complete, just
    before the rename (never for a device or a FIFO, which are written in place).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "a.txt", b"hello"); (folder / "a.txt").read_bytes()
    b'hello'
    >>> atomic_write(folder, b"x")
    Traceback (most recent call last):
    ...
    kg.errors.BadData: ...: is a folder, not a file (give a file name inside it)
    """
    with atomic_file(path, before_replace=before_replace) as handle:
        handle.write(data)


@contextmanager
def atomic_file(path: Path | str, *, before_replace: Callable[[Path], None] | None = None) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through piece by piece, as :func:`atomic_write` writes it.

    For a regular file the temporary file replaces ``path`` when the block ends; an exception
    in the block (or Ctrl-C) removes it and leaves ``path`` as it was. A device or a FIFO is
    written in place. A write that fails (a full disk) is a :class:`~kg.errors.BadData`.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(target) as handle:
    ...     _ = handle.write(b"streamed")
    >>> target.read_bytes()
    b'streamed'
    """
    if not str(path).strip():
        raise BadData("no file name given (give the path of the file to write)")
    path = Path(path)
    try:
        mode = path.stat().st_mode  # of what a symbolic link points to
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise BadData(f"{path}: cannot write it: {_why(error)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise BadData(f"{path}: is a folder, not a file (give a file name inside it)")
    if mode is not None and not stat.S_ISREG(mode):
        with _written_through(path) as handle:
            yield handle
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # replace the file it points to; the link stays
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadData(f"{path}: folder {folder} does not exist (create it first)")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise BadData(f"{path}: cannot write in {folder}: {_why(error)}") from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode & 0o777 if mode is not None else 0o644)
        except OSError as error:
            raise BadData(f"{path}: cannot write it: {_why(error)}; it was left as it was") from None
        if before_replace is not None:
            before_replace(Path(tmp))
        try:
            os.replace(tmp, path)
        except OSError as error:
            raise BadData(f"{path}: cannot replace it: {_why(error)}; it was left as it was") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _written_through(path: Path) -> Iterator[BinaryIO]:
    """A device or FIFO opened in place; a FIFO that nobody reads is refused, not waited on."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise BadData(f"{path}: nothing reads from it (start the reader first, or write to a file)") from None
        raise BadData(f"{path}: cannot write to it: {_why(error)}") from None
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as handle:
            yield handle
    except OSError as error:
        raise BadData(f"{path}: cannot write to it: {_why(error)}") from None


def remove_stale_temporaries(path: Path, older_than: float) -> list[Path]:
    """Delete the temporary files :func:`atomic_write` left beside ``path`` when it was killed.

    Only files of its own pattern (``.NAME.<8 random characters>.tmp``) last changed before ``older_than``
    (a time stamp: when the caller took the lock that every writer of ``path`` takes) are
    removed: no living writer can own them. Returns what was removed.

    >>> import tempfile, time
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / ".local.ttl.ab12_x9z.tmp").write_text("half")
    4
    >>> [p.name for p in remove_stale_temporaries(folder / "local.ttl", time.time() + 1)]
    ['.local.ttl.ab12_x9z.tmp']
    """
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp$")
    removed = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return removed
    for candidate in candidates:
        if not pattern.match(candidate.name):
            continue
        try:
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < older_than:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed


def read_memo(path: Path | None, kind: type = object):
    """What the pickle at ``path`` holds when it is a ``kind``; None when there is none, it
    cannot be read, or it holds something else (a file from other code, say).

    A memo is derived data kept beside a store (see :func:`write_memo`): losing one costs time, never an answer.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_memo(folder / "store-names-1.pickle", {"a": 1}); read_memo(folder / "store-names-1.pickle", dict)
    {'a': 1}
    >>> read_memo(folder / "store-names-1.pickle", list) is None, read_memo(folder / "none.pickle") is None
    (True, True)
    """
    import pickle

    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, IndexError):
        return None
    return found if isinstance(found, kind) else None


def write_memo(path: Path, value) -> None:
    """Pickle ``value`` into ``path``, named NAME-VERSION.pickle, removing NAME's other versions (from other code).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_memo(folder / "store-names-1.pickle", 1); write_memo(folder / "store-names-2.pickle", 2)
    >>> sorted(p.name for p in folder.iterdir())
    ['store-names-2.pickle']
    """
    import pickle

    for stale in path.parent.glob(path.name.rsplit("-", 1)[0] + "-*"):
        if stale != path:
            stale.unlink(missing_ok=True)
    atomic_write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
