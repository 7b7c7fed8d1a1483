"""API errors as JSON, `{"error": {"code", "message", "field"}}`, for every path under /api/.

Pages keep their own error handling (pulso.web.errors, whose ERRORS table gives both their
status and the API's code); `install` wraps those handlers so that
a request under /api/ always gets JSON, whatever raised: an ApiError, a PulsoError from the
layers below, FastAPI's parameter validation, an unknown path or method.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pulso.errors import PulsoError, RecordError, RecordsError, ValidationError
from pulso.web.api_deps import ApiError
from pulso.web.errors import classify

log = logging.getLogger("pulso.api")
PREFIX = "/api/"

STATUS_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type", 422: "invalid"}


def record_error(e: RecordError) -> dict[str, Any]:
    """One record's error as JSON: table, id, position in the request, field, reason."""
    return {"table": e.table, "id": e.record_id, "index": e.index, "field": e.field, "reason": e.reason}


def to_api_error(exc: Exception) -> ApiError:
    """The ApiError standing for any error an API request met."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ValidationError):
        errors = [record_error(e) for e in exc.errors[:1000]]
        first = exc.errors[0] if exc.errors else None
        return ApiError(422, "invalid_records", str(exc),
                        first.field if first else None, errors=errors)
    if isinstance(exc, RequestValidationError):
        problems = exc.errors()
        first = problems[0] if problems else {"loc": (), "msg": "malformed request"}
        field = ".".join(str(p) for p in first["loc"][1:]) or None
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in problems[:5])
        return ApiError(400, "invalid_parameter", message, field)
    if isinstance(exc, StarletteHTTPException):
        return ApiError(exc.status_code, STATUS_CODES.get(exc.status_code, "http_error"), str(exc.detail))
    if isinstance(exc, PulsoError):  # the status of pulso.web.errors.ERRORS, shared with the pages
        status, code, _ = classify(exc)
        if isinstance(exc, RecordsError):  # the field at fault, and the records concerned
            listed = {} if exc.errors is None else {"errors": [record_error(e) for e in exc.errors[:1000]]}
            return ApiError(status, code, str(exc), exc.field, **listed)
        return ApiError(status, code, str(exc))
    return ApiError(500, "internal", "the server failed; the error is in its log")


def response(exc: Exception) -> JSONResponse:
    """The JSON response of an error."""
    error = to_api_error(exc)
    if error.status >= 500:
        log.error("API request failed: %s", exc, exc_info=exc)
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def install(app: FastAPI) -> None:
    """Answer errors of /api/ requests with JSON; other paths keep their handlers."""
    previous = dict(app.exception_handlers)

    def wrap(cls: type[Exception]):
        fallback = previous.get(cls)

        async def handle(request: Request, exc: Exception) -> Response:
            if request.url.path.startswith(PREFIX) or fallback is None:
                return response(exc)
            return await fallback(request, exc)

        return handle

    app.add_exception_handler(ApiError, lambda request, exc: response(exc))
    for cls in (PulsoError, StarletteHTTPException, RequestValidationError):
        app.add_exception_handler(cls, wrap(cls))
