"""The workspace's operations under /api/v1 (docs/api.md, "Workspace"): what the CRM forms do —
leads, accounts, deals, tickets, activities and tasks, search, duplicates, "Mi día", survey
links — each a call of pulso.workspace in the caller's Scope, on the database thread.

Bodies are typed (pulso.web.api.models; unknown fields, wrong types, oversized texts and unknown
choices are 400 `invalid_parameter` before anything runs); the workspace's own refusals keep
their status from pulso.web.errors.ERRORS (422 invalid_input, 404, 403, 409, 410) with an English
message and the field at fault. Every operation records its usage event and audit entry itself.
"""

from __future__ import annotations

from typing import Annotated, Any, Callable, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from pulso import events, workspace as ws
from pulso.i18n import translator
from pulso.web.api import models as m
from pulso.web.api.body import CheckedBodyRoute
from pulso.web.api.common import ERROR_SCHEMA, PREFIX, clean_parameters, error_responses, plain, plain_row
from pulso.web.api_deps import ApiCaller, ApiError, Caller, require_write
from pulso.web.errors import classify

router = APIRouter(prefix=PREFIX, tags=["workspace"], route_class=CheckedBodyRoute,
                   responses=error_responses(400, 401, 403, 404, 413, 415, 422),
                   dependencies=[Depends(clean_parameters)])
RecordId = Annotated[str, Path(min_length=1, max_length=200)]
_english = translator("en")
WORKSPACE_STATUSES = {409: "Not in a state that allows it", 410: "Survey link used or expired"}


