"""The inbox: which alerts a caller sees, page by page; acknowledging, snoozing; the delivery log.

A caller sees the alerts of rules inside their scope, and those about a rep inside it (a
company-wide rule's alert on a rep's record reaches that rep). The scope is part of the query,
before the newest-first order and the page, so every visible alert can be reached (`offset`).
An alert outside the caller's scope looks absent: the message is the one of an unknown id.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from pulso import audit
from pulso.access import Scope
from pulso.alerts.detect import as_seen_by_rep, finite
from pulso.goals.scopes import GoalError, parse_number, require_visible, within
from pulso.store import schema as S
from pulso.store import tables_goals as T

MAX_PAGE = 1000


def load_detail(text: str | None) -> dict[str, Any]:
    """A stored detail as a dict with finite numbers only (rows stored before non-finite numbers
    were refused may hold Infinity or NaN: they read as null, so the page's JSON stays valid)."""
    if not text:
        return {}
    detail, where = finite(json.loads(text))
    if where:
        detail.setdefault("not_finite", where)
    return detail


def _owner(a) -> sa.ColumnElement:
    """The detail's `owner`, read by the database. Old details may hold the bare words Infinity or
    NaN, which are not JSON: they are turned into null first (only `owner` is read)."""
    text = a.c.detail
    for word in ("-Infinity", "Infinity", "NaN"):
        text = sa.func.replace(text, word, "null")
    return sa.cast(text, sa.JSON)["owner"].as_string()


def visible(a, caller: Scope) -> sa.ColumnElement:
    """SQL: the alerts of table `a` the caller sees (the rule's scope inside the caller's, or
    an alert about a rep inside it)."""
    if caller.kind == "company":
        return sa.true()
    if caller.kind == "owners":
        return sa.or_(sa.and_(a.c.scope_kind == "rep", a.c.scope_id == caller.id), _owner(a) == caller.id)
    members = sa.select(S.users.c.id).where(S.users.c.team_id == caller.id)
    return sa.or_(sa.and_(a.c.scope_kind == "team", a.c.scope_id == caller.id),
                  sa.and_(a.c.scope_kind == "rep", a.c.scope_id.in_(members)),
                  _owner(a).in_(members))


def inbox(store, *, caller: Scope | None = None, now: dt.datetime | None = None, include_done: bool = False,
          handled: bool = False, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Alerts within the caller's scope, newest first: open and not snoozed; with `handled` the
    acknowledged or snoozed ones; with `include_done` all. `limit` and `offset` page through them."""
    if not (isinstance(limit, int) and isinstance(offset, int) and 0 <= limit <= MAX_PAGE and 0 <= offset):
        raise GoalError(f"inbox page: limit is 0 to {MAX_PAGE} and offset a whole number from 0")
    now = now or dt.datetime.now(dt.timezone.utc)
    a = T.alerts
    waiting = sa.and_(a.c.status == "open", sa.or_(a.c.snoozed_until.is_(None), a.c.snoozed_until <= now))
    query = sa.select(a).order_by(a.c.raised_at.desc(), a.c.id).limit(limit).offset(offset)
    if handled:
        query = query.where(~waiting)
    elif not include_done:
        query = query.where(waiting)
    if caller is not None:
        query = query.where(visible(a, caller))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    out = []
    for row in rows:
        row["detail"] = load_detail(row["detail"])
        out.append(as_seen_by_rep(row, caller.id) if caller is not None and caller.kind == "owners" else row)
    return out


def count(store, *, caller: Scope | None = None, now: dt.datetime | None = None) -> int:
    """How many open, not snoozed alerts the caller sees."""
    now = now or dt.datetime.now(dt.timezone.utc)
    a = T.alerts
    query = sa.select(sa.func.count()).select_from(a).where(
        a.c.status == "open", sa.or_(a.c.snoozed_until.is_(None), a.c.snoozed_until <= now))
    if caller is not None:
        query = query.where(visible(a, caller))
    with store.engine.connect() as conn:
        return conn.execute(query).scalar()


def _alert(store, alert_id: str, caller: Scope | None) -> dict[str, Any]:
    """One alert the caller sees; one outside their scope gets the message of an unknown id."""
    absent = f"no alert has the id '{alert_id}'"
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(T.alerts).where(T.alerts.c.id == alert_id)).mappings().first()
    if row is None:
        raise GoalError(absent)
    row = dict(row)
    row["detail"] = load_detail(row["detail"])
    if caller is not None and not within(store, Scope.stored(row["scope_kind"], row["scope_id"]), caller):
        owner = row["detail"].get("owner")
        require_visible(store, Scope.owners(owner) if owner else Scope.stored(row["scope_kind"], row["scope_id"]),
                        caller, absent)
    return row


def acknowledge(store, alert_id: str, *, caller: Scope | None = None, actor: audit.Actor = audit.CLI,
                now: dt.datetime | None = None, ip: str | None = None) -> None:
    """Mark an alert as handled: it leaves the inbox."""
    _alert(store, alert_id, caller)
    now = now or dt.datetime.now(dt.timezone.utc)
    with store.connect() as conn:
        conn.execute(T.alerts.update().where(T.alerts.c.id == alert_id)
                     .values(status="acknowledged", acknowledged_at=now, acknowledged_by=actor.id))
        audit.record(store, "alerts.acknowledge", actor=actor, target=("alerts", alert_id), ip=ip, conn=conn)


def snooze(store, alert_id: str, hours, *, caller: Scope | None = None, actor: audit.Actor = audit.CLI,
           now: dt.datetime | None = None, ip: str | None = None) -> dt.datetime:
    """Hide an alert from the inbox for `hours` (1 to 720); returns when it comes back."""
    number = parse_number(hours, "hours")
    if not 1 <= number <= 720:
        raise GoalError(f"hours: {hours} is not between 1 and 720")
    _alert(store, alert_id, caller)
    until = (now or dt.datetime.now(dt.timezone.utc)) + dt.timedelta(hours=number)
    with store.connect() as conn:
        conn.execute(T.alerts.update().where(T.alerts.c.id == alert_id).values(snoozed_until=until))
        audit.record(store, "alerts.snooze", actor=actor, target=("alerts", alert_id),
                     detail={"until": until.isoformat()}, ip=ip, conn=conn)
    return until


def deliveries(store, alert_id: str | None = None) -> list[dict[str, Any]]:
    """The notification log (optionally one alert's), oldest first."""
    n = T.notification_log
    query = sa.select(n).order_by(n.c.sent_at, n.c.id)
    if alert_id:
        query = query.where(n.c.alert_id == alert_id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def stored_detail(detail: dict[str, Any]) -> str:
    """A finding's detail as stored: JSON with finite numbers only (each non-finite one becomes
    null, and `not_finite` lists where)."""
    clean, where = finite(detail)
    if where:
        clean["not_finite"] = where
    return json.dumps(clean, default=str, ensure_ascii=False, allow_nan=False)

