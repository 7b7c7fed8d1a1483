"""Issue 12, the write side: quotas by team and owner, references to parents outside the scope,
existence oracles, ids with surrounding spaces, dates and formulas refused at every door.

The tiny workspace (tests/api/conftest.py): team t1 = manager m1, reps r1 and r2; team t2 = rep
r3. acc1, d1, o1, k1 are r1's; acc2, d2, o2 are r3's. q1 is t1's team quota (1000 EUR over
2026-01-01..2026-03-31, 90 days), q2 t2's. The manager's token is m1's, the rep's r1's. Every
refusal leaves the store exactly as it was; every accepted write is undone by the test.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
import sqlalchemy as sa

from pulso.engine import Engine
from pulso.errors import ValidationError
from pulso.ingest import values
from pulso.store import schema

pytestmark = pytest.mark.xdist_group("api-tiny")

AT = "2026-04-01T09:00:00"
UTC = dt.timezone.utc
ROLES = ("admin", "manager", "rep", "viewer")


def rows(world) -> dict[str, list[dict]]:
    """Every canonical row, to compare before and after (exact, not a digest)."""
    store = world.store()
    return world.run(lambda: {t: store.rows(t) for t in schema.CANONICAL_TABLES})


def post(world, who: str, table: str, records):
    return world.clients[who].post(f"/api/v1/records/{table}", json={"records": records})


def undo(world, table: str, ids) -> None:
    for rid in ids:
        assert world.clients["admin"].delete(f"/api/v1/records/{table}/{rid}").status_code == 200, (table, rid)


def quota(qid: str, owner: str | None = None, team: str | None = None, **extra) -> dict:
    return {"id": qid, "owner_id": owner, "team_id": team, "period_start": "2026-04-01",
            "period_end": "2026-04-30", "amount": 500, **extra}


def deal(did: str, owner: str, **extra) -> dict:
    return {"id": did, "owner_id": owner, "status": "open", "stage_id": "s-open", "created_at": AT, **extra}


# -- the authorization matrix of writes: quotas by team and owner, references to parents -----------

W, REFUSED_ROLE, OUT, ABSENT, READ_ONLY = 200, (403, "forbidden"), (403, "out_of_scope"), (422, "invalid_records"), (403, "read_only")

MATRIX = [
    # name, table, record, {role: expected}
    ("quota of a rep of the team, tagged with the team", "quotas", quota("mq1", "r2", "t1"),
     {"admin": W, "manager": W, "rep": REFUSED_ROLE}),
    ("quota of a rep of the team, no team_id", "quotas", quota("mq2", "r2"),
     {"admin": W, "manager": W, "rep": REFUSED_ROLE}),
    ("quota of another team's rep tagged with the manager's team", "quotas", quota("mq3", "r3", "t1"),
     {"admin": W, "manager": OUT, "rep": REFUSED_ROLE}),
    ("quota of another team's rep, no team_id", "quotas", quota("mq4", "r3"),
     {"admin": W, "manager": OUT, "rep": REFUSED_ROLE}),
    ("another team's team quota", "quotas", quota("mq5", None, "t2"),
     {"admin": W, "manager": OUT, "rep": REFUSED_ROLE}),
    ("the team's own team quota", "quotas", quota("mq6", None, "t1"),
     {"admin": W, "manager": W, "rep": REFUSED_ROLE}),
    ("a rep's own quota", "quotas", quota("mq7", "r1", "t1"),
     {"admin": W, "manager": W, "rep": REFUSED_ROLE}),
    ("the manager's own quota", "quotas", quota("mq8", "m1", "t1"),
     {"admin": W, "manager": OUT, "rep": REFUSED_ROLE}),
    ("a quota of nobody and no team", "quotas", quota("mq9"),
     {"admin": W, "manager": OUT, "rep": REFUSED_ROLE}),
    ("deal on the rep's own account", "deals", deal("md1", "r1", account_id="acc1"),
     {"admin": W, "manager": W, "rep": W}),
    ("deal on another team's rep's account", "deals", deal("md2", "r1", account_id="acc2"),
     {"admin": W, "manager": ABSENT, "rep": ABSENT}),
    ("won deal at a shared stage", "deals", deal("md3", "r1", stage_id="s-won", status="won", closed_at=AT),
     {"admin": W, "manager": W, "rep": W}),
    ("order on another rep's account", "orders", {"id": "mo1", "account_id": "acc2", "amount": 5, "ordered_at": AT},
     {"admin": W, "manager": ABSENT, "rep": ABSENT}),
    ("activity on another rep's deal", "activities",
     {"id": "ma1", "type": "call", "owner_id": "r1", "deal_id": "d2", "occurred_at": AT},
     {"admin": W, "manager": ABSENT, "rep": ABSENT}),
    ("activity on the rep's own ticket and account", "activities",
     {"id": "ma2", "type": "call", "owner_id": "r1", "ticket_id": "k1", "account_id": "acc1", "occurred_at": AT},
     {"admin": W, "manager": W, "rep": W}),
    ("stage change of the rep's deal made by a teammate", "deal_stage_changes",
     {"id": "mc1", "deal_id": "d1", "to_stage_id": "s-won", "changed_at": AT, "changed_by": "r2"},
     {"admin": W, "manager": W, "rep": ABSENT}),
    ("stage change of another team's deal", "deal_stage_changes",
     {"id": "mc2", "deal_id": "d2", "to_stage_id": "s-won", "changed_at": AT, "changed_by": "r1"},
     {"admin": W, "manager": ABSENT, "rep": ABSENT}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, table, record, expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_write_authorization_matrix(tiny, role, name, table, record, expected):
    before = rows(tiny)
    response = post(tiny, role, table, [record])
    want = READ_ONLY if role == "viewer" else expected[role]
    if want == W:
        assert response.status_code == 200, response.text[:400]
        undo(tiny, table, [record["id"]])
    else:
        assert (response.status_code, response.json()["error"]["code"]) == want, response.text[:400]
    assert rows(tiny) == before


# -- 1. quotas: a manager's scope needs the owner in the team AND the team_id in scope -----------

def test_another_teams_quota_tagged_with_the_managers_team_is_invisible_and_untouchable(tiny):
    """A quota of r3 (team t2) tagged team_id t1, written by an admin: not the t1 manager's."""
    before = rows(tiny)
    assert post(tiny, "admin", "quotas", [quota("qx", "r3", "t1", period_start="2026-03-01",
                                                period_end="2026-03-31", amount=5000)]).status_code == 200
    manager = tiny.clients["manager"]
    assert [r["id"] for r in manager.get("/api/v1/records/quotas").json()["records"]] == ["q1"]
    assert manager.get("/api/v1/records/quotas/qx").status_code == 404
    update = post(tiny, "manager", "quotas", [{"id": "qx", "amount": 1}])
    assert (update.status_code, update.json()["error"]["code"]) == (404, "not_found")
    # The t1 manager's quota attainment counts q1 only: 1000 EUR × 31 of its 90 days in March.
    march = {"from": "2026-03-01", "to": "2026-03-31"}
    row = manager.get("/api/v1/kpis/quota_attainment/values", params=march).json()["rows"][0]
    assert row["denominator"] == pytest.approx(1000 * 31 / 90)
    # r3's own scope (an owners scope) still holds it: 5000 over the whole of March.
    assert tiny.clients["admin"].get("/api/v1/records/quotas/qx").json()["record"]["amount"] == 5000
    undo(tiny, "quotas", ["qx"])
    assert rows(tiny) == before


