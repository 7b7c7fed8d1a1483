"""Which records of each canonical table a caller's scope covers, for reading and for writing.

The rules follow the KPI engine's (pulso.catalog.sources.ENTITIES), so that a record a caller
can list is a record their KPIs count:

- accounts, leads, deals, tickets, activities: `owner_id`; usage_events: `user_id`; users: the
  user themself;
- quotas: `owner_id`; in a team scope a quota needs its owner (when it has one) in the team AND
  its `team_id` (when it has one) in the scope: a team quota (no owner) belongs to its team, and a
  quota of another team's rep is outside whatever `team_id` says;
- orders and subscriptions: the owner of their account; survey_responses: the owner of their
  account, else of their ticket; deal_stage_changes: the owner of their deal;
- teams, campaigns, stages, spend, web_sessions have no owner: only a company-wide scope (admin,
  a viewer without a team) reads them, and only an admin writes them, or users.

A team scope covers the records owned by the team's members (users.team_id); an owners scope
the records of those users.

Every reference a non-company caller writes to a record with an owner (accounts, leads, deals,
tickets, users) must point to a record they may read (`visible`); stages, campaigns and teams are
the company's shared set-up, which anyone who writes may point to.
"""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa

from pulso.store import schema
from pulso.web.api_deps import ApiError, Caller
from pulso.web.kpis import ScopeKey

#: table → how its rows reach an owner: ("column", name) or ("parent", [(fk, parent table), ...]).
OWNED: dict[str, tuple[str, Any]] = {
    "accounts": ("column", "owner_id"), "leads": ("column", "owner_id"), "deals": ("column", "owner_id"),
    "tickets": ("column", "owner_id"), "activities": ("column", "owner_id"), "quotas": ("column", "owner_id"),
    "usage_events": ("column", "user_id"), "users": ("column", "id"),
    "orders": ("parent", [("account_id", "accounts")]),
    "subscriptions": ("parent", [("account_id", "accounts")]),
    "survey_responses": ("parent", [("account_id", "accounts"), ("ticket_id", "tickets")]),
    "deal_stage_changes": ("parent", [("deal_id", "deals")]),
}
COMPANY_ONLY = tuple(t for t in schema.CANONICAL_TABLES if t not in OWNED)
#: Tables only an admin writes: who may sign in with which role, and the company's own set-up.
ADMIN_WRITES = frozenset({"users", "teams", *COMPANY_ONLY})


def rule(table: str) -> str:
    """The scope rule of a table in words (docs, errors)."""
    how = OWNED.get(table)
    if how is None:
        return "no owner: company-wide scope only"
    if how[0] == "column":
        return f"{table}.{how[1]}" + ("; for a team, the owner in the team and team_id the team's" if table == "quotas" else "")
    return " else ".join(f"the owner of its {parent[:-1]} ({fk})" for fk, parent in how[1])


def owner_expr(table: str) -> sa.ColumnElement | None:
    """The owner of each row of `table` as a SQL expression (correlated for derived owners)."""
    how = OWNED.get(table)
    if how is None:
        return None
    tbl = schema.metadata.tables[table]
    if how[0] == "column":
        return tbl.c[how[1]]
    owners = []
    for fk, parent in how[1]:
        p = schema.metadata.tables[parent].alias(f"_owner_{parent}")
        owners.append(sa.select(p.c.owner_id).where(p.c.id == tbl.c[fk]).scalar_subquery())
    return owners[0] if len(owners) == 1 else sa.func.coalesce(*owners)


def _members(scope: ScopeKey):
    u = schema.users
    return sa.select(u.c.id).where(u.c.team_id.in_(list(scope.ids)))


def read_filter(caller: Caller, table: str) -> sa.ColumnElement | None:
    """The WHERE condition of the rows of `table` the caller may read (None: every row)."""
    scope = caller.scope_key
    if scope.kind == "company":
        return None
    owner = owner_expr(table)
    if owner is None:
        raise ApiError(403, "out_of_scope", f"{table} have no owner; only a company-wide scope reads them", "table")
    if not scope.ids:
        return sa.false()
    if scope.kind == "owners":
        return owner.in_(list(scope.ids))
    cond = owner.in_(_members(scope))
    if table == "quotas":
        team = schema.quotas.c.team_id
        cond = sa.or_(sa.and_(cond, sa.or_(team.is_(None), team.in_(list(scope.ids)))),
                      sa.and_(owner.is_(None), team.in_(list(scope.ids))))
    if table == "users":
        cond = schema.users.c.team_id.in_(list(scope.ids))
    return cond


def allowed_owners(conn: sa.Connection, scope: ScopeKey) -> set[str]:
    """The user ids whose records a (non-company) scope covers."""
    if scope.kind == "owners":
        return set(scope.ids)
    return {r[0] for r in conn.execute(_members(scope))} if scope.ids else set()


def owners_of(conn: sa.Connection, table: str, rows: Iterable[dict[str, Any]]) -> list[str | None]:
    """The owner of each row (a dict of the table's fields) by the table's rule."""
    rows = list(rows)
    kind, how = OWNED[table]
    if kind == "column":
        return [r.get(how) for r in rows]
    found: dict[tuple[str, str], str | None] = {}
    for fk, parent in how:
        ids = sorted({str(r[fk]) for r in rows if r.get(fk) is not None})
        p = schema.metadata.tables[parent]
        for start in range(0, len(ids), 5000):
            query = sa.select(p.c.id, p.c.owner_id).where(p.c.id.in_(ids[start:start + 5000]))
            found.update({(parent, i): o for i, o in conn.execute(query)})
    out = []
    for r in rows:
        owner = None
        for fk, parent in how:
            if r.get(fk) is not None:
                owner = found.get((parent, str(r[fk])))
            if owner is not None:
                break
        out.append(owner)
    return out


def in_scope(scope: ScopeKey, table: str, row: dict[str, Any], owner: str | None, allowed: set[str]) -> bool:
    """Whether a row whose owner is `owner` lies inside a non-company scope (as read_filter says)."""
    if table == "quotas" and scope.kind == "team":
        team = row.get("team_id")
        if owner is None:
            return team is not None and team in scope.ids
        return owner in allowed and (team is None or team in scope.ids)
    return owner is not None and owner in allowed


def checked_references(table: str) -> dict[str, str]:
    """field → parent table of the references a non-company caller's write must be able to see:
    those to records with an owner, but the table's own owner column (its own rule applies)."""
    how = OWNED.get(table)
    own = how[1] if how is not None and how[0] == "column" else None
    return {f: t for f, t in schema.references(schema.table(table)).items() if t in OWNED and f != own}


def visible(conn: sa.Connection, caller: Caller, table: str, ids: Iterable[str]) -> set[str]:
    """The ids among `ids` of records of `table` the caller may read."""
    ids = sorted(set(ids))
    tbl, cond = schema.metadata.tables[table], read_filter(caller, table)
    found: set[str] = set()
    for start in range(0, len(ids), 5000):
        query = sa.select(tbl.c.id).where(tbl.c.id.in_(ids[start:start + 5000]))
        found.update(r[0] for r in conn.execute(query if cond is None else query.where(cond)))
    return found
