"""`pulso demo`: a workspace filled with 24 months of realistic, deterministic demo data."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Optional

import typer

from pulso.cli.common import DbOption, engine_of, err, open_workspace, parse_date, step_text, texts
from pulso.cli.workspace import show_summary


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

    from pulso import demo as demo_data
    from pulso.config import Settings
    from pulso.demo.atomic import build

    _ = texts()
    day = parse_date(as_of, "--as-of") if as_of else dt.date.today()
    demo_data.parse_size(size)
    url = Settings.from_env(db).database_url
    if sys.stderr.isatty():
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn())
        with Progress(*columns, console=err) as progress:
            task = progress.add_task(_("Generando el espacio de trabajo de demostración"), total=100)

            def report(step: str, fraction: float) -> None:
                progress.update(task, description=step_text(step), completed=round(100 * fraction))

            build(url, size=size, seed=seed, as_of=day, replace=replace, progress=report)
    else:  # a log or a pipe: one line per step
        seen: set[str] = set()

        def report(step: str, fraction: float) -> None:
            if step not in seen:
                seen.add(step)
                sys.stderr.write(f"demo: {step_text(step)} ({100 * fraction:.0f}%)\n")
                sys.stderr.flush()

        build(url, size=size, seed=seed, as_of=day, replace=replace, progress=report)
    with open_workspace(db) as store:
        from pulso.alerts import starter

        starter.for_demo(store, engine_of(store), day)  # its inbox names the weak rep on the first visit
        show_summary(store)
