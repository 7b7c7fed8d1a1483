"""Leads: the list (`/leads`: search, filters, sort, pages, bulk assign), a lead's page
(`/leads/{id}`: fields edited inline, owner, status, timeline, log activity, qualify to MQL and SQL,
disqualify with a reason, convert into a customer and a deal) and the new-lead form (`/leads/new`,
probable duplicates shown before saving). Every write is a pulso.workspace operation; every page
has its JSON twin; pulso.web.records_ui holds what the record pages share."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse, Response

from pulso import workspace as ws
from pulso.i18n import N_
from pulso.store import records
from pulso.web import record_forms as forms
from pulso.web import records_ui as ui
from pulso.web.deps import Ctx, PageContext
from pulso.web.pages import page_route, render

router = APIRouter()

STATUS = {
    "new": [("mql_at__null", "true"), ("converted_at__null", "true"), ("disqualified_at__null", "true")],
    "mql": [("mql_at__null", "false"), ("sql_at__null", "true"), ("converted_at__null", "true"),
            ("disqualified_at__null", "true")],
    "sql": [("sql_at__null", "false"), ("converted_at__null", "true"), ("disqualified_at__null", "true")],
    "converted": [("converted_at__null", "false")],
    "disqualified": [("disqualified_at__null", "false")],
}
STATUS_LABELS = {"new": N_("Nuevo"), "mql": N_("MQL"), "sql": N_("SQL"), "converted": N_("Convertido"),
                 "disqualified": N_("Descalificado")}
LIST = ui.ListSpec("leads", sorts=("created_at", "name", "company", "source"), default="-created_at",
                   filters={"owner": ui.column("owner_id"), "source": ui.column("source"), "status": ui.choices(STATUS)})
COLUMNS = [(N_("Nombre"), "name"), (N_("Empresa"), "company"), (N_("Correo"), None), (N_("Origen"), "source"),
           (N_("Comercial"), None), (N_("Estado"), None), (N_("Creado"), "created_at")]
FIELDS = (("name", N_("Nombre"), "text", 200), ("company", N_("Empresa"), "text", 200), ("email", N_("Correo"), "email", 254),
          ("phone", N_("Teléfono"), "tel", 40), ("source", N_("Origen"), "text", 80))


def status_of(lead: dict[str, Any]) -> str:
    """new, mql, sql, converted or disqualified, from the lead's dates."""
    if lead["disqualified_at"] is not None:
        return "disqualified"
    if lead["converted_at"] is not None:
        return "converted"
    return "sql" if lead["sql_at"] is not None else ("mql" if lead["mql_at"] is not None else "new")


def _filters(ctx: PageContext) -> list[dict[str, Any]]:
    return [{"name": "owner", "label": ctx._("Comercial"),
             "options": [{"value": o["id"], "label": o["name"]} for o in ui.owner_choices(ctx)]},
            {"name": "source", "label": ctx._("Origen"), "options": ui.value_options(ctx, "leads", "source")},
            {"name": "status", "label": ctx._("Estado"),
             "options": [{"value": k, "label": ctx._(v)} for k, v in STATUS_LABELS.items()]}]


def _list(ctx: PageContext, error: dict[str, Any] | None = None, notice: str = "") -> Response:
    ctx.require("leads")
    query = ui.list_query(ctx, LIST)
    found, more = ui.fetch(ctx, LIST, query)
    rows = [{"id": r["id"], "href": f"/leads/{r['id']}",
             "cells": [r["name"] or "—", r["company"] or "", r["email"] or "", ui.source_label(ctx, r["source"]), ui.owner_name(ctx, r["owner_id"]),
                       ctx._(STATUS_LABELS[status_of(r)]), ui.when(ctx, r["created_at"])]} for r in found]
    data = {"title": ctx._("Leads"), "query": query.as_dict(), "rows": rows, "error": error, "notice": notice,
            "headers": ui.headers(ctx, "/leads", query, COLUMNS), "pager": ui.pager(ctx, "/leads", query, more),
            "filters": _filters(ctx), "can_edit": forms.can_edit(ctx), "can_assign": ctx.user.role in ("admin", "manager"),
            "owners": ui.owner_choices(ctx),
            "leads": [{"id": r["id"], "name": r["name"], "email": r["email"], "phone": r["phone"], "company": r["company"],
                       "source": r["source"], "owner": ui.owner_name(ctx, r["owner_id"]), "status": status_of(r),
                       "created_at": records.plain(r["created_at"])} for r in found]}
    data["sections"] = [ui.section(ctx, data["title"], data["headers"], rows)]
    return forms.answer(ctx, render(ctx, "leads", data, template="leads_list.html"), error)


