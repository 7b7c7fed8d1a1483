"""How fast is the KPI engine on a large workspace?

    .venv/bin/pulso demo --size large --db duckdb:////tmp/large.duckdb
    .venv/bin/python benchmarks/kpi_catalog.py --db duckdb:////tmp/large.duckdb

Measures, on the last 24 whole months of the workspace at monthly grain (each query also computes
the previous and year-ago periods):
  1. the whole catalog, once company-wide and once split by owner (every KPI that can be split
     by owner; the others would repeat their company-wide query), through Engine.query_many:
       first run   a new connection and engine, an empty plan cache: every query is compiled and
                   the derived facts are built
       new process a new connection and engine, plans on disk: the facts are built again
       warm        the same engine again
     and, for comparison, warm one KPI at a time with Engine.query              target < 5 s
  2. one KPI for one period, as a dashboard tile asks for it (median)     target < 150 ms
  3. peak memory of the process                                           target < 3 GB
  4. ten KPIs written the straightforward pandas way                      target Pulso ≥ 10× faster
  5. the same ten as one hand-tuned DuckDB query each                     target overhead < 1.5×
Every pandas and hand-tuned figure is checked against the engine's before its time counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import resource
import statistics
import sys
import tempfile
import time
from zoneinfo import ZoneInfo

import pandas as pd

from pulso.engine import Engine, plancache
from pulso.engine.periods import add_months, instant
from pulso.store import open_store

TEN = ("lead_conversion_rate", "close_rate", "revenue_won", "average_deal_value", "sales_cycle_days",
       "new_customers", "churn_rate", "open_opportunities", "first_response_time_hours", "nps")


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Best wall time of `repeat` runs, and the last result."""
    best, out = math.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- 1. and 2.: the engine --------------------------------------------------------------------


def owner_keys(engine: Engine) -> list[str]:
    """The KPIs that can be split by owner."""
    return [k.key for k in engine.catalog if "owner" in k.dimensions]


def catalog_pass(engine: Engine, start: dt.date, end: dt.date) -> tuple[float, float]:
    """Seconds for the whole catalog by month through query_many: company-wide, then by owner."""
    t = time.perf_counter()
    engine.query_many([k.key for k in engine.catalog], start=start, end=end, grain="month")
    company = time.perf_counter() - t
    t = time.perf_counter()
    engine.query_many(owner_keys(engine), start=start, end=end, grain="month", by=["owner"])
    return company, time.perf_counter() - t


def one_by_one(engine: Engine, start: dt.date, end: dt.date) -> dict[str, float]:
    """Seconds per KPI and pass for the whole catalog queried one KPI at a time."""
    times = {}
    for by in ([], ["owner"]):
        for key in (owner_keys(engine) if by else [k.key for k in engine.catalog]):
            t = time.perf_counter()
            engine.query(key, start=start, end=end, grain="month", by=by)
            times[(key, bool(by))] = time.perf_counter() - t
    return times


# -- 5.: hand-tuned SQL, one query per KPI ----------------------------------------------------

MONTH = "date_trunc('month', timezone($tz, {col}))::DATE"
EVENT_SQL = {
    "lead_conversion_rate": ("leads", "created_at",
                             "count(*) FILTER (WHERE converted_at IS NOT NULL)::DOUBLE / count(*)", ""),
    "close_rate": ("deals", "closed_at", "count(*) FILTER (WHERE status = 'won')::DOUBLE / count(*)",
                   "AND status IN ('won', 'lost')"),
    "revenue_won": ("deals", "closed_at", "sum(amount)::DOUBLE", "AND status = 'won'"),
    "average_deal_value": ("deals", "closed_at", "avg(amount)::DOUBLE, median(amount)::DOUBLE",
                           "AND status = 'won' AND amount IS NOT NULL"),
    "sales_cycle_days": ("deals", "closed_at", "avg(epoch(closed_at) - epoch(created_at)) / 86400, "
                         "median(epoch(closed_at) - epoch(created_at)) / 86400", "AND status = 'won'"),
    "new_customers": ("accounts", "acquired_at", "count(*)::DOUBLE", ""),
    "first_response_time_hours": ("tickets", "opened_at",
                                  "avg(epoch(first_response_at) - epoch(opened_at)) / 3600, "
                                  "median(epoch(first_response_at) - epoch(opened_at)) / 3600, "
                                  "count(*) FILTER (WHERE first_response_at IS NULL)", ""),
    "nps": ("survey_responses", "answered_at",
            "100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*)",
            "AND kind = 'nps'"),
}
MONTHS_CTE = """WITH months AS (
  SELECT m::DATE AS m, timezone($tz, m::TIMESTAMP) AS m_start, timezone($tz, (m + INTERVAL 1 MONTH)::TIMESTAMP) AS m_end
  FROM generate_series($first::TIMESTAMP, $last::TIMESTAMP, INTERVAL 1 MONTH) AS g(m))"""
