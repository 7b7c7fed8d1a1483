"""Helpers of the goals, alerts and reports tests (fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
import socket

import sqlalchemy as sa

DEMO_AS_OF = dt.date(2026, 3, 15)
UTC = dt.timezone.utc


def at(text: str) -> str:
    """An instant in UTC as the store accepts it."""
    return text + "+00:00"


def tiny_records() -> dict[str, list[dict]]:
    """Two reps in one team, deals closed over four months with close rates chosen by hand:
    Jan 1/2, Feb 2/4, Mar 3/4 (won/closed), and April has one won and one lost."""
    users = [
        {"id": "u1", "name": "Ana", "email": "ana@example.com", "role": "rep", "team_id": "t1", "created_at": at("2025-01-01T00:00:00")},
        {"id": "u2", "name": "Bea", "email": "bea@example.com", "role": "rep", "team_id": "t1", "created_at": at("2025-01-01T00:00:00")},
        {"id": "u9", "name": "Otro", "email": "otro@example.com", "role": "rep", "team_id": "t2", "created_at": at("2025-01-01T00:00:00")},
    ]
    stages = [{"id": "s-open", "name": "Abierta", "position": 1, "kind": "open", "probability": 0.2},
              {"id": "s-won", "name": "Ganada", "position": 2, "kind": "won", "probability": 1.0},
              {"id": "s-lost", "name": "Perdida", "position": 3, "kind": "lost", "probability": 0.0}]
    outcomes = {"2026-01": ["won", "lost"], "2026-02": ["won", "won", "lost", "lost"],
                "2026-03": ["won", "won", "won", "lost"], "2026-04": ["won", "lost"]}
    deals = []
    for month, results in outcomes.items():
        for i, status in enumerate(results):
            deals.append({"id": f"d-{month}-{i}", "owner_id": "u1" if i % 2 == 0 else "u2", "title": f"Deal {month} {i}",
                          "amount": 1000, "currency": "EUR", "stage_id": f"s-{status}", "status": status, "kind": "new",
                          "created_at": at(f"{month}-01T09:00:00"), "closed_at": at(f"{month}-10T12:00:00")})
    return {"teams": [{"id": "t1", "name": "Norte"}, {"id": "t2", "name": "Sur"}], "users": users, "stages": stages,
            "deals": deals}


def goal_tables_state(store, crm: bool = True) -> dict:
    """Rows of every table of this feature and the CRM checksum: what must not change on bad input."""
    from pulso.store import tables_goals as T

    with store.engine.connect() as conn:
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                  for t in (T.goals, T.okr_objectives, T.okr_key_results, T.okr_checkins, T.alert_rules, T.alerts,
                            T.report_schedules)}
    return {"counts": counts, "crm": store.checksum() if crm else store.counts()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def use_smtp(store, server) -> None:
    """Point the workspace's e-mail settings at the local server."""
    store.set_setting("smtp_host", server["host"])
    store.set_setting("smtp_port", str(server["port"]))
    store.set_setting("smtp_from", "pulso@example.com")