def test_reps_read_their_own_quotas_but_never_write_one(tiny):
    before = rows(tiny)
    assert post(tiny, "admin", "quotas", [quota("qr1", "r1")]).status_code == 200
    rep = tiny.clients["rep"]
    assert [r["id"] for r in rep.get("/api/v1/records/quotas").json()["records"]] == ["qr1"]
    assert rep.get("/api/v1/records/quotas/qr1").json()["record"]["amount"] == 500
    refused = post(tiny, "rep", "quotas", [{"id": "qr1", "amount": 1}])
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert tiny.clients["admin"].get("/api/v1/records/quotas/qr1").json()["record"]["amount"] == 500
    undo(tiny, "quotas", ["qr1"])
    assert rows(tiny) == before


# -- 3. references to parents outside the scope look exactly like missing parents ---------------

def test_a_reference_outside_the_scope_is_refused_as_a_missing_one(tiny):
    before = rows(tiny)
    hidden = post(tiny, "rep", "deals", [deal("rd1", "r1", account_id="acc2", amount=10, currency="EUR")])
    missing = post(tiny, "rep", "deals", [deal("rd1", "r1", account_id="acc-none", amount=10, currency="EUR")])
    assert hidden.status_code == missing.status_code == 422
    one, other = hidden.json()["error"], missing.json()["error"]
    assert one["errors"] == [{"table": "deals", "id": "rd1", "index": 0, "field": "account_id",
                              "reason": "refers to accounts 'acc2', which does not exist"}]
    assert other["errors"] == [{**one["errors"][0], "reason": "refers to accounts 'acc-none', which does not exist"}]
    assert one["message"].replace("acc2", "X") == other["message"].replace("acc-none", "X")
    assert rows(tiny) == before
    # Nothing was written, so r1's drill-down of open deals cannot show r3's customer "Dos".
    drill = tiny.clients["rep"].get("/api/v1/kpis/open_opportunities/drill", params={"from": "2026-04-01", "to": "2026-04-30"})
    assert drill.status_code == 200 and "Dos" not in drill.text and "acc2" not in drill.text


