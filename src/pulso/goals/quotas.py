"""Quotas per rep or team per month, quarter or year, and the leaderboard they feed.

Quotas are rows of the canonical `quotas` table (dates with an inclusive end), so imports and the
API write them too; `quota_attainment` reads them. Entering one for a rep and period that already
has one replaces it: the row of that rep or team with the same first and last day keeps its id;
a new one's id is derived from who and when (a quarter or year of a fiscal year not starting in
January carries the month it starts in, `-fy4`, so it never takes the id of a calendar period's
quota). A period's quarter and year are those of the workspace's fiscal year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from pulso import audit, events
from pulso.access import Scope
from pulso.goals.scopes import GoalError, fiscal_of, parse_number, parse_period, parse_scope, resolve_scope
from pulso.i18n import N_, said, saying
from pulso.store import schema


def set_quota(store, *, scope: str | Scope, period: str, amount, currency: str | None = None,
              caller: Scope | None = None, actor: audit.Actor = audit.CLI, ip: str | None = None) -> dict[str, Any]:
    """Enter (or replace) the quota of a rep or team for a month, quarter or year."""
    where = parse_scope(scope) if isinstance(scope, str) else scope
    if where.kind == "company":
        raise said(GoalError, N_("una cuota es de un comercial (rep:ID) o de un equipo (team:ID), no de la empresa"))
    where = resolve_scope(store, where, caller)
    span = parse_period(period, fiscal_of(store))
    if span.grain == "week":
        raise said(GoalError, N_("periodo '{period}': las cuotas son por mes, trimestre o año"), period=period)
    value = parse_number(amount, saying(N_("importe")))
    if value < 0:
        raise said(GoalError, N_("importe: {amount} es negativo"), amount=amount)
    currency = (currency or store.settings_dict().get("currency") or "EUR").strip().upper()
    fiscal = f"-fy{span.fiscal}" if span.fiscal != 1 and span.grain != "month" else ""
    record = {
        "id": _same(store, where, span) or f"quota-{where.stored_kind}-{where.id}-{span.text}{fiscal}",
        "owner_id": where.id if where.kind == "owners" else None,
        "team_id": where.id if where.kind == "team" else None,
        "period_start": span.start, "period_end": span.end - dt.timedelta(days=1),
        "amount": value, "currency": currency,
    }
    store.upsert("quotas", [record])
    audit.record(store, "quotas.set", actor=actor, target=("quotas", record["id"]),
                 detail={"scope": where.text, "period": span.text, "amount": value}, ip=ip)
    events.data_arrived(store, source="api", tables=("quotas",))
    return record


def _same(store, where: Scope, span) -> str | None:
    """The id of the quota already stored for this rep or team over exactly this span, if any."""
    q = schema.quotas
    who = q.c.owner_id == where.id if where.kind == "owners" else q.c.team_id == where.id
    with store.engine.connect() as conn:
        return conn.execute(sa.select(q.c.id).where(who, q.c.period_start == span.start,
                                                    q.c.period_end == span.end - dt.timedelta(days=1))
                            .order_by(q.c.id).limit(1)).scalar()


def quotas(store, *, period: str | None = None) -> list[dict[str, Any]]:
    """Quotas (optionally those overlapping a period), by period then rep or team."""
    q = schema.quotas
    query = sa.select(q).order_by(q.c.period_start, q.c.owner_id, q.c.team_id)
    if period:
        span = parse_period(period, fiscal_of(store))
        query = query.where(q.c.period_start < span.end, q.c.period_end >= span.start)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def leaderboard(engine, *, period: str, scope: Scope | None = None) -> list[dict[str, Any]]:
    """Reps by quota attainment over a period (best first; reps with no quota last)."""
    span = parse_period(period, engine.fiscal_start())
    where = scope or Scope.company()
    rows = engine.query("quota_attainment", start=span.start, end=span.end, by=["owner"],
                        scope=where).rows
    out = [{"owner": r["owner"], "attainment": r["value"], "revenue": r["numerator"], "quota": r["denominator"]}
           for r in rows if r["owner"] is not None]
    out.sort(key=lambda r: (r["attainment"] is None, -(r["attainment"] or 0.0), str(r["owner"])))
    for i, r in enumerate(out, 1):
        r["rank"] = i
    return out
