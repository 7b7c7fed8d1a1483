"""What the engine keeps between queries: derived facts and rollups (per data version) and
compiled plans.

Derived facts (first outbound activity per lead, previous session per visitor) and rollups
(sums per local day, read by Engine.query_many) are DuckDB temporary tables built once per data
version: a write must show in the next query, on the same engine, exactly as on an engine that
has never built them. Compiled plans are kept on disk (plancache): a new engine reads them instead
of compiling, and a broken file is compiled again.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kpis.builders import MAR, APR, Kpis, activity, deal, lead, session, user  # tests/ is on sys.path (conftest.py)

from pulso.engine import ROLLUP_PREFIX, Engine, Scope, plancache

approx = pytest.approx


def test_facts_follow_every_write(store):
    store.upsert_many({
        "web_sessions": [session("s1", "v1", "2026-03-02T10:00:00"), session("s2", "v1", "2026-03-09T10:00:00"),
                         session("s3", "v2", "2026-03-03T10:00:00")],
        "leads": [lead("L1", "2026-03-02T09:00:00", visitor="v1"), lead("L2", "2026-03-05T00:00:00")],
        "activities": [activity("a1", "call", "2026-03-02T11:00:00", direction="outbound", lead="L1")],
    })
    k = Kpis(store)
    assert k.value("website_visitors") == 2  # v1 twice, v2
    row = k.one("visitor_to_lead_rate")
    assert (row["numerator"], row["denominator"]) == (1, 2)  # v1 has a lead
    row = k.one("lead_response_time_hours")
    assert (row["value"], row["unanswered"]) == (approx(2.0), 1)  # L1 after 2 h; L2 not yet

    # New visitors, a lead for v2, an answer to L2 (6 h) and an earlier one to L1 (1 h).
    store.upsert_many({
        "web_sessions": [session("s4", "v3", "2026-03-20T10:00:00"), session("s5", "v3", "2026-03-21T10:00:00")],
        "leads": [lead("L3", "2026-03-04T00:00:00", visitor="v2")],
        "activities": [activity("a2", "email", "2026-03-05T06:00:00", direction="outbound", lead="L2"),
                       activity("a3", "email", "2026-03-02T10:00:00", direction="outbound", lead="L1")],
    })
    assert k.value("website_visitors") == 3
    row = k.one("visitor_to_lead_rate")
    assert (row["numerator"], row["denominator"]) == (2, 3)
    row = k.one("lead_response_time_hours")  # L1 1 h, L2 6 h, L3 unanswered
    assert (row["value"], row["median"], row["unanswered"]) == (approx(3.5), approx(3.5), 1)
    fresh = Kpis(store)
    for key in ("website_visitors", "visitor_to_lead_rate", "visitor_purchase_rate", "lead_response_time_hours"):
        assert fresh.one(key) == k.one(key)


def test_first_visit_of_each_period(store):
    """A visitor counts once per period, under the source of their first session in it; the same
    whether the query computes the facts itself (the engine's first read) or reads them built."""
    s = session
    store.upsert_many({"web_sessions": [
        {**s("a1", "va", "2026-02-27T10:00:00"), "source": "ads"},  # February
        {**s("a2", "va", "2026-03-01T00:00:00"), "source": "seo"},  # first of March: seo
        {**s("a3", "va", "2026-03-01T00:00:00"), "source": "ads"},  # same instant, later id
        {**s("b0", "vb", "2026-01-10T00:00:00"), "source": "seo"},  # before every window of the queries
        {**s("b1", "vb", "2026-03-15T00:00:00"), "source": "ads"},
        {**s("b2", "vb", "2026-04-02T00:00:00"), "source": "seo"},  # April
    ]})
    k = Kpis(store)
    split = k.by("website_visitors", "source")
    assert {src: row["value"] for src, row in split.items()} == {"ads": 1, "seo": 1}
    rows = k.rows("website_visitors", start=dt.date(2026, 2, 1), end=dt.date(2026, 5, 1), grain="month")
    assert [r["value"] for r in rows] == [1, 2, 1]
    drill = k.engine.drill("website_visitors", start=MAR, end=APR)
    assert sorted((d["id"], d["source"]) for d in drill) == [("va", "seo"), ("vb", "ads")]


def rollups_built(store) -> list[str]:
    return [name for name in store.facts_built if name.startswith(ROLLUP_PREFIX)]


def test_rollups_cut_local_days_and_follow_every_write(store_on):
    """Sums per local day (Madrid, over a DST change) give each event and each open deal the
    month the range joins give them, for the company, each owner and a scope; a write shows in
    the next query of the same engine."""
    store = store_on("duckdb", timezone="Europe/Madrid")
    store.upsert_many({"users": [user("u1"), user("u2")]})
    store.upsert_many({
        "leads": [lead("L1", "2026-02-28T23:59:00", owner="u1"),
                  lead("L2", "2026-03-29T01:30:00", owner="u1", converted="2026-04-02T00:00:00"),  # DST day
                  lead("L3", "2026-03-31T23:30:00", owner="u2"),  # 21:30 UTC: still March in Madrid
                  lead("L4", "2026-04-01T00:30:00", owner="u2")],  # 22:30 UTC on 31 March: April
        "deals": [deal("D1", "2026-02-28T23:30:00", "won", closed="2026-03-31T23:45:00", amount=100, owner="u1"),
                  deal("D2", "2026-03-31T23:50:00", amount=40, owner="u2"),
                  deal("D3", "2026-04-01T00:10:00", "lost", closed="2026-04-01T12:00:00", amount=7, owner="u1")],
    })
    engine = Engine(store)
    keys = ["leads_created", "lead_conversion_rate", "open_opportunities", "pipeline_value"]
    span = dict(start=dt.date(2026, 1, 1), end=dt.date(2026, 5, 1), grain="month")  # 2 × 4 months: built at once

    def monthly(result, field="value"):
        return [r[field] for r in result.rows]

    many = engine.query_many(keys, **span)
    assert len(rollups_built(store)) == 2  # leads by creation, deals open
    assert sum(1 for shape in engine._plans if shape[0] == "r") == 2  # and the query read them
    assert monthly(many["leads_created"]) == [0, 1, 2, 1]
    assert monthly(many["lead_conversion_rate"], "numerator") == [0, 0, 1, 0]  # L2 is counted at its creation
    # D1 is open at the end of February only (closed 23:45 on 31 March); D2 from the end of March on;
    # D3, created and closed in April, never.
    assert monthly(many["open_opportunities"]) == [0, 1, 1, 1]
    assert monthly(many["pipeline_value"]) == [0, 100, 40, 40]
    by_owner = engine.query_many(keys, **span, by=["owner"])
    march = {r["owner"]: r["value"] for r in by_owner["leads_created"].rows if r["period_start"] == MAR}
    assert march == {"u1": 1, "u2": 1}
    u1 = engine.query_many(keys, **span, scope=Scope.owners("u1"))
    assert monthly(u1["leads_created"]) == [0, 1, 1, 0] and monthly(u1["open_opportunities"]) == [0, 1, 0, 0]
    for key in keys:
        assert many[key].rows == engine.query(key, **span).rows  # the range joins, without rollups

    store.upsert_many({"leads": [lead("L5", "2026-03-15T12:00:00", owner="u2")],
                       "deals": [deal("D4", "2026-01-15T00:00:00", amount=5, owner="u2")]})
    again = engine.query_many(keys, **span)
    assert monthly(again["leads_created"]) == [0, 1, 3, 1]
    assert monthly(again["pipeline_value"]) == [5, 105, 45, 45]


def test_a_short_first_read_builds_no_rollup(store_on):
    """One month once (a command) reads the rows; the second read builds the rollup."""
    store = store_on("duckdb")  # rollups are DuckDB temporary tables
    store.upsert_many({"leads": [lead("L1", "2026-03-02T09:00:00", converted="2026-03-03T00:00:00"),
                                 lead("L2", "2026-03-05T00:00:00")]})
    engine = Engine(store)
    keys = ["leads_created", "lead_conversion_rate"]
    first = engine.query_many(keys, start=MAR, end=APR)
    assert rollups_built(store) == []
    second = engine.query_many(keys, start=MAR, end=APR)
    assert len(rollups_built(store)) == 1
    assert first["lead_conversion_rate"].rows == second["lead_conversion_rate"].rows
    assert second["lead_conversion_rate"].rows[0]["value"] == approx(0.5)


def test_plans_are_kept_on_disk(store, tmp_path, monkeypatch):
    monkeypatch.setenv(plancache.ENV, str(tmp_path / "cache"))
    store.upsert_many({"leads": [lead("L1", "2026-03-02T09:00:00", converted="2026-03-03T00:00:00"),
                                 lead("L2", "2026-03-05T00:00:00")]})
    first = Engine(store)
    rows = first.query("lead_conversion_rate", start=MAR, end=APR).rows
    assert rows[0]["value"] == approx(0.5)
    assert (first.plans_compiled, first.plans_loaded) == (1, 0)
    files = list((tmp_path / "cache" / "plans" / plancache.fingerprint()).glob("*.json"))
    assert len(files) == 1

    second = Engine(store)
    assert second.query("lead_conversion_rate", start=MAR, end=APR).rows == rows
    assert (second.plans_compiled, second.plans_loaded) == (0, 1)

    files[0].write_text("{not json", encoding="utf-8")  # a broken file is compiled again
    third = Engine(store)
    assert third.query("lead_conversion_rate", start=MAR, end=APR).rows == rows
    assert (third.plans_compiled, third.plans_loaded) == (1, 0)
    assert json.loads(files[0].read_text(encoding="utf-8"))["sql"]  # and written back whole


def test_plan_cache_can_be_off(store, tmp_path, monkeypatch):
    monkeypatch.setenv(plancache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    store.upsert_many({"leads": [lead("L1", "2026-03-02T09:00:00")]})
    engine = Engine(store)
    engine.query("leads_created", start=MAR, end=APR)
    Engine(store).query("leads_created", start=MAR, end=APR)
    assert not any(tmp_path.rglob("*.json"))


def test_unwritable_cache_does_not_fail(store, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(plancache.ENV, str(blocker))  # plans/ cannot be made under a file
    store.upsert_many({"leads": [lead("L1", "2026-03-02T09:00:00")]})
    assert Engine(store).query("leads_created", start=MAR, end=APR).rows[0]["value"] == 1


def test_days_covered_by_overlapping_windows():
    from pulso.engine import _days_covered

    utc = dt.timezone.utc
    day = lambda m, d: dt.datetime(2026, m, d, tzinfo=utc)  # noqa: E731
    assert _days_covered([(day(3, 1), day(4, 1)), (day(3, 1), day(4, 1))]) == 31  # a drill's two equal windows
    assert _days_covered([(day(2, 1), day(4, 1)), (day(3, 1), day(5, 1))]) == 28 + 31 + 30
    assert _days_covered([(day(1, 1), day(1, 11)), (day(3, 1), day(3, 2))]) == 11
