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
from pulso.i18n import N_, record_error
from pulso.store import coerce, rules, schema, searchable, searchwords, tables_api
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
                found = [record_error(name, None, "id", N_("falta: todo registro necesita un id"))]
            if not found and arrow.num_rows:
                arrow = searchable.refresh(name, _complete(conn, tbl, arrow))  # search columns in step
                found, broken = rules.check_counted(tbl, arrow)
                total += broken - len(found)
            total += len(found)
            errors += found
            data[name] = arrow
        if errors:
            raise ValidationError(errors, total=total)
        staged = {name: _stage(store.dialect, conn, name, data[name]) for name in order if data[name].num_rows}
        errors = _broken_references(conn, [q for name in staged for q in _reference_checks(conn, name, staged, data[name])])
        if errors:
            raise ValidationError(errors)
        for name, stg in staged.items():
            searchwords.write(conn, name, data[name])  # the words index, before the stored words change
            _merge(store.dialect, conn, schema.table(name), stg, data[name].num_rows)
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
        # A temp table is never analysed by autovacuum: without its size the planner reckons on a
        # thousand rows or so and hashes whole tables for its joins; with it, one staged row is
        # an index lookup.
        conn.exec_driver_sql(f'ANALYZE "{stg_name}"')
    return sa.table(stg_name, *(sa.column(c.name) for c in tbl.columns))


def _unstage(dialect: str, conn: sa.Connection, name: str) -> None:
    if dialect == "duckdb":
        conn.connection.driver_connection.unregister(f"_stg_{name}")
    else:  # gone now, not at commit: a later batch in the caller's transaction stages the table again
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "_stg_{name}"')


def check_references(conn: sa.Connection, name: str, staged: dict[str, sa.TableClause]) -> list[RecordError]:
    """Every reference of a staged batch that points nowhere (store or same call)."""
    return _broken_references(conn, _reference_checks(conn, name, staged))


def _reference_checks(conn: sa.Connection, name: str, staged: dict[str, sa.TableClause],
                      arrow: pa.Table | None = None) -> list[tuple[str, str, str, sa.Select]]:
    """(table, field, target, query) per reference field: the query lists the first MAX_ERRORS
    staged rows whose reference points nowhere, by id. A field empty in every row of the batch
    (`arrow`) has nothing to check (and DuckDB would scan the whole target for no value)."""
    stg, checks = staged[name], []
    for field, target in schema.references(schema.table(name)).items():
        if arrow is not None and arrow[field].null_count == arrow.num_rows:
            continue
        parent = schema.metadata.tables[target]
        few = _few(conn, arrow, field)
        missing = [_absent(conn, stg.c[field], parent, stg.c[field]) if few is None
                   else stg.c[field].not_in(sa.select(parent.c.id).where(parent.c.id.in_(few)))]
        if target in staged:
            missing.append(_absent(conn, stg.c[field], staged[target], stg.c[field]))
        query = (
            sa.select(stg.c.id.label("rid"), stg.c[field].label("value"))
            .where(stg.c[field].is_not(None), *missing)
            .order_by(stg.c.id)
            .limit(rules.MAX_ERRORS)
        )
        checks.append((name, field, target, query))
    return checks


#: Up to this many distinct values a reference is checked on DuckDB against a literal list (its
#: primary key's index answers it) rather than the staged column (a scan of the parent).
FEW = 50


def _few(conn: sa.Connection, arrow: pa.Table | None, field: str) -> list[Any] | None:
    """The distinct values of a small batch's reference field on DuckDB, else None."""
    if conn.dialect.name != "duckdb" or arrow is None or arrow.num_rows > FEW:
        return None
    return sorted({v for v in arrow[field].to_pylist() if v is not None})


def _broken_references(conn: sa.Connection, checks: list[tuple[str, str, str, sa.Select]]) -> list[RecordError]:
    """Run every reference check in one statement (a small batch's cost is its statements)."""
    if not checks:
        return []
    parts = []
    for n, (_name, _field, _target, query) in enumerate(checks):
        sub = query.subquery()
        parts.append(sa.select(sa.literal(n, sa.Integer).label("n"), sub.c.rid, sub.c.value))
    every = sa.union_all(*parts).subquery()
    errors = []
    for n, rid, value in conn.execute(sa.select(every).order_by(every.c.n, every.c.rid)):
        name, field, target, _query = checks[n]
        errors.append(record_error(name, rid, field, N_("se refiere a {parent} '{value}', que no existe"), parent=target, value=value))
    return errors


def _absent(conn: sa.Connection, value: sa.ColumnElement, table: sa.FromClause,
            wanted: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """`value` is no id of `table` (`wanted`: the staged column its values come from).

    A batch costs what its rows cost, not what the table holds. DuckDB runs NOT EXISTS as an anti
    join that hashes the whole table (0.2-0.4 s per reference on a million rows, for one staged
    row); the ids of `table` among the staged values are an indexed semi join (the primary key's
    index, the staged values as its filter), and NOT IN over them is exact (an id is never NULL).
    PostgreSQL plans NOT EXISTS as an anti join on the primary key's index already."""
    if conn.dialect.name == "duckdb":
        return value.not_in(sa.select(table.c.id).where(table.c.id.in_(sa.select(wanted).where(wanted.is_not(None)))))
    return ~sa.exists().where(table.c.id == value)


def _merge(dialect: str, conn: sa.Connection, tbl: sa.Table, stg: sa.TableClause, rows: int | None = None) -> None:
    """Write a staged batch (of `rows` rows) into its table: plain insert when every id is new, no
    insert when every id is known."""
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
        # point at the row); check_references above stands in for them. Rows are rewritten only
        # where a value changed (no rewrite of unchanged rows): the plain columns in one statement,
        # a uniquely indexed one on its own (DuckDB updates an indexed column as delete + insert).
        # Then the new ids are inserted.
        indexed = [c for c in cols if c != "id" and (tbl.c[c].unique or tbl.c[c].index)]
        plain = [c for c in cols if c != "id" and c not in indexed]
        for group in [plain, *([c] for c in indexed)]:
            if group:
                changed = sa.or_(*(tbl.c[c].is_distinct_from(stg.c[c]) for c in group))
                conn.execute(tbl.update().where(tbl.c.id == stg.c.id, changed).values({c: stg.c[c] for c in group}))
        if existing == rows:  # every id known (ids are unique in a batch): nothing to insert
            return
        conn.execute(tbl.insert().from_select(cols, select.where(_absent(conn, stg.c.id, tbl, stg.c.id))))
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
