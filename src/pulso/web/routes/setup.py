"""The first admin of a workspace, in the browser (docs/web.md, "Setting up in the browser").

While nobody can manage Pulso (no active admin with a password: a new workspace, or one whose users
came from a CRM import without passwords), `pulso serve` asks `offer(app)` for a one-time set-up
link and prints it in its terminal: /setup/{token}. Whoever started the server opens it and names
the first admin (name, e-mail, password under the rules of pulso.web.passwords); they are then
signed in and the link is gone. Only the token's SHA-256 is kept, in this process's memory: the
link works in the server that printed it, once, and a restart prints a new one while it is still
needed. Once an admin can sign in, every /setup link answers 404 (checked again, under a lock,
when the form is sent, so two sends of the form make one admin). The form carries the CSRF token
of the anonymous cookie; the change is audited (users.add, users.role_change, auth.sign_in).
"""

from __future__ import annotations

import hmac
import secrets
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pulso import audit, users
from pulso.alerts import channels
from pulso.formatting import LANGS
from pulso.i18n import error_text, translator
from pulso.store import signin
from pulso.web.auth import ANON_COOKIE, SESSION_COOKIE, hash_password
from pulso.web.routes.users import LANG_COOKIE, _problem, token_page

router = APIRouter()
_LOCK = threading.Lock()  # one claim at a time: the check "nobody is admin yet" and the write go together


def needed(store) -> bool:
    """True while no active admin has a password: nobody could sign in to manage Pulso."""
    return not any(role == "admin" and active and has_password
                   for _email, _name, role, _team, active, has_password in signin.users_with_access(store))


def offer(app) -> str | None:
    """A new one-time set-up token when the workspace needs its first admin (the earlier one stops
    working), else None. Only its digest stays in `app.state.setup_digest`."""
    services = app.state.services
    if not services.run(needed, services.store):
        app.state.setup_digest = None
        return None
    token = secrets.token_urlsafe(32)
    app.state.setup_digest = users.digest(token)
    return token


def _valid(request: Request, token: str) -> bool:
    kept = getattr(request.app.state, "setup_digest", None)
    return bool(kept and token and len(token) <= 200 and hmac.compare_digest(kept, users.digest(token)))


def _lang(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGS else channels.language(request.app.state.services.store)


def _page(request: Request, lang: str, status: int = 200, **context: Any) -> Response:
    response = token_page(request, "setup.html", lang, status, **context)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="lax",
                            secure=request.app.state.services.settings.secure_cookies)
    return response


@router.get("/setup/{token}", include_in_schema=False)
async def setup_page(request: Request, token: str) -> Response:
    """The form that names the first admin, while the link works and nobody manages Pulso."""
    services = request.app.state.services
    lang = await services.call(_lang, request)
    if not _valid(request, token) or not await services.call(needed, services.store):
        return _page(request, lang, status=404, gone=True)
    return _page(request, lang, token=token, name="", email="")


@router.post("/setup/{token}", include_in_schema=False)
async def setup_claim(request: Request, token: str, name: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "",
                      password: Annotated[str, Form()] = "", repeat: Annotated[str, Form()] = "",
                      csrf_token: Annotated[str, Form()] = "") -> Response:
    """Add (or promote) the first admin with their password and sign them in; the link is used up."""
    services, sessions = request.app.state.services, request.app.state.sessions
    sessions.check_csrf(sessions.token(request.cookies.get(ANON_COOKIE)), csrf_token)
    lang = await services.call(_lang, request)
    _ = translator(lang, strict=services.settings.strict_i18n)
    name, email = name[:1000], email[:1000]
    if not _valid(request, token):
        return _page(request, lang, status=404, gone=True)
    problem = _problem(password[:1000], repeat[:1000], _)
    if problem:
        return _page(request, lang, status=422, token=token, name=name, email=email, error=problem)
    ip = request.client.host if request.client else None
    hashed = hash_password(password)

    def claim() -> str | None:
        with _LOCK:
            if not _valid(request, token) or not needed(services.store):
                return None
            store, actor = services.store, audit.Actor("system")
            users.clean_email(email)  # refuse a bad e-mail before anything else is looked up
            existing = signin.find_by_email(store, email)
            if existing is None:
                user = users.add(store, email=email, name=name, role="admin", actor=actor, ip=ip)
            else:  # a user a CRM import brought in, without a password: they become the admin
                user = users.update(store, existing["id"], name=name, role="admin", actor=actor, ip=ip)
                if not user["active"]:
                    users.set_active(store, user["id"], True, actor=actor, ip=ip)
            signin.set_credential(store, user["id"], hashed, users._now())
            signin.set_locale(store, user["id"], lang)
            request.app.state.setup_digest = None
            audit.record(store, "auth.sign_in", actor=audit.Actor("user", user["id"]), detail={"via": "setup"}, ip=ip)
            return sessions.start(user["id"])

    try:
        cookie = await services.call(claim)
    except users.UserError as exc:
        return _page(request, lang, status=422, token=token, name=name, email=email, error=error_text(exc, lang))
    if cookie is None:
        return _page(request, lang, status=404, gone=True)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=services.settings.session_days * 86400, httponly=True,
                        samesite="lax", secure=services.settings.secure_cookies, path="/")
    response.delete_cookie(ANON_COOKIE, path="/")
    return response
