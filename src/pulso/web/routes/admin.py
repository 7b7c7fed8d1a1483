"""Admin pages: API tokens (create, shown once; revoke) and the audit log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import Form
from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from pulso import audit, tokens
from pulso import formatting as f
from pulso.i18n import N_, error_text
from pulso.store.schema import ROLES
from pulso.web.deps import Ctx, csrf_binding
from pulso.web.pages import cell, page_route, render, table

router = APIRouter()
AUDIT_PAGE = 50
#: The audit page's filter: (action patterns, Spanish label).
AUDIT_GROUPS = {"": ((), N_("Todo")), "auth": (("auth.*",), N_("Accesos")), "token": (("token.*",), N_("Tokens de API")),
                "records": (("records.*",), N_("Escrituras y borrados")), "export": (("export.*",), N_("Exportaciones")),
                "users": (("users.*",), N_("Usuarios y roles"))}


def _when(value: dt.datetime | None, ctx) -> str:
    if value is None:
        return ""
    return f.fmt_time(value, ctx.lang, ctx.timezone, zone=True)


def _tokens_page(ctx, created: tokens.Created | None = None, error: str = "") -> Response:
    services = ctx.services
    found = services.run(tokens.listing, services.store)
    rows = [[cell(t.name), cell(t.id), cell(t.role), cell(t.team_id or t.user_id or ctx._("toda la empresa")),
             cell(_when(t.created_at, ctx)), cell(_when(t.last_used_at, ctx)),
             cell(ctx._("revocado") if t.revoked_at else ctx._("activo"))] for t in found]
    columns = [(ctx._("Nombre"), False), ("Id", False), (ctx._("Rol"), False), (ctx._("Alcance"), False),
               (ctx._("Creado"), False), (ctx._("Último uso"), False), (ctx._("Estado"), False)]
    data = {
        "title": ctx._("Tokens de API"),
        "sections": [table(ctx._("Tokens"), columns, rows, empty=ctx._("Todavía no hay tokens."))],
        "active": [{"id": t.id, "name": t.name} for t in found if t.active],
        "roles": list(ROLES), "error": error,
        "created": {"id": created.token.id, "secret": created.secret} if created else None,
    }
    return render(ctx, "tokens", data, template="admin_tokens.html")


@page_route(router, "/settings/tokens", "tokens")
def tokens_page(ctx: Ctx) -> Response:
    """API tokens: who can reach the API, with which role and scope."""
    ctx.require("tokens")
    return _tokens_page(ctx)


def _check(ctx, csrf_token: str) -> None:
    ctx.require("tokens")
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)


@router.post("/settings/tokens", include_in_schema=False)
def tokens_create(ctx: Ctx, name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
                  team_id: Annotated[str, Form()] = "", user_id: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    """Create a token and show its secret this once."""
    _check(ctx, csrf_token)
    actor = audit.Actor("user", ctx.user.id)
    ip = ctx.request.client.host if ctx.request.client else None
    try:
        created = ctx.services.run(lambda: tokens.create(ctx.services.store, name, role=role, team_id=team_id.strip(),
                                                         user_id=user_id.strip(), created_by=actor, ip=ip))
    except tokens.TokenError as exc:
        return _tokens_page(ctx, error=error_text(exc, ctx.lang))
    return _tokens_page(ctx, created=created)


@router.post("/settings/tokens/{token_id}/revoke", include_in_schema=False)
def tokens_revoke(ctx: Ctx, token_id: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    """Revoke a token at once."""
    _check(ctx, csrf_token)
    ip = ctx.request.client.host if ctx.request.client else None
    try:
        ctx.services.run(tokens.revoke, ctx.services.store, token_id, actor=audit.Actor("user", ctx.user.id), ip=ip)
    except tokens.TokenError as exc:
        return _tokens_page(ctx, error=error_text(exc, ctx.lang))
    return RedirectResponse("/settings/tokens", status_code=303)


@page_route(router, "/admin/audit", "audit")
def audit_page(ctx: Ctx) -> Response:
    """The audit log, newest first, a page at a time, filtered by kind of action."""
    ctx.require("audit")
    group = ctx.request.query_params.get("kind", "")
    group = group if group in AUDIT_GROUPS else ""
    try:
        page = max(1, min(10_000, int(ctx.request.query_params.get("page", "1"))))
    except ValueError:
        page = 1
    services = ctx.services
    entries = services.run(lambda: audit.entries(services.store, actions=AUDIT_GROUPS[group][0] or None,
                                                 limit=AUDIT_PAGE + 1, offset=(page - 1) * AUDIT_PAGE))
    more = len(entries) > AUDIT_PAGE
    rows = [[cell(_when(e["occurred_at"], ctx), sort=e["occurred_at"].timestamp()),
             cell(actor_text(ctx, e["actor_kind"], e["actor_id"])),
             code(e["action"]), code(f"{e['target_table'] or ''} {e['target_id'] or ''}".strip()),
             code(_detail(e["detail"])), cell(e["ip"] or "")] for e in entries[:AUDIT_PAGE]]
    columns = [(ctx._("Cuándo"), False), (ctx._("Quién"), False), (ctx._("Acción"), False),
               (ctx._("Sobre qué"), False), (ctx._("Detalle"), False), ("IP", False)]
    data: dict[str, Any] = {
        "title": ctx._("Auditoría"),
        "sections": [table(ctx._("Registro de auditoría"), columns, rows, empty=ctx._("Nada registrado todavía."))],
        "kinds": [{"key": k, "label": ctx._(label), "current": k == group} for k, (_, label) in AUDIT_GROUPS.items()],
        "page_number": page,
        "prev": f"/admin/audit?kind={group}&page={page - 1}" if page > 1 else None,
        "next": f"/admin/audit?kind={group}&page={page + 1}" if more else None,
    }
    return render(ctx, "audit", data, template="admin_audit.html")


#: Who acted, in words (audit.ACTOR_KINDS): a user is shown by their name alone.
ACTORS = {"token": N_("token de API"), "cli": N_("línea de órdenes"), "system": N_("sistema"), "anonymous": N_("anónimo")}


def actor_text(ctx, kind: str, actor_id: str | None) -> str:
    if kind == "user":
        return ctx.label("owner", actor_id)
    return f"{ctx._(ACTORS[kind]) if kind in ACTORS else kind} {actor_id or ''}".strip()


def code(text: str) -> dict[str, Any]:
    """A cell of the log's own codes (action, record, detail as JSON), shown as code (macros.html)."""
    return {**cell(text), "code": True}


def _detail(detail: dict[str, Any]) -> str:
    text = json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True) if detail else ""
    return text if len(text) <= 160 else text[:157] + "…"


from pulso.web.routes import rates  # noqa: E402  (the exchange rates page, /admin/rates)

router.include_router(rates.router)

from pulso.web.routes import users  # noqa: E402  (users, roles and teams, /admin/users; /welcome/{token})

router.include_router(users.router)

from pulso.web.routes import settings_admin  # noqa: E402  (the settings page, /admin/settings)

router.include_router(settings_admin.router)
