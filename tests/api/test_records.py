"""Reading records: every table's list and get under each role's scope, filters, pagination,
and hostile parameters — answers computed from the workspace's rows, not from the API."""

from __future__ import annotations

import datetime as dt

import pytest

from pulso.store import schema

pytestmark = pytest.mark.xdist_group("api")

ROLES = ("admin", "manager", "rep", "viewer")
#: table → how a row reaches its owner (mirrors docs/api.md, written out independently here).
OWNER_OF = {
    "accounts": "owner_id", "leads": "owner_id", "deals": "owner_id", "tickets": "owner_id",
    "activities": "owner_id", "quotas": "owner_id", "usage_events": "user_id", "users": "id",
    "orders": ("account_id",), "subscriptions": ("account_id",), "survey_responses": ("account_id", "ticket_id"),
    "deal_stage_changes": ("deal_id",),
}
UNOWNED = [t for t in schema.CANONICAL_TABLES if t not in OWNER_OF]


@pytest.fixture(scope="module")
def data(demo_api) -> dict[str, list[dict]]:
    store = demo_api.store()
    return demo_api.run(lambda: {t: store.rows(t) for t in schema.CANONICAL_TABLES})


def expected_ids(data, table: str, owners: set[str] | None, teams: set[str]) -> set[str]:
    """Ids of `table` a scope covers, worked out from the rows."""
    rows = data[table]
    if owners is None:
        return {r["id"] for r in rows}
    how = OWNER_OF[table]
    if isinstance(how, str):
        keep = {r["id"] for r in rows if r[how] in owners}
        if table == "quotas" and teams:  # a team scope: owner in the team AND team_id the team's (or none)
            keep = {r["id"] for r in rows if (r[how] in owners and r["team_id"] in (None, *teams))
                    or (r[how] is None and r["team_id"] in teams)}
        if table == "users":
            keep = {r["id"] for r in rows if r["id"] in owners}
        return keep
    parents = {"account_id": "accounts", "ticket_id": "tickets", "deal_id": "deals"}
    owner_of = {(p, r["id"]): r["owner_id"] for p in set(parents.values()) for r in data[p]}
    keep = set()
    for r in rows:
        owner = None
        for fk in how:
            if r[fk] is not None:
                owner = owner_of.get((parents[fk], r[fk]))
            if owner is not None:
                break
        if owner in owners:
            keep.add(r["id"])
    return keep


def list_all(client, table: str, **params) -> list[dict]:
    out, after = [], None
    while True:
        query = {"limit": 1000, **params, **({"after": after} if after else {})}
        page = client.get(f"/api/v1/records/{table}", params=query)
        assert page.status_code == 200, page.text[:300]
        body = page.json()
        out += body["records"]
        if not body["has_more"]:
            return out
        after = body["next_after"]


def team_of_scope(demo_api, role) -> set[str]:
    me = demo_api.clients[role].get("/api/v1/me").json()["scope"]
    return set(me["ids"]) if me["kind"] == "team" else set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("table", [t for t in OWNER_OF if t != "usage_events"])
def test_lists_hold_exactly_the_scope(demo_api, data, owners, role, table):
    """Each owned table lists every record of the scope and nothing else (a rep: only theirs)."""
    got = list_all(demo_api.clients[role], table)
    ids = [r["id"] for r in got]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    want = expected_ids(data, table, owners[role], team_of_scope(demo_api, role))
    assert set(ids) == want
    if role == "rep" and table in ("accounts", "leads", "deals", "activities", "orders", "users"):
        assert want, f"the demo rep owns no {table}: the test would prove nothing"


def test_usage_events_are_scoped_too(demo_api, data, owners):
    rep = demo_api.ids["rep"]
    got = list_all(demo_api.clients["rep"], "usage_events", occurred_at__gte="2026-10-01T00:00:00Z")
    since = dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)
    want = {r["id"] for r in data["usage_events"] if r["user_id"] == rep and r["occurred_at"] >= since}
    assert {r["id"] for r in got} == want and want


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("table", UNOWNED)
def test_unowned_tables_need_a_company_scope(demo_api, data, role, table):
    response = demo_api.clients[role].get(f"/api/v1/records/{table}", params={"limit": 1000})
    if role in ("admin", "viewer"):
        assert response.status_code == 200
        assert len(response.json()["records"]) == min(1000, len(data[table]))
    else:
        assert response.status_code == 403 and response.json()["error"]["code"] == "out_of_scope"


def test_get_answers_404_outside_the_scope(demo_api, data):
    rep = demo_api.ids["rep"]
    mine = next(r for r in data["deals"] if r["owner_id"] == rep)
    other = next(r for r in data["deals"] if r["owner_id"] not in (rep, None))
    client = demo_api.clients["rep"]
    got = client.get(f"/api/v1/records/deals/{mine['id']}").json()["record"]
    assert got["id"] == mine["id"] and got["amount"] == float(mine["amount"])
    assert got["created_at"] == mine["created_at"].astimezone(dt.timezone.utc).isoformat()
    hidden = client.get(f"/api/v1/records/deals/{other['id']}")
    assert hidden.status_code == 404 and other["id"] in hidden.json()["error"]["message"]
    assert demo_api.clients["admin"].get(f"/api/v1/records/deals/{other['id']}").status_code == 200


