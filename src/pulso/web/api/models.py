"""Typed schemas of the API (docs/api.md): one record model per canonical table, built from
pulso.store.schema (types, lengths, enums of statuses and kinds), and the request bodies of the
workspace operations (pulso.web.api.workspace). Bodies refuse unknown fields; the workspace
checks the values again (its refusals are 422)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, create_model

from pulso.store import coerce
from pulso.store.schema import CANONICAL_TABLES, ROLES, table
from pulso.store.searchable import COLUMNS as HIDDEN
from pulso.workspace.base import LIMITS, MAX_BULK

# The values of the store's enum columns: pulso.store.choices, the one list the store's schema reads.
from pulso.store.choices import CHOICES, DEAL_KINDS, DIRECTIONS, SURVEY_KINDS, TICKET_PRIORITIES  # noqa: E402


def model_name(table: str) -> str:
    """deal_stage_changes → DealStageChangesRecord."""
    return "".join(part.title() for part in table.split("_")) + "Record"


def _python_type(table: str, column: Any) -> Any:
    if (table, column.name) in CHOICES:
        return Literal[CHOICES[(table, column.name)]]  # type: ignore[valid-type]
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return Any
    if kind is Decimal or kind is float:
        return float  # amounts are JSON numbers (pulso.store.records.plain)
    return Any if kind in (dict, list) else kind


def _record_model(name: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for column in table(name).columns:
        if column.name in HIDDEN:  # the store's own search columns: never in an answer (api/common.plain_row)
            continue
        length = getattr(column.type, "length", None)
        extra = {"max_length": length} if isinstance(length, int) else {}
        ref = column.info.get("references") or next((fk.column.table.name for fk in column.foreign_keys), None)
        doc = f"id of a record of {ref}" if ref else None
        fields[column.name] = (Optional[_python_type(name, column)], Field(None, description=doc, **extra))
    return create_model(model_name(name), __config__=ConfigDict(extra="forbid"),
                        __doc__=f"A record of {name} (amounts as numbers, instants in ISO 8601)", **fields)


#: table → its record model, e.g. RECORDS["deals"] is DealsRecord.
RECORDS: dict[str, type[BaseModel]] = {name: _record_model(name) for name in CANONICAL_TABLES}
AnyRecord = Union[tuple(RECORDS.values())]  # type: ignore[valid-type]


class RecordOut(BaseModel):
    """One record of a table."""

    table: str
    record: AnyRecord  # type: ignore[valid-type]


class RecordPage(BaseModel):
    """A page of records in id order."""

    table: str
    records: list[AnyRecord]  # type: ignore[valid-type]
    limit: int
    offset: int
    has_more: bool
    next_after: Optional[str]


# -- request bodies of the workspace operations ----------------------------------------------

Id = Field(None, min_length=1, max_length=200)
Name = Optional[str]
When = Optional[dt.datetime]
MONEY_MAX = float(coerce.MAX_MONEY)


def _text(kind: str, required: bool = False, **more: Any) -> Any:
    return Field(... if required else None, min_length=1 if required else 0, max_length=LIMITS[kind], **more)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LeadEdit(Body):
    """A lead's fields; only those sent change. owner_id reassigns (managers and admins)."""

    name: Name = _text("name")
    email: Optional[str] = _text("email")
    phone: Optional[str] = _text("phone")
    company: Optional[str] = _text("name")
    source: Optional[str] = _text("short")
    campaign_id: Optional[str] = Id
    owner_id: Optional[str] = Id


class LeadCreate(LeadEdit):
    """A new lead: a name, and what else is known."""

    name: str = _text("name", required=True)


class Qualify(Body):
    level: Literal["mql", "sql"]
    at: When = None


class Disqualify(Body):
    reason: str = _text("reason", required=True)
    at: When = None


class DealFields(Body):
    title: Optional[str] = _text("name")
    amount: Optional[float] = Field(None, ge=0, le=MONEY_MAX)
    currency: Optional[str] = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO 4217; the workspace's by default")
    expected_close_at: When = None
    kind: Optional[Literal[DEAL_KINDS]] = None  # type: ignore[valid-type]
    account_id: Optional[str] = Id


class ConvertDeal(DealFields):
    stage_id: Optional[str] = Field(None, min_length=1, max_length=200, description="an open stage")


class Convert(Body):
    deal: Optional[ConvertDeal] = None
    account_name: Optional[str] = _text("name")
    at: When = None


class AccountEdit(Body):
    name: Name = _text("name")
    email: Optional[str] = _text("email")
    phone: Optional[str] = _text("phone")
    company: Optional[str] = _text("name")
    country: Optional[str] = Field(None, pattern=r"^[A-Za-z]{2}$")
    segment: Optional[str] = _text("short")
    source: Optional[str] = _text("short")
    owner_id: Optional[str] = Id


class AccountCreate(AccountEdit):
    name: str = _text("name", required=True)
    acquired_at: When = None


class DealEdit(DealFields):
    owner_id: Optional[str] = Id


