"""Survey links: from an account (`POST /accounts/{id}/survey-link`, the form of
survey_link_form.html) an NPS, CES or CSAT link in the customer's language (the account's country
when known, else the workspace's), shown to copy or sent to the account's e-mail through the
workspace's SMTP settings (pulso.alerts.channels, as alerts and reports send); and the public page
(`/s/{token}`: no sign-in, no app navigation, the customer's language) where the customer answers
once before it expires (pulso.workspace.create_link, survey, answer). The token is the credential:
it carries no CSRF token, and an unknown, used or expired link says so politely without naming the
account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pulso import formatting as f
from pulso import workspace as ws
from pulso.alerts import channels
from pulso.i18n import N_, pick_language, translator
from pulso.store import records
from pulso.web import record_forms as forms
from pulso.web import records_ui as ui
from pulso.web.deps import Ctx, PageContext
from pulso.web.pages import render

router = APIRouter()

#: Countries (ISO 3166 alpha-2) whose customers get the survey in Spanish or in English by default.
SPANISH = frozenset("ES MX AR CO CL PE VE EC GT CU BO DO HN PY SV NI CR PA UY PR GQ".split())
ENGLISH = frozenset("US GB IE AU NZ CA ZA IN SG NG KE GH JM TT MT PH".split())
#: What the public page asks, per kind, and the words at both ends of its scale.
QUESTIONS = {
    "nps": N_("¿Qué probabilidad hay de que nos recomiende a un amigo o colega?"),
    "ces": N_("¿Qué tan fácil le resultó resolver lo que necesitaba con nosotros?"),
    "csat": N_("¿Qué tan satisfecho está con nuestro servicio?"),
}
ENDS = {"nps": (N_("Nada probable"), N_("Muy probable")), "ces": (N_("Muy difícil"), N_("Muy fácil")),
        "csat": (N_("Nada satisfecho"), N_("Muy satisfecho"))}
COMMENT_LIMIT = 2000


def default_language(ctx: PageContext, account: dict[str, Any]) -> str:
    """The account's language from its country when known, else the workspace's (`language`
    setting; Spanish, the product's first language, when none is set)."""
    country = (account.get("country") or "").strip().upper()
    if country in SPANISH:
        return "es"
    if country in ENGLISH:
        return "en"
    return pick_language(ctx.services.workspace().get("language"))


def _mail(ctx: PageContext, to: str, url: str, kind: str, lang: str, expires: Any) -> str:
    """Send the link; '' when sent, else why not (in the reader's language)."""
    _ = translator(lang, strict=ctx.strict)
    body = "\n\n".join([_("Hola:"), _(QUESTIONS[kind]), _("Responder lleva menos de un minuto:") + "\n" + url,
                        _("El enlace vale hasta el {date}.").format(date=f.fmt_date(ui.local(ctx, expires).date(), lang)), _("¡Gracias!")])
    try:
        ctx.services.run(channels.send_email, ctx.services.store, [to], _("Una pregunta rápida"), body)
    except channels.ChannelError as exc:
        if "no SMTP server" in str(exc):
            return ctx._("El envío de correo no está configurado (SMTP): copia el enlace y envíalo tú.")
        return ctx._("No se pudo enviar el correo: {reason}").format(reason=str(exc)[:200])
    return ""


@router.post("/accounts/{account_id}/survey-link", include_in_schema=False)
def survey_link(ctx: Ctx, account_id: str, kind: Annotated[str, Form()] = "nps", locale: Annotated[str, Form()] = "",
                send: Annotated[str, Form()] = "link", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Create a survey link for the account: shown to copy, or (send=email) also e-mailed to it."""
    ctx.require("accounts")
    forms.check_form(ctx, csrf_token)
    account = ctx.services.run(records.get, ctx.services.store, ctx.scope, "accounts", account_id)
    lang = locale or default_language(ctx, account)
    data: dict[str, Any] = {"title": ctx._("Enlace de encuesta"), "account": {"id": account["id"], "name": account["name"] or "—"},
                            "id": account["id"], "can_edit": True, "error": None}
    try:
        link = forms.run(ctx, ws.create_link, account["id"], kind, locale=lang)
    except ws.WorkspaceError as exc:
        data["error"] = forms.refusal(ctx, exc)
        if ctx.wants_json:
            return JSONResponse({"error": data["error"]["message"], "field": data["error"]["field"]},
                                status_code=data["error"]["status"])
        response = render(ctx, "accounts", data, template="survey_link.html")
        response.status_code = data["error"]["status"]
        return response
    url = str(ctx.request.base_url).rstrip("/") + "/s/" + link["token"]
    emailed, problem = False, ""
    if send == "email":
        if not account["email"]:
            problem = ctx._("La cuenta no tiene correo: copia el enlace y envíalo tú.")
        else:
            problem = _mail(ctx, account["email"], url, link["kind"], lang, link["expires_at"])
            emailed = not problem
    data.update({"url": url, "kind": link["kind"], "locale": lang, "expires": ui.when(ctx, link["expires_at"]),
                 "expires_at": records.plain(link["expires_at"]), "emailed": emailed, "problem": problem,
                 "email": account["email"] if emailed else ""})
    if ctx.wants_json:
        return JSONResponse({"ok": True, **{k: data[k] for k in ("url", "kind", "locale", "expires_at", "emailed", "problem")}})
    return render(ctx, "accounts", data, template="survey_link.html")


# -- the public page ---------------------------------------------------------------------------


def _public(request: Request, template: str, lang: str, status: int = 200, **context: Any) -> Response:
    services = request.app.state.services
    _ = translator(lang, strict=services.settings.strict_i18n)
    response = request.app.state.templates.TemplateResponse(request, template, {"_": _, "lang": lang, **context},
                                                             status_code=status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _gone(request: Request, exc: ws.WorkspaceError) -> Response:
    """An unknown (404), used or expired (410) link: a polite message of its own, nothing about the account."""
    lang = pick_language(request.headers.get("accept-language", "")[:2].lower())  # the link's own language is not told
    status = 404 if isinstance(exc, ws.NotFoundError) else 410
    return _public(request, "survey_gone.html", lang, status, message=exc.message(translator(lang)))


def _question(request: Request, token: str, info: dict[str, Any], status: int = 200, error: str = "",
              comment: str = "") -> Response:
    kind = info["kind"]
    low, high = ENDS[kind]
    return _public(request, "survey_page.html", info["locale"], status, token=token, kind=kind, question=QUESTIONS[kind],
                   scale=list(range(info["scale_min"], info["scale_max"] + 1)), low=low, high=high, error=error,
                   comment=comment, limit=COMMENT_LIMIT)


@router.get("/s/thanks/{lang}", include_in_schema=False)
def survey_thanks(request: Request, lang: str) -> Response:
    """The thank-you page after an answer."""
    return _public(request, "survey_thanks.html", pick_language(lang))


@router.get("/s/{token}", include_in_schema=False)
async def survey_page(request: Request, token: str) -> Response:
    """The survey a link asks, in the customer's language."""
    services = request.app.state.services
    try:
        info = await services.call(ws.survey, services.store, token)
    except (ws.NotFoundError, ws.SurveyLinkError) as exc:
        return _gone(request, exc)
    return _question(request, token, info)


@router.post("/s/{token}", include_in_schema=False)
async def survey_answer(request: Request, token: str, score: Annotated[str, Form()] = "",
                        comment: Annotated[str, Form()] = "") -> Response:
    """Store the answer once; then the thank-you page."""
    services = request.app.state.services
    try:
        info = await services.call(ws.survey, services.store, token)
    except (ws.NotFoundError, ws.SurveyLinkError) as exc:
        return _gone(request, exc)
    _ = translator(info["locale"], strict=services.settings.strict_i18n)
    value = int(score) if score.strip().isdigit() and len(score.strip()) <= 2 else None
    if value is None or not info["scale_min"] <= value <= info["scale_max"]:
        error = _("Elige un número de {low} a {high}").format(low=info["scale_min"], high=info["scale_max"])
        return _question(request, token, info, 422, error, comment[:COMMENT_LIMIT])
    if len(comment) > COMMENT_LIMIT:
        error = _("El comentario es demasiado largo (máximo {limit} caracteres)").format(limit=COMMENT_LIMIT)
        return _question(request, token, info, 422, error, comment[:COMMENT_LIMIT])
    try:
        await services.call(lambda: ws.answer(services.store, token, value, comment=comment.strip() or None))
    except (ws.NotFoundError, ws.SurveyLinkError) as exc:
        return _gone(request, exc)
    except ws.InputError as exc:
        return _question(request, token, info, 422, exc.message(_), comment[:COMMENT_LIMIT])
    return RedirectResponse(f"/s/thanks/{info['locale']}", status_code=303)
