"""Standard output that fails as one line: a full disk, a closed pipe or a closed stream.

:func:`guard` replaces ``sys.stdout`` with a writer over the same file descriptor whose write
errors become :class:`OutputError` (a :class:`~kg.errors.KGError`, so the entry point prints
one line and exits 1), or, when the reader has gone (``kg ... | head``), :class:`OutputClosed`,
after which the command stops silently, as git does. After the first failure the writer
drops what is left, so that Python's own flush at exit reports nothing more.
"""

import errno
import io
import os
import sys

from ..errors import KGError

__all__ = ["OutputError", "OutputClosed", "guard"]


class OutputError(KGError):
    """Standard output cannot be written (a full disk, an I/O error, a closed descriptor)."""


class OutputClosed(Exception):
    """The reader of standard output has gone (EPIPE): stop quietly."""


class _GuardedFile(io.FileIO):
    failed = False

    def write(self, data) -> int:
        if self.failed:
            return len(data)
        try:
            return super().write(data)
        except OSError as error:
            self.failed = True
            if error.errno == errno.EPIPE:
                raise OutputClosed() from None
            raise OutputError(f"cannot write to standard output: {error.strerror or error} "
                              "(free some space, or send the output elsewhere)") from None


class _ClosedStdout(io.TextIOBase):
    """Stands for a standard output that was closed before kg started (``kg ... >&-``)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OutputError("standard output is closed (run kg with its output sent to a file or a terminal)")


def guard() -> None:
    """Make ``sys.stdout`` (when it is the process's own) fail as described above."""
    if sys.stdout is None:
        # Keep descriptor 1 taken, so that a file opened later cannot become "standard output".
        try:
            os.fstat(1)
        except OSError:
            fd = os.open(os.devnull, os.O_WRONLY)
            if fd != 1:
                os.dup2(fd, 1)
                os.close(fd)
        sys.stdout = _ClosedStdout()
        return
    if sys.stdout is not sys.__stdout__:
        return  # a test harness or a caller captures the output: leave it alone
    old = sys.stdout
    try:
        fd = old.fileno()
    except (OSError, ValueError):
        return
    old.flush()
    raw = _GuardedFile(fd, "w", closefd=False)
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=old.encoding, errors=old.errors,
                                  line_buffering=old.line_buffering, write_through=False)
