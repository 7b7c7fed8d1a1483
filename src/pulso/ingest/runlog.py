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

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso import audit
from pulso.errors import PulsoError, RecordError, ValidationError
from pulso.ingest import values
from pulso.ingest.apply import ROW
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
    # The reason as `lead` + a Spanish msgid and its values (a store's RecordError that carries one), for
    # a door to say it in its reader's language (pulso.ingest.notes.reason_text); `reason` stays English.
    lead: str = field(default="", compare=False, repr=False)
    text: str | None = field(default=None, compare=False, repr=False)
    values: dict | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "") + (f", column {self.column}" if self.column else "")
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}: {self.reason}{shown}"


@dataclass(frozen=True)
class Note:
    """Something a run did to read a file, or something that looks wrong in what it read, that its
    author should know (not an error). The checks of `ingest/checks.py` add the kinds after `fallback_used`.

    kind: `default_used` (column = the absent source column, value = the default, count = rows),
    `dates_moved` (column = the later field, value = the earlier one, count = values moved),
    `nul_removed` (count = bytes), `empty_skipped` (a file with only a header), `fallback_used`
    (column = the table.column, value = the later `from` column that filled it, count = rows),
    `unknown_value` (column = the source column, value = a value its `map` does not list, count =
    rows, target = the table.column, became = what the "*" catch-all made of it, suggested = what
    the value's words suggest, when that differs), `unknown_agreed` (the unknown values of a column
    whose words agree with what they became: counts = rows per value, count = their sum),
    `empty_defaulted` (the same for empty cells given the default),
    `skipped_empty` / `skipped_future` (count = rows skipped, target = the table.column that was
    empty / later than now), `empty_column` (column = the source column, target = the
    table.column it feeds, count = rows: empty in every one), `mixed_currencies` (target = the
    table, counts = rows per currency, value = the reporting currency), `all_open` / `none_won`
    (count = deals, counts = deals per status), `skipped_when` (a `skip_when` table option: column,
    the value it held, count = rows skipped), `lookup_unknown` / `lookup_ambiguous` (a `lookup`
    column: column = the source column, target = the table.column, count = rows left empty,
    counts = rows per name, value = the first names with their rows)."""

    kind: str
    file: str
    count: int = 0
    column: str | None = None
    value: str | None = None
    target: str | None = None
    became: str | None = None
    suggested: str | None = None
    counts: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        rows = f"{self.count:,} row" + ("" if self.count == 1 else "s")
        if self.kind in CHECK_TEXT:
            return CHECK_TEXT[self.kind].format(
                file=self.file, column=self.column, value=self.value, target=self.target, became=self.became,
                suggested=self.suggested, rows=rows, count=f"{self.count:,}", table=(self.target or "").split(".")[0],
                counts=", ".join(f"{k} {n:,}" for k, n in self.counts))
        return {
            "default_used": f"column {self.column} absent in {self.file}: default {self.value!r} used for {rows}",
            "dates_moved": f"{self.file}: dates moved to satisfy a rule: {self.count:,} ({self.column} was a date "
                           f"without time on the same day as {self.value}, so it was taken as {self.value}'s time)",
            "nul_removed": f"{self.count:,} NUL byte{'' if self.count == 1 else 's'} removed from {self.file}",
            "empty_skipped": f"{self.file}: only a header, no rows: skipped",
            "fallback_used": f"{self.file}: {self.column} taken from {self.value} for {rows} (the first column was empty)",
            # a whole export (ingest/bundle.py): files left out
            "unused_skipped": f"{self.file}: not used by the mapping {self.value}: skipped",
            "overlap_skipped": f"{self.file}: skipped: {self.value} holds the same kind of records with more of "
                               "the columns the mapping reads",
            "not_data_skipped": f"{self.file}: files that are not data (CSV, XLSX, Parquet, JSON lines) skipped: "
                                f"{self.count:,}, such as {self.value}",
            # ingest/resolve.py and the `skip_when` table option
            "lookup_unknown": f"{self.file}: {self.column}: no record has the name in {rows}, left empty: {self.value}",
            "lookup_ambiguous": f"{self.file}: {self.column}: several records have the name in {rows}, left empty: "
                                f"{self.value}",
            "skipped_when": f"{self.file}: {rows} skipped because {self.column} is {self.value}",
        }[self.kind]

    def to_dict(self) -> dict[str, Any]:
        """The note as stored in import_runs.notes (JSON): the fields a check set come after the first five."""
        out = {"kind": self.kind, "file": self.file, "count": self.count, "column": self.column, "value": self.value}
        out.update({k: v for k, v in (("target", self.target), ("became", self.became), ("suggested", self.suggested))
                    if v is not None})
        if self.counts:
            out["counts"] = dict(self.counts)
        return out


