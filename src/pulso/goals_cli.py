"""`pulso goals|quotas|okrs|alerts|report|report-schedules`: targets, warnings and scorecards from the shell.

    pulso goals add close_rate --target 30% --scope team:t1 --deadline 2026-12-31
    pulso quotas set --scope rep:u3 --period 2026-10 --amount 50000
    pulso okrs add --title "Crecer en Madrid" --quarter 2026-Q4 --kr "Ingresos|revenue_won|0|300000" --kr "..."
    pulso alerts add peers --kpi lead_conversion_rate --channel email --to jefa@example.com
    pulso alerts run            # for cron: evaluate every rule now
    pulso report --period 2026-10 --format pdf --out octubre.pdf

The command line sees the whole company. Errors are one line and exit code 1; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from pulso.cli import DbOption, console, open_workspace
from pulso.errors import GoalError

goals_app = typer.Typer(help="Goals on KPIs: baseline, SMART check, progress, pace, status, forecast.", no_args_is_help=True)
quotas_app = typer.Typer(help="Quotas per rep or team and month, quarter or year; the leaderboard.", no_args_is_help=True)
okrs_app = typer.Typer(help="OKRs: objectives per quarter with 2 to 5 key results.", no_args_is_help=True)
alerts_app = typer.Typer(help="Alert rules, their evaluation, and the inbox.", no_args_is_help=True)
schedules_app = typer.Typer(help="Report schedules: scorecards e-mailed every week, month or quarter.", no_args_is_help=True)

def _scope_text(kind: str, ident: str | None) -> str:
    """A stored scope as the user writes it (company, team:ID, rep:ID)."""
    from pulso.access import Scope  # late: `pulso --help` need not load the scope rules

    return Scope.stored(kind, ident).text


ScopeOption = Annotated[str, typer.Option("--scope", help="company, team:ID or rep:ID.")]
TodayOption = Annotated[Optional[str], typer.Option("--today", help="Measure as of this day (YYYY-MM-DD); default today.")]
LangOption = Annotated[str, typer.Option("--lang", help="es or en.")]
FormatOption = Annotated[str, typer.Option("--format", help="table or json.")]


def _today(value: str | None) -> dt.date:
    from pulso.goals.scopes import parse_date

    return parse_date(value, "--today") if value else dt.date.today()


def _engine(store):
    from pulso.alerts import engine_for

    return engine_for(store)


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, default=str, ensure_ascii=False, indent=2))


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*["—" if v is None else str(v) for v in r])
    console.print(table)


def _fmt_format(fmt: str) -> str:
    if fmt not in ("table", "json"):
        raise GoalError(f"--format: '{fmt}' is not table or json")
    return fmt


# -- goals ---------------------------------------------------------------------------------

def _goal_json(state: dict[str, Any]) -> dict[str, Any]:
    g = state["goal"]
    return {**{k: g[k] for k in ("id", "kpi", "scope_kind", "scope_id", "dimension", "dimension_value", "target",
                                 "start_date", "deadline", "name")},
            "label": "KPI", "value": state["value"], "baseline": g["baseline"], "baseline_how": state["baseline_text"],
            "baseline_periods": [[str(p), v] for p, v in state["baseline"].periods],
            "progress": state["progress"], "pace": state["pace"], "status": state["status"],
            "forecast": state["forecast"], "forecast_reaches": state["forecast_reaches"],
            "smart": [{"letter": s.letter, "ok": s.ok, "message": s.message} for s in state["smart"]]}


def _print_goal(state: dict[str, Any]) -> None:
    g = state["goal"]
    pct = (lambda v: "—" if v is None else f"{v:.0%}")
    console.print(f"[bold]{g['id']}[/] {g['name'] or g['kpi']} · {g['scope_kind']}{':' + g['scope_id'] if g['scope_id'] else ''}")
    console.print(f"  baseline {g['baseline']} ({state['baseline_text']}); target {g['target']}; "
                  f"{g['start_date']} → {g['deadline'] or '—'}")
    console.print(f"  value {state['value']}; progress {pct(state['progress'])}, expected {pct(state['pace'])}: "
                  f"[bold]{state['status_text']}[/]; forecast {state['forecast']}")
    for s in state["smart"]:
        console.print(f"  {s.letter} {'✓' if s.ok else '✗'} {s.message}")


@goals_app.command("add")
def goals_add(
    kpi: Annotated[str, typer.Argument(help="KPI key (pulso kpi list).")],
    target: Annotated[str, typer.Option("--target", help="Target value: 0.3 or 30% for percentages, an amount for totals.")],
    scope: ScopeOption = "company",
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="Deadline (YYYY-MM-DD, excluded).")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="Start (YYYY-MM-DD); default today.")] = None,
    dimension: Annotated[Optional[str], typer.Option("--dimension", help="Only one value: DIM=VALUE, e.g. source=web.")] = None,
    grain: Annotated[str, typer.Option("--grain", help="week, month or quarter: the periods of baseline and trend.")] = "month",
    baseline_periods: Annotated[int, typer.Option("--baseline-periods", help="Whole periods before the start the baseline averages.")] = 3,
    name: Annotated[Optional[str], typer.Option("--name", help="A name for the goal.")] = None,
    objective: Annotated[Optional[str], typer.Option("--objective", help="OKR objective id the goal serves.")] = None,
    today: TodayOption = None, lang: LangOption = "es", db: DbOption = None,
) -> None:
    """Set a goal on a KPI; prints its baseline and SMART check."""
    from pulso import goals

    with open_workspace(db) as store:
        engine = _engine(store)
        g = goals.create_goal(store, engine, kpi=kpi, target=target, scope=scope, deadline=deadline, start=start,
                              today=_today(today), dimension=dimension, grain=grain, baseline_periods=baseline_periods,
                              name=name, objective_id=objective)
        _print_goal(goals.evaluate(engine, g, _today(today), lang))


@goals_app.command("list")
def goals_list(scope: Annotated[Optional[str], typer.Option("--scope", help="Only this scope.")] = None,
               today: TodayOption = None, lang: LangOption = "es", fmt: FormatOption = "table", db: DbOption = None) -> None:
    """Goals with their progress and status."""
    from pulso import goals

    fmt = _fmt_format(fmt)
    with open_workspace(db) as store:
        engine = _engine(store)
        states = [goals.evaluate(engine, g, _today(today), lang)
                  for g in goals.goals(store, scope=goals.parse_scope(scope) if scope else None)]
    if fmt == "json":
        return _print_json([_goal_json(s) for s in states])
    pct = (lambda v: "—" if v is None else f"{v:.0%}")
    _table("Goals", ["id", "KPI", "scope", "target", "value", "progress", "expected", "status", "deadline"],
           [[s["goal"]["id"], s["goal"]["kpi"], _scope_text(s["goal"]["scope_kind"], s["goal"]["scope_id"]),
             s["goal"]["target"], s["value"], pct(s["progress"]), pct(s["pace"]), s["status_text"], s["goal"]["deadline"]]
            for s in states])


@goals_app.command("show")
def goals_show(goal_id: str, today: TodayOption = None, lang: LangOption = "es", fmt: FormatOption = "table",
               db: DbOption = None) -> None:
    """One goal in full: baseline and how, progress, pace, status, forecast, SMART letters."""
    from pulso import goals

    fmt = _fmt_format(fmt)
    with open_workspace(db) as store:
        state = goals.evaluate(_engine(store), goals.goal(store, goal_id), _today(today), lang)
    _print_json(_goal_json(state)) if fmt == "json" else _print_goal(state)


@goals_app.command("remove")
def goals_remove(goal_id: str, db: DbOption = None) -> None:
    """Delete a goal."""
    from pulso import goals

    with open_workspace(db) as store:
        goals.delete_goal(store, goal_id)
    console.print(f"Removed {goal_id}.")


@goals_app.command("metrics")
def goals_metrics(lang: LangOption = "es", db: DbOption = None) -> None:
    """Every catalog metric labelled KPI (it has a goal) or general metric (it has none)."""
    from pulso.catalog import load_catalog
    from pulso.goals import label, tracked_kpis

    with open_workspace(db) as store:
        tracked = tracked_kpis(store)
    _table("Metrics", ["key", "name", "label"], [[k.key, k.name[lang], label(k.key, tracked, lang)] for k in load_catalog()])


# -- quotas --------------------------------------------------------------------------------

@quotas_app.command("set")
def quotas_set(scope: Annotated[str, typer.Option("--scope", help="rep:ID or team:ID.")],
               period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q4 or 2026.")],
               amount: Annotated[str, typer.Option("--amount", help="Revenue to win in the period.")],
               currency: Annotated[Optional[str], typer.Option("--currency", help="ISO code; default the workspace's.")] = None,
               db: DbOption = None) -> None:
    """Enter (or replace) a quota."""
    from pulso.goals import set_quota

    with open_workspace(db) as store:
        q = set_quota(store, scope=scope, period=period, amount=amount, currency=currency)
    console.print(f"Quota {q['id']}: {q['amount']:g} {q['currency']} from {q['period_start']} to {q['period_end']}.")


@quotas_app.command("list")
def quotas_list(period: Annotated[Optional[str], typer.Option("--period", help="Only quotas overlapping it.")] = None,
                db: DbOption = None) -> None:
    """Quotas, by period."""
    from pulso.goals import quotas

    with open_workspace(db) as store:
        rows = quotas(store, period=period)
    _table("Quotas", ["id", "rep", "team", "from", "to", "amount", "currency"],
           [[q["id"], q["owner_id"], q["team_id"], q["period_start"], q["period_end"], float(q["amount"]), q["currency"]]
            for q in rows])


@quotas_app.command("leaderboard")
def quotas_leaderboard(period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q4 or 2026.")],
                       scope: ScopeOption = "company", db: DbOption = None) -> None:
    """Reps by quota attainment."""
    from pulso.goals import leaderboard, parse_scope
    from pulso.goals.scopes import check_scope

    with open_workspace(db) as store:
        rows = leaderboard(_engine(store), period=period, scope=check_scope(store, parse_scope(scope)))
    _table(f"Quota attainment {period}", ["#", "rep", "attainment", "revenue", "quota"],
           [[r["rank"], r["owner"], "—" if r["attainment"] is None else f"{r['attainment']:.0%}", r["revenue"], r["quota"]]
            for r in rows])


# -- OKRs ----------------------------------------------------------------------------------

@okrs_app.command("add")
def okrs_add(title: Annotated[str, typer.Option("--title", help="The objective.")],
             quarter: Annotated[str, typer.Option("--quarter", help="2026-Q4.")],
             kr: Annotated[list[str], typer.Option("--kr", help="TITLE|KPI|START|TARGET (KPI empty: updated by hand); 2 to 5.")],
             scope: ScopeOption = "company", db: DbOption = None) -> None:
    """Add an objective with its key results."""
    from pulso.goals import create_objective
    from pulso.goals.okrs import parse_key_result

    krs = [parse_key_result(k) for k in kr]
    with open_workspace(db) as store:
        obj = create_objective(store, _engine(store), title=title, quarter=quarter, key_results=krs, scope=scope)
    console.print(f"Objective {obj['id']} with key results: {', '.join(k['id'] for k in obj['key_results'])}.")


@okrs_app.command("list")
def okrs_list(quarter: Annotated[Optional[str], typer.Option("--quarter", help="Only this quarter.")] = None,
              today: TodayOption = None, fmt: FormatOption = "table", db: DbOption = None) -> None:
    """Objectives with their key results' scores and the rollup."""
    from pulso.goals import objectives, scored

    fmt = _fmt_format(fmt)
    with open_workspace(db) as store:
        engine = _engine(store)
        found = [scored(engine, o, _today(today)) for o in objectives(store, quarter=quarter)]
    if fmt == "json":
        return _print_json(found)
    for o in found:
        console.print(f"[bold]{o['id']}[/] {o['title']} ({o['quarter']}) score {o['score']:.2f}")
        for k in o["key_results"]:
            score = "—" if k["score"] is None else f"{k['score']:.2f}"
            console.print(f"  {k['id']} {k['title']} [{k['kpi'] or 'manual'}] {k['value']} ({k['start_value']:g} → "
                          f"{k['target_value']:g}) {score}")


