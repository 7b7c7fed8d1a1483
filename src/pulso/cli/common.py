"""What every command of `pulso` shares: the workspace option and how it opens, the consoles, and a
few option types and printing helpers. It imports nothing of the rest of the CLI.

The store, the engine and the web are imported inside the functions that need them, so that
`pulso --help` and `pulso version` stay quick.

Language: what a command prints for people (messages, its own errors, table titles and headers) is
written in Spanish and translated through `pulso.i18n` (docs/i18n.md): `_ = texts(lang)` in each
command. A command with --lang speaks that language; any other speaks the environment's:
`PULSO_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`): es_* Spanish, en_* English, anything
else (C, POSIX, unset) Spanish. Help texts stay English (they are built when the module is imported).
JSON and CSV output never changes.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
import json
import os
import re
import sys
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from pulso.errors import GoalError, PulsoError
from pulso.i18n import error_text as i18n_error_text, translator

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


def language(lang: str | None = None) -> str:
    """The language a command speaks: `lang` (its --lang) when given, else `PULSO_LANG`, else the
    first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set; English for en / en_*, Spanish otherwise."""
    if lang:
        return lang
    for name in ("PULSO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            return "en" if re.split(r"[_.@-]", value.lower())[0] == "en" else "es"
    return "es"


def given(lang: str | None, name: str = "lang") -> str | None:
    """A command's --lang when typed on the command line, else None: its default ("es", the
    language of the data it makes) does not choose the language of its messages; the environment does."""
    try:  # Typer 0.29 carries its own copy of Click; the context lives there
        from typer._click.core import ParameterSource
        from typer._click.globals import get_current_context
    except ImportError:  # a Typer built on Click itself
        from click.core import ParameterSource
        from click.globals import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None or ctx.get_parameter_source(name) in (None, ParameterSource.DEFAULT):
        return None
    return lang


def texts(lang: str | None = None) -> Callable[[str], str]:
    """The `_` of a command: Spanish text in, the text in the command's language out."""
    return translator(language(lang))


def step_text(step: str, lang: str | None = None) -> str:
    """A step of long work named with a msgid (pulso.i18n.saying: the demo's, a migration's) in the
    command's language: a `table` value by its name, whole numbers grouped ('200.000'); else as given."""
    from pulso.formatting import fmt_number
    from pulso.store.names import TABLE_NAMES

    if getattr(step, "text", None) is None:
        return step
    lang = language(lang)
    _ = translator(lang)

    def shown(key: str, value: object) -> object:
        if key == "table" and value in TABLE_NAMES:
            return _(TABLE_NAMES[value])
        return fmt_number(value, lang) if isinstance(value, int) and not isinstance(value, bool) else value

    return _(step.text).format(**{k: shown(k, v) for k, v in (step.values or {}).items()})


def print_steps(prefix: str) -> Callable[[str], None]:
    """A `progress(step)` for long work that writes each step on its own line of stderr, in the
    command's language ("db: Migración 0019 aplicada"), so a terminal or a log sees it at once."""

    def report(step: str) -> None:
        sys.stderr.write(f"{prefix}: {step_text(step)}\n")
        sys.stderr.flush()

    return report


def error_text(exc: PulsoError, lang: str | None = None) -> str:
    """An error as the CLI prints it, in the command's language: a refused import (its count, rows
    and notes: pulso.ingest.notes), an error that carries its message as a Spanish msgid and values
    (`.text`, `.values`: pulso.i18n.said, the workspace's and the web's query errors), else as raised."""
    lang = language(lang)
    runlog = sys.modules.get("pulso.ingest.runlog")  # an ImportFailed exists only once ingest is loaded
    if runlog is not None and isinstance(exc, runlog.ImportFailed):
        from pulso.ingest.notes import refusal_text

        return refusal_text(exc.result, lang)
    return i18n_error_text(exc, lang)


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


def parse_date(value: str, option: str, lang: str | None = None) -> dt.date:
    """A YYYY-MM-DD option's day, or a one-line error naming the option."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _ = texts(lang)
        raise PulsoError(_("{option}: '{value}' no es una fecha; use AAAA-MM-DD").format(option=option, value=value)) from None


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


def check_format(fmt: str, lang: str | None = None) -> str:
    """A --format of table or json."""
    if fmt not in ("table", "json"):
        _ = texts(lang)
        raise GoalError(_("--format: '{fmt}' no es table ni json").format(fmt=fmt))
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
