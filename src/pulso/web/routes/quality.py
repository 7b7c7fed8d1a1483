"""The data quality pages: each rule's count among the rows it is about (inside the reader's scope),
completeness per field, and per rule the rows behind it, fixed inline or in bulk through
pulso.workspace (pulso.quality.fix). Mounted with the import page's router (routes/data.py); the
API operation is POST /api/v1/quality/{rule}/fix (docs/quality.md)."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import Field

from pulso import formatting as f
from pulso import quality
from pulso import workspace as ws
from pulso.i18n import N_
from pulso.web.api import models as m
from pulso.web.api.body import CheckedBodyRoute
from pulso.web.api.common import PREFIX, clean_parameters, error_responses
from pulso.web.api.workspace import _run
from pulso.web.api_deps import ApiCaller
from pulso.web.deps import Ctx
from pulso.web.errors import NotFoundError
from pulso.web.pages import cell, page_route, render, table
from pulso.web.record_forms import answer, caller, can_edit, check_form, done, refusal
from pulso.web.records_ui import owner_choices, source_label, value_options, when
from pulso.web.routes.data import IMPORTABLE

router = APIRouter()
PAGE = 50  # rows per page of a rule's list

TABLE_LABELS = {"accounts": N_("Clientes"), "leads": N_("Leads"), "deals": N_("Oportunidades"), "tickets": N_("Casos")}
RECORD_PAGES = {"accounts": "/accounts", "leads": "/leads", "deals": "/deals", "tickets": "/tickets"}
#: Every field a quality page names, as people read it.
FIELD_LABELS = {
    "name": N_("Nombre"), "email": N_("E-mail"), "phone": N_("Teléfono"), "company": N_("Empresa"), "country": N_("País"),
    "segment": N_("Segmento"), "source": N_("Origen"), "owner_id": N_("Responsable"), "acquired_at": N_("Fecha de alta"),
    "churned_at": N_("Fecha de baja"), "churn_reason": N_("Motivo de baja"), "campaign_id": N_("Campaña"),
    "visitor_id": N_("Visitante web"), "account_id": N_("Cliente"), "mql_at": N_("Fecha MQL"), "sql_at": N_("Fecha SQL"),
    "converted_at": N_("Fecha de conversión"), "disqualified_at": N_("Fecha de descalificación"),
    "disqualified_reason": N_("Motivo de descalificación"), "lead_id": N_("Lead de origen"), "title": N_("Título"),
    "amount": N_("Importe"), "currency": N_("Moneda"), "stage_id": N_("Etapa"), "status": N_("Estado"), "kind": N_("Tipo"),
    "expected_close_at": N_("Cierre previsto"), "closed_at": N_("Fecha de cierre"), "lost_reason": N_("Motivo de pérdida"),
    "product": N_("Producto"), "channel": N_("Canal"), "priority": N_("Prioridad"), "opened_at": N_("Fecha de apertura"),
    "first_response_at": N_("Primera respuesta"), "first_response_automated": N_("Primera respuesta automática"),
    "resolved_at": N_("Fecha de resolución"), "created_at": N_("Fecha de creación"),
}
STATUS_LABELS = {("deals", "open"): N_("abierta"), ("deals", "won"): N_("ganada"), ("deals", "lost"): N_("perdida"),
                 ("tickets", "open"): N_("nuevo"), ("tickets", "pending"): N_("pendiente"),
                 ("tickets", "resolved"): N_("resuelto"), ("tickets", "closed"): N_("cerrado")}
#: The columns a rule's list shows (besides the record's name and the fix).
COLUMNS = {"accounts": ("email", "phone", "source", "owner_id"), "leads": ("email", "phone", "source", "owner_id"),
           "deals": ("account_id", "status", "amount", "owner_id"), "tickets": ("account_id", "status", "owner_id", "opened_at")}
DATES = {"first_response_at", "resolved_at", "opened_at", "created_at", "closed_at"}


def _rule(key: str) -> quality.Rule:
    try:
        return quality.rule(key)
    except KeyError:
        raise NotFoundError(f"no quality rule '{key[:60]}'") from None


def _sentence(ctx: Ctx, finding: Any) -> str:
    return finding.label[0 if ctx.lang == "es" else 1]


@page_route(router, "/data/quality", "quality")
def quality_page(ctx: Ctx) -> Response:
    """Each rule's count among the rows it is about (a link to them), and completeness per field."""
    ctx.require("quality")
    chosen = ctx.request.query_params.get("table", "deals")
    chosen = chosen if chosen in TABLE_LABELS else "deals"
    store = ctx.services.store
    findings = ctx.services.run(lambda: quality.check(store, scope=ctx.scope))
    filled = ctx.services.run(lambda: quality.completeness(store, chosen, scope=ctx.scope))
    rules = [{"key": f"{x.table}.{x.rule}", "table": x.table, "table_label": ctx._(TABLE_LABELS[x.table]),
              "bad": x.bad, "total": x.total, "share": x.share, "href": f"/data/quality/{x.table}.{x.rule}",
              "count": f.fmt_number(x.bad, ctx.lang), "of": f.fmt_number(x.total, ctx.lang),
              "percent": f.fmt_percent(x.share, ctx.lang), "sentence": _sentence(ctx, x), "flag": x.share >= 0.05,
              "why": x.why[0 if ctx.lang == "es" else 1], "fixable": x.fix is not None} for x in findings]
    fields = [[cell(ctx._(FIELD_LABELS.get(name, name))),
               cell(f.fmt_percent(share, ctx.lang) if share is not None else ctx._("no aplica"), sort=share,
                    judge="bad" if share is not None and share < 0.8 else "")] for name, share in filled.items()]
    data = {
        "title": ctx._("Calidad de datos"), "table": chosen, "rules": rules,
        "tables": [{"key": t, "label": ctx._(TABLE_LABELS.get(t, t))} for t in IMPORTABLE if t in TABLE_LABELS],
        "sections": [table(ctx._("Completitud por campo") + " · " + ctx._(TABLE_LABELS.get(chosen, chosen)),
                           [(ctx._("Campo"), False), (ctx._("Informado"), True)], fields,
                           empty=ctx._("La tabla está vacía."))],
    }
    return render(ctx, "quality", data, template="data_quality.html")