def test_a_reference_the_caller_may_see_is_accepted_and_only_written_references_are_checked(tiny):
    """r1 may keep updating d1 after an admin points it at r3's account: only the fields a write
    carries are checked, so the rep is not locked out of their own deal."""
    before = rows(tiny)
    assert post(tiny, "admin", "deals", [{"id": "d1", "account_id": "acc2"}]).status_code == 200
    assert post(tiny, "rep", "deals", [{"id": "d1", "amount": 120}]).status_code == 200
    assert post(tiny, "admin", "deals", [{"id": "d1", "account_id": "acc1", "amount": 100}]).status_code == 200
    assert rows(tiny) == before


# -- 16. outside the scope, everything looks absent ---------------------------------------------

def test_updating_a_record_outside_the_scope_answers_as_get_does(tiny):
    before = rows(tiny)
    rep = tiny.clients["rep"]
    got = rep.get("/api/v1/records/deals/d2")
    written = post(tiny, "rep", "deals", [{"id": "d2", "amount": 1}])
    assert got.status_code == written.status_code == 404
    assert got.json()["error"]["code"] == written.json()["error"]["code"] == "not_found"
    assert written.json()["error"]["message"].startswith("no record 'd2' in deals within your scope")
    assert "outside" not in written.text
    assert rows(tiny) == before


def test_external_ids_resolve_only_inside_the_scope_and_shared_ones_list_no_ids(tiny):
    before = rows(tiny)
    made = post(tiny, "admin", "deals", [deal("xa", "r3", external_id="crm-dup"), deal("xb", "r3", external_id="crm-dup"),
                                         deal("xc", "r1", external_id="crm-dup")])
    assert made.status_code == 200, made.text
    # The admin sees three: the count, never the internal ids.
    shared = post(tiny, "admin", "deals", [{"external_id": "crm-dup", "amount": 1}])
    assert shared.status_code == 422
    reason = shared.json()["error"]["errors"][0]["reason"]
    assert reason == "'crm-dup' is shared by 3 records; give the id"
    assert not any(rid in shared.text for rid in ("xa", "xb", "xc"))
    # The rep sees only xc: the external id is theirs alone, and updates it.
    mine = post(tiny, "rep", "deals", [{"external_id": "crm-dup", "amount": 7}])
    assert mine.status_code == 200 and mine.json()["ids"] == ["xc"] and mine.json()["updated"] == 1
    # r3's deals carry an external id the rep cannot see: to the rep it is new, and nothing of r3's shows.
    admin = tiny.clients["admin"]
    assert post(tiny, "admin", "deals", [{"id": "xc", "external_id": "crm-other"}]).status_code == 200
    fresh = post(tiny, "rep", "deals", [deal(None, "r1", external_id="crm-dup")])
    assert fresh.status_code == 200 and fresh.json()["created"] == 1, fresh.text
    new_id = fresh.json()["ids"][0]
    assert new_id not in ("xa", "xb") and admin.get("/api/v1/records/deals/xa").json()["record"]["owner_id"] == "r3"
    undo(tiny, "deals", ["xa", "xb", "xc", new_id])
    assert rows(tiny) == before


# -- 17. ids and references with surrounding spaces: normalised once, in the store --------------

def test_an_id_with_spaces_updates_the_record_it_names(tiny):
    before = rows(tiny)
    response = post(tiny, "admin", "deals", [{"id": " d1 ", "amount": 100, "owner_id": " r1\t"}])
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["updated"], body["ids"]) == (0, 1, ["d1"])
    assert rows(tiny) == before  # the same values: no " d1 " record, owner still "r1"
    entry = tiny.clients["admin"].get("/api/v1/audit", params={"action": "records.upsert", "limit": 1}).json()["entries"][0]
    assert (entry["detail"]["created"], entry["detail"]["updated"], entry["detail"]["ids"]) == (0, 1, ["d1"])
    # A rep's own deal named with spaces is theirs, not "outside the scope".
    assert post(tiny, "rep", "deals", [{"id": "d1 ", "amount": 100}]).status_code == 200
    blank = post(tiny, "admin", "deals", [deal("   ", "r1")])
    assert blank.status_code == 422 and blank.json()["error"]["errors"][0]["field"] == "id"
    assert rows(tiny) == before


