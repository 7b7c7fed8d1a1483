"""The canonical tables of DESIGN.md as SQLAlchemy Core metadata.

Timestamps are stored in UTC (`TIMESTAMP WITH TIME ZONE`); money is NUMERIC(18, 2) beside its
ISO currency code. Every table has a text `id` and may carry the source system's `external_id`.

Foreign keys are declared where the engine joins on them, and created on PostgreSQL only: DuckDB
runs an update of an indexed column as delete + insert, which its foreign keys refuse while
children point at the row (a deal that moved stage, with activities), so DuckDB workspaces have
none (migration 0010). The store checks every reference before writing (writes.py) and refuses
to delete a record that others point to (records.py), on both backends. `teams.manager_id` is the
one edge of the teams ↔ users cycle left undeclared (a plain batch insert cannot satisfy a cycle
of immediate constraints); the store checks it like every other reference.
Secondary indexes are created on PostgreSQL only: DuckDB scans with zone maps, and its ART
indexes would slow bulk loads without speeding up the aggregations the engine runs.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

# Enumerations: stored as text, checked by the store (see rules.py) so errors name the record.
from pulso.store.choices import (  # noqa: E402  (one list, the web's forms read it too)
    ACTIVITY_TYPES, DEAL_KINDS, DEAL_STATUSES, DIRECTIONS, ROLES, SPEND_CATEGORIES, STAGE_KINDS, SURVEY_KINDS,
    TICKET_PRIORITIES, TICKET_STATUSES, USAGE_ACTIONS)

MONEY = sa.Numeric(18, 2)
TS = sa.DateTime(timezone=True)


def _id() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("external_id", sa.Text, nullable=True),
    ]


def _ref(name: str, target: str, *, declared: bool = True, nullable: bool = True) -> sa.Column:
    if declared:
        return sa.Column(name, sa.Text, sa.ForeignKey(f"{target}.id"), nullable=nullable)
    return sa.Column(name, sa.Text, nullable=nullable, info={"references": target})


def _pg_index(table: sa.Table, *columns: str) -> None:
    sa.Index(None, *(table.c[c] for c in columns)).ddl_if(dialect="postgresql")


def _search(*, phone: bool = True) -> list[sa.Column]:
    """The search columns the store computes on every write (store/searchable.py, migration 0011):
    never a field a person or a file fills, marked info["derived"]."""
    names = ("search_text", "search_phone") if phone else ("search_text",)
    return [sa.Column(n, sa.Text, nullable=False, server_default="", info={"derived": "search"}) for n in names]


def _pg_trigram_index(table: sa.Table, column: str) -> None:
    """A pg_trgm GIN index for LIKE '%…%' (created by migration 0011 when the extension can be)."""
    sa.Index(None, table.c[column], postgresql_using="gin",
             postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")


teams = sa.Table(
    "teams", metadata, *_id(),
    sa.Column("name", sa.Text, nullable=False),
    _ref("manager_id", "users", declared=False),
)

users = sa.Table(
    "users", metadata, *_id(),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    _ref("team_id", "teams"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", TS, nullable=False),
)

campaigns = sa.Table(
    "campaigns", metadata, *_id(),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("channel", sa.Text),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("ended_at", TS),
    sa.Column("cost", MONEY, nullable=False, server_default="0"),
    sa.Column("currency", sa.String(3)),
)

accounts = sa.Table(
    "accounts", metadata, *_id(),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("phone", sa.Text),
    sa.Column("company", sa.Text),
    sa.Column("country", sa.String(2)),
    sa.Column("segment", sa.Text),
    sa.Column("source", sa.Text),
    _ref("owner_id", "users"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("acquired_at", TS),
    sa.Column("churned_at", TS),
    sa.Column("churn_reason", sa.Text),
    *_search(),
)

leads = sa.Table(
    "leads", metadata, *_id(),
    sa.Column("name", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("phone", sa.Text),
    sa.Column("company", sa.Text),
    sa.Column("source", sa.Text),
    _ref("campaign_id", "campaigns"),
    sa.Column("visitor_id", sa.Text),
    _ref("owner_id", "users"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("mql_at", TS),
    sa.Column("sql_at", TS),
    sa.Column("converted_at", TS),
    _ref("account_id", "accounts"),
    sa.Column("disqualified_at", TS),
    sa.Column("disqualified_reason", sa.Text),  # the workspace's disqualify (migration 0009)
    *_search(),
)

stages = sa.Table(
    "stages", metadata, *_id(),
    sa.Column("pipeline", sa.Text, nullable=False, server_default="default"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("probability", sa.Double, nullable=False),
)

deals = sa.Table(
    "deals", metadata, *_id(),
    _ref("account_id", "accounts"),
    _ref("lead_id", "leads"),
    _ref("owner_id", "users"),
    sa.Column("title", sa.Text),
    sa.Column("amount", MONEY),
    sa.Column("currency", sa.String(3)),
    _ref("stage_id", "stages"),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False, server_default="new"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("expected_close_at", TS),
    sa.Column("closed_at", TS),
    sa.Column("lost_reason", sa.Text),
    _ref("campaign_id", "campaigns"),
    *_search(phone=False),
    sa.Column("product", sa.Text),  # migration 0012
)

deal_stage_changes = sa.Table(
    "deal_stage_changes", metadata, *_id(),
    _ref("deal_id", "deals", nullable=False),
    _ref("from_stage_id", "stages"),
    _ref("to_stage_id", "stages", nullable=False),
    sa.Column("changed_at", TS, nullable=False),
    _ref("changed_by", "users"),
)

tickets = sa.Table(
    "tickets", metadata, *_id(),
    _ref("account_id", "accounts"),
    _ref("owner_id", "users"),
    sa.Column("channel", sa.Text),
    sa.Column("priority", sa.Text),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("opened_at", TS, nullable=False),
    sa.Column("first_response_at", TS),
    sa.Column("first_response_automated", sa.Boolean),
    sa.Column("resolved_at", TS),
)

activities = sa.Table(
    "activities", metadata, *_id(),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("direction", sa.Text),
    _ref("owner_id", "users"),
    _ref("account_id", "accounts"),
    _ref("lead_id", "leads"),
    _ref("deal_id", "deals"),
    _ref("ticket_id", "tickets"),
    sa.Column("occurred_at", TS, nullable=False),
    sa.Column("duration_s", sa.Integer),
    sa.Column("automated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("outcome", sa.Text),
    sa.Column("due_at", TS),  # a task's due date and done date (migration 0009)
    sa.Column("done_at", TS),
)

survey_responses = sa.Table(
    "survey_responses", metadata, *_id(),
    _ref("account_id", "accounts"),
    _ref("ticket_id", "tickets"),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("score", sa.Double, nullable=False),
    sa.Column("scale_min", sa.Double, nullable=False),
    sa.Column("scale_max", sa.Double, nullable=False),
    sa.Column("high_is_good", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("answered_at", TS, nullable=False),
    sa.Column("comment", sa.Text),
)

orders = sa.Table(
    "orders", metadata, *_id(),
    _ref("account_id", "accounts"),
    _ref("deal_id", "deals"),
    sa.Column("product", sa.Text),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3)),
    sa.Column("ordered_at", TS, nullable=False),
)

subscriptions = sa.Table(
    "subscriptions", metadata, *_id(),
    _ref("account_id", "accounts"),
    sa.Column("plan", sa.Text),
    sa.Column("monthly_amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3)),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("term_end_at", TS),
    sa.Column("renewed", sa.Boolean),
    sa.Column("cancelled_at", TS),
)

spend = sa.Table(
    "spend", metadata, *_id(),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("channel", sa.Text),
    _ref("campaign_id", "campaigns"),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3)),
)

web_sessions = sa.Table(
    "web_sessions", metadata, *_id(),
    sa.Column("visitor_id", sa.Text, nullable=False),
    sa.Column("source", sa.Text),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("duration_s", sa.Integer),
    sa.Column("landing_page", sa.Text),
)

quotas = sa.Table(
    "quotas", metadata, *_id(),
    _ref("owner_id", "users"),
    _ref("team_id", "teams"),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("currency", sa.String(3)),
)

usage_events = sa.Table(
    "usage_events", metadata, *_id(),
    _ref("user_id", "users", nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("entity", sa.Text),
    sa.Column("occurred_at", TS, nullable=False),
)

_pg_index(users, "team_id")
_pg_index(accounts, "owner_id")
_pg_index(accounts, "acquired_at")
_pg_index(accounts, "churned_at")
_pg_index(leads, "owner_id")
_pg_index(leads, "created_at")
_pg_index(leads, "campaign_id")
_pg_index(deals, "owner_id")
_pg_index(deals, "created_at")
_pg_index(deals, "closed_at")
_pg_index(deals, "account_id")
_pg_index(deals, "status")
_pg_index(deal_stage_changes, "deal_id")
_pg_index(activities, "owner_id")
_pg_index(activities, "occurred_at")
_pg_index(activities, "lead_id")
sa.Index("ix_activities_deal_id", activities.c.deal_id)  # both backends: the board's next tasks (0015)
_pg_index(tickets, "opened_at")
_pg_index(tickets, "resolved_at")
_pg_index(tickets, "owner_id")
_pg_index(survey_responses, "answered_at")
_pg_index(orders, "ordered_at")
_pg_index(orders, "account_id")
_pg_index(subscriptions, "term_end_at")
_pg_index(web_sessions, "started_at")
_pg_index(usage_events, "occurred_at")
for _table in (leads, accounts):
    _pg_trigram_index(_table, "search_text")
    _pg_trigram_index(_table, "search_phone")
_pg_trigram_index(deals, "search_text")

#: The CRM tables, parents before children: the order in which a batch is written.
CANONICAL_TABLES: tuple[str, ...] = (
    "teams", "users", "campaigns", "accounts", "leads", "stages", "deals",
    "deal_stage_changes", "tickets", "activities", "survey_responses", "orders",
    "subscriptions", "spend", "web_sessions", "quotas", "usage_events",
)

for _name in CANONICAL_TABLES:  # foreign keys on PostgreSQL only (see the module's docstring)
    for _fk in metadata.tables[_name].foreign_key_constraints:
        _fk.ddl_if(dialect="postgresql")


def table(name: str) -> sa.Table:
    """The canonical table called `name`, or a clear error listing the real ones."""
    from pulso.errors import StoreError

    if name not in CANONICAL_TABLES:
        raise StoreError(f"unknown table '{name}'; the tables are: {', '.join(CANONICAL_TABLES)}")
    return metadata.tables[name]


def references(tbl: sa.Table) -> dict[str, str]:
    """Column name → referenced table, declared or checked by the store only."""
    refs = {fk.parent.name: fk.column.table.name for fk in tbl.foreign_keys}
    refs.update({c.name: c.info["references"] for c in tbl.columns if "references" in c.info})
    return refs


# Application tables, registered on this same metadata after the canonical ones: the workspace's
# state (settings, sign-in, audit, dedupe, the search words) in tables_app.py, importable from here
# as before; then later features, each in its own module and migration: API tokens (0004), imports
# and data quality (0005), goals, OKRs, alerts and reports (0006), the CRM workspace (0009).
from pulso.store.tables_app import (  # noqa: E402,F401
    DUPLICATE_STATUSES, audit_log, demo_duplicates, duplicate_candidates, search_words, sign_in_failures,
    user_credentials, user_sessions, workspace_settings)
from pulso.store import tables_api, tables_data, tables_goals, tables_workspace  # noqa: E402,F401
