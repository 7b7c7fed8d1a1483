"""Issue 14, item 3: the CLI is one package, `pulso/cli/`: `__init__` holds the app and registers
every area's commands, `common.py` the workspace option, the consoles and the shared helpers, and
one small module per area. No module-level import comes after code (`noqa: E402`), no module of
the package imports another in a circle, and `import pulso.cli` stays light (the store, the engine
and the web load inside the commands that need them)."""

from __future__ import annotations

import subprocess
import sys

from test_layers import ROOT, cycles, imports, module_name  # the import parser of the layers test
from typer.testing import CliRunner

CLI = ROOT / "cli"
#: `pulso --help`, in its order, as it was when the CLI was seven top-level modules.
COMMANDS = ["version", "init", "status", "demo", "serve", "import", "report", "db", "users", "imports", "dedupe",
            "quality", "kpi", "tokens", "audit", "goals", "quotas", "okrs", "alerts", "report-schedules", "rates"]


def cli_modules() -> dict[str, set[str]]:
    """Each module of the package → the modules of the package it imports (anywhere in it)."""
    names = {module_name(p): p for p in CLI.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        found = set()
        for target in imports(path):
            while target not in names and target.count(".") > 1:  # `from pulso.cli.common import console`
                target = target.rsplit(".", 1)[0]
            if target in names and target != name:
                found.add(target)
        graph[name] = found
    return graph


def test_the_cli_is_one_package_of_small_modules():
    assert (CLI / "__init__.py").is_file() and (CLI / "common.py").is_file()
    leftovers = sorted(p.name for p in ROOT.glob("*.py") if p.name == "cli.py" or p.name.endswith("_cli.py"))
    assert leftovers == []
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in CLI.glob("*.py")}
    assert len(sizes) >= 8  # one module per area, not one big file
    assert {name: n for name, n in sizes.items() if n > 300} == {}


def test_no_late_import_and_no_cycle_inside_the_cli():
    late = sorted(p.name for p in CLI.glob("*.py") if "E402" in p.read_text(encoding="utf-8"))
    assert late == []
    graph = cli_modules()
    assert "pulso.cli.common" in graph["pulso.cli"] and graph["pulso.cli.common"] == set()
    assert cycles([(a, b) for a, targets in graph.items() for b in targets]) == []
    # Nothing imports the package's __init__ back: the areas sit under it, beside common.
    assert sorted(a for a, targets in graph.items() if "pulso.cli" in targets) == []


def test_the_cycle_check_sees_a_cycle_between_two_cli_modules():
    assert cycles([("pulso.cli", "pulso.cli.kpi"), ("pulso.cli.kpi", "pulso.cli")]) == [["pulso.cli", "pulso.cli.kpi"]]


def test_help_lists_the_same_commands_in_the_same_order():
    from pulso.cli import app

    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    listed = [line.split()[1] for line in out.splitlines() if line.startswith("│ ") and not line.startswith("│ --")]
    assert listed == COMMANDS


def test_importing_the_cli_loads_neither_the_store_nor_the_engine_nor_the_web():
    code = ("import sys, pulso.cli\n"
            "heavy = ('pulso.store', 'pulso.access', 'pulso.engine', 'pulso.web', 'pulso.alerts', 'pulso.goals',\n"
            "         'pulso.reports', 'sqlalchemy', 'ibis', 'uvicorn')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_python_dash_m_pulso_and_the_console_script_run_the_same_main():
    done = subprocess.run([sys.executable, "-m", "pulso", "version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("pulso ")
    import tomllib

    scripts = tomllib.loads((ROOT.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"pulso": "pulso.cli:main"}
