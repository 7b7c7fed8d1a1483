"""Why the store turns PostgreSQL's JIT off (pulso.store.store.PG_OPTIONS), measured.

    .venv/bin/python benchmarks/postgres_jit.py                    # a throwaway cluster, the small demo
    .venv/bin/python benchmarks/postgres_jit.py --db postgresql+psycopg://user@host/db   # an existing demo

On the demo, the whole catalog by month over the demo's last 12 whole months (Engine.query_many,
warm: plans compiled and facts built by a first pass), three runs each, with the store's sessions as
they are (JIT off) and with `SET jit = on` (PostgreSQL's default). Also the slowest single KPI of each.
Figures only, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's throwaway PostgreSQL cluster


def catalog_seconds(engine, start, end) -> tuple[float, dict[str, float]]:
    """The whole catalog at once, then each KPI alone: (seconds, {kpi: seconds})."""
    started = time.perf_counter()
    engine.query_many([k.key for k in engine.catalog], start=start, end=end, grain="month")
    whole = time.perf_counter() - started
    each = {}
    for k in engine.catalog:
        t = time.perf_counter()
        engine.query(k.key, start=start, end=end, grain="month")
        each[k.key] = time.perf_counter() - t
    return whole, each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="")
    parser.add_argument("--size", default="small")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cluster = None
    url = args.db
    if not url:
        import pgserver

        base, cluster = pgserver.server_url()
        pgserver.wait_ready(base)
        import psycopg

        with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
            c.execute("CREATE DATABASE jitbench")
        url = base.rsplit("/", 1)[0] + "/jitbench"
        started = time.perf_counter()
        subprocess.run([str(ROOT / ".venv/bin/pulso"), "demo", "--size", args.size, "--db", url], check=True,
                       capture_output=True, env={**os.environ, "PULSO_LANG": "en"})
        print(f"demo ({args.size}) built on PostgreSQL in {time.perf_counter() - started:.0f} s", flush=True)
    try:
        from pulso.engine import Engine
        from pulso.engine.periods import add_months
        from pulso.store import open_store

        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        for jit in ("off", "on"):
            store = open_store(url, create=False)
            try:
                con = store.ibis()
                con.raw_sql(f"SET jit = {jit}").close()
                engine = Engine(store)
                with store.engine.connect() as conn:
                    last = conn.exec_driver_sql("SELECT max(created_at) FROM deals").scalar()
                end = add_months(last.date().replace(day=1), 1)  # through the last month with data
                start = add_months(end, -12)
                catalog_seconds(engine, start, end)  # compile the plans and build the facts
                runs = [catalog_seconds(engine, start, end) for _ in range(args.runs)]
                wholes = [w for w, _ in runs]
                each = {k: statistics.median(r[1][k] for r in runs) for k in runs[0][1]}
                slow = sorted(each.items(), key=lambda kv: -kv[1])[:3]
                print(f"jit {jit:>3}: whole catalog {', '.join(f'{w:.1f}' for w in wholes)} s; one KPI at a time "
                      f"{sum(each.values()):.1f} s; slowest " + ", ".join(f"{k} {v:.2f} s" for k, v in slow), flush=True)
            finally:
                store.close()
        print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
