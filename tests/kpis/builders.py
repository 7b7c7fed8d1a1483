"""Tiny-fixture builders for the KPI value tests.

One function per canonical table returns a complete record dict (every field a batch may carry,
so that records of one batch all have the same keys); `Kpis` wraps `pulso.engine.Engine` for
short queries. Timestamps are naive ISO strings, i.e. local time in the workspace time zone
(UTC unless a test says otherwise). `covers(...)` names the KPI keys a test checks, so that
tests/catalog/test_catalog_values.py can verify every key of KPIS.md has a value test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)
APR = dt.date(2026, 4, 1)
HOUR = 3600
DAY = 86400


def covers(*keys: str):
    """Mark a test as checking the values of these KPI keys."""

    def mark(fn):
        fn.kpi_keys = tuple(getattr(fn, "kpi_keys", ())) + keys
        return fn

    return mark


# -- records ------------------------------------------------------------------------------------

def team(id: str) -> dict[str, Any]:
    return {"id": id, "name": f"Team {id}", "manager_id": None}


def user(id: str, *, team: str | None = None, role: str = "rep", active: bool = True,
         created: str = "2025-01-01T00:00:00") -> dict[str, Any]:
    return {"id": id, "name": f"User {id}", "email": f"{id}@example.com", "role": role,
            "team_id": team, "active": active, "created_at": created}


def account(id: str, *, acquired: str | None = None, churned: str | None = None,
            created: str = "2020-01-01T00:00:00", owner: str | None = None, email: str | None = None,
            phone: str | None = None, source: str | None = None) -> dict[str, Any]:
    return {"id": id, "name": f"Account {id}", "email": email, "phone": phone, "source": source,
            "owner_id": owner, "created_at": created, "acquired_at": acquired, "churned_at": churned}


def lead(id: str, created: str, *, mql: str | None = None, sql: str | None = None,
         converted: str | None = None, owner: str | None = None, source: str | None = None,
         campaign: str | None = None, visitor: str | None = None, email: str | None = None,
         phone: str | None = None) -> dict[str, Any]:
    return {"id": id, "name": f"Lead {id}", "email": email, "phone": phone, "source": source,
            "campaign_id": campaign, "visitor_id": visitor, "owner_id": owner, "created_at": created,
            "mql_at": mql, "sql_at": sql, "converted_at": converted}


def stage(id: str, kind: str, probability: float, position: int = 0) -> dict[str, Any]:
    return {"id": id, "pipeline": "default", "name": f"Stage {id}", "position": position,
            "kind": kind, "probability": probability}


def deal(id: str, created: str, status: str = "open", *, closed: str | None = None,
         amount: float | None = None, owner: str | None = None, kind: str = "new",
         stage: str | None = None, lead: str | None = None, account: str | None = None,
         campaign: str | None = None) -> dict[str, Any]:
    return {"id": id, "created_at": created, "status": status, "closed_at": closed, "amount": amount,
            "currency": "EUR" if amount is not None else None, "owner_id": owner, "kind": kind,
            "stage_id": stage, "lead_id": lead, "account_id": account, "campaign_id": campaign}


def activity(id: str, type: str, at: str, *, owner: str | None = None, direction: str | None = None,
             automated: bool = False, lead: str | None = None) -> dict[str, Any]:
    return {"id": id, "type": type, "occurred_at": at, "owner_id": owner, "direction": direction,
            "automated": automated, "lead_id": lead}


def ticket(id: str, opened: str, *, first_response: str | None = None, automated: bool | None = None,
           resolved: str | None = None, owner: str | None = None) -> dict[str, Any]:
    return {"id": id, "opened_at": opened, "first_response_at": first_response,
            "first_response_automated": automated, "resolved_at": resolved,
            "status": "resolved" if resolved else "open", "owner_id": owner}


def survey(id: str, kind: str, score: float, at: str, *, scale: tuple[float, float] = (0, 10),
           high_is_good: bool = True) -> dict[str, Any]:
    return {"id": id, "kind": kind, "score": score, "scale_min": scale[0], "scale_max": scale[1],
            "high_is_good": high_is_good, "answered_at": at}


def order(id: str, account: str | None, amount: float, at: str) -> dict[str, Any]:
    return {"id": id, "account_id": account, "amount": amount, "currency": "EUR", "ordered_at": at}


def subscription(id: str, *, term_end: str, renewed: bool | None, started: str = "2025-01-01T00:00:00",
                 monthly_amount: float = 100) -> dict[str, Any]:
    return {"id": id, "monthly_amount": monthly_amount, "currency": "EUR", "started_at": started,
            "term_end_at": term_end, "renewed": renewed}


def spend(id: str, category: str, start: str, end: str, amount: float, *, channel: str | None = None,
          campaign: str | None = None) -> dict[str, Any]:
    return {"id": id, "category": category, "period_start": start, "period_end": end, "amount": amount,
            "currency": "EUR", "channel": channel, "campaign_id": campaign}


def session(id: str, visitor: str, at: str, duration: int | None = None) -> dict[str, Any]:
    return {"id": id, "visitor_id": visitor, "started_at": at, "duration_s": duration}


def quota(id: str, start: str, end: str, amount: float, *, owner: str | None = None,
          team: str | None = None) -> dict[str, Any]:
    return {"id": id, "period_start": start, "period_end": end, "amount": amount, "currency": "EUR",
            "owner_id": owner, "team_id": team}


def usage(id: str, user: str, action: str, at: str) -> dict[str, Any]:
    return {"id": id, "user_id": user, "action": action, "occurred_at": at}


def campaign(id: str, started: str, ended: str | None = None, *, cost: float = 0,
             channel: str | None = None) -> dict[str, Any]:
    return {"id": id, "name": f"Campaign {id}", "started_at": started, "ended_at": ended, "cost": cost,
            "currency": "EUR", "channel": channel}


def flag_duplicates(store, rows: list[dict[str, Any]]) -> None:
    """Write dedupe's findings: duplicate_candidates is application state, outside upsert_many."""
    from pulso.store import schema

    with store.engine.begin() as conn:
        conn.execute(sa.insert(schema.duplicate_candidates), rows)


