"""pulso.access's one scope rule as SQL over the store's tables: which rows a scope reads, whose
records it covers, who owns a row about to be written.

    sql_condition(Scope.team("t1"), "deals")     # a WHERE condition (None: every row)
    sql_scoped(scope, "tickets")                   # always a condition (true for the company)
    allowed_owners(conn, scope)                    # the user ids whose records the scope covers
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import sqlalchemy as sa

from pulso.access import NO_TEAM, OWNERSHIP, Scope, condition
from pulso.store import schema

#: How many ids one IN (...) list carries.
CHUNK = 5000


class SqlConditions:
    """Conditions as SQLAlchemy expressions over the store's tables (pulso.access.Conditions)."""

    def const(self, value: bool) -> Any:
        return sa.true() if value else sa.false()

    def among(self, value: Any, ids: list[str]) -> Any:
        return value.in_(ids)

    def members(self, value: Any, team_ids: list[str]) -> Any:
        u = schema.users.alias("_members")  # aliased: never correlated with a query on users
        return value.in_(sa.select(u.c.id).where(u.c.team_id.in_(team_ids)))

    def null(self, value: Any) -> Any:
        return value.is_(None)

    def both(self, a: Any, b: Any) -> Any:
        return sa.and_(a, b)

    def either(self, a: Any, b: Any) -> Any:
        return sa.or_(a, b)


def owner_column(table: str) -> sa.ColumnElement | None:
    """The owner of each row of `table` as a SQL expression (correlated for owners reached through
    a parent); None for a table without owners."""
    how = OWNERSHIP.get(table)
    if how is None:
        return None
    tbl = schema.metadata.tables[table]
    if how.column:
        return tbl.c[how.column]
    owners = []
    for fk, parent in how.parents:
        p = schema.metadata.tables[parent].alias(f"_owner_{parent}")
        owners.append(sa.select(p.c[OWNERSHIP[parent].column]).where(p.c.id == tbl.c[fk]).scalar_subquery())
    return owners[0] if len(owners) == 1 else sa.func.coalesce(*owners)


def sql_condition(scope: Scope, table: str) -> sa.ColumnElement | None:
    """SQL: the rows of `table` inside the scope (None: every row). ValueError for a table without
    owners under a non-company scope."""
    if scope.is_company:
        return None
    owner = owner_column(table)
    if owner is None:
        raise ValueError(f"{table} have no owner; only a company-wide scope reads them")
    team = OWNERSHIP[table].team
    return condition(scope, SqlConditions(), owner, schema.metadata.tables[table].c[team] if team else NO_TEAM)


def sql_scoped(scope: Scope, table: str) -> sa.ColumnElement:
    """SQL: the rows of `table` inside the scope, always a condition (true for the company)."""
    cond = sql_condition(scope, table)
    return sa.true() if cond is None else cond


def allowed_owners(conn: sa.Connection, scope: Scope) -> set[str]:
    """The user ids whose records a non-company scope covers."""
    if scope.kind == "owners":
        return set(scope.ids)
    u = schema.users
    return {r[0] for r in conn.execute(sa.select(u.c.id).where(u.c.team_id.in_(list(scope.ids))))} if scope.ids else set()


def team_lookup(conn: sa.Connection) -> Callable[[str], str | None]:
    """The team of a user id, read when asked (None: no team, or no such user)."""
    u = schema.users
    return lambda user_id: conn.execute(sa.select(u.c.team_id).where(u.c.id == user_id)).scalar()


def owners_of(conn: sa.Connection, table: str, rows: Iterable[dict[str, Any]]) -> list[str | None]:
    """The owner of each row (a dict of the table's fields) by the table's rule in OWNERSHIP."""
    rows = list(rows)
    how = OWNERSHIP[table]
    if how.column:
        return [r.get(how.column) for r in rows]
    found: dict[tuple[str, str], str | None] = {}
    for fk, parent in how.parents:
        ids = sorted({str(r[fk]) for r in rows if r.get(fk) is not None})
        p = schema.metadata.tables[parent]
        owner = p.c[OWNERSHIP[parent].column]
        for start in range(0, len(ids), CHUNK):
            query = sa.select(p.c.id, owner).where(p.c.id.in_(ids[start:start + CHUNK]))
            found.update({(parent, i): o for i, o in conn.execute(query)})
    out = []
    for r in rows:
        owner = None
        for fk, parent in how.parents:
            if r.get(fk) is not None:
                owner = found.get((parent, str(r[fk])))
            if owner is not None:
                break
        out.append(owner)
    return out


def checked_references(table: str) -> dict[str, str]:
    """field → parent table of the references a non-company scope's write must be able to see:
    those to records with an owner, but the table's own owner column (its own rule applies)."""
    how = OWNERSHIP.get(table)
    own = how.column if how is not None else None
    return {f: t for f, t in schema.references(schema.table(table)).items() if t in OWNERSHIP and f != own}


def visible(conn: sa.Connection, scope: Scope, table: str, ids: Iterable[str]) -> set[str]:
    """The ids among `ids` of records of `table` the scope reads (a table with an owner)."""
    ids = sorted(set(ids))
    tbl, cond = schema.metadata.tables[table], sql_condition(scope, table)
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        query = sa.select(tbl.c.id).where(tbl.c.id.in_(ids[start:start + CHUNK]))
        found.update(r[0] for r in conn.execute(query if cond is None else query.where(cond)))
    return found
