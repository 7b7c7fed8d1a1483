"""Money in the reporting currency: amounts converted at their date's rate before any sum.

Every money column sits beside a `currency` code. When a workspace holds amounts in a currency
other than its reporting one (setting `currency`), the engine reads each money table through
`converted`: an amount in another currency is divided by the rate of the latest `exchange_rates`
row of that currency on or before the amount's date (an ASOF join; a LATERAL ... LIMIT 1 on
PostgreSQL) and rounded to cents; an amount in the reporting currency, or with no currency, is
taken as it is. Before a KPI that reads money runs, `missing` lists the (currency, date) pairs
that have no rate yet and that the query's time span touches: the engine then refuses the KPI
(MissingRatesError) instead of summing a wrong figure. A workspace with one currency reads the
tables as they are: its SQL and figures do not change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import ibis

from pulso.errors import KpiError

RATES_TABLE = "exchange_rates"
MISSING_LISTED = 20  # (currency, date) pairs a refusal names


@dataclass(frozen=True)
class Money:
    """A table's money column, the date its amount is converted at, and when a row counts
    (begin, end: None for open-ended) for deciding whether a query touches it."""

    column: str
    date: Callable[[Any], Any]
    begin: str
    end: str | None


def _day(column: str) -> Callable[[Any], Any]:
    return lambda t: t[column].cast("date")


#: The money tables. A deal is converted at its close date, or at its creation while it is open
#: (so pipeline, weighted pipeline and won revenue each read one rate per deal); an order at its
#: date; a subscription at its start; spend and quotas at their first day; a campaign's cost at
#: its start. Dates are UTC days (Pulso's connections run in UTC).
MONEY: Mapping[str, Money] = {
    "deals": Money("amount", lambda t: ibis.coalesce(t.closed_at, t.created_at).cast("date"), "created_at", "closed_at"),
    "orders": Money("amount", _day("ordered_at"), "ordered_at", "ordered_at"),
    "subscriptions": Money("monthly_amount", _day("started_at"), "started_at", "cancelled_at"),
    "spend": Money("amount", _day("period_start"), "period_start", "period_end"),
    "quotas": Money("amount", _day("period_start"), "period_start", "period_end"),
    "campaigns": Money("cost", _day("started_at"), "started_at", "ended_at"),
}


class MissingRatesError(KpiError):
    """A KPI would add amounts that have no exchange rate into the reporting currency."""

    def __init__(self, key: str, reporting: str, missing: list[tuple[str, dt.date]], more: bool = False):
        self.key, self.reporting, self.missing = key, reporting, missing
        by_currency: dict[str, list[str]] = {}
        for currency, day in missing:
            by_currency.setdefault(currency, []).append(day.isoformat())
        listed = "; ".join(f"{c} on {', '.join(days)}" for c, days in sorted(by_currency.items()))
        super().__init__(
            f"{key}: no exchange rate into {reporting} for {listed}{' (and more)' if more else ''}; "
            "amounts are never added without one: import rates with `pulso rates import FILE`")

    @property
    def currencies(self) -> list[str]:
        return sorted({c for c, _ in self.missing})


def rates_table() -> Any:
    """The exchange_rates table, unbound (named like the store's)."""
    return ibis.table({"id": "string", "currency": "string", "rate_date": "date", "rate": "float64",
                       "source": "string"}, name=RATES_TABLE)


def _with_rate(t: Any, money: Money) -> Any:
    """The rows of `t` with `_fx_rate`: the rate in force on the amount's date (null: none)."""
    r = rates_table()
    spans = r.select(_fx_cur=r.currency, _fx_from=r.rate_date, _fx_rate=r.rate.cast("float64"))
    t = t.mutate(_fx_day=money.date(t))
    return t.asof_join(spans, on=t._fx_day >= spans._fx_from, predicates=[t.currency == spans._fx_cur])


def converted(src: Mapping[str, Any], reporting: str, names: set[str] | None = None) -> dict[str, Any]:
    """The money tables of `src` (those in `names`) with their amounts in `reporting`."""
    out = {}
    for name, money in MONEY.items():
        if names is not None and name not in names:
            continue
        t = src[name]
        j = _with_rate(t, money)
        amount = t[money.column]
        foreign = j.currency.notnull() & (j.currency != reporting)
        value = ibis.ifelse(foreign, (j[money.column].cast("float64") / j._fx_rate).round(2).cast(amount.type()),
                            j[money.column])
        out[name] = j.select(*(value.name(c) if c == money.column else j[c] for c in t.columns))
    return out


def money_tables(columns: list) -> set[str]:
    """The money tables behind the money columns a KPI read (see catalog.sources.noting_money)."""
    import ibis.expr.operations as ops

    names: set[str] = set()
    for col in columns:
        names |= {t.name for t in col.op().find(ops.UnboundTable)}
    return names & set(MONEY)


def missing_expr(src: Mapping[str, Any], reporting: str, names: set[str], lo: dt.datetime, hi: dt.datetime,
                 limit: int | None = MISSING_LISTED + 1) -> Any:
    """(currency, day) pairs of amounts in the tables `names` that count somewhere in [lo, hi)
    and have no rate into `reporting`, at most `limit` (None: all)."""
    frames = []
    for name in sorted(names):
        money = MONEY[name]
        t = src[name]
        j = _with_rate(t, money)
        begin = j[money.begin]
        dated = begin.type().is_date()
        lo_, hi_ = (lo.date(), hi.date()) if dated else (lo, hi)
        keep = (j.currency.notnull() & (j.currency != reporting) & j[money.column].notnull()
                & j._fx_rate.isnull() & (begin < hi_))
        if money.end is not None:
            keep = keep & (j[money.end].isnull() | (j[money.end] >= lo_))
        m = j.filter(keep)
        frames.append(m.select(currency=m.currency, day=m._fx_day))
    u = frames[0] if len(frames) == 1 else ibis.union(*frames, distinct=True)
    u = u.distinct().order_by(["currency", "day"])
    return u if limit is None else u.limit(limit)


def currencies_expr(src: Mapping[str, Any], reporting: str) -> Any:
    """The currencies other than `reporting` that some stored amount carries."""
    frames = []
    for name in MONEY:
        t = src[name]
        frames.append(t.filter(t.currency.notnull() & (t.currency != reporting)).select("currency").distinct())
    return ibis.union(*frames, distinct=True)
