"""Accounts (customers and prospects): the list (`/accounts`: search, filters, sort, pages, bulk
assign), an account's page (`/accounts/{id}`: fields edited inline, owner, timeline, log activity,
and its leads, deals, tickets, orders, subscriptions and survey answers) and the new-account form
(`/accounts/new`, probable duplicates shown before saving). Writes are pulso.workspace operations;
every page has its JSON twin (pulso.web.records_ui holds what the record pages share)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse, Response

from pulso import formatting as f
from pulso import workspace as ws
from pulso.i18n import N_
from pulso.store import records
from pulso.web import record_forms as forms
from pulso.web import records_ui as ui
from pulso.web.deps import Ctx, PageContext
from pulso.web.pages import page_route, render
from pulso.web.routes.tickets import STATUS_LABELS as TICKET_STATUS
from pulso.web.routes.leads import REASONS, STATUS_LABELS as LEAD_STATUS, status_of

router = APIRouter()

STATUS = {"customer": [("acquired_at__null", "false"), ("churned_at__null", "true")],
          "prospect": [("acquired_at__null", "true")], "churned": [("churned_at__null", "false")]}
STATUS_LABELS = {"customer": N_("Cliente"), "prospect": N_("Posible cliente"), "churned": N_("Baja")}
LIST = ui.ListSpec("accounts", sorts=("created_at", "name", "company", "acquired_at", "country"), default="-created_at",
                   filters={"owner": ui.column("owner_id"), "source": ui.column("source"), "segment": ui.column("segment"),
                            "status": ui.choices(STATUS)})
COLUMNS = [(N_("Nombre"), "name"), (N_("Empresa"), "company"), (N_("País"), "country"), (N_("Segmento"), None),
           (N_("Origen"), None), (N_("Comercial"), None), (N_("Estado"), None), (N_("Cliente desde"), "acquired_at")]
FIELDS = (("name", N_("Nombre"), "text", 200), ("company", N_("Empresa"), "text", 200), ("email", N_("Correo"), "email", 254),
          ("phone", N_("Teléfono"), "tel", 40), ("country", N_("País"), "text", 2), ("segment", N_("Segmento"), "text", 80),
          ("source", N_("Origen"), "text", 80))
RELATED_LIMIT = 50


def status_of_account(account: dict[str, Any]) -> str:
    if account["churned_at"] is not None:
        return "churned"
    return "customer" if account["acquired_at"] is not None else "prospect"


def _list(ctx: PageContext, error: dict[str, Any] | None = None) -> Response:
    ctx.require("accounts")
    query = ui.list_query(ctx, LIST)
    found, more = ui.fetch(ctx, LIST, query)
    rows = [{"id": r["id"], "href": f"/accounts/{r['id']}",
             "cells": [r["name"] or "—", r["company"] or "", r["country"] or "", r["segment"] or "",
                       ui.source_label(ctx, r["source"]), ui.owner_name(ctx, r["owner_id"]),
                       ctx._(STATUS_LABELS[status_of_account(r)]), ui.when(ctx, r["acquired_at"])]} for r in found]
    filters = [{"name": "owner", "label": ctx._("Comercial"),
                "options": [{"value": o["id"], "label": o["name"]} for o in ui.owner_choices(ctx)]},
               {"name": "source", "label": ctx._("Origen"), "options": ui.value_options(ctx, "accounts", "source")},
               {"name": "segment", "label": ctx._("Segmento"), "options": ui.value_options(ctx, "accounts", "segment")},
               {"name": "status", "label": ctx._("Estado"),
                "options": [{"value": k, "label": ctx._(v)} for k, v in STATUS_LABELS.items()]}]
    data = {"title": ctx._("Cuentas"), "query": query.as_dict(), "rows": rows, "error": error, "filters": filters,
            "headers": ui.headers(ctx, "/accounts", query, COLUMNS), "pager": ui.pager(ctx, "/accounts", query, more),
            "can_edit": forms.can_edit(ctx), "can_assign": ctx.user.role in ("admin", "manager"), "owners": ui.owner_choices(ctx),
            "accounts": [{**{k: r[k] for k in ("id", "name", "email", "phone", "company", "country", "segment", "source")},
                          "owner": ui.owner_name(ctx, r["owner_id"]), "status": status_of_account(r),
                          "acquired_at": records.plain(r["acquired_at"])} for r in found]}
    data["sections"] = [ui.section(ctx, data["title"], data["headers"], rows)]
    return forms.answer(ctx, render(ctx, "accounts", data, template="accounts_list.html"), error)


@page_route(router, "/accounts", "accounts")
def accounts_list(ctx: Ctx) -> Response:
    """The accounts the reader sees: search, filters, sort, pages."""
    return _list(ctx)


@router.post("/accounts/assign", include_in_schema=False)
def accounts_assign(ctx: Ctx, owner_id: Annotated[str, Form()] = "", ids: Annotated[list[str], Form()] = [],
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    """Give the checked accounts to an owner (managers in their team, admins anyone)."""
    return forms.assign_checked(ctx, "accounts", csrf_token, ids, owner_id, _list, keep_query=False)


# -- one account ---------------------------------------------------------------------------------


def _related(ctx: PageContext, table: str, account_id: str) -> list[dict[str, Any]]:
    return ctx.services.run(lambda: records.listing(ctx.services.store, ctx.scope, table, [("account_id", account_id)],
                                                    limit=RELATED_LIMIT).records)


def _money(ctx: PageContext, amount: Any, currency: str | None) -> str:
    return f.fmt_money(float(amount), currency or ctx.currency, ctx.lang) if amount is not None else ""


def _sections(ctx: PageContext, account_id: str) -> list[dict[str, Any]]:
    """The account's related records, each a small table of names (never ids) and links."""
    stages = ctx.services.names(ctx.version)["stage"]
    leads = _related(ctx, "leads", account_id)
    deals = _related(ctx, "deals", account_id)
    tickets = _related(ctx, "tickets", account_id)
    orders = _related(ctx, "orders", account_id)
    subs = _related(ctx, "subscriptions", account_id)
    answers = _related(ctx, "survey_responses", account_id)
    return [
        {"key": "leads", "title": ctx._("Leads"), "columns": [ctx._("Nombre"), ctx._("Estado"), ctx._("Creado")],
         "rows": [{"href": f"/leads/{r['id']}", "cells": [r["name"] or "—", ctx._(LEAD_STATUS[status_of(r)]),
                                                           ui.when(ctx, r["created_at"])]} for r in leads]},
        {"key": "deals", "title": ctx._("Oportunidades"), "columns": [ctx._("Título"), ctx._("Etapa"), ctx._("Importe")],
         "rows": [{"href": f"/deals/{r['id']}", "cells": [r["title"] or "—", stages.get(r["stage_id"] or "", "") or "",
                                                           _money(ctx, r["amount"], r["currency"])]} for r in deals]},
        {"key": "tickets", "title": ctx._("Casos de soporte"), "columns": [ctx._("Abierto"), ctx._("Prioridad"), ctx._("Estado")],
         "rows": [{"href": f"/tickets/{r['id']}", "cells": [ui.when(ctx, r["opened_at"]), ctx.label("priority", r["priority"]) if r["priority"] else "",
                                                             ctx._(TICKET_STATUS[r["status"]]) if r["status"] in TICKET_STATUS else r["status"] or ""]}
                  for r in tickets]},
        {"key": "orders", "title": ctx._("Pedidos"), "columns": [ctx._("Fecha"), ctx._("Producto"), ctx._("Importe")],
         "rows": [{"href": None, "cells": [ui.when(ctx, r["ordered_at"]), r["product"] or "", _money(ctx, r["amount"], r["currency"])]}
                  for r in orders]},
        {"key": "subscriptions", "title": ctx._("Suscripciones"), "columns": [ctx._("Plan"), ctx._("Desde"), ctx._("Cuota mensual")],
         "rows": [{"href": None, "cells": [r["plan"] or "", ui.when(ctx, r["started_at"]), _money(ctx, r["monthly_amount"], r["currency"])]}
                  for r in subs]},
        {"key": "survey_responses", "title": ctx._("Respuestas de encuestas"), "columns": [ctx._("Fecha"), ctx._("Encuesta"), ctx._("Puntuación")],
         "rows": [{"href": None, "cells": [ui.when(ctx, r["answered_at"]), (r["kind"] or "").upper(), f.fmt_number(r["score"], ctx.lang)]}
                  for r in answers]},
    ]


