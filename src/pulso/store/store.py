"""The workspace store: open it, create or upgrade it, and write validated batches of records."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.ddl.impl import DefaultImpl
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects.postgresql import insert as pg_insert

from pulso.config import Settings
from pulso.errors import ConfigError, RecordError, StoreBusyError, StoreError, ValidationError
from pulso.store import coerce, rules, schema, tables_api

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_SETTINGS = {"timezone": "UTC", "currency": "EUR", "data_version": "0"}


class DuckDBImpl(DefaultImpl):
    """Teach Alembic the DuckDB dialect (duckdb-engine registers none)."""

    __dialect__ = "duckdb"
    transactional_ddl = True


class Store:
    """One workspace: a DuckDB file or a PostgreSQL database holding the canonical tables."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.database_url
        #: derived facts the KPI engine keeps as temporary tables: name → data version built
        self.facts_built: dict[str, str] = {}
        self.dialect = "duckdb" if self.url.startswith("duckdb") else "postgres"
        if self.dialect == "duckdb":
            path = self.url.split(":///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(self.url, **_engine_options(self.dialect))
        try:
            with self.engine.connect():
                pass
        except Exception as exc:  # translate the drivers' many ways of saying "cannot open"
            self.engine.dispose()
            raise _open_error(self.url, exc) from exc
        self._ibis = None

    # -- life cycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Release the database file or connections."""
        if self._ibis is not None:
            self._ibis.disconnect()
            self._ibis = None
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def revision(self) -> str | None:
        """The migration the workspace is at, or None for an empty database."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @staticmethod
    def head() -> str:
        """The newest migration this version of Pulso knows."""
        return ScriptDirectory.from_config(_alembic_config()).get_current_head()

    def upgrade(self) -> tuple[str | None, str]:
        """Apply every pending migration; returns (revision before, revision after)."""
        before = self.revision()
        cfg = _alembic_config()
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        return before, self.revision() or ""

    def init(self, *, timezone: str | None = None, currency: str | None = None) -> tuple[str | None, str]:
        """Create or upgrade the workspace and fill in default settings; idempotent."""
        revisions = self.upgrade()
        current = self.settings_dict()
        wanted = {k: v for k, v in DEFAULT_SETTINGS.items() if k not in current}
        if timezone:
            wanted["timezone"] = check_timezone(timezone)
        if currency:
            wanted["currency"] = check_currency(currency)
        if wanted:
            with self.engine.begin() as conn:
                _put_settings(conn, wanted)
        return revisions

    def require_current(self) -> None:
        """Raise a clear error unless the workspace exists and is at the newest migration."""
        rev = self.revision()
        if rev is None:
            raise StoreError(f"no workspace at {self.display_url}; create it with `pulso init`")
        if rev != self.head():
            raise StoreError(f"the workspace at {self.display_url} is at migration {rev}; run `pulso db upgrade`")

    @property
    def display_url(self) -> str:
        """The URL without its password."""
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.url)

    # -- settings ---------------------------------------------------------------------------

    def settings_dict(self) -> dict[str, str]:
        """Every workspace setting (time zone, currency, data version...)."""
        t = schema.workspace_settings
        with self.engine.connect() as conn:
            return {k: v for k, v in conn.execute(sa.select(t.c.key, t.c.value))}

    def set_setting(self, key: str, value: str) -> None:
        """Change one workspace setting, checking the ones Pulso understands."""
        if key == "timezone":
            value = check_timezone(value)
        elif key == "currency":
            value = check_currency(value)
        with self.engine.begin() as conn:
            _put_settings(conn, {key: value})

    @property
    def timezone(self) -> ZoneInfo:
        """The workspace's time zone, in which periods are cut."""
        return ZoneInfo(self.settings_dict().get("timezone", "UTC"))

    @property
    def data_version(self) -> int:
        """A counter bumped by every write: caches of KPI results key on it."""
        return int(self.settings_dict().get("data_version", "0"))

    # -- writing ----------------------------------------------------------------------------

    def upsert(self, table: str, records: coerce.Records) -> int:
        """Insert or update records of one table by `id`, all or nothing; returns the count."""
        return self.upsert_many({table: records})[table]

    def upsert_many(self, batches: Mapping[str, coerce.Records], *,
                    conn: sa.Connection | None = None) -> dict[str, int]:
        """Insert or update records of several tables in one transaction, all or nothing.

        A field a record does not carry keeps its stored value (or its default, for a new
        record). References may point to records already stored or in the same call.
        With `conn`, the write joins that open transaction (an import writes its run record
        and audit entry beside the rows); the caller commits or rolls back.
        """
        tz = self.timezone if conn is None else _timezone_on(conn)
        for name in batches:
            schema.table(name)
        order = [n for n in schema.CANONICAL_TABLES if n in batches]
        with self.engine.begin() if conn is None else nullcontext(conn) as conn:
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
                    arrow = self._complete(conn, tbl, arrow)
                    found, broken = rules.check_counted(tbl, arrow)
                    total += broken - len(found)
                total += len(found)
                errors += found
                data[name] = arrow
            if errors:
                raise ValidationError(errors, total=total)
            staged = {name: self._stage(conn, name, data[name]) for name in order if data[name].num_rows}
            errors = [e for name in staged for e in self._check_references(conn, name, staged)]
            if errors:
                raise ValidationError(errors)
            for name, stg in staged.items():
                self._merge(conn, schema.table(name), stg, data[name])
            if "users" in staged:  # a deactivated person's sessions end and tokens are revoked
                tables_api.end_access_of_inactive(conn, staged["users"])
            if staged:
                _bump_version(conn)
            for name in staged:
                self._unstage(conn, name)
        return {name: data[name].num_rows for name in order}

    def _complete(self, conn: sa.Connection, tbl: sa.Table, arrow: pa.Table) -> pa.Table:
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

    def _stage(self, conn: sa.Connection, name: str, arrow: pa.Table) -> sa.TableClause:
        """Put a batch where SQL can reach it: a registered Arrow view or a temp table."""
        stg_name = f"_stg_{name}"
        tbl = schema.table(name)
        if self.dialect == "duckdb":
            conn.connection.driver_connection.register(stg_name, arrow)
        else:
            temp = sa.Table(stg_name, sa.MetaData(), *(sa.Column(c.name, c.type) for c in tbl.columns),
                            prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
            temp.create(conn)
            _copy_rows(conn, stg_name, arrow)
        return sa.table(stg_name, *(sa.column(c.name) for c in tbl.columns))

    def _unstage(self, conn: sa.Connection, name: str) -> None:
        if self.dialect == "duckdb":
            conn.connection.driver_connection.unregister(f"_stg_{name}")
        else:  # gone now, not at commit: a later batch in the caller's transaction stages the table again
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "_stg_{name}"')

    def _check_references(self, conn: sa.Connection, name: str, staged: dict[str, sa.TableClause]) -> list[RecordError]:
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

    def _merge(self, conn: sa.Connection, tbl: sa.Table, stg: sa.TableClause, arrow: pa.Table) -> None:
        """Write a staged batch into its table: plain insert when every id is new."""
        cols = [c.name for c in tbl.columns]
        select = sa.select(*(stg.c[c] for c in cols))
        existing = conn.execute(
            sa.select(sa.func.count()).select_from(tbl).where(tbl.c.id.in_(sa.select(stg.c.id)))
        ).scalar()
        if not existing:
            conn.execute(tbl.insert().from_select(cols, select))
            return
        if self.dialect == "duckdb":
            # DuckDB runs ON CONFLICT DO UPDATE, and any update of an indexed (key) column, as
            # delete + insert, which its foreign keys refuse for a parent row that children point
            # to (a re-imported account with deals). Updating each column only where it changed
            # touches no index unless a key column really changes; then new ids are inserted.
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

    # -- reading ----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Row count of every canonical table."""
        with self.engine.connect() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(schema.metadata.tables[name])).scalar()
                for name in schema.CANONICAL_TABLES
            }

    def rows(self, table: str, *, order_by: str = "id") -> list[dict[str, Any]]:
        """Every row of a table as dicts (for small tables and tests)."""
        tbl = schema.table(table)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(tbl).order_by(tbl.c[order_by])).mappings()]

    def checksum(self) -> str:
        """A digest of every canonical row: equal digests mean an unchanged store."""
        digest = hashlib.sha256()
        for name in schema.CANONICAL_TABLES:
            for row in self.rows(name):
                digest.update(repr(sorted(row.items())).encode())
        return digest.hexdigest()

    @contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        """A SQLAlchemy connection inside a transaction."""
        with self.engine.begin() as conn:
            yield conn

    def ibis(self):
        """An Ibis connection to the same database, for the KPI engine."""
        if self._ibis is None:
            import ibis

            if self.dialect == "duckdb":
                raw = self.engine.raw_connection()
                self._ibis_raw = raw
                self._ibis = ibis.duckdb.from_connection(raw.driver_connection)
            else:
                u = sa.engine.make_url(self.url)
                self._ibis = ibis.postgres.connect(
                    host=u.host or "localhost", port=u.port or 5432, user=u.username,
                    password=u.password, database=u.database,
                )
        return self._ibis


