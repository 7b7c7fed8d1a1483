"""Records of the canonical tables: list (filtered, paginated, scoped), get, batch upsert, delete.

Handlers are short: the work runs on the database thread in `pulso.web.api.writes` and below.
"""

from __future__ import annotations

import enum
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request

from pulso.store import schema
from pulso.web.api import writes
from pulso.web.api.body import read_json
from pulso.web.api.common import clean_parameters, PREFIX, MAX_PAGE, DEFAULT_PAGE, error_responses, listing, one_record
from pulso.web.api_deps import ApiCaller, ApiError, require_role, require_write

router = APIRouter(prefix=PREFIX + "/records", tags=["records"], responses=error_responses(),
                   dependencies=[Depends(clean_parameters)])

Table = enum.Enum("Table", {name: name for name in schema.CANONICAL_TABLES}, type=str)
Table.__doc__ = "A canonical table."
MAX_BATCH = 10_000

BATCH_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["records"], "additionalProperties": False,
        "properties": {"records": {
            "type": "array", "maxItems": MAX_BATCH,
            "description": "Records of the table (fields as in docs/api.md). Each needs `id` or `external_id`; "
                           "fields a record leaves out keep their stored value.",
            "items": {"type": "object", "additionalProperties": True},
        }},
    }}},
}


@router.get("/{table}", summary="List records")
async def list_records(
    request: Request, caller: ApiCaller, table: Table,
    limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE, description="records per page"),
    offset: int = Query(0, ge=0, le=10_000_000),
    after: str | None = Query(None, max_length=500, description="only ids after this one (the previous page's `next_after`)"),
) -> dict[str, Any]:
    """Records of a table in id order, inside the caller's scope. Any other query parameter filters
    a column: `status=won`, `owner_id=u1&owner_id=u2`, `created_at__gte=2026-01-01`, `closed_at__null=true`."""
    filters = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset", "after")]
    services = request.app.state.services
    return await services.call(listing, services.store, caller, table.value, filters, limit, offset, after)


@router.get("/{table}/{record_id}", summary="Get one record")
async def get_record(request: Request, caller: ApiCaller, table: Table,
                     record_id: str = Path(max_length=500)) -> dict[str, Any]:
    """One record by id (404 when it does not exist or lies outside the caller's scope)."""
    services = request.app.state.services
    return await services.call(one_record, services.store, caller, table.value, record_id)


@router.post("/{table}", summary="Insert or update records", openapi_extra={"requestBody": BATCH_BODY})
async def upsert_records(request: Request, caller: ApiCaller, table: Table) -> dict[str, Any]:
    """Insert or update up to 10,000 records by `id` (or by `external_id` when a record has no id), in
    one transaction: all are written or none, with every record's errors listed."""
    require_write(caller)
    body = await read_json(request)
    if not isinstance(body, dict) or set(body) != {"records"} or not isinstance(body["records"], list):
        raise ApiError(400, "invalid_body", 'send {"records": [{...}, ...]}', "records")
    if len(body["records"]) > MAX_BATCH:
        raise ApiError(413, "batch_too_large", f"{len(body['records']):,} records; send at most {MAX_BATCH:,} per request",
                       "records", limit=MAX_BATCH)
    services = request.app.state.services
    return await services.call(writes.upsert, services.store, caller, table.value, body["records"])


@router.delete("/{table}/{record_id}", summary="Delete one record (admin)")
async def delete_record(request: Request, caller: ApiCaller, table: Table,
                        record_id: str = Path(max_length=500)) -> dict[str, Any]:
    """Delete a record no other record refers to; admins only, audit-logged."""
    require_role(caller, "admin")
    services = request.app.state.services
    return await services.call(writes.delete, services.store, caller, table.value, record_id)
