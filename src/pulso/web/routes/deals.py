"""Deals: the list (`/deals`: search, filters by owner, team, stage, source and status, sort, pages,
bulk assign owner and bulk change stage), a deal's page (`/deals/{id}`: amount, stage, owner,
expected close, kind, account, stage history, timeline, inline editing, move, win or lose with a
reason and a close date, log activity) and the new-deal form (`/deals/new`). Every write is a
pulso.workspace operation; every page has its JSON twin (pulso.web.records_ui: what record pages
share). The board (`/deals/board`) is pulso.web.routes.board; both move deals with `move`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form
from fastapi.responses import Response

from pulso import formatting as f
from pulso import workspace as ws
from pulso.access import Scope
from pulso.i18n import N_
from pulso.store import records
from pulso.store.choices import DEAL_KINDS, DEAL_STATUSES
from pulso.web import record_forms as forms
from pulso.web import records_ui as ui
from pulso.web.deps import Ctx, PageContext
from pulso.web.pages import page_route, render

router = APIRouter()

STATUS_LABELS = dict(zip(DEAL_STATUSES, (N_("Abierta"), N_("Ganada"), N_("Perdida")), strict=True))
COLUMNS = [(N_("Título"), "title"), (N_("Cuenta"), None), (N_("Importe"), "amount"), (N_("Etapa"), None),
           (N_("Comercial"), None), (N_("Cierre previsto"), "expected_close_at"), (N_("Estado"), None),
           (N_("Creada"), "created_at")]
FIELDS = (("title", N_("Título"), "text", 200), ("amount", N_("Importe"), "text", 40), ("currency", N_("Moneda"), "text", 3))


def stages(ctx: PageContext) -> list[dict[str, Any]]:
    """Every stage (the company's set-up, read by everybody), by pipeline and position."""
    found = ctx.services.run(lambda: records.listing(ctx.services.store, Scope.company(), "stages", limit=1000))
    return sorted(found.records, key=lambda s: (s["pipeline"], s["position"], s["id"]))


def money(ctx: PageContext, amount: Any, currency: str | None) -> str:
    """An amount in its own currency, in the reader's language ('—' for none)."""
    if amount is None:
        return "—"
    return f.fmt_money(float(amount), currency or ctx.currency, ctx.lang)


def members(ctx: PageContext, team: str) -> list[str]:
    """The people of a team (who a team filter covers)."""
    return [u for u, t in ctx.services.names(ctx.version)["owner_team"].items() if t == team]


def list_spec(ctx: PageContext) -> ui.ListSpec:
    """The deals list: its filters read the company's stages and teams."""
    teams = ctx.services.names(ctx.version)["team"]

    def team(value: str) -> list[tuple[str, str]]:
        ui.choices(dict.fromkeys(teams, []))(value)  # an unknown team is a QueryError
        return [("owner_id", u) for u in members(ctx, value)] or [("id__null", "true")]

    return ui.ListSpec("deals", sorts=("created_at", "title", "amount", "expected_close_at"), default="-created_at",
                       filters={"owner": ui.column("owner_id"), "team": team, "stage": ui.column("stage_id"),
                                "source": ui.column("campaign_id"),
                                "status": ui.choices({k: [("status", k)] for k in STATUS_LABELS})})


def _filters(ctx: PageContext) -> list[dict[str, Any]]:
    names = ctx.services.names(ctx.version)
    opts = lambda pairs: [{"value": k, "label": v} for k, v in sorted(pairs, key=lambda p: (p[1].casefold(), p[0]))]  # noqa: E731
    out = [{"name": "owner", "label": ctx._("Comercial"),
            "options": [{"value": o["id"], "label": o["name"]} for o in ui.owner_choices(ctx)]}]
    if ctx.scope.kind == "company":
        out.append({"name": "team", "label": ctx._("Equipo"), "options": opts(names["team"].items())})
    out += [{"name": "stage", "label": ctx._("Etapa"),
             "options": [{"value": s["id"], "label": s["name"]} for s in stages(ctx)]},
            {"name": "source", "label": ctx._("Campaña"), "options": opts(names["campaign"].items())},
            {"name": "status", "label": ctx._("Estado"),
             "options": [{"value": k, "label": ctx._(v)} for k, v in STATUS_LABELS.items()]}]
    return out


def plain_deal(ctx: PageContext, deal: dict[str, Any], account: str = "") -> dict[str, Any]:
    """A deal as its JSON twin shows it: stored values plus the names people read."""
    return forms.plain(deal) | {
        "owner": ui.owner_name(ctx, deal["owner_id"]), "stage": ctx.label("stage", deal["stage_id"]), "account": account}


def _list(ctx: PageContext, error: dict[str, Any] | None = None) -> Response:
    ctx.require("deals")
    spec = list_spec(ctx)
    query = ui.list_query(ctx, spec)
    found, more = ui.fetch(ctx, spec, query)
    labels = ctx.services.record_labels(ctx.version, "deals", tuple(r["id"] for r in found))
    rows = []
    for r in found:
        account = labels.get(r["id"], ("", ""))[1]
        rows.append({"id": r["id"], "href": f"/deals/{r['id']}", "cells": [
            r["title"] or "—", account, money(ctx, r["amount"], r["currency"]), ctx.label("stage", r["stage_id"]),
            ui.owner_name(ctx, r["owner_id"]), ui.when(ctx, r["expected_close_at"]), ctx._(STATUS_LABELS.get(r["status"], r["status"])),
            ui.when(ctx, r["created_at"])]})
    data = {"title": ctx._("Oportunidades"), "query": query.as_dict(), "rows": rows, "error": error,
            "headers": ui.headers(ctx, "/deals", query, COLUMNS), "pager": ui.pager(ctx, "/deals", query, more),
            "filters": _filters(ctx), "can_edit": forms.can_edit(ctx), "can_assign": ctx.user.role in ("admin", "manager"),
            "owners": ui.owner_choices(ctx), "stages": [{"id": s["id"], "name": s["name"]} for s in stages(ctx)],
            "deals": [plain_deal(ctx, r, labels.get(r["id"], ("", ""))[1]) for r in found]}
    data["sections"] = [ui.section(ctx, data["title"], data["headers"], rows)]  # the JSON twin's table, as every nav page
    return forms.answer(ctx, render(ctx, "deals", data, template="deals_list.html"), error)


@page_route(router, "/deals", "deals")
def deals_list(ctx: Ctx) -> Response:
    """The deals the reader sees: search, filters, sort, pages."""
    return _list(ctx)


def _back(ctx: PageContext) -> str:
    return "/deals?" + ctx.request.url.query if ctx.request.url.query else "/deals"


@router.post("/deals/assign", include_in_schema=False)
def deals_assign(ctx: Ctx, owner_id: Annotated[str, Form()] = "", ids: Annotated[list[str], Form()] = [],
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    """Give the checked deals to an owner (managers in their team, admins anyone)."""
    return forms.assign_checked(ctx, "deals", csrf_token, ids, owner_id, _list)


@router.post("/deals/stage", include_in_schema=False)
def deals_stage(ctx: Ctx, stage_id: Annotated[str, Form()] = "", ids: Annotated[list[str], Form()] = [],
                csrf_token: Annotated[str, Form()] = "") -> Response:
    """Move the checked deals to one open stage (one stage-history row each; closing asks a reason:
    that is done deal by deal)."""
    ctx.require("deals")
    forms.check_form(ctx, csrf_token)
    try:
        if stage_id and next((s for s in stages(ctx) if s["id"] == stage_id and s["kind"] != "open"), None):
            raise ws.InputError(N_("Para ganar o perder una oportunidad, muévela una a una con su motivo y fecha"), "stage_id")
        count = forms.run(ctx, ws.bulk_move, ids, stage_id)
    except ws.WorkspaceError as exc:
        return _list(ctx, error=forms.refusal(ctx, exc))
    return forms.done(ctx, _back(ctx), {"moved": count})


# -- moving a deal (the record page and the board) ----------------------------------------------


def close_at(ctx: PageContext, deal: dict[str, Any], day: str) -> Any:
    """When a deal moved into a won or lost stage closes, from the form's date: now when it is
    today, the deal's creation when it was created that day, else that day; a malformed date goes
    to the workspace, which refuses it in the reader's language."""
    day = day.strip()
    try:
        chosen = dt.date.fromisoformat(day) if day else None
    except ValueError:
        return day
    zone = ZoneInfo(ctx.timezone)
    if chosen is None or chosen == dt.datetime.now(zone).date():
        return None
    created = deal["created_at"]
    created = (created if created.tzinfo else created.replace(tzinfo=dt.timezone.utc)).astimezone(zone)
    return created.isoformat() if created.date() == chosen else day


def move(ctx: PageContext, deal_id: str, stage_id: str, reason: str, day: str) -> dict[str, Any]:
    """Move one deal to a stage (ws.move_deal: one deal_stage_changes row); into won or lost with
    `reason` (lost needs one) and the close date `day`. WorkspaceError on refusal."""
    deal = ctx.services.run(records.get, ctx.services.store, ctx.scope, "deals", deal_id)
    target = next((s for s in stages(ctx) if s["id"] == stage_id), None)
    closing = target is not None and target["kind"] != "open"
    return forms.run(ctx, ws.move_deal, deal["id"], stage_id, reason=(reason.strip() or None) if closing else None,
                  at=close_at(ctx, deal, day) if closing else None)


# -- one deal ------------------------------------------------------------------------------------


def history(ctx: PageContext, deal_id: str) -> list[dict[str, Any]]:
    """The deal's stage changes, newest first, with stage and people's names."""
    found = ctx.services.run(lambda: records.listing(ctx.services.store, ctx.scope, "deal_stage_changes",
                                                     [("deal_id", deal_id)], limit=200, order="changed_at", descending=True))
    return [{"when": ui.when(ctx, c["changed_at"]), "at": records.plain(c["changed_at"]),
             "from": ctx.label("stage", c["from_stage_id"]) if c["from_stage_id"] else "",
             "to": ctx.label("stage", c["to_stage_id"]), "by": ui.owner_name(ctx, c["changed_by"])} for c in found.records]


def _page(ctx: PageContext, deal_id: str, error: dict[str, Any] | None = None) -> Response:
    ctx.require("deals")
    deal = ctx.services.run(records.get, ctx.services.store, ctx.scope, "deals", deal_id)
    account = ctx.services.record_labels(ctx.version, "deals", (deal["id"],)).get(deal["id"], ("", ""))[1]
    manages = ctx.user.role in ("admin", "manager")
    rows = [ui.field_row(ctx, name, label, deal[name], kind=kind, limit=limit,
                         text=money(ctx, deal["amount"], deal["currency"]) if name == "amount" else None)
            for name, label, kind, limit in FIELDS]
    rows += [
        ui.field_row(ctx, "stage_id", N_("Etapa"), deal["stage_id"], text=ctx.label("stage", deal["stage_id"]), editable=False),
        ui.field_row(ctx, "owner_id", N_("Comercial"), deal["owner_id"], text=ui.owner_name(ctx, deal["owner_id"]),
                     kind="select", options=ui.owner_choices(ctx), editable=manages),
        ui.field_row(ctx, "expected_close_at", N_("Cierre previsto"), records.plain(deal["expected_close_at"])[:10]
                     if deal["expected_close_at"] else None, text=ui.when(ctx, deal["expected_close_at"]), kind="date"),
        ui.field_row(ctx, "kind", N_("Tipo"), deal["kind"], text=ctx.label("deal_kind", deal["kind"]), kind="select",
                     options=[{"value": k, "label": ctx.label("deal_kind", k)} for k in DEAL_KINDS]),
        ui.field_row(ctx, "created_at", N_("Creada"), None, text=ui.when(ctx, deal["created_at"]), editable=False)]
    if deal["closed_at"]:
        rows.append(ui.field_row(ctx, "closed_at", N_("Cerrada"), None, text=ui.when(ctx, deal["closed_at"]), editable=False))
    if deal["lost_reason"]:
        rows.append(ui.field_row(ctx, "lost_reason", N_("Motivo"), deal["lost_reason"], editable=False))
    own = next((s for s in stages(ctx) if s["id"] == deal["stage_id"]), None)
    pipeline = own["pipeline"] if own else "default"
    base = f"/deals/{deal['id']}"
    data = {"title": deal["title"] or ctx._("Oportunidad"), "id": deal["id"], "status": deal["status"],
            "status_label": ctx._(STATUS_LABELS.get(deal["status"], deal["status"])), "fields": rows, "error": error,
            "can_edit": forms.can_edit(ctx), "base": base, "today": ctx.today.isoformat(),
            "account": {"href": f"/accounts/{deal['account_id']}", "name": account or "—"} if deal["account_id"] else None,
            "stages": [{"id": s["id"], "name": s["name"], "kind": s["kind"]} for s in stages(ctx)
                       if s["pipeline"] == pipeline and s["id"] != deal["stage_id"]],
            "history": history(ctx, deal["id"]), "timeline": ui.timeline(ctx, "deal_id", deal["id"]),
            "types": ui.activity_types(ctx), "deal": plain_deal(ctx, deal, account)}
    return forms.answer(ctx, render(ctx, "deals", data, template="deals_record.html"), error)


@page_route(router, "/deals/new", "deals_new")
def deal_new(ctx: Ctx) -> Response:
    """The new-deal form."""
    return _new(ctx)


def _act(ctx: PageContext, deal_id: str, csrf_token: str, work) -> Response:
    """Run one change on the deal: its page again (303) or, refused, with the message inline."""
    return forms.act(ctx, "deals", deal_id, csrf_token, work, _page)


@router.post("/deals/{deal_id}/edit", include_in_schema=False)
def deal_edit(ctx: Ctx, deal_id: str, field: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """Change one field (inline editing); `owner_id` reassigns (managers and admins)."""
    given: Any = value.strip().replace(",", ".") if field == "amount" else value
    return _act(ctx, deal_id, csrf_token, lambda: forms.run(ctx, ws.edit_deal, deal_id, {field or "field": given or None}))


@router.post("/deals/{deal_id}/move", include_in_schema=False)
def deal_move(ctx: Ctx, deal_id: str, stage_id: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
              closed_at: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Move the deal to another stage of its pipeline (won and lost: reason and close date)."""
    return _act(ctx, deal_id, csrf_token, lambda: move(ctx, deal_id, stage_id, reason, closed_at))


@router.post("/deals/{deal_id}/activity", include_in_schema=False)
def deal_activity(ctx: Ctx, deal_id: str, type: Annotated[str, Form()] = "call", note: Annotated[str, Form()] = "",
                  due: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Log a call, e-mail, meeting or note, or add a task, on the deal."""
    return _act(ctx, deal_id, csrf_token, lambda: forms.log_activity(ctx, "deal_id", deal_id, type, note, due))


@router.post("/deals/{deal_id}/task", include_in_schema=False)
def deal_task(ctx: Ctx, deal_id: str, task_id: Annotated[str, Form()] = "", done: Annotated[str, Form()] = "true",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """Tick (or untick) a task of the deal's timeline."""
    return _act(ctx, deal_id, csrf_token, lambda: forms.set_task_done(ctx, task_id, done == "true"))


# -- a new deal ----------------------------------------------------------------------------------

NEW_FIELDS = ("title", "amount", "currency", "expected_close_at", "kind", "stage_id", "account_id")


def _new(ctx: PageContext, values: dict[str, str] | None = None, error: dict[str, Any] | None = None) -> Response:
    ctx.require("deals")
    values = values or {"account_id": ctx.request.query_params.get("account", "")[:80]}
    account = values.get("account_id") or ""
    named = forms.account_name(ctx, account)
    data = {"title": ctx._("Nueva oportunidad"), "action": "/deals/new", "values": values, "error": error,
            "can_edit": forms.can_edit(ctx), "owners": ui.owner_choices(ctx), "can_assign": ctx.user.role in ("admin", "manager"),
            "currency": ctx.currency, "account_name": named, "picker": ui.account_picker(ctx, account), "kinds": [{"value": k, "label": ctx.label("deal_kind", k)} for k in DEAL_KINDS],
            "stages": [{"id": s["id"], "name": s["name"]} for s in stages(ctx) if s["kind"] == "open"]}
    return forms.answer(ctx, render(ctx, "deals", data, template="deals_new.html"), error)


@router.post("/deals/new", include_in_schema=False)
def deal_create(ctx: Ctx, title: Annotated[str, Form()] = "", amount: Annotated[str, Form()] = "",
                currency: Annotated[str, Form()] = "", expected_close_at: Annotated[str, Form()] = "",
                kind: Annotated[str, Form()] = "new", stage_id: Annotated[str, Form()] = "",
                account_id: Annotated[str, Form()] = "", owner_id: Annotated[str, Form()] = "",
                csrf_token: Annotated[str, Form()] = "") -> Response:
    """Save a new open deal (its first stage-history row too)."""
    ctx.require("deals")
    forms.check_form(ctx, csrf_token)
    values = {"title": title, "amount": amount, "currency": currency, "expected_close_at": expected_close_at,
              "kind": kind, "stage_id": stage_id, "account_id": account_id}
    given: dict[str, Any] = {k: v.strip() for k, v in values.items() if v.strip()}
    if "amount" in given:
        given["amount"] = given["amount"].replace(",", ".")
    if owner_id:
        given["owner_id"] = owner_id
    try:
        deal = forms.run(ctx, ws.create_deal, given)
    except ws.WorkspaceError as exc:
        return _new(ctx, values, error=forms.refusal(ctx, exc))
    return forms.done(ctx, f"/deals/{deal['id']}", {"deal": forms.plain(deal)})


@page_route(router, "/deals/{deal_id}", "deal")
def deal_page(ctx: Ctx, deal_id: str) -> Response:
    """One deal: fields, stage history, timeline and what can be done with it."""
    return _page(ctx, deal_id)