def _page(ctx: PageContext, account_id: str, error: dict[str, Any] | None = None) -> Response:
    ctx.require("accounts")
    account = ctx.services.run(records.get, ctx.services.store, ctx.scope, "accounts", account_id)
    rows = [ui.field_row(ctx, name, label, account[name], kind=kind, limit=limit) for name, label, kind, limit in FIELDS]
    rows.append(ui.field_row(ctx, "owner_id", N_("Comercial"), account["owner_id"], text=ui.owner_name(ctx, account["owner_id"]),
                             kind="select", options=ui.owner_choices(ctx), editable=ctx.user.role in ("admin", "manager")))
    rows += [ui.field_row(ctx, key, label, ui.when(ctx, account[key]), editable=False)
             for key, label in (("created_at", N_("Creado")), ("acquired_at", N_("Cliente desde")), ("churned_at", N_("Baja")))
             if account[key]]
    status = status_of_account(account)
    base = f"/accounts/{account['id']}"
    data = {"title": account["name"] or ctx._("Cuenta"), "id": account["id"], "status": status,
            "status_label": ctx._(STATUS_LABELS[status]), "fields": rows, "error": error, "base": base,
            "can_edit": forms.can_edit(ctx), "timeline": ui.timeline(ctx, "account_id", account["id"]),
            "types": ui.activity_types(ctx), "related": _sections(ctx, account["id"]),
            "account": forms.plain(account) | {"owner": ui.owner_name(ctx, account["owner_id"])}}
    return forms.answer(ctx, render(ctx, "accounts", data, template="accounts_record.html"), error)


