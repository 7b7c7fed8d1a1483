"""The KPI engine: periods and time zones, comparisons, zero denominators, scoping, splits that add
up, errors that name the bad input, hostile filter values, explain and drill-down.

Every expected figure is worked out by hand from the few records each test writes.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulso.catalog import load_catalog
from pulso.catalog.model import Event, Kpi, Part, T, total
from pulso.catalog.sources import one
from pulso.engine import DIALECTS, Engine, Scope
from pulso.engine import periods as P
from pulso.engine import plancache
from pulso.engine.checks import compiled_catalog, validate_compiled
from pulso.errors import CatalogError, KpiError, ScopeError
from pulso.config import Settings
from pulso.store import Store, schema

D = dt.date
MADRID = ZoneInfo("Europe/Madrid")


def users(*ids_teams):
    return [{"id": u, "name": u.upper(), "email": f"{u}@x.test", "role": "rep", "team_id": t,
             "created_at": "2020-01-01"} for u, t in ids_teams]


def seed_people(store):
    store.upsert_many({"teams": [{"id": "t1", "name": "Norte"}, {"id": "t2", "name": "Sur"}],
                       "users": users(("u1", "t1"), ("u2", "t1"), ("u3", "t2"))})


def deal(i, owner, status, created, closed=None, amount=None, **kw):
    return {"id": f"d{i}", "owner_id": owner, "status": status, "created_at": created, "closed_at": closed,
            "amount": amount, "currency": "EUR" if amount is not None else None, **kw}


def one_row(engine, key, start, end, **kw):
    rows = engine.query(key, start=start, end=end, **kw).rows
    assert len(rows) == 1
    return rows[0]


# -- periods, computed in Python ----------------------------------------------------------------


def test_weeks_start_on_monday_and_edges_are_clipped():
    weeks = P.split(D(2025, 1, 1), D(2025, 2, 1), "week")
    assert weeks[0] == P.Period(D(2025, 1, 1), D(2025, 1, 6))  # Wednesday to the first Monday
    assert weeks[1] == P.Period(D(2025, 1, 6), D(2025, 1, 13))
    assert weeks[-1] == P.Period(D(2025, 1, 27), D(2025, 2, 1))
    assert len(weeks) == 5


def test_quarters_and_years():
    assert P.split(D(2025, 2, 15), D(2025, 8, 1), "quarter") == [
        P.Period(D(2025, 2, 15), D(2025, 4, 1)), P.Period(D(2025, 4, 1), D(2025, 7, 1)),
        P.Period(D(2025, 7, 1), D(2025, 8, 1))]
    assert P.split(D(2024, 1, 1), D(2026, 1, 1), "year") == [
        P.Period(D(2024, 1, 1), D(2025, 1, 1)), P.Period(D(2025, 1, 1), D(2026, 1, 1))]


def test_local_midnights_around_daylight_saving_changes():
    utc = dt.timezone.utc
    assert P.instant(D(2025, 3, 30), MADRID) == dt.datetime(2025, 3, 29, 23, tzinfo=utc)
    assert P.instant(D(2025, 3, 31), MADRID) == dt.datetime(2025, 3, 30, 22, tzinfo=utc)  # a 23-hour day
    assert P.instant(D(2025, 10, 27), MADRID) - P.instant(D(2025, 10, 26), MADRID) == dt.timedelta(hours=25)
    # Santiago de Chile skips midnight itself: the day starts at the change, 01:00 local.
    santiago = ZoneInfo("America/Santiago")
    assert P.instant(D(2024, 9, 8), santiago) == dt.datetime(2024, 9, 8, 4, tzinfo=utc)


def test_previous_and_year_ago_periods():
    march = P.Period(D(2025, 3, 1), D(2025, 4, 1))
    assert P.previous(march, "month") == P.Period(D(2025, 2, 1), D(2025, 3, 1))
    assert P.year_ago(march, "month") == P.Period(D(2024, 3, 1), D(2024, 4, 1))
    quarter = P.Period(D(2025, 1, 1), D(2025, 4, 1))
    assert P.previous(quarter, None) == P.Period(D(2024, 10, 1), D(2025, 1, 1))  # whole months: same months
    assert P.previous(P.Period(D(2025, 1, 10), D(2025, 1, 20)), None) == P.Period(D(2024, 12, 31), D(2025, 1, 10))
    week = P.Period(D(2025, 1, 6), D(2025, 1, 13))
    assert P.year_ago(week, "week") == P.Period(D(2024, 1, 8), D(2024, 1, 15))  # still a Monday
    assert P.year_ago(P.Period(D(2024, 2, 29), D(2024, 3, 1)), "day") == P.Period(D(2023, 2, 28), D(2023, 3, 1))


def test_year_fraction_is_calendar_exact():
    assert P.year_fraction(P.Period(D(2025, 1, 1), D(2026, 1, 1))) == 1.0
    assert P.year_fraction(P.Period(D(2024, 1, 1), D(2025, 1, 1))) == 1.0  # a leap year is one year too
    assert P.year_fraction(P.Period(D(2025, 1, 1), D(2025, 2, 1))) == 31 / 365


# -- periods in the workspace time zone, on both backends ----------------------------------------


def test_local_midnight_decides_the_month(store_factory):
    store = store_factory(timezone="Europe/Madrid")
    seed_people(store)
    store.upsert_many({"deals": [
        deal(1, "u1", "won", "2025-03-01 10:00", "2025-03-31 23:30", 100),  # 21:30 UTC: March
        deal(2, "u1", "won", "2025-03-01 10:00", "2025-04-01 00:30", 200),  # 22:30 UTC on 31 March: April
    ]})
    rows = Engine(store).query("revenue_won", start=D(2025, 3, 1), end=D(2025, 5, 1), grain="month").rows
    assert [(r["period_start"], r["value"]) for r in rows] == [(D(2025, 3, 1), 100.0), (D(2025, 4, 1), 200.0)]
    assert rows[1]["period_end"] == D(2025, 5, 1)


def test_one_compiled_plan_serves_every_time_zone(store_factory, tmp_path, monkeypatch):
    """The SQL of a query does not depend on the workspace's time zone (the periods, cut in that
    zone, are a table handed in when it runs): a workspace in another zone reads the plan another
    compiled, and each still places the deal closed at 23:30 local on 31 March in March."""
    monkeypatch.setenv(plancache.ENV, str(tmp_path / "cache"))
    counts = []
    for zone in ("Europe/Madrid", "UTC", "America/Mexico_City"):  # whole-hour offsets: the same hour slots
        store = store_factory(timezone=zone)
        seed_people(store)
        store.upsert_many({"deals": [deal(1, "u1", "won", "2025-03-01 10:00", "2025-03-31 23:30", 100)]})
        engine = Engine(store)
        rows = engine.query("revenue_won", start=D(2025, 3, 1), end=D(2025, 5, 1), grain="month").rows
        assert [(r["period_start"], r["value"]) for r in rows] == [(D(2025, 3, 1), 100.0), (D(2025, 4, 1), 0.0)], zone
        counts.append((engine.plans_compiled, engine.plans_loaded))
    assert counts == [(1, 0), (0, 1), (0, 1)]


def test_days_across_daylight_saving_changes(store_factory):
    store = store_factory(timezone="Europe/Madrid")
    seed_people(store)
    store.upsert_many({"leads": [
        {"id": "l1", "owner_id": "u1", "created_at": "2025-03-30 23:30"},  # the 23-hour day
        {"id": "l2", "owner_id": "u1", "created_at": "2025-03-31 00:15"},
        {"id": "l3", "owner_id": "u1", "created_at": "2025-10-26 23:59"},  # the 25-hour day
        {"id": "l4", "owner_id": "u1", "created_at": "2025-10-26 00:01"},
    ]})
    engine = Engine(store)
    spring = engine.query("leads_created", start=D(2025, 3, 29), end=D(2025, 4, 1), grain="day").rows
    assert [r["value"] for r in spring] == [0.0, 1.0, 1.0]
    autumn = engine.query("leads_created", start=D(2025, 10, 26), end=D(2025, 10, 27), grain="day").rows
    assert autumn[0]["value"] == 2.0


def test_week_grain_starts_on_monday(store_factory):
    store = store_factory(timezone="America/Mexico_City")
    seed_people(store)
    store.upsert_many({"leads": [
        {"id": "l1", "owner_id": "u1", "created_at": "2025-01-05 23:00"},  # Sunday night
        {"id": "l2", "owner_id": "u1", "created_at": "2025-01-06 00:00"},  # Monday
        {"id": "l3", "owner_id": "u2", "created_at": "2025-01-12 12:00"},  # Sunday
    ]})
    rows = Engine(store).query("leads_created", start=D(2024, 12, 30), end=D(2025, 1, 13), grain="week").rows
    assert [(r["period_start"], r["value"]) for r in rows] == [(D(2024, 12, 30), 1.0), (D(2025, 1, 6), 2.0)]


def test_previous_and_year_ago_come_from_the_same_query(store):
    seed_people(store)
    store.upsert_many({"deals": [
        deal(1, "u1", "won", "2024-01-01", "2024-02-10", 50),   # 2024 Q1: the year-ago quarter
        deal(2, "u1", "won", "2024-10-01", "2024-11-10", 70),   # 2024 Q4: the previous quarter
        deal(3, "u1", "won", "2025-01-01", "2025-01-20", 100),  # 2025 Q1
        deal(4, "u2", "won", "2025-04-01", "2025-05-20", 300),  # 2025 Q2
    ]})
    rows = Engine(store).query("revenue_won", start=D(2025, 1, 1), end=D(2025, 7, 1), grain="quarter").rows
    assert [(r["value"], r["previous"], r["year_ago"]) for r in rows] == [(100.0, 70.0, 50.0), (300.0, 100.0, 0.0)]
    whole = one_row(Engine(store), "revenue_won", D(2025, 1, 1), D(2025, 4, 1))
    assert (whole["previous"], whole["year_ago"]) == (70.0, 50.0)


def test_zero_denominator_gives_null_never_zero(store):
    seed_people(store)
    engine = Engine(store)
    rate = one_row(engine, "close_rate", D(2025, 1, 1), D(2025, 2, 1))
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (None, 0.0, 0.0)
    mean = one_row(engine, "sales_cycle_days", D(2025, 1, 1), D(2025, 2, 1))
    assert mean["value"] is None and mean["median"] is None
    assert one_row(engine, "revenue_won", D(2025, 1, 1), D(2025, 2, 1))["value"] == 0.0


def test_snapshots_are_taken_at_each_period_end(store):
    seed_people(store)
    store.upsert_many({"deals": [deal(1, "u1", "won", "2025-01-15", "2025-03-01", 10), deal(2, "u2", "open", "2025-02-10")]})
    rows = Engine(store).query("open_opportunities", start=D(2025, 1, 1), end=D(2025, 4, 1), grain="month").rows
    # d1 is open at the end of January and of February (closed exactly at the March boundary); d2 from February on.
    assert [r["value"] for r in rows] == [1.0, 2.0, 1.0]
    age = Engine(store).query("open_deal_age_days", start=D(2025, 3, 1), end=D(2025, 4, 1)).rows[0]
    assert age["value"] == (dt.date(2025, 4, 1) - dt.date(2025, 2, 10)).days


def test_snapshots_when_two_periods_end_on_one_day(store):
    """The clipped first quarter [Feb 1, Apr 1) and the second quarter's previous period, the whole
    first quarter [Jan 1, Apr 1), end together: every snapshot must still count each deal once."""
    seed_people(store)
    store.upsert_many({"deals": [
        deal(1, "u1", "open", "2024-11-10"),  # open at every boundary
        deal(2, "u1", "won", "2025-01-15", "2025-05-01", 10),  # open at Apr 1 only
        deal(3, "u2", "lost", "2025-03-01", "2025-08-01"),  # open at Apr 1 and Jul 1
        deal(4, "u3", "open", "2025-06-01"),  # open from Jul 1 on
    ]})
    rows = Engine(store).query("open_opportunities", start=D(2025, 2, 1), end=D(2025, 12, 1), grain="quarter").rows
    assert [(r["period_end"], r["value"]) for r in rows] == [
        (D(2025, 4, 1), 3.0), (D(2025, 7, 1), 3.0), (D(2025, 10, 1), 2.0), (D(2025, 12, 1), 2.0)]
    # Previous periods end on Feb 1 (the first's: [Dec 1, Feb 1), d1 and d2), Apr 1, Jul 1, Oct 1.
    assert [r["previous"] for r in rows] == [2.0, 3.0, 3.0, 2.0]


def test_means_carry_their_median_and_unanswered_tickets_are_counted_apart(store):
    seed_people(store)
    store.upsert_many({"tickets": [
        {"id": "k1", "owner_id": "u1", "status": "open", "opened_at": "2025-01-10 08:00", "first_response_at": "2025-01-10 09:00"},
        {"id": "k2", "owner_id": "u1", "status": "open", "opened_at": "2025-01-10 08:00", "first_response_at": "2025-01-10 10:00"},
        {"id": "k3", "owner_id": "u1", "status": "open", "opened_at": "2025-01-10 08:00", "first_response_at": "2025-01-10 14:00"},
        {"id": "k4", "owner_id": "u2", "status": "open", "opened_at": "2025-01-11 08:00"},
    ]})
    row = one_row(Engine(store), "first_response_time_hours", D(2025, 1, 1), D(2025, 2, 1))
    assert row["value"] == pytest.approx((1 + 2 + 6) / 3)
    assert row["median"] == pytest.approx(2.0)
    assert (row["numerator"], row["denominator"], row["unanswered"]) == (9.0, 3.0, 1.0)


# -- scoping ----------------------------------------------------------------------------------


def seed_three_owners(store):
    seed_people(store)
    store.upsert_many({"deals": [
        deal(1, "u1", "won", "2025-01-01", "2025-01-05", 10), deal(2, "u1", "lost", "2025-01-01", "2025-01-06"),
        deal(3, "u2", "won", "2025-01-01", "2025-01-07", 20), deal(4, "u3", "won", "2025-01-01", "2025-01-08", 40),
        deal(5, "u3", "lost", "2025-01-01", "2025-01-09"), deal(6, None, "won", "2025-01-01", "2025-01-10", 80),
    ]})


def test_scope_restricts_every_figure_and_every_record(store):
    seed_three_owners(store)
    engine = Engine(store)
    jan = dict(start=D(2025, 1, 1), end=D(2025, 2, 1))
    mine = one_row(engine, "close_rate", **jan, scope=Scope.owners("u1"))
    assert (mine["numerator"], mine["denominator"]) == (1.0, 2.0)
    team = one_row(engine, "revenue_won", **jan, scope=Scope.team("t1"))
    assert team["value"] == 30.0  # u1 and u2, not u3, not the unowned deal
    split = engine.query("close_rate", **jan, by=["owner"], scope=Scope.team("t1")).rows
    assert {r["owner"] for r in split} == {"u1", "u2"}
    records = engine.drill("close_rate", **jan, part="denominator", scope=Scope.owners("u1"))
    assert {r["id"] for r in records} == {"d1", "d2"} and {r["owner"] for r in records} == {"u1"}
    # a filter cannot widen a scope: asking for u3's deals inside u1's scope finds nothing
    assert one_row(engine, "close_rate", **jan, filters={"owner": "u3"}, scope=Scope.owners("u1"))["denominator"] == 0.0
    assert one_row(engine, "revenue_won", **jan, scope=Scope.owners())["value"] == 0.0
    company = one_row(engine, "revenue_won", **jan)
    assert company["value"] == 150.0


def test_unowned_records_cannot_be_scoped(store):
    seed_people(store)
    engine = Engine(store)
    for key in ("website_visitors", "customer_acquisition_cost", "campaign_roi", "campaigns_running"):
        with pytest.raises(ScopeError, match=key):
            engine.query(key, start=D(2025, 1, 1), end=D(2025, 2, 1), scope=Scope.owners("u1"))
        engine.query(key, start=D(2025, 1, 1), end=D(2025, 2, 1), scope=Scope.company())


def test_team_quotas_belong_to_the_team(store):
    seed_people(store)
    store.upsert_many({
        "deals": [deal(1, "u1", "won", "2025-03-01", "2025-03-05", 600), deal(2, "u3", "won", "2025-03-01", "2025-03-06", 50)],
        "quotas": [{"id": "q1", "team_id": "t1", "period_start": "2025-03-01", "period_end": "2025-03-31", "amount": 1000},
                   {"id": "q2", "owner_id": "u3", "period_start": "2025-01-01", "period_end": "2025-03-31", "amount": 900}],
    })
    engine = Engine(store)
    march = dict(start=D(2025, 3, 1), end=D(2025, 4, 1))
    team = one_row(engine, "quota_attainment", **march, scope=Scope.team("t1"))
    assert (team["numerator"], team["denominator"]) == (600.0, 1000.0)
    rep = one_row(engine, "quota_attainment", **march, scope=Scope.owners("u3"))
    # a quarterly quota shared out by days: March has 31 of the quarter's 90 days
    assert rep["denominator"] == pytest.approx(900 * 31 / 90) and rep["numerator"] == 50.0


# -- splits add up; scoping never widens (property tests) ----------------------------------------

ADDITIVE_SAMPLE = ("close_rate", "revenue_won", "open_opportunities", "customer_retention_rate")
OWNERS = ("u1", "u2", "u3", None)


def _clear(store):
    for name in ("deals", "accounts"):  # one transaction each: DuckDB checks keys per statement batch
        with store.connect() as conn:
            conn.execute(schema.metadata.tables[name].delete())


@st.composite
def books(draw):
    n_accounts = draw(st.integers(1, 6))
    accounts = []
    for i in range(n_accounts):
        created = draw(st.integers(0, 200))
        acquired = draw(st.one_of(st.none(), st.integers(created, 300)))
        churned = None if acquired is None else draw(st.one_of(st.none(), st.integers(acquired, 360)))
        accounts.append({"id": f"a{i}", "name": f"A{i}", "owner_id": draw(st.sampled_from(OWNERS)),
                         "source": draw(st.sampled_from(["web", "ads", None])), "segment": draw(st.sampled_from(["smb", "ent"])),
                         "created_at": D(2025, 1, 1) + dt.timedelta(days=created),
                         "acquired_at": None if acquired is None else D(2025, 1, 1) + dt.timedelta(days=acquired, hours=3),
                         "churned_at": None if churned is None else D(2025, 1, 1) + dt.timedelta(days=churned, hours=5)})
    deals = []
    for i in range(draw(st.integers(0, 12))):
        status = draw(st.sampled_from(["won", "lost", "open"]))
        created = dt.datetime(2025, 1, 1) + dt.timedelta(hours=draw(st.integers(0, 24 * 300)))
        closed = None if status == "open" else created + dt.timedelta(hours=draw(st.integers(0, 24 * 90)))
        amount = draw(st.one_of(st.none(), st.integers(0, 10_000)))
        deals.append(deal(i, draw(st.sampled_from(OWNERS)), status, created, closed, amount,
                          account_id=draw(st.sampled_from([None, *(a["id"] for a in accounts)])),
                          kind=draw(st.sampled_from(["new", "upsell"]))))
    return accounts, deals


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=books(), grain=st.sampled_from([None, "quarter"]), picked=st.sets(st.sampled_from(["u1", "u2", "u3"])))
def test_splits_add_up_and_scopes_never_widen(store, data, grain, picked):
    if not store.counts()["users"]:
        seed_people(store)
    _clear(store)
    accounts, deals = data
    store.upsert_many({name: rows for name, rows in (("accounts", accounts), ("deals", deals)) if rows})
    engine = Engine(store)
    span = dict(start=D(2025, 1, 1), end=D(2026, 1, 1), grain=grain)
    for key in ADDITIVE_SAMPLE:
        whole = engine.query(key, **span).rows
        for dim in [d for d in ("owner", "team", "source", "segment") if d in engine.kpi(key).dimensions]:
            parts = engine.query(key, **span, by=[dim]).rows
            for row in whole:
                same = [p for p in parts if p["period_start"] == row["period_start"]]
                for figure in ("numerator", "denominator"):
                    if row[figure] is not None:
                        assert sum(p[figure] for p in same) == pytest.approx(row[figure]), (key, dim, figure)
        scoped = engine.query(key, **span, by=["owner"], scope=Scope.owners(*picked)).rows
        assert {r["owner"] for r in scoped} <= picked
        unscoped = [r for r in engine.query(key, **span, by=["owner"]).rows if r["owner"] in picked]
        assert sum(r["numerator"] for r in scoped) == pytest.approx(sum(r["numerator"] for r in unscoped))


# -- every additive KPI on a dataset that touches every table ------------------------------------


def rich_dataset(seed: int = 7) -> dict[str, list[dict]]:
    """A small, deterministic workspace with rows in every table the catalog reads."""
    r = random.Random(seed)
    day = lambda lo=0, hi=360: dt.datetime(2025, 1, 1) + dt.timedelta(hours=r.randint(lo * 24, hi * 24))  # noqa: E731
    owners = ["u1", "u2", "u3", None]
    pick = r.choice
    out: dict[str, list[dict]] = {"campaigns": [], "accounts": [], "leads": [], "stages": [], "deals": [], "activities": [],
                                  "tickets": [], "survey_responses": [], "orders": [], "subscriptions": [], "spend": [],
                                  "web_sessions": [], "quotas": [], "usage_events": []}
    for i in range(4):
        start = day(0, 300)
        out["campaigns"].append({"id": f"c{i}", "name": f"C{i}", "channel": pick(["ads", "email"]), "started_at": start,
                                 "ended_at": start + dt.timedelta(days=r.randint(5, 40)), "cost": r.randint(100, 900)})
    out["stages"] = [{"id": "s1", "name": "Lead", "position": 1, "kind": "open", "probability": 0.2},
                     {"id": "s2", "name": "Offer", "position": 2, "kind": "open", "probability": 0.6}]
    for i in range(30):
        created = day(0, 200)
        acquired = created + dt.timedelta(days=r.randint(0, 100)) if r.random() < 0.8 else None
        churned = acquired + dt.timedelta(days=r.randint(1, 200)) if acquired and r.random() < 0.4 else None
        out["accounts"].append({"id": f"a{i}", "name": f"A{i}", "owner_id": pick(owners), "source": pick(["web", "ads", None]),
                                "segment": pick(["smb", "ent"]), "country": pick(["ES", "MX"]), "created_at": created,
                                "acquired_at": acquired, "churned_at": churned,
                                "email": pick([f"a{i}@x.test", "broken", None]), "phone": pick(["+34 600 000 000", None])})
    for i in range(40):
        created = day()
        mql = created + dt.timedelta(days=2) if r.random() < 0.6 else None
        sql = mql + dt.timedelta(days=3) if mql and r.random() < 0.6 else None
        conv = created + dt.timedelta(days=9) if r.random() < 0.4 else None
        out["leads"].append({"id": f"l{i}", "owner_id": pick(owners), "source": pick(["web", "ads", "event"]),
                             "campaign_id": pick([None, "c0", "c1", "c2", "c3"]), "visitor_id": f"v{r.randint(0, 25)}",
                             "created_at": created, "mql_at": mql, "sql_at": sql, "converted_at": conv,
                             "account_id": pick([None, "a1", "a2"]), "email": pick(["x@y.test", None])})
    for i in range(60):
        status = pick(["won", "lost", "open"])
        created = day(0, 300)
        closed = created + dt.timedelta(days=r.randint(0, 60)) if status != "open" else None
        out["deals"].append(deal(i, pick(owners), status, created, closed, pick([None, r.randint(10, 5000)]),
                                 account_id=pick([None, "a1", "a2", "a3", "a4"]), lead_id=pick([None, "l1", "l2", "l3"]),
                                 kind=pick(["new", "upsell", "cross_sell"]), stage_id=pick([None, "s1", "s2"]),
                                 campaign_id=pick([None, "c0", "c1"])))
    for i in range(80):
        out["activities"].append({"id": f"x{i}", "type": pick(["call", "email", "meeting", "note"]),
                                  "direction": pick(["inbound", "outbound"]), "owner_id": pick(owners),
                                  "lead_id": pick([None, "l1", "l2", "l5"]), "occurred_at": day(), "automated": r.random() < 0.3})
    for i in range(30):
        opened = day()
        first = opened + dt.timedelta(hours=r.randint(1, 30)) if r.random() < 0.8 else None
        resolved = opened + dt.timedelta(hours=r.randint(30, 300)) if r.random() < 0.6 else None
        out["tickets"].append({"id": f"k{i}", "account_id": pick([None, "a1", "a5"]), "owner_id": pick(owners),
                               "channel": pick(["phone", "email"]), "priority": pick(["low", "high"]), "status": "open",
                               "opened_at": opened, "first_response_at": first, "first_response_automated": r.random() < 0.5,
                               "resolved_at": resolved})
    for i in range(30):
        kind = pick(["nps", "ces", "csat"])
        lo, hi = {"nps": (0, 10), "ces": (1, 7), "csat": (1, 5)}[kind]
        out["survey_responses"].append({"id": f"s{i}", "account_id": pick([None, "a1", "a6"]), "ticket_id": pick([None, "k1"]),
                                        "kind": kind, "score": r.randint(lo, hi), "scale_min": lo, "scale_max": hi,
                                        "high_is_good": kind == "nps" or r.random() < 0.7, "answered_at": day()})
    for i in range(40):
        out["orders"].append({"id": f"o{i}", "account_id": pick([None, "a1", "a2", "a7"]), "deal_id": pick([None, "d1"]),
                              "amount": r.randint(5, 500), "ordered_at": day()})
    for i in range(12):
        start = day(0, 100)
        out["subscriptions"].append({"id": f"b{i}", "account_id": pick(["a1", "a3"]), "plan": pick(["basic", "pro"]),
                                     "monthly_amount": 30, "started_at": start, "term_end_at": start + dt.timedelta(days=r.randint(30, 250)),
                                     "renewed": pick([True, False, None])})
    for i in range(10):
        start = D(2025, 1, 1) + dt.timedelta(days=r.randint(0, 300))
        out["spend"].append({"id": f"p{i}", "category": pick(["marketing", "sales", "retention"]), "channel": pick(["ads", "web", None]),
                             "campaign_id": pick([None, "c0"]), "period_start": start,
                             "period_end": start + dt.timedelta(days=r.randint(0, 60)), "amount": r.randint(50, 800)})
    for i in range(60):
        out["web_sessions"].append({"id": f"w{i}", "visitor_id": f"v{r.randint(0, 30)}", "source": pick(["web", "ads"]),
                                    "started_at": day(), "duration_s": pick([None, r.randint(5, 900)])})
    out["quotas"] = [{"id": "q1", "owner_id": "u1", "period_start": D(2025, 1, 1), "period_end": D(2025, 6, 30), "amount": 5000},
                     {"id": "q2", "team_id": "t2", "period_start": D(2025, 1, 1), "period_end": D(2025, 12, 31), "amount": 9000}]
    for i in range(50):
        out["usage_events"].append({"id": f"e{i}", "user_id": pick(["u1", "u2", "u3"]), "action": pick(["login", "create", "update"]),
                                    "occurred_at": day()})
    return out


def load_rich(store):
    seed_people(store)
    store.upsert_many(rich_dataset())
    with store.connect() as conn:
        conn.execute(schema.duplicate_candidates.insert(), [
            {"id": "dc1", "table_name": "accounts", "record_id": "a1", "duplicate_of": "a2", "probability": 0.9,
             "status": "pending", "found_at": dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)},
            {"id": "dc2", "table_name": "accounts", "record_id": "a1", "duplicate_of": "a3", "probability": 0.8,
             "status": "confirmed", "found_at": dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)},
            {"id": "dc3", "table_name": "leads", "record_id": "l4", "duplicate_of": "l5", "probability": 0.7,
             "status": "dismissed", "found_at": dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)}])


@pytest.fixture(scope="module")
def rich_duckdb(tmp_path_factory):
    """rich_duckdb(zone): a DuckDB workspace in that time zone holding load_rich's records, built
    once per module and shared by the tests that only read it (a new Engine sees no other's plans
    in memory; the temporary tables an engine builds are per data version, which nothing changes)."""
    made: dict[str, Store] = {}

    def get(zone: str) -> Store:
        if zone not in made:
            store = Store(Settings(f"duckdb:///{tmp_path_factory.mktemp('rich') / 'rich.duckdb'}"))
            store.init(timezone=zone)
            load_rich(store)
            made[zone] = store
        return made[zone]

    yield get
    for store in made.values():
        store.close()


@pytest.mark.slow
def test_every_additive_kpi_adds_up_over_every_dimension(store):
    load_rich(store)
    engine = Engine(store)
    span = dict(start=D(2025, 1, 1), end=D(2026, 1, 1))
    checked = 0
    for kpi in load_catalog():
        if kpi.additive == "none":
            continue
        whole = one_row(engine, kpi.key, **span)
        figures = ("numerator", "denominator") if kpi.additive == "both" else ("numerator",)
        for dim in kpi.dimensions:
            parts = engine.query(kpi.key, **span, by=[dim]).rows
            for figure in figures:
                if whole[figure] is not None:
                    got = sum(p[figure] for p in parts)
                    assert got == pytest.approx(whole[figure], abs=1e-6), (kpi.key, dim, figure)
                    checked += 1
    assert checked > 150


@pytest.mark.slow
@pytest.mark.parametrize("zone", ["Europe/Madrid", "Asia/Kathmandu"])  # hour slots; 15-minute slots (+05:45)
def test_duckdb_fast_paths_give_the_same_rows_as_range_joins(rich_duckdb, zone):
    """Slots, running sums and window pre-filters are optimisations: they change no figure.

    Every KPI, over every span below, unsplit and (in Madrid, hour slots) split by its first
    dimension. Kathmandu's point is its 15-minute slots (+05:45): how an instant finds its slot and
    how a period's bounds fall on slots, which the unsplit query exercises whole; a split adds
    group-by columns (and partitions of the running sums) that do not depend on the slot length,
    and Madrid checks them, so Kathmandu runs unsplit only (each of its slot-900 shapes is a
    compilation of its own)."""
    store = rich_duckdb(zone)  # the fast paths are DuckDB's
    fast, plain = Engine(store), Engine(store)
    plain.slots = False
    for kpi in load_catalog():
        for by in ([], list(kpi.dimensions[:1])) if zone == "Europe/Madrid" else ([],):
            spans = [("month", D(2025, 2, 1), D(2025, 12, 1)), (None, D(2025, 3, 15), D(2025, 9, 20))]
            if kpi.snapshot:  # a clipped first quarter ends on the same day as its previous period
                spans.append(("quarter", D(2025, 2, 1), D(2025, 12, 1)))
            for grain, start, end in spans:
                args = dict(start=start, end=end, grain=grain, by=by, params={"baseline": [(D(2025, 1, 1), D(2025, 2, 1))]})
                a, b = fast.query(kpi.key, **args).rows, plain.query(kpi.key, **args).rows
                assert len(a) == len(b), (kpi.key, by, grain)
                for x, y in zip(a, b):
                    assert x.keys() == y.keys()
                    for k in x:
                        assert x[k] == (pytest.approx(y[k], abs=1e-9) if isinstance(x[k], float) else y[k]), \
                            (kpi.key, by, grain, k, x, y)


def same_rows(a, b, label):
    assert len(a) == len(b), label
    for x, y in zip(a, b):
        assert x.keys() == y.keys(), label
        for k in x:
            assert x[k] == (pytest.approx(y[k], rel=1e-9, abs=1e-9) if isinstance(x[k], float) else y[k]), (label, k, x, y)


@pytest.mark.slow
def test_query_many_gives_what_query_gives(rich_duckdb):
    """Fusing the parts of many KPIs into shared scans changes no figure, split, filter or scope."""
    engine = Engine(rich_duckdb("Europe/Madrid"))  # fusion is DuckDB's
    catalog = load_catalog()
    owned = [k.key for k in catalog if k.owned]
    cases = [
        ("company by month", [k.key for k in catalog], dict(grain="month")),
        ("by owner", [k.key for k in catalog if "owner" in k.dimensions], dict(grain="month", by=["owner"])),
        ("team by quarter", owned, dict(grain="quarter", scope=Scope.team("t1"))),
        ("one owner, whole span", owned, dict(scope=Scope.owners("u2"))),
        ("filtered by source", [k.key for k in catalog if "source" in k.dimensions],
         dict(grain="month", filters={"source": ["web", None]}, by=["source"])),
    ]
    fused = 0
    for label, keys, kw in cases:
        args = dict(start=D(2025, 2, 1), end=D(2025, 12, 1), params={"baseline": [(D(2025, 1, 1), D(2025, 2, 1))]}, **kw)
        compiled = engine.plans_compiled
        many = engine.query_many(keys, **args)
        fused += sum(1 for shape in engine._plans if shape[0] == "f")
        rolled = sum(1 for shape in engine._plans if shape[0] == "r")
        assert list(many) == keys
        for key in keys:
            same_rows(many[key].rows, engine.query(key, **args).rows, (label, key))
        assert engine.plans_compiled > compiled
    assert fused > 100  # most KPIs went through the shared scans
    assert rolled >= 10  # and many of them read rollups per local day


def test_query_many_on_every_backend(store):
    load_rich(store)
    engine = Engine(store)
    keys = ["close_rate", "revenue_won", "average_deal_value", "nps", "website_visitors", "churn_rate"]
    span = dict(start=D(2025, 1, 1), end=D(2026, 1, 1), grain="quarter")
    many = engine.query_many(keys, **span)
    assert list(many) == keys
    for key in keys:
        same_rows(many[key].rows, engine.query(key, **span).rows, key)
    with pytest.raises(ScopeError):
        engine.query_many(keys, **span, scope=Scope.owners("u1"))  # website visitors have no owner
    with pytest.raises(KpiError, match="unknown dimension"):
        engine.query_many(keys, **span, by=["stage"])  # nps cannot be split by stage


def test_duplicates_count_each_flagged_record_once(store):
    load_rich(store)
    row = one_row(Engine(store), "duplicate_rate", D(2025, 1, 1), D(2026, 1, 1))
    # a1 is flagged twice (pending, confirmed) and counts once; l4's flag was dismissed.
    assert row["numerator"] == 1.0 and row["denominator"] == 30 + 40


# -- errors name the bad input and suggest the good one -------------------------------------------


def test_unknown_names_are_refused_with_a_suggestion(store):
    engine = Engine(store)
    jan = dict(start=D(2025, 1, 1), end=D(2025, 2, 1))
    with pytest.raises(KpiError, match="unknown KPI 'win_rte'; did you mean 'close_rate'"):
        engine.query("win_rte", **jan)
    with pytest.raises(KpiError, match="unknown dimension 'ownr' for close_rate; did you mean 'owner'"):
        engine.query("close_rate", **jan, by=["ownr"])
    with pytest.raises(KpiError, match="unknown dimension 'plan' for close_rate"):
        engine.query("close_rate", **jan, filters={"plan": "pro"})
    with pytest.raises(KpiError, match="unknown grain 'monthly'; did you mean 'month'"):
        engine.query("close_rate", **jan, grain="monthly")
    with pytest.raises(KpiError, match="not after start"):
        engine.query("close_rate", start=D(2025, 2, 1), end=D(2025, 2, 1))
    with pytest.raises(KpiError, match="is not a date"):
        engine.query("close_rate", start="yesterday", end=D(2025, 2, 1))
    with pytest.raises(KpiError, match="unknown part"):
        engine.drill("close_rate", **jan, part="both")


def test_hostile_filter_values_find_nothing_and_change_nothing(store):
    seed_three_owners(store)
    engine = Engine(store)
    jan = dict(start=D(2025, 1, 1), end=D(2025, 2, 1))
    engine.query("close_rate", **jan)  # opens the engine's connection first: see the note in docs/engine.md
    before = store.checksum()
    for value in ("x' OR 1=1 --", "'; DROP TABLE deals; --", 'u1" OR "1"="1', "u1') OR ('1'='1"):
        row = one_row(engine, "close_rate", **jan, filters={"owner": value})
        assert (row["numerator"], row["denominator"]) == (0.0, 0.0)
        assert engine.drill("close_rate", **jan, filters={"owner": [value]}) == []
    with pytest.raises(KpiError):
        engine.query("close_rate", **jan, by=["owner; DROP TABLE deals"])
    assert store.checksum() == before
    assert one_row(engine, "close_rate", **jan)["denominator"] == 6.0


def test_filters_take_several_values_and_nulls(store):
    seed_three_owners(store)
    engine = Engine(store)
    jan = dict(start=D(2025, 1, 1), end=D(2025, 2, 1))
    assert one_row(engine, "revenue_won", **jan, filters={"owner": ["u1", "u3"]})["value"] == 50.0
    assert one_row(engine, "revenue_won", **jan, filters={"owner": [None]})["value"] == 80.0


# -- explain and drill ----------------------------------------------------------------------


def test_explain_gives_words_and_sql_in_every_dialect():
    engine = Engine.__new__(Engine)  # explain needs no workspace
    engine.catalog = load_catalog()
    for dialect in DIALECTS:
        found = engine.explain("close_rate", dialect=dialect, lang="en")
        assert found.formula.startswith("deals won ÷ deals closed") and found.dialect == dialect
        assert "deals" in found.sql and "pulso_periods" in found.sql and "NULLIF" in found.sql.upper()
    assert "`deals`" in engine.explain("close_rate", dialect="bigquery").sql
    assert engine.explain("close_rate", lang="es").formula.startswith("oportunidades ganadas")
    assert "mediana" in engine.explain("sales_cycle_days", dialect="trino", lang="es").note
    with pytest.raises(KpiError, match="did you mean 'postgres'"):
        engine.explain("close_rate", dialect="postgre")


@pytest.mark.slow
def test_every_kpi_compiles_for_every_dialect():
    catalog = compiled_catalog(load_catalog())
    engine = Engine.__new__(Engine)
    engine.catalog = catalog
    for kpi in catalog:
        for dialect in DIALECTS:
            assert "SELECT" in engine.explain(kpi.key, dialect=dialect).sql.upper()


def test_drill_pages_through_the_records(store):
    seed_people(store)
    store.upsert_many({"deals": [deal(i, "u1" if i % 2 else "u2", "won", "2025-01-01", f"2025-01-{10 + i:02d}", 10 * i)
                                 for i in range(1, 8)]})
    engine = Engine(store)
    jan = dict(start=D(2025, 1, 1), end=D(2025, 2, 1))
    pages = [engine.drill("revenue_won", **jan, limit=3, offset=o) for o in (0, 3, 6, 9)]
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    ids = [r["id"] for p in pages for r in p]
    assert ids == [f"d{i}" for i in range(1, 8)]  # in time order, no record twice
    assert pages[0][0]["contribution"] == 10.0 and pages[0][0]["at"].tzinfo is not None
    scoped = engine.drill("revenue_won", **jan, scope=Scope.owners("u2"))
    assert [r["id"] for r in scoped] == ["d2", "d4", "d6"]


# -- the catalog is validated ----------------------------------------------------------------


def _broken(**changes) -> Kpi:
    base = dict(key="broken_kpi", name=T("Roto"), description=T("d"), formula=T("f"),
                unit="count", direction="up", category="business_performance", area="sales",
                dimensions=("owner",), time="deals.closed_at",
                parts=(Part("deals", "deal", Event("closed_at"), measures={"n": one}),), result=total("n"))
    base.update(changes)
    return Kpi(**base)


@pytest.mark.parametrize("changes, message", [
    ({"name": T("")}, "name has no 'es' translation"),  # the English of a text is in the .po (test_i18n_catalogs)
    ({"dimensions": ("ownr",)}, "unknown dimension 'ownr'; did you mean 'owner'"),
    ({"dimensions": ("plan",)}, "cannot be split by plan"),
    ({"time": "deals.closed"}, "unknown column 'deals.closed'"),
    ({"parts": (Part("dealz", "deal", Event("closed_at"), measures={"n": one}),)}, "unknown table 'dealz'"),
    ({"parts": (Part("deals", "deal", Event("closed_on"), measures={"n": one}),)}, "unknown column 'deals.closed_on'"),
    ({"parts": (Part("deals", "deal", Event("closed_at"), measures={"n": lambda j: j.amont}),)}, "does not compile"),
    ({"unit": "parsecs"}, "unknown unit 'parsecs'"),
])
def test_bad_declarations_are_refused_naming_the_kpi(changes, message):
    with pytest.raises(CatalogError, match="KPI 'broken_kpi'") as info:
        validate_compiled(_broken(**changes))
    assert message in str(info.value)


def test_the_catalog_has_every_kpi_of_kpis_md():
    from pathlib import Path
    import re

    text = (Path(__file__).parent.parent.parent.parent / "shared" / "KPIS.md")
    if not text.exists():
        assert not os.environ.get("CI"), "shared/KPIS.md is missing: CI must have ../shared"
        pytest.skip("shared/KPIS.md is not next to the project")
    keys = set(re.findall(r"^\| ([a-z_]+) \|", text.read_text(), flags=re.M)) - {"key"}
    # the SLA KPIs are declared there as a list ("- `first_response_sla_rate` — ..."), not table rows
    keys |= set(re.findall(r"^- `([a-z_]+)` — ", text.read_text(), flags=re.M))
    assert keys == set(load_catalog().keys())