@okrs_app.command("checkin")
def okrs_checkin(key_result: str, value: Annotated[Optional[str], typer.Argument(help="Value (hand-updated key results).")] = None,
                 note: Annotated[Optional[str], typer.Option("--note")] = None, today: TodayOption = None,
                 db: DbOption = None) -> None:
    """Record a key result's value (a linked one takes its KPI's value now)."""
    from pulso.goals import check_in

    with open_workspace(db) as store:
        entry = check_in(store, _engine(store), key_result, value, note=note, today=_today(today))
    console.print(f"Checked in {entry['value']:g} (score {entry['score']:.2f}).")


@okrs_app.command("history")
def okrs_history(key_result: str, db: DbOption = None) -> None:
    """A key result's check-ins."""
    from pulso.goals import check_ins

    with open_workspace(db) as store:
        rows = check_ins(store, key_result)
    _table("Check-ins", ["when", "value", "score", "note"], [[c["checked_at"], c["value"], f"{c['score']:.2f}", c["note"]] for c in rows])


# -- alerts --------------------------------------------------------------------------------

def _params(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise GoalError(f"--param: '{item}' is not NAME=VALUE, e.g. --param hours=24")
        out[key.strip()] = value.strip()
    return out


@alerts_app.command("add")
def alerts_add(kind: Annotated[str, typer.Argument(help="threshold, goal, anomaly, peers, unanswered, stuck or idle.")],
               kpi: Annotated[Optional[str], typer.Option("--kpi")] = None, scope: ScopeOption = "company",
               param: Annotated[Optional[list[str]], typer.Option("--param", help="NAME=VALUE (repeat); see docs/alerts.md.")] = None,
               channel: Annotated[str, typer.Option("--channel", help="inbox, email or webhook.")] = "inbox",
               to: Annotated[Optional[str], typer.Option("--to", help="E-mail addresses, or a webhook URL.")] = None,
               name: Annotated[Optional[str], typer.Option("--name")] = None, db: DbOption = None) -> None:
    """Add an alert rule."""
    from pulso.alerts import create_rule

    with open_workspace(db) as store:
        rule = create_rule(store, _engine(store), kind=kind, kpi=kpi, scope=scope, params=_params(param),
                           channel=channel, recipients=to, name=name)
    console.print(f"Rule {rule['id']} ({rule['kind']}): {json.dumps(rule['params'])}.")


@alerts_app.command("rules")
def alerts_rules(db: DbOption = None) -> None:
    """The alert rules."""
    from pulso.alerts import rules

    with open_workspace(db) as store:
        found = rules(store)
    _table("Alert rules", ["id", "name", "kind", "KPI", "scope", "channel", "parameters"],
           [[r["id"], r["name"], r["kind"], r["kpi"], r["scope_kind"] + (":" + r["scope_id"] if r["scope_id"] else ""),
             r["channel"], json.dumps(r["params"])] for r in found])


@alerts_app.command("remove")
def alerts_remove(rule_id: str, db: DbOption = None) -> None:
    """Delete an alert rule (its alerts stay)."""
    from pulso.alerts import delete_rule

    with open_workspace(db) as store:
        delete_rule(store, rule_id)
    console.print(f"Removed {rule_id}.")


@alerts_app.command("run")
def alerts_run(now: Annotated[Optional[str], typer.Option("--now", help="Evaluate as of this instant (ISO 8601).")] = None,
               db: DbOption = None) -> None:
    """Evaluate every rule now (for cron) and send the notifications."""
    from pulso.alerts import run

    when = None
    if now:
        try:
            when = dt.datetime.fromisoformat(now)
        except ValueError:
            raise GoalError(f"--now: '{now}' is not an ISO date and time, e.g. 2026-10-31T09:00:00+00:00") from None
        when = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    with open_workspace(db) as store:
        result = run(store, _engine(store), when)
    for a in result["raised"]:
        console.print(f"[bold]{a['id']}[/] {a['title']}")
    for e in result["errors"]:
        console.print(f"[red]rule {e['rule']} failed:[/] {e['error']}")
    console.print(f"{len(result['raised'])} new alert(s) in {result['seconds']:.1f} s.")


@alerts_app.command("list")
def alerts_list(all_: Annotated[bool, typer.Option("--all", help="Include acknowledged and snoozed ones.")] = False,
                fmt: FormatOption = "table", db: DbOption = None) -> None:
    """The inbox: open alerts, newest first."""
    from pulso.alerts import inbox

    fmt = _fmt_format(fmt)
    with open_workspace(db) as store:
        found = inbox(store, include_done=all_)
    if fmt == "json":
        return _print_json(found)
    _table("Alerts", ["id", "raised", "status", "title", "why"],
           [[a["id"], a["raised_at"], a["status"], a["title"], a["message"]] for a in found])


@alerts_app.command("ack")
def alerts_ack(alert_id: str, db: DbOption = None) -> None:
    """Acknowledge an alert."""
    from pulso.alerts import acknowledge

    with open_workspace(db) as store:
        acknowledge(store, alert_id)
    console.print(f"Acknowledged {alert_id}.")


@alerts_app.command("snooze")
def alerts_snooze(alert_id: str, hours: Annotated[str, typer.Option("--hours", help="1 to 720.")] = "24",
                  db: DbOption = None) -> None:
    """Hide an alert from the inbox for some hours."""
    from pulso.alerts import snooze

    with open_workspace(db) as store:
        until = snooze(store, alert_id, hours)
    console.print(f"Snoozed {alert_id} until {until:%Y-%m-%d %H:%M} UTC.")


CHANNEL_SETTINGS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_password", "smtp_from",
                    "alert_webhook_url", "webhook_allow_hosts", "alert_interval_minutes", "report_hour")


