"""Commands import only what they need, so a cold `kg shared` starts fast.

Not a timing test: it checks which heavy modules the command's process imported.
"""

import subprocess
import sys


def imported_modules(*args):
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['kg', *{list(args)!r}]\n"
        "try:\n"
        "    runpy.run_module('kg', run_name='__main__')\n"
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
