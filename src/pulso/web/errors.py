"""Every error a request can meet, mapped to a status and a page (or JSON) in one place.

ERRORS is the one table from an error to its HTTP status: pages take its title, the API
(pulso.web.api.errors) its code, so a page and an API call that meet the same error answer the
same status."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pulso.errors import (FilterError, KpiError, PulsoError, RecordForbiddenError, RecordNotFoundError,
                          RecordReferencedError, ScopeError, StoreBusyError, StoreError, UnknownFilterError)
from pulso.i18n import N_, said_text
from pulso.tokens import TokenError
from pulso.web.auth import AuthError, CsrfError, ForbiddenError, ThrottledError
from pulso.web.i18n import pick_language, translate
from pulso.web.periods import PeriodError, QueryError
from pulso.workspace.errors import InputError, StateError, StoreLimitError, SurveyLinkError, WorkspaceError


log = logging.getLogger("pulso.web")


class NotFoundError(PulsoError):
    """A page or a KPI that does not exist."""


#: error class → (HTTP status, API code, page title in Spanish). The first match in order wins.
ERRORS: list[tuple[type[Exception], int, str, str]] = [
    (AuthError, 401, "unauthenticated", N_("Inicia sesión")),
    (CsrfError, 403, "csrf", N_("Formulario caducado")),
    (ForbiddenError, 403, "forbidden", N_("Sin acceso")),
    (ScopeError, 403, "out_of_scope", N_("Fuera de tu alcance")),  # pulso.errors.RecordScopeError too
    (RecordForbiddenError, 403, "forbidden", N_("Sin acceso")),
    (RecordNotFoundError, 404, "not_found", N_("No encontrado")),
    (RecordReferencedError, 409, "referenced", N_("Error")),
    (UnknownFilterError, 400, "unknown_filter", N_("Consulta no válida")),
    (FilterError, 400, "invalid_filter", N_("Consulta no válida")),
    (ThrottledError, 429, "throttled", N_("Demasiados intentos")),
    (NotFoundError, 404, "not_found", N_("No encontrado")),
    (PeriodError, 400, "invalid_period", N_("Periodo no válido")),
    (KpiError, 400, "invalid_query", N_("Consulta no válida")),
    (QueryError, 400, "invalid_query", N_("Consulta no válida")),
    (TokenError, 400, "invalid_token_request", N_("Consulta no válida")),
    (InputError, 422, InputError.code, N_("Datos no válidos")),  # pulso.workspace's refusals
    (StateError, 409, StateError.code, N_("No se puede ahora")),
    (StoreLimitError, 409, StoreLimitError.code, N_("No se puede ahora")),
    (SurveyLinkError, 410, SurveyLinkError.code, N_("Enlace caducado")),
    (StoreBusyError, 503, "busy", N_("Espacio de trabajo no disponible")),
    (StoreError, 503, "unavailable", N_("Espacio de trabajo no disponible")),
    (PulsoError, 500, "internal", N_("Error")),
]


def classify(exc: Exception) -> tuple[int, str, str]:
    """(status, API code, page title) of an error, from ERRORS."""
    for cls, status, code, title in ERRORS:
        if isinstance(exc, cls):
            return status, code, title
    return 500, "internal", N_("Error")


def said_as(exc: Exception) -> bool:
    """True for an error that carries its message as a msgid and values (pulso.i18n.said)."""
    return isinstance(getattr(exc, "text", None), str) and isinstance(getattr(exc, "values", None), dict)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.endswith(".json") or ("application/json" in accept and "text/html" not in accept)


async def _language(request: Request) -> str:
    """The signed-in user's language, else the sign-in page's choice, else Spanish."""
    sessions, services = request.app.state.sessions, request.app.state.services
    token = sessions.token(request.cookies.get("pulso_session"))
    user = await services.call(sessions.user, token) if token else None
    return pick_language(user.locale if user and user.locale else request.cookies.get("pulso_lang"))


async def error_response(request: Request, status: int, title: str,
                         message: str | QueryError | WorkspaceError | PulsoError) -> Response:
    """An error as JSON or as a page in the user's language (a QueryError's or a workspace refusal's
    message too)."""
    strict = request.app.state.services.settings.strict_i18n
    lang = await _language(request)
    if isinstance(message, QueryError):
        message = message.message(lang, strict=strict)
    elif isinstance(message, WorkspaceError):
        message = message.message(lambda text: translate(text, lang, strict=strict))
    elif isinstance(message, Exception):  # a lower layer's error raised with pulso.i18n.said
        message = said_text(message.text, message.values, str(message), lambda text: translate(text, lang, strict=strict))
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html",
        {"_": lambda s: translate(s, lang, strict=strict), "lang": lang, "title": translate(title, lang, strict=strict),
         "message": message, "status": status},
        status_code=status,
    )


def install(app: FastAPI) -> None:
    """Register the handlers."""

    async def pulso_error(request: Request, exc: Exception) -> Response:
        status, _, title = classify(exc)
        if status >= 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
        if isinstance(exc, AuthError) and not _wants_json(request) and request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
        message = exc if isinstance(exc, (QueryError, WorkspaceError)) or (status != 403 and said_as(exc)) else str(exc)
        if status == 403 and isinstance(message, str) and not _wants_json(request):  # a page in one language
            message = QueryError(N_("El formulario ha caducado: vuelve a cargar la página e inténtalo de nuevo.")
                                 if isinstance(exc, CsrfError) else N_("Tu rol o tu alcance no te dejan ver esta página."))
        return await error_response(request, status, title, message)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: N_("No encontrado"), 405: N_("Método no permitido")}.get(exc.status_code, N_("Error"))
        return await error_response(request, exc.status_code, title, str(exc.detail))

    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) for e in exc.errors())
        return await error_response(request, 400, N_("Consulta no válida"),
                                    QueryError(N_("Falta o está mal formado: {fields}"), fields=fields[:200]))

    app.add_exception_handler(PulsoError, pulso_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_request)
