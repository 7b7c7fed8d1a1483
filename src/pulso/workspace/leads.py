"""Leads: create, edit, qualify to MQL and SQL, disqualify with a reason, convert into a customer
account and a deal in one step. Each operation is one transaction (pulso.workspace.base.Tx).

The KPIs read what these write: lead_to_mql_rate `mql_at`, mql_to_sql_rate `sql_at`,
lead_conversion_rate and sql_to_customer_rate `converted_at`, new_customers the account's
`acquired_at`, and the lead's `account_id` ties the lead to the customer it became.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from pulso.store import Store, schema
from pulso.workspace.base import Caller, Tx, edit_record, email, ident, new_id, not_before, now_utc, text
from pulso.workspace.errors import N_, InputError, StateError

#: Fields a form may set on a lead (its owner through `owner_id`, its stage through the operations below).
LEAD_FIELDS = ("name", "email", "phone", "company", "source", "campaign_id")


def _fields(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = sorted(set(values) - set(LEAD_FIELDS) - {"owner_id"})
    if unknown:
        raise InputError(N_("Campo desconocido: '{field}'"), unknown[0], field=unknown[0])
    out: dict[str, Any] = {}
    for field, kind in (("name", "name"), ("phone", "phone"), ("company", "name"), ("source", "short")):
        if field in values or creating:
            out[field] = text(values.get(field), field, kind, required=creating and field == "name")
    if "name" in out and out["name"] is None and not creating:
        raise InputError(N_("Falta '{field}'"), "name", field="name")
    if "email" in values or creating:
        out["email"] = email(values.get("email"))
    if "campaign_id" in values:
        out["campaign_id"] = ident(values["campaign_id"], "campaign_id", required=False)
    return out


def create_lead(store: Store, caller: Caller, values: dict[str, Any], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """A new lead (name required; e-mail, phone, company, source, campaign_id, owner_id optional),
    owned by the caller unless a manager or admin names someone of theirs; returns the record."""
    with Tx(store, caller, "create", "leads") as tx:
        row = {"id": new_id(), **_fields(values, creating=True), "created_at": now or now_utc()}
        row["owner_id"] = tx.owner(values.get("owner_id"), "leads")
        tx.admit("leads", row)
        tx.write({"leads": [row]})
        tx.done("workspace.lead.create", ("leads", row["id"]))
    return row


def edit_lead(store: Store, caller: Caller, lead_id: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Change a lead's fields (those given); a new owner_id is a reassignment (managers and admins)."""
    return edit_record(store, caller, "leads", lead_id, values,
                       lambda tx, given: _fields(given, creating=False), "workspace.lead.edit")


def _open_lead(lead: dict[str, Any]) -> None:
    if lead["converted_at"] is not None:
        raise StateError(N_("El lead ya se convirtió en cliente"), "converted_at")
    if lead["disqualified_at"] is not None:
        raise StateError(N_("El lead está descalificado"), "disqualified_at")


def qualify(store: Store, caller: Caller, lead_id: Any, level: str, *, at: Any = None) -> dict[str, Any]:
    """Mark a lead as MQL (`mql_at`) or SQL (`sql_at`; an SQL that skipped MQL gets `mql_at` at the
    same moment, so that MQL-to-SQL counts it)."""
    if level not in ("mql", "sql"):
        raise InputError(N_("'{field}' no admite '{value}'; usa uno de: {choices}"), "level", field="level",
                         value=level, choices="mql, sql")
    with Tx(store, caller, "update", "leads") as tx:
        lead = tx.get("leads", lead_id)
        when = tx.when(at, "at", default=now_utc())
        _open_lead(lead)
        column = f"{level}_at"
        if lead[column] is not None:
            raise StateError(N_("El lead ya es {level}"), column, level=level.upper())
        not_before(when, lead["created_at"], "at")
        changes = {column: when}
        if level == "sql" and lead["mql_at"] is None:
            changes["mql_at"] = when
        elif level == "sql":
            not_before(when, lead["mql_at"], "at")
        tx.write({"leads": [{"id": lead["id"], **changes}]})
        tx.done("workspace.lead.qualify", ("leads", lead["id"]), {"level": level})
    return {**lead, **changes}


