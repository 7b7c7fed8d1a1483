"""`pulso db upgrade` says how far a long migration has got (pulso.store.migrating): migration 0019
writes the search index again, about two minutes for a million records, and tells after each chunk
of records how many of each table it has done, then that it sorts (DuckDB) or builds the index
(PostgreSQL), then that the migration is applied; in the reader's language, numbers grouped, on
stderr (stdout keeps the one-line answer). Both backends."""

from __future__ import annotations

import datetime as dt

from alembic import command
from typer.testing import CliRunner

from pulso.cli import app
from pulso.store.store import _alembic_config

MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
runner = CliRunner()


def _at_0018(store) -> None:
    """1,200 leads, 2 customers and 1 deal; the workspace taken back to migration 0018."""
    store.upsert_many({
        "leads": [{"id": f"l{n:04}", "name": f"Lead {n}", "created_at": MAR} for n in range(1200)],
        "accounts": [{"id": a, "name": f"Cliente {a}", "created_at": MAR} for a in ("a1", "a2")],
        "deals": [{"id": "d1", "title": "Proyecto", "amount": 10, "currency": "EUR", "status": "open",
                   "kind": "new", "created_at": MAR}],
    })
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    assert store.revision() == "0018"


def test_the_store_tells_each_step_of_an_upgrade(store):
    _at_0018(store)
    heard = []
    assert store.upgrade(heard.append) == ("0018", "0019")
    said = [(s.text, s.values) for s in heard]
    assert said[:3] == [
        ("Índice de búsqueda: {table}, {done} de {total} registros", {"table": "leads", "done": 1200, "total": 1200}),
        ("Índice de búsqueda: {table}, {done} de {total} registros", {"table": "accounts", "done": 2, "total": 2}),
        ("Índice de búsqueda: {table}, {done} de {total} registros", {"table": "deals", "done": 1, "total": 1}),
    ]
    last = "Índice de búsqueda: ordenando las palabras" if store.dialect == "duckdb" else \
        "Índice de búsqueda: construyendo el índice de las palabras"
    assert said[3:] == [(last, {}), ("Migración {revision} aplicada", {"revision": "0019"})]
    assert str(heard[-1]) == "Migration 0019 applied"  # a Saying's str is its English
    assert store.upgrade(heard.append) == ("0019", "0019") and len(heard) == 5  # nothing to do, nothing said


def test_pulso_db_upgrade_prints_the_steps_in_the_reader_s_language(store):
    sorting = {"duckdb": ("ordenando las palabras", "sorting the words"),
               "postgres": ("construyendo el índice de las palabras", "building the index of words")}[store.dialect]
    expected = {
        "es": ["db: Índice de búsqueda: leads, 1.200 de 1.200 registros",
               "db: Índice de búsqueda: clientes (accounts), 2 de 2 registros",
               "db: Índice de búsqueda: oportunidades (deals), 1 de 1 registros",
               f"db: Índice de búsqueda: {sorting[0]}", "db: Migración 0019 aplicada"],
        "en": ["db: Search index: leads, 1,200 of 1,200 records",
               "db: Search index: customers (accounts), 2 of 2 records",
               "db: Search index: deals, 1 of 1 records",
               f"db: Search index: {sorting[1]}", "db: Migration 0019 applied"],
    }
    answer = {"es": "Actualizado de 0018 a 0019.", "en": "Upgraded from 0018 to 0019."}
    _at_0018(store)
    for lang in ("es", "en"):
        if lang == "en":
            cfg = _alembic_config()
            with store.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, "0018")
        store.engine.dispose()  # a DuckDB file admits one holder at a time
        result = runner.invoke(app, ["db", "upgrade", "--db", store.url], env={"PULSO_LANG": lang})
        assert result.exit_code == 0, (result.output, result.exception)
        assert result.stderr.splitlines() == expected[lang]
        assert result.stdout.strip() == answer[lang]
