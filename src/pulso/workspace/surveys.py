"""Survey links: a token for an NPS, CES or CSAT survey of a customer (an account, maybe about a
ticket), answered once on a public page before it expires (30 days by default); the answer is a
`survey_responses` row, which the nps, ces and csat KPIs read.

    link = create_link(store, caller, "a1", "nps")       # link["token"]: shown once, only its hash kept
    survey(store, link["token"])                         # what the public page asks (kind, scale, language)
    answer(store, link["token"], 9, comment="¡Genial!")   # SurveyLinkError when used or expired
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import sqlalchemy as sa

from pulso import audit
from pulso.store import Store
from pulso.store.tables_workspace import survey_invitations as inv
from pulso.workspace.base import Caller, Tx, choice, new_id, now_utc, text
from pulso.workspace.errors import N_, InputError, NotFoundError, SurveyLinkError

#: kind → (scale_min, scale_max, high_is_good): NPS 0–10, CES 1–7 (7 = very easy), CSAT 1–5.
SCALES = {"nps": (0, 10, True), "ces": (1, 7, True), "csat": (1, 5, True)}
DEFAULT_DAYS = 30
LOCALES = ("es", "en")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(store: Store, caller: Caller, account_id: Any, kind: Any, *, ticket_id: Any = None,
                locale: Any = "es", days: Any = DEFAULT_DAYS, now: dt.datetime | None = None) -> dict[str, Any]:
    """A survey link for an account inside the caller's scope: {"token", "id", "kind", "expires_at"}.
    The token is returned once; the store keeps its SHA-256."""
    kind = choice(kind, "kind", tuple(SCALES))
    locale = choice(locale, "locale", LOCALES)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise InputError(N_("'{field}' debe ser un número de días entre 1 y 365"), "days", field="days")
    token = secrets.token_urlsafe(32)
    sent = now or now_utc()
    with Tx(store, caller, "create", "survey_responses") as tx:
        account = tx.get("accounts", account_id, "account_id")
        ticket = tx.get("tickets", ticket_id, "ticket_id")["id"] if ticket_id is not None else None
        row = {"id": new_id(), "account_id": account["id"], "ticket_id": ticket, "kind": kind,
               "token_hash": _hash(token), "locale": locale, "sent_at": sent,
               "expires_at": sent + dt.timedelta(days=days), "created_by": caller.user_id}
        tx.conn.execute(inv.insert().values(**row))
        tx.done("workspace.survey.link", ("accounts", account["id"]), {"kind": kind, "link": row["id"]})
    return {"token": token, "id": row["id"], "kind": kind, "expires_at": row["expires_at"], "locale": locale}


def _find(conn: sa.Connection, token: Any, now: dt.datetime) -> dict[str, Any]:
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise NotFoundError(N_("Este enlace de encuesta no existe"), "token")
    row = conn.execute(sa.select(inv).where(inv.c.token_hash == _hash(token))).mappings().first()
    if row is None:
        raise NotFoundError(N_("Este enlace de encuesta no existe"), "token")
    if row["answered_at"] is not None:
        raise SurveyLinkError(N_("Esta encuesta ya se respondió: gracias"), "token")
    expires = row["expires_at"] if row["expires_at"].tzinfo else row["expires_at"].replace(tzinfo=dt.timezone.utc)
    if expires <= now:
        raise SurveyLinkError(N_("Este enlace de encuesta caducó"), "token")
    return dict(row)


def survey(store: Store, token: Any, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the public page shows for a token: kind, scale and language; the same refusals as answer."""
    with store.engine.connect() as conn:
        row = _find(conn, token, now or now_utc())
    low, high, _ = SCALES[row["kind"]]
    return {"kind": row["kind"], "scale_min": low, "scale_max": high, "locale": row["locale"],
            "expires_at": row["expires_at"]}


def answer(store: Store, token: Any, score: Any, *, comment: Any = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """Store the customer's answer (a whole score on the kind's scale, an optional comment) as a
    survey_responses row and close the link, in one transaction; a second answer, or one after
    the link expired, is SurveyLinkError and writes nothing."""
    when = now or now_utc()
    comment = text(comment, "comment", "note")
    with store.connect() as conn:
        row = _find(conn, token, when)
        low, high, good = SCALES[row["kind"]]
        if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
            raise InputError(N_("La puntuación va de {low} a {high}"), "score", low=low, high=high)
        response = {"id": new_id(), "account_id": row["account_id"], "ticket_id": row["ticket_id"], "kind": row["kind"],
                    "score": score, "scale_min": low, "scale_max": high, "high_is_good": good, "answered_at": when,
                    "comment": comment}
        closed = conn.execute(inv.update().where(inv.c.id == row["id"], inv.c.answered_at.is_(None))
                              .values(answered_at=when, response_id=response["id"]))
        if closed.rowcount != 1:  # answered meanwhile by another request
            raise SurveyLinkError(N_("Esta encuesta ya se respondió: gracias"), "token")
        store.upsert_many({"survey_responses": [response]}, conn=conn)
        audit.record(store, "workspace.survey.answer", actor=audit.Actor("anonymous"),
                     target=("survey_responses", response["id"]), detail={"link": row["id"]}, conn=conn)
    return response
