"""Every command is documented: it has help text and the README shows it; and every console
example of the README and the docs shows what the command really prints (tests/doc_examples.py)."""

from pathlib import Path

import pytest
import typer.main

import doc_examples

from kg.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(typer.main.get_command(app).commands.items())


@pytest.mark.parametrize("name,command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_command_has_help(name, command):
    assert command.help and len(command.help.strip()) > 20


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_command_is_in_the_readme(name):
    assert f"kg {name}" in README, f"README.md does not show `kg {name}`"


def test_readme_has_the_two_quickstart_commands_and_a_disclaimer():
    assert "scripts/demo" in README and "scripts/test" in README
    assert "not medical advice" in README.lower()


@pytest.mark.parametrize("doc", doc_examples.DOCS)
def test_console_examples_show_real_output(doc):
    """Run each example of ``doc`` that shows output, in order, and compare (see doc_examples)."""
    found = doc_examples.examples(doc)
    assert found, f"{doc} shows no console example"
    session = doc_examples.Session()
    try:
        wrong = []
        for example in found:
            actual = session.run(example.command)
            if example.compared and (why := doc_examples.mismatch(example.shown, actual)):
                wrong.append(f"{doc}:{example.line}: $ {example.command}\n{why}")
    finally:
        session.close()
    assert not wrong, "output differs (python tests/doc_examples.py --write DOC rewrites it):\n\n" + "\n\n".join(wrong)


def test_a_changed_example_fails():
    """The comparison can fail: one changed word in a shown output is a mismatch."""
    [example] = [e for e in doc_examples.examples("README.md") if e.command.startswith("kg symptoms fibromyalga")]
    session = doc_examples.Session()
    try:
        actual = session.run(example.command)
    finally:
        session.close()
    assert doc_examples.mismatch(example.shown, actual) is None
    assert doc_examples.mismatch([example.shown[0].replace("fibromyalgia", "fibromyalgias")], actual)
    assert doc_examples.mismatch(["...", "no such line", "..."], actual)
