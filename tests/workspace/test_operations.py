"""pulso.workspace: the CRM workspace's operations on both backends, against a small workspace whose
answers are worked out by hand: each write is one transaction inside the caller's scope, audited,
counted in usage_events, and seen by the KPI engine at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pulso import audit
from pulso import workspace as ws
from pulso.engine import Engine
from pulso.store import schema

UTC = dt.timezone.utc
MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MARCH = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 4, 1), "grain": "month"}


def seed(store) -> None:
    """t1: reps u1, u2 and manager m1; t2: rep u3; admin a0; viewer v1. Stages of the default
    pipeline: s1 Nuevo, s2 Propuesta (open), s3 Ganada, s4 Perdida. Leads l1, l2, l3 of u1 created on
    2 March; deals d1 (u1, 1,000 EUR, s1), d2 (u2, 500, s1), d3 (u3, 300, s1) created on 2 March."""
    people = [("u1", "rep", "t1"), ("u2", "rep", "t1"), ("m1", "manager", "t1"), ("u3", "rep", "t2"),
              ("a0", "admin", None), ("v1", "viewer", "t1")]
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "m1"}, {"id": "t2", "name": "Sur"}],
        "users": [{"id": u, "name": u, "email": f"{u}@example.com", "role": r, "team_id": t, "created_at": MAR}
                  for u, r, t in people],
        "stages": [{"id": s, "name": n, "position": p, "kind": k, "probability": pr}
                   for s, n, p, k, pr in (("s1", "Nuevo", 1, "open", 0.1), ("s2", "Propuesta", 2, "open", 0.5),
                                          ("s3", "Ganada", 3, "won", 1.0), ("s4", "Perdida", 4, "lost", 0.0))],
        "leads": [{"id": f"l{i}", "name": f"Lead {i}", "owner_id": "u1", "created_at": MAR} for i in (1, 2, 3)],
        "deals": [{"id": d, "owner_id": o, "amount": a, "currency": "EUR", "stage_id": "s1", "status": "open",
                   "created_at": MAR, "title": d} for d, o, a in (("d1", "u1", 1000), ("d2", "u2", 500), ("d3", "u3", 300))],
    })


@pytest.fixture
def ws_store(store):
    seed(store)
    return store


def who(store, user_id):
    return ws.caller_for(store, user_id)


def value(store, kpi: str) -> float | None:
    return Engine(store).query(kpi, **MARCH).rows[0]["value"]


def count(store, table: str, **where) -> int:
    tbl = schema.metadata.tables[table]
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(tbl)
                            .where(*(tbl.c[k] == v for k, v in where.items()))).scalar()


def test_converting_one_of_three_leads_moves_the_lead_conversion_rate(ws_store):
    store = ws_store
    u1 = who(store, "u1")
    assert value(store, "lead_conversion_rate") == 0.0          # 0 of 3 leads converted
    version = store.data_version
    out = ws.convert(store, u1, "l1", deal={"amount": 1200, "title": "Web"}, at=MAR + dt.timedelta(days=3))
    assert value(store, "lead_conversion_rate") == pytest.approx(1 / 3)   # 1 of 3
    assert value(store, "new_customers") == 1.0
    assert store.data_version > version
    lead = [r for r in store.rows("leads") if r["id"] == "l1"][0]
    assert lead["converted_at"] == MAR + dt.timedelta(days=3) and lead["account_id"] == out["account"]["id"]
    deal = [r for r in store.rows("deals") if r["id"] == out["deal"]["id"]][0]
    assert (deal["lead_id"], deal["account_id"], deal["owner_id"], deal["stage_id"], deal["status"]) == \
        ("l1", out["account"]["id"], "u1", "s1", "open")
    assert deal["amount"] == Decimal("1200.00") and deal["currency"] == "EUR"
    assert count(store, "deal_stage_changes", deal_id=deal["id"]) == 1
    assert count(store, "usage_events", user_id="u1", action="create") == 1
    assert [e["action"] for e in audit.entries(store, actions=["workspace.*"])] == ["workspace.lead.convert"]
    with pytest.raises(ws.StateError):
        ws.convert(store, u1, "l1")


def test_a_stage_move_writes_one_change_row_and_winning_moves_close_rate_and_revenue(ws_store):
    store = ws_store
    u1, u2 = who(store, "u1"), who(store, "u2")
    ws.move_deal(store, u1, "d1", "s3", at=MAR + dt.timedelta(days=5))   # won: 1,000
    assert count(store, "deal_stage_changes", deal_id="d1") == 1
    ws.close_deal(store, u2, "d2", "lost", reason="Precio", closed_at=MAR + dt.timedelta(days=6))
    assert count(store, "deal_stage_changes", deal_id="d2") == 1
    assert value(store, "close_rate") == pytest.approx(0.5)              # 1 won of 2 closed
    assert value(store, "revenue_won") == pytest.approx(1000.0)
    d2 = [r for r in store.rows("deals") if r["id"] == "d2"][0]
    assert (d2["status"], d2["stage_id"], d2["lost_reason"]) == ("lost", "s4", "Precio")
    with pytest.raises(ws.StateError):
        ws.move_deal(store, u1, "d1", "s3")
    with pytest.raises(ws.InputError):                                   # lost needs a reason
        ws.move_deal(store, u1, ws.create_deal(store, u1, {"title": "Otra"})["id"], "s4")


def test_a_record_others_point_to_changes_its_references(ws_store):
    """A second stage move (the first change row points to the deal) and a conversion after a
    logged call change reference columns of rows that others point to: both backends do it
    (DuckDB workspaces declare no foreign keys since migration 0010)."""
    store = ws_store
    u1 = who(store, "u1")
    ws.move_deal(store, u1, "d1", "s2", at=MAR + dt.timedelta(days=1))
    ws.log_activity(store, u1, {"type": "call", "lead_id": "l1", "occurred_at": MAR + dt.timedelta(hours=1)})
    ws.move_deal(store, u1, "d1", "s3", at=MAR + dt.timedelta(days=5))
    assert count(store, "deal_stage_changes", deal_id="d1") == 2
    assert value(store, "revenue_won") == pytest.approx(1000.0)
    ws.convert(store, u1, "l1", at=MAR + dt.timedelta(days=2))
    assert value(store, "lead_conversion_rate") == pytest.approx(1 / 3)


def test_another_rep_s_deal_is_not_found_and_the_store_is_unchanged(ws_store):
    store = ws_store
    u1, u3, m1 = who(store, "u1"), who(store, "u3"), who(store, "m1")
    before = store.checksum()
    for call in (lambda: ws.move_deal(store, u1, "d3", "s2"),           # another team's rep
                 lambda: ws.move_deal(store, u1, "d2", "s2"),           # a team mate's
                 lambda: ws.edit_deal(store, u3, "d1", {"amount": 1}),
                 lambda: ws.move_deal(store, m1, "d3", "s2"),           # a manager outside their team
                 lambda: ws.move_deal(store, u1, "nope", "s2")):
        with pytest.raises(ws.NotFoundError) as caught:
            call()
        assert caught.value.code == "not_found"
    assert str(ws.NotFoundError("No hay ningún registro '{id}' en {table}", id="d3", table="deals")) == \
        "No hay ningún registro 'd3' en deals"
    with pytest.raises(ws.ForbiddenError):
        ws.reassign(store, u1, "deals", ["d1"], "u2")                     # a rep does not reassign
    with pytest.raises(ws.OutOfScopeError):
        ws.reassign(store, m1, "deals", ["d1"], "u3")                     # outside the manager's team
    with pytest.raises(ws.NotFoundError):
        ws.reassign(store, m1, "deals", ["d1", "d3"], "u2")               # all or nothing
    with pytest.raises(ws.ForbiddenError):
        ws.create_lead(store, who(store, "v1"), {"name": "X"})           # a viewer writes nothing
    assert store.checksum() == before
    assert ws.reassign(store, m1, "deals", ["d1", "d2"], "u2") == 2
    assert {r["id"]: r["owner_id"] for r in store.rows("deals")} == {"d1": "u2", "d2": "u2", "d3": "u3"}
    assert count(store, "usage_events", user_id="m1", action="update") == 2
    assert ws.bulk_move(store, who(store, "a0"), ["d1", "d2", "d3"], "s2") == 3
    assert count(store, "deal_stage_changes") == 3


@pytest.mark.parametrize("call, error", [
    (lambda s, c: ws.create_lead(s, c, {"name": "x" * 201}), ws.InputError),
    (lambda s, c: ws.create_lead(s, c, {"name": 42}), ws.InputError),
    (lambda s, c: ws.create_lead(s, c, {"name": "=HYPERLINK(\"http://x\")"}), ws.InputError),
    (lambda s, c: ws.create_lead(s, c, {"name": "Ana", "email": "no-arroba"}), ws.InputError),
    (lambda s, c: ws.create_lead(s, c, {"name": "Ana", "secret": 1}), ws.InputError),
    (lambda s, c: ws.create_deal(s, c, {"title": "T", "amount": -5}), ws.InputError),
    (lambda s, c: ws.create_deal(s, c, {"title": "T", "amount": "1e400"}), ws.InputError),
    (lambda s, c: ws.create_deal(s, c, {"title": "T", "amount": True}), ws.InputError),
    (lambda s, c: ws.create_deal(s, c, {"title": "T", "stage_id": "zz"}), ws.InputError),
    (lambda s, c: ws.create_deal(s, c, {"title": "T", "kind": "gift"}), ws.InputError),
    (lambda s, c: ws.create_deal(s, c, {"title": "T", "expected_close_at": "mañana"}), ws.InputError),
    (lambda s, c: ws.move_deal(s, c, "d1", "unknown-stage"), ws.InputError),
    (lambda s, c: ws.move_deal(s, c, ["d1"], "s2"), ws.InputError),
    (lambda s, c: ws.close_deal(s, c, "d1", "won", closed_at="2020-01-01"), ws.InputError),  # before creation
    (lambda s, c: ws.log_activity(s, c, {"type": "call"}), ws.InputError),                  # on no record
    (lambda s, c: ws.log_activity(s, c, {"type": "fax", "lead_id": "l1"}), ws.InputError),
    (lambda s, c: ws.log_activity(s, c, {"type": "call", "lead_id": "l1", "duration_s": -1}), ws.InputError),
    (lambda s, c: ws.bulk_move(s, c, ["d1"] * 501, "s2"), ws.InputError),
    (lambda s, c: ws.qualify(s, c, "l1", "vip"), ws.InputError),
])
def test_hostile_input_is_refused_and_writes_nothing(ws_store, call, error):
    before = ws_store.checksum()
    with pytest.raises(error) as caught:
        call(ws_store, who(ws_store, "u1"))
    assert caught.value.field
    assert ws_store.checksum() == before


def test_leads_qualify_disqualify_and_duplicates(ws_store):
    store = ws_store
    u1, u3 = who(store, "u1"), who(store, "u3")
    at = MAR + dt.timedelta(days=1)
    ws.qualify(store, u1, "l2", "sql", at=at)                            # skips MQL: both set
    row = [r for r in store.rows("leads") if r["id"] == "l2"][0]
    assert row["mql_at"] == row["sql_at"] == at
    assert value(store, "lead_to_mql_rate") == pytest.approx(1 / 3)
    with pytest.raises(ws.StateError):
        ws.qualify(store, u1, "l2", "mql")
    ws.disqualify(store, u1, "l3", "Sin presupuesto", at=at)
    row = [r for r in store.rows("leads") if r["id"] == "l3"][0]
    assert (row["disqualified_at"], row["disqualified_reason"]) == (at, "Sin presupuesto")
    with pytest.raises(ws.StateError):
        ws.convert(store, u1, "l3")
    lead = ws.create_lead(store, u1, {"name": "José Núñez", "email": "Jose@Example.com", "phone": "+34 612 345 678"})
    assert lead["owner_id"] == "u1"
    found = ws.duplicates(store, u1, "leads", {"name": "jose nunez", "phone": "612-345-678", "email": "jose@example.com"})
    assert [(m["id"], m["reasons"]) for m in found["matches"]] == [(lead["id"], ["email", "phone", "name"])]
    assert ws.duplicates(store, u3, "leads", {"email": "JOSE@example.com"}) == {"matches": [], "hidden": 1}


def test_search_is_accent_and_case_insensitive_and_scoped(ws_store):
    store = ws_store
    u1, u3 = who(store, "u1"), who(store, "u3")
    ws.create_account(store, u1, {"name": "Óptica Muñoz", "email": "info@optica.es", "phone": "+34 911 22 33 44",
                                  "company": "Ópticas del Sur SL"})
    assert [r["name"] for r in ws.search(store, u1, "OPTICA munoz")] == ["Óptica Muñoz"]
    assert [r["name"] for r in ws.search(store, u1, "opticas del sur")] == ["Óptica Muñoz"]
    assert [r["name"] for r in ws.search(store, u1, "911 223")] == ["Óptica Muñoz"]
    assert [r["name"] for r in ws.search(store, u1, "100%_")] == []
    assert ws.search(store, u3, "optica") == []


def test_tickets_tasks_and_my_day(ws_store):
    store = ws_store
    u1 = who(store, "u1")
    now = MAR + dt.timedelta(days=20, hours=3)                            # 22 March, 12:00
    ticket = ws.create_ticket(store, u1, {"priority": "high", "opened_at": MAR})
    ws.log_activity(store, u1, {"type": "call", "lead_id": "l1", "occurred_at": MAR + dt.timedelta(hours=2)})
    overdue = ws.add_task(store, u1, {"outcome": "Llamar a Lead 2", "lead_id": "l2", "due_at": MAR + dt.timedelta(days=19)})
    today = ws.add_task(store, u1, {"outcome": "Enviar propuesta", "deal_id": "d1", "due_at": now + dt.timedelta(hours=2)})
    day = ws.my_day(store, u1, idle_days=14, now=now)
    assert [r["id"] for r in day["leads_waiting"]] == ["l2", "l3"]          # l1 was called
    assert day["leads_waiting"][0]["waiting_hours"] == 20 * 24 + 3
    assert [r["id"] for r in day["tasks_overdue"]] == [overdue["id"]]
    assert [r["id"] for r in day["tasks_today"]] == [today["id"]]
    assert [(r["id"], r["idle_days"]) for r in day["idle_deals"]] == [("d1", 20)]
    assert [r["id"] for r in day["tickets_waiting"]] == [ticket["id"]]
    ws.set_task_done(store, u1, overdue["id"], at=now)
    assert [t["id"] for t in ws.tasks(store, u1)] == [today["id"]]
    ws.respond(store, u1, ticket["id"], at=MAR + dt.timedelta(hours=4))
    assert value(store, "first_response_time_hours") == pytest.approx(4.0)
    ws.resolve(store, u1, ticket["id"], at=MAR + dt.timedelta(days=1))
    with pytest.raises(ws.StateError):
        ws.resolve(store, u1, ticket["id"])
    ws.reopen(store, u1, ticket["id"])
    assert ws.my_day(store, u1, now=now)["tickets_waiting"] == []          # answered, though open again
    with pytest.raises(ws.NotFoundError):
        ws.my_day(store, u1, "u3")                                          # another rep's day
    assert ws.my_day(store, who(store, "m1"), "u1", now=now)["user_id"] == "u1"


def test_a_survey_link_answers_once_and_moves_nps(ws_store):
    store = ws_store
    u1 = who(store, "u1")
    account = ws.create_account(store, u1, {"name": "Cliente"})
    sent = MAR
    link = ws.create_link(store, u1, account["id"], "nps", now=sent)
    assert ws.survey(store, link["token"], now=sent)["scale_max"] == 10
    with pytest.raises(ws.InputError):
        ws.answer(store, link["token"], 11, now=sent + dt.timedelta(days=1))
    ws.answer(store, link["token"], 9, now=sent + dt.timedelta(days=1))   # a promoter: NPS 100
    assert value(store, "nps") == pytest.approx(100.0)
    late = ws.create_link(store, u1, account["id"], "csat", days=30, now=sent)
    before = store.checksum()
    with pytest.raises(ws.SurveyLinkError):
        ws.answer(store, link["token"], 0, now=sent + dt.timedelta(days=2))
    with pytest.raises(ws.SurveyLinkError):
        ws.answer(store, late["token"], 5, now=sent + dt.timedelta(days=30))
    with pytest.raises(ws.NotFoundError):
        ws.answer(store, "x" * 43, 5)
    assert store.checksum() == before
    with pytest.raises(ws.NotFoundError):
        ws.create_link(store, who(store, "u3"), account["id"], "nps")      # another rep's customer