def _states(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of the workspace's 409 and 410 answers."""
    return {s: {"description": WORKSPACE_STATUSES[s], "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            for s in statuses}


async def _run(request: Request, caller: Caller, fn: Callable[..., Any], *args: Any, write: bool = True,
               tables: tuple[str, ...] = ()) -> Any:
    """`fn(store, ws_caller, *args)` on the database thread; a workspace refusal as a JSON error."""
    if write:
        require_write(caller)
    services = request.app.state.services
    who = ws.Caller(caller.user_id, caller.role, caller.scope)

    def call(store):
        try:
            out = fn(store, who, *args)
        except ws.WorkspaceError as exc:
            status, code, _ = classify(exc)
            raise ApiError(status, code, exc.message(_english), exc.field) from None
        if write and tables:
            events.data_arrived(store, source="api", tables=tables)
        return out

    return await services.call(call, services.store)


def _set(body: m.Body) -> dict[str, Any]:
    """The fields a body sent (those left out keep their stored value)."""
    return body.model_dump(exclude_unset=True)


# -- leads ------------------------------------------------------------------------------------

@router.post(response_model=None, path="/leads", summary="Create a lead", status_code=201, responses={201: {"model": m.RECORDS["leads"]}})
async def create_lead(request: Request, caller: ApiCaller, body: m.LeadCreate) -> dict[str, Any]:
    """A new lead, owned by the caller (managers and admins may name an owner of their scope)."""
    return plain_row(await _run(request, caller, ws.create_lead, _set(body), tables=("leads",)))


@router.patch(response_model=None, path="/leads/{lead_id}", summary="Edit a lead", responses={200: {"model": m.RECORDS["leads"]}})
async def edit_lead(request: Request, caller: ApiCaller, body: m.LeadEdit, lead_id: RecordId) -> dict[str, Any]:
    """Change the fields sent; `owner_id` reassigns (managers and admins)."""
    return plain_row(await _run(request, caller, ws.edit_lead, lead_id, _set(body), tables=("leads",)))


@router.post(response_model=None, path="/leads/{lead_id}/qualify", summary="Qualify a lead (MQL or SQL)", responses={200: {"model": m.RECORDS["leads"]}, **_states(409)})
async def qualify(request: Request, caller: ApiCaller, body: m.Qualify, lead_id: RecordId) -> dict[str, Any]:
    """`mql_at` or `sql_at` (an SQL that skipped MQL gets `mql_at` too)."""
    return plain_row(await _run(request, caller, lambda s, c: ws.qualify(s, c, lead_id, body.level, at=body.at),
                                tables=("leads",)))


@router.post(response_model=None, path="/leads/{lead_id}/disqualify", summary="Disqualify a lead with a reason",
             responses={200: {"model": m.RECORDS["leads"]}, **_states(409)})
async def disqualify(request: Request, caller: ApiCaller, body: m.Disqualify, lead_id: RecordId) -> dict[str, Any]:
    return plain_row(await _run(request, caller, lambda s, c: ws.disqualify(s, c, lead_id, body.reason, at=body.at),
                                tables=("leads",)))


@router.post(response_model=None, path="/leads/{lead_id}/convert", summary="Convert a lead into a customer and a deal",
             responses={200: {"model": m.Converted}, **_states(409)})
async def convert(request: Request, caller: ApiCaller, body: m.Convert, lead_id: RecordId) -> dict[str, Any]:
    """One step: the customer account (or the lead's own), an open deal with its first stage row, the lead converted."""
    deal = body.deal.model_dump(exclude_unset=True) if body.deal else None
    out = await _run(request, caller, lambda s, c: ws.convert(s, c, lead_id, deal=deal, account_name=body.account_name,
                                                              at=body.at), tables=("leads", "accounts", "deals"))
    return {k: plain_row(v) for k, v in out.items()}


# -- accounts ---------------------------------------------------------------------------------

@router.post(response_model=None, path="/accounts", summary="Create an account", status_code=201, responses={201: {"model": m.RECORDS["accounts"]}})
async def create_account(request: Request, caller: ApiCaller, body: m.AccountCreate) -> dict[str, Any]:
    return plain_row(await _run(request, caller, ws.create_account, _set(body), tables=("accounts",)))


@router.patch(response_model=None, path="/accounts/{account_id}", summary="Edit an account", responses={200: {"model": m.RECORDS["accounts"]}})
async def edit_account(request: Request, caller: ApiCaller, body: m.AccountEdit,
                       account_id: RecordId) -> dict[str, Any]:
    return plain_row(await _run(request, caller, ws.edit_account, account_id, _set(body), tables=("accounts",)))


# -- deals (bulk paths first: "bulk" is no deal id) ---------------------------------------------

@router.post(response_model=None, path="/deals/bulk/move", summary="Move several deals to a stage", responses={200: {"model": m.Count}})
async def bulk_move(request: Request, caller: ApiCaller, body: m.BulkMove) -> dict[str, Any]:
    """All or nothing, one stage-history row per deal that moves; `count`: how many moved."""
    n = await _run(request, caller, lambda s, c: ws.bulk_move(s, c, body.ids, body.stage_id, reason=body.reason, at=body.at),
                   tables=("deals",))
    return {"count": n}


@router.post(response_model=None, path="/deals/bulk/assign", summary="Give several records to an owner (managers, admins)",
             responses={200: {"model": m.Count}})
async def bulk_assign(request: Request, caller: ApiCaller, body: m.BulkAssign) -> dict[str, Any]:
    """Deals by default (`table`: leads, accounts, deals or tickets); all or nothing."""
    n = await _run(request, caller, ws.reassign, body.table, body.ids, body.owner_id, tables=(body.table,))
    return {"count": n}


@router.post(response_model=None, path="/deals", summary="Create a deal", status_code=201, responses={201: {"model": m.RECORDS["deals"]}})
async def create_deal(request: Request, caller: ApiCaller, body: m.DealCreate) -> dict[str, Any]:
    return plain_row(await _run(request, caller, ws.create_deal, _set(body), tables=("deals",)))


@router.patch(response_model=None, path="/deals/{deal_id}", summary="Edit a deal", responses={200: {"model": m.RECORDS["deals"]}})
async def edit_deal(request: Request, caller: ApiCaller, body: m.DealEdit, deal_id: RecordId) -> dict[str, Any]:
    """Title, amount, currency, expected close, kind, account; `owner_id` reassigns. Stages move through /move."""
    return plain_row(await _run(request, caller, ws.edit_deal, deal_id, _set(body), tables=("deals",)))


@router.post(response_model=None, path="/deals/{deal_id}/move", summary="Move a deal to a stage", responses={200: {"model": m.RECORDS["deals"]}, **_states(409)})
async def move_deal(request: Request, caller: ApiCaller, body: m.Move, deal_id: RecordId) -> dict[str, Any]:
    """One `deal_stage_changes` row; a won or lost stage closes the deal (lost needs `reason`)."""
    return plain_row(await _run(request, caller, lambda s, c: ws.move_deal(s, c, deal_id, body.stage_id,
                                                                          reason=body.reason, at=body.at), tables=("deals",)))


@router.post(response_model=None, path="/deals/{deal_id}/close", summary="Win or lose a deal", responses={200: {"model": m.RECORDS["deals"]}, **_states(409)})
async def close_deal(request: Request, caller: ApiCaller, body: m.Close, deal_id: RecordId) -> dict[str, Any]:
    return plain_row(await _run(request, caller, lambda s, c: ws.close_deal(s, c, deal_id, body.outcome, reason=body.reason,
                                                                           closed_at=body.closed_at), tables=("deals",)))


@router.post(response_model=None, path="/deals/{deal_id}/reassign", summary="Give a deal to another owner (managers, admins)",
             responses={200: {"model": m.Count}})
async def reassign(request: Request, caller: ApiCaller, body: m.Reassign, deal_id: RecordId) -> dict[str, Any]:
    return {"count": await _run(request, caller, ws.reassign, "deals", [deal_id], body.owner_id, tables=("deals",))}


# -- tickets ----------------------------------------------------------------------------------

@router.post(response_model=None, path="/tickets", summary="Open a ticket", status_code=201, responses={201: {"model": m.RECORDS["tickets"]}})
async def create_ticket(request: Request, caller: ApiCaller, body: m.TicketCreate) -> dict[str, Any]:
    return plain_row(await _run(request, caller, ws.create_ticket, _set(body), tables=("tickets",)))


@router.post(response_model=None, path="/tickets/{ticket_id}/respond", summary="A ticket's first response",
             responses={200: {"model": m.RECORDS["tickets"]}, **_states(409)})
async def respond(request: Request, caller: ApiCaller, body: m.Respond, ticket_id: RecordId) -> dict[str, Any]:
    return plain_row(await _run(request, caller, lambda s, c: ws.respond(s, c, ticket_id, at=body.at, automated=body.automated),
                                tables=("tickets",)))


@router.post(response_model=None, path="/tickets/{ticket_id}/resolve", summary="Resolve a ticket", responses={200: {"model": m.RECORDS["tickets"]}, **_states(409)})
async def resolve(request: Request, caller: ApiCaller, body: m.At, ticket_id: RecordId) -> dict[str, Any]:
    return plain_row(await _run(request, caller, lambda s, c: ws.resolve(s, c, ticket_id, at=body.at), tables=("tickets",)))


@router.post(response_model=None, path="/tickets/{ticket_id}/reopen", summary="Reopen a resolved ticket", responses={200: {"model": m.RECORDS["tickets"]}, **_states(409)})
async def reopen(request: Request, caller: ApiCaller, ticket_id: RecordId) -> dict[str, Any]:
    return plain_row(await _run(request, caller, ws.reopen, ticket_id, tables=("tickets",)))


# -- activities and tasks ---------------------------------------------------------------------

@router.post(response_model=None, path="/activities", summary="Log a call, e-mail, meeting or note", status_code=201,
             responses={201: {"model": m.RECORDS["activities"]}})
async def log_activity(request: Request, caller: ApiCaller, body: m.ActivityCreate) -> dict[str, Any]:
    return plain_row(await _run(request, caller, ws.log_activity, _set(body), tables=("activities",)))


@router.post(response_model=None, path="/tasks", summary="Add a task", status_code=201, responses={201: {"model": m.RECORDS["activities"]}})
async def add_task(request: Request, caller: ApiCaller, body: m.TaskCreate) -> dict[str, Any]:
    return plain_row(await _run(request, caller, ws.add_task, _set(body), tables=("activities",)))


@router.post(response_model=None, path="/tasks/{task_id}/done", summary="Mark a task done (or not done)",
             responses={200: {"model": m.RECORDS["activities"]}, **_states(409)})
async def task_done(request: Request, caller: ApiCaller, body: m.TaskDone, task_id: RecordId) -> dict[str, Any]:
    return plain_row(await _run(request, caller, lambda s, c: ws.set_task_done(s, c, task_id, body.done, at=body.at),
                                tables=("activities",)))


@router.get(response_model=None, path="/tasks", summary="A person's open tasks", responses={200: {"model": m.Tasks}})
async def tasks(request: Request, caller: ApiCaller, user_id: str | None = Query(None, min_length=1, max_length=200),
                include_done: bool = False, limit: int = Query(200, ge=1, le=1000)) -> dict[str, Any]:
    """The caller's tasks by due date (another person's inside the caller's scope)."""
    found = await _run(request, caller, lambda s, c: ws.tasks(s, c, user_id, include_done=include_done, limit=limit),
                       write=False)
    return {"tasks": [plain_row(t) for t in found]}


# -- reading ----------------------------------------------------------------------------------

@router.get(response_model=None, path="/search", summary="Search leads, accounts and deals", responses={200: {"model": m.SearchResults}})
async def search(request: Request, caller: ApiCaller, q: str = Query(min_length=1, max_length=200),
                 table: list[Literal["leads", "accounts", "deals"]] = Query([], max_length=3),
                 limit: int = Query(20, ge=1, le=100)) -> dict[str, Any]:
    """Name, e-mail, company or phone (deals: title) containing every word of `q`, accents and case aside;
    a phone by its digits; inside the caller's scope, at most `limit` per table."""
    tables = tuple(table) or ("leads", "accounts", "deals")
    found = await _run(request, caller, lambda s, c: ws.search(s, c, q, tables=tables, limit=limit), write=False)
    return {"results": [plain_row(r) for r in found]}


@router.get(response_model=None, path="/duplicates", summary="Probable duplicates of a new lead or account", responses={200: {"model": m.Duplicates}})
async def duplicates(request: Request, caller: ApiCaller, table: Literal["leads", "accounts"] = "leads",
                     name: str | None = Query(None, max_length=200), email: str | None = Query(None, max_length=254),
                     phone: str | None = Query(None, max_length=40)) -> dict[str, Any]:
    """Same e-mail, phone (last nine digits) or name (accents and case aside): those in the scope listed, others counted."""
    values = {"name": name, "email": email, "phone": phone}
    out = await _run(request, caller, ws.duplicates, table, values, write=False)
    return {"matches": [plain_row(r) for r in out["matches"]], "hidden": out["hidden"]}


@router.get(response_model=None, path="/my-day", summary='"Mi día": what a person has to do today', responses={200: {"model": m.MyDay}})
async def my_day(request: Request, caller: ApiCaller, user_id: str | None = Query(None, min_length=1, max_length=200),
                 idle_days: int = Query(14, ge=1, le=3650)) -> dict[str, Any]:
    """Leads waiting for a first answer, tasks overdue and due today, idle deals, tickets waiting for a reply."""
    out = await _run(request, caller, lambda s, c: ws.my_day(s, c, user_id, idle_days=idle_days), write=False)
    return {k: [plain_row(r) for r in v] if isinstance(v, list) else plain(v) for k, v in out.items()}


# -- survey links -----------------------------------------------------------------------------

@router.post(response_model=None, path="/survey-links", summary="Create a survey link for a customer", status_code=201,
             responses={201: {"model": m.SurveyLink}})
async def create_survey_link(request: Request, caller: ApiCaller, body: m.SurveyLinkCreate) -> dict[str, Any]:
    """An NPS, CES or CSAT link; the token is in this answer only (the workspace keeps its hash)."""
    out = await _run(request, caller, lambda s, c: ws.create_link(s, c, body.account_id, body.kind, ticket_id=body.ticket_id,
                                                                  locale=body.locale, days=body.days))
    return plain_row(out)
