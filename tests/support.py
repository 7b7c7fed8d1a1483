"""Helpers the tests import by name (conftest.py is not importable by name: every test folder has one).

`make_store` builds a new, initialised, empty workspace on DuckDB or on the PostgreSQL server of
the `pg_server` fixture.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from pulso.config import Settings
from pulso.store import Store

BACKENDS = ("duckdb", "postgres")
_counter = itertools.count()


def _pg_database(server_url: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"pulso_{worker}_{os.getpid()}_{next(_counter)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def make_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest, *, timezone: str = "UTC") -> Store:
    """A new, initialised, empty workspace on `backend`."""
    if backend == "duckdb":
        url = f"duckdb:///{tmp_path / f'w{next(_counter)}.duckdb'}"
    else:
        url = _pg_database(request.getfixturevalue("pg_server"))
    store = Store(Settings(database_url=url))
    store.init(timezone=timezone)
    request.addfinalizer(store.close)
    return store
