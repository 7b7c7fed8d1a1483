"""The engine's side of money in the reporting currency (money.py builds the expressions): whether
the workspace holds other currencies, which money tables a KPI reads, the query that converts them
or the refusal when a rate is missing, and the rates a money KPI lacks over all time.

Functions of an Engine's state (`engine`), which the Engine's public calls use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import ibis

from pulso.catalog import Kpi
from pulso.catalog.sources import noting_money
from pulso.engine import money as M
from pulso.engine.arguments import as_date
from pulso.engine.compile import compile_kpi
from pulso.engine.context import Context
from pulso.engine.plans import context
from pulso.engine.run import execute


def foreign(engine) -> tuple[str, bool]:
    """The reporting currency, and whether any stored amount is in another one (per data version)."""
    settings = engine._workspace_settings()
    key = (settings.get("data_version", "0"), settings.get("currency", "EUR"))
    with engine._lock:
        if engine._currencies is None or engine._currencies[0] != key:
            sql = ibis.to_sql(M.currencies_expr(engine._src, key[1]), dialect=engine.store.dialect)
            engine._currencies = (key, bool(execute(engine.store, sql, {}, [])))
        return key[1], engine._currencies[1]


def money_tables(engine, kpi: Kpi) -> tuple[set[str], bool]:
    """The money tables whose amounts the KPI reads (the columns its declaration hands to
    catalog.sources.money), and whether it reads reference days; worked out once."""
    if kpi.key not in engine._money:
        ctx = context(engine, False, None)
        with noting_money() as seen:
            compile_kpi(kpi, ctx)
        engine._money[kpi.key] = (M.money_tables(seen), ctx._baseline is not None)
    return engine._money[kpi.key]


def in_reporting_currency(engine, kpi: Kpi, windows: list, shape: tuple,
                          build: Callable[[Context], Any]) -> tuple[tuple, Callable[[Context], Any]]:
    """The query shape and builder that read the KPI's money converted into the reporting
    currency, when the workspace holds other currencies and the KPI reads money; unchanged
    otherwise. MissingRatesError when an amount the query's span touches has no rate."""
    reporting, others = foreign(engine)
    names, reference = money_tables(engine, kpi) if others else (set(), False)
    if not names:
        return shape, build
    lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    if reference:  # incremental revenue also reads its reference days, before the query's windows
        lo = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
    sql = ibis.to_sql(M.missing_expr(engine._src, reporting, names, lo, hi), dialect=engine.store.dialect)
    with engine._lock:
        rows = execute(engine.store, sql, {}, [])
    if rows:
        found = list(dict.fromkeys((r["currency"], as_date(r["day"], "day")) for r in rows))  # each day once
        raise M.MissingRatesError(kpi.key, reporting, found[:M.MISSING_LISTED], len(rows) > M.MISSING_LISTED)

    def converting(ctx: Context) -> Any:
        ctx.src = {**ctx.src, **M.converted(ctx.src, reporting, names)}
        return build(ctx)

    return (*shape, ("fx", reporting, tuple(sorted(names)))), converting


def rate_gaps(engine) -> tuple[str, list[str], list[tuple[str, dt.date]]]:
    """The reporting currency, the other currencies stored amounts are in, and every (currency,
    day) of an amount with no rate into the reporting currency, over all time: what a money KPI
    would be refused for (MissingRatesError). For the rates page."""
    reporting = engine._workspace_settings().get("currency", "EUR")
    dialect = engine.store.dialect
    with engine._lock:
        held = execute(engine.store, ibis.to_sql(M.currencies_expr(engine._src, reporting), dialect=dialect), {}, [])
        if not held:
            return reporting, [], []
        lo, hi = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2200, 1, 1, tzinfo=dt.timezone.utc)
        sql = ibis.to_sql(M.missing_expr(engine._src, reporting, set(M.MONEY), lo, hi, limit=None), dialect=dialect)
        rows = execute(engine.store, sql, {}, [])
    missing = dict.fromkeys((r["currency"], as_date(r["day"], "day")) for r in rows)  # each day once
    return reporting, sorted({r["currency"] for r in held}), list(missing)
