"""Turn the generator's numpy columns into canonical Arrow batches and bulk-load them.

Inside the generator a record is a row number: references are parent row numbers (−1 for none),
times are local seconds (clock.NAT for none), money is float euros. Here they become text ids
('acc-00000042'), UTC timestamps and decimals. Ids are zero-padded and rows are written in id
order, which keeps DuckDB's primary-key and foreign-key indexes fast to build.

Every writer takes an optional open transaction (`conn`): given one, the whole demo is written in
it, all or nothing (PostgreSQL, see atomic.py); without, each batch commits on its own (a DuckDB
file built aside and swapped in whole).
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterable, Iterator, Mapping

from contextlib import nullcontext

import numpy as np
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from pulso.demo import clock
from pulso.store import coerce, schema

ID_WIDTH = 8
CHUNK = 1_000_000  # rows per upsert: bounds memory without paying the per-batch cost too often
PREFIX = {
    "teams": "team", "users": "usr", "campaigns": "cmp", "accounts": "acc", "leads": "lead",
    "deals": "deal", "deal_stage_changes": "dsc", "tickets": "tkt", "activities": "act",
    "survey_responses": "srv", "orders": "ord", "subscriptions": "sub", "spend": "spd",
    "web_sessions": "ses", "quotas": "quo", "usage_events": "evt",
}
STAGE_IDS = pa.array(["stg-new", "stg-qualified", "stg-proposal", "stg-negotiation", "stg-won", "stg-lost"])

Columns = Mapping[str, object]


_QUADS = np.array([list(f"{i:04d}".encode()) for i in range(10_000)], dtype=np.uint8).view("<u4").ravel()


def ids(table: str, rows: np.ndarray) -> pa.Array:
    """Text ids of `table` for row numbers ('acc-00000042'); −1 gives null.

    Built as fixed-width bytes (prefix, then two 4-digit groups) straight into an Arrow buffer.
    """
    rows = np.asarray(rows, dtype=np.int64)
    missing = rows < 0
    if table == "stages":
        return STAGE_IDS.take(pa.array(np.where(missing, 0, rows), mask=missing if missing.any() else None))
    if len(rows) and rows.max() >= 10**ID_WIDTH:
        raise ValueError(f"too many {table} for {ID_WIDTH}-digit ids")
    prefix = (PREFIX[table] + "-").encode()
    packed = np.empty(len(rows), dtype=np.dtype([("p", f"S{len(prefix)}"), ("hi", "<u4"), ("lo", "<u4")]))
    packed["p"] = prefix
    high, low = np.divmod(np.where(missing, 0, rows), 10_000)
    packed["hi"], packed["lo"] = _QUADS[high], _QUADS[low]
    width = packed.dtype.itemsize
    offsets = np.arange(0, (len(rows) + 1) * width, width, dtype=np.int32)
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    return pa.StringArray.from_buffers(len(rows), pa.py_buffer(offsets), pa.py_buffer(packed), validity,
                                       null_count=int(missing.sum()))


def money(euros: np.ndarray) -> pa.Array:
    """Float euros → decimal(18, 2), built from whole cents without a per-value cast."""
    cents = np.round(np.asarray(euros, dtype=np.float64) * 100).astype(np.int64)
    words = np.empty(2 * len(cents), dtype=np.int64)
    words[0::2], words[1::2] = cents, cents >> 63  # little-endian 128-bit two's complement
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [None, pa.py_buffer(words)])


def to_arrow(name: str, cols: Columns) -> pa.Table:
    """An Arrow table of canonical table `name`, every column present and typed."""
    tbl = schema.table(name)
    refs = schema.references(tbl)
    n = len(cols["id"])
    arrays = []
    for column in tbl.columns:
        target = coerce.arrow_type(column)
        value = cols.get(column.name)
        if value is None:
            arr = pa.nulls(n, target)
        elif isinstance(value, (pa.Array, pa.ChunkedArray)):
            arr = value if value.type == target else value.cast(target)
        elif column.name == "id" and np.asarray(value).dtype.kind in "iu":
            arr = ids(name, value)
        elif column.name in refs and np.asarray(value).dtype.kind in "iu":
            arr = ids(refs[column.name], value)
        elif pa.types.is_timestamp(target):
            arr = clock.utc(np.asarray(value, dtype=np.int64))
        elif pa.types.is_date32(target):
            arr = clock.dates(np.asarray(value))
        elif pa.types.is_decimal(target):
            arr = money(value)
        elif pa.types.is_boolean(target):
            v = np.asarray(value)
            if v.dtype == bool:
                arr = pa.array(v)
            else:  # int8 with −1 for unknown
                arr = pa.array(v == 1, mask=v < 0)
        elif pa.types.is_integer(target):
            v = np.asarray(value)
            arr = pa.array(np.where(v < 0, 0, v).astype(np.int32), mask=(v < 0) if (v < 0).any() else None)
        elif pa.types.is_floating(target):
            v = np.asarray(value, dtype=np.float64)
            arr = pa.array(v, mask=np.isnan(v) if np.isnan(v).any() else None)
        else:
            arr = pa.array(value, pa.string())
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=[c.name for c in tbl.columns])


def _slice(cols: Columns, lo: int, hi: int) -> dict[str, object]:
    return {k: (v.slice(lo, hi - lo) if isinstance(v, (pa.Array, pa.ChunkedArray)) else v[lo:hi])
            for k, v in cols.items() if v is not None}


def batches(name: str, cols: Columns) -> Iterator[pa.Table]:
    """Arrow batches of at most CHUNK rows of one table."""
    n = len(cols["id"])
    for lo in range(0, n, CHUNK):
        yield to_arrow(name, _slice(cols, lo, min(n, lo + CHUNK)))


class Loader:
    """Writes the generator's tables through Store.upsert_many while the next ones are generated.

    Generation (numpy, Arrow) runs in a worker thread and hands over ready Arrow batches through
    a short queue; every database call stays on the caller's thread and connection.
    """

    def __init__(self, store, step: Callable[[object], None], tick: Callable[[str, int], None],
                 conn: sa.Connection | None = None):
        self.store = store
        self.conn = conn
        self.step = step
        self.tick = tick
        self.counts: dict[str, int] = {}

    def run(self, jobs: Iterable[tuple[str, object]]) -> None:
        """Write every job: (table, columns), ('+', {table: columns}) together, or ('step', label)."""
        handoff: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()

        def put(item) -> bool:
            while not stop.is_set():
                try:
                    handoff.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            try:
                for name, payload in jobs:
                    if name == "step":
                        items = [("step", payload)]
                    elif name == "+":
                        items = [("+", {k: to_arrow(k, v) for k, v in payload.items()})]
                    else:
                        items = ((name, b) for b in batches(name, payload))
                    for item in items:
                        if not put(item):
                            return
                put(("done", None))
            except BaseException as exc:  # handed to the caller's thread, which re-raises it
                put(("error", exc))

        worker = threading.Thread(target=produce, name="pulso-demo-generator", daemon=True)
        worker.start()
        try:
            while True:
                kind, payload = handoff.get()
                if kind == "done":
                    break
                if kind == "error":
                    raise payload
                if kind == "step":
                    self.step(payload)
                    continue
                tables = payload if kind == "+" else {kind: payload}
                self.store.upsert_many(tables, conn=self.conn)
                for name, arrow in tables.items():
                    self.counts[name] = self.counts.get(name, 0) + arrow.num_rows
                    self.tick(name, arrow.num_rows)
        finally:
            stop.set()
            worker.join()


def _writing(store, conn: sa.Connection | None):
    """The caller's open transaction, or a new one of its own."""
    return nullcontext(conn) if conn is not None else store.connect()


