"""pulso.access: the one Scope (text, per role, containment) and the one ownership map, which the
engine's row scoping, the API's record listing and writing and the alert rules on records all
apply alike (checked on a hand-built workspace whose counts are worked out below, both backends)."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest
import sqlalchemy as sa

from pulso import audit
from pulso.access import OWNERSHIP, UNOWNED, Scope, admits
from pulso.alerts import records as alert_records
from pulso.catalog.sources import ENTITIES, ENTITY_TABLES, OWNER, TEAM_SCOPE, add_dims, tables
from pulso.engine.compile import scope_rows
from pulso.errors import GoalError, RecordScopeError
from pulso.store import records, schema
from pulso.store.scoping import allowed_owners, owners_of
from pulso.web.api.errors import to_api_error
from pulso.web.api_deps import Caller

# -- the scope as text -----------------------------------------------------------------------


@pytest.mark.parametrize("text, scope", [("company", Scope.company()), ("team:t1", Scope.team("t1")),
                                         ("rep:u1", Scope.owners("u1"))])
def test_a_scope_reads_and_writes_its_text(text, scope):
    assert Scope.parse(text) == scope
    assert scope.text == text
    assert Scope.parse(scope.text) == scope
    assert Scope.stored(scope.stored_kind, scope.id) == scope


def test_a_scope_text_is_trimmed_and_empty_means_company():
    assert Scope.parse("  team: t1 ") == Scope.team("t1")
    assert Scope.parse("") == Scope.parse(None) == Scope.company()


@pytest.mark.parametrize("text", ["team", "rep:", "boss:u1", "team:  ", "x" * 60])
def test_a_bad_scope_text_says_how_to_write_one(text):
    with pytest.raises(GoalError) as err:
        Scope.parse(text)
    shown = text.strip() if len(text.strip()) <= 40 else text[:40] + "…"
    assert str(err.value) == f"scope '{shown}' is not valid; write company, team:ID or rep:ID"


def test_scopes_are_values_a_cache_can_be_keyed_by():
    cache = {Scope.team("t1"): 1, Scope.owners("u1"): 2, Scope.company(): 3}
    assert cache[Scope.parse("team:t1")] == 1 and cache[Scope.parse("rep:u1")] == 2 and cache[Scope()] == 3
    assert Scope.team("t1") != Scope.owners("t1")
    assert Scope.company().id is None and Scope.owners("u1", "u2").id is None


# -- the scope of a person -------------------------------------------------------------------


@pytest.mark.parametrize("role, user, team, managed, expected", [
    ("admin", "a1", "t1", None, Scope.company()),
    ("viewer", "v1", None, None, Scope.company()),
    ("viewer", "v1", "t2", None, Scope.team("t2")),
    ("viewer", "v1", "t2", "t9", Scope.team("t2")),          # only a manager's managed team counts
    ("manager", "m1", "t2", "t1", Scope.team("t1")),          # the team they manage first
    ("manager", "m1", "t2", None, Scope.team("t2")),          # else their own
    ("manager", "m1", None, None, Scope.owners("m1")),        # no team at all: their own records
    ("rep", "u1", "t1", None, Scope.owners("u1")),
    ("rep", "u1", "t1", "t1", Scope.owners("u1")),
])
def test_each_role_gets_its_scope(role, user, team, managed, expected):
    assert Scope.for_user(role, user, team, managed) == expected


# -- containment -----------------------------------------------------------------------------

TEAMS = {"u1": "t1", "u2": "t1", "u9": "t2", "m1": None}


@pytest.mark.parametrize("outer, inner, expected", [
    (Scope.company(), Scope.company(), True), (Scope.company(), Scope.team("t2"), True),
    (Scope.company(), Scope.owners("u9"), True),
    (Scope.team("t1"), Scope.team("t1"), True), (Scope.team("t1"), Scope.team("t2"), False),
    (Scope.team("t1"), Scope.owners("u1"), True), (Scope.team("t1"), Scope.owners("u9"), False),
    (Scope.team("t1"), Scope.owners("m1"), False), (Scope.team("t1"), Scope.owners("nobody"), False),
    (Scope.team("t1"), Scope.company(), False),
    (Scope.owners("u1"), Scope.owners("u1"), True), (Scope.owners("u1"), Scope.owners("u2"), False),
    (Scope.owners("u1"), Scope.team("t1"), False), (Scope.owners("u1"), Scope.company(), False),
])
def test_a_team_holds_its_members_and_nothing_else_holds_more(outer, inner, expected):
    assert outer.contains(inner, TEAMS.get) is expected


# -- one rule, applied alike -----------------------------------------------------------------


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T09:00:00+00:00")


def _workspace(store) -> None:
    """Team t1 = m1 (its manager) and u1; u2 is in t2; u3 in no team."""
    old = _at("2020-01-01")
    users = [{"id": uid, "name": uid, "email": f"{uid}@example.com", "role": role, "team_id": team, "created_at": old}
             for uid, role, team in (("m1", "manager", "t1"), ("u1", "rep", "t1"), ("u2", "rep", "t2"), ("u3", "rep", None))]
    deal = lambda i, owner, account, status: {  # noqa: E731
        "id": i, "owner_id": owner, "account_id": account, "status": status, "kind": "new", "created_at": old,
        "closed_at": _at("2020-02-01") if status != "open" else None}
    q = lambda i, owner, team: {"id": i, "owner_id": owner, "team_id": team, "amount": 10, "currency": "EUR",  # noqa: E731
                                "period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 1, 31)}
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "m1"}, {"id": "t2", "name": "Sur"}],
        "users": users,
        "accounts": [{"id": i, "name": i, "owner_id": o, "created_at": old}
                     for i, o in (("A1", "u1"), ("A2", "u2"), ("A3", None), ("A4", "m1"))],
        "leads": [{"id": i, "owner_id": o, "created_at": old} for i, o in (("L1", "u1"), ("L2", "u2"), ("L3", "m1"), ("L4", "u3"))],
        "deals": [deal("D1", "u1", "A1", "open"), deal("D2", "u2", "A2", "open"), deal("D3", None, "A1", "open"),
                  deal("D4", "m1", "A4", "won")],
        "tickets": [{"id": i, "owner_id": o, "status": "open", "opened_at": old} for i, o in (("T1", "u1"), ("T2", "u2"), ("T3", None))],
        "activities": [{"id": i, "owner_id": o, "type": "call", "occurred_at": old, "automated": False}
                       for i, o in (("X1", "u1"), ("X2", "m1"), ("X3", "u2"))],
        "quotas": [q("Q1", "u1", None), q("Q2", "u1", "t2"), q("Q3", None, "t1"), q("Q4", "u2", "t1"), q("Q5", "m1", "t1")],
        "usage_events": [{"id": i, "user_id": u, "action": "login", "occurred_at": old} for i, u in (("E1", "u1"), ("E2", "u2"), ("E3", "m1"))],
        "orders": [{"id": i, "account_id": a, "amount": 5, "currency": "EUR", "ordered_at": old}
                   for i, a in (("O1", "A1"), ("O2", "A2"), ("O3", "A3"), ("O4", None))],
        "subscriptions": [{"id": i, "account_id": a, "monthly_amount": 5, "currency": "EUR", "started_at": old}
                          for i, a in (("S1", "A4"), ("S2", "A2"))],
        "survey_responses": [{"id": i, "account_id": a, "ticket_id": t, "kind": "nps", "score": 9, "scale_min": 0,
                              "scale_max": 10, "high_is_good": True, "answered_at": old}
                             for i, a, t in (("R1", "A1", None), ("R2", "A3", "T1"), ("R3", "A2", "T1"), ("R4", None, "T2"))],
        "deal_stage_changes": [{"id": i, "deal_id": d, "to_stage_id": "s1", "changed_at": old}
                               for i, d in (("C1", "D1"), ("C2", "D2"), ("C3", "D4"))],
        "stages": [{"id": "s1", "name": "Abierta", "position": 1, "kind": "open", "probability": 0.2}],
    })


#: ids each scope covers, by hand: t1 = m1 + u1; a quota needs its owner in t1 and its team t1 or
#: none (Q2 is tagged t2, Q4 is t2's rep tagged t1), or no owner and team t1 (Q3); a survey is its
#: account's owner's, else its ticket's (R2: A3 has no owner, T1 is u1's).
EXPECTED = {
    "accounts": ("A1 A2 A3 A4", "A1 A4", "A1"),
    "leads": ("L1 L2 L3 L4", "L1 L3", "L1"),
    "deals": ("D1 D2 D3 D4", "D1 D4", "D1"),
    "tickets": ("T1 T2 T3", "T1", "T1"),
    "activities": ("X1 X2 X3", "X1 X2", "X1"),
    "quotas": ("Q1 Q2 Q3 Q4 Q5", "Q1 Q3 Q5", "Q1 Q2"),
    "usage_events": ("E1 E2 E3", "E1 E3", "E1"),
    "users": ("m1 u1 u2 u3", "m1 u1", "u1"),
    "orders": ("O1 O2 O3 O4", "O1", "O1"),
    "subscriptions": ("S1 S2", "S1", ""),
    "survey_responses": ("R1 R2 R3 R4", "R1 R2", "R1 R2"),
    "deal_stage_changes": ("C1 C2 C3", "C1 C3", "C1"),
}
#: the admin's, the manager m1's and the rep u1's scopes (as the web and API give them)
PEOPLE = (("admin", "a0", None, None), ("manager", "m1", "t1", "t1"), ("rep", "u1", "t1", None))


def _engine_ids(store, table: str, scope: Scope) -> set[str]:
    """The rows of `table` the engine's scoping keeps (its ids), compiled and run on the store."""
    [entity] = [e for e, t in ENTITY_TABLES.items() if t == table]
    src = tables()
    want = {OWNER} | ({TEAM_SCOPE} if TEAM_SCOPE in ENTITIES[entity] and scope.kind == "team" else set())
    t = scope_rows(add_dims(src[table], entity, want, src), scope, entity, src)
    sql = ibis.to_sql(t.select("id"), dialect=store.dialect)
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.text(str(sql)))}


