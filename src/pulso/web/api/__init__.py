"""The REST API under /api/v1: records, KPIs, audit, health (docs/api.md).

Its routers are mounted with the pages (pulso.web.routes.ROUTERS); `install(app)` adds the
JSON error handling of every /api/ path and the JSON 404 of unknown API paths.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from starlette.routing import Match

from pulso.web.api import errors
from pulso.web.api_deps import ApiError

PREFIX = "/api/v1"


def install(app: FastAPI) -> None:
    """JSON errors under /api/, and a JSON 404 for API paths no router serves (mounted last)."""
    errors.install(app)
    fallback = APIRouter()

    @fallback.api_route(PREFIX + "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                        include_in_schema=False)
    async def unknown(request: Request, path: str) -> None:
        allowed = set()
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            probe = {**request.scope, "method": method}
            if method != request.method and any(r.matches(probe)[0] == Match.FULL
                                                and getattr(r, "original_router", r) is not fallback
                                                for r in request.app.router.routes):
                allowed.add(method)
        if allowed:  # the path exists, not with this method
            raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}; "
                           f"use {', '.join(sorted(allowed))}")
        raise ApiError(404, "not_found", f"no API endpoint {request.method} {request.url.path}; "
                       f"see {PREFIX}/openapi.json")

    app.include_router(fallback)


def routers() -> list[APIRouter]:
    """The API's routers, for pulso.web.routes.ROUTERS."""
    from pulso.web.api import kpis, meta, records, workspace

    return [meta.router, records.router, kpis.router, workspace.router]
