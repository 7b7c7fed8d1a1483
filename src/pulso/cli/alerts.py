"""`pulso alerts`: alert rules, their evaluation, the inbox and the channels notifications go by.

    pulso alerts add peers --kpi lead_conversion_rate --channel email --to jefa@example.com
    pulso alerts run            # for cron: evaluate every rule now
    pulso alerts channels --set smtp_host=mail.example.com

The command line sees the whole company. Errors are one line and exit code 1; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Optional

import typer

from pulso.cli.common import (
    DbOption, FormatOption, ScopeOption, check_format, console, engine_of, language, open_workspace, print_json, print_table, texts,
)
from pulso.errors import GoalError
from pulso.i18n import N_, said, saying

alerts_app = typer.Typer(help="Alert rules, their evaluation, and the inbox.", no_args_is_help=True)


def _params(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _ = texts()
            raise GoalError(_("--param: '{item}' no es NOMBRE=VALOR, p. ej. --param hours=24").format(item=item))
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
        rule = create_rule(store, engine_of(store), kind=kind, kpi=kpi, scope=scope, params=_params(param),
                           channel=channel, recipients=to, name=name)
    _ = texts()
    console.print(_("Regla {id} ({kind}): {params}.").format(id=rule["id"], kind=rule["kind"], params=json.dumps(rule["params"])))


@alerts_app.command("rules")
def alerts_rules(db: DbOption = None) -> None:
    """The alert rules."""
    from pulso.alerts import rules

    with open_workspace(db) as store:
        found = rules(store)
    _ = texts()
    print_table(_("Reglas de alerta"), ["id", _("nombre"), _("tipo"), "KPI", _("ámbito"), _("canal"), _("parámetros")],
                [[r["id"], r["name"], r["kind"], r["kpi"], r["scope_kind"] + (":" + r["scope_id"] if r["scope_id"] else ""),
                  r["channel"], json.dumps(r["params"])] for r in found])


@alerts_app.command("remove")
def alerts_remove(rule_id: str, db: DbOption = None) -> None:
    """Delete an alert rule (its alerts stay)."""
    from pulso.alerts import delete_rule

    with open_workspace(db) as store:
        delete_rule(store, rule_id)
    _ = texts()
    console.print(_("{id} eliminada.").format(id=rule_id))


@alerts_app.command("run")
def alerts_run(now: Annotated[Optional[str], typer.Option("--now", help="Evaluate as of this instant (ISO 8601).")] = None,
               db: DbOption = None) -> None:
    """Evaluate every rule now (for cron) and send the notifications."""
    from pulso.alerts import run

    _ = texts()
    when = None
    if now:
        try:
            when = dt.datetime.fromisoformat(now)
        except ValueError:
            raise GoalError(_("--now: '{now}' no es una fecha y hora ISO, p. ej. 2026-10-31T09:00:00+00:00").format(now=now)) from None
        when = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    with open_workspace(db) as store:
        result = run(store, engine_of(store), when)
    for a in result["raised"]:
        console.print(f"[bold]{a['id']}[/] {a['title']}")
    for e in result["errors"]:
        console.print("[red]" + _("la regla {rule} falló:").format(rule=e["rule"]) + f"[/] {e['error']}")
    console.print(_("{n} alerta(s) nueva(s) en {seconds} s.").format(n=len(result["raised"]), seconds=f"{result['seconds']:.1f}"))


@alerts_app.command("list")
def alerts_list(all_: Annotated[bool, typer.Option("--all", help="Include acknowledged and snoozed ones.")] = False,
                fmt: FormatOption = "table", db: DbOption = None) -> None:
    """The inbox: open alerts, newest first."""
    from pulso.alerts import inbox

    fmt = check_format(fmt)
    with open_workspace(db) as store:
        found = inbox(store, include_done=all_)
    if fmt == "json":
        return print_json(found)
    _ = texts()
    print_table(_("Alertas"), ["id", _("emitida"), _("estado"), _("título"), _("por qué")],
                [[a["id"], a["raised_at"], a["status"], a["title"], a["message"]] for a in found])


@alerts_app.command("ack")
def alerts_ack(alert_id: str, db: DbOption = None) -> None:
    """Acknowledge an alert."""
    from pulso.alerts import acknowledge

    with open_workspace(db) as store:
        acknowledge(store, alert_id)
    _ = texts()
    console.print(_("{id} reconocida.").format(id=alert_id))


@alerts_app.command("snooze")
def alerts_snooze(alert_id: str, hours: Annotated[str, typer.Option("--hours", help="1 to 720.")] = "24",
                  db: DbOption = None) -> None:
    """Hide an alert from the inbox for some hours."""
    from pulso.alerts import snooze

    with open_workspace(db) as store:
        until = snooze(store, alert_id, hours)
    _ = texts()
    console.print(_("{id} pospuesta hasta el {until} UTC.").format(id=alert_id, until=f"{until:%Y-%m-%d %H:%M}"))


@alerts_app.command("channels")
def alerts_channels(setting: Annotated[Optional[list[str]], typer.Option("--set", help="NAME=VALUE (repeat), e.g. smtp_host=mail.example.com.")] = None,
                    db: DbOption = None) -> None:
    """Show or change the e-mail, webhook and schedule settings."""
    from pulso.alerts.channels import SETTINGS, check_settings

    values = _params(setting)
    try:
        check_settings(values)
    except GoalError as exc:
        raise said(GoalError, N_("--set: {error}"), error=saying(exc.text, **exc.values)) from None
    with open_workspace(db) as store:
        for key, value in values.items():
            store.set_setting(key, value)
        current = store.settings_dict()
    _ = texts()
    print_table(_("Canales"), [_("ajuste"), _("valor")],
                [[k, ("•••" if k == "smtp_password" and current.get(k) else current.get(k))] for k in SETTINGS])


@alerts_app.command("starter")
def alerts_starter(install: Annotated[bool, typer.Option("--install", help="Add the starter rules not yet stored.")] = False,
                   remove: Annotated[bool, typer.Option("--remove", help="Delete the starter rules (their alerts stay).")] = False,
                   fmt: FormatOption = "table", db: DbOption = None) -> None:
    """The starter alert rules: list them (default), --install the missing ones, or --remove them."""
    from pulso.alerts import starter

    fmt = check_format(fmt)
    _ = texts()
    if install and remove:
        raise GoalError(_("--install y --remove no van juntos"))
    with open_workspace(db) as store:
        if install:
            created = starter.install(store, engine_of(store))
            console.print(_("{n} regla(s) inicial(es) añadida(s).").format(n=len(created)))
        if remove:
            gone = starter.remove(store)
            console.print(_("{n} regla(s) inicial(es) eliminada(s).").format(n=len(gone)))
        found = starter.listed(store, language())
    if fmt == "json":
        return print_json(found)
    print_table(_("Reglas iniciales"), [_("nombre"), _("tipo"), "KPI", "id", _("activa"), _("por qué")],
                [[s["name"], s["kind"], s["kpi"] or "", s["rule_id"] or "—",
                  (_("sí") if s["enabled"] else _("no")) if s["rule_id"] else "—", s["why"]] for s in found])


@alerts_app.command("enable")
def alerts_enable(rule_id: str, db: DbOption = None) -> None:
    """Switch an alert rule on."""
    from pulso.alerts.starter import set_enabled

    with open_workspace(db) as store:
        set_enabled(store, rule_id, True)
    _ = texts()
    console.print(_("{id} activada.").format(id=rule_id))


@alerts_app.command("disable")
def alerts_disable(rule_id: str, db: DbOption = None) -> None:
    """Switch an alert rule off: it raises nothing until switched on again."""
    from pulso.alerts.starter import set_enabled

    with open_workspace(db) as store:
        set_enabled(store, rule_id, False)
    _ = texts()
    console.print(_("{id} desactivada.").format(id=rule_id))
