"""Every command against a corpus of hostile input: files, arguments and environments.

One parametrised test runs the real `kg` on each case and asserts what docs/errors.md
promises: no traceback, a non-zero exit, one line on standard error, and every file on
disk (the shipped ontology, the corpus, the case's folders) byte-identical afterwards.
The corpus files are in tests/data/bad/ (its README says what each is); what git cannot
hold (a FIFO, a folder named x.ttl, read-only and full disks) is made here.
"""

import hashlib
import os
import socket
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import KG, ROOT

BAD = ROOT / "tests" / "data" / "bad"
SELECT = "SELECT ?s WHERE { ?s ?p ?v } LIMIT 1"


@dataclass
class World:
    """The temporary places a case may name; mounts are None where they could not be made."""

    tmp: Path
    out: Path
    extensions: Path
    with_folder: Path
    with_fifo: Path
    with_dangling: Path
    fifo: Path
    home_file: Path
    busy_port: int
    closed_port: int
    readonly: Path | None = None
    full: Path | None = None


def _mount(target: Path, options: str) -> Path | None:
    target.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
    return target if done.returncode == 0 else None


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    for name in ("with-folder", "with-fifo", "with-dangling", "extensions", "out"):
        (tmp / name).mkdir()
    (tmp / "with-folder" / "x.ttl").mkdir()
    os.mkfifo(tmp / "with-fifo" / "f.ttl")
    (tmp / "with-dangling" / "gone.ttl").symlink_to(tmp / "nowhere.ttl")
    os.mkfifo(tmp / "nobody-reads")
    (tmp / "home-file").write_text("KG_HOME should be a folder\n")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    w = World(tmp, tmp / "out" / "graph.ttl", tmp / "extensions", tmp / "with-folder", tmp / "with-fifo",
              tmp / "with-dangling", tmp / "nobody-reads", tmp / "home-file", busy.getsockname()[1], closed_port)
    w.readonly = _mount(tmp / "readonly", "ro,size=1m")
    w.full = _mount(tmp / "full", "size=64k")
    yield w
    busy.close()
    for mount in (w.readonly, w.full):
        if mount is not None:
            subprocess.run(["umount", str(mount)], check=False)


@dataclass
class Case:
    id: str
    argv: object  # World -> list of arguments
    env: object = None  # World -> dict of environment variables
    stdout: str | None = None  # a path standard output is sent to, instead of a pipe
    needs: str | None = None  # "readonly" / "full": the mount this case needs
    codes: tuple = (1,)
    expect: str = ""  # words the one line must hold
    extra: dict = field(default_factory=dict)


# Every command a bad --data file reaches, as it would be typed.
COMMANDS = {
    "search": ["search", "fatigue"],
    "show": ["show", "fatigue"],
    "symptoms": ["symptoms", "fibromyalgia"],
    "shared": ["shared", "fibromyalgia", "B12 deficiency"],
    "paths": ["paths", "fibromyalgia", "B12 deficiency"],
    "foods": ["foods", "B12"],
    "misdiagnosis": ["misdiagnosis", "B12 deficiency"],
    "tests": ["tests", "fibromyalgia"],
    "differential": ["differential", "fatigue", "tingling"],
    "compare": ["compare", "fibromyalgia", "B12 deficiency"],
    "stats": ["stats"],
    "sources": ["sources"],
    "export": ["export", "{out}"],
    "query": ["query", SELECT],
    "validate": ["validate"],
    "add": ["add", "condition", "hostile test condition"],
    "remove": ["remove", "entity", "fatigue"],
    "push": ["push", "http://127.0.0.1:{closed_port}/store"],
    "serve": ["serve", "--port", "{closed_port}"],
    "import": ["import", "hpo"],
}

BAD_DATA = {
    "malformed.ttl": "invalid Turtle",
    "undefined-prefix.ttl": "not bound",
    "not-utf8.ttl": "not UTF-8",
    "binary.ttl": "not UTF-8",
}


def _fill(argv, w: World) -> list[str]:
    values = {k: str(v) for k, v in vars(w).items()} | {"bad": str(BAD), "root": str(ROOT)}
    return [a.format(**values) if "{" in a and not a.startswith("SELECT") else a for a in argv]


def _data_cases():
    for file, words in BAD_DATA.items():
        # Every command meets one bad file; the other files go through the two readers (store, validate).
        commands = COMMANDS if file == "malformed.ttl" else {k: COMMANDS[k] for k in ("stats", "validate")}
        for name, argv in commands.items():
            yield Case(f"{name}--data-{file}", lambda w, argv=argv, file=file: [*_fill(argv, w), "--data", str(BAD / file)],
                       expect="" if name == "validate" else words)


def _q(file, *more, words=""):
    return Case(f"query-file-{file}", lambda w: ["query", "--file", str(BAD / file), *more], expect=words)