def open_store(database_url: str | None = None, *, create: bool = True) -> Store:
    """Open the workspace named by a URL, PULSO_DATABASE_URL, or ./pulso.duckdb.

    With create=False a DuckDB file that does not exist is an error, not a new empty file.
    """
    settings = Settings.from_env(database_url)
    if not create and settings.database_url.startswith("duckdb:///"):
        path = Path(settings.database_url.split(":///", 1)[1])
        if str(path) != ":memory:" and not path.exists():
            raise StoreError(f"no workspace at {path}; create it with `pulso init` or `pulso demo`")
    return Store(settings)


def check_timezone(name: str) -> str:
    """An IANA time zone name, or a clear error."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone '{name}'; use an IANA name such as Europe/Madrid or America/Mexico_City") from None
    return name


def check_currency(code: str) -> str:
    """A three-letter ISO 4217 code, or a clear error."""
    if not re.fullmatch(r"[A-Z]{3}", code or ""):
        raise ConfigError(f"'{code}' is not a currency code; use three capital letters such as EUR, MXN or USD")
    return code


def _engine_options(dialect: str) -> dict[str, Any]:
    if dialect == "duckdb":
        return {"poolclass": sa.pool.SingletonThreadPool}
    return {"pool_pre_ping": True}


def _open_error(url: str, exc: Exception) -> StoreError:
    text = str(exc)
    if "lock" in text.lower() and "conflicting" in text.lower():
        pid = re.search(r"PID (\d+)", text)
        holder = f" (process {pid.group(1)})" if pid else ""
        return StoreBusyError(
            f"the workspace file is in use by another program{holder}, usually `pulso serve`; "
            "stop it or use the server's API, then try again"
        )
    safe = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return StoreError(f"cannot open the workspace at {safe}: {first}")


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _put_settings(conn: sa.Connection, values: Mapping[str, str]) -> None:
    t = schema.workspace_settings
    for key, value in values.items():
        stmt = pg_insert(t).values(key=key, value=str(value))
        conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.key], set_={"value": stmt.excluded.value}))


def _timezone_on(conn: sa.Connection) -> ZoneInfo:
    t = schema.workspace_settings
    return ZoneInfo(conn.execute(sa.select(t.c.value).where(t.c.key == "timezone")).scalar() or "UTC")


def _bump_version(conn: sa.Connection) -> None:
    t = schema.workspace_settings
    current = conn.execute(sa.select(t.c.value).where(t.c.key == "data_version")).scalar()
    _put_settings(conn, {"data_version": str(int(current or 0) + 1)})


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
