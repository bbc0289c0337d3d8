"""The `kg` application object, the options every command shares, and the entry point."""

import copy
import functools
import inspect
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import EmptyResult, KGError
from ..model import MIN_STATUSES
from .output import Columns, write

__all__ = ["app", "main", "run", "DataOption", "FormatOption", "MinStatus", "MinStatusOption", "OutputFormat", "graph_command", "open_graph", "emit"]

DISCLAIMER = (
    "Not medical advice: the graph records what sources claim and how well each claim is "
    "backed. Talk to a clinician about your own health."
)

app = typer.Typer(
    name="kg",
    help=(
        "Explore what is known about fibromyalgia, vitamin B12 deficiency and how they relate.\n\n"
        "Entity arguments accept a label, synonym, CURIE or IRI, in any case.\n\n"
        "Errors are one line on stderr; exit status 0 done, 1 error or no answer, 2 unknown name or "
        "usage mistake (docs/errors.md lists them all).\n\n" + DISCLAIMER
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _commands() -> None:
    # A callback keeps `kg` a group of commands even when it is built with one (see _click_command).
    pass


def _click_command(args: list[str]):
    """The click command that runs ``args``: when they start with a command's name, a group
    of that command alone; otherwise (``kg``, ``kg --help``, a misspelt name) all of them.

    Typer builds each command's parser from its signature, and building all of them cost a
    cold ``kg shared`` more time than its answer on the shipped graph.

    >>> sorted(_click_command(["shared", "a", "b"]).commands), len(_click_command(["--help"]).commands) > 10
    (['shared'], True)
    """
    from typer.main import get_command, get_command_name

    name = args[0] if args else None
    chosen = [c for c in app.registered_commands if (c.name or get_command_name(c.callback.__name__)) == name]
    if not chosen:
        return get_command(app)
    alone = copy.copy(app)
    alone.registered_commands = chosen
    return get_command(alone)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _data_paths(values: list[str] | None) -> list[Path] | None:
    """``--data`` values as paths; an empty one is refused, not read as the current folder."""
    from ..errors import BadData

    if values and any(not value.strip() for value in values):
        raise BadData("--data '': an empty path (give a Turtle file or a folder)")
    return [Path(value) for value in values] if values else values


DataOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--data", callback=_data_paths,
        help="Extra Turtle file or folder loaded on top of the shipped ontology (repeatable; KG_DATA adds more).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Output format: a table to read, or JSON / CSV for other tools."),
]


#: The --min-status choices: :data:`kg.model.MIN_STATUSES`, the one definition.
MinStatus = Enum("MinStatus", {status: status for status in MIN_STATUSES}, type=str)


MinStatusOption = Annotated[
    MinStatus,
    typer.Option(
        "--min-status",
        help="Use only claims at least this well backed (supported > contested > unsupported); "
             "any also keeps refuted ones. Each row shows its status.",
    ),
]


BackendOption = Annotated[
    Optional[str],
    typer.Option(
        "--backend", envvar="KG_BACKEND", show_default=False,
        help="Store behind the queries: oxigraph (default; a cached embedded store) or memory (rdflib).",
    ),
]
EndpointOption = Annotated[
    Optional[str],
    typer.Option(
        "--endpoint", envvar="KG_ENDPOINT", show_default=False,
        help="Ask this SPARQL 1.1 endpoint (its query URL) instead of loading the files.",
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option("--timeout", envvar="KG_TIMEOUT", min=0.1, max=86400,
                 help="Seconds any one query may take, on every backend (an endpoint request, a local query)."),
]


def open_graph(data: list[Path] | None = None, backend: str | None = None, endpoint: str | None = None,
               timeout: float = 30.0):
    """The graph every command reads: shipped ontology, extensions, imports, KG_DATA, then ``--data``.

    ``--endpoint`` reads a SPARQL endpoint instead; ``--backend`` chooses the local store.
    """
    from ..graph import KnowledgeGraph

    return KnowledgeGraph.load(data or (), backend=endpoint or backend, timeout=timeout)


#: The options that choose what graph a command reads, added to every graph command.
GRAPH_OPTIONS = {
    "data": (DataOption, None),
    "backend": (BackendOption, None),
    "endpoint": (EndpointOption, None),
    "timeout": (TimeoutOption, 30.0),
}


def graph_command(func):
    """Make ``func(g, ...)`` a command that takes the graph options and receives the opened graph.

    The options (:data:`GRAPH_OPTIONS`) follow the command name, like its own options; the
    wrapped function gets the loaded :class:`~kg.KnowledgeGraph` as ``g``.
    """
    signature = inspect.signature(func)
    own = [p for p in signature.parameters.values() if p.name != "g"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, (annotation, default) in GRAPH_OPTIONS.items()
    ]

    @functools.wraps(func)
    def command(**kwargs):
        options = {name: kwargs.pop(name) for name in GRAPH_OPTIONS}
        return func(g=open_graph(**options), **kwargs)

    command.__signature__ = signature.replace(parameters=own + added)
    command.__annotations__ = {p.name: p.annotation for p in own + added}
    del command.__wrapped__  # typer must see the new signature, not the original one
    return command


def emit(records: list, columns: Columns, fmt: OutputFormat, *, title: str | None = None, empty: str) -> None:
    """Print ``records``; with none, print ``[]`` for JSON and fail with the ``empty`` message."""
    if not records:
        if fmt is OutputFormat.json:
            write([], columns, fmt.value)
        raise EmptyResult(empty)
    write(records, columns, fmt.value, title)


def main() -> None:
    """Entry point of the `kg` console script: a user's error is one line and a non-zero exit.

    The exit statuses are listed in docs/errors.md: 0 done, 1 an error or no answer, 2 an
    unknown or ambiguous name or a command-line mistake, 141 the reader of the output went away,
    130 Ctrl-C.
    """
    from ..limits import supervise
    from .stdout import OutputClosed, guard

    guard()
    try:
        try:
            command = _click_command(sys.argv[1:])
            supervise(lambda: command(prog_name="kg"))  # Ctrl-C, --timeout and the memory ceiling stop even a query running in Rust
        finally:
            sys.stdout.flush()  # a full disk shows here, not in Python's silent flush at exit
    except KGError as error:
        print(f"kg: error: {one_line(str(error))}", file=sys.stderr)
        sys.exit(error.exit_code)
    except (OutputClosed, BrokenPipeError):  # `kg ... | head` closed the pipe: stop quietly, as git does
        sys.exit(141)


def run() -> None:
    """The `kg` console script: :func:`main`, then the process ends at once with its status.

    Python's own exit tears down every imported module, which took a cold `kg shared` on the
    shipped graph a fifth of its time. Nothing is left for it to do: every file kg writes is
    complete when its command returns, and the standard streams are flushed here. (A bug's
    traceback still goes the usual way.)
    """
    import os

    try:
        main()
        status = 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            status = stop.code or 0
        else:  # sys.exit("message"), as Python does it
            print(stop.code, file=sys.stderr)
            status = 1
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed or missing stream: main has said so already
            pass
    os._exit(status)


#: Longest message printed; a longer one (a 100 KB label, say) is cut in the middle.
MESSAGE_LIMIT = 1000


def one_line(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """``message`` on one line, control characters shown as spaces, at most ``limit`` characters.

    >>> one_line("a\\nb")
    'a b'
    >>> len(one_line("x" * 10_000))
    1000
    """
    text = " ".join("".join(c if c.isprintable() else " " for c in message).split())
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[-(limit - 5 - half):]}"
