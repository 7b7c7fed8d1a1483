"""Tickets (service cases): the list (`/tickets`: search by the customer's name, filters by owner,
status, priority and channel, sort, pages, bulk assign), a ticket's page (`/tickets/{id}`: status,
priority, first response, resolve, reopen, owner, timeline, log activity) and the new-ticket form
(`/tickets/new`). Every write is a pulso.workspace operation; every page has its JSON twin
(pulso.web.records_ui: what record pages share)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import Response

from pulso import workspace as ws
from pulso.errors import RecordNotFoundError
from pulso.i18n import N_
from pulso.store import records
from pulso.store.choices import TICKET_PRIORITIES, TICKET_STATUSES
from pulso.web import record_forms as forms
from pulso.web import records_ui as ui
from pulso.web.deps import Ctx, PageContext
from pulso.web.pages import page_route, render
from pulso.web.periods import QueryError

router = APIRouter()

PRIORITIES = TICKET_PRIORITIES
STATUS_LABELS = dict(zip(TICKET_STATUSES, (N_("Abierto"), N_("Pendiente"), N_("Resuelto"), N_("Cerrado")), strict=True))
LIST = ui.ListSpec("tickets", sorts=("opened_at", "priority", "first_response_at", "resolved_at"), default="-opened_at",
                   filters={"owner": ui.column("owner_id"), "channel": ui.column("channel"),
                            "status": ui.choices({k: [("status", k)] for k in STATUS_LABELS}),
                            "priority": ui.choices({k: [("priority", k)] for k in PRIORITIES}),
                            "account": ui.column("account_id")})
COLUMNS = [(N_("Cliente"), None), (N_("Canal"), None), (N_("Prioridad"), "priority"), (N_("Estado"), None),
           (N_("Responsable"), None), (N_("Abierto"), "opened_at"), (N_("Primera respuesta"), "first_response_at"),
           (N_("Resuelto"), "resolved_at")]


def plain_ticket(ctx: PageContext, t: dict[str, Any], account: str = "") -> dict[str, Any]:
    return {k: records.plain(v) for k, v in t.items()} | {
        "owner": ui.owner_name(ctx, t["owner_id"]), "account": account,
        "priority_label": ctx.label("priority", t["priority"]) if t["priority"] else ""}


def _fetch(ctx: PageContext, query: ui.ListQuery) -> tuple[list[dict[str, Any]], bool]:
    """A search reads the customers' names (ws.search on accounts), then their tickets."""
    if not query.q:
        return ui.fetch(ctx, LIST, query)
    words = query.q.lstrip("=+-@ ")
    if not words:
        return [], False
    try:
        hits = forms.run(ctx, ws.search, words, tables=("accounts",), limit=ui.SEARCH_LIMIT)
    except ws.InputError as exc:
        raise QueryError(exc.text, "q", **exc.values) from None
    if not hits:
        return [], False
    return ui.fetch(ctx, LIST, replace(query, q="", filters=query.filters + tuple(("account", h["id"]) for h in hits)))


def _list(ctx: PageContext, error: dict[str, Any] | None = None) -> Response:
    ctx.require("tickets")
    query = ui.list_query(ctx, LIST)
    found, more = _fetch(ctx, query)
    labels = ctx.services.record_labels(ctx.version, "tickets", tuple(r["id"] for r in found))
    rows = [{"id": r["id"], "href": f"/tickets/{r['id']}", "cells": [
        labels.get(r["id"], ("", ""))[1] or ctx._("Sin cliente"), ctx.note("channel", r["channel"]),
        ctx.label("priority", r["priority"]) if r["priority"] else "", ctx._(STATUS_LABELS.get(r["status"], r["status"])),
        ui.owner_name(ctx, r["owner_id"]), ui.when(ctx, r["opened_at"]), ui.when(ctx, r["first_response_at"]),
        ui.when(ctx, r["resolved_at"])]} for r in found]
    filters = [{"name": "owner", "label": ctx._("Responsable"),
                "options": [{"value": o["id"], "label": o["name"]} for o in ui.owner_choices(ctx)]},
               {"name": "status", "label": ctx._("Estado"),
                "options": [{"value": k, "label": ctx._(v)} for k, v in STATUS_LABELS.items()]},
               {"name": "priority", "label": ctx._("Prioridad"),
                "options": [{"value": k, "label": ctx.label("priority", k)} for k in PRIORITIES]},
               {"name": "channel", "label": ctx._("Canal"), "options": None}]
    data = {"title": ctx._("Tickets"), "query": query.as_dict(), "rows": rows, "error": error, "filters": filters,
            "headers": ui.headers(ctx, "/tickets", query, COLUMNS), "pager": ui.pager(ctx, "/tickets", query, more),
            "can_edit": forms.can_edit(ctx), "can_assign": ctx.user.role in ("admin", "manager"), "owners": ui.owner_choices(ctx),
            "tickets": [plain_ticket(ctx, r, labels.get(r["id"], ("", ""))[1]) for r in found]}
    data["sections"] = [ui.section(ctx, data["title"], data["headers"], rows)]  # the JSON twin's table, as every nav page
    return forms.answer(ctx, render(ctx, "tickets", data, template="tickets_list.html"), error)


