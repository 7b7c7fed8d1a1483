"""The quality rules count only the rows in the state where they make sense, the page's four
account and lead rules count what the data_completeness KPI counts, and fixes go through the
workspace (scope, validation, audit, data version) — on DuckDB and PostgreSQL, tiny hand-counted data."""

from __future__ import annotations

import datetime as dt

import pytest

from pulso import audit, quality
from pulso import workspace as ws
from pulso.access import Scope
from pulso.engine import engine_for

NOW = dt.datetime(2026, 6, 30, tzinfo=dt.timezone.utc)
USERS = [{"id": u, "name": n, "email": f"{u}@example.com", "role": r, "team_id": None, "active": True,
          "created_at": "2025-01-01T00:00:00"} for u, n, r in (("u1", "Ana Ruiz", "rep"), ("u9", "Jefa", "admin"))]


def _deal(i, status, *, created="2026-01-01", closed=None, amount=None, reason=None):
    return {"id": i, "status": status, "kind": "new", "created_at": created, "closed_at": closed, "amount": amount,
            "lost_reason": reason}


def _found(store, **kw):
    return {(f.table, f.rule): (f.bad, f.total) for f in quality.check(store, now=NOW, **kw)}


def test_rules_count_only_rows_in_their_state(store):
    store.upsert_many({
        "deals": [_deal("d1", "open", created="2026-06-01", amount=10),            # open: no reason, no close: fine
                  _deal("d2", "lost", closed="2026-05-01"),                        # lost without a reason
                  _deal("d3", "lost", closed="2026-05-01", reason="precio"),
                  _deal("d4", "won", closed="2026-05-01", amount=100),
                  _deal("d5", "open")],                                            # open since January, no amount
        "tickets": [{"id": "t1", "status": "open", "opened_at": "2026-06-01"},     # new: no first response yet, fine
                    {"id": "t2", "status": "pending", "opened_at": "2026-06-01"},  # answered without a first response
                    {"id": "t3", "status": "resolved", "opened_at": "2026-06-01", "first_response_at": "2026-06-02",
                     "resolved_at": "2026-06-03"},
                    {"id": "t4", "status": "closed", "opened_at": "2026-06-01", "first_response_at": "2026-06-02"}],
    })
    found = _found(store)
    assert found[("deals", "lost_without_reason")] == (1, 2)    # d2 of d2, d3
    assert found[("deals", "stale_open")] == (1, 2)             # d5 of d1, d5
    assert found[("deals", "no_amount")] == (1, 3)              # d5 of d1, d4, d5 (lost deals are not asked)
    assert found[("deals", "won_without_amount")] == (0, 1)
    assert found[("tickets", "no_first_response")] == (1, 3)    # t2 of t2, t3, t4
    assert found[("tickets", "resolved_without_date")] == (1, 2)  # t4 of t3, t4
    deals = quality.completeness(store, "deals")
    assert deals["lost_reason"] == 1 / 2 and deals["closed_at"] == 1.0 and deals["expected_close_at"] == 0.0
    tickets = quality.completeness(store, "tickets")
    assert tickets["first_response_at"] == 2 / 3 and tickets["resolved_at"] == 1 / 2
    assert "converted_at" not in quality.completeness(store, "leads")  # a state, not a field to fill
    listed, total = quality.rows(store, "deals.lost_without_reason", now=NOW)
    assert total == 1 and [r["id"] for r in listed] == ["d2"]


def _people(store):
    store.upsert_many({
        "users": USERS,
        "accounts": [
            {"id": "A1", "name": "Uno", "email": "uno@example.com", "source": "web", "owner_id": "u1", "created_at": "2026-03-02"},
            {"id": "A2", "name": "Dos", "email": "not-an-email", "created_at": "2026-03-02"},  # contact, owner, source
            {"id": "A3", "name": "Tres", "phone": "12 34", "source": "ads", "owner_id": "u1", "created_at": "2026-03-02"},  # contact
        ],
        "leads": [
            {"id": "L1", "name": "Luis", "email": "luis@example.com", "owner_id": "u1", "source": " ", "created_at": "2026-03-02"},
            {"id": "L2", "name": "Lola", "created_at": "2026-03-02"},                     # contact, owner, source
        ],
    })


def test_the_page_and_the_data_completeness_kpi_count_the_same_rows(store):
    _people(store)
    found = _found(store)
    checks = [(t, k) for t in ("accounts", "leads") for k in ("no_contact", "no_owner", "no_source", "dates_out_of_order")]
    assert [found[c][0] for c in checks] == [2, 1, 1, 0, 1, 1, 2, 0]
    failed = sum(found[c][0] for c in checks)
    kpi = engine_for(store).query("data_completeness", start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 1))
    row = list(kpi)[0]
    assert row["value"] == pytest.approx((20 - 8) / 20)                # 5 records × 4 checks, 8 failed: by hand
    assert row["value"] == pytest.approx(1 - failed / (4 * (found[("accounts", "no_owner")][1] + found[("leads", "no_owner")][1])))


def test_a_rep_counts_and_lists_only_their_own(store):
    _people(store)
    rep = Scope.for_user("rep", "u1", None)
    found = _found(store, scope=rep)
    assert found[("accounts", "no_contact")] == (1, 2)   # A3 of A1, A3: A2 belongs to nobody
    assert found[("leads", "no_source")] == (1, 1)
    listed, total = quality.rows(store, "accounts.no_contact", scope=rep, now=NOW)
    assert (total, [r["id"] for r in listed]) == (1, ["A3"])


def test_fixes_go_through_the_workspace_and_hostile_input_changes_nothing(store):
    _people(store)
    admin, rep = ws.caller_for(store, "u9"), ws.caller_for(store, "u1")
    before = (store.rows("leads"), store.rows("accounts"))
    for bad in ("=HYPERLINK(\"x\")", "", "x" * 500):
        with pytest.raises(ws.InputError):
            quality.fix(store, admin, "leads.no_source", ["L1", "L2"], bad)
    with pytest.raises(ws.NotFoundError):  # L2 is not the rep's: all or nothing
        quality.fix(store, rep, "leads.no_source", ["L1", "L2"], "web")
    with pytest.raises(ws.InputError):
        quality.fix(store, admin, "leads.no_contact", ["L2"], "x")  # not fixed with one value
    with pytest.raises(ws.ForbiddenError):
        quality.fix(store, rep, "accounts.no_owner", ["A1"], "u1")  # reps do not reassign
    assert (store.rows("leads"), store.rows("accounts")) == before
    version = store.data_version
    assert quality.fix(store, admin, "leads.no_source", ["L1", "L2"], "web") == 2
    assert quality.fix(store, admin, "accounts.no_owner", ["A2"], "u1") == 1
    found = _found(store)
    assert found[("leads", "no_source")] == (0, 2) and found[("accounts", "no_owner")] == (0, 3)
    actions = [a["action"] for a in audit.entries(store)]
    assert actions.count("workspace.quality.fix") == 1 and actions.count("workspace.reassign") == 1
    assert len([e for e in store.rows("usage_events") if e["action"] == "update"]) == 3
    assert store.data_version > version
