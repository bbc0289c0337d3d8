"""Shared test helpers: run the real `kg` console script, and the graph as the library loads it."""

import json
import os
import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kg import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).with_name("kg"))

# Tests see the shipped graph only: a user's imports (in their data folder) must not leak
# in, and the Oxigraph cache they build is the tests' own. Set before anything loads a graph.
os.environ["KG_HOME"] = tempfile.mkdtemp(prefix="kg-tests-")
atexit.register(shutil.rmtree, os.environ["KG_HOME"], ignore_errors=True)

# Entities the tests talk about, by id.
FIBROMYALGIA = "fb:fibromyalgia"
B12_DEFICIENCY = "fb:vitamin-b12-deficiency"
VITAMIN_B12 = "fb:vitamin-b12"
ARTICLE = "src:article"


def run_kg(*args, env=None, cwd=None, input=None) -> subprocess.CompletedProcess:
    """Run the installed `kg` command as a user would, without KG_DATA leaking in."""
    environment = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    environment.update(env or {})
    environment.setdefault("COLUMNS", "200")
    return subprocess.run(
        [KG, *map(str, args)], capture_output=True, text=True, env=environment, cwd=cwd or ROOT,
        input=input, timeout=120,
    )


def kg_json(*args, **kwargs):
    """Run `kg ... --format json`, assert it succeeded, and return the parsed JSON."""
    result = run_kg(*args, "--format", "json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def g() -> KnowledgeGraph:
    return KnowledgeGraph.load(env="")


HPO_DATA = ROOT / "tests" / "data" / "hpo"


@pytest.fixture(scope="session")
def hpo_excerpt(tmp_path_factory) -> Path:
    """The HPO excerpt of tests/data/hpo as `kg import hpo` writes it: an N-Triples file to pass with --data."""
    home = tmp_path_factory.mktemp("hpo-excerpt")
    result = run_kg("import", "hpo", "--obo", HPO_DATA / "hp.obo", "--hpoa", HPO_DATA / "phenotype.hpoa",
                    env={"KG_HOME": str(home), "KG_BACKEND": "memory"})
    assert result.returncode == 0, result.stderr
    return home / "data" / "imports" / "hpo.nt"


@pytest.fixture(scope="session")
def served_graph(hpo_excerpt, tmp_path_factory) -> Path:
    """The shipped graph plus the HPO excerpt as one N-Triples file: what the test servers serve."""
    path = tmp_path_factory.mktemp("served") / "graph.nt"
    path.write_bytes(KnowledgeGraph.load([hpo_excerpt], env="", backend="memory").backend.ntriples())
    return path


@pytest.fixture(scope="session")
def virtuoso(served_graph, tmp_path_factory) -> str:
    """A Virtuoso 7 server on loopback holding :func:`served_graph` in the named graph
    ``virtuoso_server.GRAPH``; its base URL. Skips without Virtuoso (fails under CI=true)."""
    from virtuoso_server import virtuoso_server

    with virtuoso_server(tmp_path_factory.mktemp("virtuoso"), data=served_graph) as base:
        yield base

