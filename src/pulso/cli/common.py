"""What every command of `pulso` shares: the workspace option and how it opens, the consoles, and a
few option types and printing helpers. It imports nothing of the rest of the CLI.

The store, the engine and the web are imported inside the functions that need them, so that
`pulso --help` and `pulso version` stay quick.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from pulso.errors import GoalError, PulsoError

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Workspace URL: duckdb:///path/file.duckdb or postgresql+psycopg://user@host/db."),
]
ScopeOption = Annotated[str, typer.Option("--scope", help="company, team:ID or rep:ID.")]
TodayOption = Annotated[Optional[str], typer.Option("--today", help="Measure as of this day (YYYY-MM-DD); default today.")]
LangOption = Annotated[str, typer.Option("--lang", help="es or en.")]
FormatOption = Annotated[str, typer.Option("--format", help="table or json.")]


def open_workspace(db: str | None, *, require: bool = True):
    """Open the workspace named by --db, PULSO_DATABASE_URL or ./pulso.duckdb."""
    from pulso.store import open_store

    store = open_store(db, create=not require)
    if require:
        store.require_current()
    return store


def engine_of(store):
    """The store's one KPI engine (pulso.engine keeps it for as long as the store lives)."""
    from pulso.engine import engine_for

    return engine_for(store)


def parse_date(value: str, option: str) -> dt.date:
    """A YYYY-MM-DD option's day, or a one-line error naming the option."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PulsoError(f"{option}: '{value}' is not a date; use YYYY-MM-DD") from None


def as_of(value: str | None) -> dt.date:
    """The day of a --today option (default today)."""
    from pulso.goals.scopes import parse_date as goal_date

    return goal_date(value, "--today") if value else dt.date.today()


def actor():
    """The command line as actor, with the operating-system user who ran it."""
    import getpass

    from pulso import audit

    try:
        return audit.Actor("cli", getpass.getuser())
    except (KeyError, OSError):
        return audit.CLI


def check_format(fmt: str) -> str:
    """A --format of table or json."""
    if fmt not in ("table", "json"):
        raise GoalError(f"--format: '{fmt}' is not table or json")
    return fmt


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, default=str, ensure_ascii=False, indent=2))


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A titled table of plain values (None shows as —)."""
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*["—" if v is None else str(v) for v in r])
    console.print(table)
