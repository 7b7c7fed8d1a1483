"""Import runs: read files through a mapping, check everything, write in one transaction, record it.

All or nothing by default: one bad cell and nothing is written, and the run lists every error
with its file, line, column, value and reason. `partial=True` writes the good rows and returns
the rejected ones (with reasons) for a reject file. Every run is recorded in `import_runs`
(who, when, file hashes, counts, errors), committed imports in the audit log too.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso import audit, events
from pulso.errors import PulsoError, ValidationError
from pulso.ingest import bundle, checks, values
from pulso.ingest.apply import ROW, Problem, TableBuilder
from pulso.ingest.mapping import Mapping, MappingError, load_mapping
from pulso.ingest.readers import EmptyFile, ReadError, Source, file_digest, open_source
from pulso.ingest.runlog import (MAX_STORED_ERRORS, ImportFailed, ImportResult, Note, RowError, drop_refused, file_notes,
                                 record, record_errors, unlisted)
from pulso.ingest.suggest import detect_mapping, suggest_mapping
from pulso.store import Store, schema

# Fields that record something that already happened: a value in the future is a mistake.
PAST_FIELDS = frozenset({
    "created_at", "closed_at", "opened_at", "first_response_at", "resolved_at", "occurred_at", "answered_at",
    "ordered_at", "acquired_at", "churned_at", "mql_at", "sql_at", "converted_at", "disqualified_at",
    "changed_at", "cancelled_at",
})
FILE = "_file"


Progress = Callable[[str, int], None]


def import_files(store: Store, paths: list[Path | str], *, table: str | None = None,
                 mapping: str | Path | Mapping | None = None, dry_run: bool = False, partial: bool = False,
                 actor: audit.Actor = audit.CLI, encoding: str | None = None, delimiter: str | None = None,
                 date_order: str | None = None, decimal: str | None = None,
                 progress: Progress | None = None, names: dict[str, str] | None = None) -> ImportResult:
    """Import files into the workspace; raises ImportFailed (run recorded) unless partial or clean.

    `names` gives the file name to show and match for a path (uploads keep their original name).
    A zip or a folder is a whole export: see `pulso.ingest.bundle`.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise PulsoError("give at least one file to import")
    if date_order and date_order not in values.DATE_ORDERS:
        raise PulsoError(f"date order '{date_order}': use one of {', '.join(values.DATE_ORDERS)}")
    names = names or {}
    started = dt.datetime.now(dt.timezone.utc)
    files = [{"name": names.get(str(p), p.name), "sha256": file_digest(p) if p.is_file() else None,
              "bytes": p.stat().st_size if p.is_file() else None} for p in paths]
    result = ImportResult(uuid.uuid4().hex[:12], "failed", files, "")
    progress = progress or (lambda step, rows: None)
    tz = store.timezone
    # One file, all or nothing: written a batch at a time in one transaction (memory follows the
    # batch). Several files (related exports whose references cross files) and partial imports are
    # read whole first, so that every reference and every refusal can be judged together.
    stream = None if partial or len(paths) > 1 or bundle.is_bundle(paths) else _Stream(store, result)
    where = files[0]["name"] if len(files) == 1 else "(import)"
    try:
        with bundle.expanded(paths, names) as (paths, names, notes):
            result.notes += notes
            _run(store, paths, names, table, mapping, encoding, delimiter, date_order, decimal, tz, result,
                 progress, stream, dry_run=dry_run, partial=partial, actor=actor, started=started)
    except ImportFailed:
        raise
    except PulsoError as exc:
        where = exc.file if isinstance(exc, ReadError) else where
        reason = getattr(exc, "reason", None) or str(exc).removeprefix(f"{where}: ")
        _fail(store, stream, result, actor, started, RowError(where, getattr(exc, "line", None), None, None, reason))
        raise ImportFailed(result) from None
    except BaseException as exc:
        # Not the file's fault (a bug, Ctrl-C, the database): roll back, release the connection,
        # record the run, and let the error go on.
        _fail(store, stream, result, actor, started,
              RowError(where, None, None, None, f"the import stopped: {type(exc).__name__}: {str(exc)[:300]}"))
        raise
    if result.status in ("committed", "partial"):
        events.data_arrived(store, source="import", tables=tuple(n for n, c in result.written.items() if c))
    return result


def _fail(store: Store, stream: "_Stream | None", result: ImportResult, actor: audit.Actor, started: dt.datetime,
          error: RowError) -> None:
    """Roll back whatever the run wrote, release its connection and record it as failed."""
    if stream is not None:
        stream.close()
    result.status, result.written = "failed", {}
    result.errors.append(error)
    record(store, result, actor, started)