@page_route(router, "/leads", "leads")
def leads_list(ctx: Ctx) -> Response:
    """The leads the reader sees: search, filters, sort, pages."""
    return _list(ctx)


@router.post("/leads/assign", include_in_schema=False)
def leads_assign(ctx: Ctx, owner_id: Annotated[str, Form()] = "", ids: Annotated[list[str], Form()] = [],
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    """Give the checked leads to an owner (managers in their team, admins anyone)."""
    return forms.assign_checked(ctx, "leads", csrf_token, ids, owner_id, _list)


# -- one lead ------------------------------------------------------------------------------------


def _lead(ctx: PageContext, lead_id: str) -> dict[str, Any]:
    return ctx.services.run(records.get, ctx.services.store, ctx.scope, "leads", lead_id)


def _page(ctx: PageContext, lead_id: str, error: dict[str, Any] | None = None) -> Response:
    ctx.require("leads")
    lead = _lead(ctx, lead_id)
    status = status_of(lead)
    owners = ui.owner_choices(ctx)
    rows = [ui.field_row(ctx, name, label, lead[name], kind=kind, limit=limit) for name, label, kind, limit in FIELDS]
    rows.append(ui.field_row(ctx, "owner_id", N_("Comercial"), lead["owner_id"], text=ui.owner_name(ctx, lead["owner_id"]),
                             kind="select", options=owners, editable=ctx.user.role in ("admin", "manager")))
    dates = [(N_("Creado"), lead["created_at"]), (N_("MQL"), lead["mql_at"]), (N_("SQL"), lead["sql_at"]),
             (N_("Convertido"), lead["converted_at"]), (N_("Descalificado"), lead["disqualified_at"])]
    rows += [ui.field_row(ctx, label.lower(), label, ui.when(ctx, value), editable=False) for label, value in dates if value]
    if lead["disqualified_reason"]:
        rows.append(ui.field_row(ctx, "disqualified_reason", N_("Motivo"), lead["disqualified_reason"], editable=False))
    base = f"/leads/{lead['id']}"
    data = {"title": lead["name"] or ctx._("Lead"), "id": lead["id"], "status": status,
            "status_label": ctx._(STATUS_LABELS[status]), "fields": rows, "error": error,
            "open": status in ("new", "mql", "sql"), "can_edit": forms.can_edit(ctx), "base": base,
            "account": f"/accounts/{lead['account_id']}" if lead["account_id"] else None,
            "timeline": ui.timeline(ctx, "lead_id", lead["id"]), "types": ui.activity_types(ctx),
            "lead": forms.plain(lead) | {"owner": ui.owner_name(ctx, lead["owner_id"])}}
    return forms.answer(ctx, render(ctx, "leads", data, template="leads_record.html"), error)


@page_route(router, "/leads/new", "leads_new")
def lead_new(ctx: Ctx) -> Response:
    """The new-lead form."""
    return _new(ctx)


@page_route(router, "/leads/{lead_id}", "lead")
def lead_page(ctx: Ctx, lead_id: str) -> Response:
    """One lead: fields, owner, status, timeline and what can be done with it."""
    return _page(ctx, lead_id)


def _act(ctx: PageContext, lead_id: str, csrf_token: str, operation, *args: Any, **kwargs: Any) -> Response:
    """Run one operation on the lead; its page again (303) or, refused, with the message inline."""
    return forms.act(ctx, "leads", lead_id, csrf_token, lambda: forms.run(ctx, operation, *args, **kwargs), _page)


@router.post("/leads/{lead_id}/edit", include_in_schema=False)
def lead_edit(ctx: Ctx, lead_id: str, field: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """Change one field (inline editing); `owner_id` reassigns (managers and admins)."""
    return _act(ctx, lead_id, csrf_token, ws.edit_lead, lead_id, {field or "field": value})


@router.post("/leads/{lead_id}/qualify", include_in_schema=False)
def lead_qualify(ctx: Ctx, lead_id: str, level: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Qualify the lead to MQL or SQL."""
    return _act(ctx, lead_id, csrf_token, ws.qualify, lead_id, level)


@router.post("/leads/{lead_id}/disqualify", include_in_schema=False)
def lead_disqualify(ctx: Ctx, lead_id: str, reason: Annotated[str, Form()] = "",
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    """Set the lead aside with a reason."""
    return _act(ctx, lead_id, csrf_token, ws.disqualify, lead_id, reason)


@router.post("/leads/{lead_id}/convert", include_in_schema=False)
def lead_convert(ctx: Ctx, lead_id: str, title: Annotated[str, Form()] = "", amount: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    """Turn the lead into a customer and a deal in one step."""
    deal = {k: v for k, v in (("title", title.strip()), ("amount", amount.strip().replace(",", "."))) if v}
    return _act(ctx, lead_id, csrf_token, ws.convert, lead_id, deal=deal)


@router.post("/leads/{lead_id}/activity", include_in_schema=False)
def lead_activity(ctx: Ctx, lead_id: str, type: Annotated[str, Form()] = "call", note: Annotated[str, Form()] = "",
                  due: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Log a call, e-mail, meeting or note, or add a task, on the lead."""
    ctx.require("leads")
    forms.check_form(ctx, csrf_token)
    try:
        result = forms.log_activity(ctx, "lead_id", lead_id, type, note, due)
    except ws.NotFoundError:
        raise
    except ws.WorkspaceError as exc:
        return _page(ctx, lead_id, forms.refusal(ctx, exc))
    return forms.done(ctx, f"/leads/{lead_id}", {"result": forms.plain(result)})


@router.post("/leads/{lead_id}/task", include_in_schema=False)
def lead_task(ctx: Ctx, lead_id: str, task_id: Annotated[str, Form()] = "", done: Annotated[str, Form()] = "true",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """Tick (or untick) a task of the lead's timeline."""
    return _act(ctx, lead_id, csrf_token, ws.set_task_done, task_id, done == "true")


# -- a new lead ----------------------------------------------------------------------------------

NEW_FIELDS = ("name", "company", "email", "phone", "source")


def _new(ctx: PageContext, values: dict[str, str] | None = None, dupes: dict[str, Any] | None = None,
         error: dict[str, Any] | None = None) -> Response:
    ctx.require("leads")
    matches = [{**m, "href": f"/leads/{m['id']}", "owner": ui.owner_name(ctx, m["owner_id"]),
                "reasons": [ctx._(REASONS[r]) for r in m["reasons"]]} for m in (dupes or {}).get("matches", [])]
    data = {"title": ctx._("Nuevo lead"), "action": "/leads/new", "values": values or {}, "error": error, "can_edit": forms.can_edit(ctx),
            "fields": [{"name": n, "label": ctx._(label), "kind": kind, "limit": limit} for n, label, kind, limit in FIELDS],
            "owners": ui.owner_choices(ctx), "can_assign": ctx.user.role in ("admin", "manager"),
            "duplicates": matches, "hidden": (dupes or {}).get("hidden", 0), "checked": dupes is not None}
    return forms.answer(ctx, render(ctx, "leads", {**data, "kind": "lead"}, template="records_new.html"), error)


REASONS = {"email": N_("mismo correo"), "phone": N_("mismo teléfono"), "name": N_("mismo nombre")}


@router.post("/leads/new", include_in_schema=False)
def lead_create(ctx: Ctx, name: Annotated[str, Form()] = "", company: Annotated[str, Form()] = "",
                email: Annotated[str, Form()] = "", phone: Annotated[str, Form()] = "",
                source: Annotated[str, Form()] = "", owner_id: Annotated[str, Form()] = "",
                anyway: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Save a new lead; probable duplicates first shown, unless "save anyway"."""
    ctx.require("leads")
    forms.check_form(ctx, csrf_token)
    values = {"name": name, "company": company, "email": email, "phone": phone, "source": source}
    given = {k: v for k, v in values.items() if v.strip()}
    if owner_id:
        given["owner_id"] = owner_id
    try:
        if anyway != "1":
            dupes = ctx.services.run(lambda: ws.duplicates(ctx.services.store, forms.caller(ctx), "leads", given))
            if dupes["matches"] or dupes["hidden"]:
                if ctx.wants_json:
                    return JSONResponse({"ok": False, "duplicates": forms.plain(dupes)}, status_code=409)
                return _new(ctx, values, dupes)
        lead = forms.run(ctx, ws.create_lead, given)
    except ws.WorkspaceError as exc:
        return _new(ctx, values, error=forms.refusal(ctx, exc))
    return forms.done(ctx, f"/leads/{lead['id']}", {"lead": forms.plain(lead)})