@alerts_app.command("channels")
def alerts_channels(setting: Annotated[Optional[list[str]], typer.Option("--set", help="NAME=VALUE (repeat), e.g. smtp_host=mail.example.com.")] = None,
                    db: DbOption = None) -> None:
    """Show or change the e-mail, webhook and schedule settings."""
    from pulso.alerts.channels import smtp_settings  # noqa: F401  (documents where they are read)

    values = _params(setting)
    bad = [k for k in values if k not in CHANNEL_SETTINGS]
    if bad:
        raise GoalError(f"--set: unknown setting(s) {', '.join(bad)}; use: {', '.join(CHANNEL_SETTINGS)}")
    for key in ("smtp_port", "alert_interval_minutes", "report_hour"):
        if key in values and not values[key].isdigit():
            raise GoalError(f"--set: {key} must be a whole number, not '{values[key]}'")
    if values.get("smtp_security", "none") not in ("none", "starttls", "ssl"):
        raise GoalError("--set: smtp_security is none, starttls or ssl")
    with open_workspace(db) as store:
        for key, value in values.items():
            store.set_setting(key, value)
        current = store.settings_dict()
    _table("Channels", ["setting", "value"],
           [[k, ("•••" if k == "smtp_password" and current.get(k) else current.get(k))] for k in CHANNEL_SETTINGS])


