"""Event rules on records: a lead or ticket with no response, a deal stuck in a stage, an idle deal.

Each finding is one record, fingerprinted by its id (and stage or last activity), so it is raised
once. At most MAX_FINDINGS records per rule and run are raised (the oldest first); the rest wait
for the next run.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from pulso.access import Scope
from pulso.alerts import sla, texts as W
from pulso.alerts.detect import Finding
from pulso.i18n import N_
from pulso.store import schema as S
from pulso.store.lookups import names
from pulso.store.scoping import sql_scoped

MAX_FINDINGS = 100
#: (title, message answered late, message not answered) per record kind
UNANSWERED = {
    "lead": (N_("Lead sin respuesta en {hours} h: {name}"),
             N_("El lead {name} (responsable {owner}) llegó el {at} y está respondido a las {waited} h; "
                "el plazo es de {hours} h."),
             N_("El lead {name} (responsable {owner}) llegó el {at} y está sin respuesta desde hace {waited} h; "
                "el plazo es de {hours} h.")),
    "ticket": (N_("Ticket sin respuesta en {hours} h: {name}"),
               N_("El ticket {name} (responsable {owner}) llegó el {at} y está respondido a las {waited} h; "
                  "el plazo es de {hours} h."),
               N_("El ticket {name} (responsable {owner}) llegó el {at} y está sin respuesta desde hace {waited} h; "
                  "el plazo es de {hours} h.")),
}
#: The messages of alerts raised before times were said in the workspace's zone ({at}: a UTC
#: text): kept in the catalog so those stored alerts still read in English.
LEGACY_UNANSWERED = (
    N_("El lead {name} (responsable {owner}) llegó el {at} UTC y está respondido a las {waited} h; "
       "el plazo es de {hours} h."),
    N_("El lead {name} (responsable {owner}) llegó el {at} UTC y está sin respuesta desde hace {waited} h; "
       "el plazo es de {hours} h."),
    N_("El ticket {name} (responsable {owner}) llegó el {at} UTC y está respondido a las {waited} h; "
       "el plazo es de {hours} h."),
    N_("El ticket {name} (responsable {owner}) llegó el {at} UTC y está sin respuesta desde hace {waited} h; "
       "el plazo es de {hours} h."),
)


def _people(store) -> dict[str, str]:
    """User id → name: findings name people, never show their ids."""
    return names(store)["owner"]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def unanswered(store, rule, now: dt.datetime) -> list[Finding]:
    """Leads (or tickets) that arrived in the last `lookback_days` and got no human response
    within `hours` (answered late or never)."""
    p = rule["params"]
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    per_priority = sla.sla_hours(store) if p["hours"] == "sla" else None  # a ticket's priority's hours
    hours = dt.timedelta(hours=min(per_priority.values()) if per_priority else p["hours"])
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
                           answered.label("answered"), t.c.priority)
                 .where(t.c.opened_at >= since, t.c.opened_at <= now - hours, sql_scoped(scope, "tickets")))
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(sa.text("arrived"))).all()
    out = []
    word = "lead" if p["record"] == "lead" else "ticket"
    people = _people(store) if rows else {}
    zone = store.timezone.key if rows else "UTC"
    week = sla.working_week(store.settings_dict()) if rows else None  # working hours, when set (alerts/sla.py)
    for r in rows:
        at, answered_at = _utc(r.arrived), _utc(r.answered)
        limit = p["hours"] if per_priority is None else sla.hours_for(per_priority, r.priority)
        waited = sla.waited(at, answered_at or now, week)
        if not sla.breached(waited, limit):  # answered within, or not yet due (exactly at the limit is within)
            continue
        title, late, never = UNANSWERED[word]
        out.append(Finding(
            f"{word}:{r.id}", W.text(title, late if answered_at else never, name=r.name or r.id,
                                     owner=people.get(r.owner_id) or r.owner_id or "—", at=W.moment(at, zone),
                                     hours=W.number(limit, 0 if float(limit).is_integer() else 1),
                                     waited=W.number(waited)),
            {"record": word, "id": r.id, "owner": r.owner_id, "arrived_at": at.isoformat(),
             "answered_at": answered_at.isoformat() if answered_at else None, "hours": limit,
             "waited_hours": round(waited, 1)}))
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
    query = (sa.select(d.c.id, d.c.title, d.c.owner_id, d.c.stage_id, d.c.amount, d.c.currency, since.label("since"))
             .select_from(d.outerjoin(moved, moved.c.deal_id == d.c.id))
             .where(d.c.status == "open", since < now - dt.timedelta(days=days), sql_scoped(scope, "deals"))
             .order_by(since, d.c.id).limit(MAX_FINDINGS))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    known = names(store) if rows else {"owner": {}, "stage": {}}
    people, stages = known["owner"], known["stage"]
    for r in rows:
        since_at = _utc(r.since)
        waited = (now - since_at).days
        out.append(Finding(
            f"deal:{r.id}:{r.stage_id}",
            W.text(N_("Oportunidad estancada {days} días: {name}"),
                   N_("La oportunidad {name} (responsable {owner}, importe {amount}) lleva {days} días en la etapa "
                      "{stage}; el límite es {limit} días."),
                   name=r.title or r.id, owner=people.get(r.owner_id) or r.owner_id or "—",
                   amount=W.money(float(r.amount or 0), r.currency or "EUR"), days=W.number(waited),
                   stage=stages.get(r.stage_id) or r.stage_id, limit=W.number(days)),
            {"id": r.id, "owner": r.owner_id, "stage": r.stage_id, "since": since_at.isoformat(), "days": waited,
             "limit_days": days, "amount": float(r.amount) if r.amount is not None else None}))
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
    people = _people(store) if rows else {}
    zone = store.timezone.key if rows else "UTC"
    for r in rows:
        last_at = _utc(r.last)
        waited = (now - last_at).days
        out.append(Finding(
            f"deal:{r.id}:{last_at.date().isoformat()}",
            W.text(N_("Oportunidad sin actividad {days} días: {name}"),
                   N_("La oportunidad abierta {name} (responsable {owner}) no tiene actividad desde el {since}; "
                      "el límite es {limit} días."),
                   name=r.title or r.id, owner=people.get(r.owner_id) or r.owner_id or "—",
                   since=f"{last_at:%Y-%m-%d}", days=W.number(waited), limit=W.number(days)),
            {"id": r.id, "owner": r.owner_id, "last_activity": last_at.isoformat(), "days": waited, "limit_days": days}))
    return out
