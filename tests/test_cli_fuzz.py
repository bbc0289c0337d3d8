"""Random argument lists through the `kg` entry point: never a traceback, always a documented exit status.

Hypothesis builds command lines from the real commands, their options, hostile values and
random text, and runs them in-process through :func:`kg.cli.main` (as the console script
does, minus a new process each time). `kg serve` (it would keep serving) and `kg import`
(it would import the whole HPO) are left out; tests/test_hostile.py runs both with bad input.
"""

import contextlib
import io
import re
import sys
from datetime import timedelta
from enum import Enum

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from kg.cli import app, main

#: The exit statuses docs/errors.md documents, read from its table.
DOCUMENTED = {int(code) for code in re.findall(r"^\| (\d+) \|", (ROOT / "docs" / "errors.md").read_text(), re.MULTILINE)}

CLICK = typer.main.get_command(app)
COMMANDS = sorted(set(CLICK.commands) - {"serve", "import"})
VALUES = [
    "", " ", "-", ".", "..", "/", "/dev/null", "/dev/full", "/nonexistent/x.ttl", "json", "csv", "table", "ttl", "html",
    "memory", "oxigraph", "sqlite", "http://127.0.0.1:9/query", "notaurl", "0", "-1", "99999999999999999999", "1e308",
    "nan", "fibromyalgia", "B12 deficiency", "fatigue", "fb:fibromyalgia", "FB:Fatigue", "HP:0012378", "HP:9999999",
    "http://purl.obolibrary.org/obo/HP_0012378", "has symptom", "causal or mechanistic relation", "supported", "any",
    "article", "Hauser2015", "日本語", "!!!", "line\nbreak", "tab\there", "\x00", "<script>alert(1)</script>",
    "' OR 1=1 --", "x=<script>", 'v="a"^^xsd:integer', "v=fb:fibromyalgia", "SELECT * WHERE { ?s ?p ?o } LIMIT 2",
    "ASK {}", "DROP ALL", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "symptoms_of_condition", "x" * 5000,
    str(ROOT / "tests" / "data" / "bad" / "malformed.ttl"), str(ROOT / "tests" / "data" / "bad" / "not-utf8.rq"),
    str(ROOT / "ontology" / "curated.ttl"), str(ROOT / "ontology" / "new.ttl"), "out.html", "out.ttl",
]
VALUE = st.one_of(st.sampled_from(VALUES), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))


def _choices(param) -> list[str] | None:
    """The values an enum-typed argument or option takes (typer keeps its annotation)."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return [member.value for member in candidate]
    return getattr(getattr(param, "type", None), "choices", None)


@st.composite
def command_lines(draw) -> list[str]:
    """A command, positional values for its arguments, some of its own options (with values), maybe a stray token."""
    name = draw(st.sampled_from(COMMANDS))
    command = CLICK.commands[name]
    argv = [name]
    for param in command.params:
        if param.param_type_name == "argument":
            count = param.nargs if param.nargs > 0 else draw(st.integers(1, 4))
            choices = _choices(param)
            argv += [draw(st.sampled_from(choices) if choices and draw(st.booleans()) else VALUE) for _ in range(count)]
        elif draw(st.integers(0, 3)) == 0:
            argv.append(draw(st.sampled_from(param.opts)))
            if not param.is_flag:
                choices = _choices(param)
                for _ in range(param.nargs):
                    argv.append(draw(st.sampled_from(choices) if choices and draw(st.booleans()) else VALUE))
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(1, len(argv))), draw(VALUE))
    return argv


ARGV = command_lines()


def run_main(argv: list[str]) -> tuple[int, str]:
    """Run `kg ARGV` in-process; return its exit status and what it wrote on standard error."""
    out, err = io.StringIO(), io.StringIO()
    old_argv = sys.argv
    sys.argv = ["kg", *argv]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = old_argv
    return code, err.getvalue()


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Files the commands write land in a folder of the test's own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KG_EXTENSIONS_DIR", str(tmp_path / "extensions"))
    monkeypatch.delenv("KG_DATA", raising=False)
    monkeypatch.setenv("KG_TIMEOUT", "2")
    return tmp_path


def test_the_documented_statuses_are_read():
    assert {0, 1, 2} <= DOCUMENTED


@settings(max_examples=200, deadline=timedelta(seconds=30), suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                                     HealthCheck.too_slow])
@given(argv=ARGV)
def test_random_command_lines_never_trace_back(sandbox, argv):
    """A command line of random (often hostile) values: a documented status, never a traceback."""
    code, stderr = run_main(argv)
    assert "Traceback" not in stderr, (argv, stderr)
    assert code in DOCUMENTED, (argv, code, stderr)
    if code == 1 and stderr.startswith("kg: error: "):
        assert len(stderr.strip().splitlines()) == 1, (argv, stderr)