# -- reports -------------------------------------------------------------------------------

def report(period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q4, 2026-W05 or 2026.")],
           scope: ScopeOption = "company",
           fmt: Annotated[str, typer.Option("--format", help="pdf or html.")] = "pdf",
           lang: LangOption = "es",
           out: Annotated[Optional[Path], typer.Option("--out", help="File to write; default pulso-PERIOD.FORMAT.")] = None,
           today: TodayOption = None, db: DbOption = None) -> None:
    """Write the scorecard of a period for a scope as PDF or HTML."""
    from pulso.reports import build, render
    from pulso.reports.render import FORMATS

    if fmt not in FORMATS:
        raise GoalError(f"--format: '{fmt}' is not pdf or html")
    with open_workspace(db) as store:
        data = build(store, _engine(store), period=period, scope=scope, lang=lang, today=_today(today))
    body = render(data, fmt)
    target = out or Path(f"pulso-{data['period']}.{fmt}")
    try:
        target.write_bytes(body)
    except OSError as exc:
        raise GoalError(f"--out: cannot write {target}: {exc.strerror}") from None
    console.print(f"Wrote {target} ({len(body):,} bytes).")


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
    console.print(f"Schedule {s['id']}: {s['frequency']} to {s['recipients']}.")


@schedules_app.command("list")
def schedules_list(db: DbOption = None) -> None:
    """The report schedules."""
    from pulso.reports import schedules

    with open_workspace(db) as store:
        found = schedules(store)
    _table("Report schedules", ["id", "name", "frequency", "scope", "lang", "format", "to", "last sent"],
           [[s["id"], s["name"], s["frequency"], s["scope_kind"] + (":" + s["scope_id"] if s["scope_id"] else ""),
             s["lang"], s["format"], s["recipients"], s["last_period"]] for s in found])


@schedules_app.command("remove")
def schedules_remove(schedule_id: str, db: DbOption = None) -> None:
    """Delete a report schedule."""
    from pulso.reports import delete_schedule

    with open_workspace(db) as store:
        delete_schedule(store, schedule_id)
    console.print(f"Removed {schedule_id}.")


@schedules_app.command("send")
def schedules_send(today: TodayOption = None, db: DbOption = None) -> None:
    """Send every schedule's last whole period not sent yet (for cron)."""
    from pulso.reports import send_due

    now = dt.datetime.now(dt.timezone.utc)
    if today:
        now = dt.datetime.combine(_today(today), dt.time(12), tzinfo=dt.timezone.utc)
    with open_workspace(db) as store:
        sent = send_due(store, _engine(store), now)
    for s in sent:
        console.print(f"{s['schedule_id']} → {s['target']}: {s['status']}{' (' + s['error'] + ')' if s['error'] else ''}")
    console.print(f"{len(sent)} report(s) sent.")


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(goals_app, name="goals")
    app.add_typer(quotas_app, name="quotas")
    app.add_typer(okrs_app, name="okrs")
    app.add_typer(alerts_app, name="alerts")
    app.add_typer(schedules_app, name="report-schedules")
    app.command("report")(report)
