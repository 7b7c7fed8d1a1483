"""The record of import runs: what a run did (`ImportResult`, `RowError`), how it is kept in
`import_runs` and `import_errors`, and the error and reject reports read from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pulso import audit
from pulso.errors import PulsoError
from pulso.ingest import values
from pulso.ingest.readers import open_source
from pulso.store import Store
from pulso.store.tables_data import import_errors, import_runs

MAX_STORED_ERRORS = 5000
RUN_ID = re.compile(r"[0-9a-f]{12}")  # what import_files gives a run: the first 12 hex digits of a UUID4


@dataclass(frozen=True)
class RowError:
    """One reason why a row was refused: where (file, line, column), what (value) and why."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "") + (f", column {self.column}" if self.column else "")
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}: {self.reason}{shown}"


@dataclass
class ImportResult:
    """What a run did."""

    run_id: str
    status: str
    files: list[dict[str, Any]]
    mapping: str
    rows_read: int = 0
    written: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    bad_rows: set[tuple[str, int]] = field(default_factory=set, repr=False)
    soft_refs: set[tuple[str, str]] = field(default_factory=set, repr=False)
    source_columns: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    @property
    def rows_written(self) -> int:
        """Records written, over every table."""
        return sum(self.written.values())


class ImportFailed(PulsoError):
    """An import was refused; nothing was written. `.result.errors` says where and why."""

    def __init__(self, result: ImportResult, shown: int = 10):
        self.result = result
        errors = result.errors
        lines = [str(e) for e in errors[:shown]] + ([f"... and {len(errors) - shown} more"] if len(errors) > shown else [])
        noun = "error" if len(errors) == 1 else "errors"
        super().__init__(f"{len(errors)} {noun}; nothing was written (run {result.run_id}):\n  " + "\n  ".join(lines))


def record(store: Store, result: ImportResult, actor: audit.Actor, started: dt.datetime,
            conn: sa.Connection | None = None) -> None:
    """Write (or rewrite) the run row and its errors; audit committed runs."""
    result.errors.sort(key=lambda e: (e.file, e.line or 0))
    values_ = {
        "id": result.run_id, "started_at": started, "finished_at": dt.datetime.now(dt.timezone.utc),
        "actor_kind": actor.kind, "actor_id": actor.id, "files": json.dumps(result.files),
        "mapping": result.mapping, "tables": json.dumps(result.written), "status": result.status,
        "rows_read": result.rows_read, "rows_written": result.rows_written, "rows_rejected": result.rejected,
        "error_count": len(result.errors), "message": str(result.errors[0]) if result.errors else None,
    }
    errors = [{"id": f"{result.run_id}-{i}", "run_id": result.run_id, "file": e.file, "line": e.line,
               "column_name": e.column, "value": None if e.value is None else str(e.value)[:500], "reason": e.reason}
              for i, e in enumerate(result.errors[:MAX_STORED_ERRORS])]

    def write(c: sa.Connection) -> None:
        c.execute(import_errors.delete().where(import_errors.c.run_id == result.run_id))
        c.execute(import_runs.delete().where(import_runs.c.id == result.run_id))
        c.execute(import_runs.insert().values(**values_))
        if errors:
            c.execute(import_errors.insert(), errors)
        if result.status in ("committed", "partial"):
            audit.record(store, "data.import", actor=actor, target=("import_runs", result.run_id),
                         detail={"files": [f["name"] for f in result.files], "tables": result.written,
                                 "rejected": result.rejected}, conn=c)

    if conn is not None:
        write(conn)
    else:
        with store.connect() as own:
            write(own)


def list_runs(store: Store, *, limit: int = 50) -> list[dict[str, Any]]:
    """Recent runs, newest first."""
    t = import_runs
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(t).order_by(t.c.started_at.desc()).limit(limit)).mappings()]
    for r in rows:
        r["files"] = json.loads(r["files"])
        r["tables"] = json.loads(r["tables"] or "{}")
    return rows


class UnknownRun(PulsoError):
    """No import run has this id."""


def run_errors(store: Store, run_id: str) -> list[dict[str, Any]]:
    """Every stored error of a run, in order; UnknownRun when no run has that id."""
    t = import_errors
    if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
        raise UnknownRun(f"no import run '{str(run_id)[:40]}'; run ids are 12 hex digits (see `pulso imports list`)")
    with store.engine.connect() as conn:
        if conn.execute(sa.select(import_runs.c.id).where(import_runs.c.id == run_id)).first() is None:
            raise UnknownRun(f"no import run '{run_id}' (see `pulso imports list`)")
        rows = conn.execute(sa.select(t).where(t.c.run_id == run_id)).mappings().all()
    return sorted((dict(r) for r in rows), key=lambda r: int(r["id"].rsplit("-", 1)[1]))


def write_error_report(errors: list[RowError] | list[dict[str, Any]], out) -> None:
    """CSV of errors (file, line, column, value, reason); cells that a spreadsheet would run are escaped."""
    writer = csv.writer(out)
    writer.writerow(["file", "line", "column", "value", "reason"])
    for e in errors:
        row = (e.file, e.line, e.column, e.value, e.reason) if isinstance(e, RowError) else \
              (e["file"], e["line"], e["column_name"], e["value"], e["reason"])
        writer.writerow(["" if v is None else values.escape_formula(str(v)) for v in row])


def write_reject_file(result: ImportResult, paths: list[Path], out) -> None:
    """The refused rows: file, line, column, value, reason, and the row's original cells as JSON."""
    from pulso.ingest.readers import rows_at

    by_name = {Path(p).name: Path(p) for p in paths}
    originals: dict[tuple[str, int], dict[str, str]] = {}
    for name, path in by_name.items():
        lines = {e.line for e in result.errors if e.file == name and e.line}
        if lines:
            try:
                src = open_source(path)
            except PulsoError:
                continue
            originals.update({(name, line): row for line, row in rows_at(src, lines).items()})
    writer = csv.writer(out)
    writer.writerow(["file", "line", "column", "value", "reason", "row"])
    for e in result.errors:
        row = originals.get((e.file, e.line))
        cells = [e.file, e.line, e.column, e.value, e.reason, json.dumps(row, ensure_ascii=False) if row else None]
        writer.writerow(["" if v is None else values.escape_formula(str(v)) for v in cells])
