"""The settings page (admins), /admin/settings: the workspace's time zone, reporting currency and
fiscal year start, working week, SLA hours per ticket priority, SMTP and webhooks (each with a test
that really sends), the workspace's language and people's labels of stored values. Each section is
a form of its own: checked whole, refused inline in the reader's language with nothing stored, or
stored at once (pulso.store.settings.save) and audited."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any
from zoneinfo import available_timezones

from babel.dates import get_day_names, get_month_names
from babel.numbers import get_currency_name, list_currencies
from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from pulso import audit
from pulso.alerts import channels, webhook
from pulso.errors import ConfigError
from pulso.i18n import LANGS, N_, error_text, translate
from pulso.store import lookups
from pulso.store import settings as ws_settings
from pulso.store.choices import TICKET_PRIORITIES
from pulso.web.deps import VALUE_LABELS, Ctx, csrf_binding
from pulso.web.pages import cell, page_route, render, table

router = APIRouter()
SECTIONS = ("general", "work", "sla", "smtp", "webhook", "labels")
PRIORITIES = (*reversed(TICKET_PRIORITIES), "normal")  # urgent first; normal: no priority, or another
HOST = re.compile(r"[A-Za-z0-9.\-:\[\]]{1,253}")
EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+")
NOT_TICKET_CHANNELS = ("inbox", "webhook")  # VALUE_LABELS' channels of alerts
#: the settings the page's summary table (and JSON twin) lists, the password masked
SHOWN = ("timezone", "currency", ws_settings.FISCAL_YEAR_START, ws_settings.WORKING_DAYS, ws_settings.WORKING_HOURS,
         *ws_settings.SLA_SETTINGS, "smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_password", "smtp_from",
         "alert_webhook_url", "webhook_allow_hosts", "language", ws_settings.VALUE_LABELS)


def _zones() -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        region, sep, _ = name.partition("/")
        if sep and region not in ("Etc", "SystemV", "US") and not name.startswith("posix") and not name.startswith("right"):
            groups.setdefault(region, []).append(name)
    return [("UTC", ["UTC"]), *sorted(groups.items())]


def _label_values(ctx) -> list[tuple[str, str, str]]:
    """(dimension, value, the label shown today) of the values people can relabel."""
    store, names = ctx.services.store, ctx.services.names(ctx.version)
    held = ctx.services.run(lambda: {dim: lookups.distinct_values(store, ctx.scope, table, dim, limit=50)
                                     for dim, table in (("source", "leads"), ("channel", "tickets"))})
    found = {"source": {v for d, v in VALUE_LABELS if d == "source"} | set(held["source"]),
             "channel": {v for d, v in VALUE_LABELS if d == "channel" and v not in NOT_TICKET_CHANNELS} | set(held["channel"]),
             "priority": set(TICKET_PRIORITIES), "stage": set(names.get("stage", {}))}
    return [(dim, value, ctx.label(dim, value) if dim != "stage" else names["stage"][value])
            for dim in ws_settings.LABELLED for value in sorted(found[dim])]


def _page(ctx, section: str = "", errors: dict[str, str] | None = None, given: dict[str, Any] | None = None,
          notice: str = "", failure: str = "", status: int = 200) -> Response:
    s = ctx.services.run(ctx.services.store.settings_dict)
    shown = {**s, **(given or {})}  # a refused form shows what was typed
    lang = ctx.lang
    try:
        _, _, missing = ctx.services.run(ctx.services.engine.rate_gaps)
    except Exception:  # noqa: BLE001 - an empty or unusual workspace: the rates page says more
        missing = []
    sla = ws_settings.sla_hours({k: v for k, v in s.items() if k in ws_settings.SLA_SETTINGS})
    own = ws_settings.value_labels(s)
    days = get_day_names("wide", locale=lang)
    start, _, end = (shown.get(ws_settings.WORKING_HOURS) or ws_settings.DEFAULT_WORKING[ws_settings.WORKING_HOURS]).partition("-")
    work_days = {int(d) for d in (shown.get(ws_settings.WORKING_DAYS) or ws_settings.DEFAULT_WORKING[ws_settings.WORKING_DAYS]).split(",") if d.isdigit()}
    currency = shown.get("currency", "EUR")
    codes = sorted({*list_currencies(), currency})
    data = {
        "title": ctx._("Ajustes"), "section": section, "errors": errors or {}, "notice": notice, "failure": failure,
        "general": {"timezone": shown.get("timezone", "UTC"), "zones": _zones(), "currency": currency,
                    "currencies": [(c, f"{c} · {get_currency_name(c, locale=lang)}") for c in codes],
                    "missing_rates": len(missing), "fiscal_year_start": int(shown.get(ws_settings.FISCAL_YEAR_START) or 1)
                    if str(shown.get(ws_settings.FISCAL_YEAR_START) or "1").isdigit() else 1,
                    "months": [(i, get_month_names("wide", locale=lang)[i].capitalize()) for i in range(1, 13)]},
        "work": {"days": [{"value": i + 1, "label": days[i].capitalize(), "on": i + 1 in work_days} for i in range(7)],
                 "start": start, "end": end,
                 "clock": not shown.get(ws_settings.WORKING_DAYS) and not shown.get(ws_settings.WORKING_HOURS)},
        "sla": [{"priority": p, "label": ctx.label("priority", p) if p != "normal" else ctx._("sin prioridad u otra"),
                 "first": _hours(sla["sla_first_response_hours"][p]), "resolution": _hours(sla["sla_resolution_hours"][p])}
                for p in PRIORITIES],
        "smtp": {"host": shown.get("smtp_host", ""), "port": shown.get("smtp_port") or "25",
                 "user": shown.get("smtp_user", ""), "sender": shown.get("smtp_from") or "pulso@localhost",
                 "security": shown.get("smtp_security") or "none", "password_set": bool(s.get("smtp_password")),
                 "securities": [("none", ctx._("Sin cifrar")), ("starttls", "STARTTLS"), ("ssl", "SSL/TLS")]},
        "webhook": {"url": shown.get("alert_webhook_url", ""), "allow": shown.get("webhook_allow_hosts", ""),
                    "language": shown.get("language") or "es",
                    "languages": [("es", ctx._("Español")), ("en", ctx._("Inglés"))]},
        "labels": [{"key": f"{dim}:{value}", "dim": ctx._(DIMENSION_NAMES[dim]), "value": value, "shown": shown_label,
                    "es": own.get((dim, value, "es"), ""), "en": own.get((dim, value, "en"), "")}
                   for dim, value, shown_label in _label_values(ctx)],
        "me": ctx.user.email,
        "sections": [table(ctx._("Ajustes"), [(ctx._("ajuste"), False), (ctx._("Valor"), False)],
                           [[cell(key), cell("•••" if key == "smtp_password" and s.get(key) else s.get(key, ""))]
                            for key in SHOWN if key in s])],
    }
    response = render(ctx, "settings", data, template="admin_settings.html")
    response.status_code = status
    return response


DIMENSION_NAMES = {"source": N_("Origen"), "channel": N_("Canal"), "priority": N_("Prioridad"), "stage": N_("Etapa")}


def _hours(value: float) -> str:
    return f"{value:g}"


def _check(ctx, csrf_token: str) -> None:
    ctx.require("settings")
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)


def _audit(ctx, action: str, detail: dict[str, Any]) -> None:
    ip = ctx.request.client.host if ctx.request.client else None
    ctx.services.run(lambda: audit.record(ctx.services.store, action, actor=audit.Actor("user", ctx.user.id),
                                          target=("workspace_settings", None), detail=detail, ip=ip))


def _save(ctx, section: str, values: dict[str, str], shown: dict[str, Any] | None = None) -> Response:
    """Store a checked section (or say which field is wrong, nothing stored) and go back to it."""
    try:
        stored = ctx.services.run(ws_settings.save, ctx.services.store, values)
    except ConfigError as exc:  # what the checks above let through: the store's reason, in the reader's language
        return _page(ctx, section, {"form": ctx._("Revisa los valores: no se ha guardado nada.") + " " + error_text(exc, ctx.lang)},
                     shown or values, status=422)
    _audit(ctx, "settings.save", {"section": section} | {k: ("•••" if k == "smtp_password" else v) for k, v in stored.items()})
    return RedirectResponse(f"/admin/settings?saved={section}#{section}", status_code=303)


def _refused(ctx, section: str, errors: dict[str, str], given: dict[str, Any]) -> Response:
    return _page(ctx, section, {k: ctx._(v) for k, v in errors.items()}, given, status=422)


@page_route(router, "/admin/settings", "settings")
def settings_page(ctx: Ctx) -> Response:
    """The workspace's settings, a form per section."""
    ctx.require("settings")
    saved = ctx.request.query_params.get("saved", "")
    return _page(ctx, saved if saved in SECTIONS else "", notice=ctx._("Guardado.") if saved in SECTIONS else "")


