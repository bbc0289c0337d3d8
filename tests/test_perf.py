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