SNAPSHOT_SQL = {
    "open_opportunities": MONTHS_CTE + """
SELECT m, count(d.id)::DOUBLE FROM months LEFT JOIN deals d
  ON d.created_at < m_end AND coalesce(d.closed_at, TIMESTAMPTZ '9999-12-31') >= m_end GROUP BY m""",
    "churn_rate": MONTHS_CTE + """,
churned AS (SELECT date_trunc('month', timezone($tz, churned_at))::DATE AS m, count(*) AS n FROM accounts
            WHERE churned_at >= $lo AND churned_at < $hi GROUP BY 1),
base AS (SELECT m, count(a.id) AS n FROM months JOIN accounts a
         ON a.acquired_at < m_start AND coalesce(a.churned_at, TIMESTAMPTZ '9999-12-31') >= m_start GROUP BY m)
SELECT base.m, coalesce(churned.n, 0)::DOUBLE / base.n FROM base LEFT JOIN churned USING (m)""",
}


def hand_tuned(con, key: str, tz: str, first: dt.date, end: dt.date) -> dict[dt.date, float]:
    """Month → value of one KPI, by one hand-written DuckDB query."""
    params = {"tz": tz, "first": first, "last": add_months(end, -1), "lo": instant(first, ZoneInfo(tz)),
              "hi": instant(end, ZoneInfo(tz))}
    if key in SNAPSHOT_SQL:
        sql = SNAPSHOT_SQL[key]
        params = {k: params[k] for k in ("tz", "first", "last", "lo", "hi") if f"${k}" in sql}
    else:
        table, col, figure, where = EVENT_SQL[key]
        sql = (f"SELECT {MONTH.format(col=col)} AS m, {figure} FROM {table} "
               f"WHERE {col} >= $lo AND {col} < $hi {where} GROUP BY 1")
        params = {k: params[k] for k in ("tz", "lo", "hi")}
    return {row[0]: row[1] for row in con.execute(sql, params).fetchall()}


# -- 4.: pandas, the straightforward way ------------------------------------------------------

PANDAS_COLUMNS = {
    "leads": ["created_at", "converted_at"],
    "deals": ["id", "status", "amount", "created_at", "closed_at"],
    "accounts": ["id", "acquired_at", "churned_at"],
    "tickets": ["opened_at", "first_response_at"],
    "survey_responses": ["kind", "score", "answered_at"],
}


def load_frames(con) -> dict[str, pd.DataFrame]:
    """The columns the pandas versions read, as DataFrames with UTC timestamps."""
    frames = {}
    for table, cols in PANDAS_COLUMNS.items():
        frame = con.sql(f"SELECT {', '.join(cols)} FROM {table}").df()
        for c in cols:
            if c.endswith("_at"):
                frame[c] = pd.to_datetime(frame[c], utc=True)
        if "amount" in frame:
            frame["amount"] = frame["amount"].astype(float)
        frames[table] = frame
    return frames


