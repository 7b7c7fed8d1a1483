"""Documentation keeps up with the code: every command and setting is described somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from pulso.cli import app
from pulso.store.store import DEFAULT_SETTINGS

ROOT = Path(__file__).parent.parent


def documentation() -> str:
    return "\n".join(p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def command_paths(group, prefix=("pulso",)):
    """Every leaf command of the CLI as a tuple of words."""
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from command_paths(command, path)
        else:
            yield path


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```", 2)[1]
    assert "make demo" in first_block and "make test" in first_block
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_every_command_is_documented():
    docs = documentation()
    missing = [" ".join(p) for p in command_paths(typer.main.get_command(app)) if " ".join(p) not in docs]
    assert not missing, f"commands with no documentation in README.md or docs/: {missing}"


def test_every_workspace_setting_is_documented():
    docs = documentation()
    missing = [key for key in DEFAULT_SETTINGS if not re.search(rf"`{key}`", docs)]
    assert not missing, f"settings with no documentation: {missing}"