def disqualify(store: Store, caller: Caller, lead_id: Any, reason: Any, *, at: Any = None) -> dict[str, Any]:
    """Set a lead aside with a reason (`disqualified_at`, `disqualified_reason`)."""
    reason = text(reason, "reason", "reason", required=True)
    with Tx(store, caller, "update", "leads") as tx:
        lead = tx.get("leads", lead_id)
        when = tx.when(at, "at", default=now_utc())
        _open_lead(lead)
        not_before(when, lead["created_at"], "at")
        changes = {"disqualified_at": when, "disqualified_reason": reason}
        tx.write({"leads": [{"id": lead["id"], **changes}]})
        tx.done("workspace.lead.disqualify", ("leads", lead["id"]), {"reason": reason})
    return {**lead, **changes}


def first_open_stage(conn: sa.Connection, pipeline: str | None = None) -> dict[str, Any] | None:
    """The first open stage (by position) of a pipeline, of the default one, else of any."""
    st = schema.stages
    query = sa.select(st).where(st.c.kind == "open").order_by(
        (st.c.pipeline != (pipeline or "default")).cast(sa.Integer), st.c.pipeline, st.c.position, st.c.id).limit(1)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def convert(store: Store, caller: Caller, lead_id: Any, *, deal: dict[str, Any] | None = None,
            account_name: Any = None, at: Any = None) -> dict[str, Any]:
    """Turn a lead into a customer and a deal in one step: a new account (acquired now, the lead's
    owner, contact data and source; or the lead's own account when it has one), a new open deal in
    the first open stage (or `deal["stage_id"]`) with `deal`'s title, amount, currency,
    expected_close_at and kind, a first stage-history row, and the lead's `converted_at` and
    `account_id`. Returns {"lead", "account", "deal"}."""
    from pulso.workspace.deals import deal_fields  # the deal's checks live with deals

    deal = dict(deal or {})
    with Tx(store, caller, "create", "deals") as tx:
        lead = tx.get("leads", lead_id)
        when = tx.when(at, "at", default=now_utc())
        _open_lead(lead)
        not_before(when, lead["created_at"], "at")
        owner = lead["owner_id"] or caller.user_id
        if lead["account_id"] is not None:
            account = tx.get("accounts", lead["account_id"], "account_id")
            account_rows = [] if account["acquired_at"] else [{"id": account["id"], "acquired_at": max(when, account["created_at"])}]
        else:
            name = text(account_name, "account_name") or lead["company"] or lead["name"] or lead["email"] or lead["id"]
            account = {"id": new_id(), "name": name[:200], "email": lead["email"], "phone": lead["phone"],
                       "company": lead["company"], "source": lead["source"], "owner_id": owner,
                       "created_at": when, "acquired_at": when}
            account_rows = [account]
        fields = deal_fields(tx, deal, creating=True)
        stage = tx.stage(deal["stage_id"], "stage_id") if deal.get("stage_id") else first_open_stage(tx.conn)
        if stage is not None and stage["kind"] != "open":
            raise InputError(N_("Una oportunidad nueva empieza en una etapa abierta"), "stage_id")
        fields.setdefault("currency", None)
        if fields["currency"] is None and fields.get("amount") is not None:
            fields["currency"] = tx.setting("currency", "EUR")
        new_deal = {"id": new_id(), "title": fields.pop("title", None) or account["name"], **fields,
                    "account_id": account["id"], "lead_id": lead["id"], "owner_id": owner,
                    "stage_id": stage["id"] if stage else None, "status": "open", "created_at": when,
                    "campaign_id": lead["campaign_id"]}
        not_before(new_deal.get("expected_close_at"), when, "expected_close_at")
        changes = [{"id": new_id(), "deal_id": new_deal["id"], "from_stage_id": None, "to_stage_id": stage["id"],
                    "changed_at": when, "changed_by": caller.user_id}] if stage else []
        lead_row = {"id": lead["id"], "converted_at": when, "account_id": account["id"]}
        tx.write({"accounts": account_rows, "leads": [lead_row], "deals": [new_deal], "deal_stage_changes": changes})
        tx.done("workspace.lead.convert", ("leads", lead["id"]), {"account": account["id"], "deal": new_deal["id"]})
    return {"lead": {**lead, **lead_row}, "account": account, "deal": new_deal}