CASES = [
    *_data_cases(),
    # Files written where they should not be, or cannot be.
    Case("export-to-dev-full", lambda w: ["export", "--format", "ttl", "/dev/full"], expect="disk is full"),
    Case("export-to-empty-name", lambda w: ["export", ""], expect="no file name"),
    Case("export-to-a-folder", lambda w: ["export", str(w.tmp / "out")], expect="is a folder"),
    Case("export-to-a-fifo-nobody-reads", lambda w: ["export", str(w.fifo)], expect="nothing reads"),
    Case("export-to-missing-folder", lambda w: ["export", str(w.tmp / "missing" / "g.ttl")], expect="does not exist"),
    Case("export-into-read-only-folder", lambda w: ["export", str(w.readonly / "g.ttl")], needs="readonly", expect="Read-only"),
    Case("export-onto-full-disk", lambda w: ["export", str(w.full / "g.ttl")], needs="full", expect="disk is full"),
    Case("kgx-to-empty-name", lambda w: ["export", "--format", "kgx", ""], expect="folder"),
    Case("kgx-onto-a-file", lambda w: ["export", "--format", "kgx", str(BAD / "malformed.ttl")], expect="is a file"),
    Case("kgx-into-read-only-folder", lambda w: ["export", "--format", "kgx", str(w.readonly / "kgx")], needs="readonly",
         expect="Read-only"),
    Case("kgx-onto-full-disk", lambda w: ["export", "--format", "kgx", str(w.full / "kgx")], needs="full", expect="kgx"),
    *(Case(f"stdout-full-{fmt}", lambda w, fmt=fmt: ["search", "fatigue", "--format", fmt], stdout="/dev/full",
           expect="standard output") for fmt in ("table", "json", "csv")),
    Case("stdout-full-export", lambda w: ["export", "-"], stdout="/dev/full", expect="standard output"),
    # SPARQL.
    Case("param-invalid-iri", lambda w: ["query", SELECT, "--param", "v=<script>alert(1)</script>"], expect="parameter v"),
    Case("param-ill-typed", lambda w: ["query", SELECT, "--param", 'v="a"^^xsd:integer'], expect="parameter v"),
    Case("param-bad-n3", lambda w: ["query", SELECT, "--param", 'v="unterminated'], expect="parameter v"),
    Case("query-empty", lambda w: ["query", ""], expect="empty query"),
    _q("not-utf8.rq", words="not UTF-8"),
    _q("empty.rq", words="empty query"),
    _q("update.rq", words="updates are refused"),
    _q("service.rq", words="SERVICE"),
    _q("unknown-function.rq", words="unknown function"),
    _q("syntax-error.rq", words="syntax error"),
    _q("construct.rq", "--format", "csv", words="not rows"),
    Case("query-graph-on-memory", lambda w: ["query", "--backend", "memory", "--file", str(BAD / "graph-clause.rq")],
         expect="named graphs"),
    # --data that is not Turtle.
    Case("data-empty-path", lambda w: ["stats", "--data", ""], expect="empty path"),
    Case("data-folder-named-ttl", lambda w: ["stats", "--data", str(w.with_folder)], expect="x.ttl"),
    Case("data-fifo-named-ttl", lambda w: ["stats", "--data", str(w.with_fifo)], expect="f.ttl"),
    Case("data-dangling-link", lambda w: ["stats", "--data", str(w.with_dangling)], expect="gone.ttl"),
    Case("kg-data-dangling-link", lambda w: ["stats"], env=lambda w: {"KG_DATA": str(w.with_dangling)}, expect="gone.ttl"),
    # Servers.
    Case("push-not-a-url", lambda w: ["push", "notaurl"], expect="not an http"),
    Case("push-nothing-listens", lambda w: ["push", f"http://127.0.0.1:{w.closed_port}/store"], expect="cannot reach"),
    Case("serve-bad-host", lambda w: ["serve", "--host", "256.1.1.1"], expect="--host"),
    Case("serve-port-in-use", lambda w: ["serve", "--port", str(w.busy_port)], expect="in use"),
    Case("endpoint-nothing-listens", lambda w: ["stats", "--endpoint", f"http://127.0.0.1:{w.closed_port}/query"],
         expect="cannot reach"),
    Case("endpoint-not-a-backend", lambda w: ["stats", "--backend", "sqlite"], expect="unknown backend"),
    # kg add and kg remove.
    Case("add-into-shipped-folder", lambda w: ["add", "condition", "x", "--to", str(ROOT / "ontology" / "new.ttl")],
         expect="shipped"),
    Case("add-over-shipped-file", lambda w: ["add", "condition", "x", "--to", str(ROOT / "ontology" / "curated.ttl")],
         expect="shipped"),
    Case("add-id-differs-in-case", lambda w: ["add", "symptom", "x", "--id", "FB:Fatigue"], expect="case"),
    Case("add-abstract-relation", lambda w: ["add", "relation", "fibromyalgia", "causal or mechanistic relation", "fatigue",
                                             "--source", "article", "--status", "supported"], expect="has symptom"),
    Case("add-top-relation", lambda w: ["add", "relation", "fibromyalgia", "fb:relation", "fatigue",
                                        "--source", "article", "--status", "supported"], expect="groups other relations"),
    Case("add-label-newline", lambda w: ["add", "symptom", "line\nbreak"], expect="control character"),
    Case("add-label-punctuation", lambda w: ["add", "symptom", "!!!"], expect="--id"),
    Case("add-label-100kb", lambda w: ["add", "symptom", "x" * 100_000], expect="limit"),
    Case("add-unknown-hpo-term", lambda w: ["add", "condition", "x", "--match", "HP:9999999"], expect="HP:9999999"),
    Case("add-claim-without-source", lambda w: ["add", "relation", "fibromyalgia", "has symptom", "tingling",
                                                "--status", "supported"], expect="needs a source"),
    Case("remove-shipped-entity", lambda w: ["remove", "entity", "fatigue"], expect="shipped"),
    Case("add-into-read-only-folder", lambda w: ["add", "condition", "x", "--to", str(w.readonly / "x.ttl")],
         needs="readonly", expect="Read-only"),
    Case("add-with-read-only-extensions", lambda w: ["add", "condition", "x"],
         env=lambda w: {"KG_EXTENSIONS_DIR": str(w.readonly / "extensions")}, needs="readonly", expect="Read-only"),
    Case("add-to-a-folder", lambda w: ["add", "condition", "x", "--to", str(w.tmp / "out")], expect="not a regular file"),
    # Kinds and names.
    Case("compare-with-a-symptom", lambda w: ["compare", "fibromyalgia", "fatigue"], expect="not a condition"),
    Case("shared-with-a-nutrient", lambda w: ["shared", "fibromyalgia", "B12"], expect="not a condition"),
    Case("differential-with-a-condition", lambda w: ["differential", "fibromyalgia"], expect="not a symptom"),
    Case("unknown-entity", lambda w: ["show", "fibromyalga"], codes=(2,), expect="did you mean"),
    Case("validate-a-folder", lambda w: ["validate", str(w.tmp)], codes=(2,), expect="a folder"),
    Case("validate-dev-null", lambda w: ["validate", "/dev/null"], codes=(2,), expect="not a regular file"),
    # Environments.
    Case("kg-home-is-a-file", lambda w: ["stats"], env=lambda w: {"KG_HOME": str(w.home_file)}, expect="KG_HOME"),
    Case("kg-home-read-only", lambda w: ["stats"], env=lambda w: {"KG_HOME": str(w.readonly)}, needs="readonly",
         expect="Read-only"),
    Case("home-read-only", lambda w: ["stats"], env=lambda w: {"KG_HOME": "", "HOME": str(w.readonly), "XDG_CACHE_HOME": "",
                                                               "XDG_DATA_HOME": ""}, needs="readonly", expect="Read-only"),
    Case("kg-home-on-full-disk", lambda w: ["shared", "fibromyalgia", "B12 deficiency"], env=lambda w: {"KG_HOME": str(w.full)},
         needs="full", expect="No space left"),
]


