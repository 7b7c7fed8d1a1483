"""The `pulso` command: the Typer app, with every area's commands registered here, in one place.

Each area is a module of this package (workspace, demo, web, users, data, quality, kpi, api,
goals, alerts, reports, rates); what they share (the --db option, opening the workspace, the
consoles) is in `common`. The areas import `common` only; nothing imports this module back.
"""

from __future__ import annotations

import sys

import typer
from rich.text import Text

from pulso import jobs
from pulso.cli import alerts, api, data, demo, goals, kpi, quality, rates, reports, users, web, workspace
from pulso.cli.common import console, err, error_text
from pulso.errors import PulsoError

__all__ = ["app", "console", "err", "main"]

app = typer.Typer(
    help="Pulso: CRM data and the KPIs that matter. Workspace: --db URL, PULSO_DATABASE_URL, or ./pulso.duckdb.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _start() -> None:
    # Every command runs with the alert rules subscribed to data arrivals, so they run after
    # `pulso import` (pulso.jobs loads them only when data arrives: the CLI starts light).
    jobs.subscribe()


# Commands first, then the groups, in the order `pulso --help` lists them.
app.command()(workspace.version)
app.command()(workspace.init)
app.command()(workspace.status)
app.command()(demo.demo)
app.command("serve")(web.serve)
app.command("import")(data.import_command)
app.command("report")(reports.report)
for group, name in (
    (workspace.db_app, "db"),
    (users.users_app, "users"),
    (data.imports_app, "imports"),
    (quality.dedupe_app, "dedupe"),
    (quality.quality_app, "quality"),
    (kpi.kpi_app, "kpi"),
    (api.tokens_app, "tokens"),
    (api.audit_app, "audit"),
    (goals.goals_app, "goals"),
    (goals.quotas_app, "quotas"),
    (goals.okrs_app, "okrs"),
    (alerts.alerts_app, "alerts"),
    (reports.schedules_app, "report-schedules"),
    (rates.rates_app, "rates"),
):
    app.add_typer(group, name=name)


def main() -> None:
    """Entry point: run the CLI, turning Pulso's errors into one clear line (in the CLI's language:
    common.error_text) and exit code 1."""
    try:
        app()
    except PulsoError as exc:
        err.print(Text.assemble(("error: ", "bold red"), error_text(exc)), soft_wrap=True)
        sys.exit(1)
