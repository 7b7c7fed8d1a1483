"""The web app on a PostgreSQL workspace: sign in, a page, a KPI detail, scoping (a real server)."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from conftest import AS_OF, sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.store import Store  # noqa: E402


def fresh_database(server_url: str) -> str:
    """A new database on the suite's PostgreSQL cluster (pg_server, tests/conftest.py)."""
    name = f"pulso_web_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))  # a generated name, not input
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def pg_app(pg_server):
    from pulso.demo import generate
    from pulso.web import WebSettings, create_app
    from pulso.cli.users import give_demo_passwords

    url = fresh_database(pg_server)
    with Store(Settings(url)) as store:
        store.init()
        generate(store, size="100", seed=3, as_of=AS_OF, replace=True)
        signins = {role: (email, password) for role, _, email, password in give_demo_passwords(store)}
    app = create_app(WebSettings(store=Settings(url), secret_key="pg", strict_i18n=True, today=AS_OF))
    yield app, signins
    app.state.services.close()


def test_pages_on_postgres(pg_app):
    app, signins = pg_app
    admin = TestClient(app, client=("10.9.0.1", 5000))
    assert sign_in(admin, *signins["admin"]).status_code == 303
    overview = admin.get("/index.json")
    assert overview.status_code == 200 and overview.json()["scope"]["kind"] == "company"
    detail = admin.get("/kpi/close_rate.json?period=year&at=2026-01-01").json()
    assert "SELECT" in detail["explain"]["sql"].upper() and detail["records"]["section"]["rows"]
    assert admin.get("/sales").status_code == 200
    rep = TestClient(app, client=("10.9.0.2", 5000))
    assert sign_in(rep, *signins["rep"]).status_code == 303
    assert rep.get("/index.json").json()["scope"]["kind"] == "owners"
    assert rep.get("/kpi/website_visitors.json").status_code == 403
