"""Benchmark `pulso demo --size large`: wall time, peak memory and rows per table.

Runs the real command in a subprocess against a fresh DuckDB file in a temporary directory, the
way a user would, then reads the row counts back from the file.

    python benchmarks/demo_large.py                 # large: ~200,000 accounts
    python benchmarks/demo_large.py --size medium   # or small, or a number of accounts
    python benchmarks/demo_large.py --limit-seconds 180 --limit-gb 4   # exit 1 when over

The peak is the largest resident set of any finished child process (ru_maxrss of
RUSAGE_CHILDREN), i.e. of the `pulso demo` process itself.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def pulso_command() -> list[str]:
    """The installed `pulso` script beside this interpreter, else the CLI module through it."""
    script = Path(sys.executable).with_name("pulso")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from pulso.cli import main; sys.argv[0] = 'pulso'; main()"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", default="42")
    parser.add_argument("--as-of", default="2026-03-15")
    parser.add_argument("--keep", action="store_true", help="keep the DuckDB file and print its path")
    parser.add_argument("--limit-seconds", type=float, default=None)
    parser.add_argument("--limit-gb", type=float, default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pulso-bench-"))
    db = workdir / f"demo_{args.size}.duckdb"
    url = f"duckdb:///{db}"
    command = pulso_command() + ["demo", "--size", args.size, "--seed", args.seed, "--as-of", args.as_of, "--db", url]
    print("$", " ".join(command), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # KiB on Linux
    if done.returncode != 0:
        print(done.stdout)
        print(f"pulso demo failed with exit code {done.returncode}")
        return done.returncode

    from pulso.store import open_store

    with open_store(url) as store:
        counts = store.counts()
    size_mb = db.stat().st_size / 1024**2
    width = max(map(len, counts))
    print(f"\nsize {args.size}, seed {args.seed}, as of {args.as_of}")
    print(f"wall time      {seconds:8.1f} s")
    print(f"peak memory    {peak_gb:8.2f} GB (max RSS of the pulso process)")
    print(f"database file  {size_mb:8.0f} MB")
    print("\nrows per table")
    for name, n in counts.items():
        print(f"  {name:<{width}}  {n:>12,}")
    print(f"  {'total':<{width}}  {sum(counts.values()):>12,}")
    if args.keep:
        print(f"\nkept {db}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)

    over = []
    if args.limit_seconds is not None and seconds > args.limit_seconds:
        over.append(f"took {seconds:.0f} s > {args.limit_seconds:.0f} s")
    if args.limit_gb is not None and peak_gb > args.limit_gb:
        over.append(f"peaked at {peak_gb:.2f} GB > {args.limit_gb:.2f} GB")
    if over:
        print("\nOVER BUDGET: " + "; ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
