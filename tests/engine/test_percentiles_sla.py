"""Issue 16, item 6: percentiles of duration KPIs (`stat`), the SLA KPIs, and the product dimension.

Every expected figure is worked out by hand here (or, for the real help-desk log, with numpy and
pandas straight from the CSV), never copied from the engine's output.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pulso.engine import Engine
from pulso.errors import ConfigError, KpiError

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT.parent / "shared" / "datasets" / "helpdesk_italian_eventlog" / "finale.csv"
MAPPING = ROOT / "examples" / "mappings" / "helpdesk_eventlog.yaml"
D = dt.date
JAN = dict(start=D(2025, 1, 1), end=D(2025, 2, 1))
T0 = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.timezone.utc)


def at(hours: float | None) -> str | None:
    return None if hours is None else (T0 + dt.timedelta(hours=hours)).isoformat()


def ticket(i: int, first: float | None, resolved: float | None = None, priority: str | None = None) -> dict:
    return {"id": f"t{i}", "opened_at": at(0), "first_response_at": at(first), "resolved_at": at(resolved),
            "status": "resolved" if resolved is not None else "open", "priority": priority}


def one(engine: Engine, key: str, **kw) -> dict:
    rows = engine.query(key, **{**JAN, **kw}).rows
    assert len(rows) == 1
    return rows[0]


# -- percentiles ------------------------------------------------------------------------------


def test_percentiles_of_a_duration_by_hand(store):
    # response (and resolution) hours 1, 2, 3, 4, 10: sorted, the p-th percentile sits at
    # position p × (n − 1) = p × 4, interpolated linearly (numpy's default, "linear"):
    # p50 at 2 → 3; p90 at 3.6 → 4 + 0.6 × (10 − 4) = 7.6; p25 at 1 → 2; p95 at 3.8 → 4 + 0.8 × 6 = 8.8
    hours = [1, 2, 3, 4, 10]
    store.upsert_many({"tickets": [ticket(i, h, h) for i, h in enumerate(hours)] + [ticket(9, None)]})
    engine = Engine(store)
    for key in ("first_response_time_hours", "resolution_time_hours"):
        mean = one(engine, key)
        assert mean["value"] == pytest.approx(4.0) and mean["median"] == pytest.approx(3.0)
        p90 = one(engine, key, stat="p90")
        assert p90["value"] == pytest.approx(7.6)
        assert p90["numerator"] is None and p90["denominator"] == 5  # n: the records the percentile is of
        assert p90["median"] == pytest.approx(3.0)  # the extras stay
        assert one(engine, key, stat="p50")["value"] == pytest.approx(3.0)
        assert one(engine, key, stat="median")["value"] == pytest.approx(3.0)
        assert one(engine, key, stat="p25")["value"] == pytest.approx(2.0)
        assert one(engine, key, stat="p95")["value"] == pytest.approx(8.8)
        assert one(engine, key, stat="mean")["value"] == pytest.approx(4.0)
    assert one(engine, "first_response_time_hours", stat="p90")["unanswered"] == 1


def test_percentiles_follow_splits_and_comparisons(store):
    # priority high: 1, 3 → p90 at 0.9 → 1 + 0.9 × 2 = 2.8; no priority: 10 alone → 10.
    # The previous month (December) has 5 and 7: p90 at 0.9 → 5 + 0.9 × 2 = 6.8.
    december = [{**ticket(20 + i, h), "opened_at": (T0 - dt.timedelta(days=31)).isoformat(),
                 "first_response_at": (T0 - dt.timedelta(days=31, hours=-h)).isoformat()} for i, h in enumerate((5, 7))]
    store.upsert_many({"tickets": [ticket(1, 1, priority="high"), ticket(2, 3, priority="high"), ticket(3, 10)]
                       + december})
    rows = Engine(store).query("first_response_time_hours", **JAN, by=["priority"], stat="p90").rows
    got = {r["priority"]: (r["value"], r["previous"]) for r in rows}
    assert got["high"][0] == pytest.approx(2.8) and got[None][0] == pytest.approx(10.0)
    whole = one(Engine(store), "first_response_time_hours", stat="p90")
    assert whole["value"] == pytest.approx(3 + 0.8 * 7)  # 1, 3, 10: p90 at 1.8 → 3 + 0.8 × 7 = 8.6
    assert whole["previous"] == pytest.approx(6.8)


def test_sales_cycle_and_lead_response_take_percentiles(store):
    # won deals of January with cycles of 10, 20, 40 days: p90 at 1.8 → 20 + 0.8 × 20 = 36
    deals = [{"id": f"d{i}", "status": "won", "amount": 1, "currency": "EUR",
              "created_at": (T0 - dt.timedelta(days=d)).isoformat(), "closed_at": T0.isoformat()}
             for i, d in enumerate((10, 20, 40))]
    store.upsert_many({"deals": deals})
    assert one(Engine(store), "sales_cycle_days", stat="p90")["value"] == pytest.approx(36.0)


def test_a_stat_that_is_no_percentile_or_a_kpi_without_values_is_refused(store):
    engine = Engine(store)
    for bad in ("p0", "p100", "px", "max", "p-5"):
        with pytest.raises(KpiError, match="p90"):
            engine.query("first_response_time_hours", **JAN, stat=bad)
    with pytest.raises(KpiError, match="close_rate"):
        engine.query("close_rate", **JAN, stat="p90")


# -- SLA shares -------------------------------------------------------------------------------


def test_sla_shares_by_hand(store):
    store.set_setting("sla_first_response_hours", "urgent=1,high=4,normal=8")  # low keeps its default, 24
    store.set_setting("sla_resolution_hours", "urgent=2,normal=10")  # high 24 and low 120 by default
    store.upsert_many({"tickets": [
        ticket(1, 0.5, 1.5, "urgent"),  # answered within 1 h; resolved within 2 h
        ticket(2, 2, 5, "urgent"),  # answered late; resolved late
        ticket(3, 3, 30, "high"),  # answered within 4 h; resolved after 24 h: late
        ticket(4, None, None, "high"),  # never answered nor resolved, deadlines long past: missed twice
        ticket(5, 7, 9),  # no priority: the normal hours, 8 and 10: within both
        ticket(6, 9, None),  # no priority: answered after 8 h, never resolved: missed twice
        ticket(7, 20, 100, "low"),  # low: 24 and 120 by default: within both
        ticket(8, 4, 10, "high"),  # exactly at the deadline counts as within (4 ≤ 4); resolved within 24
    ]})
    engine = Engine(store)
    first = one(engine, "first_response_sla_rate")
    # within: t1, t3, t5, t7, t8 = 5; due: all 8 (seven answered, t4 past its deadline)
    assert (first["numerator"], first["denominator"]) == (5, 8) and first["value"] == pytest.approx(5 / 8)
    assert first["pending"] == 0
    resolution = one(engine, "resolution_sla_rate")
    # within: t1 (1.5 ≤ 2), t5 (9 ≤ 10), t7 (100 ≤ 120), t8 (10 ≤ 24) = 4; due: all 8
    assert (resolution["numerator"], resolution["denominator"]) == (4, 8)
    split = {r["priority"]: (r["numerator"], r["denominator"])
             for r in engine.query("first_response_sla_rate", **JAN, by=["priority"]).rows}
    assert split == {"urgent": (1, 2), "high": (2, 3), "low": (1, 1), None: (1, 2)}


def test_a_ticket_whose_deadline_is_ahead_is_pending_not_missed(store):
    now = dt.datetime.now(dt.timezone.utc)
    store.upsert_many({"tickets": [
        {"id": "a", "opened_at": (now - dt.timedelta(hours=1)).isoformat(), "status": "open", "priority": "low"},
        {"id": "b", "opened_at": (now - dt.timedelta(hours=30)).isoformat(), "status": "open", "priority": "low"},
        {"id": "c", "opened_at": (now - dt.timedelta(hours=3)).isoformat(), "status": "open", "priority": "low",
         "first_response_at": (now - dt.timedelta(hours=2)).isoformat()},
    ]})
    today = now.date()
    row = Engine(store).query("first_response_sla_rate", start=today - dt.timedelta(days=3),
                              end=today + dt.timedelta(days=1)).rows[0]
    # a: 1 h old, 24 h allowed: pending; b: 30 h old, unanswered: missed; c: answered in 1 h: within
    assert (row["numerator"], row["denominator"], row["pending"]) == (1, 2, 1)


def test_sla_hours_are_checked_when_set(store):
    with pytest.raises(ConfigError):
        store.set_setting("sla_first_response_hours", "urgent=soon")
    with pytest.raises(ConfigError):
        store.set_setting("sla_resolution_hours", "urgent=-2")


# -- the product dimension ----------------------------------------------------------------------


def test_revenue_won_and_orders_by_product(store):
    won = dict(status="won", currency="EUR", created_at="2025-01-02T10:00:00Z", closed_at="2025-01-20T10:00:00Z")
    store.upsert_many({
        "deals": [{"id": "d1", "amount": 100, "product": "Plan A", **won},
                  {"id": "d2", "amount": 200, "product": "Plan A", **won},
                  {"id": "d3", "amount": 50, "product": "Plan B", **won},
                  {"id": "d4", "amount": 25, **won},
                  {"id": "d5", "amount": 999, "product": "Plan B", "status": "open", "currency": "EUR",
                   "created_at": "2025-01-02T10:00:00Z"}],
        "accounts": [{"id": "a1", "name": "Uno", "created_at": "2024-01-01T00:00:00Z"}],
        "orders": [{"id": "o1", "account_id": "a1", "product": "Plan A", "amount": 10, "currency": "EUR",
                    "ordered_at": "2025-01-05T10:00:00Z"},
                   {"id": "o2", "account_id": "a1", "product": "Plan A", "amount": 30, "currency": "EUR",
                    "ordered_at": "2025-01-06T10:00:00Z"},
                   {"id": "o3", "account_id": "a1", "product": "Plan B", "amount": 7, "currency": "EUR",
                    "ordered_at": "2025-01-07T10:00:00Z"}]})
    engine = Engine(store)
    revenue = {r["product"]: r["value"] for r in engine.query("revenue_won", **JAN, by=["product"]).rows}
    assert revenue == {"Plan A": 300, "Plan B": 50, None: 25}
    assert one(engine, "revenue_won", filters={"product": "Plan A"})["value"] == 300
    closed = {r["product"]: r["denominator"] for r in engine.query("close_rate", **JAN, by=["product"]).rows}
    assert closed == {"Plan A": 2, "Plan B": 1, None: 1}
    orders = {r["product"]: r["value"] for r in engine.query("average_order_value", **JAN, by=["product"]).rows}
    assert orders == {"Plan A": 20, "Plan B": 7}


# -- the real help-desk log (../shared/datasets/helpdesk_italian_eventlog) ---------------------


def test_helpdesk_log_percentiles_and_sla_against_pandas(store_on):
    from pulso.ingest import import_files

    path = HELPDESK
    store = store_on("duckdb")  # 21,348 events; the small sets above run on both backends
    import_files(store, [path], mapping=MAPPING)
    store.set_setting("sla_first_response_hours", "normal=1")  # the log's tickets carry no priority
    store.set_setting("sla_resolution_hours", "normal=240")
    events = pd.read_csv(path, usecols=["Case ID", "Activity", "Complete Timestamp"])
    events["at"] = pd.to_datetime(events["Complete Timestamp"], format="%Y/%m/%d %H:%M:%S.%f")
    cases = events.groupby("Case ID")["at"].min().rename("open").to_frame()
    for activity, name in (("Take in charge ticket", "first"), ("Resolve ticket", "resolved")):
        cases[name] = events[events.Activity == activity].groupby("Case ID")["at"].min()
    first = ((cases["first"] - cases["open"]).dt.total_seconds() / 3600).dropna().to_numpy()
    resolved = ((cases["resolved"] - cases["open"]).dt.total_seconds() / 3600).dropna().to_numpy()
    engine, span = Engine(store), dict(start=D(2010, 1, 1), end=D(2015, 1, 1))
    for key, hours in (("first_response_time_hours", first), ("resolution_time_hours", resolved)):
        for stat, q in (("p50", 50), ("p90", 90), ("p99", 99)):
            got = engine.query(key, **span, stat=stat).rows[0]["value"]
            assert got == pytest.approx(np.percentile(hours, q), rel=1e-9), (key, stat)
    # every deadline of 2010-2014 has passed: every case is due, unanswered ones missed
    within_first = ((cases["first"] - cases["open"]).dt.total_seconds() <= 3600).sum()
    within_resolved = ((cases["resolved"] - cases["open"]).dt.total_seconds() <= 240 * 3600).sum()
    assert len(cases) == 4580
    for key, within in (("first_response_sla_rate", within_first), ("resolution_sla_rate", within_resolved)):
        row = engine.query(key, **span).rows[0]
        assert (row["numerator"], row["denominator"]) == (within, 4580), key


def test_the_command_line_asks_for_a_percentile(tmp_path):
    import json

    from typer.testing import CliRunner

    from pulso.cli import app
    from pulso.config import Settings
    from pulso.store import Store

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    store = Store(Settings(url))
    store.init(timezone="UTC")
    store.upsert_many({"tickets": [ticket(i, h) for i, h in enumerate([1, 2, 3, 4, 10])]})
    store.close()
    args = ["kpi", "show", "first_response_time_hours", "--from", "2025-01-01", "--to", "2025-02-01",
            "--format", "json", "--db", url]
    out = CliRunner().invoke(app, [*args, "--stat", "p90"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["value"] == pytest.approx(7.6)
    refused = CliRunner().invoke(app, [*args, "--stat", "p100"])
    assert refused.exit_code == 1 and "p90" in str(refused.exception or refused.output)


def test_a_hubspot_deal_export_with_a_product_column_fills_deal_product(store, tmp_path):
    import csv

    from pulso.ingest import import_files

    path = tmp_path / "hubspot-crm-exports-all-deals-2026-04-02.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([
            ["Record ID", "Amount", "Close Date", "Create Date", "Currency", "Deal Name", "Deal Stage",
             "Is Closed Won", "Is Deal Closed?", "Pipeline", "Product"],
            ["9001", "1000.0", "2025-01-10 12:00", "2025-01-01 09:00", "EUR", "Uno", "Closed: won", "true", "true",
             "Ventas", "Plan A"],
            ["9002", "300.0", "2025-01-20 12:00", "2025-01-02 09:00", "EUR", "Dos", "Closed: won", "true", "true",
             "Ventas", ""]])
    assert import_files(store, [path], mapping="hubspot").status == "committed"
    revenue = {r["product"]: r["value"] for r in Engine(store).query("revenue_won", **JAN, by=["product"]).rows}
    assert revenue == {"Plan A": 1000, None: 300}
