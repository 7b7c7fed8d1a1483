"""`pulso report` and `pulso report-schedules`: scorecards as PDF or HTML, and e-mailed on a schedule.

    pulso report --period 2026-10 --format pdf --out octubre.pdf
    pulso report-schedules add --name Mensual --frequency month --to jefa@example.com

Errors are one line and exit code 1; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from pulso.cli.common import (
    DbOption, LangOption, ScopeOption, TodayOption, as_of, console, engine_of, given, language, open_workspace, print_table,
    texts,
)
from pulso.errors import GoalError

schedules_app = typer.Typer(help="Report schedules: scorecards e-mailed every week, month or quarter.", no_args_is_help=True)


def report(period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q4, 2026-W05 or 2026.")],
           scope: ScopeOption = "company",
           fmt: Annotated[str, typer.Option("--format", help="pdf or html.")] = "pdf",
           lang: LangOption = "es",
           out: Annotated[Optional[Path], typer.Option("--out", help="File to write; default pulso-PERIOD.FORMAT.")] = None,
           today: TodayOption = None, db: DbOption = None) -> None:
    """Write the scorecard of a period for a scope as PDF or HTML."""
    from pulso.reports import build, render
    from pulso.reports.render import FORMATS

    _ = texts(given(lang))
    if fmt not in FORMATS:
        raise GoalError(_("--format: '{fmt}' no es pdf ni html").format(fmt=fmt))
    with open_workspace(db) as store:
        data = build(store, engine_of(store), period=period, scope=scope, lang=lang, today=as_of(today))
    body = render(data, fmt)
    target = out or Path(f"pulso-{data['period']}.{fmt}")
    try:
        target.write_bytes(body)
    except OSError as exc:
        raise GoalError(_("--out: no se puede escribir {file}: {reason}").format(file=target, reason=exc.strerror)) from None
    console.print(_("Escrito {file} ({size} bytes).").format(file=target, size=f"{len(body):,}"))


@schedules_app.command("add")
def schedules_add(name: Annotated[str, typer.Option("--name")],
                  frequency: Annotated[str, typer.Option("--frequency", help="week, month or quarter.")],
                  to: Annotated[str, typer.Option("--to", help="E-mail addresses, separated by commas.")],
                  scope: ScopeOption = "company", lang: LangOption = "es",
                  fmt: Annotated[str, typer.Option("--format", help="pdf (attached) or html (in the body).")] = "pdf",
                  db: DbOption = None) -> None:
    """E-mail a scope's scorecard after every week, month or quarter."""
    from pulso.reports import create_schedule

    with open_workspace(db) as store:
        s = create_schedule(store, name=name, frequency=frequency, recipients=to, scope=scope, lang=lang, fmt=fmt)
    _ = texts(given(lang))
    console.print(_("Programación {id}: {frequency} a {recipients}.").format(id=s["id"], frequency=s["frequency"], recipients=s["recipients"]))


@schedules_app.command("list")
def schedules_list(db: DbOption = None) -> None:
    """The report schedules."""
    from pulso.formatting import fmt_period
    from pulso.goals.scopes import fiscal_of
    from pulso.reports import schedules

    with open_workspace(db) as store:
        found, fiscal = schedules(store), fiscal_of(store)
    _ = texts()

    def sent(s) -> str:  # by its name, as the reports page says it (fiscal quarters when the year is)
        if not s.get("last_start"):
            return s["last_period"] or ""
        first = s["last_start"]
        last = first + dt.timedelta(days=6) if s["frequency"] == "week" else first
        return fmt_period(s["frequency"], first, last, language(), fiscal)

    print_table(_("Programaciones de informes"), ["id", _("nombre"), _("frecuencia"), _("ámbito"), _("idioma"), _("formato"), _("para"),
                                                  _("último enviado")],
                [[s["id"], s["name"], s["frequency"], s["scope_kind"] + (":" + s["scope_id"] if s["scope_id"] else ""),
                  s["lang"], s["format"], s["recipients"], sent(s)] for s in found])


@schedules_app.command("remove")
def schedules_remove(schedule_id: str, db: DbOption = None) -> None:
    """Delete a report schedule."""
    from pulso.reports import delete_schedule

    with open_workspace(db) as store:
        delete_schedule(store, schedule_id)
    _ = texts()
    console.print(_("{id} eliminada.").format(id=schedule_id))


@schedules_app.command("send")
def schedules_send(today: TodayOption = None, db: DbOption = None) -> None:
    """Send every schedule's last whole period not sent yet (for cron)."""
    from pulso.reports import send_due

    now = dt.datetime.now(dt.timezone.utc)
    if today:
        now = dt.datetime.combine(as_of(today), dt.time(12), tzinfo=dt.timezone.utc)
    with open_workspace(db) as store:
        sent = send_due(store, engine_of(store), now)
    for s in sent:
        console.print(f"{s['schedule_id']} → {s['target']}: {s['status']}{' (' + s['error'] + ')' if s['error'] else ''}")
    _ = texts()
    console.print(_("{n} informe(s) enviado(s).").format(n=len(sent)))
