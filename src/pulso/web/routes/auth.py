"""Sign in, sign out, and the language switch."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pulso import audit
from pulso.web.auth import ANON_COOKIE, SESSION_COOKIE, ThrottledError, check_password, find_user_by_email, set_locale
from pulso.web.deps import CurrentUser, ServicesDep, SessionsDep, csrf_binding
from pulso.formatting import LANGS
from pulso.web.i18n import pick_language, translate

router = APIRouter()
LANG_COOKIE = "pulso_lang"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another origin."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _signin_page(request: Request, services, sessions, *, error: str = "", email: str = "", next_: str = "/",
                 status: int = 200, lang: str | None = None) -> Response:
    lang = lang or pick_language(request.cookies.get(LANG_COOKIE))
    strict = services.settings.strict_i18n
    nonce = sessions.token(request.cookies.get(ANON_COOKIE))
    fresh = nonce is None
    if fresh:
        nonce = secrets.token_urlsafe(24)
    response = request.app.state.templates.TemplateResponse(
        request, "signin.html",
        {"_": lambda s: translate(s, lang, strict=strict), "lang": lang, "title": translate("Entrar", lang, strict=strict),
         "csrf": sessions.csrf_token(nonce), "error": error, "email": email, "next": _safe_next(next_)},
        status_code=status,
    )
    if fresh:
        response.set_cookie(ANON_COOKIE, sessions.signer.dumps(nonce), httponly=True, samesite="lax",
                            secure=services.settings.secure_cookies, path="/")
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="lax", secure=services.settings.secure_cookies)
    return response


@router.get("/signin", include_in_schema=False)
def signin_form(request: Request, services: ServicesDep, sessions: SessionsDep, next: str = "/", lang: str | None = None) -> Response:
    """The sign-in form."""
    return _signin_page(request, services, sessions, next_=next, lang=lang if lang in LANGS else None)


@router.post("/signin", include_in_schema=False)
def signin(request: Request, services: ServicesDep, sessions: SessionsDep,
           email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
           csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    """Check e-mail and password (throttled), start a session, go where the user was heading."""
    sessions.check_csrf(sessions.token(request.cookies.get(ANON_COOKIE)), csrf_token)
    lang = pick_language(request.cookies.get(LANG_COOKIE))
    _ = lambda s: translate(s, lang, strict=services.settings.strict_i18n)  # noqa: E731
    throttle = request.app.state.throttle
    ip = request.client.host if request.client else None
    try:  # the attempt is counted before the password is checked: parallel tries cannot pass the limit
        services.run(throttle.reserve, email, ip)
    except ThrottledError as exc:
        services.run(audit.record, services.store, "auth.sign_in_throttled", actor=audit.Actor("anonymous"),
                     detail={"email": email[:200]}, ip=ip)
        message = _("Demasiados intentos fallidos. Espera {n} minutos y vuelve a probar.").format(n=exc.minutes)
        return _signin_page(request, services, sessions, error=message, email=email, next_=next, status=429)
    row = services.run(find_user_by_email, services.store, email)
    if not check_password(row, password):
        services.run(audit.record, services.store, "auth.sign_in_failed", actor=audit.Actor("anonymous"),
                     detail={"email": email[:200]}, ip=ip)
        return _signin_page(request, services, sessions, error=_("Correo o contraseña incorrectos."),
                            email=email, next_=next, status=401)
    def start() -> str:
        throttle.succeeded(email)
        if services.settings.record_logins:  # CRM adoption counts sign-ins to Pulso too
            services.store.upsert("usage_events", [{
                "id": f"web-{uuid.uuid4().hex}", "user_id": row["id"], "action": "login", "entity": "web",
                "occurred_at": dt.datetime.now(dt.timezone.utc),
            }])
        audit.record(services.store, "auth.sign_in", actor=audit.Actor("user", row["id"]), ip=ip)
        return sessions.start(row["id"])

    cookie = services.run(start)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=services.settings.session_days * 86400, httponly=True,
                        samesite="lax", secure=services.settings.secure_cookies, path="/")
    response.delete_cookie(ANON_COOKIE, path="/")
    return response


@router.post("/signout", include_in_schema=False)
def signout(request: Request, user: CurrentUser, services: ServicesDep, sessions: SessionsDep,
            csrf_token: Annotated[str, Form()] = "") -> Response:
    """End the session."""
    sessions.check_csrf(csrf_binding(request, user), csrf_token)
    services.run(sessions.end, user.session_token)
    services.run(audit.record, services.store, "auth.sign_out", actor=audit.Actor("user", user.id),
                 ip=request.client.host if request.client else None)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/preferences/language", include_in_schema=False)
def language(request: Request, user: CurrentUser, services: ServicesDep, sessions: SessionsDep,
             lang: Annotated[str, Form()] = "es", next: Annotated[str, Form()] = "/",
             csrf_token: Annotated[str, Form()] = "") -> Response:
    """Switch the user's language, remembered for their next visits."""
    sessions.check_csrf(csrf_binding(request, user), csrf_token)
    if lang in LANGS:
        services.run(set_locale, services.store, user.id, lang)
        sessions.forget_user(user.id)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/healthz", include_in_schema=False)
def health(services: ServicesDep) -> dict:
    """Liveness: the workspace answers."""
    return {"ok": True, "data_version": services.workspace().get("data_version")}

