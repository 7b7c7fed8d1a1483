"""The REST API under /api/v1: records, KPIs, audit, health (docs/api.md).

Its routers are mounted with the pages (pulso.web.routes.ROUTERS); `install(app)` adds the
JSON error handling of every /api/ path and the JSON 404 of unknown API paths.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request

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
        raise ApiError(404, "not_found", f"no API endpoint {request.method} {request.url.path}; "
                       f"see {PREFIX}/openapi.json")

    app.include_router(fallback)


def routers() -> list[APIRouter]:
    """The API's routers, for pulso.web.routes.ROUTERS."""
    from pulso.web.api import kpis, meta, records

    return [meta.router, records.router, kpis.router]
