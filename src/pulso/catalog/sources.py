"""Where KPI rows come from: the canonical tables as Ibis tables, and how each kind of row gets
its dimensions and its owner.

Tables are built from the store's SQLAlchemy schema, not by asking the database: a query runs
with no schema round trip, and the catalog is validated against the same definitions.

`ENTITIES` says, for each kind of row, where every dimension comes from: a column of the row
(`"source"`), a column reached through a reference (`("lead_id", "leads", "source")`), or a
column reached through a dimension computed first (`("@campaign", "campaigns", "channel")`).
Several sources are coalesced, first non-null wins. `_owner` is the user a row belongs to,
as pulso.access.OWNERSHIP says for its table: scoping filters on it, and a kind of row without
`_owner` cannot be scoped.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping

import ibis
import ibis.expr.datatypes as dt
import sqlalchemy as sa

from pulso import access
from pulso.store import schema

OWNER = "_owner"
TEAM_SCOPE = "_team"  # a row that belongs to a team without an owner (a team quota)
TABLES = (*schema.CANONICAL_TABLES, "duplicate_candidates")

_ACCOUNT = lambda col: (("account_id", "accounts", col),)  # noqa: E731
_TEAM_OF_OWNER = (("@_owner", "users", "team_id"),)


def _owned(table: str) -> dict[str, tuple]:
    """The `_owner` (and `_team`) sources of a row of `table`, from pulso.access.OWNERSHIP."""
    how = access.OWNERSHIP.get(table)
    if how is None:
        return {}
    return {OWNER: access.owner_sources(table), **({TEAM_SCOPE: (how.team,)} if how.team else {})}


ENTITIES: Mapping[str, Mapping[str, tuple]] = {
    "account": {**_owned("accounts"), "source": ("source",), "segment": ("segment",),
                "country": ("country",), "channel": ("source",)},
    "account_of": {OWNER: (access.through("account_id", "accounts"),), "source": _ACCOUNT("source"),
                   "segment": _ACCOUNT("segment"), "country": _ACCOUNT("country"), "channel": _ACCOUNT("source")},
    "lead": {**_owned("leads"), "source": ("source",), "campaign": ("campaign_id",),
             "channel": (("@campaign", "campaigns", "channel"),)},
    "deal": {**_owned("deals"), "source": (("lead_id", "leads", "source"), ("account_id", "accounts", "source")),
             "campaign": (("lead_id", "leads", "campaign_id"), "campaign_id"),
             "channel": (("@campaign", "campaigns", "channel"),),
             "segment": _ACCOUNT("segment"), "country": _ACCOUNT("country"),
             "deal_kind": ("kind",), "stage": ("stage_id",), "product": ("product",)},
    "ticket": {**_owned("tickets"), "channel": ("channel",), "priority": ("priority",),
               "segment": _ACCOUNT("segment"), "country": _ACCOUNT("country")},
    "activity": {**_owned("activities"), "activity_type": ("type",)},
    "survey": {**_owned("survey_responses"), "segment": _ACCOUNT("segment"), "country": _ACCOUNT("country")},
    "order": {**_owned("orders"), "source": _ACCOUNT("source"), "segment": _ACCOUNT("segment"),
              "country": _ACCOUNT("country"), "channel": _ACCOUNT("source"), "product": ("product",)},
    "subscription": {**_owned("subscriptions"), "source": _ACCOUNT("source"), "segment": _ACCOUNT("segment"),
                     "country": _ACCOUNT("country"), "plan": ("plan",)},
    "session": {**_owned("web_sessions"), "source": ("source",)},
    "user": _owned("users"),
    "usage": _owned("usage_events"),
    "campaign": {**_owned("campaigns"), "campaign": ("id",), "channel": ("channel",)},
    "spend": {**_owned("spend"), "category": ("category",), "channel": ("channel",), "campaign": ("campaign_id",)},
    "quota": {**_owned("quotas"), "team": ("team_id", *_TEAM_OF_OWNER)},
}
#: the table each kind of row is (its owner follows that table's rule; `account_of`: rows that
#: belong to the owner of their account)
ENTITY_TABLES = {"account": "accounts", "lead": "leads", "deal": "deals", "ticket": "tickets",
                 "activity": "activities", "survey": "survey_responses", "order": "orders",
                 "subscription": "subscriptions", "session": "web_sessions", "user": "users",
                 "usage": "usage_events", "campaign": "campaigns", "spend": "spend", "quota": "quotas"}


def supported_dimensions(entity: str) -> set[str]:
    """The dimensions a kind of row can be split by."""
    spec = ENTITIES[entity]
    dims = {d for d in spec if not d.startswith("_")}
    if OWNER in spec:
        dims |= {"owner", "team"}
    return dims


def dim_column(dim: str) -> str:
    """The internal column that carries a dimension (never clashes with a table's columns)."""
    return dim if dim.startswith("_") else f"_d_{dim}"


def _ibis_type(column: sa.Column) -> dt.DataType:
    t = column.type
    if isinstance(t, sa.Float):  # REAL on DuckDB: a cast to float64 must reach the SQL
        return dt.float32
    if isinstance(t, sa.Numeric):
        return dt.Decimal(t.precision or 18, t.scale or 2)
    if isinstance(t, sa.Integer):
        return dt.int64
    if isinstance(t, sa.Boolean):
        return dt.boolean
    if isinstance(t, sa.DateTime):
        return dt.Timestamp(timezone="UTC")
    if isinstance(t, sa.Date):
        return dt.date
    return dt.string


@lru_cache(maxsize=1)
def _schemas() -> dict[str, ibis.Schema]:
    return {
        name: ibis.schema({c.name: _ibis_type(c) for c in schema.metadata.tables[name].columns})
        for name in TABLES
    }


def tables() -> dict[str, Any]:
    """Every table the catalog may read: the store's, as unbound Ibis tables named like them,
    and the derived facts (`FACTS`), as expressions over those."""
    src: dict[str, Any] = {name: ibis.table(s, name=name) for name, s in _schemas().items()}
    for name, build in FACTS.items():
        src[name] = build(src)
    return src


def has_column(table: str, column: str) -> bool:
    """Whether the store's schema has table.column."""
    return table in _schemas() and column in _schemas()[table]


def source_columns(entity: str) -> Iterable[tuple[str, str]]:
    """(table, column) pairs an entity's dimension spec reads, for validation."""
    for sources in ENTITIES[entity].values():
        for src in sources:
            if isinstance(src, tuple):
                fk, table, column = src
                yield table, column
                yield table, "id"


OWNER_REF = ("@_owner",)  # the `owner` dimension is the owner itself


def _closure(spec: Mapping[str, tuple], needed: Iterable[str]) -> list[str]:
    """The needed dimensions plus those their @-lookups depend on, dependencies first."""
    out: list[str] = []

    def visit(dim: str) -> None:
        if dim in out:
            return
        for s in spec[dim]:
            if isinstance(s, tuple) and s[0].startswith("@"):
                visit(s[0][1:])
        out.append(dim)

    for dim in sorted(needed):
        visit(dim)
    return out


def add_dims(t: Any, entity: str, needed: Iterable[str], src: Mapping[str, Any]) -> Any:
    """`t` with one internal column per needed dimension (and `_owner`/`_team` when asked).

    Every lookup is one LEFT JOIN on the referenced table's id, and the result is one
    projection: the rows' own columns plus the dimension columns.
    """
    spec = dict(ENTITIES[entity])
    if OWNER in spec:
        spec.setdefault("team", _TEAM_OF_OWNER)
        spec["owner"] = (OWNER_REF,)
    order = _closure(spec, needed)
    base = list(t.columns)
    aliases: dict[tuple[str, str], dict[str, str]] = {}  # (key, table) -> {column: alias}
    for dim in order:
        for s in spec[dim]:
            if isinstance(s, tuple) and len(s) == 3:
                cols = aliases.setdefault((s[0], s[1]), {})
                cols.setdefault(s[2], f"_lk{len(aliases)}_{s[2]}")
    j = t
    exprs: dict[str, Any] = {}

    def expr(dim: str, rel: Any) -> Any:
        parts = []
        for s in spec[dim]:
            if s is OWNER_REF:
                parts.append(expr(OWNER, rel))
            elif isinstance(s, tuple):
                parts.append(rel[aliases[(s[0], s[1])][s[2]]])
            else:
                parts.append(rel[s])
        return (parts[0] if len(parts) == 1 else ibis.coalesce(*parts)).cast("string")

    for i, ((key, table), cols) in enumerate(aliases.items()):
        other = src[table]
        key_alias = f"_lk{i + 1}_key"
        lk = other.select(**{key_alias: other.id}, **{alias: other[c] for c, alias in cols.items()})
        own = expr(key[1:], j) if key.startswith("@") else j[key]
        j = j.left_join(lk, own == lk[key_alias])
    for dim in order:
        exprs[dim_column(dim)] = expr(dim, j)
    return j.select(*base, **exprs)


# -- small expression helpers the declarations share -----------------------------------------

_DIALECT: ContextVar[str | None] = ContextVar("pulso_sql_dialect", default=None)


@contextmanager
def building_for(dialect: str | None) -> Iterator[None]:
    """Build expressions for one SQL dialect (None: portable), where a dialect has a faster way."""
    token = _DIALECT.set(dialect)
    try:
        yield
    finally:
        _DIALECT.reset(token)


@ibis.udf.scalar.builtin(name="epoch_us")
def epoch_us(ts: dt.Timestamp(timezone="UTC")) -> dt.int64:
    """Microseconds since 1970 of an instant (DuckDB's, with no time zone conversion)."""


def seconds_between(start: Any, stop: Any) -> Any:
    """stop − start in seconds (calendar time; both are UTC instants).

    On DuckDB through epoch_us: Ibis's portable epoch goes through a cast to local TIMESTAMP,
    a time zone conversion per row that costs ten times more and changes nothing here."""
    if _DIALECT.get() == "duckdb":
        return (epoch_us(stop) - epoch_us(start)).cast("float64") / 1_000_000.0
    return (stop.epoch_seconds() - start.epoch_seconds()).cast("float64")


def hours_between(start: Any, stop: Any) -> Any:
    """stop − start in hours."""
    return seconds_between(start, stop) / 3600.0


def days_between(start: Any, stop: Any) -> Any:
    """stop − start in days."""
    return seconds_between(start, stop) / 86400.0


def flag(cond: Any) -> Any:
    """1 where cond holds, else 0 (null counts as 0)."""
    return ibis.ifelse(cond.fill_null(False), 1, 0)


def one(_: Any = None) -> Any:
    """The measure of a row that simply counts."""
    return ibis.literal(1)


_MONEY_READ: ContextVar[list | None] = ContextVar("pulso_money_read", default=None)


def money(col: Any) -> Any:
    """A money column as a float, null as 0 (noted while `noting_money` is on: the engine
    converts the money a KPI reads into the reporting currency, see pulso.engine.money)."""
    seen = _MONEY_READ.get()
    if seen is not None:
        seen.append(col)
    return col.cast("float64").fill_null(0.0)


@contextmanager
def noting_money() -> Iterator[list]:
    """The money columns that `money` is given while building, as a list filled in."""
    seen: list = []
    token = _MONEY_READ.set(seen)
    try:
        yield seen
    finally:
        _MONEY_READ.reset(token)


# -- derived facts ---------------------------------------------------------------------------
#
# Facts that do not depend on the period asked for, derived from the canonical tables. KPIs
# read them from `src` like a table. Built from `src`, they compile into each query (every
# dialect); the engine on DuckDB instead keeps each one as a temporary table per data version,
# so that the KPIs reading it, and every later query, share one computation.


def _every_row(t: Any, column: str) -> Any:
    return t


def _lead_first_outbound(src: Mapping[str, Any], within: Callable[[Any, str], Any] = _every_row) -> Any:
    """Leads (id, created_at, owner_id, source, campaign_id) with `_first_out`: the time of
    their first outbound activity at or after their creation, null while there is none.

    `within(table, column)` keeps the rows a query needs (the engine passes the query's time
    windows when it computes a fact inside one query); by default every row."""
    leads, acts = within(src["leads"], "created_at"), src["activities"]
    out = acts.filter(acts.direction == "outbound", acts.lead_id.notnull())
    created = leads.select(_lid=leads.id, _created=leads.created_at)
    out = out.join(created, out.lead_id == created._lid)
    first = out.filter(out.occurred_at >= out._created).group_by(_fid=out.lead_id).aggregate(
        _first_out=out.occurred_at.min())
    base = leads.select("id", "created_at", "owner_id", "source", "campaign_id")
    return base.left_join(first, base.id == first._fid).drop("_fid")


def _visitor_sessions(src: Mapping[str, Any], within: Callable[[Any, str], Any] = _every_row) -> Any:
    """Web sessions as visits of a visitor: `id` is the visitor, `started_at` and `source` the
    session's, `_prev_start` the start of the visitor's previous session (null for the first),
    `_lead` and `_customer` (1 or 0) whether a lead, and a converted lead, carry the visitor's id.

    A session is its visitor's first in a period exactly when `_prev_start` is null or before the
    period starts, so distinct visitors per period are a sum over sessions, with no grouping. Kept
    to a query's time windows, the test still holds: each period lies inside one window, so a
    previous session the window leaves out started before the period."""
    s, leads = within(src["web_sessions"], "started_at"), src["leads"]
    who = leads.filter(leads.visitor_id.notnull()).group_by(_vid=leads.visitor_id).aggregate(
        _lead=leads.id.count().clip(upper=1), _customer=flag(leads.converted_at.notnull()).max())
    before = ibis.window(group_by=s.visitor_id, order_by=[s.started_at, s.id])
    x = s.select(id=s.visitor_id, started_at=s.started_at, source=s.source,
                 _prev_start=s.started_at.lag().over(before))
    x = x.left_join(who, x.id == who._vid)
    return x.select("id", "started_at", "source", "_prev_start", _lead=x._lead.fill_null(0).cast("int64"),
                    _customer=x._customer.fill_null(0).cast("int64"))


FACTS = {"lead_first_outbound": _lead_first_outbound, "visitor_sessions": _visitor_sessions}
FACT_PREFIX = "pulso_fact_"