def _api_ids(store, table: str, caller: Caller) -> set[str]:
    tbl = schema.metadata.tables[table]
    cond = records.condition(caller.scope, table)
    query = sa.select(tbl.c.id) if cond is None else sa.select(tbl.c.id).where(cond)
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(query)}


def _written_ids(store, table: str, scope: Scope) -> set[str]:
    """The stored rows a write by this scope may touch (pulso.access.admits, as the API's writes ask)."""
    tbl = schema.metadata.tables[table]
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(tbl)).mappings()]
        owners = owners_of(conn, table, rows)
        allowed = allowed_owners(conn, scope) if not scope.is_company else set()
    if scope.is_company:
        return {r["id"] for r in rows}
    return {r["id"] for r, owner in zip(rows, owners) if admits(scope, table, r, owner, allowed)}


def test_every_owned_table_has_one_rule_everywhere(store):
    _workspace(store)
    assert set(EXPECTED) == set(OWNERSHIP)
    for i, (role, uid, team, managed) in enumerate(PEOPLE):
        scope = Scope.for_user(role, uid, team, managed)
        caller = Caller(role=role, user_id=uid, team_id=team, scope=scope, actor=audit.Actor("user", uid), via="session")
        for table, answers in EXPECTED.items():
            expected = set(answers[i].split())
            assert _api_ids(store, table, caller) == expected, (table, scope)
            assert _written_ids(store, table, scope) == expected, (table, scope)
            if table in ENTITY_TABLES.values():
                assert _engine_ids(store, table, scope) == expected, (table, scope)