def _snapshot(*roots: Path) -> dict[str, str]:
    """Every file under ``roots`` by path: its SHA-256, or what it is when it is not a regular file.

    The store cache (``cache/`` folders) is derived data and may be written by any command;
    the empty lock file a refused ``kg add`` leaves beside an extension file holds nothing.
    """
    found = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "cache"]
            for name in filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
                path = Path(dirpath, name)
                mode = path.lstat().st_mode
                if name.endswith(".lock") and stat.S_ISREG(mode) and path.stat().st_size == 0:
                    continue
                if stat.S_ISREG(mode):
                    found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
                elif stat.S_ISLNK(mode):
                    found[str(path)] = f"link to {os.readlink(path)}"
                else:
                    found[str(path)] = f"mode {stat.S_IFMT(mode):o}"
            for name in dirnames:
                found[str(Path(dirpath, name)) + "/"] = "folder"
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_one_line_and_changes_nothing(case, world):
    if case.needs and getattr(world, case.needs) is None:
        pytest.skip(f"needs a {case.needs} tmpfs mount, which only root can make")
    argv = case.argv(world)
    env = {k: v for k, v in os.environ.items() if k != "KG_DATA"}
    env.update({"KG_EXTENSIONS_DIR": str(world.extensions), "COLUMNS": "200"})
    env.update(case.env(world) if case.env else {})
    env = {k: v for k, v in env.items() if v != ""}
    roots = [ROOT / "ontology", BAD, world.tmp]
    before = _snapshot(*roots)
    with open(case.stdout or os.devnull, "w") as sink:
        result = subprocess.run([KG, *argv], stdout=sink if case.stdout else subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env, cwd=world.tmp, timeout=120)
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr, result.stderr
    assert result.returncode in case.codes, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    if argv[0] == "validate" and "--data" in argv:
        assert "problem" in line  # the summary; the problems themselves are on standard output
    else:
        assert line.startswith("kg: error: "), line
    assert case.expect in line, line
    assert len(line) <= 1000, f"{len(line)} characters"  # a 100 KB label is never echoed whole
    assert _snapshot(*roots) == before
