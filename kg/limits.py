"""Keeping a command stoppable: Ctrl-C, a time limit on every query, a memory ceiling.

Oxigraph runs a query in Rust without looking at signals, so Python's Ctrl-C would wait
for the query to end (minutes, for a runaway one). :func:`supervise` runs a command in a
worker thread instead; the main thread only waits, and so it can always act: on Ctrl-C,
when the query under way (marked by :func:`running`) passes its time limit, or when the
process grows past its memory ceiling, it prints one line and ends the process at once.

The library only marks its queries with :func:`running`; the policy (printing, exit
status) belongs to the command line, which calls :func:`supervise`.
"""

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["running", "current", "supervise", "memory_ceiling", "resident_bytes", "INTERRUPTED"]

T = TypeVar("T")

#: The exit status of a command stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130
#: Default ceiling on the process's resident memory, in MB (``KG_MAX_MEMORY`` changes it).
DEFAULT_MAX_MEMORY = 2048
_POLL = 0.05  # seconds between two looks at the clock and at the memory

# The query under way: (what, monotonic start, seconds allowed or None).
_current: tuple[str, float, float | None] | None = None


@contextmanager
def running(what: str, timeout: float | None) -> Iterator[None]:
    """Mark that the query ``what`` runs for the duration of the block, allowed ``timeout`` seconds.

    >>> with running("query shared_symptoms", 30):
    ...     current()
    'query shared_symptoms'
    >>> current() is None
    True
    """
    global _current
    previous, _current = _current, (what, time.monotonic(), timeout)
    try:
        yield
    finally:
        _current = previous


def current() -> str | None:
    """What the query under way is (as given to :func:`running`), or None between queries."""
    return _current[0] if _current is not None else None


def memory_ceiling() -> int:
    """The most resident memory a command may use, in bytes: ``KG_MAX_MEMORY`` MB, default 2048.

    >>> memory_ceiling() >= 1 << 20
    True
    """
    text = os.environ.get("KG_MAX_MEMORY", "").strip()
    try:
        megabytes = float(text) if text else DEFAULT_MAX_MEMORY
    except ValueError:
        megabytes = DEFAULT_MAX_MEMORY
    return int(max(megabytes, 64) * (1 << 20))


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int | None:
    """This process's resident memory in bytes (Linux ``/proc/self/statm``), or None elsewhere.

    >>> (resident_bytes() or 1) > 0
    True
    """
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _stop(message: str, status: int) -> None:
    """Print ``kg: message`` and end the process now, whatever the worker is doing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        os.write(2, f"kg: {message}\n".encode())
    finally:
        os._exit(status)


def supervise(work: Callable[[], T]) -> T:
    """Run ``work()`` in a worker thread and return what it returns (or raise what it raises).

    Meanwhile the calling thread, which must be the main one, ends the process with one line
    on Ctrl-C (status 130), when the query marked by :func:`running` passes its time limit,
    or when resident memory passes :func:`memory_ceiling` (status 1 for both).

    >>> supervise(lambda: 6 * 7)
    42
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the main thread, which raises it
            outcome["error"] = error

    worker = threading.Thread(target=target, name="kg-command", daemon=True)
    ceiling = memory_ceiling()
    try:
        worker.start()
        while worker.is_alive():
            worker.join(_POLL)
            current = _current
            if current is not None:
                what, started, timeout = current
                if timeout is not None and time.monotonic() - started > timeout:
                    _stop(f"error: {what} ran out of time after {timeout:g} s "
                          "(raise --timeout, or ask a narrower question)", 1)
            used = resident_bytes()
            if used is not None and used > ceiling:
                if current is not None:
                    _stop(f"error: stopped while running {current[0]}: memory use passed {ceiling >> 20} MB "
                          "(ask a narrower question, or raise KG_MAX_MEMORY, in MB)", 1)
                _stop(f"error: stopped: memory use passed {ceiling >> 20} MB "
                      "(set KG_MAX_MEMORY, in MB, to allow more)", 1)
    except KeyboardInterrupt:
        _stop("interrupted", INTERRUPTED)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")  # type: ignore[return-value]
