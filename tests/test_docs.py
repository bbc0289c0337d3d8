"""Every command is documented: it has help text and the README shows it."""

from pathlib import Path

import pytest
import typer.main

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
