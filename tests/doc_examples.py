"""The console examples of the docs, run for real: parse them, run them, compare or rewrite.

An example is a fenced block whose lines start with ``$ `` (a command, continued while a line
ends in a backslash) followed by the output it shows. Only commands that show output are run;
those of one document run in order in one scratch folder (so `kg add` in one block is seen by
`kg shared` in the next) with an empty ``KG_HOME`` and extensions folder, ``COLUMNS=100``, and
the files in tests/data/docs/ copied in; paths inside that folder show relative to it, as
they would from a checkout. A line ``...`` in the shown output stands for lines
left out. A block preceded by ``<!-- output varies: WHY -->`` is run but not compared.

    python tests/doc_examples.py --write README.md docs/extending.md

rewrites the shown output of each example without ``...`` from a real run.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "docs/extending.md", "docs/reasoning.md", "docs/explorer.md")
FIXTURES = ROOT / "tests" / "data" / "docs"
WIDTH = "100"

_FENCE = re.compile(r"^```(console)?\s*$")
_VARIES = "<!-- output varies:"
_RULES = re.compile(r"[━─═]+")


@dataclass
class Example:
    doc: str
    line: int  # where the command starts (1-based)
    command: str  # as shown, continuation lines included
    shown: list[str]  # the output lines shown (may contain "...")
    compared: bool
    span: tuple[int, int]  # the output's line range [start, end) in the document


def examples(doc: str) -> list[Example]:
    """The commands of ``doc`` that show their output, in document order."""
    lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        if not _FENCE.match(lines[i]) or not (i + 1 < len(lines) and lines[i + 1].startswith("$ ")):
            i += 1
            continue
        compared = not (i > 0 and any(lines[j].startswith(_VARIES) for j in range(max(0, i - 2), i)))
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            start, command = i, [lines[i][2:]]
            while command[-1].endswith("\\") and i + 1 < len(lines):
                i += 1
                command.append(lines[i])
            i += 1
            out_start = i
            while i < len(lines) and not lines[i].startswith("$ ") and not lines[i].startswith("```"):
                i += 1
            end = i
            while end > out_start and not lines[end - 1].strip():
                end -= 1  # a blank line before the next command is layout, not output
            shown = lines[out_start:end]
            if shown:
                found.append(Example(doc, start + 1, "\n".join(command), shown, compared, (out_start, end)))
        i += 1
    return found


class Session:
    """One document's scratch folder and environment; runs its commands in order."""

    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="kg-doc-examples-"))
        if FIXTURES.is_dir():
            shutil.copytree(FIXTURES, self.work, dirs_exist_ok=True)
        (self.work / "ontology" / "extensions").mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k not in ("KG_DATA", "KG_BACKEND", "NO_COLOR", "FORCE_COLOR")}
        self.env.update(
            KG_HOME=str(self.work / ".kg-home"), KG_EXTENSIONS_DIR="ontology/extensions", COLUMNS=WIDTH,
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", TERM="dumb",
        )
        self.status = 0

    def run(self, command: str) -> list[str]:
        # `(exit N)` first, so that `echo $?` in an example sees the previous command's status.
        result = subprocess.run(
            ["bash", "-c", f"(exit {self.status}); {command}"], cwd=self.work, env=self.env,
            capture_output=True, text=True, timeout=300,
        )
        self.status = result.returncode
        text = result.stdout + result.stderr
        for folder in {str(self.work.resolve()), str(self.work)}:
            text = text.replace(folder + os.sep, "")  # the scratch folder stands for the checkout
        return text.rstrip("\n").splitlines()

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)


# The size of a written file changes with every change to the page's code: a size is a size.
_SIZE = re.compile(r"\b\d[\d,]* bytes\b")


def normalise(lines: list[str]) -> list[str]:
    """Compare text, not layout: runs of spaces and of table rules count as one, file sizes as any size."""
    kept = (" ".join(_SIZE.sub("N bytes", _RULES.sub("━", line)).split()) for line in lines)
    return [line for line in kept if line]


def mismatch(shown: list[str], actual: list[str]) -> str | None:
    """Why ``actual`` is not what ``shown`` shows (``...`` lines skip any lines), or None."""
    segments, current = [], []
    for line in shown:
        if line.strip() == "...":
            segments.append(current)
            current = []
        else:
            current.append(line)
    segments.append(current)
    got = normalise(actual)
    if len(segments) == 1:
        return None if normalise(segments[0]) == got else "\n".join(actual)
    at = 0
    for segment in map(normalise, segments):
        if not segment:
            continue
        for start in range(at, len(got) - len(segment) + 1):
            if got[start:start + len(segment)] == segment:
                at = start + len(segment)
                break
        else:
            return f"no run of these lines in the output: {segment[:3]} ...\n" + "\n".join(actual)
    return None


def write(doc: str) -> None:
    """Replace the shown output of each example of ``doc`` (those without ``...``) by a real run."""
    path = ROOT / doc
    lines = path.read_text(encoding="utf-8").splitlines()
    session = Session()
    try:
        outputs = [(example, session.run(example.command)) for example in examples(doc)]
    finally:
        session.close()
    for example, actual in reversed(outputs):
        if not example.compared:
            continue  # its output depends on the machine: rewritten by hand
        if any(line.strip() == "..." for line in example.shown):
            if mismatch(example.shown, actual):
                print(f"{doc}:{example.line}: elided example no longer matches; edit it by hand", file=sys.stderr)
            continue
        start, end = example.span
        lines[start:end] = [line.rstrip() for line in actual]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] != ["--write"] or len(sys.argv) < 3:
        sys.exit("usage: python tests/doc_examples.py --write DOC...")
    for name in sys.argv[2:]:
        write(name)
