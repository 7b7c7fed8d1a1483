"""Each real dataset imports through its mapping; the KPIs match figures computed here from the raw file.

The larger sets run on DuckDB only (suite time); the Salesforce export runs on both backends.
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import defaultdict

import pytest

from pulso.engine import Engine
from pulso.ingest import import_files

from .helpers import MAPPINGS, dataset

D = dt.date.fromisoformat


def rows(path, encoding="utf-8"):
    with open(path, newline="", encoding=encoding) as f:
        return list(csv.DictReader(f))


def slug(name: str) -> str:
    return "-".join(name.lower().split())


def test_maven_close_rate_average_won_cycle_and_per_agent(store_on):
    store = store_on("duckdb")  # both backends: the Salesforce test and tests/data/test_hostile.py
    store.set_setting("currency", "USD")  # the Maven deals are in dollars: a EUR workspace would need rates
    folder = "maven_crm_sales_opportunities"
    files = [dataset(folder, n) for n in ("sales_teams.csv", "accounts.csv", "sales_pipeline.csv")]
    result = import_files(store, files, mapping=MAPPINGS / "maven.yaml")
    assert result.written["deals"] == 8800 and result.status == "committed"

    closed = [d for d in rows(files[2]) if d["deal_stage"] in ("Won", "Lost")]
    won = [d for d in closed if d["deal_stage"] == "Won"]
    engine, year = Engine(store), dict(start=D("2016-01-01"), end=D("2018-01-01"))
    assert engine.query("close_rate", **year).rows[0]["value"] == pytest.approx(len(won) / len(closed))
    assert engine.query("average_deal_value", **year).rows[0]["value"] == pytest.approx(
        sum(float(d["close_value"]) for d in won) / len(won))
    cycles = [(D(d["close_date"]) - D(d["engage_date"])).days for d in won]
    assert engine.query("sales_cycle_days", **year).rows[0]["median"] == pytest.approx(statistics.median(cycles))

    per_agent = defaultdict(lambda: [0, 0])
    for d in closed:
        per_agent[slug(d["sales_agent"])][1] += 1
        per_agent[slug(d["sales_agent"])][0] += d["deal_stage"] == "Won"
    got = {r["owner"]: r["value"] for r in engine.query("close_rate", **year, by=["owner"]).rows}
    assert set(got) == set(per_agent)
    for agent, (w, n) in per_agent.items():
        assert got[agent] == pytest.approx(w / n), agent

    # Re-importing the same files updates the same records: no duplicates.
    again = import_files(store, files, mapping=MAPPINGS / "maven.yaml")
    assert again.status == "committed" and store.counts()["deals"] == 8800


def test_nps_of_the_latin1_survey(store_on):
    store = store_on("duckdb")  # both backends: the Salesforce test and tests/data/test_hostile.py
    path = dataset("nps_garden_retail_survey", "nps.csv")
    result = import_files(store, [path], mapping=MAPPINGS / "nps_survey.yaml")
    scores = [int(r["nps"]) for r in rows(path, "latin-1") if r["nps"] != "NA"]
    assert result.written["survey_responses"] == len(scores) and result.skipped == 13954 - len(scores)
    promoters = sum(s >= 9 for s in scores) / len(scores)
    detractors = sum(s <= 6 for s in scores) / len(scores)
    got = Engine(store).query("nps", start=D("2019-01-01"), end=D("2020-01-01")).rows[0]["value"]
    assert got == pytest.approx(100 * (promoters - detractors))
    comments = {r["id"]: r["comment"] for r in store.rows("survey_responses")}
    assert any("é" in (c or "") for c in comments.values())  # latin-1 decoded, not mangled


def test_helpdesk_first_response_and_resolution_medians(store_on):
    store = store_on("duckdb")  # both backends: the Salesforce test and tests/data/test_hostile.py
    path = dataset("helpdesk_italian_eventlog", "finale.csv")
    import_files(store, [path], mapping=MAPPINGS / "helpdesk_eventlog.yaml")
    cases: dict[str, dict[str, dt.datetime]] = {}
    for r in rows(path):
        t = dt.datetime.strptime(r["Complete Timestamp"], "%Y/%m/%d %H:%M:%S.%f")
        c = cases.setdefault(r["Case ID"], {"open": t})
        c["open"] = min(c["open"], t)
        for activity, key in (("Take in charge ticket", "first"), ("Resolve ticket", "resolved")):
            if r["Activity"] == activity:
                c[key] = min(c.get(key, t), t)
    hours = lambda c, k: (c[k] - c["open"]).total_seconds() / 3600  # noqa: E731
    first = [hours(c, "first") for c in cases.values() if "first" in c]
    resolved = [hours(c, "resolved") for c in cases.values() if "resolved" in c]
    engine, span = Engine(store), dict(start=D("2010-01-01"), end=D("2015-01-01"))
    fr = engine.query("first_response_time_hours", **span).rows[0]
    assert store.counts()["tickets"] == len(cases) == 4580
    assert fr["median"] == pytest.approx(statistics.median(first))
    assert fr["unanswered"] == len(cases) - len(first)
    assert engine.query("resolution_time_hours", **span).rows[0]["median"] == pytest.approx(statistics.median(resolved))


def test_telco_churn_share(store_on):
    store = store_on("duckdb")  # both backends: the Salesforce test and tests/data/test_hostile.py
    path = dataset("ibm_telco_churn", "WA_Fn-UseC_-Telco-Customer-Churn.csv")
    result = import_files(store, [path], mapping=MAPPINGS / "telco_churn.yaml")
    raw = rows(path)
    assert result.written == {"accounts": len(raw), "subscriptions": len(raw)}
    share = sum(r["Churn"] == "Yes" for r in raw) / len(raw)
    got = Engine(store).query("churn_rate", start=D("2020-01-01"), end=D("2020-02-01")).rows[0]
    assert got["value"] == pytest.approx(share) and got["numerator"] == 1869


def test_salesforce_won_amount_and_open_pipeline_with_bom(store):
    folder = "salesforce_export_sample"
    raw = rows(dataset(folder, "Opportunity.csv"), "utf-8-sig")
    files = [dataset(folder, f"{n}.csv") for n in ("Account", "Opportunity", "Campaign", "Lead", "Case", "Task")]
    result = import_files(store, files, mapping="salesforce")
    assert result.written["deals"] == len(raw) and result.written["accounts"] == 22
    won = sum(float(r["Amount"]) for r in raw if r["StageName"] == "Closed Won")
    open_ = sum(float(r["Amount"] or 0) for r in raw if r["StageName"] not in ("Closed Won", "Closed Lost"))
    engine = Engine(store)
    assert engine.query("revenue_won", start=D("2000-01-01"), end=D("2030-01-01")).rows[0]["value"] == pytest.approx(won)
    assert engine.query("pipeline_value", start=D("2024-01-01"), end=D("2024-02-01")).rows[0]["value"] == pytest.approx(open_)
    members = import_files(store, [dataset(folder, "CampaignMember.csv")], mapping="salesforce")
    assert members.status == "committed"
    linked = {r["LeadId"] for r in rows(dataset(folder, "CampaignMember.csv"), "utf-8-sig") if r["LeadId"]}
    assert {r["id"] for r in store.rows("leads") if r["campaign_id"]} == linked


def test_servicenow_incident_log_resolution_median(store_on):
    store = store_on("duckdb")  # both backends: the Salesforce test and tests/data/test_hostile.py
    path = dataset("servicenow_incident_log_sample", "incident_event_log_first5998rows.csv")
    import_files(store, [path], mapping=MAPPINGS / "servicenow_incidents.yaml")
    parse = lambda s: dt.datetime.strptime(s, "%d-%m-%Y %H:%M")  # noqa: E731  (day-first, SOURCE.md)
    incidents: dict[str, dict] = {}
    for r in rows(path):
        i = incidents.setdefault(r["number"], {"open": parse(r["opened_at"]), "resolved": None})
        i["open"] = min(i["open"], parse(r["opened_at"]))
        if r["resolved_at"] != "?":
            i["resolved"] = max(filter(None, (i["resolved"], parse(r["resolved_at"]))))
    hours = [(i["resolved"] - i["open"]).total_seconds() / 3600 for i in incidents.values() if i["resolved"]]
    assert store.counts()["tickets"] == len(incidents)
    got = Engine(store).query("resolution_time_hours", start=D("2010-01-01"), end=D("2030-01-01")).rows[0]
    assert got["median"] == pytest.approx(statistics.median(hours)) and got["denominator"] == len(hours)
