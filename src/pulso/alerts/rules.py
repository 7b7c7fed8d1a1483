"""Alert rules: what to watch (a kind and its parameters), for which scope, told through which channel.

Kinds and their parameters (defaults in brackets):

- `threshold`: `kpi`, `threshold`, `op` below|above [the bad side of the KPI's direction],
  `grain` day|week|month [month], `period` previous|current [previous: the last whole period].
- `goal`: `goal` (a goal id): fires when the goal is off track (once per period of its grain).
- `anomaly`: `kpi`, `grain` week|month [month], `history` periods [12], `min_sample` [30],
  `confidence` [0.95]: the last whole period against the KPI's own history, seasonality-aware.
- `peers`: `kpi`, `days` [180], `min_sample` [30], `confidence` [0.99]: each rep against the others.
- `unanswered`: `record` lead|ticket [lead], `hours` [24] (for tickets `sla`: each priority's hours from the
  setting `sla_first_response_hours`), `lookback_days` [7].
- `stuck`: `days` [30]: an open deal in the same stage for more than N days.
- `idle`: `days` [14]: an open deal with no activity for N days.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import sqlalchemy as sa

from pulso import audit
from pulso.access import Scope
from pulso.goals.scopes import GoalError, parse_number, require_visible, resolve_scope
from pulso.i18n import N_, said
from pulso.store import tables_goals as T

KINDS = ("threshold", "goal", "anomaly", "peers", "unanswered", "stuck", "idle")
CHANNELS = ("inbox", "email", "webhook")
KPI_KINDS = ("threshold", "anomaly", "peers")
DEFAULTS: dict[str, dict[str, Any]] = {
    "threshold": {"grain": "month", "period": "previous"},
    "goal": {},
    "anomaly": {"grain": "month", "history": 12, "min_sample": 30, "confidence": 0.95},
    "peers": {"days": 180, "min_sample": 30, "confidence": 0.99},
    "unanswered": {"record": "lead", "hours": 24, "lookback_days": 7},
    "stuck": {"days": 30},
    "idle": {"days": 14},
}
WEBHOOK_ADMIN_ONLY = N_("destinatarios: solo un administrador puede indicar la URL de un webhook; déjelo vacío "
                        "para usar el webhook del espacio de trabajo (ajuste alert_webhook_url)")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def _int(params: dict, name: str, lo: int, hi: int) -> None:
    value = params[name]
    number = parse_number(value, name)
    if number != int(number) or not lo <= number <= hi:
        raise said(GoalError, N_("{name}: '{value}' no es un número entero de {lo} a {hi}"), name=name, value=value,
                   lo=lo, hi=hi)
    params[name] = int(number)


def check_params(kind: str, kpi: str | None, params: dict[str, Any], engine, store) -> dict[str, Any]:
    """The parameters of a rule with defaults filled in, or a GoalError naming the bad one."""
    if kind not in KINDS:
        raise said(GoalError, N_("tipo de regla desconocido '{kind}'; use uno de: {kinds}"), kind=kind,
                   kinds=", ".join(KINDS))
    out = {**DEFAULTS[kind], **{k: v for k, v in params.items() if v not in (None, "")}}
    unknown = set(out) - set(DEFAULTS[kind]) - {"threshold", "op", "goal"}
    if unknown:
        raise said(GoalError, N_("parámetro(s) desconocido(s) para una regla de tipo {kind}: {names}"), kind=kind,
                   names=", ".join(sorted(unknown)))
    if kind in KPI_KINDS:
        if not kpi:
            raise said(GoalError, N_("una regla de tipo {kind} necesita un KPI"), kind=kind)
        engine.kpi(kpi)
    if kind == "threshold":
        if "threshold" not in out:
            raise said(GoalError, N_("una regla de umbral necesita un umbral"))
        out["threshold"] = parse_number(out["threshold"], "threshold")
        op = out.get("op") or ("above" if engine.kpi(kpi).direction == "down" else "below")
        if op not in ("below", "above"):
            raise said(GoalError, N_("op: '{op}' no es below ni above"), op=op)
        out["op"] = op
        if out["grain"] not in ("day", "week", "month", "quarter"):
            raise said(GoalError, N_("grain: '{grain}' no es day, week, month ni quarter"), grain=out["grain"])
        if out["period"] not in ("previous", "current"):
            raise said(GoalError, N_("period: '{period}' no es previous ni current"), period=out["period"])
    elif kind == "goal":
        from pulso.goals import goal

        if not out.get("goal"):
            raise said(GoalError, N_("una regla de meta necesita el id de la meta"))
        goal(store, str(out["goal"]))
    elif kind == "anomaly":
        if out["grain"] not in ("week", "month"):
            raise said(GoalError, N_("grain: '{grain}' no es week ni month"), grain=out["grain"])
        _int(out, "history", 4, 60)
    if kind in ("anomaly", "peers"):
        _int(out, "min_sample", 1, 1_000_000)
        conf = parse_number(out["confidence"], "confidence")
        if not 0.5 <= conf < 1:
            raise said(GoalError, N_("confidence: {confidence} no está entre 0.5 y 1 (p. ej. 0.95)"),
                       confidence=out["confidence"])
        out["confidence"] = conf
    if kind == "peers":
        _int(out, "days", 7, 3660)
    if kind == "unanswered":
        if out["record"] not in ("lead", "ticket"):
            raise said(GoalError, N_("record: '{record}' no es lead ni ticket"), record=out["record"])
        if out["record"] == "ticket" and out["hours"] == "sla":
            pass  # each ticket's priority's hours, from the setting sla_first_response_hours (pulso.alerts.sla)
        else:
            _int(out, "hours", 1, 24 * 365)
        _int(out, "lookback_days", 1, 365)
    if kind in ("stuck", "idle"):
        _int(out, "days", 1, 3650)
    return out


def check_recipients(channel: str, recipients: str | None, *, admin: bool = True) -> str | None:
    """E-mail addresses (comma-separated) for e-mail, a http(s) URL for a webhook (an admin's only:
    anyone else's webhook rule uses the workspace's alert_webhook_url, which an admin set)."""
    if channel not in CHANNELS:
        raise said(GoalError, N_("canal desconocido '{channel}'; use uno de: {channels}"), channel=channel,
                   channels=", ".join(CHANNELS))
    text = (recipients or "").strip()
    if channel == "email":
        addresses = [a.strip() for a in text.split(",") if a.strip()]
        bad = [a for a in addresses if not _EMAIL.match(a)]
        if not addresses or bad:
            if not bad:
                raise said(GoalError, N_("destinatarios: ninguno; escriba direcciones de correo separadas por comas"))
            raise said(GoalError, N_("destinatarios: {bad}; escriba direcciones de correo separadas por comas"),
                       bad=", ".join(bad))
        return ", ".join(addresses)
    if channel == "webhook":
        if text and not admin:
            raise said(GoalError, WEBHOOK_ADMIN_ONLY)
        if text and not re.match(r"^https?://[^\s]+$", text):
            raise said(GoalError, N_("destinatarios: '{text}' no es una URL http(s)"), text=text)
        return text or None  # empty: the workspace's alert_webhook_url
    return None


def create_rule(store, engine, *, kind: str, name: str | None = None, kpi: str | None = None,
                scope: str | Scope = "company", params: dict[str, Any] | None = None, channel: str = "inbox",
                recipients: str | None = None, caller: Scope | None = None, admin: bool | None = None,
                actor: audit.Actor = audit.CLI, ip: str | None = None) -> dict[str, Any]:
    """Check and store an alert rule. Only an admin (`admin`; by default the command line, caller
    None) may give a webhook URL: the server POSTs alert details there."""
    where = resolve_scope(store, scope, caller)
    kpi = (kpi or "").strip() or None
    checked = check_params(kind, kpi, dict(params or {}), engine, store)
    if kpi and where.kind != "company" and not engine.kpi(kpi).owned:
        raise said(GoalError, N_("{kpi} cuenta registros que no son de nadie; solo una regla de toda la empresa "
                                 "puede vigilarlo"), kpi=kpi)
    if kind == "peers" and where.kind == "owners":
        raise said(GoalError, N_("una regla de pares compara a los comerciales de un equipo o de la empresa; "
                                 "indique company o team:ID"))
    recipients = check_recipients(channel, recipients, admin=caller is None if admin is None else admin)
    name = (name or "").strip() or f"{kind} {kpi or ''}".strip()
    if len(name) > 200:
        raise said(GoalError, N_("nombre: como mucho 200 caracteres"))
    row = {"id": "rule-" + uuid.uuid4().hex[:12], "name": name, "kind": kind, "kpi": kpi, "scope_kind": where.stored_kind,
           "scope_id": where.id, "params": json.dumps(checked, sort_keys=True), "channel": channel,
           "recipients": recipients, "enabled": True, "created_by": actor.id,
           "created_at": dt.datetime.now(dt.timezone.utc)}
    with store.connect() as conn:
        conn.execute(T.alert_rules.insert().values(**row))
        audit.record(store, "alerts.rule_create", actor=actor, target=("alert_rules", row["id"]),
                     detail={"kind": kind, "kpi": kpi, "scope": where.text, "channel": channel}, ip=ip, conn=conn)
    return {**row, "params": checked}


def rules(store, *, enabled_only: bool = False) -> list[dict[str, Any]]:
    """Stored rules, oldest first, with their parameters as a dict."""
    query = sa.select(T.alert_rules).order_by(T.alert_rules.c.created_at, T.alert_rules.c.id)
    if enabled_only:
        query = query.where(T.alert_rules.c.enabled.is_(True))
    with store.engine.connect() as conn:
        out = [dict(r) for r in conn.execute(query).mappings()]
    for r in out:
        r["params"] = json.loads(r["params"])
    return out


def delete_rule(store, rule_id: str, *, caller: Scope | None = None, actor: audit.Actor = audit.CLI,
                ip: str | None = None) -> None:
    """Remove a rule (its past alerts stay in the inbox); one outside the caller's scope looks absent."""
    found = [r for r in rules(store) if r["id"] == rule_id]
    absent = said(GoalError, N_("ninguna regla de alerta tiene el id '{id}'"), id=rule_id)
    if not found:
        raise absent
    require_visible(store, Scope.stored(found[0]["scope_kind"], found[0]["scope_id"]), caller, absent)
    with store.connect() as conn:
        conn.execute(T.alert_rules.delete().where(T.alert_rules.c.id == rule_id))
        audit.record(store, "alerts.rule_delete", actor=actor, target=("alert_rules", rule_id), ip=ip, conn=conn)
