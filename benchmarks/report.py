"""Speed of reports and alert rules on a large workspace: prints figures, asserts nothing.

    .venv/bin/pulso demo --db /tmp/pulso-large.duckdb --size large     # once (~2 min, ~2.3 GB)
    .venv/bin/python benchmarks/report.py --db duckdb:////tmp/pulso-large.duckdb --period 2026-10

Measures (1) a monthly company scorecard built and rendered to PDF, cold (new engine) and warm,
target < 10 s; (2) evaluating 50 alert rules of every kind once, target < 5 s. The rules and the
alerts they raise are written to the workspace (use a copy if it is shared): the script creates
them, measures, and deletes them again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import sqlalchemy as sa

from pulso import alerts, reports
from pulso.engine import Engine
from pulso.store import open_store, schema, tables_goals as T

KPI_RULES = ["close_rate", "lead_conversion_rate", "revenue_won", "new_customers", "churn_rate",
             "first_response_time_hours", "average_deal_value", "nps", "csat", "activities_logged"]


def rules_to_make(teams: list[str]) -> list[dict]:
    """50 rules: thresholds, anomalies and peers on ten KPIs, per company and team; event rules."""
    out = []
    for kpi in KPI_RULES:
        out.append(dict(kind="threshold", kpi=kpi, params={"threshold": 0.5}))
        out.append(dict(kind="anomaly", kpi=kpi, params={}))
    for kpi in KPI_RULES[:5]:
        out.append(dict(kind="peers", kpi=kpi, params={"days": 90}))
    for i, team in enumerate(teams[:10]):
        out.append(dict(kind="threshold", kpi=KPI_RULES[i % len(KPI_RULES)], scope=f"team:{team}", params={"threshold": 0.3}))
    for kind, params in [("unanswered", {"hours": 24}), ("unanswered", {"record": "ticket", "hours": 8}),
                         ("stuck", {"days": 30}), ("idle", {"days": 14})]:
        out.append(dict(kind=kind, params=params))
    while len(out) < 50:
        out.append(dict(kind="anomaly", kpi=KPI_RULES[len(out) % len(KPI_RULES)], params={"grain": "week"}))
    return out[:50]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--period", default=None, help="default: the last whole month before the demo's as-of date")
    args = parser.parse_args()
    store = open_store(args.db)
    T.metadata.create_all(store.engine, tables=[t for t in T.metadata.sorted_tables
                                                if t.name in ("goals", "okr_objectives", "okr_key_results",
                                                              "okr_checkins", "alert_rules", "alerts",
                                                              "notification_log", "report_schedules")])
    settings = store.settings_dict()
    as_of = dt.date.fromisoformat(settings.get("demo_as_of", dt.date.today().isoformat()))
    period = args.period or f"{(as_of.replace(day=1) - dt.timedelta(days=1)):%Y-%m}"
    print(f"workspace {args.db}: {store.counts().get('deals', 0):,} deals; period {period}")

    for label in ("cold (new engine)", "warm"):
        engine = Engine(store) if label.startswith("cold") else engine
        started = time.perf_counter()
        data = reports.build(store, engine, period=period, scope="company", lang="es", today=as_of)
        built = time.perf_counter() - started
        pdf = reports.render(data, "pdf")
        total = time.perf_counter() - started
        print(f"monthly company report, {label}: built {built:.2f} s, with PDF {total:.2f} s "
              f"({len(pdf):,} bytes) — target < 10 s")

    with store.engine.connect() as conn:
        teams = [r[0] for r in conn.execute(sa.select(schema.teams.c.id).order_by(schema.teams.c.id))]
    made = [alerts.create_rule(store, engine, **spec) for spec in rules_to_make(teams)]
    ids = [r["id"] for r in made]
    now = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.timezone.utc)
    try:
        started = time.perf_counter()
        result = alerts.run(store, engine, now, rule_ids=ids, notify=False)
        spent = time.perf_counter() - started
        print(f"50 alert rules evaluated: {spent:.2f} s, {len(result['raised'])} alerts raised, "
              f"{len(result['errors'])} errors — target < 5 s")
        started = time.perf_counter()
        again = alerts.run(store, engine, now, rule_ids=ids, notify=False)
        print(f"  again (warm engine, nothing new to store): {time.perf_counter() - started:.2f} s, "
              f"{len(again['raised'])} raised")
        per_kind: dict[str, float] = {}
        slowest = []
        for rule in alerts.rules(store):
            if rule["id"] in ids:
                t0 = time.perf_counter()
                alerts.evaluate_rule(store, engine, rule, now)
                spent = time.perf_counter() - t0
                per_kind[rule["kind"]] = per_kind.get(rule["kind"], 0.0) + spent
                slowest.append((spent, rule["kind"], rule["kpi"], rule["scope_kind"]))
        print("  one by one, by kind: " + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(per_kind.items())))
        print("  slowest: " + ", ".join(f"{k} {kpi} {sc} {t:.2f} s" for t, k, kpi, sc in sorted(slowest, reverse=True)[:5]))
    finally:
        with store.connect() as conn:
            conn.execute(T.alerts.delete().where(T.alerts.c.rule_id.in_(ids)))
            conn.execute(T.alert_rules.delete().where(T.alert_rules.c.id.in_(ids)))
    store.close()


if __name__ == "__main__":
    main()