def _shown(ctx: Ctx, table_name: str, name: str, value: Any, accounts: dict[str, tuple[str, str]]) -> str:
    if value is None or value == "":
        return "—" if name != "owner_id" else ctx.label("owner", None)
    if name == "owner_id":
        return ctx.label("owner", value)
    if name == "source":
        return source_label(ctx, value)
    if name == "account_id":
        return accounts.get(value, ("", ""))[0] or "—"
    if name == "status":
        return ctx._(STATUS_LABELS[table_name, value]) if (table_name, value) in STATUS_LABELS else str(value)
    if name == "amount":
        return f.fmt_number(float(value), ctx.lang, 2)
    if name in DATES:
        return when(ctx, value)
    return str(value)


def _fix_input(ctx: Ctx, r: quality.Rule) -> dict[str, Any] | None:
    """How the rule's field is filled: a people picker, a select of the sources, a date or a text."""
    if r.fix is None or not can_edit(ctx) or (r.fix == "owner_id" and not caller(ctx).manages):
        return None
    out: dict[str, Any] = {"field": r.fix, "label": ctx._(FIELD_LABELS.get(r.fix, r.fix))}
    if r.fix == "owner_id":
        return {**out, "kind": "select", "options": [{"value": o["id"], "label": o["name"]} for o in owner_choices(ctx)]}
    if r.fix == "source":
        labelled = {o["value"]: o["label"] for o in value_options(ctx, r.table, "source")}
        from pulso.web.records_ui import SOURCE_LABELS
        labelled.update({v: ctx._(label) for v, label in SOURCE_LABELS.items()})
        options = sorted(({"value": v, "label": label} for v, label in labelled.items()),
                         key=lambda o: (o["label"].casefold(), o["value"]))
        return {**out, "kind": "select", "options": options}
    if r.fix in DATES:
        return {**out, "kind": "datetime-local"}
    return {**out, "kind": "text"}


