"""What the API routers share: the prefix, page limits, JSON-ready rows, scoped reads."""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Any, Iterable

import sqlalchemy as sa
from fastapi import Request

from pulso.store import Store, coerce, schema
from pulso.web.api import scoping
from pulso.web.api_deps import ApiError, Caller

PREFIX = "/api/v1"
DEFAULT_PAGE = 100
MAX_PAGE = 1000
OPERATORS = {
    "eq": None, "ne": lambda c, v: c != v, "gt": lambda c, v: c > v, "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v, "lte": lambda c, v: c <= v,
}

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


def plain(value: Any) -> Any:
    """A stored value as JSON: amounts as numbers, instants in ISO 8601 UTC."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def plain_row(row: Any) -> dict[str, Any]:
    """A row mapping as a JSON object."""
    return {k: plain(v) for k, v in dict(row).items()}


def _filter_value(tbl: sa.Table, column: str, value: str, name: str, tz) -> Any:
    converted, errors = coerce.from_dicts(tbl, [{column: value}], tz)
    if errors:
        raise ApiError(400, "invalid_filter", f"{name}: {errors[0].reason}", name)
    return converted[column][0].as_py()


def where_filters(tbl: sa.Table, params: Iterable[tuple[str, str]], tz) -> list[sa.ColumnElement]:
    """Conditions from query parameters `col`, `col__op` (gt, gte, lt, lte, ne) and `col__null`."""
    equal: dict[str, list[Any]] = {}
    conditions = []
    for name, raw in params:
        column, _, op = name.partition("__")
        if column not in tbl.c:
            near = difflib.get_close_matches(column, list(tbl.c.keys()), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; the fields are: {', '.join(tbl.c.keys())}"
            raise ApiError(400, "unknown_filter", f"{tbl.name} has no field '{column}'{hint}", name)
        if op == "null":
            if raw.lower() not in ("true", "false"):
                raise ApiError(400, "invalid_filter", f"{name} takes true or false", name)
            conditions.append(tbl.c[column].is_(None) if raw.lower() == "true" else tbl.c[column].is_not(None))
            continue
        if op and op not in OPERATORS:
            raise ApiError(400, "unknown_filter", f"unknown operator '{op}'; use gt, gte, lt, lte, ne or null", name)
        value = _filter_value(tbl, column, raw, name, tz)
        if op in ("", "eq"):
            equal.setdefault(column, []).append(value)
        else:
            conditions.append(OPERATORS[op](tbl.c[column], value))
    conditions += [tbl.c[c].in_(vs) if len(vs) > 1 else tbl.c[c] == vs[0] for c, vs in equal.items()]
    return conditions


def listing(store: Store, caller: Caller, table: str, params: list[tuple[str, str]], limit: int, offset: int,
            after: str | None) -> dict[str, Any]:
    """A page of a table's records inside the caller's scope, in id order."""
    tbl = schema.table(table)
    query = sa.select(tbl)
    scoped = scoping.read_filter(caller, table)
    if scoped is not None:
        query = query.where(scoped)
    for cond in where_filters(tbl, params, store.timezone):
        query = query.where(cond)
    if after is not None:
        query = query.where(tbl.c.id > after)
    query = query.order_by(tbl.c.id).limit(limit + 1).offset(offset)
    with store.engine.connect() as conn:
        rows = [plain_row(r) for r in conn.execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return {"table": table, "records": rows, "limit": limit, "offset": offset, "has_more": more,
            "next_after": rows[-1]["id"] if more and rows else None}


def one_record(store: Store, caller: Caller, table: str, record_id: str) -> dict[str, Any]:
    """One record inside the caller's scope, or 404."""
    tbl = schema.table(table)
    query = sa.select(tbl).where(tbl.c.id == record_id)
    scoped = scoping.read_filter(caller, table)
    if scoped is not None:
        query = query.where(scoped)
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise ApiError(404, "not_found", f"no record '{record_id}' in {table} within your scope", "record_id")
    return {"table": table, "record": plain_row(row)}
