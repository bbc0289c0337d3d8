"""What keeps kg usable on a large graph: streaming exports, bounded walks, stoppable queries.

No timing assertions: each test checks the behaviour a fast path must keep (the same
answer as the reference, the one-line message, the exit status), in real processes.
"""

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import run_kg


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_streamed_export_is_the_graph_the_memory_backend_writes(tmp_path, fmt, rdflib_format):
    out, ref = tmp_path / f"graph.{fmt}", tmp_path / f"ref.{fmt}"
    written = run_kg("export", out, "--format", fmt)
    assert written.returncode == 0, written.stderr
    assert f"wrote {out} ({fmt}, {out.stat().st_size:,} bytes)" in written.stderr
    assert run_kg("export", ref, "--format", fmt, "--backend", "memory").returncode == 0
    assert isomorphic(Graph().parse(out, format=rdflib_format), Graph().parse(ref, format=rdflib_format))


def test_streamed_export_to_stdout_and_no_temporary_file_left(tmp_path):
    result = run_kg("export", "-", "--format", "ttl", cwd=tmp_path)
    assert result.returncode == 0 and "@prefix fb: <https://w3id.org/fibro-b12/kg#> ." in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_old_file(tmp_path):
    out = tmp_path / "graph.ttl"
    out.write_text("old", encoding="utf-8")
    result = run_kg("export", out, "--format", "ttl", "--focus", "fibromyalgia")
    assert result.returncode != 0 and out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


# ---------------------------------------------------------------------- stoppable queries
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # billions of rows on the shipped graph
RUNAWAY_FILE = "tests/data/runaway.rq"


def start_kg(*args, env=None):
    import os
    import subprocess

    from conftest import KG, ROOT

    environment = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    environment.update(env or {})
    return subprocess.Popen([KG, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment, cwd=ROOT)


def test_ctrl_c_stops_a_runaway_local_query_with_one_line():
    import signal
    import time

    process = start_kg("query", RUNAWAY, env={"KG_MAX_MEMORY": "100000"})
    time.sleep(4)  # well into the query (a cold start takes about a second)
    assert process.poll() is None, process.stderr.read()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert err == "kg: interrupted\n"


def test_timeout_applies_to_local_queries_and_names_the_query():
    result = run_kg("query", RUNAWAY, "--timeout", "1")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["kg: error: the query ran out of time after 1 s (raise --timeout, or ask a narrower question)"]
    on_rdflib = run_kg("query", "--file", RUNAWAY_FILE, "--timeout", "1", "--backend", "memory")
    assert on_rdflib.returncode == 1
    assert on_rdflib.stderr.splitlines() == [
        f"kg: error: query {RUNAWAY_FILE} ran out of time after 1 s (raise --timeout, or ask a narrower question)"]


def test_a_query_that_eats_memory_is_stopped_with_one_line():
    result = run_kg("query", "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a LIMIT 1",
                    env={"KG_MAX_MEMORY": "400"})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "kg: error: stopped while running the query: memory use passed 400 MB "
        "(ask a narrower question, or raise KG_MAX_MEMORY, in MB)"]
