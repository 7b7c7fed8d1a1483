"""The `pulso` command: workspaces, the demo, and (through sub-commands) KPIs."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pulso import __version__, jobs
from pulso.errors import PulsoError

app = typer.Typer(
    help="Pulso: CRM data and the KPIs that matter. Workspace: --db URL, PULSO_DATABASE_URL, or ./pulso.duckdb.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Workspace URL: duckdb:///path/file.duckdb or postgresql+psycopg://user@host/db."),
]


@app.callback()
def _start() -> None:
    # Every command runs with the alert rules subscribed to data arrivals, so they run after
    # `pulso import` (pulso.jobs loads them only when data arrives: the CLI starts light).
    jobs.subscribe()


def open_workspace(db: str | None, *, require: bool = True):
    """Open the workspace named by --db, PULSO_DATABASE_URL or ./pulso.duckdb."""
    from pulso.store import open_store

    store = open_store(db, create=not require)
    if require:
        store.require_current()
    return store


@app.command()
def version() -> None:
    """Print Pulso's version."""
    console.print(f"pulso {__version__}")


@app.command()
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


@app.command()
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


@app.command()
def demo(
    db: DbOption = None,
    size: Annotated[str, typer.Option(help="small (~1,000 accounts), medium (~20,000), large (~200,000) or a number of accounts.")] = "small",
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 42,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Last day of the 24 months of data (YYYY-MM-DD); default today.")] = None,
    replace: Annotated[bool, typer.Option("--replace/--keep", help="Empty a workspace that already holds data.")] = True,
) -> None:
    """Fill a workspace with 24 months of realistic, deterministic demo data.

    All or nothing: the demo is built aside (DuckDB) or in one transaction (PostgreSQL) and takes
    the workspace's place only when complete; interrupted, the workspace stays as it was."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from pulso import demo as demo_mod
    from pulso.config import Settings
    from pulso.demo.atomic import build

    day = _parse_date(as_of, "--as-of") if as_of else dt.date.today()
    demo_mod.parse_size(size)
    url = Settings.from_env(db).database_url
    if sys.stderr.isatty():
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("Generating demo workspace", total=100)

            def report(step: str, fraction: float) -> None:
                progress.update(task, description=step, completed=round(100 * fraction))

            build(url, size=size, seed=seed, as_of=day, replace=replace, progress=report)
    else:  # a log or a pipe: one line per step
        seen: set[str] = set()

        def report(step: str, fraction: float) -> None:
            if step not in seen:
                seen.add(step)
                sys.stderr.write(f"demo: {step} ({100 * fraction:.0f}%)\n")
                sys.stderr.flush()

        build(url, size=size, seed=seed, as_of=day, replace=replace, progress=report)
    with open_workspace(db) as store:
        show_summary(store)


from pulso.web_cli import register as _register_web  # noqa: E402  (serve, users)

_register_web(app)

from pulso.data_cli import register as _register_data  # noqa: E402  (import, imports, dedupe, quality)

_register_data(app)

from pulso.kpi_cli import kpi_app  # noqa: E402  (it reuses DbOption, open_workspace and console above)

app.add_typer(kpi_app, name="kpi")

from pulso.api_cli import register as _register_api  # noqa: E402  (tokens, audit)

_register_api(app)

from pulso.goals_cli import register as _register_goals  # noqa: E402  (goals, quotas, okrs, alerts, report)

_register_goals(app)

from pulso.rates_cli import register as _register_rates  # noqa: E402  (rates import, list, set)

_register_rates(app)


def _parse_date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PulsoError(f"{option}: '{value}' is not a date; use YYYY-MM-DD") from None


def main() -> None:
    """Entry point: run the CLI, turning Pulso's errors into one clear line and exit code 1."""
    try:
        app()
    except PulsoError as exc:
        err.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
        sys.exit(1)
