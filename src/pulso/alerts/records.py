"""Event rules on records: a lead or ticket with no response, a deal stuck in a stage, an idle deal.

Each finding is one record, fingerprinted by its id (and stage or last activity), so it is raised
once. At most MAX_FINDINGS records per rule and run are raised (the oldest first); the rest wait
for the next run.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from pulso.access import Scope
from pulso.alerts.detect import Finding
from pulso.store import schema as S
from pulso.store.scoping import sql_scoped

MAX_FINDINGS = 100


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def unanswered(store, rule, now: dt.datetime) -> list[Finding]:
    """Leads (or tickets) that arrived in the last `lookback_days` and got no human response
    within `hours` (answered late or never)."""
    p = rule["params"]
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    hours = dt.timedelta(hours=p["hours"])
    since = now - dt.timedelta(days=p["lookback_days"])
    if p["record"] == "lead":
        t, a = S.leads, S.activities
        first = (sa.select(sa.func.min(a.c.occurred_at)).where(a.c.lead_id == t.c.id, a.c.automated.is_(False),
                                                               a.c.occurred_at >= t.c.created_at)
                 .scalar_subquery())
        query = (sa.select(t.c.id, t.c.name, t.c.owner_id, t.c.created_at.label("arrived"), first.label("answered"))
                 .where(t.c.created_at >= since, t.c.created_at <= now - hours, t.c.converted_at.is_(None),
                        t.c.disqualified_at.is_(None), sql_scoped(scope, "leads")))
    else:
        t = S.tickets
        answered = sa.case((t.c.first_response_automated.is_(True), None), else_=t.c.first_response_at)
        query = (sa.select(t.c.id, t.c.channel.label("name"), t.c.owner_id, t.c.opened_at.label("arrived"),
                           answered.label("answered"))
                 .where(t.c.opened_at >= since, t.c.opened_at <= now - hours, sql_scoped(scope, "tickets")))
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(sa.text("arrived"))).all()
    out = []
    word = "lead" if p["record"] == "lead" else "ticket"
    for r in rows:
        at, answered_at = _utc(r.arrived), _utc(r.answered)
        if answered_at is not None and answered_at - at <= hours:
            continue
        waited = ((answered_at or now) - at).total_seconds() / 3600
        state = f"respondido a las {waited:.0f} h" if answered_at else f"sin respuesta desde hace {waited:.0f} h"
        out.append(Finding(
            f"{word}:{r.id}", f"{word.capitalize()} sin respuesta en {p['hours']} h: {r.name or r.id}",
            f"El {word} {r.name or r.id} (responsable {r.owner_id or '—'}) llegó el {at:%Y-%m-%d %H:%M} UTC y está "
            f"{state}; el plazo es de {p['hours']} h.",
            {"record": word, "id": r.id, "owner": r.owner_id, "arrived_at": at.isoformat(),
             "answered_at": answered_at.isoformat() if answered_at else None, "hours": p["hours"],
             "waited_hours": round(waited, 1)},
            (f"{word.capitalize()} unanswered after {p['hours']} h: {r.name or r.id}",
             f"The {word} {r.name or r.id} (owner {r.owner_id or '—'}) arrived on {at:%Y-%m-%d %H:%M} UTC and "
             + (f"was answered after {waited:.0f} h" if answered_at else f"has had no answer for {waited:.0f} h")
             + f"; the limit is {p['hours']} h.")))
        if len(out) >= MAX_FINDINGS:
            break
    return out


def stuck(store, rule, now: dt.datetime) -> list[Finding]:
    """Open deals whose last stage change (or creation) is more than `days` ago."""
    days = rule["params"]["days"]
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    d, c = S.deals, S.deal_stage_changes
    open_ids = sa.select(d.c.id).where(d.c.status == "open", sql_scoped(scope, "deals"))
    # Only the history of open deals is read: a small part of millions of stage changes.
    moved = (sa.select(c.c.deal_id, sa.func.max(c.c.changed_at).label("moved")).where(c.c.deal_id.in_(open_ids))
             .group_by(c.c.deal_id).subquery())
    since = sa.func.coalesce(moved.c.moved, d.c.created_at)
    query = (sa.select(d.c.id, d.c.title, d.c.owner_id, d.c.stage_id, d.c.amount, since.label("since"))
             .select_from(d.outerjoin(moved, moved.c.deal_id == d.c.id))
             .where(d.c.status == "open", since < now - dt.timedelta(days=days), sql_scoped(scope, "deals"))
             .order_by(since, d.c.id).limit(MAX_FINDINGS))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        since_at = _utc(r.since)
        waited = (now - since_at).days
        out.append(Finding(
            f"deal:{r.id}:{r.stage_id}", f"Oportunidad estancada {waited} días: {r.title or r.id}",
            f"La oportunidad {r.title or r.id} (responsable {r.owner_id or '—'}, importe {r.amount or 0:g}) lleva "
            f"{waited} días en la etapa {r.stage_id}; el límite es {days} días.",
            {"id": r.id, "owner": r.owner_id, "stage": r.stage_id, "since": since_at.isoformat(), "days": waited,
             "limit_days": days, "amount": float(r.amount) if r.amount is not None else None},
            (f"Deal stuck for {waited} days: {r.title or r.id}",
             f"The deal {r.title or r.id} (owner {r.owner_id or '—'}, amount {r.amount or 0:g}) has been in stage "
             f"{r.stage_id} for {waited} days; the limit is {days} days.")))
    return out


def idle(store, rule, now: dt.datetime) -> list[Finding]:
    """Open deals with no activity (or none since they were created) for more than `days`."""
    days = rule["params"]["days"]
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    d, a = S.deals, S.activities
    open_ids = sa.select(d.c.id).where(d.c.status == "open", sql_scoped(scope, "deals"))
    touched = (sa.select(a.c.deal_id, sa.func.max(a.c.occurred_at).label("touched"))
               .where(a.c.deal_id.in_(open_ids)).group_by(a.c.deal_id).subquery())
    last = sa.func.coalesce(touched.c.touched, d.c.created_at)
    query = (sa.select(d.c.id, d.c.title, d.c.owner_id, d.c.amount, last.label("last"))
             .select_from(d.outerjoin(touched, touched.c.deal_id == d.c.id))
             .where(d.c.status == "open", last < now - dt.timedelta(days=days), sql_scoped(scope, "deals"))
             .order_by(last, d.c.id).limit(MAX_FINDINGS))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        last_at = _utc(r.last)
        waited = (now - last_at).days
        out.append(Finding(
            f"deal:{r.id}:{last_at.date().isoformat()}", f"Oportunidad sin actividad {waited} días: {r.title or r.id}",
            f"La oportunidad abierta {r.title or r.id} (responsable {r.owner_id or '—'}) no tiene actividad desde el "
            f"{last_at:%Y-%m-%d}; el límite es {days} días.",
            {"id": r.id, "owner": r.owner_id, "last_activity": last_at.isoformat(), "days": waited, "limit_days": days},
            (f"Deal without activity for {waited} days: {r.title or r.id}",
             f"The open deal {r.title or r.id} (owner {r.owner_id or '—'}) has had no activity since "
             f"{last_at:%Y-%m-%d}; the limit is {days} days.")))
    return out