@router.post("/admin/settings/general", include_in_schema=False)
def save_general(ctx: Ctx, timezone: Annotated[str, Form()] = "", currency: Annotated[str, Form()] = "",
                 fiscal_year_start: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Time zone, reporting currency, fiscal year start."""
    _check(ctx, csrf_token)
    values = {"timezone": timezone.strip(), "currency": currency.strip().upper(),
              ws_settings.FISCAL_YEAR_START: fiscal_year_start.strip()}
    errors = {}
    if values["timezone"] not in {z for _, zones in _zones() for z in zones}:
        errors["timezone"] = N_("Elige una zona horaria de la lista.")
    if values["currency"] not in list_currencies():
        errors["currency"] = N_("Elige una moneda de la lista.")
    if not values[ws_settings.FISCAL_YEAR_START].isdigit() or not 1 <= int(values[ws_settings.FISCAL_YEAR_START]) <= 12:
        errors["fiscal_year_start"] = N_("Elige un mes de la lista.")
    return _refused(ctx, "general", errors, values) if errors else _save(ctx, "general", values)


@router.post("/admin/settings/work", include_in_schema=False)
def save_work(ctx: Ctx, day: Annotated[list[str], Form()] = [], start: Annotated[str, Form()] = "",  # noqa: B006
              end: Annotated[str, Form()] = "", mode: Annotated[str, Form()] = "week",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """The working week: days and hours, or none (`mode=clock`: every hour counts)."""
    _check(ctx, csrf_token)
    if mode == "clock":
        return _save(ctx, "work", {ws_settings.WORKING_DAYS: "", ws_settings.WORKING_HOURS: ""})
    values = {ws_settings.WORKING_DAYS: ",".join(day), ws_settings.WORKING_HOURS: f"{start.strip()}-{end.strip()}"}
    errors = {}
    try:
        values[ws_settings.WORKING_DAYS] = ws_settings.check_working_days(values[ws_settings.WORKING_DAYS])
    except ConfigError:
        errors["days"] = N_("Elige al menos un día laborable.")
    try:
        ws_settings.check_working_hours(values[ws_settings.WORKING_HOURS])
    except ConfigError:
        errors["hours"] = N_("Escribe las horas como 09:00 y 18:00, la de fin después de la de inicio.")
    return _refused(ctx, "work", errors, values) if errors else _save(ctx, "work", values)


@router.post("/admin/settings/sla", include_in_schema=False)
def save_sla(ctx: Ctx, priority: Annotated[list[str], Form()] = [], first: Annotated[list[str], Form()] = [],  # noqa: B006
             resolution: Annotated[list[str], Form()] = [], csrf_token: Annotated[str, Form()] = "") -> Response:  # noqa: B006
    """Hours to first response and to resolution, per ticket priority."""
    _check(ctx, csrf_token)
    errors: dict[str, str] = {}
    if sorted(priority) != sorted(PRIORITIES) or len(first) != len(priority) or len(resolution) != len(priority):
        return _refused(ctx, "sla", {"form": N_("Falta alguna prioridad: vuelve a cargar la página.")}, {})
    parts: dict[str, list[str]] = {key: [] for key in ws_settings.SLA_SETTINGS}
    for p, *hours in zip(priority, first, resolution):
        for key, kind, text in zip(ws_settings.SLA_SETTINGS, ("first", "resolution"), hours):
            try:
                value = float(text.strip().replace(",", "."))
            except ValueError:
                value = -1.0
            if not 0 < value <= 24 * 366:
                errors[f"{kind}:{p}"] = N_("Escribe un número de horas mayor que 0 (como mucho un año).")
            parts[key].append(f"{p}={value:g}")
    values = {key: ",".join(items) for key, items in parts.items()}
    return _refused(ctx, "sla", errors, {}) if errors else _save(ctx, "sla", values)


@router.post("/admin/settings/smtp", include_in_schema=False)
def save_smtp(ctx: Ctx, host: Annotated[str, Form()] = "", port: Annotated[str, Form()] = "",
              user: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
              clear_password: Annotated[str, Form()] = "", sender: Annotated[str, Form()] = "",
              security: Annotated[str, Form()] = "none", csrf_token: Annotated[str, Form()] = "") -> Response:
    """The SMTP server alerts, reports and invitations go through; the password is write-only."""
    _check(ctx, csrf_token)
    values = {"smtp_host": host.strip(), "smtp_port": port.strip(), "smtp_user": user.strip(),
              "smtp_from": sender.strip(), "smtp_security": security.strip()}
    errors = {}
    if values["smtp_host"] and not HOST.fullmatch(values["smtp_host"]):
        errors["host"] = N_("Escribe el nombre o la dirección del servidor, sin espacios.")
    if not values["smtp_port"].isdigit() or not 1 <= int(values["smtp_port"]) <= 65535:
        errors["port"] = N_("El puerto es un número de 1 a 65535 (normalmente 25, 465 o 587).")
    if not EMAIL.fullmatch(values["smtp_from"]):
        errors["sender"] = N_("El remitente es una dirección de correo, como pulso@tuempresa.com.")
    if values["smtp_security"] not in channels.SECURITY:
        errors["security"] = N_("Elige un cifrado de la lista.")
    if errors:
        return _refused(ctx, "smtp", errors, values)
    if password:
        values["smtp_password"] = password
    elif clear_password:
        values["smtp_password"] = ""
    return _save(ctx, "smtp", values)


@router.post("/admin/settings/webhook", include_in_schema=False)
def save_webhook(ctx: Ctx, url: Annotated[str, Form()] = "", allow: Annotated[str, Form()] = "",
                 language: Annotated[str, Form()] = "es", csrf_token: Annotated[str, Form()] = "") -> Response:
    """The workspace's webhook, the hosts allowed on a private network, the workspace's language."""
    _check(ctx, csrf_token)
    values = {"alert_webhook_url": url.strip(), "webhook_allow_hosts": ",".join(sorted(webhook.allowed(allow))),
              "language": language.strip()}
    errors = {}
    hosts = values["webhook_allow_hosts"].split(",") if values["webhook_allow_hosts"] else []
    if any(not HOST.fullmatch(h) for h in hosts):
        errors["allow"] = N_("Escribe nombres de servidor o direcciones separados por comas.")
    if values["alert_webhook_url"]:
        try:
            ctx.services.run(webhook.resolve, values["alert_webhook_url"], set(hosts))
        except webhook.WebhookRefused as exc:
            errors["url"] = (N_("Esa dirección no es http(s)://servidor/… sin usuario ni contraseña.")
                             if "refused:" not in str(exc) else
                             N_("Esa dirección está en una red privada o local: no se envían webhooks allí salvo "
                                "que añadas el servidor a los permitidos (docs/security.md)."))
        except webhook.WebhookError:
            errors["url"] = N_("El nombre de ese servidor no se encuentra (DNS): revisa la dirección.")
    if values["language"] not in LANGS:
        errors["language"] = N_("Elige un idioma de la lista.")
    return _refused(ctx, "webhook", errors, values) if errors else _save(ctx, "webhook", values)


@router.post("/admin/settings/labels", include_in_schema=False)
def save_labels(ctx: Ctx, key: Annotated[list[str], Form()] = [], es: Annotated[list[str], Form()] = [],  # noqa: B006
                en: Annotated[list[str], Form()] = [], csrf_token: Annotated[str, Form()] = "") -> Response:  # noqa: B006
    """People's labels of sources, channels, priorities and stages, in Spanish and English."""
    _check(ctx, csrf_token)
    if len(es) != len(key) or len(en) != len(key):
        return _refused(ctx, "labels", {"form": N_("Falta alguna etiqueta: vuelve a cargar la página.")}, {})
    data: dict[str, dict[str, dict[str, str]]] = {}
    errors = {}
    for item, *labels in zip(key, es, en):
        dim, _, value = item.partition(":")
        if dim not in ws_settings.LABELLED or not value:
            return _refused(ctx, "labels", {"form": N_("Falta alguna etiqueta: vuelve a cargar la página.")}, {})
        for lang, text in zip(("es", "en"), labels):
            text = " ".join(text.split())
            if len(text) > ws_settings.LABEL_LENGTH:
                errors[f"{item}:{lang}"] = N_("Una etiqueta tiene como mucho 80 caracteres.")
            elif text:
                data.setdefault(dim, {}).setdefault(value, {})[lang] = text
    if errors:
        return _refused(ctx, "labels", errors, {})
    return _save(ctx, "labels", {ws_settings.VALUE_LABELS: json.dumps(data, ensure_ascii=False)})


@router.post("/admin/settings/smtp/test", include_in_schema=False)
def test_email(ctx: Ctx, csrf_token: Annotated[str, Form()] = "") -> Response:
    """Send a real e-mail to the signed-in admin through the stored SMTP settings; say how it went."""
    _check(ctx, csrf_token)
    store = ctx.services.store
    text = ctx._("Este es un correo de prueba de Pulso: el servidor SMTP funciona.")
    try:
        ctx.services.run(channels.send_email, store, [ctx.user.email], ctx._("Prueba de Pulso"), text)
    except channels.ChannelError as exc:
        no_server = "no SMTP server" in str(exc)
        _audit(ctx, "settings.test_email", {"to": ctx.user.email, "ok": False})
        return _page(ctx, "smtp", failure=ctx._("Primero guarda un servidor SMTP.") if no_server else
                     ctx._("No se ha podido enviar el correo de prueba. Detalle: {detail}").format(detail=str(exc)))
    _audit(ctx, "settings.test_email", {"to": ctx.user.email, "ok": True})
    return _page(ctx, "smtp", notice=ctx._("Correo de prueba enviado a {email}: mira tu bandeja de entrada.").format(
        email=ctx.user.email))


@router.post("/admin/settings/webhook/test", include_in_schema=False)
def test_webhook(ctx: Ctx, csrf_token: Annotated[str, Form()] = "") -> Response:
    """POST a test payload (Slack-compatible) to the stored webhook, under the address policy."""
    _check(ctx, csrf_token)
    store = ctx.services.store
    try:
        url = ctx.services.run(channels.webhook_url, store, None)
    except channels.ChannelError:
        return _page(ctx, "webhook", failure=ctx._("Primero guarda la dirección de un webhook."))
    lang = ctx.services.run(channels.language, store)
    text = translate(N_("Prueba de Pulso: este webhook recibirá las alertas."), lang)
    payload = {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
               "alert": {"test": True, "lang": lang}}
    try:
        ctx.services.run(lambda: channels.post_webhook(url, payload, allow=channels.allowed_hosts(store)))
    except channels.WebhookRefused:
        failure = ctx._("No se ha enviado: la dirección está en una red privada o local, o redirige a otra.")
    except channels.ChannelError as exc:
        failure = ctx._("El webhook no ha respondido bien. Detalle: {detail}").format(detail=error_text(exc, ctx.lang))
    else:
        _audit(ctx, "settings.test_webhook", {"ok": True})
        return _page(ctx, "webhook", notice=ctx._("Mensaje de prueba entregado: el webhook respondió bien."))
    _audit(ctx, "settings.test_webhook", {"ok": False})
    return _page(ctx, "webhook", failure=failure)