def test_filters(demo_api, data):
    admin = demo_api.clients["admin"]
    won = {r["id"] for r in data["deals"] if r["status"] == "won"}
    assert {r["id"] for r in list_all(admin, "deals", status="won")} == won
    two = sorted({r["owner_id"] for r in data["deals"] if r["owner_id"]})[:2]
    got = list_all(admin, "deals", owner_id=two)
    assert {r["id"] for r in got} == {r["id"] for r in data["deals"] if r["owner_id"] in two}
    big = {r["id"] for r in data["deals"] if r["amount"] is not None and r["amount"] >= 5000}
    assert {r["id"] for r in list_all(admin, "deals", amount__gte="5000")} == big
    open_ = {r["id"] for r in data["deals"] if r["closed_at"] is None}
    assert {r["id"] for r in list_all(admin, "deals", closed_at__null="true")} == open_
    since = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
    recent = {r["id"] for r in data["deals"] if r["created_at"] >= since}
    assert {r["id"] for r in list_all(admin, "deals", created_at__gte="2026-06-01T00:00:00+00:00")} == recent
    # A filter can never widen a scope: the rep asking for someone else's records gets none.
    other = next(r["owner_id"] for r in data["deals"] if r["owner_id"] not in (demo_api.ids["rep"], None))
    assert list_all(demo_api.clients["rep"], "deals", owner_id=other) == []


def test_pages_walk_by_offset_and_by_cursor(demo_api, data):
    admin = demo_api.clients["admin"]
    ids = sorted(r["id"] for r in data["accounts"])
    first = admin.get("/api/v1/records/accounts", params={"limit": 7}).json()
    assert [r["id"] for r in first["records"]] == ids[:7] and first["has_more"] and first["next_after"] == ids[6]
    second = admin.get("/api/v1/records/accounts", params={"limit": 7, "after": first["next_after"]}).json()
    assert [r["id"] for r in second["records"]] == ids[7:14]
    by_offset = admin.get("/api/v1/records/accounts", params={"limit": 7, "offset": 7}).json()
    assert by_offset["records"] == second["records"]
    last = admin.get("/api/v1/records/accounts", params={"limit": 1000, "offset": len(ids) - 2}).json()
    assert [r["id"] for r in last["records"]] == ids[-2:] and not last["has_more"] and last["next_after"] is None


@pytest.mark.parametrize("params, status, code, field", [
    ({"limit": 1001}, 400, "invalid_parameter", "limit"),
    ({"limit": 0}, 400, "invalid_parameter", "limit"),
    ({"limit": "ten"}, 400, "invalid_parameter", "limit"),
    ({"offset": -1}, 400, "invalid_parameter", "offset"),
    ({"offset": 10 ** 30}, 400, "invalid_parameter", "offset"),
    ({"nope": "1"}, 400, "unknown_filter", "nope"),
    ({"status__like": "w%"}, 400, "unknown_filter", "status__like"),
    ({"amount": "abc"}, 400, "invalid_filter", "amount"),
    ({"amount__gte": "1e999"}, 400, "invalid_filter", "amount__gte"),
    ({"created_at__gte": "2026-02-30"}, 400, "invalid_filter", "created_at__gte"),
    ({"closed_at__null": "maybe"}, 400, "invalid_filter", "closed_at__null"),
    ({"1=1; DROP TABLE deals; --": "x"}, 400, "unknown_filter", "1=1; DROP TABLE deals; --"),
    ({"status": "won' OR '1'='1"}, 200, None, None),
    ({"after": "' OR 1=1 --"}, 200, None, None),
])
def test_hostile_list_parameters(demo_api, params, status, code, field):
    before = demo_api.run(demo_api.store().counts)
    response = demo_api.clients["admin"].get("/api/v1/records/deals", params=params)
    assert response.status_code == status, response.text[:300]
    if code:
        assert response.json()["error"]["code"] == code and response.json()["error"]["field"] == field
    elif "status" in params:
        assert response.json()["records"] == []  # no status is spelled like that: the quote is data
    assert demo_api.run(demo_api.store().counts) == before


@pytest.mark.parametrize("path", ["/api/v1/records/deals;drop", "/api/v1/records/pg_catalog.pg_user",
                                  "/api/v1/records/audit_log", "/api/v1/records/api_tokens", "/api/v1/nothing"])
def test_unknown_tables_and_paths_are_json_errors(demo_api, path):
    response = demo_api.clients["admin"].get(path)
    assert response.status_code in (400, 404)
    assert response.json()["error"]["code"] in ("invalid_parameter", "not_found")