def pandas_kpi(f: dict[str, pd.DataFrame], key: str, tz: str, first: dt.date, end: dt.date) -> dict[dt.date, float]:
    """Month → value of one KPI, the way a pandas user would write it."""
    lo, hi = pd.Timestamp(first, tz=tz), pd.Timestamp(end, tz=tz)

    def month(series):
        local = series.dt.tz_convert(tz)
        return pd.to_datetime(local.dt.strftime("%Y-%m-01")).dt.date

    def events(table, col, where=None):
        df = f[table]
        df = df[(df[col] >= lo) & (df[col] < hi)]
        if where is not None:
            df = df[where(df)]
        return df.assign(m=month(df[col]))

    if key == "lead_conversion_rate":
        df = events("leads", "created_at")
        g = df.groupby("m")
        return (g["converted_at"].count() / g.size()).to_dict()
    if key == "close_rate":
        df = events("deals", "closed_at", lambda d: d.status.isin(["won", "lost"]))
        return df.assign(won=df.status == "won").groupby("m")["won"].mean().to_dict()
    if key in ("revenue_won", "average_deal_value", "sales_cycle_days"):
        df = events("deals", "closed_at", lambda d: d.status == "won")
        if key == "revenue_won":
            return df.groupby("m")["amount"].sum().to_dict()
        if key == "average_deal_value":
            df.groupby("m")["amount"].median()  # the engine reports the median too
            return df.groupby("m")["amount"].mean().to_dict()
        days = (df.closed_at - df.created_at).dt.total_seconds() / 86400
        days.groupby(df.m).median()  # the engine reports the median too
        return days.groupby(df.m).mean().to_dict()
    if key == "new_customers":
        return events("accounts", "acquired_at").groupby("m").size().astype(float).to_dict()
    if key == "first_response_time_hours":
        df = events("tickets", "opened_at")
        hours = (df.first_response_at - df.opened_at).dt.total_seconds() / 3600
        hours.groupby(df.m).median(), hours.isna().groupby(df.m).sum()  # median and unanswered, as the engine
        return hours.groupby(df.m).mean().to_dict()
    if key == "nps":
        df = events("survey_responses", "answered_at", lambda d: d.kind == "nps")
        net = (df.score >= 9).astype(int) - (df.score <= 6).astype(int)
        return (100 * net.groupby(df.m).mean()).to_dict()
    out, month_start = {}, first
    while month_start < end:
        nxt = add_months(month_start, 1)
        if key == "open_opportunities":
            d, edge = f["deals"], pd.Timestamp(nxt, tz=tz)
            out[month_start] = float(((d.created_at < edge) & ~(d.closed_at < edge)).sum())
        else:  # churn_rate
            a, s, e = f["accounts"], pd.Timestamp(month_start, tz=tz), pd.Timestamp(nxt, tz=tz)
            base = ((a.acquired_at < s) & ~(a.churned_at < s)).sum()
            out[month_start] = ((a.churned_at >= s) & (a.churned_at < e)).sum() / base if base else None
        month_start = nxt
    return out


def agree(mine: dict[dt.date, float | None], theirs: dict[dt.date, float]) -> bool:
    """Whether another implementation gives the engine's value for every month."""
    for month, value in mine.items():
        other = theirs.get(month, 0.0 if value == 0 else None)  # a GROUP BY has no row for an empty month
        if value is None and (other is None or (isinstance(other, float) and math.isnan(other))):
            continue
        if value is None or other is None or not math.isclose(value, float(other), rel_tol=1e-6, abs_tol=1e-9):
            return False
    return True