def test_the_store_trims_keys_and_references_and_refuses_empty_ones(store):
    store.upsert_many({"users": [{"id": " u1 ", "name": "U", "email": "u@x.test", "role": "rep",
                                  "created_at": "2026-01-01", "external_id": " crm-u1 "}]})
    store.upsert("accounts", [{"id": "\ta1", "name": "A", "owner_id": "u1 ", "created_at": "2026-01-01"}])
    assert [(u["id"], u["external_id"]) for u in store.rows("users")] == [("u1", "crm-u1")]
    assert [(a["id"], a["owner_id"]) for a in store.rows("accounts")] == [("a1", "u1")]
    for bad, field in (({"id": "  "}, "id"), ({"owner_id": " "}, "owner_id")):
        with pytest.raises(ValidationError) as refused:
            store.upsert("accounts", [{"id": "a2", "name": "B", "created_at": "2026-01-01", **bad}])
        assert field in {e.field for e in refused.value.errors}
    assert len(store.rows("accounts")) == 1


# -- 7. one date range for every door; the engine survives an instant already out of range ------

@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "2201-01-01T00:00:00Z",
                                  "1899-12-31T23:59:59Z"])
def test_the_store_refuses_instants_outside_the_years_imports_accept(store, when):
    with pytest.raises(ValidationError) as refused:
        store.upsert("campaigns", [{"id": "c1", "name": "C", "started_at": when}])
    assert [(e.field, e.reason.split(" (got")[0]) for e in refused.value.errors] == [
        ("started_at", "is outside the years 1900–2200")]
    with pytest.raises(ValidationError):
        store.upsert("spend", [{"id": "s1", "category": "sales", "period_start": when[:10],
                                "period_end": "2026-01-31", "amount": 1}])
    assert store.rows("campaigns") == [] and store.rows("spend") == []


def test_the_store_accepts_the_edges_of_the_range(store):
    store.upsert("campaigns", [{"id": "c1", "name": "C", "started_at": "1900-01-01T00:00:00Z"},
                               {"id": "c2", "name": "D", "started_at": "2200-12-31T23:59:59Z"}])
    assert [c["started_at"].year for c in store.rows("campaigns")] == [1900, 2200]
    # the very rule imports apply, read from the same place
    assert values.parse_datetime("2200-12-31", "ymd", ZoneInfo("UTC")).year == 2200
    with pytest.raises(ValueError, match="1900–2200"):
        values.parse_datetime("2201-01-01", "ymd", ZoneInfo("UTC"))


@pytest.mark.parametrize("field, when", [("closed_at", "9999-12-31T23:00:00Z"), ("created_at", "0001-01-01T00:00:00Z"),
                                         ("closed_at", "2201-06-01T00:00:00Z")])
def test_the_api_refuses_dates_imports_refuse(tiny, field, when):
    before = rows(tiny)
    record = deal("dx", "r1", status="won", stage_id="s-won", created_at="2026-03-01T00:00:00Z",
                  closed_at="2026-03-02T00:00:00Z")
    response = post(tiny, "admin", "deals", [{**record, field: when}])
    assert response.status_code == 422, response.text[:300]
    assert [e["field"] for e in response.json()["error"]["errors"]] == [field]
    assert rows(tiny) == before


def test_a_drill_down_survives_an_out_of_range_instant_already_stored(store):
    """A deal created at 0001-01-01 00:00 UTC, stored before the store checked ranges: in Mexico
    City it would fall in year 0, which Python cannot hold. The drill-down shows it in UTC."""
    store.set_setting("timezone", "America/Mexico_City")
    store.upsert_many({"users": [{"id": "u1", "name": "U", "email": "u@x.test", "role": "rep", "created_at": "2026-01-01"}],
                       "stages": [{"id": "s1", "name": "Abierta", "position": 1, "kind": "open", "probability": 0.5}]})
    ancient = dt.datetime(1, 1, 1, tzinfo=UTC)
    with store.connect() as conn:  # the old door: no range check
        conn.execute(schema.deals.insert().values(id="old", owner_id="u1", stage_id="s1", status="open", kind="new",
                                                  created_at=ancient, amount=10, currency="EUR"))
    records = Engine(store).drill("open_opportunities", start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 1))
    assert [(r["id"], r["at"]) for r in records] == [("old", ancient)]


