"""Quality rules, completeness and tile warnings on tiny data with hand-counted answers (both backends)."""

from __future__ import annotations

import datetime as dt

from pulso import quality

NOW = dt.datetime(2026, 6, 30, tzinfo=dt.timezone.utc)


def load(store):
    store.upsert_many({
        "accounts": [
            {"id": "a1", "name": "Uno", "email": "a@x.es", "source": "web", "created_at": "2026-01-01"},
            {"id": "a2", "name": "Dos", "phone": "612345678", "created_at": "2026-01-01"},
            {"id": "a3", "name": "Tres", "created_at": "2026-01-01", "source": " "},
            {"id": "a4", "name": "Cuatro", "email": "c@x.es", "source": "ads", "created_at": "2026-01-01"},
        ],
        "deals": [
            {"id": "d1", "account_id": "a1", "status": "won", "amount": 100, "created_at": "2026-01-01", "closed_at": "2026-02-01"},
            {"id": "d2", "account_id": "a1", "status": "won", "created_at": "2026-01-01", "closed_at": "2026-02-01"},
            {"id": "d3", "status": "open", "created_at": "2026-01-01"},
            {"id": "d4", "status": "open", "amount": 5, "created_at": "2026-06-01"},
        ],
    })


def test_rules_completeness_and_tile_warnings(store):
    load(store)
    found = {(f.table, f.rule): (f.bad, f.total) for f in quality.check(store, now=NOW)}
    assert found[("accounts", "no_contact")] == (1, 4)      # a3
    assert found[("accounts", "no_source")] == (2, 4)       # a2 (none), a3 (blank)
    assert found[("accounts", "no_owner")] == (4, 4)
    assert found[("deals", "no_amount")] == (2, 4)          # d2, d3
    assert found[("deals", "won_without_amount")] == (1, 2)  # d2, of the won d1 and d2
    assert found[("deals", "stale_open")] == (1, 2)         # d3: open since January, of the open d3 and d4
    assert found[("tickets", "no_owner")] == (0, 0)
    filled = quality.completeness(store, "deals")
    assert filled["amount"] == 2 / 4 and filled["account_id"] == 2 / 4 and filled["closed_at"] == 2 / 2  # of the closed deals
    warnings = quality.kpi_warnings(store)
    assert quality.warning_text(warnings["revenue_won"]) == "50 % de las oportunidades abiertas o ganadas no tienen importe"
    assert quality.warning_text(warnings["pipeline_value"], "en") == "50 % of open or won deals lack an amount"
