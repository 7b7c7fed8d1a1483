"""Application tables of the REST API (migration 0004), on the canonical metadata (see schema.py)."""

from __future__ import annotations

import sqlalchemy as sa

from pulso.store.schema import TS, metadata

# API tokens: the secret is shown once; only its SHA-256 (`token_hash`) is kept. A token carries
# a role and a scope like a user: `team_id` for a manager or a team viewer, `user_id` for a rep
# (whose records it sees) or to act for a person. References to users and teams are not
# declared, as for sign-in state: imports replace users freely.
api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),
    sa.Column("prefix", sa.Text, nullable=False),  # the first characters, to recognise a token
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("team_id", sa.Text),
    sa.Column("user_id", sa.Text),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("last_used_at", TS),
    sa.Column("revoked_at", TS),
)
