"""What the app holds for its lifetime: the store, the KPI engine, the catalog and the cache."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, TypeVar

import sqlalchemy as sa

from pulso.store import Store, schema
from pulso.web.cache import ResultCache
from pulso.web.settings import WebSettings

SECRET_SETTING = "web_secret_key"
log = logging.getLogger(__name__)
R = TypeVar("R")


class Services:
    """One per app. Every database call runs on one dedicated thread (`run`): the store keeps a
    connection per thread and the engine's Ibis connection is bound to the thread that made it,
    and neither may be used by two threads at once."""

    def __init__(self, settings: WebSettings, warm: Iterable[str] = ()):
        self.settings = settings
        self._warm_keys = tuple(warm)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulso-db")
        self._settings_sql: str | None = None
        self._raw: Any = None
        self._db_thread = self._executor.submit(threading.get_ident).result()
        self.store: Store = self.run(lambda: Store(settings.store))
        self.run(self.store.require_current)
        self.cache = ResultCache(settings.cache_entries)
        # Rendered pages are larger than KPI results: fewer of them are kept.
        self.page_cache = ResultCache(max(64, settings.cache_entries // 8))
        self._engine: Any = None
        self._catalog: dict[str, Any] | None = None
        self.secret_key = settings.secret_key or self.run(self._stored_secret)
        # Load the catalog and the engine (Ibis, DuckDB's connection) now rather than in the
        # first visitor's request.
        self.catalog()
        _ = self.engine
        # Queued first on the database thread, without holding up the start.
        self._executor.submit(self._warm)

    def _warm(self) -> None:
        """Compile the KPIs given as `warm` (the overview's tiles), company-wide, before the first
        visitor asks for them.

        The first compilation of a KPI costs 0.1–0.3 s (Ibis, and the modules it loads on first
        use) and is kept per query shape; the queries run here cover a single day.
        """
        from pulso.engine import Scope

        day = self.settings.today or dt.date.today()
        try:
            for key in self._warm_keys:
                self._engine.query(key, start=day, end=day + dt.timedelta(days=1), scope=Scope.company())
        except Exception:  # an empty or unusual workspace: the first request compiles instead
            log.debug("warming the overview's KPIs failed", exc_info=True)

    def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Call `fn` on the database thread and return its result (or raise its error)."""
        if threading.get_ident() == self._db_thread:
            return fn(*args, **kwargs)
        return self._executor.submit(fn, *args, **kwargs).result()

    async def call(self, fn: Callable[..., R], *args: Any) -> R:
        """Await `fn` run on the database thread, without holding a worker thread meanwhile."""
        return await asyncio.wrap_future(self._executor.submit(fn, *args))

    def close(self) -> None:
        """Release the workspace."""
        if self._raw is not None:
            self.run(self._raw.close)
        self.run(self.store.close)
        self._executor.shutdown(wait=True)

    def _stored_secret(self) -> str:
        value = self.store.settings_dict().get(SECRET_SETTING)
        if not value:
            value = secrets.token_urlsafe(32)
            self.store.set_setting(SECRET_SETTING, value)
        return value

    def workspace(self) -> dict[str, str]:
        """The workspace settings, read once per request: data_version, timezone, currency."""
        return self.run(self._read_settings)

    def _read_settings(self) -> dict[str, str]:
        # Read on every request, so on DuckDB it skips SQLAlchemy's per-statement work and runs
        # the statement, compiled once, on the database thread's own connection.
        if self.store.dialect != "duckdb":
            return self.store.settings_dict()
        if self._settings_sql is None:
            t = schema.workspace_settings
            self._settings_sql = str(sa.select(t.c.key, t.c.value).compile(dialect=self.store.engine.dialect))
            self._raw = self.store.engine.raw_connection()
        return dict(self._raw.driver_connection.execute(self._settings_sql).fetchall())

    @property
    def engine(self):
        """The KPI engine (pulso.engine), created on first use, on the database thread."""
        if self._engine is None:
            from pulso.engine import Engine

            def make():
                if self._engine is None:
                    self._engine = Engine(self.store)
                return self._engine

            self.run(make)
        return self._engine

    def catalog(self) -> dict[str, Any]:
        """Declared KPIs by key, in catalog order."""
        if self._catalog is None:
            from pulso.catalog import load_catalog

            loaded = load_catalog()
            items = loaded.values() if isinstance(loaded, dict) else loaded
            self._catalog = {k.key: k for k in items}
        return self._catalog

    def names(self, version: str) -> dict[str, dict[str, str]]:
        """Display names of users, teams, campaigns and stages by id (labels for ids, not KPI data)."""

        def load() -> dict[str, dict[str, str]]:
            with self.store.engine.connect() as conn:
                return {
                    "owner": dict(conn.execute(sa.select(schema.users.c.id, schema.users.c.name)).all()),
                    # user id → their team (who a team scope covers, as the engine's Scope.team)
                    "owner_team": dict(conn.execute(sa.select(schema.users.c.id, schema.users.c.team_id)).all()),
                    "team": dict(conn.execute(sa.select(schema.teams.c.id, schema.teams.c.name)).all()),
                    "campaign": dict(conn.execute(sa.select(schema.campaigns.c.id, schema.campaigns.c.name)).all()),
                    "stage": dict(conn.execute(sa.select(schema.stages.c.id, schema.stages.c.name)).all()),
                    # manager id → the team they manage (the first by id when several)
                    "managed_team": dict(conn.execute(
                        sa.select(schema.teams.c.manager_id, sa.func.min(schema.teams.c.id))
                        .where(schema.teams.c.manager_id.is_not(None)).group_by(schema.teams.c.manager_id)
                    ).all()),
                }

        return self.cache.get_or_compute((version, "names"), lambda: self.run(load))

    def record_labels(self, version: str, table: str, ids: tuple[str, ...]) -> dict[str, tuple[str, str]]:
        """(record label, customer name) of drill-down records by id: what a person recognises.

        Only ids the scoped engine returned are asked for, so no label outside the scope is read.
        """
        tbl = schema.metadata.tables.get(table)
        if tbl is None or not ids or "id" not in tbl.c:
            return {}
        acc = schema.accounts
        own = next((tbl.c[c] for c in ("name", "title", "product", "plan", "landing_page") if c in tbl.c), None)
        customer = acc.c.name if "account_id" in tbl.c else (tbl.c.name if table == "accounts" else None)
        columns = [tbl.c.id, own if own is not None else sa.null(), customer if customer is not None else sa.null()]
        query = sa.select(*columns).where(tbl.c.id.in_(ids))
        if "account_id" in tbl.c:
            query = query.select_from(tbl.outerjoin(acc, acc.c.id == tbl.c.account_id))

        def load() -> dict[str, tuple[str, str]]:
            with self.store.engine.connect() as conn:
                return {r[0]: (r[1] or "", r[2] or "") for r in conn.execute(query)}

        return self.cache.get_or_compute((version, "labels", table, ids), lambda: self.run(load))
