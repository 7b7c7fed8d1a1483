"""Import a 1,000,000-row deals CSV into a new DuckDB workspace: seconds and peak memory.

    .venv/bin/python benchmarks/import_csv.py [--rows 1000000] [--db duckdb:///tmp/bench.duckdb]

Target (issue 6): under 20 s and under 2 GB peak memory. The CSV is written first, by this
script; the import runs in a child process so that its peak RSS is measured alone.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(1)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Identificador", "Título", "Estado", "Importe", "Moneda", "Fecha de creación", "Fecha de cierre"])
        for i in range(rows):
            day = 1 + i % 700
            created = f"2024-{1 + day // 60 % 12:02d}-{1 + day % 28:02d}"
            status = ("won", "lost", "open")[i % 3]
            closed = created if status != "open" else ""
            w.writerow([f"D{i:07d}", f"Deal {i}", status, f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}",
                        "EUR", created, closed])


def child(csv_path: str, url: str) -> None:
    from pulso.ingest import import_files
    from pulso.store import open_store

    store = open_store(url)
    store.init(timezone="Europe/Madrid")
    start = time.perf_counter()
    result = import_files(store, [csv_path], table="deals")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"imported {result.written} in {seconds:.1f} s; peak RSS {peak:.0f} MB; counts {store.counts()['deals']:,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="pulso-bench-"))
    path = folder / "deals.csv"
    t = time.perf_counter()
    write_csv(path, args.rows)
    print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    url = args.db or f"duckdb:///{folder / 'bench.duckdb'}"
    subprocess.run([sys.executable, __file__, "--child", str(path), url], check=True)


if __name__ == "__main__":
    main()
