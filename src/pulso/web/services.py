"""What the app holds for its lifetime: the store, the KPI engine, the catalog and the cache."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, TypeVar

from pulso.store import Store, lookups
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
        self._db_thread = self._executor.submit(threading.get_ident).result()
        self.store: Store = self.run(lambda: Store(settings.store))
        self._settings = lookups.SettingsReader(self.store)
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
        self.run(self._settings.close)
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
        return self.run(self._settings.read)  # on the database thread, whose connection it reuses

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
        return self.cache.get_or_compute((version, "names"), lambda: self.run(lookups.names, self.store))

    def record_labels(self, version: str, table: str, ids: tuple[str, ...]) -> dict[str, tuple[str, str]]:
        """(record label, customer name) of drill-down records by id: what a person recognises.

        Only ids the scoped engine returned are asked for, so no label outside the scope is read.
        """
        if not ids or not lookups.has_labels(table):
            return {}
        return self.cache.get_or_compute((version, "labels", table, ids),
                                         lambda: self.run(lookups.record_labels, self.store, table, ids))
