"""pulso.workspace.board: the deal board's data in one place — per stage its first cards (soonest
expected close first, none last, then oldest), its count and its amount and weighted totals per
currency over the whole column; the next open task and the account name of the shown cards only;
inside the caller's scope and the filters, on both backends."""

from __future__ import annotations

import datetime as dt

from pulso import workspace as ws

UTC = dt.timezone.utc
MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _seed(store) -> None:
    """Team t1: reps u1 and u2; admin a0. Stages s1 (open, 10 %), s2 (won, 100 %) of the default
    pipeline, s9 (open) of another. Deals, oldest first: d1 (u1, s1, open, 100 EUR, closes 20 March),
    d2 (u2, s1, open, 100 EUR, no expected close), d3 (u1, s2, won on 20 March, 100 EUR), d4 (u1, s2,
    won on 1 February), d5 (u1, s9, open), d6 (u1, s1, open, 50 USD, closes 10 March, campaign c1,
    account acc1 'Ferretería Luz'), d7 (u1, s1, open, no amount, closes 10 March, created after d6).
    Tasks on d1: t1 due 10 March, t2 due 5 March, t3 due 1 March but done; t4 on d2 without a due
    date; a call on d1 (not a task)."""
    at = [MAR + dt.timedelta(hours=h) for h in range(8)]
    deal = {"currency": "EUR", "amount": 100}
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte"}],
        "users": [{"id": u, "name": u, "email": f"{u}@x.es", "role": r, "team_id": "t1", "created_at": MAR}
                  for u, r in (("u1", "rep"), ("u2", "rep"), ("a0", "admin"))],
        "campaigns": [{"id": "c1", "name": "Feria", "channel": "events", "started_at": MAR}],
        "accounts": [{"id": "acc1", "name": "Ferretería Luz", "owner_id": "u2", "created_at": MAR}],
        "stages": [{"id": "s1", "name": "Nuevo", "position": 1, "kind": "open", "probability": 0.1, "pipeline": "default"},
                   {"id": "s2", "name": "Ganada", "position": 2, "kind": "won", "probability": 1.0, "pipeline": "default"},
                   {"id": "s9", "name": "Otra", "position": 1, "kind": "open", "probability": 0.2, "pipeline": "otro"}],
        "deals": [
            {**deal, "id": "d1", "owner_id": "u1", "stage_id": "s1", "status": "open", "created_at": at[0],
             "expected_close_at": dt.datetime(2026, 3, 20, tzinfo=UTC)},
            {**deal, "id": "d2", "owner_id": "u2", "stage_id": "s1", "status": "open", "created_at": at[1]},
            {**deal, "id": "d3", "owner_id": "u1", "stage_id": "s2", "status": "won", "created_at": at[2],
             "closed_at": dt.datetime(2026, 3, 20, tzinfo=UTC)},
            {**deal, "id": "d4", "owner_id": "u1", "stage_id": "s2", "status": "won",
             "created_at": dt.datetime(2026, 1, 5, tzinfo=UTC), "closed_at": dt.datetime(2026, 2, 1, tzinfo=UTC)},
            {**deal, "id": "d5", "owner_id": "u1", "stage_id": "s9", "status": "open", "created_at": at[4]},
            {"id": "d6", "owner_id": "u1", "stage_id": "s1", "status": "open", "created_at": at[5], "amount": 50,
             "currency": "USD", "campaign_id": "c1", "account_id": "acc1",
             "expected_close_at": dt.datetime(2026, 3, 10, tzinfo=UTC)},
            {"id": "d7", "owner_id": "u1", "stage_id": "s1", "status": "open", "created_at": at[6],
             "expected_close_at": dt.datetime(2026, 3, 10, tzinfo=UTC)},
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


def _ids(got, stage):
    return [d["id"] for d in got["columns"][stage]["deals"]]


def _totals(got, stage):
    return [(t["currency"], t["amount"], round(t["weighted"], 2)) for t in got["columns"][stage]["totals"]]


def test_the_board_reads_each_column_its_totals_and_the_shown_cards_tasks_and_accounts(store):
    _seed(store)
    admin = ws.caller_for(store, "a0")
    got = ws.board(store, admin, ["s1", "s2"], closed_since="2026-03-01")
    assert set(got["columns"]) == {"s1", "s2"}
    # s1: d6 and d7 close 10 March (d6 older), d1 on 20 March, d2 has no expected close
    assert _ids(got, "s1") == ["d6", "d7", "d1", "d2"] and _ids(got, "s2") == ["d3"]  # d4 closed before 1 March
    assert got["columns"]["s1"]["count"] == 4 and got["columns"]["s2"]["count"] == 1
    # s1: 100 + 100 EUR (10 %: 20), 50 USD (10 %: 5); d7 has no amount; s2: 100 EUR at 100 %
    assert _totals(got, "s1") == [("EUR", 200.0, 20.0), ("USD", 50.0, 5.0)]
    assert _totals(got, "s2") == [("EUR", 100.0, 100.0)]
    assert {k: v["id"] for k, v in got["next_task"].items()} == {"d1": "t2", "d2": "t4"}
    assert got["next_task"]["d1"]["outcome"] == "llamar"
    assert got["accounts"] == {"acc1": "Ferretería Luz"}


def test_each_column_shows_its_first_cards_and_counts_them_all(store):
    _seed(store)
    admin = ws.caller_for(store, "a0")
    got = ws.board(store, admin, ["s1", "s2"], closed_since="2026-01-01", limit=2)
    assert _ids(got, "s1") == ["d6", "d7"] and _ids(got, "s2") == ["d4", "d3"]  # no expected close: oldest first
    assert got["columns"]["s1"]["count"] == 4 and _totals(got, "s1") == [("EUR", 200.0, 20.0), ("USD", 50.0, 5.0)]
    assert got["next_task"] == {}  # d1 and d2 are not shown: their tasks are not read
    rest = ws.board(store, admin, ["s1"], limit=2, offset=2)
    assert _ids(rest, "s1") == ["d1", "d2"] and set(rest["next_task"]) == {"d1", "d2"} and rest["accounts"] == {}


def test_the_filters_narrow_cards_counts_and_totals(store):
    _seed(store)
    admin = ws.caller_for(store, "a0")
    mine = ws.board(store, admin, ["s1", "s2"], owners=["u1"], closed_since="2026-03-01")
    assert _ids(mine, "s1") == ["d6", "d7", "d1"] and _ids(mine, "s2") == ["d3"]
    assert _totals(mine, "s1") == [("EUR", 100.0, 10.0), ("USD", 50.0, 5.0)]
    feria = ws.board(store, admin, ["s1", "s2"], campaign="c1", closed_since="2026-03-01")
    assert _ids(feria, "s1") == ["d6"] and feria["columns"]["s2"] == {"count": 0, "totals": [], "deals": []}
    nobody = ws.board(store, admin, ["s1"], owners=[])
    assert nobody["columns"]["s1"]["count"] == 0 and nobody["next_task"] == {}


def test_a_rep_reads_only_their_own_board(store):
    _seed(store)
    rep = ws.caller_for(store, "u2")
    got = ws.board(store, rep, ["s1", "s2"], closed_since="2026-03-01")
    assert _ids(got, "s1") == ["d2"] and _ids(got, "s2") == []
    assert got["columns"]["s1"]["count"] == 1 and _totals(got, "s1") == [("EUR", 100.0, 10.0)]
    assert list(got["next_task"]) == ["d2"]
    assert ws.board(store, rep, ["s9"]) == {"columns": {"s9": {"count": 0, "totals": [], "deals": []}},
                                            "next_task": {}, "accounts": {}}