def _rule_page(ctx: Ctx, key: str, error: dict[str, Any] | None = None) -> Response:
    ctx.require("quality")
    r = _rule(key)
    try:
        page = max(1, min(int(ctx.request.query_params.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    store = ctx.services.store
    found, total = ctx.services.run(lambda: quality.rows(store, key, scope=ctx.scope, limit=PAGE, offset=(page - 1) * PAGE))
    accounts = ctx.services.record_labels(ctx.version, "accounts", tuple(sorted(
        {x["account_id"] for x in found if x.get("account_id")})))
    labels = ctx.services.record_labels(ctx.version, r.table, tuple(x["id"] for x in found))
    columns = COLUMNS[r.table]
    rows = []
    for x in found:
        own = labels.get(x["id"], ("", ""))
        name = own[0] or (own[1] and ctx._("Caso de {customer}").format(customer=own[1])) or ctx._("(sin nombre)")
        rows.append({"id": x["id"], "name": name, "href": f"{RECORD_PAGES[r.table]}/{x['id']}",
                     "cells": [_shown(ctx, r.table, c, x.get(c), accounts) for c in columns],
                     "values": {c: x.get(c) for c in columns}})
    finding = next(x for x in ctx.services.run(lambda: quality.check(store, (r.table,), scope=ctx.scope)) if x.rule == r.key)
    last = max(1, (total + PAGE - 1) // PAGE)
    done_n = ctx.request.query_params.get("fixed", "")
    data = {
        "title": ctx._("Calidad de datos") + " · " + ctx._(TABLE_LABELS[r.table]),
        "rule": key, "table": r.table, "sentence": f"{f.fmt_number(finding.bad, ctx.lang)} {ctx._('de')} "
        f"{f.fmt_number(finding.total, ctx.lang)} ({f.fmt_percent(finding.share, ctx.lang)}) {_sentence(ctx, finding)}",
        "why": finding.why[0 if ctx.lang == "es" else 1], "count": total, "page": page, "pages": last,
        "prev": f"/data/quality/{key}?page={page - 1}" if page > 1 else None,
        "next": f"/data/quality/{key}?page={page + 1}" if page < last else None,
        "headers": [ctx._("Registro")] + [ctx._(FIELD_LABELS[c]) for c in columns], "rows": rows,
        "fix": _fix_input(ctx, r), "error": error,
        "notice": ctx._("Corregidos: {n}").format(n=f.fmt_number(int(done_n), ctx.lang)) if done_n.isdigit() else "",
    }
    return answer(ctx, render(ctx, "quality_rule", data, template="quality_rule.html"), error)


@page_route(router, "/data/quality/{rule}", "quality_rule")
def quality_rule_page(ctx: Ctx, rule: str) -> Response:
    """The rows behind one rule inside the reader's scope, a page at a time, each fixable."""
    return _rule_page(ctx, rule)


@router.post("/data/quality/{rule}/fix", include_in_schema=False)
def quality_fix(ctx: Ctx, rule: str, ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI's form list)
                value: Annotated[str, Form(max_length=2000)] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Set the rule's field on the checked rows (or one row), then the list again with fewer rows."""
    ctx.require("quality")
    _rule(rule)
    check_form(ctx, csrf_token)
    try:
        n = ctx.services.run(lambda: quality.fix(ctx.services.store, caller(ctx), rule, ids, value))
    except ws.WorkspaceError as exc:
        return _rule_page(ctx, rule, error=refusal(ctx, exc))
    return done(ctx, f"/data/quality/{rule}?fixed={n}", {"fixed": n})


# -- API --------------------------------------------------------------------------------------

class QualityFix(m.Body):
    ids: list[str] = Field(min_length=1, max_length=ws.base.MAX_BULK)
    value: Optional[str] = Field(default=None, max_length=2000)


api = APIRouter(prefix=PREFIX, tags=["workspace"], route_class=CheckedBodyRoute,
                responses=error_responses(400, 401, 403, 404, 413, 415, 422), dependencies=[Depends(clean_parameters)])


@api.post("/quality/{rule}/fix", response_model=None, summary="Fix the rows a data quality rule flags",
          responses={200: {"model": m.Count}})
async def api_quality_fix(request: Request, caller: ApiCaller, rule: str, body: QualityFix) -> dict[str, Any]:
    """Set the field that fixes `rule` ('leads.no_source', 'deals.no_owner'...) to `value` on the
    records `ids`, all or nothing, inside the caller's scope (owners: managers and admins)."""
    n = await _run(request, caller, quality.fix, rule, body.ids, body.value, tables=(rule.partition(".")[0],))
    return {"count": n}


router.include_router(api)