def _run(store, paths, names, table, mapping, encoding, delimiter, date_order, decimal, tz, result, progress,
         stream, *, dry_run: bool, partial: bool, actor: audit.Actor, started: dt.datetime) -> None:
    """Read, check and write; every refusal raises ImportFailed with the run recorded."""
    batches, origins, sources = _read_all(store, paths, names, table, mapping, encoding, delimiter, date_order,
                                          decimal, tz, result, progress, stream)
    if stream is not None and stream.used:
        stream.finish(dry_run=dry_run, actor=actor, started=started)
        return
    if stream is not None:
        stream.close()
    if result.errors and not partial:
        record(store, result, actor, started)
        raise ImportFailed(result)
    progress("Writing", result.rows_read)
    _write(store, batches, origins, sources, result, dry_run=dry_run, partial=partial, actor=actor, started=started)


def _read_all(store, paths, names, table, mapping, encoding, delimiter, date_order, decimal, tz, result, progress,
              stream: "_Stream | None" = None):
    """Read every file through its mapping; with a stream, eligible files are written batch by batch.

    Several files are read in the order `bundle.plan_files` gives, into the write step it gives."""
    steps: dict[str, int] = {}
    currency = store.settings_dict().get("currency", "EUR")  # read before a stream holds the connection
    if len(paths) > 1:
        plan = bundle.plan_files(paths, names, mapping, table, {"encoding": encoding, "delimiter": delimiter})
        paths, mapping, steps = plan.files, plan.mapping or mapping, plan.steps
        result.notes += plan.notes
        known = {f["name"] for f in result.files}
        result.files += [{"name": names.get(str(p), p.name), "sha256": file_digest(p), "bytes": p.stat().st_size}
                         for p in paths if names.get(str(p), p.name) not in known]
    resolved = mapping if isinstance(mapping, Mapping) else load_mapping(mapping) if mapping else None
    layers: list[dict[str, list[pa.Table]]] = [{} for _ in range(1 + max(steps.values(), default=0))]
    origins_at: list[dict[str, list[str]]] = [{} for _ in layers]
    sources: dict[str, Source] = {}
    mapping_names = []
    for path in paths:
        name = names.get(str(path), path.name)
        tables, origins = layers[steps.get(str(path), 0)], origins_at[steps.get(str(path), 0)]
        with _named(name, result, several=len(paths) > 1 or bool(steps)):
            read = dict(resolved.read) if resolved else {}
            src = open_source(path, encoding=encoding or read.get("encoding"),
                              delimiter=delimiter or read.get("delimiter"), sheet=read.get("sheet"))
            src.path = path
            sources[name] = src
            this = resolved or (suggest_mapping(src.columns, table) if table else detect_mapping(name, src.columns))
            if table and resolved is None and this is None:
                raise MappingError(f"{name}: no column matches table {table}")
            if this is None:
                raise MappingError(f"{name}: cannot tell what this file holds; give --table or --mapping "
                                   f"(see `pulso import --help`)")
            mapping_names.append(this.name)
            part = this.source_for(name, src.columns)
            opts = values.ValueOptions(tz, date_order or this.read.get("date_order"), decimal or this.read.get("decimal"))
            nulls = [str(v) for v in this.read.get("null_values", [""])]
            builders = [TableBuilder(copy.deepcopy(t), opts, nulls) for t in part.tables]
            for b in builders:
                b.check_header(name, src.columns, lenient=this.read.get("missing_columns") == "ignore")
                result.soft_refs |= {(b.spec.table, c.target) for c in b.spec.columns.values() if c.if_missing == "null"}
                result.source_columns.update({(b.spec.table, c.target): c.source for c in b.spec.columns.values() if c.source})
            streaming = stream is not None and stream.fits(builders, tables)
            offset = 0
            for batch in src.batches():
                for b in builders:
                    b.add(batch, offset)
                offset += batch.num_rows
                result.rows_read += batch.num_rows
                if streaming:
                    stream.feed(name, src, builders)
                progress(f"Reading {name}", result.rows_read)
            if offset == 0 and not src.rejected:
                raise EmptyFile(name, "the file has a header but no rows")
            result.notes += file_notes(name, src, builders)
            if streaming:
                stream.end_file(name, src)
                continue
            problems: list[Problem] = []
            fresh: dict[str, list[pa.Table]] = {}
            for b in builders:
                data = b.result()
                checks.see(result, name, b, data)
                problems += b.problems
                result.skipped += b.skipped
                if data.num_rows:
                    tables.setdefault(b.spec.table, []).append(data)
                    fresh.setdefault(b.spec.table, []).append(data)
                    origins.setdefault(b.spec.table, []).extend([name] * data.num_rows)
            problems += _future(fresh, name)
            lines = src.lines({p.row for p in problems[:MAX_STORED_ERRORS]})
            result.errors += [RowError(name, lines.get(p.row), p.column, p.value, p.reason) for p in problems]
            result.errors += [RowError(name, line, None, None, f"the row {reason}") for line, reason in src.rejected]
            result.bad_rows |= {(name, p.row) for p in problems}
    result.mapping = ", ".join(dict.fromkeys(mapping_names))
    result.notes += checks.report(result, currency)
    batches = [{t: pa.concat_tables(chunks, promote_options="default") for t, chunks in tables.items() if chunks}
               for tables in layers]
    return batches, origins_at, sources


