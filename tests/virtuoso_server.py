"""A real Virtuoso 7 SPARQL server on loopback, for the backend tests (Debian's `virtuoso-opensource`).

The server runs from a folder of its own: a configuration written there names the database
files, allows only that folder for file access, and listens on two free ports of 127.0.0.1
(SQL and HTTP). N-Triples are loaded with ``isql-vt`` (``DB.DBA.TTLP_MT``); the server is
stopped and its folder left to the caller's temporary directory afterwards.

Where Virtuoso is not installed the tests that need it skip, and fail under ``CI=true``.
"""

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from oxigraph_server import free_port, wait_until_up

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
#: The account a fresh Virtuoso database has; the Graph Store endpoint asks for it (digest auth).
USER, PASSWORD = "dba", "dba"
#: The named graph the loaded triples go into (a query without FROM sees every graph).
GRAPH = "urn:kg:tests"

_CONFIG = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 0
CaseMode                 = 2
DirsAllowed              = ., {dir}
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
MaxQueryMem              = 500M
ThreadsPerQuery          = 1
AsyncQueueMaxThreads     = 4

[HTTPServer]
ServerPort                  = 127.0.0.1:{http}
ServerRoot                  = {dir}
MaxClientConnections        = 10
ServerThreads               = 10
EnabledDavVSP               = 0
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
"""


def available() -> str | None:
    """Why Virtuoso cannot run here, or None when it can."""
    if VIRTUOSO is None:
        return "Virtuoso is not installed (apt-get install virtuoso-opensource; scripts/test does it as root)"
    if ISQL is None:
        return "Virtuoso's isql-vt is not installed (apt-get install virtuoso-opensource)"
    return None


def skip_or_fail(reason: str) -> None:
    """Skip the test, except under CI=true where a missing server is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the Virtuoso tests must run)")
    pytest.skip(reason)


def isql(port: int, statement: str, timeout: float = 300) -> str:
    """Run one SQL statement through ``isql-vt`` as the database administrator."""
    result = subprocess.run([ISQL, f"127.0.0.1:{port}", USER, PASSWORD, f"exec={statement}"],
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
        raise RuntimeError(f"isql failed: {(result.stdout + result.stderr).strip()[-500:]}")
    return result.stdout


@contextmanager
def virtuoso_server(folder: Path, *, data: Path | None = None):
    """Run Virtuoso from ``folder`` (loading the N-Triples file ``data`` first); yields its base URL.

    The server's ``/sparql`` answers queries; ``/sparql-graph-crud-auth`` is its Graph Store
    (digest authentication as :data:`USER`).
    """
    if (reason := available()) is not None:
        skip_or_fail(reason)
    folder.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    config = folder / "virtuoso.ini"
    config.write_text(_CONFIG.format(dir=folder, sql=sql, http=http), encoding="utf-8")
    process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(config)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    try:
        log = folder / "virtuoso.log"
        wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, 90, pause=0.5,
                      why_it_exited=lambda _: log.read_text(errors="replace")[-800:] if log.exists() else "")
        if data is not None:
            copy = folder / "data.nt"  # TTLP_MT reads only under DirsAllowed
            if data.resolve() != copy.resolve():
                shutil.copyfile(data, copy)
            isql(sql, f"DB.DBA.TTLP_MT(file_to_string_output('{copy}'), '', '{GRAPH}', 0); checkpoint;")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
