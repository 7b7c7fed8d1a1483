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
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa

from pulso import audit, events
from pulso.errors import PulsoError, ValidationError
from pulso.i18n import N_, said, saying
from pulso.ingest import bundle, checks, resolve, values
from pulso.ingest.apply import ROW, Problem, TableBuilder
from pulso.ingest.mapping import Mapping, MappingError, load_mapping
from pulso.ingest.readers import EmptyFile, ReadError, Source, file_digest, open_source
from pulso.ingest.runlog import (MAX_STORED_ERRORS, ImportFailed, ImportResult, Note, RowError, drop_refused, file_notes,
                                 record, record_errors, unlisted)
from pulso.ingest.stream import Stream, future_problems, null_missing_references
from pulso.ingest.suggest import detect_mapping, suggest_mapping
from pulso.store import Store

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
        raise said(PulsoError, N_("da al menos un archivo para importar"))
    if date_order and date_order not in values.DATE_ORDERS:
        raise said(PulsoError, N_("orden de fechas '{order}': usa uno de {orders}"), order=date_order,
                   orders=", ".join(values.DATE_ORDERS))
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
    stream = None if partial or len(paths) > 1 or bundle.is_bundle(paths) else Stream(store, result)
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
        reason = getattr(exc, "reason", None) or str(exc).removeprefix(f"{where}: ")  # a reader's Saying keeps its msgid
        _fail(store, stream, result, actor, started, RowError(where, getattr(exc, "line", None), None, None, str(reason), "",
                                                              getattr(reason, "text", None), getattr(reason, "values", None)))
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


def _fail(store: Store, stream: Stream | None, result: ImportResult, actor: audit.Actor, started: dt.datetime,
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
              stream: Stream | None = None):
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
                result.lookups |= {(b.spec.table, c.target): (c.lookup["table"], c.lookup["by"], c.source or c.target)
                                   for c in b.spec.columns.values() if c.lookup}
                if b.spec.keep_existing:
                    result.keep_existing.add((name, b.spec.table))
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
                raise EmptyFile(name, saying(N_("el archivo tiene cabecera pero ninguna fila")))
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
            problems += future_problems(fresh, name)
            lines = src.lines({p.row for p in problems[:MAX_STORED_ERRORS]})
            result.errors += [RowError(name, lines.get(p.row), p.column, p.value, p.reason, p.lead, p.text, p.values)
                              for p in problems]
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
    if result.keep_existing:
        resolve.keep_existing(store, steps, origins, result.keep_existing)
    if result.lookups:
        result.notes += [Note(**fields) for fields in resolve.lookups(store, steps, origins, result.lookups)]
    for batches in steps:
        null_missing_references(store, batches, result.soft_refs, pool=steps)
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
        result.rejected += drop_refused(refusal, steps[at], origins[at])
    result.status = "failed"
    record(store, result, actor, started)
    raise ImportFailed(result)
