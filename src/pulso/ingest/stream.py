"""Writing an import's typed records: the checks every write shares (dates in the future,
references that may point nowhere) and the batch-by-batch write of a one-file, all-or-nothing run.

`runs.py` reads the files and decides how a run writes; this module does the writing of a batch.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso import audit
from pulso.errors import ValidationError
from pulso.ingest import checks
from pulso.ingest.apply import ROW, Problem, TableBuilder
from pulso.ingest.readers import Source
from pulso.ingest.runlog import (MAX_STORED_ERRORS, ImportFailed, ImportResult, RowError, drop_refused, record,
                                 record_errors, unlisted)
from pulso.store import Store, schema

# Fields that record something that already happened: a value in the future is a mistake.
PAST_FIELDS = frozenset({
    "created_at", "closed_at", "opened_at", "first_response_at", "resolved_at", "occurred_at", "answered_at",
    "ordered_at", "acquired_at", "churned_at", "mql_at", "sql_at", "converted_at", "disqualified_at",
    "changed_at", "cancelled_at",
})


def future_problems(tables: dict[str, list[pa.Table]], name: str) -> list[Problem]:
    """The dates of the last chunk of each table that are later than tomorrow (they record the past)."""
    now = pa.scalar(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1), pa.timestamp("us", tz="UTC"))
    problems = []
    for chunks in tables.values():
        if not chunks:
            continue
        chunk = chunks[-1]
        for column in chunk.column_names:
            if column in PAST_FIELDS and pa.types.is_timestamp(chunk[column].type):
                mask = pc.fill_null(pc.greater(chunk[column], now), False)
                for i in pc.indices_nonzero(mask).to_pylist():
                    problems.append(Problem(chunk[ROW][i].as_py(), column, str(chunk[column][i].as_py()),
                                            f"{column} is in the future"))
    return problems


def null_missing_references(store: Store, batches: dict[str, pa.Table], soft: set[tuple[str, str]],
                            conn: sa.Connection | None = None, pool: list[dict[str, pa.Table]] | None = None) -> None:
    """References marked `if_missing: null` that point nowhere (not stored, not in `pool`) become empty."""
    for table, column in soft:
        data = batches.get(table)
        if data is None or column not in data.column_names:
            continue
        target = schema.references(schema.table(table))[column]
        wanted = pc.unique(data[column].drop_null()).to_pylist()
        known = {i for b in (pool or [batches]) if target in b for i in b[target]["id"].to_pylist()}
        parent = schema.metadata.tables[target]
        with (store.engine.connect() if conn is None else nullcontext(conn)) as c:
            for i in range(0, len(wanted), 5000):
                chunk = [w for w in wanted[i:i + 5000] if w not in known]
                if chunk:
                    known.update(c.execute(sa.select(parent.c.id).where(parent.c.id.in_(chunk))).scalars())
        keep = pc.is_in(data[column], value_set=pa.array(sorted(known), pa.string()))
        fixed = pc.if_else(pc.fill_null(keep, False), data[column], pa.scalar(None, pa.string()))
        batches[table] = data.set_column(data.column_names.index(column), column, fixed)


class Stream:
    """All-or-nothing imports written batch by batch inside one transaction, so memory follows the batch.

    Files whose mapping needs the whole file first (group_by, distinct) are read into memory
    instead. After the first error the run is refused, but every later batch is still typed and
    written into the doomed transaction, so that the store's rules are checked on every row and
    the run counts every error ("1,365 errors, the first 1,000 listed"); the rows of a refused
    batch that broke no rule are written too, so that later batches may refer to them. The
    transaction is rolled back at the end."""

    def __init__(self, store: Store, result: ImportResult):
        self.store, self.result = store, result
        self.conn: sa.Connection | None = None
        self.trans = None
        self.failed = False
        self.used = False
        self.seen: dict[str, set[str]] = {}
        self.pending: dict[str, list[Problem]] = {}

    def fits(self, builders: list[TableBuilder], in_memory: dict) -> bool:
        """True when every table of this file can be written a batch at a time."""
        ok = not in_memory and all(not b.spec.group_by and not b.spec.distinct and not b.spec.changes
                                   and not b.spec.keep_existing and not any(c.lookup for c in b.spec.columns.values())
                                   for b in builders)
        if ok and self.conn is None:
            self.conn = self.store.engine.connect()
            self.trans = self.conn.begin()
        self.used = self.used or ok
        return ok

    def feed(self, name: str, src: Source, builders: list[TableBuilder]) -> None:
        """Type, check and write the batch the builders just read (its rows with conversion errors
        are not in it)."""
        chunk: dict[str, pa.Table] = {}
        problems: list[Problem] = []
        for b in builders:
            data = b.result()
            checks.see(self.result, name, b, data)
            problems += b.problems
            b.problems = []
            self.result.skipped += b.skipped
            b.skipped = 0
            if data.num_rows:
                chunk[b.spec.table] = data
        for t, data in chunk.items():
            seen = self.seen.setdefault(t, set())
            ids = data["id"].to_pylist()
            id_column = self.result.source_columns.get((t, "id"), "id")
            problems += [Problem(row, id_column, rid, f"{t}.id appears more than once in the import")
                         for rid, row in zip(ids, data[ROW].to_pylist()) if rid in seen]
            seen.update(ids)
        problems += future_problems({t: [d] for t, d in chunk.items()}, name)
        if problems:
            self.failed = True
            self.pending.setdefault(name, []).extend(problems)
        if chunk:
            self._write(name, src, chunk)

    def _write(self, name: str, src: Source, chunk: dict[str, pa.Table]) -> None:
        """Write a batch; the store's refusals are counted once, and the refused rows left out so
        that the rest of the batch is written (and checked) all the same."""
        null_missing_references(self.store, chunk, self.result.soft_refs, conn=self.conn)
        origins = {t: [name] * d.num_rows for t, d in chunk.items()}
        counted = False
        for _attempt in range(20):
            clean = {t: d.drop_columns([ROW]) for t, d in chunk.items() if d.num_rows}
            if not clean:
                return
            try:
                # PostgreSQL: a refusal after the batch was staged leaves its temporary tables; a
                # savepoint takes them away. DuckDB has no savepoints (its staged views are replaced).
                with self.conn.begin_nested() if self.store.dialect == "postgresql" else nullcontext():
                    written = self.store.upsert_many(clean, conn=self.conn)
            except ValidationError as exc:
                self.failed = True
                if not counted:  # a second try lists what the first counted but did not list
                    self.result.errors += record_errors(exc, chunk, origins, {name: src}, self.result.source_columns)
                    self.result.unlisted += unlisted(exc)
                    counted = True
                if not drop_refused(exc, chunk, origins):
                    return
                continue
            if not self.failed:
                for t, n in written.items():
                    self.result.written[t] = self.result.written.get(t, 0) + n
            return

    def end_file(self, name: str, src: Source) -> None:
        """Place this file's problems at their lines (one scan) and its unreadable rows."""
        problems = self.pending.pop(name, [])
        lines = src.lines({p.row for p in problems[:MAX_STORED_ERRORS]})
        self.result.errors += [RowError(name, lines.get(p.row), p.column, p.value, p.reason, p.lead, p.text, p.values)
                               for p in problems]
        self.result.errors += [RowError(name, line, None, None, f"the row {reason}") for line, reason in src.rejected]
        if src.rejected:
            self.failed = True

    def finish(self, *, dry_run: bool, actor: audit.Actor, started: dt.datetime) -> None:
        """Commit (or roll back a dry run or a failure) and record the run."""
        result = self.result
        if result.errors or self.failed:
            self.close()
            result.written, result.status = {}, "failed"
            record(self.store, result, actor, started)
            raise ImportFailed(result)
        if dry_run:
            self.close()
            result.status = "dry_run"
            record(self.store, result, actor, started)
            return
        result.status = "committed"
        record(self.store, result, actor, started, conn=self.conn)
        self.trans.commit()
        self.conn.close()
        self.conn = None

    def close(self) -> None:
        """Roll back whatever was written and let the connection go (even when the rollback fails)."""
        if self.conn is not None:
            conn, self.conn = self.conn, None
            try:
                self.trans.rollback()
            finally:
                conn.close()
