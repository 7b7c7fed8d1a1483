"""Application tables of imports, merges of duplicates and data quality (migration 0005), and exchange rates (0008)."""

from __future__ import annotations

import sqlalchemy as sa

from pulso.store.schema import TS, _pg_index, metadata

IMPORT_STATUSES = ("committed", "partial", "dry_run", "failed")

# One row per `pulso import` (or upload): who, when, which files, what came of it.
import_runs = sa.Table(
    "import_runs", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("finished_at", TS),
    sa.Column("actor_kind", sa.Text, nullable=False),
    sa.Column("actor_id", sa.Text),
    sa.Column("files", sa.Text, nullable=False),  # JSON list of {"name", "sha256", "bytes"}
    sa.Column("mapping", sa.Text),
    sa.Column("tables", sa.Text),  # JSON object: table → rows written
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_written", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rows_rejected", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("message", sa.Text),
    sa.Column("notes", sa.Text),  # JSON list of notes: defaults used, dates moved, NUL bytes removed...
)
_pg_index(import_runs, "started_at")

# Every error of a run: file, line, column, value and reason (at most a few thousand per run).
import_errors = sa.Table(
    "import_errors", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("run_id", sa.Text, nullable=False),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("line", sa.Integer),
    sa.Column("column_name", sa.Text),
    sa.Column("value", sa.Text),
    sa.Column("reason", sa.Text, nullable=False),
)
_pg_index(import_errors, "run_id")

# One row per merge of a duplicate into its survivor; `undo` holds what undoing needs
# (the merged record as it was, and every reference re-pointed), as JSON.
merges = sa.Table(
    "merges", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("table_name", sa.Text, nullable=False),
    sa.Column("survivor_id", sa.Text, nullable=False),
    sa.Column("merged_id", sa.Text, nullable=False),
    sa.Column("probability", sa.Double),
    sa.Column("merged_at", TS, nullable=False),
    sa.Column("actor_kind", sa.Text, nullable=False),
    sa.Column("actor_id", sa.Text),
    sa.Column("undo", sa.Text, nullable=False),
    sa.Column("undone_at", TS),
)

# Exchange rates (migration 0008): `rate` units of `currency` per one unit of the workspace's
# reporting currency (setting `currency`), valid from `rate_date` until the currency's next rate.
# Written by pulso.rates only (which checks code, date and rate > 0); the engine converts money with it.
exchange_rates = sa.Table(
    "exchange_rates", metadata,
    sa.Column("id", sa.Text, primary_key=True),  # CURRENCY:YYYY-MM-DD
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("rate_date", sa.Date, nullable=False),
    sa.Column("rate", sa.Numeric(24, 10), nullable=False),
    sa.Column("source", sa.Text),
    sa.CheckConstraint("rate > 0", name="rate_positive"),
)
_pg_index(exchange_rates, "currency", "rate_date")
