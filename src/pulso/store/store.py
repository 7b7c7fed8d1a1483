"""The workspace store: open it, create or upgrade it, read its settings and rows.

Batch writes live in `writes.py`, the settings rows (time zone, currency, data version) in
`settings.py`; `Store` is the one door to both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.ddl.impl import DefaultImpl
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from pulso.config import Settings
from pulso.errors import StoreBusyError, StoreError
from pulso.store import coerce, schema, writes
from pulso.store.settings import (  # noqa: F401  (bump_version, check_*: importable from here as before)
    DEFAULT_SETTINGS, SLA_SETTINGS, bump_version, check_currency, check_timezone, parse_sla_hours, put_settings,
)

MIGRATIONS = Path(__file__).parent / "migrations"
#: the old private name, still imported by goals.tracking, rates and store.records
_bump_version = bump_version


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
        self.engine = sa.create_engine(self.url, **_engine_options(self.dialect, self.url))
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

    def upgrade(self, progress: Callable[[str], None] | None = None) -> tuple[str | None, str]:
        """Apply every pending migration; returns (revision before, revision after). `progress` hears
        of each migration applied and of a long one's advance (pulso.store.migrating), each a
        pulso.i18n.Saying."""
        before = self.revision()
        cfg = _alembic_config()
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["progress"] = progress
            command.upgrade(cfg, "head")
        return before, self.revision() or ""

    def init(self, *, timezone: str | None = None, currency: str | None = None,
             progress: Callable[[str], None] | None = None) -> tuple[str | None, str]:
        """Create or upgrade the workspace and fill in default settings; idempotent. `progress`: as
        for `upgrade`."""
        revisions = self.upgrade(progress)
        current = self.settings_dict()
        wanted = {k: v for k, v in DEFAULT_SETTINGS.items() if k not in current}
        if timezone:
            wanted["timezone"] = check_timezone(timezone)
        if currency:
            wanted["currency"] = check_currency(currency)
        if wanted:
            with self.engine.begin() as conn:
                put_settings(conn, wanted)
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
        elif key in SLA_SETTINGS:
            parse_sla_hours(value)
        with self.engine.begin() as conn:
            put_settings(conn, {key: value})

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
        and audit entry beside the rows); the caller commits or rolls back. The body is in
        `pulso.store.writes`.
        """
        return writes.upsert_many(self, batches, conn=conn)

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
                    password=u.password, database=u.database, **pg_connect_args(self.url),
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


#: Set on every PostgreSQL session of the store. PostgreSQL's JIT compiles a query to machine code
#: when its estimated cost is high; the engine's generated queries (many CTEs over session temporary
#: tables that have no statistics) are estimated high even on a small workspace, and compiling one
#: took 2-4 s where running it takes milliseconds (benchmarks/postgres_jit.py).
PG_OPTIONS = "-c jit=off"


def pg_connect_args(url: str) -> dict[str, Any]:
    """The driver's connection arguments of a PostgreSQL URL's query (sslmode, options...), with
    PG_OPTIONS added to any `options` it gives."""
    query = {k: v if isinstance(v, str) else v[-1] for k, v in sa.engine.make_url(url).query.items()}
    query["options"] = " ".join(filter(None, (query.get("options", "").strip(), PG_OPTIONS)))
    return query


def _engine_options(dialect: str, url: str) -> dict[str, Any]:
    if dialect == "duckdb":
        return {"poolclass": sa.pool.SingletonThreadPool}
    return {"pool_pre_ping": True, "connect_args": pg_connect_args(url)}


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
