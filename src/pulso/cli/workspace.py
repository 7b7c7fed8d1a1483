"""`pulso version`, `pulso init`, `pulso db upgrade` and `pulso status`: the workspace itself."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso import __version__
from pulso.cli.common import DbOption, console, err, open_workspace

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def version() -> None:
    """Print Pulso's version."""
    console.print(f"pulso {__version__}")


def init(
    db: DbOption = None,
    timezone: Annotated[Optional[str], typer.Option(help="IANA time zone in which periods are cut, e.g. Europe/Madrid.")] = None,
    currency: Annotated[Optional[str], typer.Option(help="Reporting currency, e.g. EUR, MXN, USD.")] = None,
) -> None:
    """Create a workspace, or upgrade an existing one (safe to run again)."""
    with open_workspace(db, require=False) as store:
        before, after = store.init(timezone=timezone, currency=currency)
        settings = store.settings_dict()
        if before is None:
            console.print(f"Created workspace at {store.display_url} (schema {after}).")
        elif before != after:
            console.print(f"Upgraded workspace at {store.display_url} from {before} to {after}.")
        else:
            console.print(f"Workspace at {store.display_url} is up to date (schema {after}).")
        console.print(f"Time zone {settings['timezone']}, currency {settings['currency']}.")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Apply pending migrations (safe to run again)."""
    with open_workspace(db, require=False) as store:
        before, after = store.upgrade()
        if before == after:
            console.print(f"Already at the newest schema ({after}).")
        else:
            console.print(f"Upgraded from {before or 'an empty database'} to {after}.")


def status(db: DbOption = None) -> None:
    """Row counts of every table and a few headline figures (and any demo left half-built)."""
    from pulso.config import Settings
    from pulso.demo.atomic import leftover

    found = leftover(Settings.from_env(db).database_url)
    if found is not None:
        err.print(f"note: an interrupted `pulso demo` left a half-built workspace at {found} "
                  f"({found.stat().st_size / 1e6:,.1f} MB); the workspace itself was not touched. "
                  "The next `pulso demo` removes it; you may also delete it.", soft_wrap=True)
    with open_workspace(db) as store:
        show_summary(store)


def show_summary(store) -> None:
    """Print every table's row count and headline figures of the workspace."""
    from pulso.summary import headline_figures

    settings = store.settings_dict()
    counts = store.counts()
    table = Table(title=f"Workspace {store.display_url}", show_lines=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
    figures = Table(title=f"Headline figures (time zone {settings.get('timezone')}, currency {settings.get('currency')})")
    figures.add_column("figure")
    figures.add_column("value", justify="right")
    for label, value in headline_figures(store):
        figures.add_row(label, value)
    console.print(figures)
