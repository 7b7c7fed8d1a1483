"""Users and roles (admins): /admin/users lists who can sign in, adds and invites people (a one-time
set-password link, shown once and e-mailed when SMTP is set), changes role, team and name,
deactivates and reactivates, resets passwords; teams and their managers. /welcome/{token} is the
public page where an invited person sets their password. The rules, and the audit, are pulso.users,
the same `pulso users` follows."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pulso import audit, users
from pulso.alerts import channels
from pulso.formatting import LANGS, fmt_date
from pulso.i18n import N_, translator
from pulso.store import users as user_rows
from pulso.store.schema import ROLES
from pulso.web import passwords
from pulso.web.auth import ANON_COOKIE, SESSION_COOKIE, hash_password
from pulso.web.deps import Ctx, csrf_binding
from pulso.web.pages import ROLE_LABELS, cell, page_route, render, table
from pulso.web.records_ui import local, when

router = APIRouter()
LANG_COOKIE = "pulso_lang"
#: What each role sees, in a sentence (the page says it beside the roles).
ROLE_TEXTS = {
    "admin": N_("Administración: ve toda la empresa y lo cambia todo: usuarios, equipos, importaciones, ajustes y borrados."),
    "manager": N_("Responsable de equipo: ve y edita los registros de su equipo (el que dirige, si no el suyo) y fija las cuotas de sus comerciales."),
    "rep": N_("Comercial: ve y edita sus propios registros y sus cifras; no ve las de sus compañeros."),
    "viewer": N_("Lectura: ve toda la empresa, o su equipo si tiene uno, sin cambiar nada."),
}


def _ip(ctx) -> str | None:
    return ctx.request.client.host if ctx.request.client else None


def _check(ctx, csrf_token: str) -> None:
    ctx.require("users")
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)


def _page(ctx, *, error: str = "", notice: str = "", link: dict[str, Any] | None = None, status: int = 200) -> Response:
    store = ctx.services.store
    people = ctx.services.run(user_rows.listing, store)
    teams = ctx.services.run(user_rows.team_rows, store)
    listed = [{
        "id": u["id"], "name": u["name"], "email": u["email"], "role": u["role"], "role_text": ctx._(ROLE_LABELS[u["role"]])
        if u["role"] in ROLE_LABELS else u["role"], "team_id": u["team_id"], "team": u["team"] or "",
        "manager_id": u["manager_id"], "manager": u["manager"] or "", "active": bool(u["active"]),
        "can_sign_in": bool(u["can_sign_in"]), "last_sign_in": u["last_sign_in"],
        "last_sign_in_text": when(ctx, u["last_sign_in"]) or ctx._("nunca"), "me": u["id"] == ctx.user.id,
    } for u in people]
    data = {
        "title": ctx._("Usuarios y roles"), "error": error, "notice": notice, "link": link,
        "roles": [{"key": r, "label": ctx._(ROLE_LABELS[r]), "text": ctx._(ROLE_TEXTS[r])} for r in ROLES],
        "users": listed,
        "teams": [{"id": t["id"], "name": t["name"], "manager_id": t["manager_id"], "manager": t["manager"] or "",
                   "members": t["members"]} for t in teams],
        "managers": [{"id": u["id"], "name": u["name"], "role": u["role_text"]} for u in listed if u["active"]],
    }
    state = {True: ctx._("activo"), False: ctx._("sin contraseña")}
    data["sections"] = [  # the same lists as tables, for the JSON twin (the page draws its own, with forms)
        table(ctx._("Personas"), [(ctx._(c), False) for c in ("Nombre", "Correo", "Rol", "Equipo", "Responsable", "Estado",
                                                             "Última entrada")],
              [[cell(u["name"]), cell(u["email"]), cell(u["role_text"]), cell(u["team"]), cell(u["manager"]),
                cell(state[u["can_sign_in"]] if u["active"] else ctx._("desactivado")), cell(u["last_sign_in_text"])]
               for u in listed]),
        table(ctx._("Equipos"), [(ctx._("Equipo"), False), (ctx._("Responsable"), False), (ctx._("Personas activas"), True)],
              [[cell(t["name"]), cell(t["manager"] or ""), cell(t["members"])] for t in data["teams"]]),
    ]
    response = render(ctx, "users", data, template="admin_users.html")
    response.status_code = status
    return response


@page_route(router, "/admin/users", "users")
def users_page(ctx: Ctx) -> Response:
    """Users, their roles and teams, and the teams with their managers."""
    ctx.require("users")
    return _page(ctx)


def _refused(ctx, exc: users.UserError) -> Response:
    text, values = getattr(exc, "text", None), getattr(exc, "values", None)
    message = ctx._(text).format(**values) if isinstance(text, str) and isinstance(values, dict) else str(exc)
    return _page(ctx, error=message, status=422)


def _actor(ctx) -> audit.Actor:
    return audit.Actor("user", ctx.user.id)


def _link(ctx, invite: users.Invite, *, send: bool, reset: bool) -> dict[str, Any]:
    """The link to show once, e-mailed to its user when asked and SMTP is set."""
    person = ctx.services.run(user_rows.user, ctx.services.store, invite.user_id)
    url = str(ctx.request.base_url).rstrip("/") + "/welcome/" + invite.token
    out = {"url": url, "name": person["name"], "email": person["email"], "emailed": False, "problem": "",
           "expires": when(ctx, invite.expires_at), "reset": reset}
    if send:
        out["problem"] = _mail(ctx, person, url, invite)
        out["emailed"] = not out["problem"]
    return out


def _mail(ctx, person: dict[str, Any], url: str, invite: users.Invite) -> str:
    """Send the link in the workspace's language; '' when sent, else why not (in the admin's)."""
    lang = ctx.services.run(channels.language, ctx.services.store)
    _ = translator(lang, strict=ctx.strict)
    body = "\n\n".join([_("Hola, {name}:").format(name=person["name"]),
                        _("Tienes acceso a Pulso. Elige tu contraseña en este enlace (sirve una sola vez):") + "\n" + url,
                        _("El enlace vale hasta el {date}.").format(date=fmt_date(local(ctx, invite.expires_at).date(), lang))])
    try:
        ctx.services.run(channels.send_email, ctx.services.store, [person["email"]], _("Tu acceso a Pulso"), body)
    except channels.ChannelError as exc:
        if "no SMTP server" in str(exc):
            return ctx._("El envío de correo no está configurado (SMTP): copia el enlace y envíalo tú.")
        return ctx._("No se pudo enviar el correo: {reason}").format(reason=str(exc)[:200])
    return ""


@router.post("/admin/users", include_in_schema=False)
def user_add(ctx: Ctx, name: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "",
             role: Annotated[str, Form()] = "rep", team_id: Annotated[str, Form()] = "",
             send: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Add a user and show their one-time set-password link (e-mailed with send=email)."""
    _check(ctx, csrf_token)
    store, actor = ctx.services.store, _actor(ctx)
    try:
        record = ctx.services.run(lambda: users.add(store, email=email[:1000], name=name[:1000], role=role[:40],
                                                    team_id=team_id[:200], actor=actor, ip=_ip(ctx)))
    except users.UserExists as exc:
        return _page(ctx, error=ctx._("El correo {email} ya es de {name}; no se ha cambiado nada.").format(
            email=exc.existing["email"], name=exc.existing["name"]), status=422)
    except users.UserError as exc:
        return _refused(ctx, exc)
    invite = ctx.services.run(lambda: users.invite(store, record["id"], actor=actor, ip=_ip(ctx)))
    return _page(ctx, link=_link(ctx, invite, send=send == "email", reset=False))