@contextmanager
def _named(name: str, result: ImportResult, *, several: bool) -> Iterator[None]:
    """Reading errors name the file as the user knows it; in a run of several files, a file with
    only a header (an object with no records in a whole export) is skipped with a note."""
    try:
        yield
    except EmptyFile as exc:
        if not several:
            raise EmptyFile(name, exc.reason) from None
        result.notes.append(Note("empty_skipped", name))
    except ReadError as exc:
        raise ReadError(name, exc.reason, exc.line) from None


def _future(tables: dict[str, list[pa.Table]], name: str) -> list[Problem]:
    now = pa.scalar(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1), pa.timestamp("us", tz="UTC"))
    problems = []
    for table, chunks in tables.items():
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


def _write(store: Store, steps: list[dict[str, pa.Table]], origins: list[dict[str, list[str]]], sources,
           result: ImportResult, *, dry_run: bool, partial: bool, actor, started) -> None:
    """Write in one transaction, step after step (files that update what earlier files create come
    later); in partial mode drop refused rows and try again."""
    if result.bad_rows:
        for batches, origin in zip(steps, origins):
            for t in batches:
                mask = [(o, r) not in result.bad_rows for o, r in zip(origin[t], batches[t][ROW].to_pylist())]
                batches[t] = batches[t].filter(pa.array(mask, pa.bool_()))
                origin[t] = [o for o, k in zip(origin[t], mask) if k]
        result.rejected += len(result.bad_rows)
    for batches in steps:
        _null_missing_references(store, batches, result.soft_refs, pool=steps)
    for _attempt in range(20):
        refusal, at = None, 0
        with store.engine.connect() as conn:
            trans = conn.begin()
            try:
                for at, batches in enumerate(steps):
                    clean = {t: b.drop_columns([ROW]) for t, b in batches.items() if b.num_rows}
                    if clean:
                        store.upsert_many(clean, conn=conn)
            except ValidationError as exc:
                trans.rollback()
                refusal = exc
            else:
                result.written = bundle.written(steps)
                result.status = "dry_run" if dry_run else ("partial" if result.errors else "committed")
                if dry_run:
                    trans.rollback()
                else:
                    record(store, result, actor, started, conn=conn)
                    trans.commit()
        if refusal is None:
            if dry_run:
                record(store, result, actor, started)
            return
        result.errors += record_errors(refusal, steps[at], origins[at], sources, result.source_columns)
        if not partial:  # partial runs drop the listed rows and try again: the rest get listed then
            result.unlisted += unlisted(refusal)
            record(store, result, actor, started)
            raise ImportFailed(result)
        drop_refused(refusal, steps[at], origins[at], result)
    result.status = "failed"
    record(store, result, actor, started)
    raise ImportFailed(result)


def _null_missing_references(store: Store, batches: dict[str, pa.Table], soft: set[tuple[str, str]],
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


class _Stream:
    """All-or-nothing imports written batch by batch inside one transaction, so memory follows the batch.

    Files whose mapping needs the whole file first (group_by, distinct) are read into memory
    instead. On the first error nothing more is written, the reading goes on to report every
    conversion error, and the transaction is rolled back."""

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
        ok = not in_memory and all(not b.spec.group_by and not b.spec.distinct for b in builders)
        if ok and self.conn is None:
            self.conn = self.store.engine.connect()
            self.trans = self.conn.begin()
        self.used = self.used or ok
        return ok

    def feed(self, name: str, src: Source, builders: list[TableBuilder]) -> None:
        """Type, check and (while nothing failed) write the batch the builders just read."""
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
        problems += _future({t: [d] for t, d in chunk.items()}, name)
        if problems:
            self.failed = True
            self.pending.setdefault(name, []).extend(problems)
        if self.failed or not chunk:
            return
        _null_missing_references(self.store, chunk, self.result.soft_refs, conn=self.conn)
        clean = {t: d.drop_columns([ROW]) for t, d in chunk.items()}
        try:
            written = self.store.upsert_many(clean, conn=self.conn)
        except ValidationError as exc:
            self.failed = True
            origins = {t: [name] * d.num_rows for t, d in chunk.items()}
            self.result.errors += record_errors(exc, chunk, origins, {name: src}, self.result.source_columns)
            self.result.unlisted += unlisted(exc)
            return
        for t, n in written.items():
            self.result.written[t] = self.result.written.get(t, 0) + n

    def end_file(self, name: str, src: Source) -> None:
        """Place this file's problems at their lines (one scan) and its unreadable rows."""
        problems = self.pending.pop(name, [])
        lines = src.lines({p.row for p in problems[:MAX_STORED_ERRORS]})
        self.result.errors += [RowError(name, lines.get(p.row), p.column, p.value, p.reason) for p in problems]
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
