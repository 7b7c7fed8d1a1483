"""Application tables of the CRM workspace (migration 0009), on the canonical metadata (see schema.py).

A survey link: the customer (an account, maybe about a ticket) answers an NPS, CES or CSAT survey on
a public page reached by a random token. Only the token's SHA-256 is kept (`token_hash`), as for API
tokens; a link works once (`answered_at`) and until `expires_at`. References to accounts and tickets
are checked by pulso.workspace, not declared: deleting an account is not blocked by an old link.
"""

from __future__ import annotations

import sqlalchemy as sa

from pulso.store.schema import TS, _pg_index, metadata

survey_invitations = sa.Table(
    "survey_invitations", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("account_id", sa.Text, nullable=False),
    sa.Column("ticket_id", sa.Text),
    sa.Column("kind", sa.Text, nullable=False),  # nps | ces | csat
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),
    sa.Column("locale", sa.Text, nullable=False, server_default="es"),  # the language of the public page
    sa.Column("sent_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),
    sa.Column("answered_at", TS),
    sa.Column("response_id", sa.Text),  # the survey_responses row the answer wrote
    sa.Column("created_by", sa.Text),
)
_pg_index(survey_invitations, "account_id")
