"""Issue 14: `pulso status` asks the engine: its headline figures are catalog KPIs, the same values
`Engine.query` gives for the same period (and so the KPI pages and `pulso kpi show`), both backends."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from pulso.cli import app
from pulso.engine import Engine
from pulso.summary import headline_figures, headline_period

# The newest deal is created on 2026-03-31 (UTC): the period is the 365 days [2025-04-01, 2026-04-01).
DEALS = [
    {"id": "w1", "owner_id": "u1", "status": "won", "amount": 100, "created_at": "2025-06-01", "closed_at": "2025-07-01"},
    {"id": "w2", "owner_id": "u1", "status": "won", "amount": 300, "created_at": "2025-08-01", "closed_at": "2026-02-10"},
    {"id": "l1", "owner_id": "u1", "status": "lost", "amount": 999, "created_at": "2025-08-01", "closed_at": "2026-03-01"},
    # closed before the period: counted neither in the close rate nor in the revenue
    {"id": "w0", "owner_id": "u1", "status": "won", "amount": 5000, "created_at": "2024-01-01", "closed_at": "2024-02-01"},
    {"id": "o1", "owner_id": "u1", "status": "open", "amount": 50, "created_at": "2026-01-15"},
    {"id": "o2", "owner_id": "u1", "status": "open", "amount": 70.5, "created_at": "2026-03-31"},
]
ACCOUNTS = [  # customers won in the period: a1 and a2 (a0 before it)
    {"id": "a0", "name": "Cero", "owner_id": "u1", "created_at": "2024-01-01", "acquired_at": "2024-02-01"},
    {"id": "a1", "name": "Uno", "owner_id": "u1", "created_at": "2025-06-01", "acquired_at": "2025-07-01"},
    {"id": "a2", "name": "Dos", "owner_id": "u1", "created_at": "2025-08-01", "acquired_at": "2026-02-10"},
]


def _fill(store) -> None:
    store.set_setting("currency", "EUR")
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana", "email": "ana@example.com", "role": "rep", "created_at": "2024-01-01"}],
        "accounts": ACCOUNTS,
        "deals": [{"currency": "EUR", "kind": "new", **d} for d in DEALS],
    })


def test_status_figures_are_the_engines_values(store):
    _fill(store)
    start, end = dt.date(2025, 4, 1), dt.date(2026, 4, 1)
    assert headline_period(store) == (start, end)
    engine = Engine(store)
    by_hand = {"revenue_won": 400.0, "close_rate": 2 / 3, "new_customers": 2.0, "open_opportunities": 2.0,
               "pipeline_value": 120.5}
    for key, expected in by_hand.items():
        [row] = engine.query(key, start=start, end=end).rows
        assert abs(row["value"] - expected) < 1e-9, key
    assert headline_figures(store, engine) == [
        ("new revenue, last 12 months", "€400.00"),  # English formats (pulso.formatting.fmt_value)
        ("close (win) rate, last 12 months", "66.7%"),
        ("new customers, last 12 months", "2"),
        ("open opportunities, now", "2"),
        ("pipeline value, now", "€120.50"),
    ]
    assert headline_figures(store, engine, lang="es")[:2] == [("ingresos nuevos, últimos 12 meses", "400,00\xa0€"),
                                                              ("tasa de cierre, últimos 12 meses", "66,7%")]


def test_pulso_status_prints_the_engines_figures(store):
    _fill(store)
    store.engine.dispose()  # a DuckDB file admits one holder at a time
    done = CliRunner().invoke(app, ["status", "--db", store.url], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    for label, figure in [("new revenue, last 12 months", "€400.00"), ("close (win) rate, last 12 months", "66.7%"),
                          ("pipeline value, now", "€120.50")]:
        assert label in done.output and figure in done.output, done.output


def test_status_without_deals_says_how_to_start(store):
    assert headline_figures(store) == [("deals", "none yet: run `pulso demo` or import your data")]