# -- shared fixtures ----------------------------------------------------------------------------

def seed_deals(store) -> None:
    """Closed and open deals of two reps; u3 (team t1, with u1) owns nothing.

    won in March:  D1 u1 1000, created 03-01 00:00, closed 03-11 00:00 → 10 days
                   D2 u2 3000, created 02-01 00:00, closed 03-03 00:00 → 30 days
                   D3 u1 8000, created 03-01 12:00, closed 03-03 00:00 → 1.5 days
    lost in March: D4 u2, D5 u1, D6 u2
    outside March: D7 won in February; D8 lost on 3 April (so still open at the end of March)
    open:          D9 u1 2000, D10 u2 5000
    """
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": None},
                  {"id": "t2", "name": "Sur", "manager_id": None}],
        "users": [user("u1", team="t1"), user("u2", team="t2"), user("u3", team="t1")],
        "deals": [
            deal("D1", "2026-03-01T00:00:00", "won", closed="2026-03-11T00:00:00", amount=1000, owner="u1"),
            deal("D2", "2026-02-01T00:00:00", "won", closed="2026-03-03T00:00:00", amount=3000, owner="u2"),
            deal("D3", "2026-03-01T12:00:00", "won", closed="2026-03-03T00:00:00", amount=8000, owner="u1"),
            deal("D4", "2026-03-01T00:00:00", "lost", closed="2026-03-15T00:00:00", amount=500, owner="u2"),
            deal("D5", "2026-03-02T00:00:00", "lost", closed="2026-03-20T00:00:00", amount=700, owner="u1"),
            deal("D6", "2026-03-03T00:00:00", "lost", closed="2026-03-25T00:00:00", amount=900, owner="u2"),
            deal("D7", "2026-01-10T00:00:00", "won", closed="2026-02-20T00:00:00", amount=9999, owner="u1"),
            deal("D8", "2026-03-05T00:00:00", "lost", closed="2026-04-03T00:00:00", amount=400, owner="u2"),
            deal("D9", "2026-03-10T00:00:00", amount=2000, owner="u1"),
            deal("D10", "2026-01-15T00:00:00", amount=5000, owner="u2"),
        ],
    })


# -- queries ------------------------------------------------------------------------------------

class Kpis:
    """Short KPI queries on one store: `k.one("close_rate")` is March 2026, whole period."""

    def __init__(self, store):
        from pulso.engine import Engine

        self.engine = Engine(store)

    def rows(self, key: str, start: dt.date = MAR, end: dt.date = APR, **kw: Any) -> list[dict[str, Any]]:
        return self.engine.query(key, start=start, end=end, **kw).rows

    def one(self, key: str, start: dt.date = MAR, end: dt.date = APR, **kw: Any) -> dict[str, Any]:
        rows = self.rows(key, start, end, **kw)
        assert len(rows) == 1, f"{key}: expected one row, got {rows}"
        return rows[0]

    def value(self, key: str, start: dt.date = MAR, end: dt.date = APR, **kw: Any) -> Any:
        return self.one(key, start, end, **kw)["value"]

    def by(self, key: str, dim: str, start: dt.date = MAR, end: dt.date = APR, **kw: Any) -> dict[Any, dict]:
        """Rows of a one-dimension split, keyed by the dimension's value."""
        rows = self.rows(key, start, end, by=[dim], **kw)
        keyed = {r[dim]: r for r in rows}
        assert len(keyed) == len(rows), f"{key} by {dim}: repeated values in {rows}"
        return keyed