@page_route(router, "/accounts/new", "accounts_new")
def account_new(ctx: Ctx) -> Response:
    """The new-account form."""
    return _new(ctx)


@page_route(router, "/accounts/{account_id}", "account")
def account_page(ctx: Ctx, account_id: str) -> Response:
    """One account: fields, owner, timeline, and its related records."""
    return _page(ctx, account_id)


def _act(ctx: PageContext, account_id: str, csrf_token: str, operation, *args: Any) -> Response:
    work = (lambda: operation(*args)) if operation is forms.log_activity else (lambda: forms.run(ctx, operation, *args))
    return forms.act(ctx, "accounts", account_id, csrf_token, work, _page)


@router.post("/accounts/{account_id}/edit", include_in_schema=False)
def account_edit(ctx: Ctx, account_id: str, field: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    """Change one field (inline editing); `owner_id` reassigns (managers and admins)."""
    return _act(ctx, account_id, csrf_token, ws.edit_account, account_id, {field or "field": value})


@router.post("/accounts/{account_id}/activity", include_in_schema=False)
def account_activity(ctx: Ctx, account_id: str, type: Annotated[str, Form()] = "call", note: Annotated[str, Form()] = "",
                     due: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Log a call, e-mail, meeting or note, or add a task, on the account."""
    return _act(ctx, account_id, csrf_token, forms.log_activity, ctx, "account_id", account_id, type, note, due)


@router.post("/accounts/{account_id}/task", include_in_schema=False)
def account_task(ctx: Ctx, account_id: str, task_id: Annotated[str, Form()] = "", done: Annotated[str, Form()] = "true",
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    """Tick (or untick) a task of the account's timeline."""
    return _act(ctx, account_id, csrf_token, ws.set_task_done, task_id, done == "true")


# -- a new account -------------------------------------------------------------------------------


def _new(ctx: PageContext, values: dict[str, str] | None = None, dupes: dict[str, Any] | None = None,
         error: dict[str, Any] | None = None) -> Response:
    ctx.require("accounts")
    matches = [{**m, "href": f"/accounts/{m['id']}", "owner": ui.owner_name(ctx, m["owner_id"]),
                "reasons": [ctx._(REASONS[r]) for r in m["reasons"]]} for m in (dupes or {}).get("matches", [])]
    data = {"title": ctx._("Nueva cuenta"), "values": values or {}, "error": error, "can_edit": forms.can_edit(ctx),
            "fields": [{"name": n, "label": ctx._(label), "kind": kind, "limit": limit} for n, label, kind, limit in FIELDS],
            "owners": ui.owner_choices(ctx), "can_assign": ctx.user.role in ("admin", "manager"),
            "duplicates": matches, "hidden": (dupes or {}).get("hidden", 0), "action": "/accounts/new"}
    return forms.answer(ctx, render(ctx, "accounts", {**data, "kind": "account"}, template="records_new.html"), error)


@router.post("/accounts/new", include_in_schema=False)
def account_create(ctx: Ctx, name: Annotated[str, Form()] = "", company: Annotated[str, Form()] = "",
                   email: Annotated[str, Form()] = "", phone: Annotated[str, Form()] = "",
                   country: Annotated[str, Form()] = "", segment: Annotated[str, Form()] = "",
                   source: Annotated[str, Form()] = "", owner_id: Annotated[str, Form()] = "",
                   anyway: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Save a new account; probable duplicates first shown, unless "save anyway"."""
    ctx.require("accounts")
    forms.check_form(ctx, csrf_token)
    values = {"name": name, "company": company, "email": email, "phone": phone, "country": country,
              "segment": segment, "source": source}
    given = {k: v for k, v in values.items() if v.strip()}
    if owner_id:
        given["owner_id"] = owner_id
    try:
        if anyway != "1":
            dupes = ctx.services.run(lambda: ws.duplicates(ctx.services.store, forms.caller(ctx), "accounts", given))
            if dupes["matches"] or dupes["hidden"]:
                if ctx.wants_json:
                    return JSONResponse({"ok": False, "duplicates": forms.plain(dupes)}, status_code=409)
                return _new(ctx, values, dupes)
        account = forms.run(ctx, ws.create_account, given)
    except ws.WorkspaceError as exc:
        return _new(ctx, values, error=forms.refusal(ctx, exc))
    return forms.done(ctx, f"/accounts/{account['id']}", {"account": forms.plain(account)})
