"""Validated batch writes: coerce, check, stage, check references, merge, all in one transaction.

`Store.upsert_many` is the door; this module is its body, on DuckDB (a registered Arrow view,
column-wise updates) and PostgreSQL (a COPY into a temporary table, ON CONFLICT DO UPDATE).
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Mapping
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from pulso.errors import RecordError, ValidationError
from pulso.store import coerce, rules, schema, tables_api
from pulso.store.settings import bump_version, timezone_on

if TYPE_CHECKING:
    from pulso.store.store import Store


def upsert_many(store: Store, batches: Mapping[str, coerce.Records], *,
                conn: sa.Connection | None = None) -> dict[str, int]:
    """Insert or update records of several tables in one transaction, all or nothing (see Store.upsert_many)."""
    tz = store.timezone if conn is None else timezone_on(conn)
    for name in batches:
        schema.table(name)
    order = [n for n in schema.CANONICAL_TABLES if n in batches]
    with store.engine.begin() if conn is None else nullcontext(conn) as conn:
        data: dict[str, pa.Table] = {}
        errors: list[RecordError] = []
        total = 0  # every rule broken: rules.check lists the first MAX_ERRORS of a table
        for name in order:
            tbl = schema.table(name)
            raw = batches[name]
            if isinstance(raw, pa.Table):
                arrow, found = coerce.from_arrow(tbl, raw, tz)
            else:
                if hasattr(raw, "to_dict") and hasattr(raw, "columns"):  # a DataFrame
                    raw = raw.to_dict("records")
                arrow, found = coerce.from_dicts(tbl, list(raw), tz)
            if not found:  # one set of checks for every door: keys trimmed, dates in range, no formulas
                arrow, found = coerce.normalise(tbl, arrow)
            if not found and "id" not in arrow.column_names and arrow.num_rows:
                found = [RecordError(name, None, "id", "is missing: every record needs an id")]
            if not found and arrow.num_rows:
                arrow = _complete(conn, tbl, arrow)
                found, broken = rules.check_counted(tbl, arrow)
                total += broken - len(found)
            total += len(found)
            errors += found
            data[name] = arrow
        if errors:
            raise ValidationError(errors, total=total)
        staged = {name: _stage(store.dialect, conn, name, data[name]) for name in order if data[name].num_rows}
        errors = [e for name in staged for e in check_references(conn, name, staged)]
        if errors:
            raise ValidationError(errors)
        for name, stg in staged.items():
            _merge(store.dialect, conn, schema.table(name), stg)
        if "users" in staged:  # a deactivated person's sessions end and tokens are revoked
            tables_api.end_access_of_inactive(conn, staged["users"])
        if staged:
            bump_version(conn)
        for name in staged:
            _unstage(store.dialect, conn, name)
    return {name: data[name].num_rows for name in order}


def _complete(conn: sa.Connection, tbl: sa.Table, arrow: pa.Table) -> pa.Table:
    """Fill the fields a batch does not carry: stored values for known ids, else defaults."""
    missing = [c for c in tbl.columns if c.name not in arrow.column_names]
    if not missing or not arrow.num_rows:
        return arrow
    stored: dict[str, dict[str, Any]] = {}
    ids = arrow["id"].to_pylist()
    # The ids travel as one array parameter: an IN list of thousands of parameters costs
    # seconds to bind on DuckDB.
    known = sa.select(sa.func.unnest(sa.bindparam("ids", [i for i in ids if i is not None], type_=sa.ARRAY(sa.Text))))
    for row in conn.execute(sa.select(tbl.c.id, *missing).where(tbl.c.id.in_(known))):
        stored[row[0]] = dict(zip(["id", *(c.name for c in missing)], row))
    for column in missing:
        default = coerce.python_default(column)
        if stored:
            values = [stored[i][column.name] if i in stored else default for i in ids]
            if isinstance(column.type, sa.DateTime):
                values = [v.astimezone(ZoneInfo("UTC")) if v is not None else None for v in values]
            arr = pa.array(values, type=coerce.arrow_type(column))
        else:
            arr = pa.array([default] * len(ids), type=coerce.arrow_type(column))
        arrow = arrow.append_column(column.name, arr)
    return arrow.select([c.name for c in tbl.columns])


def _stage(dialect: str, conn: sa.Connection, name: str, arrow: pa.Table) -> sa.TableClause:
    """Put a batch where SQL can reach it: a registered Arrow view or a temp table."""
    stg_name = f"_stg_{name}"
    tbl = schema.table(name)
    if dialect == "duckdb":
        conn.connection.driver_connection.register(stg_name, arrow)
    else:
        temp = sa.Table(stg_name, sa.MetaData(), *(sa.Column(c.name, c.type) for c in tbl.columns),
                        prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
        temp.create(conn)
        _copy_rows(conn, stg_name, arrow)
    return sa.table(stg_name, *(sa.column(c.name) for c in tbl.columns))


def _unstage(dialect: str, conn: sa.Connection, name: str) -> None:
    if dialect == "duckdb":
        conn.connection.driver_connection.unregister(f"_stg_{name}")
    else:  # gone now, not at commit: a later batch in the caller's transaction stages the table again
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "_stg_{name}"')


def check_references(conn: sa.Connection, name: str, staged: dict[str, sa.TableClause]) -> list[RecordError]:
    """Every reference of a staged batch that points nowhere (store or same call)."""
    stg, errors = staged[name], []
    for field, target in schema.references(schema.table(name)).items():
        parent = schema.metadata.tables[target]
        exists = [sa.exists().where(parent.c.id == stg.c[field])]
        if target in staged:
            exists.append(sa.exists().where(staged[target].c.id == stg.c[field]))
        query = (
            sa.select(stg.c.id, stg.c[field])
            .where(stg.c[field].is_not(None), *(~e for e in exists))
            .order_by(stg.c.id)
            .limit(rules.MAX_ERRORS)
        )
        for rid, value in conn.execute(query):
            errors.append(RecordError(name, rid, field, f"refers to {target} '{value}', which does not exist"))
    return errors


def _merge(dialect: str, conn: sa.Connection, tbl: sa.Table, stg: sa.TableClause) -> None:
    """Write a staged batch into its table: plain insert when every id is new."""
    cols = [c.name for c in tbl.columns]
    select = sa.select(*(stg.c[c] for c in cols))
    existing = conn.execute(
        sa.select(sa.func.count()).select_from(tbl).where(tbl.c.id.in_(sa.select(stg.c.id)))
    ).scalar()
    if not existing:
        conn.execute(tbl.insert().from_select(cols, select))
        return
    if dialect == "duckdb":
        # DuckDB workspaces declare no foreign keys (schema.py, migration 0010: DuckDB would run
        # an update of a referencing column as delete + insert and refuse it while children
        # point at the row); check_references above stands in for them. Each column is updated
        # only where it changed (no rewrite of unchanged rows), then the new ids are inserted.
        for c in cols:
            if c != "id":
                conn.execute(tbl.update().where(tbl.c.id == stg.c.id, tbl.c[c].is_distinct_from(stg.c[c]))
                             .values({c: stg.c[c]}))
        conn.execute(tbl.insert().from_select(cols, select.where(~sa.exists().where(tbl.c.id == stg.c.id))))
        return
    stmt = pg_insert(tbl).from_select(cols, select)
    stmt = stmt.on_conflict_do_update(
        index_elements=[tbl.c.id], set_={c: stmt.excluded[c] for c in cols if c != "id"}
    )
    conn.execute(stmt)


def _copy_rows(conn: sa.Connection, name: str, arrow: pa.Table) -> None:
    """COPY an Arrow table into a PostgreSQL temp table as CSV (strings quoted, nulls bare)."""
    cursor = conn.connection.driver_connection.cursor()
    cols = ", ".join(f'"{c}"' for c in arrow.column_names)  # names come from the schema, not input
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with cursor.copy(f'COPY "{name}" ({cols}) FROM STDIN (FORMAT csv)') as copy:
        for batch in arrow.to_batches(100_000):
            buffer = io.BytesIO()
            pa_csv.write_csv(pa.Table.from_batches([batch]), buffer, options)
            copy.write(buffer.getvalue())