#: The CLI's (and the API's "text") words for the kinds the checks add; the page's are in web/import_notes.py.
CHECK_TEXT = {
    "unknown_value": "{file}: {column} {value!r} is not in the mapping: {rows} read as {target} {became!r} "
                     "(suggested: {suggested})",
    "unknown_agreed": "{file}: {column} values not in the mapping, read as {target} {became!r} as their words "
                      "suggest: {counts}",
    "empty_defaulted": "{file}: {column} empty in {rows}: read as {target} {became!r} (the mapping's default)",
    "skipped_empty": "{file}: {rows} skipped because {target} is empty",
    "skipped_future": "{file}: {rows} skipped because {target} is later than now",
    "empty_column": "{file}: column {column} (mapped to {target}) came out empty in every row ({rows})",
    "mixed_currencies": "{file}: {table} in {count} currencies: {counts}; the reporting currency is {value}",
    "all_open": "{file}: {count} deals, all open: is the stage mapping right?",
    "none_won": "{file}: {count} deals, none won ({counts}): is the stage mapping right?",
}


def file_notes(name: str, src, builders) -> list[Note]:
    """What reading one file did that its author should know: NUL bytes removed, defaults used
    for absent columns, dates moved to satisfy an order rule."""
    notes = [Note("nul_removed", name, src.nul_bytes)] if src.nul_bytes else []
    for b in builders:
        notes += [Note("default_used", name, rows, source, default)
                  for source, default, rows in b.defaulted.values() if rows]
        notes += [Note("dates_moved", name, count, later, earlier) for (later, earlier), count in b.moved.items()]
        notes += [Note("fallback_used", name, rows, f"{b.spec.table}.{target}", other)
                  for (target, other), rows in getattr(b, "fallbacks", {}).items()]
    return list(dict.fromkeys(notes))  # one absent column defaulted for two targets is one fact


def count_text(result: "ImportResult") -> str:
    """"1 error", "12 errors", or "1,365 errors, the first 1,000 listed" when not all are listed."""
    total, listed = result.error_count, min(len(result.errors), MAX_STORED_ERRORS)
    text = f"{total:,} error" + ("" if total == 1 else "s")
    return text + (f", the first {listed:,} listed" if listed < total else "")


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
    unlisted: int = 0  # errors counted but not listed (the store lists its first 1,000 of a batch)
    notes: list[Note] = field(default_factory=list)
    bad_rows: set[tuple[str, int]] = field(default_factory=set, repr=False)
    soft_refs: set[tuple[str, str]] = field(default_factory=set, repr=False)
    source_columns: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    lookups: dict[tuple[str, str], tuple[str, str, str]] = field(default_factory=dict, repr=False)  # ingest/resolve.py
    keep_existing: set[tuple[str, str]] = field(default_factory=set, repr=False)  # (file, table): ingest/resolve.py
    tally: Any = field(default=None, repr=False)  # what ingest.checks has seen of the typed records

    @property
    def error_count(self) -> int:
        """Every error found, listed or not."""
        return len(self.errors) + self.unlisted

    @property
    def rows_written(self) -> int:
        """Records written, over every table."""
        return sum(self.written.values())


