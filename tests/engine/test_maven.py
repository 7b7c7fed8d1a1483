"""Real data: Maven Analytics' CRM sales opportunities (8,800 deals of a B2B hardware seller, 2016–2017).

A small loader puts the CSVs through `store.upsert_many` like any import; the test then works out
close rate, average won deal and median sales cycle with the `csv` and `statistics` modules alone,
overall, per sales agent and per quarter, and compares them with the engine's figures.

Mapping (see the dataset's SOURCE.md and data_dictionary.csv): a sales agent is a rep, each
manager leads a team; `engage_date` (when the deal entered "Engaging") is the deal's creation,
`close_date` its close; Won/Lost are won/lost, Prospecting/Engaging are open. Prospecting deals
have no date at all: they are placed at the end of the data (2017-12-31), which touches none of
the figures checked here (they are all about closed deals).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from pulso.engine import Engine

DATA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "maven_crm_sales_opportunities"
STATUS = {"Won": "won", "Lost": "lost", "Engaging": "open", "Prospecting": "open"}
YEAR_2017 = dict(start=dt.date(2017, 1, 1), end=dt.date(2018, 1, 1))


def dataset() -> Path:
    """The dataset folder; its absence fails the test in CI and skips it elsewhere."""
    if not (DATA / "sales_pipeline.csv").exists():
        if os.environ.get("CI"):
            pytest.fail(f"the Maven dataset is missing at {DATA}; CI must have ../shared/datasets")
        pytest.skip(f"the Maven dataset is not at {DATA}")
    return DATA


def read(name: str) -> list[dict[str, str]]:
    with open(dataset() / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_maven(store) -> None:
    """The four CSVs as teams, users, accounts and deals."""
    teams = read("sales_teams.csv")
    managers = sorted({t["manager"] for t in teams})
    users = [{"id": slug(m), "name": m, "email": f"{slug(m)}@maven.example", "role": "manager",
              "team_id": f"team-{slug(m)}", "created_at": "2016-01-01"} for m in managers]
    users += [{"id": slug(t["sales_agent"]), "name": t["sales_agent"], "email": f"{slug(t['sales_agent'])}@maven.example",
               "role": "rep", "team_id": f"team-{slug(t['manager'])}", "created_at": "2016-01-01"} for t in teams]
    offices = {t["manager"]: t["regional_office"] for t in teams}
    accounts = [{"id": a["account"], "name": a["account"], "segment": a["sector"],
                 "created_at": f"{a['year_established']}-01-01"} for a in read("accounts.csv")]
    deals = [{"id": d["opportunity_id"], "owner_id": slug(d["sales_agent"]), "account_id": d["account"] or None,
              "title": d["product"], "status": STATUS[d["deal_stage"]],
              "amount": d["close_value"] or None, "currency": "USD" if d["close_value"] else None,
              "created_at": d["engage_date"] or "2017-12-31", "closed_at": d["close_date"] or None}
             for d in read("sales_pipeline.csv")]
    store.upsert_many({
        "teams": [{"id": f"team-{slug(m)}", "name": f"{m} ({offices[m]})"} for m in managers],
        "users": users, "accounts": accounts, "deals": deals,
    })


def expected() -> dict:
    """Close rate, mean won value and median cycle, overall, per agent and per quarter, from the CSV."""
    closed = [d for d in read("sales_pipeline.csv") if d["deal_stage"] in ("Won", "Lost")]
    groups: dict[object, list[dict]] = defaultdict(list)
    for d in closed:
        groups["all"].append(d)
        groups[("agent", slug(d["sales_agent"]))].append(d)
        month = int(d["close_date"][5:7])
        groups[("quarter", dt.date(2017, 3 * ((month - 1) // 3) + 1, 1))].append(d)
    out = {}
    for key, deals in groups.items():
        won = [d for d in deals if d["deal_stage"] == "Won"]
        cycles = [(dt.date.fromisoformat(d["close_date"]) - dt.date.fromisoformat(d["engage_date"])).days for d in won]
        out[key] = {"close_rate": len(won) / len(deals), "won": len(won), "closed": len(deals),
                    "average_deal_value": sum(float(d["close_value"]) for d in won) / len(won) if won else None,
                    "median_cycle": statistics.median(cycles) if cycles else None}
    return out


def test_maven_figures_overall_per_agent_and_per_quarter(store):
    want = expected()
    store.set_setting("currency", "USD")  # the Maven deals are in dollars: a EUR workspace would need rates
    load_maven(store)
    engine = Engine(store)

    overall = {k: engine.query(k, **YEAR_2017).rows[0] for k in ("close_rate", "average_deal_value", "sales_cycle_days")}
    assert overall["close_rate"]["numerator"] == want["all"]["won"] == 4238
    assert overall["close_rate"]["denominator"] == want["all"]["closed"] == 4238 + 2473
    assert overall["close_rate"]["value"] == pytest.approx(want["all"]["close_rate"])
    assert overall["average_deal_value"]["value"] == pytest.approx(want["all"]["average_deal_value"])
    assert overall["sales_cycle_days"]["median"] == pytest.approx(want["all"]["median_cycle"])

    agents = [k[1] for k in want if isinstance(k, tuple) and k[0] == "agent"]
    assert len(agents) == 30  # 35 agents, 5 of them without a deal
    for key, check in (("close_rate", "close_rate"), ("average_deal_value", "average_deal_value"),
                       ("sales_cycle_days", "median_cycle")):
        rows = {r["owner"]: r for r in engine.query(key, **YEAR_2017, by=["owner"]).rows}
        assert set(rows) == set(agents)
        for agent in agents:
            got = rows[agent]["median"] if key == "sales_cycle_days" else rows[agent]["value"]
            assert got == pytest.approx(want[("agent", agent)][check]), (key, agent)

    quarters = engine.query("close_rate", start=dt.date(2017, 1, 1), end=dt.date(2018, 1, 1), grain="quarter").rows
    for row in quarters:
        mine = want.get(("quarter", row["period_start"]))
        if mine is None:  # nothing closed before March 2017
            assert row["value"] is None and row["denominator"] == 0
        else:
            assert (row["numerator"], row["denominator"]) == (mine["won"], mine["closed"])
    assert quarters[1]["previous"] == quarters[0]["value"]
