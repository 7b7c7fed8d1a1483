"""Every PostgreSQL session of the store runs without JIT (store.PG_OPTIONS), the KPI engine's
Ibis connection as well as SQLAlchemy's, and keeps what the workspace URL's query asks for.

Why: the engine's generated queries over temporary tables without statistics are estimated
expensive even on a handful of rows, and PostgreSQL spent seconds compiling each one
(benchmarks/postgres_jit.py)."""

from __future__ import annotations

from pulso.config import Settings
from pulso.store import Store


def _show(conn, name: str) -> str:
    return conn.exec_driver_sql(f"SHOW {name}").scalar()


def test_the_stores_sessions_and_the_engines_run_without_jit(store_on):
    store = store_on("postgres")
    with store.engine.connect() as conn:
        assert _show(conn, "jit") == "off"
    cursor = store.ibis().raw_sql("SHOW jit")
    assert cursor.fetchone()[0] == "off"


def test_the_urls_own_options_and_parameters_are_kept(store_on):
    base = store_on("postgres").url
    # statement_timeout 5000 ms is shown as "5s"; application_name reaches both connections
    url = f"{base}?application_name=pulso-probe&options=-c%20statement_timeout%3D5000"
    store = Store(Settings(database_url=url))
    try:
        with store.engine.connect() as conn:
            assert (_show(conn, "jit"), _show(conn, "statement_timeout"), _show(conn, "application_name")) == (
                "off", "5s", "pulso-probe")
        cursor = store.ibis().raw_sql("SELECT current_setting('jit'), current_setting('statement_timeout'), "
                                      "current_setting('application_name')")
        assert cursor.fetchone() == ("off", "5s", "pulso-probe")
    finally:
        store.close()

