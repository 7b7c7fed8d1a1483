"""pulso.store.records: list, filter, get, upsert and delete records inside a pulso.access.Scope,
asked directly (no web), on both backends, against a small workspace whose answers are worked
out by hand below; and sign-in state in pulso.store.signin."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pulso.access import OWNERSHIP, UNOWNED, Scope
from pulso.errors import (FilterError, RecordForbiddenError, RecordNotFoundError, RecordReferencedError,
                          RecordScopeError, UnknownFilterError, ValidationError)
from pulso.store import records, schema, signin

OLD = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
TEAM1, REP1, REP3 = Scope.team("t1"), Scope.owners("u1"), Scope.owners("u3")


def _workspace(store) -> None:
    """t1 = u1 and u2 (reps); t2 = u3. Accounts a1 (u1), a2 (u2), a3 (u3); deals d1 won 1,200
    (u1, a1), d2 open 300 (u2, a2), d3 open 50 (u3, a3); orders o1 on a1, o3 on a3."""
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte"}, {"id": "t2", "name": "Sur"}],
        "users": [{"id": u, "name": u, "email": f"{u}@example.com", "role": "rep", "team_id": t, "created_at": OLD}
                  for u, t in (("u1", "t1"), ("u2", "t1"), ("u3", "t2"))],
        "accounts": [{"id": a, "name": a, "owner_id": o, "external_id": f"EXT-{a}", "created_at": OLD}
                     for a, o in (("a1", "u1"), ("a2", "u2"), ("a3", "u3"))],
        "deals": [
            {"id": "d1", "owner_id": "u1", "account_id": "a1", "status": "won", "amount": 1200, "currency": "EUR",
             "created_at": OLD, "closed_at": OLD + dt.timedelta(days=10), "external_id": "SF-1"},
            {"id": "d2", "owner_id": "u2", "account_id": "a2", "status": "open", "amount": 300, "currency": "EUR",
             "created_at": OLD, "external_id": "SF-2"},
            {"id": "d3", "owner_id": "u3", "account_id": "a3", "status": "open", "amount": 50, "currency": "EUR",
             "created_at": OLD, "external_id": "SF-2"},  # the source reused SF-2 in another team
        ],
        "orders": [{"id": o, "account_id": a, "amount": 5, "currency": "EUR", "ordered_at": OLD}
                   for o, a in (("o1", "a1"), ("o3", "a3"))],
    })


def _ids(page: records.Page) -> list[str]:
    return [r["id"] for r in page.records]


def _deal_amounts(store) -> dict[str, Decimal]:
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(schema.deals.c.id, schema.deals.c.amount)).all())


def test_every_canonical_table_is_owned_or_the_company_s():
    assert set(OWNERSHIP) | set(UNOWNED) == set(schema.CANONICAL_TABLES)
    assert not set(OWNERSHIP) & set(UNOWNED)


# -- reading ----------------------------------------------------------------------------------


def test_a_listing_holds_the_scope_s_records_in_id_order(store):
    _workspace(store)
    assert _ids(records.listing(store, Scope.company(), "deals")) == ["d1", "d2", "d3"]
    assert _ids(records.listing(store, TEAM1, "deals")) == ["d1", "d2"]  # u1 and u2 are t1's
    assert _ids(records.listing(store, REP1, "deals")) == ["d1"]
    assert _ids(records.listing(store, Scope.team("t2"), "orders")) == ["o3"]  # through its account, a3 (u3)
    with pytest.raises(RecordScopeError) as err:
        records.listing(store, TEAM1, "teams")
    assert str(err.value) == "teams have no owner; only a company-wide scope reads them" and err.value.field == "table"


def test_filters_and_pages(store):
    _workspace(store)
    company = Scope.company()
    assert _ids(records.listing(store, TEAM1, "deals", [("status", "open")])) == ["d2"]
    assert _ids(records.listing(store, company, "deals", [("amount__gte", "300")])) == ["d1", "d2"]
    assert _ids(records.listing(store, company, "deals", [("owner_id", "u1"), ("owner_id", "u3")])) == ["d1", "d3"]
    assert _ids(records.listing(store, company, "deals", [("closed_at__null", "true")])) == ["d2", "d3"]
    first = records.listing(store, company, "deals", limit=2)
    assert (_ids(first), first.has_more, first.next_after) == (["d1", "d2"], True, "d2")
    rest = records.listing(store, company, "deals", limit=2, after=first.next_after)
    assert (_ids(rest), rest.has_more, rest.next_after) == (["d3"], False, None)
    assert _ids(records.listing(store, company, "deals", limit=1, offset=2)) == ["d3"]
    with pytest.raises(UnknownFilterError) as err:
        records.listing(store, company, "deals", [("ammount", "1")])
    assert str(err.value) == "deals has no field 'ammount'; did you mean 'amount'?" and err.value.field == "ammount"
    with pytest.raises(FilterError) as err:
        records.listing(store, company, "deals", [("closed_at__null", "maybe")])
    assert str(err.value) == "closed_at__null takes true or false"


def test_get_by_id_or_external_id_inside_the_scope(store):
    _workspace(store)
    d1 = records.get(store, REP1, "deals", "d1")
    assert d1["amount"] == Decimal("1200.00") and d1["account_id"] == "a1"
    assert records.plain_row(d1)["amount"] == 1200.0
    assert records.plain(d1["closed_at"]) == "2026-01-15T09:00:00+00:00"
    with pytest.raises(RecordNotFoundError) as err:
        records.get(store, REP1, "deals", "d2")  # u2's: outside looks like absent
    assert str(err.value) == "no record 'd2' in deals within your scope"
    assert [r["id"] for r in records.by_external_id(store, Scope.company(), "deals", " SF-2 ")] == ["d2", "d3"]
    assert [r["id"] for r in records.by_external_id(store, TEAM1, "deals", "SF-2")] == ["d2"]
    assert records.by_external_id(store, REP3, "deals", "SF-1") == []


# -- writing ----------------------------------------------------------------------------------


def _journal() -> tuple[list[tuple], records.Audit]:
    entries: list[tuple] = []
    return entries, lambda conn, action, target, detail: entries.append((action, target, detail))


def test_a_rep_writes_by_id_and_by_external_id_inside_their_scope(store):
    _workspace(store)
    entries, audit = _journal()
    result = records.upsert(store, REP1, "deals", [
        {"external_id": "SF-1", "amount": 1600},                            # SF-1 is d1, theirs: updated
        {"external_id": "NEW-9", "owner_id": "u1", "account_id": "a1", "status": "open", "amount": 10,
         "currency": "EUR", "created_at": OLD},                             # created with a new id
    ], user_id="u1", audit=audit)
    new_id = result["ids"][1]
    assert result == {"table": "deals", "written": 2, "created": 1, "updated": 1, "ids": ["d1", new_id]}
    assert len(new_id) == 32
    amounts = _deal_amounts(store)
    assert amounts["d1"] == Decimal("1600.00") and amounts[new_id] == Decimal("10.00") and amounts["d2"] == Decimal("300.00")
    assert entries == [("records.upsert", ("deals", None),
                        {"count": 2, "created": 1, "updated": 1, "ids": ["d1", new_id]})]
    assert records.upsert(store, REP1, "deals", [{"id": " d1 ", "amount": 1500}])["ids"] == ["d1"]  # trimmed
    assert _deal_amounts(store)["d1"] == Decimal("1500.00")


def test_another_s_external_id_is_unknown_to_a_rep_and_a_shared_one_needs_the_id(store):
    _workspace(store)
    # To u1, SF-2 is nobody's (d2 is u2's, d3 is u3's): a new deal is created.
    result = records.upsert(store, REP1, "deals", [{"external_id": "SF-2", "owner_id": "u1", "account_id": "a1",
                                                    "status": "open", "amount": 1, "created_at": OLD}])
    assert result["created"] == 1 and result["ids"][0] not in ("d2", "d3")
    with pytest.raises(ValidationError) as err:  # the company sees d2, d3 and u1's new deal behind SF-2
        records.upsert(store, Scope.company(), "deals", [{"external_id": "SF-2", "amount": 2}], admin=True)
    assert [str(e) for e in err.value.errors] == ["deals record #1: external_id: 'SF-2' is shared by 3 records; give the id"]


def test_a_write_outside_the_scope_is_refused_whole(store):
    _workspace(store)
    before = _deal_amounts(store)
    entries, audit = _journal()
    with pytest.raises(RecordNotFoundError) as err:  # d3 is u3's, in t2
        records.upsert(store, TEAM1, "deals", [{"id": "d2", "amount": 1}, {"id": "d3", "amount": 1}], audit=audit)
    assert str(err.value) == "no record 'd3' in deals within your scope; nothing was written"
    assert [(e.record_id, e.index) for e in err.value.errors] == [("d3", 1)]
    with pytest.raises(ValidationError) as err:  # a3 is u3's: to t1 it does not exist
        records.upsert(store, TEAM1, "deals", [{"id": "d2", "account_id": "a3"}])
    assert [str(e) for e in err.value.errors] == ["deals d2: account_id: refers to accounts 'a3', which does not exist"]
    with pytest.raises(RecordScopeError) as err:  # handing d2 to u3 would take it out of t1
        records.upsert(store, TEAM1, "deals", [{"id": "d2", "owner_id": "u3"}])
    assert str(err.value) == "1 record(s) outside your scope; nothing was written" and err.value.field == "owner_id"
    with pytest.raises(RecordForbiddenError) as err:
        records.upsert(store, TEAM1, "teams", [{"id": "t3", "name": "Este"}])
    assert str(err.value) == "only an admin writes teams"
    with pytest.raises(RecordForbiddenError):
        records.upsert(store, REP1, "quotas", [{"id": "q1", "owner_id": "u1", "amount": 1, "currency": "EUR",
                                                "period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 1, 31)}])
    with pytest.raises(RecordScopeError) as err:  # a manager of t1 (u1 here) does not set their own quota
        records.upsert(store, TEAM1, "quotas", [{"id": "q1", "owner_id": "u1", "amount": 1, "currency": "EUR",
                                                 "period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 1, 31)}],
                       user_id="u1")
    assert [e.reason for e in err.value.errors] == ["is you: your own quota is set by an admin"]
    assert _deal_amounts(store) == before and entries == []


def test_a_role_change_is_audited_with_the_door(store):
    _workspace(store)
    entries, audit = _journal()
    records.upsert(store, Scope.company(), "users", [{"id": "u2", "role": "manager"}], admin=True, audit=audit, via="api")
    assert entries[1] == ("users.role_change", ("users", "u2"), {"from": "rep", "to": "manager", "via": "api"})
    assert records.get(store, Scope.company(), "users", "u2")["role"] == "manager"


def test_delete_refuses_a_referred_record_and_keeps_the_deleted_one_in_the_audit(store):
    _workspace(store)
    entries, audit = _journal()
    with pytest.raises(RecordReferencedError) as err:
        records.delete(store, Scope.company(), "accounts", "a1", audit=audit)
    assert str(err.value) == ("accounts 'a1' is referred to by 1 deals (account_id), 1 orders (account_id); "
                              "delete or re-point those first")
    with pytest.raises(RecordNotFoundError) as err:  # d3 is u3's: outside t1, as if absent
        records.delete(store, TEAM1, "deals", "d3")
    assert str(err.value) == "no record 'd3' in deals"
    version = store.data_version
    assert records.delete(store, Scope.company(), "deals", "d3", audit=audit) == {"table": "deals", "deleted": "d3"}
    assert store.data_version == version + 1 and "d3" not in _deal_amounts(store)
    [(action, target, detail)] = entries
    assert (action, target) == ("records.delete", ("deals", "d3"))
    assert detail["record"]["amount"] == 50.0 and detail["record"]["created_at"] == "2026-01-05T09:00:00+00:00"
    json.dumps(detail)  # JSON as it is


def test_deleting_a_user_ends_their_sign_in_state(store):
    _workspace(store)
    now = dt.datetime.now(dt.timezone.utc)
    signin.set_credential(store, "u3", "hash-of-u3", now)
    signin.start_session(store, "digest-u3", "u3", now, now + dt.timedelta(days=1))
    assert signin.session_user(store, "digest-u3", now)["id"] == "u3"
    records.delete(store, Scope.company(), "deals", "d3")
    records.delete(store, Scope.company(), "orders", "o3")
    records.delete(store, Scope.company(), "accounts", "a3")
    records.delete(store, Scope.company(), "users", "u3")
    assert signin.session_user(store, "digest-u3", now) is None
    assert signin.find_by_email(store, "U3@example.com") is None


# -- sign-in state ----------------------------------------------------------------------------


def test_sign_in_state_lives_in_the_store(store):
    _workspace(store)
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert signin.find_active_by_email(store, " U1@Example.com ")["password_hash"] is None
    signin.set_credential(store, "u1", "h1", now)
    signin.start_session(store, "s1", "u1", now, now + dt.timedelta(hours=1))
    signin.set_locale(store, "u1", "en")
    assert signin.session_user(store, "s1", now) == {"id": "u1", "name": "u1", "email": "u1@example.com",
                                                     "role": "rep", "team_id": "t1", "locale": "en"}
    assert signin.session_user(store, "s1", now + dt.timedelta(hours=2)) is None  # expired
    signin.set_credential(store, "u1", "h2", now)  # a new password ends the sessions
    assert signin.session_user(store, "s1", now) is None
    assert signin.find_active_by_email(store, "u1@example.com")["password_hash"] == "h2"
    assert [r[0] for r in signin.users_with_access(store)] == ["u1@example.com", "u2@example.com", "u3@example.com"]
    assert [r[5] for r in signin.users_with_access(store)] == [True, False, False]


def test_the_throttle_reserves_up_to_each_limit_and_forgets_old_failures(store):
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    take = lambda attempt, email, ip, at=now: signin.reserve_attempt(  # noqa: E731
        store, attempt, email, ip, now=at, since=at - dt.timedelta(minutes=15), per_email=2, per_address=3)
    assert take("a1", "x@y.es", "10.0.0.1", now - dt.timedelta(minutes=20))  # outside the next window
    assert take("a2", "x@y.es", "10.0.0.1") and take("a3", "x@y.es", "10.0.0.1")
    assert not take("a4", "x@y.es", "10.0.0.2")  # two for x@y.es since `since`: a2, a3 (a1 has gone)
    assert take("a5", "z@y.es", "10.0.0.1")      # the address's third
    assert not take("a6", "w@y.es", "10.0.0.1")  # the address has none left
    with store.engine.connect() as conn:
        kept = sorted(r[0] for r in conn.execute(sa.select(schema.sign_in_failures.c.id)))
    assert kept == ["a2", "a3", "a5"]  # a1 went with the window; refused attempts leave no row
    signin.clear_failures(store, "x@y.es")
    assert take("a7", "x@y.es", "10.0.0.9")