def test_tables_without_owners_are_the_company_s_alone(store):
    _workspace(store)
    assert set(UNOWNED) == {"teams", "stages", "campaigns", "spend", "web_sessions"}
    team = Caller(role="manager", user_id="m1", team_id="t1", scope=Scope.team("t1"),
                  actor=audit.Actor("user", "m1"), via="session")
    for table in UNOWNED:
        assert OWNER not in ENTITIES.get(next((e for e, t in ENTITY_TABLES.items() if t == table), "session"), {})
        with pytest.raises(RecordScopeError) as err:
            records.condition(team.scope, table)
        answer = to_api_error(err.value)
        assert answer.status == 403 and answer.code == "out_of_scope"
        assert answer.message == f"{table} have no owner; only a company-wide scope reads them"


@pytest.mark.parametrize("scope, stuck", [(Scope.company(), {"D1", "D2", "D3"}), (Scope.team("t1"), {"D1"}),
                                          (Scope.owners("u1"), {"D1"}), (Scope.owners("u3"), set())])
def test_alert_rules_on_records_see_the_deals_of_their_scope(store, scope, stuck):
    _workspace(store)
    rule = {"params": {"days": 30}, "scope_kind": scope.stored_kind, "scope_id": scope.id}
    found = alert_records.stuck(store, rule, dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))
    assert {f.detail["id"] for f in found} == stuck
