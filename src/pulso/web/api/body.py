"""Request bodies read with limits: size checked before parsing, JSON only, no NaN, bounded depth."""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Coroutine

from fastapi import Request, Response
from fastapi.routing import APIRoute

from pulso.web.api_deps import ApiError

#: Largest request body, in bytes (a batch of 10,000 deals is about 3 MB).
MAX_BODY_BYTES = 32 * 1024 * 1024
#: Deepest nesting of JSON arrays and objects accepted (records are flat).
MAX_DEPTH = 32
#: A \uD800 to \uDFFF escape: half of a UTF-16 pair, which alone is no character.
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


async def read_json(request: Request, *, limit: int | None = None) -> Any:
    """The JSON body of a request, refusing a wrong content type (415), a body over `limit` (413,
    before anything is parsed) and malformed or too deeply nested JSON (400)."""
    limit = MAX_BODY_BYTES if limit is None else limit
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json" and not (ctype.startswith("application/") and ctype.endswith("+json")):
        raise ApiError(415, "unsupported_media_type", f"send JSON with 'Content-Type: application/json' "
                       f"(got '{ctype or 'none'}')", "Content-Type")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "bad_request", "the Content-Length header is not a number", "Content-Length")
        if int(declared) > limit:
            raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ApiError(400, "invalid_json", "the request body is empty; send a JSON object", "body")
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_json", "the body is not UTF-8 text", "body") from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {str(exc)[:200]}", "body") from None
    _check_depth(value)
    if _SURROGATE.search(raw):
        _check_text(value)
    return value


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", f"the request body is larger than {limit:,} bytes; send smaller batches",
                    "body", limit=limit)


def _check_depth(value: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH (the C parser itself stops at Python's recursion limit)."""
    level = [value]
    for depth in range(MAX_DEPTH + 1):
        inner = []
        for item in level:
            if isinstance(item, dict):
                inner.extend(v for v in item.values() if isinstance(v, (dict, list)))
            elif isinstance(item, list):
                inner.extend(v for v in item if isinstance(v, (dict, list)))
        if not inner:
            return
        level = inner
    raise ApiError(400, "too_deep", f"the JSON is nested deeper than {MAX_DEPTH} levels", "body")


def _check_text(value: Any) -> None:
    """Refuse a lone UTF-16 surrogate (valid JSON, but no text a database can store or compare)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ApiError(400, "invalid_json", "the body holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF "
                               "escape without its pair), which is not text", "body") from None


#: Largest body of a workspace operation (one record's fields), in bytes.
MAX_FORM_BYTES = 64 * 1024


class CheckedBodyRoute(APIRoute):
    """A route whose typed JSON body (a Pydantic model FastAPI validates) is read by `read_json`
    first: a wrong content type (415), a body over MAX_FORM_BYTES (413, before it is parsed),
    malformed, NaN, too deep or lone-surrogate JSON (400) never reach the model."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def checked(request: Request) -> Response:
            value = await read_json(request, limit=MAX_FORM_BYTES)
            request._json = value  # what FastAPI's request.json() answers, parsed once, checked
            request._body = b"{}" if value is not None else b""
            return await handler(request)

        return checked