def main() -> None:
    """Run the five measures and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="duckdb:////tmp/large.duckdb")
    parser.add_argument("--tiles", type=int, default=21)
    args = parser.parse_args()

    store = open_store(args.db, create=False)
    if store.dialect != "duckdb":
        sys.exit("the benchmark compares with hand-tuned DuckDB SQL: give a DuckDB workspace")
    tz = str(store.timezone)
    last = store.ibis().con.execute("SELECT max(created_at) FROM deals").fetchall()[0][0]
    end = add_months(last.astimezone(ZoneInfo(tz)).date().replace(day=1), 1)  # through the last month with data
    start = add_months(end, -24)
    first = add_months(start, -12)  # the year-ago periods reach back this far
    counts = store.counts()
    print(f"workspace {store.display_url}: {counts['accounts']:,} accounts, {counts['deals']:,} deals, "
          f"{counts['activities']:,} activities, {counts['web_sessions']:,} web sessions; time zone {tz}")
    print(f"period [{start}, {end}) by month (with previous and year-ago: from {first})\n")

    saved = os.environ.get(plancache.ENV)
    with tempfile.TemporaryDirectory() as plans:
        os.environ[plancache.ENV] = plans
        fresh = Engine(open_store(args.db, create=False))
        first_run = catalog_pass(fresh, start, end)
        again = Engine(open_store(args.db, create=False))
        new_process = catalog_pass(again, start, end)
        print(f"   (first run: {fresh.plans_compiled} queries compiled; new process: {again.plans_compiled} compiled, "
              f"{again.plans_loaded} read from the plan cache)")
    if saved is None:
        os.environ.pop(plancache.ENV)
    else:
        os.environ[plancache.ENV] = saved
    engine = Engine(store)
    catalog_pass(engine, start, end)
    warm = min((catalog_pass(engine, start, end) for _ in range(3)), key=sum)
    one_by_one(engine, start, end)  # compiles the one-KPI shapes; the second pass is the warm one
    single = one_by_one(engine, start, end)
    print(f"1. whole catalog, {len(engine.catalog)} KPIs company-wide + {len(owner_keys(engine))} by owner "
          "(company + owner seconds)   [target < 5 s]")
    for label, (a, b) in (("first run", first_run), ("new process", new_process), ("warm", warm)):
        print(f"   {label:12} {a + b:6.2f} s  ({a:.2f} + {b:.2f})")
    print(f"   one KPI at a time, warm: {sum(single.values()):.2f} s; slowest: " + ", ".join(
        f"{k}{' by owner' if o else ''} {t:.2f} s" for (k, o), t in sorted(single.items(), key=lambda kv: -kv[1])[:5]))

    tile_month = add_months(end, -1)
    tiles = []
    for _ in range(args.tiles):
        t = time.perf_counter()
        engine.query("revenue_won", start=tile_month, end=end)
        tiles.append(time.perf_counter() - t)
    print(f"2. one KPI, one period (revenue_won for {tile_month:%B %Y}): median {1000 * statistics.median(tiles):.0f} ms"
          f" over {args.tiles} runs   [target < 150 ms]")
    print(f"3. peak memory: {peak_mb():,.0f} MB   [target < 3,072 MB]")

    con = store.ibis().con
    mine, pulso_t, sql_t = {}, {}, {}
    for key in TEN:
        pulso_t[key], result = timed(lambda: engine.query(key, start=start, end=end, grain="month"), 3)
        mine[key] = {r["period_start"]: r["value"] for r in result.rows}
        sql_t[key], theirs = timed(lambda: hand_tuned(con, key, tz, first, end), 3)
        assert agree(mine[key], theirs), f"hand-tuned SQL disagrees with the engine on {key}"
    load_t, frames = timed(lambda: load_frames(con))
    pandas_t = {}
    for key in TEN:
        pandas_t[key], theirs = timed(lambda: pandas_kpi(frames, key, tz, first, end))
        assert agree(mine[key], theirs), f"pandas disagrees with the engine on {key}"
    pt, st, pdt = sum(pulso_t.values()), sum(sql_t.values()), sum(pandas_t.values())
    print(f"4. ten KPIs: Pulso {pt:.2f} s, pandas {pdt:.2f} s computing (+ {load_t:.2f} s loading the tables): "
          f"Pulso {pdt / pt:.1f}× faster ({(pdt + load_t) / pt:.1f}× with loading)   [target ≥ 10×]")
    print(f"5. ten KPIs: Pulso {pt:.2f} s, hand-tuned DuckDB SQL {st:.2f} s: overhead {pt / st:.2f}×   [target < 1.5×]")
    for key in TEN:
        print(f"   {key:28} pulso {pulso_t[key]:6.3f} s  sql {sql_t[key]:6.3f} s  ({pulso_t[key] / sql_t[key]:4.2f}×)"
              f"  pandas {pandas_t[key]:6.3f} s")
    print("   (the engine computes the same 36 months; every figure above agreed with the engine's)")
    print(f"peak memory at the end (pandas frames included): {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
