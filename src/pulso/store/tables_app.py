"""Application tables of the workspace's own state, on the canonical metadata (see schema.py,
which re-exports them): settings, the demo's planted duplicates and the dedupe candidates, the
words index of search, web sign-in state and the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from pulso.store.schema import TS, _pg_index, metadata

# Application state.
workspace_settings = sa.Table(
    "workspace_settings", metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# The demo's planted duplicates: which record copies which, so that dedupe can be scored.
demo_duplicates = sa.Table(
    "demo_duplicates", metadata,
    sa.Column("table_name", sa.Text, primary_key=True),
    sa.Column("record_id", sa.Text, primary_key=True),
    sa.Column("original_id", sa.Text, nullable=False),
    sa.Column("variation", sa.Text, nullable=False),
)

# Probable duplicates found by dedupe: duplicate_rate reads the pending and confirmed ones.
DUPLICATE_STATUSES = ("pending", "confirmed", "dismissed", "merged")
duplicate_candidates = sa.Table(
    "duplicate_candidates", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("table_name", sa.Text, nullable=False),
    sa.Column("record_id", sa.Text, nullable=False),
    sa.Column("duplicate_of", sa.Text, nullable=False),
    sa.Column("probability", sa.Double, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="pending"),
    sa.Column("found_at", TS, nullable=False),
)

# The words index of search (pulso.store.searchwords, migration 0013): one row per distinct word of
# a lead's, account's or deal's search_text (tbl: the table), e-mail fragments, and the suffixes
# of its phone's digits (tbl: "leads:phone", "accounts:phone"); written with the records.
search_words = sa.Table(
    "search_words", metadata,
    sa.Column("word", sa.Text, nullable=False),
    sa.Column("tbl", sa.Text, nullable=False),
    sa.Column("id", sa.Text, nullable=False),
    # migration 0016: the record's owner (search scopes the index itself), its name (deals: title)
    # and the row's kind (0 first word, 1 a word or the whole phone, 2 a fragment): search ranks by them
    sa.Column("owner_id", sa.Text), sa.Column("name", sa.Text), sa.Column("kind", sa.SmallInteger),
    # migration 0019: the word's position in search_text (NULL for a fragment or a phone's digits);
    # a word holding several places has a row for each: search finds phrases by them
    sa.Column("pos", sa.SmallInteger),
)
sa.Index("ix_search_words_word", search_words.c.word, postgresql_ops={"word": "text_pattern_ops"}).ddl_if(
    dialect="postgresql")

# Web sign-in state (migration 0002). Kept out of `users` so that CRM exports, drill-downs and
# imports never carry password hashes. References to users are not declared: the demo and
# imports replace users freely, and a credential of a vanished user simply stops working.
user_credentials = sa.Table(
    "user_credentials", metadata,
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("locale", sa.Text),
    sa.Column("changed_at", TS, nullable=False),
)

# One row per signed-in browser; the cookie carries a signed random token whose SHA-256 is `id`.
user_sessions = sa.Table(
    "user_sessions", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),
)

# Failed sign-ins, for throttling repeated attempts per e-mail and per address.
sign_in_failures = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("ip", sa.Text),
    sa.Column("failed_at", TS, nullable=False),
)

# Who did what and when (migration 0003): sign-ins, token use, record writes and deletes,
# exports, role changes, imports, merges. Written by pulso.audit only; never updated.
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("occurred_at", TS, nullable=False),
    sa.Column("actor_kind", sa.Text, nullable=False),  # user, token, cli, system, anonymous
    sa.Column("actor_id", sa.Text),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("target_table", sa.Text),
    sa.Column("target_id", sa.Text),
    sa.Column("detail", sa.Text),  # JSON object
    sa.Column("ip", sa.Text),
)
_pg_index(audit_log, "occurred_at")