@page_route(router, "/tickets", "tickets")
def tickets_list(ctx: Ctx) -> Response:
    """The tickets the reader sees: search, filters, sort, pages."""
    return _list(ctx)


@router.post("/tickets/assign", include_in_schema=False)
def tickets_assign(ctx: Ctx, owner_id: Annotated[str, Form()] = "", ids: Annotated[list[str], Form()] = [],
                   csrf_token: Annotated[str, Form()] = "") -> Response:
    """Give the checked tickets to someone (managers in their team, admins anyone)."""
    return forms.assign_checked(ctx, "tickets", csrf_token, ids, owner_id, _list)


# -- one ticket ----------------------------------------------------------------------------------


def _page(ctx: PageContext, ticket_id: str, error: dict[str, Any] | None = None) -> Response:
    ctx.require("tickets")
    t = ctx.services.run(records.get, ctx.services.store, ctx.scope, "tickets", ticket_id)
    account = ctx.services.record_labels(ctx.version, "tickets", (t["id"],)).get(t["id"], ("", ""))[1]
    automated = "" if t["first_response_at"] is None else (ctx._("automática") if t["first_response_automated"] else ctx._("de una persona"))
    rows = [
        ui.field_row(ctx, "status", N_("Estado"), t["status"], text=ctx._(STATUS_LABELS.get(t["status"], t["status"])), editable=False),
        ui.field_row(ctx, "priority", N_("Prioridad"), t["priority"], text=ctx.label("priority", t["priority"]) if t["priority"] else "", editable=False),
        ui.field_row(ctx, "channel", N_("Canal"), t["channel"], text=ctx.note("channel", t["channel"]), editable=False),
        ui.field_row(ctx, "owner_id", N_("Responsable"), t["owner_id"], text=ui.owner_name(ctx, t["owner_id"]), kind="select",
                     options=ui.owner_choices(ctx), editable=ctx.user.role in ("admin", "manager")),
        ui.field_row(ctx, "opened_at", N_("Abierto"), None, text=ui.when(ctx, t["opened_at"]), editable=False),
        ui.field_row(ctx, "first_response_at", N_("Primera respuesta"), None,
                     text=(ui.when(ctx, t["first_response_at"]) + " · " + automated) if automated else "", editable=False),
        ui.field_row(ctx, "resolved_at", N_("Resuelto"), None, text=ui.when(ctx, t["resolved_at"]), editable=False)]
    base = f"/tickets/{t['id']}"
    data = {"title": ctx._("Ticket de {name}").format(name=account) if account else ctx._("Ticket"), "id": t["id"],
            "status": t["status"], "status_label": ctx._(STATUS_LABELS.get(t["status"], t["status"])), "fields": rows,
            "error": error, "can_edit": forms.can_edit(ctx), "base": base,
            "account": {"href": f"/accounts/{t['account_id']}", "name": account or "—"} if t["account_id"] else None,
            "can_respond": t["first_response_at"] is None, "resolved": t["status"] in ("resolved", "closed"),
            "timeline": ui.timeline(ctx, "ticket_id", t["id"]), "types": ui.activity_types(ctx),
            "ticket": plain_ticket(ctx, t, account)}
    return forms.answer(ctx, render(ctx, "tickets", data, template="tickets_record.html"), error)


