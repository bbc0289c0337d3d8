"""Commands import only what they need, so a cold `kg shared` starts fast.

Not a timing test: it checks which heavy modules the command's process imported.
"""

import subprocess
import sys

import pytest


def imported_modules(*args):
    code = (  # main, not the console script's run: that ends the process before the list is printed
        "import sys\n"
        f"sys.argv = ['kg', *{list(args)!r}]\n"
        "from kg.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return set(result.stderr.split())


def test_shared_imports_neither_networkx_nor_pyvis():
    modules = imported_modules("shared", "fibromyalgia", "vitamin B12 deficiency", "--format", "json")
    assert "kg.graph" in modules
    assert "networkx" not in modules
    assert "pyvis" not in modules


def test_paths_uses_networkx():
    modules = imported_modules("paths", "fibromyalgia", "vitamin B12 deficiency", "--format", "json")
    assert "networkx" in modules and "pyvis" not in modules


# Read commands answer from the store: none of them needs the graph algorithms, the HTML
# explorer, SHACL or pydantic (typer 0.29 and later coerce every parameter through pydantic,
# hence the pin in pyproject.toml). Nor rdflib, on the default (Oxigraph) backend: every
# backend answers with kg's own terms (kg.terms), so only parsing Turtle, the memory backend,
# editing, validation and exports import it. importlib.metadata (20 ms) came with rdflib.
HEAVY = ("networkx", "pyvis", "pyshacl", "jinja2", "pydantic", "rdflib", "importlib.metadata")


@pytest.mark.parametrize("command", [
    ("search", "fatigue"), ("show", "fibromyalgia"), ("symptoms", "fibromyalgia"),
    ("shared", "fibromyalgia", "vitamin B12 deficiency"), ("foods", "vitamin B12"),
    ("misdiagnosis", "fibromyalgia"), ("tests", "fibromyalgia"), ("stats",), ("sources",), ("queries",),
])
def test_read_commands_import_no_heavy_module(command):
    modules = imported_modules(*command, "--format", "json")
    assert "kg.cli" in modules
    assert [m for m in HEAVY if m in modules] == []


@pytest.mark.parametrize("command", [("paths", "fibromyalgia", "vitamin B12 deficiency"),
                                     ("compare", "fibromyalgia", "vitamin B12 deficiency")])
def test_chain_commands_import_networkx_only(command):
    modules = imported_modules(*command, "--format", "json")
    assert "networkx" in modules
    # networkx brings importlib.metadata itself (it looks up its backends' entry points)
    assert [m for m in HEAVY if m in modules and m not in ("networkx", "importlib.metadata")] == []


@pytest.mark.parametrize("command", [("shared", "fibromyalgia", "vitamin B12 deficiency"), ("show", "fibromyalgia")])
def test_a_table_needs_rich_and_json_does_not(command):
    assert "rich" not in imported_modules(*command, "--format", "json")
    assert "rich" in imported_modules(*command)


def test_the_memory_backend_still_uses_rdflib():
    modules = imported_modules("shared", "fibromyalgia", "vitamin B12 deficiency", "--backend", "memory", "--format", "json")
    assert "rdflib" in modules and "kg.graph" in modules


def test_the_library_imports_no_rdflib_until_asked():
    code = ("import sys\nfrom kg import KnowledgeGraph\ng = KnowledgeGraph.load()\n"
            "assert g.symptoms('fibromyalgia')\nprint('rdflib' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