# -- 9. formulas: one rule in the store, which imports share ------------------------------------

FORMULA = '=HYPERLINK("http://evil.test","clic")'


@pytest.mark.parametrize("text", [FORMULA, "@SUM(A1:A9)", "+cmd|' /C calc'!A0", " -HYPERLINK(\"x\")"])
def test_the_store_refuses_formulas_with_the_reason_imports_give(store, text):
    with pytest.raises(ValidationError) as refused:
        store.upsert("campaigns", [{"id": "c1", "name": text, "started_at": "2026-01-01"}])
    [error] = refused.value.errors
    _, bad = values.convert(pa.array([text]), schema.campaigns.c.name, values.ValueOptions(ZoneInfo("UTC")))
    assert error.field == "name" and error.reason.split(" (got")[0] == bad[0][2]
    assert store.rows("campaigns") == []


def test_phone_numbers_and_dashes_in_prose_are_not_formulas(store):
    store.upsert("campaigns", [{"id": "c1", "name": "+34 600 000 000", "started_at": "2026-01-01"},
                               {"id": "c2", "name": "- primera nota", "started_at": "2026-01-01", "channel": "-5"}])
    assert [c["name"] for c in store.rows("campaigns")] == ["+34 600 000 000", "- primera nota"]


def test_the_api_refuses_formulas_as_imports_do(tiny):
    before = rows(tiny)
    response = post(tiny, "admin", "deals", [deal("fx", "r1", title=FORMULA)])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["error"]["errors"]] == ["title"]
    assert "formula" in response.json()["error"]["errors"][0]["reason"]
    assert rows(tiny) == before


# -- found on the way: a lone UTF-16 surrogate in a body was a 500 (the database cannot encode it) --

@pytest.mark.parametrize("who, field", [("admin", "id"), ("admin", "title"), ("admin", "owner_id"), ("rep", "account_id")])
def test_a_lone_surrogate_in_a_body_is_a_clear_400(tiny, who, field):
    before = rows(tiny)
    record = '{"id": "sx", "owner_id": "r1", "status": "open", "created_at": "2026-03-01", "%s": "a\\ud800"}' % field
    response = tiny.clients[who].post("/api/v1/records/deals", content='{"records": [%s]}' % record,
                                      headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_json")
    assert "surrogate" in response.json()["error"]["message"]
    assert rows(tiny) == before
    pair = post(tiny, "admin", "deals", [deal("sy", "r1", title="\U0001F600")])  # a whole pair is a character
    assert pair.status_code == 200 and tiny.clients["admin"].get("/api/v1/records/deals/sy").json()["record"]["title"] == "\U0001F600"
    undo(tiny, "deals", ["sy"])


# -- a deleted user leaves no way in behind for whoever gets the id next ----------------------------

def test_deleting_a_user_removes_their_password_sessions_and_tokens(tiny):
    from pulso import tokens
    from pulso.store import tables_api
    from pulso.web.auth import Sessions, set_password

    store = tiny.store()
    person = {"id": "gone", "name": "Se va", "email": "gone@example.com", "role": "rep", "team_id": "t1",
              "created_at": AT}
    assert post(tiny, "admin", "users", [person]).status_code == 200

    def give_access():
        set_password(store, "gone", "una clave bastante larga")
        Sessions(store, "secret-for-this-test", 1).start("gone")
        return tokens.create(store, "sync", role="rep", user_id="gone").secret

    secret = tiny.run(give_access)
    assert tiny.clients["admin"].delete("/api/v1/records/users/gone").status_code == 200

    def left():
        with store.engine.connect() as conn:
            count = lambda t: conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.user_id == "gone")).scalar()
            live = conn.execute(sa.select(sa.func.count()).select_from(tables_api.api_tokens).where(
                tables_api.api_tokens.c.user_id == "gone", tables_api.api_tokens.c.revoked_at.is_(None))).scalar()
            return count(schema.user_credentials), count(schema.user_sessions), live

    assert tiny.run(left) == (0, 0, 0)
    # The same id given to someone new: the old token does not let anyone in.
    assert post(tiny, "admin", "users", [person]).status_code == 200
    client = tiny.clients["admin"]
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401
    assert tiny.clients["admin"].delete("/api/v1/records/users/gone").status_code == 200
