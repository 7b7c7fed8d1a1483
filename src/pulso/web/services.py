"""What the app holds for its lifetime: the store, the KPI engine, the catalog and the cache."""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from pulso.store import Store, schema
from pulso.web.cache import ResultCache
from pulso.web.settings import WebSettings

SECRET_SETTING = "web_secret_key"


class Services:
    """One per app. Every database call goes through `db()`: a DuckDB connection (and the
    engine's Ibis connection) must not be used by two threads at once."""

    def __init__(self, settings: WebSettings):
        self.settings = settings
        self.store = Store(settings.store)
        self.store.require_current()
        self._lock = threading.RLock()
        self.cache = ResultCache(settings.cache_entries)
        self._engine: Any = None
        self._catalog: dict[str, Any] | None = None
        self.secret_key = settings.secret_key or self._stored_secret()

    def close(self) -> None:
        """Release the workspace."""
        self.store.close()

    @contextlib.contextmanager
    def db(self) -> Iterator[None]:
        """Hold the database for one call."""
        with self._lock:
            yield

    def _stored_secret(self) -> str:
        with self.db():
            value = self.store.settings_dict().get(SECRET_SETTING)
            if not value:
                value = secrets.token_urlsafe(32)
                self.store.set_setting(SECRET_SETTING, value)
        return value

    def workspace(self) -> dict[str, str]:
        """The workspace settings, read once per request: data_version, timezone, currency."""
        with self.db():
            return self.store.settings_dict()

    @property
    def engine(self):
        """The KPI engine (pulso.engine), created on first use."""
        if self._engine is None:
            from pulso.engine import Engine

            with self.db():
                if self._engine is None:
                    self._engine = Engine(self.store)
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
        """Display names of users, teams and campaigns by id (not KPI data: labels for ids)."""

        def load() -> dict[str, dict[str, str]]:
            with self.db(), self.store.engine.connect() as conn:
                return {
                    "owner": dict(conn.execute(sa.select(schema.users.c.id, schema.users.c.name)).all()),
                    "team": dict(conn.execute(sa.select(schema.teams.c.id, schema.teams.c.name)).all()),
                    "campaign": dict(conn.execute(sa.select(schema.campaigns.c.id, schema.campaigns.c.name)).all()),
                    "stage": dict(conn.execute(sa.select(schema.stages.c.id, schema.stages.c.name)).all()),
                }

        return self.cache.get_or_compute((version, "names"), load)
