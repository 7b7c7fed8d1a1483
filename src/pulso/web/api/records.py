"""Records of the canonical tables: list (filtered, paginated, scoped), get, batch upsert, delete.

Handlers parse the request and ask pulso.store.records on the database thread, in the caller's
scope; the store's refusals (pulso.errors.RecordsError, ValidationError) become JSON errors through
the one error table (pulso.web.errors.ERRORS). Writes are audit-logged in their own transaction
and announced to the alert rules (pulso.events).
"""

from __future__ import annotations

import enum
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request

from pulso import audit, events
from pulso.store import Store, records
from pulso.store.schema import CANONICAL_TABLES
from pulso.web.api.body import read_json
from pulso.web.api.models import RECORDS, RecordOut, RecordPage
from pulso.web.api.common import clean_parameters, PREFIX, MAX_PAGE, DEFAULT_PAGE, error_responses, plain_row
from pulso.web.api_deps import ApiCaller, ApiError, Caller, require_role, require_write

router = APIRouter(prefix=PREFIX + "/records", tags=["records"], responses=error_responses(),
                   dependencies=[Depends(clean_parameters)])

Table = enum.Enum("Table", {name: name for name in CANONICAL_TABLES}, type=str)
Table.__doc__ = "A canonical table."
MAX_BATCH = 10_000

BATCH_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["records"], "additionalProperties": False,
        "properties": {"records": {
            "type": "array", "maxItems": MAX_BATCH,
            "description": "Records of the table (its record schema, e.g. DealsRecord for deals). Each needs `id` "
                           "or `external_id`; fields a record leaves out keep their stored value.",
            "items": {"anyOf": [{"$ref": f"#/components/schemas/{model.__name__}"} for model in RECORDS.values()]},
        }},
    }}},
}


@router.get("/{table}", summary="List records", response_model=None, responses={200: {"model": RecordPage}})
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
    return await services.call(_listing, services.store, caller, table.value, filters, limit, offset, after)


@router.get("/{table}/{record_id}", summary="Get one record", response_model=None, responses={200: {"model": RecordOut}})
async def get_record(request: Request, caller: ApiCaller, table: Table,
                     record_id: str = Path(max_length=500)) -> dict[str, Any]:
    """One record by id (404 when it does not exist or lies outside the caller's scope)."""
    services = request.app.state.services
    return await services.call(_one, services.store, caller, table.value, record_id)


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
    return await services.call(_upsert, services.store, caller, table.value, body["records"])


@router.delete("/{table}/{record_id}", summary="Delete one record (admin)")
async def delete_record(request: Request, caller: ApiCaller, table: Table,
                        record_id: str = Path(max_length=500)) -> dict[str, Any]:
    """Delete a record no other record refers to; admins only, audit-logged."""
    require_role(caller, "admin")
    services = request.app.state.services
    return await services.call(_delete, services.store, caller, table.value, record_id)


# -- on the database thread ---------------------------------------------------------------------


def _listing(store: Store, caller: Caller, table: str, params: list[tuple[str, str]], limit: int, offset: int,
             after: str | None) -> dict[str, Any]:
    page = records.listing(store, caller.scope, table, params, limit=limit, offset=offset, after=after)
    return {"table": table, "records": [plain_row(r) for r in page.records], "limit": limit, "offset": offset,
            "has_more": page.has_more, "next_after": page.next_after}


def _one(store: Store, caller: Caller, table: str, record_id: str) -> dict[str, Any]:
    return {"table": table, "record": plain_row(records.get(store, caller.scope, table, record_id))}


def _audit(store: Store, caller: Caller) -> records.Audit:
    """Audit entries of the caller's writes, in the write's transaction."""
    return lambda conn, action, target, detail: audit.record(store, action, actor=caller.actor, target=target,
                                                             detail=detail, ip=caller.ip, conn=conn)


def _upsert(store: Store, caller: Caller, table: str, batch: list[Any]) -> dict[str, Any]:
    result = records.upsert(store, caller.scope, table, batch, admin=caller.is_admin, user_id=caller.user_id,
                            audit=_audit(store, caller), via="api")
    events.data_arrived(store, source="api", tables=(table,))
    return result


def _delete(store: Store, caller: Caller, table: str, record_id: str) -> dict[str, Any]:
    result = records.delete(store, caller.scope, table, record_id, audit=_audit(store, caller))
    events.data_arrived(store, source="api", tables=(table,))
    return result
