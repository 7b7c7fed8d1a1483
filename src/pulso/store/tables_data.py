"""Application tables of imports, merges of duplicates and data quality (migration 0005)."""

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
    sa.Column("probability", sa.Float),
    sa.Column("merged_at", TS, nullable=False),
    sa.Column("actor_kind", sa.Text, nullable=False),
    sa.Column("actor_id", sa.Text),
    sa.Column("undo", sa.Text, nullable=False),
    sa.Column("undone_at", TS),
)