class DealCreate(DealEdit):
    stage_id: Optional[str] = Field(None, min_length=1, max_length=200,
                                    description="an open stage; the default pipeline's first by default")


class Move(Body):
    stage_id: str = Field(min_length=1, max_length=200)
    reason: Optional[str] = _text("reason", description="needed for a lost stage")
    at: When = None


class Close(Body):
    outcome: Literal["won", "lost"]
    reason: Optional[str] = _text("reason", description="needed when lost")
    closed_at: When = None


class Reassign(Body):
    owner_id: str = Field(min_length=1, max_length=200)


class BulkMove(Body):
    ids: list[str] = Field(min_length=1, max_length=MAX_BULK)
    stage_id: str = Field(min_length=1, max_length=200)
    reason: Optional[str] = _text("reason")
    at: When = None


class BulkAssign(Body):
    table: Literal["leads", "accounts", "deals", "tickets"] = "deals"
    ids: list[str] = Field(min_length=1, max_length=MAX_BULK)
    owner_id: str = Field(min_length=1, max_length=200)


class TicketCreate(Body):
    account_id: Optional[str] = Id
    channel: Optional[str] = _text("short")
    priority: Optional[Literal[TICKET_PRIORITIES]] = None  # type: ignore[valid-type]
    opened_at: When = None
    owner_id: Optional[str] = Id


class Respond(Body):
    at: When = None
    automated: StrictBool = False


class At(Body):
    at: When = None


class Links(Body):
    account_id: Optional[str] = Id
    lead_id: Optional[str] = Id
    deal_id: Optional[str] = Id
    ticket_id: Optional[str] = Id


class ActivityCreate(Links):
    """A call, e-mail, voicemail, meeting or note on at least one record."""

    type: Literal["call", "email", "voicemail", "meeting", "note"]
    direction: Optional[Literal[DIRECTIONS]] = Field(None, description="calls and e-mails: outbound by default")  # type: ignore[valid-type]
    occurred_at: When = None
    duration_s: Optional[StrictInt] = Field(None, ge=0, le=86_400)
    outcome: Optional[str] = _text("note")


class TaskCreate(Links):
    outcome: str = _text("note", required=True, description="what to do")
    due_at: dt.datetime
    owner_id: Optional[str] = Id


class TaskDone(Body):
    done: StrictBool = True
    at: When = None


class SurveyLinkCreate(Body):
    account_id: str = Field(min_length=1, max_length=200)
    kind: Literal[SURVEY_KINDS]  # type: ignore[valid-type]
    ticket_id: Optional[str] = Id
    locale: Literal["es", "en"] = "es"
    days: StrictInt = Field(30, ge=1, le=365)


# -- answers -----------------------------------------------------------------------------------


class Count(BaseModel):
    count: int = Field(description="records changed")


class Converted(BaseModel):
    lead: RECORDS["leads"]  # type: ignore[valid-type]
    account: RECORDS["accounts"]  # type: ignore[valid-type]
    deal: RECORDS["deals"]  # type: ignore[valid-type]


class SearchHit(BaseModel):
    table: Literal["leads", "accounts", "deals"]
    id: str
    name: Optional[str]
    email: Optional[str]
    phone: Optional[str]
    company: Optional[str]
    owner_id: Optional[str]


class SearchResults(BaseModel):
    results: list[SearchHit]


class Duplicate(BaseModel):
    id: str
    name: Optional[str]
    email: Optional[str]
    phone: Optional[str]
    company: Optional[str]
    owner_id: Optional[str]
    reasons: list[Literal["email", "phone", "name"]]


class Duplicates(BaseModel):
    matches: list[Duplicate]
    hidden: int = Field(description="matches outside the caller's scope, only counted")


class Tasks(BaseModel):
    tasks: list[RECORDS["activities"]]  # type: ignore[valid-type]


class WaitingLead(BaseModel):
    id: str
    name: Optional[str]
    company: Optional[str]
    email: Optional[str]
    phone: Optional[str]
    created_at: dt.datetime
    waiting_hours: float


class IdleDeal(BaseModel):
    id: str
    title: Optional[str]
    amount: Optional[float]
    currency: Optional[str]
    stage_id: Optional[str]
    last_touch: dt.datetime
    idle_days: int


class WaitingTicket(BaseModel):
    id: str
    account_id: Optional[str]
    priority: Optional[str]
    channel: Optional[str]
    opened_at: dt.datetime
    waiting_hours: float


class MyDay(BaseModel):
    user_id: str
    leads_waiting: list[WaitingLead]
    tasks_overdue: list[RECORDS["activities"]]  # type: ignore[valid-type]
    tasks_today: list[RECORDS["activities"]]  # type: ignore[valid-type]
    idle_deals: list[IdleDeal]
    tickets_waiting: list[WaitingTicket]


class SurveyLink(BaseModel):
    token: str = Field(description="shown once; the workspace keeps its SHA-256")
    id: str
    kind: Literal[SURVEY_KINDS]  # type: ignore[valid-type]
    expires_at: dt.datetime
    locale: Literal["es", "en"]