class ImportFailed(PulsoError):
    """An import was refused; nothing was written. `.result.errors` says where and why."""

    def __init__(self, result: ImportResult, shown: int = 10):
        self.result = result
        errors = result.errors
        lines = [str(e) for e in errors[:shown]] + ([f"... and {len(errors) - shown:,} more"] if len(errors) > shown else [])
        lines += [f"Note: {n}" for n in result.notes]
        super().__init__(f"{count_text(result)}; nothing was written (run {result.run_id}):\n  " + "\n  ".join(lines))


def record(store: Store, result: ImportResult, actor: audit.Actor, started: dt.datetime,
            conn: sa.Connection | None = None) -> None:
    """Write (or rewrite) the run row and its errors; audit committed runs."""
    result.errors.sort(key=lambda e: (e.file, e.line or 0))
    values_ = {
        "id": result.run_id, "started_at": started, "finished_at": dt.datetime.now(dt.timezone.utc),
        "actor_kind": actor.kind, "actor_id": actor.id, "files": json.dumps(result.files),
        "mapping": result.mapping, "tables": json.dumps(result.written), "status": result.status,
        "rows_read": result.rows_read, "rows_written": result.rows_written, "rows_rejected": result.rejected,
        "error_count": result.error_count, "message": str(result.errors[0]) if result.errors else None,
        "notes": json.dumps([n.to_dict() for n in result.notes]) if result.notes else None,
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
        r["notes"] = json.loads(r["notes"] or "[]")
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


# -- the store's refusals, placed at their file and line -----------------------------------------

def record_errors(exc: ValidationError, batches, origins, sources, columns) -> list[RowError]:
    """The store's record errors, placed at their file, line and value (one scan per file for lines)."""
    placed: list[tuple[str | None, int | None, str, str | None, str, RecordError]] = []
    for e in exc.errors:
        data = batches.get(e.table)
        i = e.index
        if data is not None and i is None and e.record_id is not None:
            hits = pc.indices_nonzero(pc.equal(data["id"], e.record_id)).to_pylist()
            i = hits[0] if hits else None
        reason = re.sub(r" \(got .*\)$", "", e.reason)
        if data is None or i is None or i >= data.num_rows:
            placed.append((None, None, e.field, e.record_id, f"{e.table}.{e.field} {reason}", e))
            continue
        value = data[e.field][i].as_py() if e.field in data.column_names else None
        placed.append((origins[e.table][i], data[ROW][i].as_py(), columns.get((e.table, e.field), e.field),
                       None if value is None else str(value), f"{e.table}.{e.field} {reason}", e))
    wanted: dict[str, set[int]] = {}
    for file, row, *_ in placed:
        if file is not None:
            wanted.setdefault(file, set()).add(row)
    lines = {file: sources[file].lines(rows) for file, rows in wanted.items()}
    return [RowError(file or "(import)", lines[file].get(row) if file else None, column, value, reason,
                     f"{e.table}.{e.field} ", e.text, e.values)
            for file, row, column, value, reason, e in placed]


def unlisted(exc: ValidationError) -> int:
    """The store's refusals it counted but did not list (it lists the first 1,000 of a batch)."""
    return max(0, getattr(exc, "total", 0) - len(exc.errors))


def drop_refused(exc: ValidationError, batches, origins) -> int:
    """Leave out of `batches` (and their `origins`) the rows the store refused; returns how many."""
    dropped = 0
    for name in list(batches):
        data = batches[name]
        bad = set()
        for e in exc.errors:
            if e.table != name:
                continue
            if e.index is not None and e.index < data.num_rows:
                bad.add(e.index)
            elif e.record_id is not None:
                bad.update(pc.indices_nonzero(pc.equal(data["id"], e.record_id)).to_pylist())
        if bad:
            mask = [i not in bad for i in range(data.num_rows)]
            batches[name] = data.filter(pa.array(mask))
            origins[name] = [o for o, k in zip(origins[name], mask) if k]
            dropped += len(bad)
    return dropped