def put_settings(store, values: Mapping[str, str], conn: sa.Connection | None = None) -> None:
    """Write workspace settings (in the caller's transaction when given)."""
    if conn is None:
        for key, value in values.items():
            store.set_setting(key, value)
        return
    t = schema.workspace_settings
    for key, value in values.items():
        stmt = pg_insert(t).values(key=key, value=str(value))
        conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.key], set_={"value": stmt.excluded.value}))


def held_rows(store, conn: sa.Connection | None = None) -> dict[str, int]:
    """Canonical tables that hold rows, with their counts."""
    with nullcontext(conn) if conn is not None else store.engine.connect() as c:
        counts = {n: c.execute(sa.select(sa.func.count()).select_from(schema.metadata.tables[n])).scalar()
                  for n in schema.CANONICAL_TABLES}
    return {k: v for k, v in counts.items() if v}


def refuse_if_held(held: Mapping[str, int]) -> None:
    """The error of a demo asked to keep (not replace) a workspace that holds data."""
    from pulso.errors import PulsoError

    if held:
        listed = ", ".join(f"{k} ({v:,})" for k, v in held.items())
        raise PulsoError(f"the workspace already holds data: {listed}; use --replace to empty it first, "
                         "or point --db at a new workspace")


def empty(store, *, replace: bool, conn: sa.Connection | None = None) -> None:
    """Empty the canonical tables and the demo's bookkeeping, or refuse if they hold data."""
    held = held_rows(store, conn)
    if not replace:
        refuse_if_held(held)
    tables = [schema.metadata.tables[n] for n in schema.CANONICAL_TABLES]
    # Sign-in state goes too: the new users reuse ids, and an old password must not open them.
    tables += [schema.demo_duplicates, schema.duplicate_candidates,
               schema.user_credentials, schema.user_sessions, schema.sign_in_failures, schema.search_words]
    if held and conn is not None and store.dialect != "duckdb":
        try:
            with conn.begin_nested():  # a failed TRUNCATE must not spoil the caller's transaction
                _truncate(store, tables, conn)
            return
        except sa.exc.DBAPIError:  # another table refers to these (a later migration): delete instead
            pass
    elif held and conn is None:
        try:
            (_recreate if store.dialect == "duckdb" else _truncate)(store, tables)
            return
        except sa.exc.DBAPIError:  # another table refers to these (a later migration): delete instead
            pass
    _delete(store, tables, conn)