@page_route(router, "/tickets/new", "tickets_new")
def ticket_new(ctx: Ctx) -> Response:
    """The new-ticket form."""
    return _new(ctx)


def _act(ctx: PageContext, ticket_id: str, csrf_token: str, work) -> Response:
    """Run one change on the ticket: its page again (303) or, refused, with the message inline."""
    return forms.act(ctx, "tickets", ticket_id, csrf_token, work, _page)


@router.post("/tickets/{ticket_id}/edit", include_in_schema=False)
def ticket_edit(ctx: Ctx, ticket_id: str, field: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
                csrf_token: Annotated[str, Form()] = "") -> Response:
    """Inline editing: the owner (managers and admins; ws.reassign)."""
    def work():
        if field != "owner_id":
            raise ws.InputError(N_("Campo desconocido: '{field}'"), field or "field", field=field[:40])
        ticket = ctx.services.run(records.get, ctx.services.store, ctx.scope, "tickets", ticket_id)
        return {"assigned": forms.bulk_assign(ctx, "tickets", [ticket["id"]], value)}
    return _act(ctx, ticket_id, csrf_token, work)


@router.post("/tickets/{ticket_id}/{step}", include_in_schema=False)
def ticket_step(ctx: Ctx, ticket_id: str, step: str, automated: Annotated[str, Form()] = "",
                type: Annotated[str, Form()] = "call", note: Annotated[str, Form()] = "", due: Annotated[str, Form()] = "",
                task_id: Annotated[str, Form()] = "", done: Annotated[str, Form()] = "true",
                csrf_token: Annotated[str, Form()] = "") -> Response:
    """respond (first response), resolve, reopen, activity (log one), task (tick a task)."""
    steps = {"respond": lambda: forms.run(ctx, ws.respond, ticket_id, automated=automated == "1"),
             "resolve": lambda: forms.run(ctx, ws.resolve, ticket_id),
             "reopen": lambda: forms.run(ctx, ws.reopen, ticket_id),
             "activity": lambda: forms.log_activity(ctx, "ticket_id", ticket_id, type, note, due),
             "task": lambda: forms.set_task_done(ctx, task_id, done == "true")}
    if step not in steps:
        raise RecordNotFoundError("no such action", "step")
    return _act(ctx, ticket_id, csrf_token, steps[step])


# -- a new ticket --------------------------------------------------------------------------------


def _new(ctx: PageContext, values: dict[str, str] | None = None, error: dict[str, Any] | None = None) -> Response:
    ctx.require("tickets")
    values = values or {"account_id": ctx.request.query_params.get("account", "")[:80]}
    account = values.get("account_id") or ""
    named = forms.account_name(ctx, account)
    data = {"title": ctx._("Nuevo ticket"), "action": "/tickets/new", "values": values, "error": error,
            "can_edit": forms.can_edit(ctx), "owners": ui.owner_choices(ctx), "can_assign": ctx.user.role in ("admin", "manager"),
            "account_name": named, "picker": ui.account_picker(ctx, account),
            "priorities": [{"value": k, "label": ctx.label("priority", k)} for k in PRIORITIES]}
    return forms.answer(ctx, render(ctx, "tickets", data, template="tickets_new.html"), error)


@router.post("/tickets/new", include_in_schema=False)
def ticket_create(ctx: Ctx, channel: Annotated[str, Form()] = "", priority: Annotated[str, Form()] = "",
                  account_id: Annotated[str, Form()] = "", owner_id: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    """Save a new open ticket."""
    ctx.require("tickets")
    forms.check_form(ctx, csrf_token)
    values = {"channel": channel, "priority": priority, "account_id": account_id}
    given: dict[str, Any] = {k: v.strip() for k, v in values.items() if v.strip()}
    if owner_id:
        given["owner_id"] = owner_id
    try:
        ticket = forms.run(ctx, ws.create_ticket, given)
    except ws.WorkspaceError as exc:
        return _new(ctx, values, error=forms.refusal(ctx, exc))
    return forms.done(ctx, f"/tickets/{ticket['id']}", {"ticket": forms.plain(ticket)})


@page_route(router, "/tickets/{ticket_id}", "ticket")
def ticket_page(ctx: Ctx, ticket_id: str) -> Response:
    """One ticket: status, priority, first response, resolve or reopen, timeline."""
    return _page(ctx, ticket_id)
