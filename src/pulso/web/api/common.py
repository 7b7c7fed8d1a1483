"""What the API routers share: the prefix, page limits, refused parameters, error descriptions and
JSON-ready rows (`plain`: pulso.store.records's; `plain_row` without the store's internal search
columns, pulso.store.searchable.COLUMNS)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from pulso.store.records import plain  # noqa: F401  (shared by the routers)
from pulso.store.searchable import COLUMNS as HIDDEN
from pulso.web.api_deps import ApiError

PREFIX = "/api/v1"
DEFAULT_PAGE = 100
MAX_PAGE = 1000


def plain_row(row: Any) -> dict[str, Any]:
    """A row mapping as a JSON object, without the search columns the store keeps for itself."""
    return {k: plain(v) for k, v in dict(row).items() if k not in HIDDEN}


ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "field"],
        "properties": {
            "code": {"type": "string", "description": "stable, e.g. invalid_parameter, out_of_scope"},
            "message": {"type": "string"},
            "field": {"type": ["string", "null"], "description": "the offending parameter, header or field"},
            "errors": {"type": "array", "items": {"type": "object"}, "description": "per-record errors of a batch"},
        },
    }},
}


async def clean_parameters(request: Request) -> None:
    """Refuse a NUL character in the path or a query parameter (PostgreSQL cannot even compare it)."""
    if "\x00" in request.url.path:
        raise ApiError(400, "invalid_parameter", "the path contains a NUL character", "path")
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            raise ApiError(400, "invalid_parameter", f"the parameter {name[:80]!r} contains a NUL character",
                           name.replace("\x00", "")[:80])


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of the JSON errors an endpoint answers."""
    described = {400: "Invalid parameter or body", 401: "No valid token or session", 403: "Role or scope refuses it",
                 404: "Not found", 413: "Body or batch too large", 415: "Not JSON", 422: "Records refused"}
    chosen = statuses or (400, 401, 403, 404)
    return {s: {"description": described[s], "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            for s in chosen}