def _recreate(store, tables: list[sa.Table]) -> None:
    """DuckDB: drop and re-create the tables from the definitions DuckDB itself reports.

    Deleting millions of rows is very slow in DuckDB (every row leaves every index one by one,
    and low-cardinality foreign-key indexes make that quadratic: 14 minutes for `large`); dropping
    takes a blink. The statements replayed are DuckDB's own rendering of the current tables,
    migrations included, not text built here.
    """
    names = [t.name for t in tables]
    with store.connect() as conn:
        ddl = dict(conn.execute(sa.text(
            "SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = current_schema()")).all())
        indexes = [sql for table, sql in conn.execute(sa.text(
            "SELECT table_name, sql FROM duckdb_indexes() WHERE schema_name = current_schema()")).all()
            if table in names and sql]
        for tbl in reversed(tables):  # children before parents
            tbl.drop(conn)
        for tbl in tables:
            conn.exec_driver_sql(ddl[tbl.name])
        for sql in indexes:
            conn.exec_driver_sql(sql)


def _truncate(store, tables: list[sa.Table], conn: sa.Connection | None = None) -> None:
    """PostgreSQL: one TRUNCATE of all the tables (names from the schema, quoted by the dialect)."""
    quote = store.engine.dialect.identifier_preparer.format_table
    with _writing(store, conn) as c:
        c.exec_driver_sql("TRUNCATE " + ", ".join(quote(t) for t in tables))


def _delete(store, tables: list[sa.Table], conn: sa.Connection | None = None) -> None:
    # Children first, one transaction per table (unless the caller's): DuckDB checks foreign keys
    # against rows deleted earlier in the same transaction.
    for tbl in reversed(tables):
        with _writing(store, conn) as c:
            c.execute(sa.delete(tbl))


def write_duplicates(store, rows: pa.Table, conn: sa.Connection | None = None) -> int:
    """Record the planted duplicates (table_name, record_id, original_id, variation)."""
    tbl = schema.demo_duplicates
    records = rows.to_pylist()
    with _writing(store, conn) as c:
        for lo in range(0, len(records), 1000):
            c.execute(tbl.insert().values(records[lo : lo + 1000]))
    return len(records)
