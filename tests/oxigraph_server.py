"""A real Oxigraph SPARQL server on loopback, for the endpoint tests (the `oxigraph` binary).

The PyPI package `oxigraph` ships the server; the tests load a graph into a store folder
with `oxigraph load`, serve it on a free port of 127.0.0.1, and stop it afterwards.
"""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 20, *, pause: float = 0.1,
                  why_it_exited=lambda process: repr(process.stderr.read())) -> None:
    """Return once ``url`` answers; raise if ``process`` exits first (saying ``why_it_exited``) or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: {why_it_exited(process)}")
        try:
            with urllib.request.urlopen(url, timeout=max(1.0, pause * 4)):
                return
        except OSError:
            time.sleep(pause)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


@contextmanager
def oxigraph_server(location: Path, *, data: Path | None = None, writable: bool = False):
    """Serve the store at ``location`` (loading ``data`` into it first); yields the base URL."""
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    if data is not None:
        subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(data)],
                       check=True, capture_output=True, timeout=120)
    port = free_port()
    command = "serve" if writable else "serve-read-only"
    process = subprocess.Popen(
        [OXIGRAPH, command, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
