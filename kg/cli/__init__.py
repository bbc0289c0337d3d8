"""The `kg` command line: thin commands that parse arguments, call the library, print."""

from . import explore, extend, graph_io, reasoning, sparql, store  # noqa: F401  (registers the commands)
from .app import app, main, run

__all__ = ["app", "main", "run"]
