"""Small reads the web asks on every request or page: the workspace settings (fast), the display
names of people, teams, campaigns and stages, and the labels of drill-down records."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pulso.store import schema
from pulso.store.store import Store


class SettingsReader:
    """The workspace settings (data_version, timezone, currency...), read on every request. On
    DuckDB it skips SQLAlchemy's per-statement work: the statement, compiled once, runs on a
    driver connection of its own, which belongs to the thread that first reads (use one thread)."""

    def __init__(self, store: Store):
        self.store = store
        self._sql: str | None = None
        self._raw: Any = None

    def read(self) -> dict[str, str]:
        """Setting name → value."""
        if self.store.dialect != "duckdb":
            return self.store.settings_dict()
        if self._sql is None:
            t = schema.workspace_settings
            self._sql = str(sa.select(t.c.key, t.c.value).compile(dialect=self.store.engine.dialect))
            self._raw = self.store.engine.raw_connection()
        return dict(self._raw.driver_connection.execute(self._sql).fetchall())

    def close(self) -> None:
        """Release the driver connection (on the thread that reads)."""
        if self._raw is not None:
            self._raw.close()
            self._raw = None


def names(store: Store) -> dict[str, dict[str, str]]:
    """Display names of users, teams, campaigns and stages by id, a user's team, and the team each
    manager manages (the first by id when several)."""
    u, t = schema.users, schema.teams
    with store.engine.connect() as conn:
        return {
            "owner": dict(conn.execute(sa.select(u.c.id, u.c.name)).all()),
            # user id → their team (who a team scope covers, as the engine's Scope.team)
            "owner_team": dict(conn.execute(sa.select(u.c.id, u.c.team_id)).all()),
            "team": dict(conn.execute(sa.select(t.c.id, t.c.name)).all()),
            "campaign": dict(conn.execute(sa.select(schema.campaigns.c.id, schema.campaigns.c.name)).all()),
            # in pipeline order (pipeline, position), and each stage's kind (open, won, lost)
            "stage": dict(conn.execute(sa.select(schema.stages.c.id, schema.stages.c.name).order_by(
                schema.stages.c.pipeline, schema.stages.c.position, schema.stages.c.id)).all()),
            "stage_kind": dict(conn.execute(sa.select(schema.stages.c.id, schema.stages.c.kind)).all()),
            # manager id → the team they manage (the first by id when several)
            "managed_team": dict(conn.execute(
                sa.select(t.c.manager_id, sa.func.min(t.c.id)).where(t.c.manager_id.is_not(None)).group_by(t.c.manager_id)
            ).all()),
        }


def has_labels(table: str) -> bool:
    """Whether records of `table` have labels (a table with ids)."""
    tbl = schema.metadata.tables.get(table)
    return tbl is not None and "id" in tbl.c


def record_labels(store: Store, table: str, ids: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """(record label, customer name) of records of `table` by id: what a person recognises; "" for
    what a record lacks. Only the ids given are read."""
    if not ids or not has_labels(table):
        return {}
    tbl, acc = schema.metadata.tables[table], schema.accounts
    own = next((tbl.c[c] for c in ("name", "title", "product", "plan", "landing_page") if c in tbl.c), None)
    customer = acc.c.name if "account_id" in tbl.c else (tbl.c.name if table == "accounts" else None)
    columns = [tbl.c.id, own if own is not None else sa.null(), customer if customer is not None else sa.null()]
    query = sa.select(*columns).where(tbl.c.id.in_(ids))
    if "account_id" in tbl.c:
        query = query.select_from(tbl.outerjoin(acc, acc.c.id == tbl.c.account_id))
    with store.engine.connect() as conn:
        return {r[0]: (r[1] or "", r[2] or "") for r in conn.execute(query)}


def distinct_values(store: Store, scope: Any, table: str, column: str, limit: int = 200) -> list[str]:
    """The distinct non-empty values of a text column of `table` among the records `scope` sees
    (pulso.access.Scope), sorted, at most `limit`: what a list's filter offers."""
    from pulso.store.records import condition

    tbl = schema.metadata.tables[table]
    col = tbl.c[column]
    query = sa.select(col).where(col.is_not(None), col != "").group_by(col).order_by(col).limit(limit)
    where = condition(scope, table)
    if where is not None:
        query = query.where(where)
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(query)]
