"""The compiled SQL of every catalog KPI, kept as files per dialect so that a change to the
engine's SQL shows in review as a diff of those files.

    python -m pulso.engine.snapshots refresh   # write tests/engine/snapshots/<dialect>/<kpi>.sql
    python -m pulso.engine.snapshots check     # list the files that differ (exit status 1)

Each file holds the SQL `Engine.query` compiles for one KPI in two query shapes: monthly, company
scope, no split; and, when the KPI can be split by owner, the same split by owner. The SQL is
the engine's own (its compile context, see `plans.context`), printed with line breaks. It does
not depend on the dates asked for (periods are a table the query reads, DuckDB's time windows
are `getvariable()` calls filled in when it runs), nor on the data: compiling needs no database,
only the dialect's name. The fixed window below only decides DuckDB's slot length, as
`run.prepare` does for a real query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

import ibis

from pulso.catalog import Kpi, load_catalog
from pulso.engine import Engine
from pulso.engine import periods as P
from pulso.engine import plans
from pulso.engine.compile import Scope, compile_kpi

DIALECTS = ("duckdb", "postgres")
#: Where the files live in a source checkout (src/pulso/engine/ → the repository's tests/).
FOLDER = Path(__file__).resolve().parents[3] / "tests" / "engine" / "snapshots"
#: The query every snapshot compiles: three months, monthly, in UTC.
START, END, GRAIN, ZONE = dt.date(2025, 1, 1), dt.date(2025, 4, 1), "month", "UTC"
REFRESH = "python -m pulso.engine.snapshots refresh"


@dataclass(frozen=True)
class Dialect:
    """A store as far as compiling goes: the name of its SQL dialect, nothing to connect to."""

    dialect: str


def _slot(engine: Engine) -> int | None:
    """DuckDB's slot length for the fixed window (as run.prepare works it out); None elsewhere."""
    if engine.store.dialect != "duckdb" or not engine.slots:
        return None
    slot = P.slot_seconds(P.plan(START, END, GRAIN).all, ZoneInfo(ZONE))
    return slot if slot >= P.MIN_SLOT else None


def compiled(engine: Engine, kpi: Kpi, by: tuple[str, ...] = ()) -> str:
    """The SQL Engine.query runs for `kpi` split by `by`, company-wide, with the default
    reference periods (the query shape of Engine.query, printed with line breaks)."""
    scope = Scope.company()
    ctx = plans.context(engine, True, _slot(engine))
    expr = compile_kpi(kpi, ctx, by=by, filters={}, scope=scope)
    return ibis.to_sql(expr, dialect=engine.store.dialect, pretty=True).strip()


def snapshot(engine: Engine, kpi: Kpi) -> str:
    """The text of one KPI's snapshot file."""
    dialect = engine.store.dialect
    shapes = [((), "monthly, company scope, no split")]
    if "owner" in kpi.dimensions:
        shapes.append((("owner",), "monthly, company scope, by owner"))
    blocks = [f"-- {kpi.key} · {dialect} · {label}\n{compiled(engine, kpi, by)};\n" for by, label in shapes]
    return f"-- Written by `{REFRESH}`; do not edit by hand.\n\n" + "\n".join(blocks)


def snapshots(dialect: str, keys: Iterable[str] | None = None) -> dict[str, str]:
    """File name → text, for every catalog KPI (or those of `keys`) in one dialect."""
    catalog = load_catalog()
    engine = Engine(Dialect(dialect), catalog)
    wanted = [catalog.kpi(k) for k in keys] if keys is not None else list(catalog)
    return {f"{kpi.key}.sql": snapshot(engine, kpi) for kpi in wanted}


def _read(path: Path) -> str:
    """A file's text exactly (no newline translation: the SQL may hold a carriage return)."""
    return path.read_bytes().decode("utf-8")


def differences(folder: Path = FOLDER, dialects: Sequence[str] = DIALECTS,
                keys: Iterable[str] | None = None) -> list[str]:
    """The snapshot files (dialect/name) that are missing, differ, or name no KPI any more
    (`keys`: the KPIs to compare, every one of the catalog when None)."""
    keys = list(keys) if keys is not None else None
    out = []
    for dialect in dialects:
        want = snapshots(dialect, keys)
        here = {p.name: p for p in (folder / dialect).glob("*.sql")}
        out += [f"{dialect}/{name}" for name, text in want.items() if name not in here or _read(here[name]) != text]
        out += [f"{dialect}/{name}" for name in set(here) - set(want)]
    return sorted(out)


def refresh(folder: Path = FOLDER, dialects: Sequence[str] = DIALECTS, keys: Iterable[str] | None = None) -> list[str]:
    """Write the snapshot files again and remove those of KPIs no longer in the catalog (`keys`:
    the KPIs to write, every one of the catalog when None); returns the files that changed."""
    keys = list(keys) if keys is not None else None
    changed = []
    for dialect in dialects:
        target = folder / dialect
        target.mkdir(parents=True, exist_ok=True)
        want = snapshots(dialect, keys)
        for name, text in want.items():
            path = target / name
            if not path.exists() or _read(path) != text:
                path.write_bytes(text.encode("utf-8"))
                changed.append(f"{dialect}/{name}")
        for path in target.glob("*.sql"):
            if path.name not in want:
                path.unlink()
                changed.append(f"{dialect}/{path.name}")
    return sorted(changed)


def main(argv: Sequence[str] | None = None) -> int:
    """`refresh` writes the files, `check` lists those that differ."""
    parser = argparse.ArgumentParser(prog="python -m pulso.engine.snapshots",
                                     description="Compiled SQL of every catalog KPI, one file per KPI and dialect.")
    parser.add_argument("action", choices=("refresh", "check"))
    parser.add_argument("--dir", type=Path, default=FOLDER, help=f"the snapshot folder (default: {FOLDER})")
    args = parser.parse_args(argv)
    if args.action == "refresh":
        changed = refresh(args.dir)
        print(f"{len(changed)} snapshot file(s) written in {args.dir}" + "".join(f"\n  {c}" for c in changed))
        return 0
    differ = differences(args.dir)
    if differ:
        print(f"{len(differ)} snapshot file(s) differ from the engine's SQL (run `{REFRESH}`):"
              + "".join(f"\n  {d}" for d in differ))
        return 1
    print("every snapshot file matches the engine's SQL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