@router.post("/admin/users/{user_id}", include_in_schema=False)
def user_change(ctx: Ctx, user_id: str, name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
                team_id: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Change a user's name, role and team."""
    _check(ctx, csrf_token)
    try:
        ctx.services.run(lambda: users.update(ctx.services.store, user_id, name=name[:1000] or None, role=role[:40] or None,
                                              team_id=team_id[:200], actor=_actor(ctx), ip=_ip(ctx)))
    except users.UserError as exc:
        return _refused(ctx, exc)
    ctx.request.app.state.sessions.forget_user(user_id)  # the new role applies at their next request
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active", include_in_schema=False)
def user_active(ctx: Ctx, user_id: str, active: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Deactivate (their sessions end at once) or reactivate a user."""
    _check(ctx, csrf_token)
    try:
        ctx.services.run(lambda: users.set_active(ctx.services.store, user_id, active == "1", actor=_actor(ctx), ip=_ip(ctx)))
    except users.UserError as exc:
        return _refused(ctx, exc)
    ctx.request.app.state.sessions.forget_user(user_id)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/link", include_in_schema=False)
def user_link(ctx: Ctx, user_id: str, reset: Annotated[str, Form()] = "", send: Annotated[str, Form()] = "",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """A new one-time set-password link; with reset=1 the password goes and their sessions end."""
    _check(ctx, csrf_token)
    try:
        invite = ctx.services.run(lambda: users.invite(ctx.services.store, user_id, actor=_actor(ctx), ip=_ip(ctx),
                                                       reset=reset == "1"))
    except users.UserError as exc:
        return _refused(ctx, exc)
    ctx.request.app.state.sessions.forget_user(invite.user_id)
    return _page(ctx, link=_link(ctx, invite, send=send == "email", reset=reset == "1"))


@router.post("/admin/teams", include_in_schema=False)
def team_add(ctx: Ctx, name: Annotated[str, Form()] = "", manager_id: Annotated[str, Form()] = "",
             csrf_token: Annotated[str, Form()] = "") -> Response:
    """Create a team."""
    _check(ctx, csrf_token)
    try:
        ctx.services.run(lambda: users.add_team(ctx.services.store, name[:1000], manager_id[:200], actor=_actor(ctx), ip=_ip(ctx)))
    except users.UserError as exc:
        return _refused(ctx, exc)
    return RedirectResponse("/admin/users#teams", status_code=303)


@router.post("/admin/teams/{team_id}", include_in_schema=False)
def team_change(ctx: Ctx, team_id: str, name: Annotated[str, Form()] = "", manager_id: Annotated[str, Form()] = "",
                csrf_token: Annotated[str, Form()] = "") -> Response:
    """Rename a team, set its manager."""
    _check(ctx, csrf_token)
    try:
        ctx.services.run(lambda: users.update_team(ctx.services.store, team_id, name=name[:1000], manager_id=manager_id[:200],
                                                   actor=_actor(ctx), ip=_ip(ctx)))
    except users.UserError as exc:
        return _refused(ctx, exc)
    return RedirectResponse("/admin/users#teams", status_code=303)


# -- the public page of a link ------------------------------------------------------------------


def _welcome(request: Request, lang: str, status: int = 200, **context: Any) -> Response:
    return token_page(request, "welcome.html", lang, status, **context)


def token_page(request: Request, template: str, lang: str, status: int = 200, **context: Any) -> Response:
    """A public page reached by a one-time link (welcome, set-up): signed-out CSRF, the token kept out
    of referrers and search engines."""
    services, sessions = request.app.state.services, request.app.state.sessions
    nonce = sessions.token(request.cookies.get(ANON_COOKIE))
    fresh = nonce is None
    nonce = nonce or secrets.token_urlsafe(24)
    response = request.app.state.templates.TemplateResponse(
        request, template, {"_": translator(lang, strict=services.settings.strict_i18n), "lang": lang,
                            "csrf": sessions.csrf_token(nonce), "min_length": passwords.MIN_LENGTH, **context},
        status_code=status)
    if fresh:
        response.set_cookie(ANON_COOKIE, sessions.signer.dumps(nonce), httponly=True, samesite="lax",
                            secure=services.settings.secure_cookies, path="/")
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _lang(request: Request, person: dict[str, Any] | None) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in LANGS:
        return chosen
    if person and person.get("locale") in LANGS:
        return person["locale"]
    return channels.language(request.app.state.services.store)


def _problem(password: str, repeat: str, _) -> str:
    """Why a new password is refused (the policy of pulso.web.passwords, as `pulso users`), or ''."""
    if password != repeat:
        return _("Las dos contraseñas no coinciden.")
    try:
        passwords.check(password)
    except passwords.PasswordPolicyError:
        if len(password) < passwords.MIN_LENGTH:
            return _("La contraseña es demasiado corta: tiene {n} caracteres; usa al menos {min} (unas cuantas palabras "
                     "valen).").format(n=len(password), min=passwords.MIN_LENGTH)
        return _("Esa contraseña es demasiado común o fácil de adivinar; elige otra (unas cuantas palabras valen).")
    return ""


@router.get("/welcome/{token}", include_in_schema=False)
async def welcome_page(request: Request, token: str) -> Response:
    """The form to choose a password, while the link works."""
    services = request.app.state.services
    person = await services.call(users.open_invite, services.store, token)
    lang = await services.call(_lang, request, person)
    if person is None:
        return _welcome(request, lang, status=404, gone=True)
    return _welcome(request, lang, token=token, person=person)


@router.post("/welcome/{token}", include_in_schema=False)
async def welcome_set(request: Request, token: str, password: Annotated[str, Form()] = "",
                      repeat: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Set the password (the link is then used up) and sign the person in."""
    services, sessions = request.app.state.services, request.app.state.sessions
    sessions.check_csrf(sessions.token(request.cookies.get(ANON_COOKIE)), csrf_token)
    person = await services.call(users.open_invite, services.store, token)
    lang = await services.call(_lang, request, person)
    if person is None:
        return _welcome(request, lang, status=404, gone=True)
    problem = _problem(password[:1000], repeat[:1000], translator(lang, strict=services.settings.strict_i18n))
    if problem:
        return _welcome(request, lang, status=422, token=token, person=person, error=problem)
    ip = request.client.host if request.client else None
    hashed = hash_password(password)

    def use() -> str | None:
        user_id = users.accept_invite(services.store, token, hashed, ip=ip)
        if user_id is None:
            return None
        audit.record(services.store, "auth.sign_in", actor=audit.Actor("user", user_id), detail={"via": "welcome"}, ip=ip)
        return sessions.start(user_id)

    cookie = await services.call(use)
    if cookie is None:
        return _welcome(request, lang, status=404, gone=True)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=services.settings.session_days * 86400, httponly=True,
                        samesite="lax", secure=services.settings.secure_cookies, path="/")
    response.delete_cookie(ANON_COOKIE, path="/")
    return response
