"""Which records of each canonical table a caller's scope covers, for reading and for writing.

Scope is decided in pulso.access: `OWNERSHIP` says how each table's rows are owned (the rules
the KPI engine applies too, so that a record a caller can list is a record their KPIs count) and
`condition` is the one rule. In short:

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

from pulso import access
from pulso.access import Scope, allowed_owners  # noqa: F401  (allowed_owners: used by writes)
from pulso.store import schema
from pulso.web.api_deps import ApiError, Caller

OWNERSHIP = access.OWNERSHIP
COMPANY_ONLY = access.UNOWNED
#: Tables only an admin writes: who may sign in with which role, and the company's own set-up.
ADMIN_WRITES = frozenset({"users", "teams", *COMPANY_ONLY})
rule = access.describe
owner_expr = access.owner_column


def read_filter(caller: Caller, table: str) -> sa.ColumnElement | None:
    """The WHERE condition of the rows of `table` the caller may read (None: every row)."""
    try:
        return access.sql_condition(caller.scope, table)
    except ValueError:
        raise ApiError(403, "out_of_scope", f"{table} have no owner; only a company-wide scope reads them", "table") from None


def owners_of(conn: sa.Connection, table: str, rows: Iterable[dict[str, Any]]) -> list[str | None]:
    """The owner of each row (a dict of the table's fields) by the table's rule."""
    rows = list(rows)
    how = OWNERSHIP[table]
    if how.column:
        return [r.get(how.column) for r in rows]
    found: dict[tuple[str, str], str | None] = {}
    for fk, parent in how.parents:
        ids = sorted({str(r[fk]) for r in rows if r.get(fk) is not None})
        p = schema.metadata.tables[parent]
        owner = p.c[OWNERSHIP[parent].column]
        for start in range(0, len(ids), 5000):
            query = sa.select(p.c.id, owner).where(p.c.id.in_(ids[start:start + 5000]))
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


def in_scope(scope: Scope, table: str, row: dict[str, Any], owner: str | None, allowed: set[str]) -> bool:
    """Whether a row whose owner is `owner` lies inside a non-company scope (as read_filter says)."""
    return access.admits(scope, table, row, owner, allowed)


def checked_references(table: str) -> dict[str, str]:
    """field → parent table of the references a non-company caller's write must be able to see:
    those to records with an owner, but the table's own owner column (its own rule applies)."""
    how = OWNERSHIP.get(table)
    own = how.column if how is not None else None
    return {f: t for f, t in schema.references(schema.table(table)).items() if t in OWNERSHIP and f != own}


def visible(conn: sa.Connection, caller: Caller, table: str, ids: Iterable[str]) -> set[str]:
    """The ids among `ids` of records of `table` the caller may read."""
    ids = sorted(set(ids))
    tbl, cond = schema.metadata.tables[table], read_filter(caller, table)
    found: set[str] = set()
    for start in range(0, len(ids), 5000):
        query = sa.select(tbl.c.id).where(tbl.c.id.in_(ids[start:start + 5000]))
        found.update(r[0] for r in conn.execute(query if cond is None else query.where(cond)))
    return found
