"""Talking to SPARQL servers over loopback: failures are one line, `kg push` and `kg serve` work.

The servers are real: the `oxigraph` binary (read-only and writable), and for the failures
a real server can be coaxed into (slow, 500, not SPARQL) a small HTTP server on 127.0.0.1.
"""

import http.server
import json
import os
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest

from conftest import KG, ROOT, kg_json, run_kg
from oxigraph_server import free_port, oxigraph_server, wait_until_up


def one_line_error(result):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr
    return lines[0]


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """Answers by path: /slow never in time, /fail with 500, /html with a web page."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = urllib.parse.urlsplit(self.path).path
        if path == "/slow":
            time.sleep(3)
            body, status, kind = b"{}", 200, "application/sparql-results+json"
        elif path == "/fail":
            body, status, kind = b"the store is on fire", 500, "text/plain"
        elif path == "/garbled":
            body, status, kind = b"{not json", 200, "application/sparql-results+json"
        else:
            body, status, kind = b"<html><body>Welcome!</body></html>", 200, "text/html"
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first, as it should
            pass

    do_PUT = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def misbehaving():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A read-only Oxigraph server holding the shipped graph."""
    folder = tmp_path_factory.mktemp("served")
    data = folder / "graph.nt"
    assert run_kg("export", data, "--format", "nt", "--backend", "memory").returncode == 0
    with oxigraph_server(folder / "store", data=data) as base:
        yield base


def test_refused_connection_is_one_line():
    url = f"http://127.0.0.1:{free_port()}/query"
    line = one_line_error(run_kg("symptoms", "fibromyalgia", "--endpoint", url))
    assert url in line and "cannot reach" in line


def test_timeout_bounds_the_request(misbehaving):
    started = time.monotonic()
    line = one_line_error(run_kg("stats", "--endpoint", f"{misbehaving}/slow", "--timeout", "0.5"))
    # The request's own deadline or the command's supervisor (which names the query) may
    # speak first: both say the time ran out and how to give more.
    assert ("no answer within 0.5 s" in line or "ran out of time after 0.5 s" in line) and "--timeout" in line
    assert time.monotonic() - started < 3  # given up before the server answered


def test_server_error_is_one_line(misbehaving):
    line = one_line_error(run_kg("stats", "--endpoint", f"{misbehaving}/fail"))
    assert "HTTP 500" in line and "on fire" in line


def test_client_error_from_a_real_server_is_one_line(served):
    line = one_line_error(run_kg("stats", "--endpoint", f"{served}/no-such-path"))
    assert "HTTP 404" in line


@pytest.mark.parametrize("path", ["/html", "/garbled"])
def test_a_reply_that_is_not_sparql_is_one_line(misbehaving, path):
    line = one_line_error(run_kg("stats", "--endpoint", f"{misbehaving}{path}"))
    assert "not a SPARQL result" in line


def test_endpoint_answers_like_the_files(served):
    assert kg_json("shared", "fibromyalgia", "vitamin B12 deficiency", "--endpoint", f"{served}/query") == \
        kg_json("shared", "fibromyalgia", "vitamin B12 deficiency", "--backend", "memory")


def test_data_files_cannot_be_added_to_an_endpoint(served, tmp_path):
    extra = tmp_path / "x.ttl"
    extra.write_text("")
    line = one_line_error(run_kg("stats", "--endpoint", f"{served}/query", "--data", extra))
    assert "kg push" in line


def test_push_uploads_the_graph_through_the_graph_store_protocol(tmp_path):
    with oxigraph_server(tmp_path / "store", writable=True) as base:
        for _ in range(2):  # pushing twice replaces: no duplicates
            pushed = run_kg("push", f"{base}/store", "--format", "json")
            assert pushed.returncode == 0, pushed.stderr
        summary = json.loads(pushed.stdout)
        local = kg_json("stats", "--backend", "memory")
        remote = kg_json("stats", "--endpoint", f"{base}/query")
        assert remote == local
        count = urllib.request.urlopen(
            f"{base}/query?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}), timeout=10,
        )
        assert int(json.load(count)["results"]["bindings"][0]["n"]["value"]) == summary["triples"]


def test_push_to_a_failing_server_is_one_line(misbehaving):
    line = one_line_error(run_kg("push", f"{misbehaving}/fail"))
    assert "HTTP 500" in line


def test_serve_answers_sparql_over_http(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    process = subprocess.Popen([KG, "serve", "--port", str(port), "--format", "json"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D", process)
        query = "SELECT ?label WHERE { <https://w3id.org/fibro-b12/kg#fibromyalgia> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
        request = urllib.request.Request(f"{base}/query?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            rows = json.load(response)["results"]["bindings"]
        assert [row["label"]["value"] for row in rows] == ["fibromyalgia"]
        # Read-only: an update is refused.
        update = urllib.request.Request(f"{base}/update", data=b"update=DROP%20ALL", method="POST",
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(update, timeout=10)
        # And kg itself can read it back as an endpoint.
        assert kg_json("symptoms", "fibromyalgia", "--endpoint", f"{base}/query") == kg_json("symptoms", "fibromyalgia")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert json.loads(process.stdout.read())["query"] == f"{base}/query"


# ---------------------------------------------------------------------- Virtuoso
def test_push_to_virtuoso_needs_its_password_and_then_works(virtuoso):
    from virtuoso_server import PASSWORD, USER

    store = f"{virtuoso}/sparql-graph-crud-auth"
    line = one_line_error(run_kg("push", store, "--graph", "urn:kg:pushed"))
    assert "asks for a user name and password" in line and "KG_USER" in line
    wrong = one_line_error(run_kg("push", store.replace("://", f"://{USER}:not-{PASSWORD}@"), "--graph", "urn:kg:pushed"))
    assert "refused the user name and password" in wrong and f"not-{PASSWORD}" not in wrong
    for _ in range(2):  # PUT replaces the named graph: pushing twice leaves no duplicates
        pushed = run_kg("push", store, "--graph", "urn:kg:pushed", "--format", "json",
                        env={"KG_USER": USER, "KG_PASSWORD": PASSWORD})
        assert pushed.returncode == 0, pushed.stderr
    assert PASSWORD not in pushed.stdout + pushed.stderr
    read = f"{virtuoso}/sparql?default-graph-uri=urn:kg:pushed"
    assert kg_json("stats", "--endpoint", read) == kg_json("stats", "--backend", "memory")
    assert kg_json("symptoms", "fibromyalgia", "--endpoint", read) == kg_json("symptoms", "fibromyalgia", "--backend", "memory")


def test_push_to_virtuoso_default_graph_says_why_not(virtuoso):
    from virtuoso_server import PASSWORD, USER

    line = one_line_error(run_kg("push", f"{virtuoso}/sparql-graph-crud-auth", env={"KG_USER": USER, "KG_PASSWORD": PASSWORD}))
    assert "HTTP 500" in line and "default graph" in line
