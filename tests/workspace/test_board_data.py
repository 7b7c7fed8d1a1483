"""pulso.workspace.deals.board: the deal board's data in two queries (the deals of a pipeline's
stages, and each one's next open task), inside the caller's scope, on both backends."""

from __future__ import annotations

import datetime as dt

from pulso import workspace as ws
from pulso.workspace.deals import board

UTC = dt.timezone.utc
MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _seed(store) -> None:
    """Team t1: reps u1 and u2; admin a0. Stages s1 (open), s2 (won) of the default pipeline, s9 (open)
    of another. Deals, oldest first: d1 (u1, s1, open), d2 (u2, s1, open), d3 (u1, s2, won on 20
    March), d4 (u1, s2, won on 1 February), d5 (u1, s9, open). Tasks on d1: t1 due 10 March, t2 due
    5 March, t3 due 1 March but done; t4 on d2 without a due date; a call on d1 (not a task)."""
    at = [MAR + dt.timedelta(hours=h) for h in range(5)]
    deal = {"currency": "EUR", "amount": 100}
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte"}],
        "users": [{"id": u, "name": u, "email": f"{u}@x.es", "role": r, "team_id": "t1", "created_at": MAR}
                  for u, r in (("u1", "rep"), ("u2", "rep"), ("a0", "admin"))],
        "stages": [{"id": "s1", "name": "Nuevo", "position": 1, "kind": "open", "probability": 0.1, "pipeline": "default"},
                   {"id": "s2", "name": "Ganada", "position": 2, "kind": "won", "probability": 1.0, "pipeline": "default"},
                   {"id": "s9", "name": "Otra", "position": 1, "kind": "open", "probability": 0.2, "pipeline": "otro"}],
        "deals": [
            {**deal, "id": "d1", "owner_id": "u1", "stage_id": "s1", "status": "open", "created_at": at[0]},
            {**deal, "id": "d2", "owner_id": "u2", "stage_id": "s1", "status": "open", "created_at": at[1]},
            {**deal, "id": "d3", "owner_id": "u1", "stage_id": "s2", "status": "won", "created_at": at[2],
             "closed_at": dt.datetime(2026, 3, 20, tzinfo=UTC)},
            {**deal, "id": "d4", "owner_id": "u1", "stage_id": "s2", "status": "won",
             "created_at": dt.datetime(2026, 1, 5, tzinfo=UTC), "closed_at": dt.datetime(2026, 2, 1, tzinfo=UTC)},
            {**deal, "id": "d5", "owner_id": "u1", "stage_id": "s9", "status": "open", "created_at": at[4]},
        ],
        "activities": [
            {"id": "t1", "type": "task", "deal_id": "d1", "owner_id": "u1", "occurred_at": MAR,
             "due_at": dt.datetime(2026, 3, 10, tzinfo=UTC), "outcome": "enviar oferta"},
            {"id": "t2", "type": "task", "deal_id": "d1", "owner_id": "u1", "occurred_at": MAR,
             "due_at": dt.datetime(2026, 3, 5, tzinfo=UTC), "outcome": "llamar"},
            {"id": "t3", "type": "task", "deal_id": "d1", "owner_id": "u1", "occurred_at": MAR,
             "due_at": dt.datetime(2026, 3, 1, tzinfo=UTC), "done_at": MAR, "outcome": "hecha"},
            {"id": "t4", "type": "task", "deal_id": "d2", "owner_id": "u2", "occurred_at": MAR, "outcome": "visita"},
            {"id": "x1", "type": "call", "deal_id": "d1", "owner_id": "u1", "occurred_at": MAR},
        ],
    })


def test_the_board_reads_its_deals_and_their_next_tasks(store):
    _seed(store)
    admin = ws.caller_for(store, "a0")
    got = board(store, admin, ["s1", "s2"], closed_since="2026-03-01")
    assert [d["id"] for d in got["deals"]] == ["d1", "d2", "d3"]  # d4 closed before, d5 another pipeline
    assert {k: v["id"] for k, v in got["next_task"].items()} == {"d1": "t2", "d2": "t4"}
    assert got["next_task"]["d1"]["outcome"] == "llamar"
    assert [d["id"] for d in board(store, admin, ["s1", "s2"], owners=["u1"], closed_since="2026-03-01")["deals"]] == [
        "d1", "d3"]
    assert [d["id"] for d in board(store, admin, ["s1", "s2"], closed_since="2026-01-01", limit=3)["deals"]] == [
        "d4", "d1", "d2"]


def test_a_rep_reads_only_their_own_board(store):
    _seed(store)
    got = board(store, ws.caller_for(store, "u2"), ["s1", "s2"], closed_since="2026-03-01")
    assert [d["id"] for d in got["deals"]] == ["d2"]
    assert list(got["next_task"]) == ["d2"]
    assert board(store, ws.caller_for(store, "u2"), ["s9"]) == {"deals": [], "next_task": {}}
