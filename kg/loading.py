"""Where kg keeps its files, and finding and parsing the Turtle files that make up the graph.

The graph is the shipped ontology (``ontology/*.ttl``), then every extension file
(``ontology/extensions/*.ttl``), then the imports in the user's data folder (``kg import``,
``imports/*.nt``), then the files named by the ``KG_DATA`` environment
variable (a path list), then the files given with ``--data``. A directory stands for the
``*.ttl`` files in it, in name order.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BadData
from .namespaces import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "kg_home", "data_dir", "cache_dir", "ontology_dir", "extensions_dir", "imports_dir", "imported_files",
    "data_files", "env_files", "parse_files", "parse_into",
]

_PACKAGE = Path(__file__).resolve().parent


def kg_home() -> Path | None:
    """``KG_HOME`` when set: one folder holding both the data and the cache of kg."""
    home = os.environ.get("KG_HOME", "").strip()
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    """The user's data folder (imports live here): ``$KG_HOME/data`` or the platform's."""
    if (home := kg_home()) is not None:
        return home / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("kg", appauthor=False))


def cache_dir() -> Path:
    """The folder of rebuildable caches (the Oxigraph store): ``$KG_HOME/cache`` or the platform's."""
    if (home := kg_home()) is not None:
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kg", appauthor=False))


def ontology_dir() -> Path:
    """The folder of the shipped Turtle files.

    An installed wheel carries them as ``kg/ontology``; a source checkout (and an editable
    install) has them beside the package, at the top of the repository.
    """
    installed = _PACKAGE / "ontology"
    return installed if installed.is_dir() else _PACKAGE.parent / "ontology"


def extensions_dir() -> Path:
    """The folder of extension files loaded on top of the shipped ontology.

    ``KG_EXTENSIONS_DIR`` names another folder instead (the tests use it so that they never
    write into the real ``ontology/extensions/``). An installed package keeps them in the
    user's data folder, so that ``kg add`` never writes into site-packages.
    """
    override = os.environ.get("KG_EXTENSIONS_DIR", "").strip()
    if override:
        return Path(override)
    if ontology_dir().parent == _PACKAGE:
        return data_dir() / "extensions"
    return ontology_dir() / "extensions"


def imports_dir() -> Path:
    """The folder of imported data (``kg import``), in the user's data folder."""
    return data_dir() / "imports"


def imported_files() -> list[Path]:
    """The imports (N-Triples files written by ``kg import``), in name order."""
    return sorted(imports_dir().glob("*.nt"))


def _expand(path: Path) -> list[Path]:
    if not str(path).strip():
        raise BadData("an empty path was given to --data or KG_DATA (give a Turtle file or a folder)")
    path = Path(path)
    try:
        path.lstat()
    except FileNotFoundError:
        pass
    except OSError as error:  # a name too long, a folder that cannot be searched
        raise BadData(f"{str(path)[:200]}: cannot read: {error.strerror or error} (check the path given to --data or KG_DATA)") from None
    if path.is_dir():
        return sorted(path.glob("*.ttl"))
    if not path.exists() and not path.is_symlink():
        raise BadData(f"{path}: no such file or directory (check the path given to --data or KG_DATA)")
    return [path]


def _readable(path: Path) -> Path:
    """``path`` itself when it is a regular file (or a link to one); otherwise one line saying what it is."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise BadData(f"{path}: a broken symbolic link (to {os.readlink(path)}); fix or remove it") from None
        raise BadData(f"{path}: no such file (check the path)") from None
    except OSError as error:
        raise BadData(f"{path}: cannot read: {error.strerror or error}") from None
    if stat.S_ISREG(mode):
        return path
    what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
    raise BadData(f"{path}: {what}, not a Turtle file (rename or move it out of the way)")


def data_files(extra: tuple[Path, ...] | list[Path] = (), *, env: str | None = None) -> list[Path]:
    """Every Turtle file the graph is made of, in load order, each once.

    ``env`` defaults to the ``KG_DATA`` environment variable.

    >>> [p.name for p in data_files()][:3]
    ['curated.ttl', 'schema.ttl', 'sources.ttl']
    """
    files = sorted(ontology_dir().glob("*.ttl")) + sorted(extensions_dir().glob("*.ttl")) + imported_files()
    files += env_files(env)
    for path in extra:
        files += _expand(path)
    unique: dict[Path, None] = {}
    for path in files:
        unique.setdefault(_readable(path).resolve(), None)
    return list(unique)


def env_files(env: str | None = None) -> list[Path]:
    """The files ``KG_DATA`` (or ``env``) names, its folders expanded to their ``*.ttl`` files."""
    env = os.environ.get("KG_DATA", "") if env is None else env
    return [file for part in env.split(os.pathsep) if part.strip() for file in _expand(Path(part))]


def parse_into(graph: "Graph", path: Path) -> None:
    """Parse the Turtle or N-Triples file ``path`` into ``graph``; a bad file is one :class:`BadData` line."""
    try:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    except OSError as error:
        raise BadData(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise BadData(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except Exception as error:  # rdflib raises BadSyntax and plain Exceptions alike
        line = getattr(error, "lines", None)
        why = getattr(error, "_why", None) or str(error).splitlines()[0]
        where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
        raise BadData(f"{where}: invalid Turtle: {why} (fix the file at that line)") from None


def parse_files(files: list[Path]) -> "Graph":
    """Parse ``files`` into one rdflib Graph with the project's prefixes bound.

    Raises :class:`~kg.errors.BadData` naming the file and line of the first error.
    """
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, str(namespace), override=True)
    for path in files:
        parse_into(graph, path)
    return graph
