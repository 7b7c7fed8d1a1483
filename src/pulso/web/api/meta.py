"""Health, version, the OpenAPI schema, the audit log and API tokens (admins)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from pulso import __version__, audit, tokens
from pulso.store import Store
from pulso.web.api.body import read_json
from pulso.web.api.common import clean_parameters, PREFIX, error_responses, plain, plain_row
from pulso.web.api_deps import ApiCaller, ApiError, require_role
from pulso.web.periods import MAX_OFFSET, PeriodError, check_day

router = APIRouter(prefix=PREFIX, tags=["meta"], responses=error_responses(),
                   dependencies=[Depends(clean_parameters)])
MAX_AUDIT = 500

@router.get("/health", summary="Is the workspace answering", responses={})
def health(request: Request) -> dict[str, Any]:
    """Liveness, without authentication: the workspace answers and its data version."""
    services = request.app.state.services
    return {"ok": True, "data_version": services.workspace().get("data_version")}

@router.get("/version", summary="Versions", responses={})
def version(request: Request) -> dict[str, Any]:
    """Pulso's version, the API's, and the workspace's schema revision (no authentication)."""
    services = request.app.state.services
    return {"pulso": __version__, "api": "v1", "schema": services.run(services.store.revision),
            "database": services.store.dialect}

@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request) -> JSONResponse:
    """The OpenAPI schema of the API (the pages' JSON twins are left out: they are not the API)."""
    whole = request.app.openapi()
    paths = {p: v for p, v in whole.get("paths", {}).items() if p.startswith(PREFIX + "/")}
    security = {"bearer": {"type": "http", "scheme": "bearer", "description": "an API token (pulso tokens create)"}}
    components = {**whole.get("components", {}), "securitySchemes": security}
    return JSONResponse({**whole, "paths": paths, "components": components, "security": [{"bearer": []}],
                         "info": {**whole["info"], "title": "Pulso API"}})

@router.get("/me", summary="Who is calling")
def me(caller: ApiCaller) -> dict[str, Any]:
    """The caller's role, scope and identity as the API sees them."""
    return {"role": caller.role, "via": caller.via, "user_id": caller.user_id, "team_id": caller.team_id,
            "token_id": caller.token_id, "scope": {"kind": caller.scope.kind, "ids": list(caller.scope.ids)},
            "can_write": caller.can_write}

@router.get("/audit", summary="The audit log (admin)")
def audit_log(request: Request, caller: ApiCaller,
              action: list[str] = Query([], max_length=20, description='e.g. auth.sign_in, or "auth.*"'),
              actor_id: str | None = Query(None, max_length=200),
              since: dt.datetime | None = None, until: dt.datetime | None = None,
              limit: int = Query(100, ge=1, le=MAX_AUDIT), offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> dict[str, Any]:
    """Entries newest first: who (actor kind and id) did what (action) to what (target), when and from where."""
    require_role(caller, "admin")
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ApiError(400, "invalid_parameter", f"give {name} with a time zone, e.g. 2026-11-30T10:00:00Z", name)
        if value is not None:
            try:
                check_day(value.date(), name)  # the years every period may name (pulso.web.periods)
            except PeriodError as exc:
                raise ApiError(400, "invalid_period", str(exc), name) from None
    services = request.app.state.services
    rows = services.run(lambda: audit.entries(services.store, actions=action or None, actor_id=actor_id,
                                              since=since, until=until, limit=limit, offset=offset))
    return {"entries": [plain_row(r) for r in rows], "limit": limit, "offset": offset}

def _token_json(t: tokens.Token) -> dict[str, Any]:
    return {k: plain(v) for k, v in vars(t).items()} | {"active": t.active}

@router.get("/tokens", summary="API tokens (admin)")
def token_list(request: Request, caller: ApiCaller) -> dict[str, Any]:
    """Every token, without secrets."""
    require_role(caller, "admin")
    services = request.app.state.services
    return {"tokens": [_token_json(t) for t in services.run(tokens.listing, services.store)]}

TOKEN_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["name", "role"], "additionalProperties": False,
    "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200},
                   "role": {"type": "string", "enum": ["admin", "manager", "rep", "viewer"]},
                   "team_id": {"type": ["string", "null"]}, "user_id": {"type": ["string", "null"]}},
}}}}

@router.post("/tokens", summary="Create an API token (admin)", status_code=201, openapi_extra={"requestBody": TOKEN_BODY})
async def token_create(request: Request, caller: ApiCaller) -> dict[str, Any]:
    """A new token; its secret is in this answer only."""
    require_role(caller, "admin")
    body = await read_json(request, limit=64 * 1024)
    if not isinstance(body, dict) or not {"name", "role"} <= set(body) or set(body) - {"name", "role", "team_id", "user_id"}:
        raise ApiError(400, "invalid_body", 'send {"name": ..., "role": ..., "team_id"?: ..., "user_id"?: ...}', "body")
    for field in ("name", "role", "team_id", "user_id"):
        if body.get(field) is not None and not isinstance(body[field], str):
            raise ApiError(400, "invalid_body", f"{field} must be text", field)
    services = request.app.state.services
    store: Store = services.store
    created = await services.call(lambda: tokens.create(store, body["name"], role=body["role"], team_id=body.get("team_id"),
                                                        user_id=body.get("user_id"), created_by=caller.actor, ip=caller.ip))
    return {"token": _token_json(created.token), "secret": created.secret}

@router.delete("/tokens/{token_id}", summary="Revoke an API token (admin)")
def token_revoke(request: Request, caller: ApiCaller, token_id: str) -> dict[str, Any]:
    """Stop a token from working, at once."""
    require_role(caller, "admin")
    services = request.app.state.services
    try:
        token = services.run(tokens.revoke, services.store, token_id, actor=caller.actor, ip=caller.ip)
    except tokens.TokenError as exc:
        raise ApiError(404, "not_found", str(exc), "token_id") from None
    return {"token": _token_json(token)}
