"""Writing files so that a failure never leaves a half-written or lost file."""

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import BadData

__all__ = ["atomic_write", "atomic_file"]


def atomic_write(path: Path, data: bytes, *, before_replace: Callable[[Path], None] | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Readers see either the old file or the new one, never a mix; on any failure the old
    file is left as it was. ``before_replace`` is called with the temporary file's path
    once it is complete, just before the rename.
    """
    with atomic_file(path, before_replace=before_replace) as handle:
        handle.write(data)


@contextmanager
def atomic_file(path: Path, *, before_replace: Callable[[Path], None] | None = None) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, piece by piece (see :func:`atomic_write`).

    The temporary file replaces ``path`` when the block ends; an exception in the block (or
    Ctrl-C) removes it and leaves ``path`` as it was.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(target) as handle:
    ...     _ = handle.write(b"streamed")
    >>> target.read_bytes()
    b'streamed'
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadData(f"{path}: folder {folder} does not exist (create it first)")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise BadData(f"{path}: cannot write here: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        if before_replace is not None:
            before_replace(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
