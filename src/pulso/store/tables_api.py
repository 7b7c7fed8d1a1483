"""Application tables of the REST API (migration 0004), on the canonical metadata (see schema.py),
and what a deactivation does to a person's ways in."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from pulso.store.schema import TS, metadata, user_credentials, user_sessions

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

# One-time set-password links of invited users and password resets (migration 0014, pulso.users):
# only the SHA-256 of the link's token is kept; a link works once, before `expires_at`, for an
# active user. `locale` keeps a reset user's language for their new password.
user_invites = sa.Table(
    "user_invites", metadata,
    sa.Column("id", sa.Text, primary_key=True),  # the SHA-256 of the token
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),
    sa.Column("used_at", TS),
    sa.Column("created_by", sa.Text),
    sa.Column("locale", sa.Text),
)


def end_access_of_inactive(conn: sa.Connection, users: sa.FromClause) -> None:
    """End the sessions and revoke the API tokens of the inactive users among `users` (a batch
    being written). The store calls it in every write of users, whatever the door (import, API,
    CLI), so that a reactivated person signs in again and gets a new token: nothing old revives."""
    inactive = sa.select(users.c.id).where(users.c.active.is_(False))
    conn.execute(user_sessions.delete().where(user_sessions.c.user_id.in_(inactive)))
    conn.execute(user_invites.delete().where(user_invites.c.user_id.in_(inactive), user_invites.c.used_at.is_(None)))
    conn.execute(api_tokens.update().where(api_tokens.c.user_id.in_(inactive), api_tokens.c.revoked_at.is_(None))
                 .values(revoked_at=dt.datetime.now(dt.timezone.utc)))


def end_access_of_deleted(conn: sa.Connection, user_id: str) -> None:
    """Remove every way in of a deleted user: sessions, password, and the tokens acting for them
    (revoked, kept for the audit trail), so that a new user given the same id inherits nothing."""
    conn.execute(user_sessions.delete().where(user_sessions.c.user_id == user_id))
    conn.execute(user_credentials.delete().where(user_credentials.c.user_id == user_id))
    conn.execute(user_invites.delete().where(user_invites.c.user_id == user_id))
    conn.execute(api_tokens.update().where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
                 .values(revoked_at=dt.datetime.now(dt.timezone.utc)))
