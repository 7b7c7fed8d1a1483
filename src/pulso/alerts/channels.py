"""Where notifications go: e-mail (SMTP, from workspace settings) and webhooks (JSON, Slack-compatible).

The in-app inbox needs no channel: every alert is a row of `alerts`. Settings: `smtp_host`,
`smtp_port` [25], `smtp_security` none|starttls|ssl [none], `smtp_user`, `smtp_password`,
`smtp_from` [pulso@localhost], `alert_webhook_url` (the default webhook), `webhook_allow_hosts`
(hosts a webhook may reach although their address is private: see webhook.py), `language` es|en
[es] (the workspace's: webhooks, and e-mail addresses that are no user's; a user reads their
e-mails in their own stored locale).
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any, Mapping

import sqlalchemy as sa

from pulso.alerts import webhook
from pulso.alerts.texts import WEBHOOK_FACTS, Reading, localized
from pulso.alerts.texts import facts as texts_facts
from pulso.errors import GoalError, PulsoError
from pulso.i18n import LANGS, N_, pick_language, said
from pulso.store import schema

TIMEOUT = 10  # seconds for an SMTP server or a webhook to answer


class ChannelError(PulsoError):
    """A notification could not be delivered (the message says where and why)."""


class WebhookRefused(ChannelError):
    """A webhook the address policy refuses (loopback, private... or a redirect): not retried."""


#: The workspace settings of the notification channels and of the schedule (pulso.jobs), in the
#: order `pulso alerts channels` shows them.
SETTINGS = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_password", "smtp_from",
            "alert_webhook_url", "webhook_allow_hosts", "alert_interval_minutes", "report_hour", "language")
WHOLE_NUMBERS = ("smtp_port", "alert_interval_minutes", "report_hour")
SECURITY = ("none", "starttls", "ssl")


def check_settings(values: Mapping[str, str]) -> None:
    """Refuse (GoalError) an unknown channel setting or a value of the wrong kind, before any is stored."""
    bad = [k for k in values if k not in SETTINGS]
    if bad:
        raise said(GoalError, N_("ajuste(s) desconocido(s) {bad}; use: {settings}"), bad=", ".join(bad),
                   settings=", ".join(SETTINGS))
    for key in WHOLE_NUMBERS:
        if key in values and not values[key].isdigit():
            raise said(GoalError, N_("{key} debe ser un número entero, no '{value}'"), key=key, value=values[key])
    if values.get("smtp_security", "none") not in SECURITY:
        raise said(GoalError, N_("smtp_security es none, starttls o ssl"))
    if values.get("language", "es") not in LANGS:
        raise said(GoalError, N_("language es {langs}"), langs=" or ".join(LANGS))


def language(store) -> str:
    """The workspace's language (`language`, Spanish unless set): webhooks speak it."""
    return pick_language(store.settings_dict().get("language"))


def languages(store, addresses: list[str]) -> dict[str, list[str]]:
    """E-mail addresses by the language their reader reads: an active user's stored locale, else
    the workspace's language; in the order given."""
    u, c = schema.users, schema.user_credentials
    wanted = {a.lower() for a in addresses}
    query = (sa.select(sa.func.lower(u.c.email), c.c.locale).select_from(u.join(c, c.c.user_id == u.c.id))
             .where(sa.func.lower(u.c.email).in_(wanted), u.c.active.is_(True), c.c.locale.is_not(None))
             .order_by(u.c.id))
    with store.engine.connect() as conn:
        stored: dict[str, str] = {}
        for email, locale in conn.execute(query):
            stored.setdefault(email, locale)
    default = language(store)
    out: dict[str, list[str]] = {}
    for address in addresses:
        out.setdefault(pick_language(stored.get(address.lower(), default)), []).append(address)
    return out


def smtp_settings(store) -> dict[str, Any]:
    """The SMTP settings of the workspace, or ChannelError when no server is set."""
    s = store.settings_dict()
    host = (s.get("smtp_host") or "").strip()
    if not host:
        raise ChannelError("no SMTP server: set the workspace setting smtp_host (and smtp_port, smtp_from)")
    try:
        port = int(s.get("smtp_port") or 25)
    except ValueError:
        raise ChannelError(f"smtp_port '{s.get('smtp_port')}' is not a number") from None
    security = (s.get("smtp_security") or "none").strip()
    if security not in SECURITY:
        raise ChannelError(f"smtp_security '{security}' is not none, starttls or ssl")
    return {"host": host, "port": port, "security": security, "user": s.get("smtp_user") or None,
            "password": s.get("smtp_password") or None, "sender": s.get("smtp_from") or "pulso@localhost"}


def send_email(store, recipients: list[str], subject: str, text: str, *, html: str | None = None,
               attachments: list[tuple[str, bytes, str]] = ()) -> None:
    """Send one e-mail; attachments are (file name, bytes, MIME type 'application/pdf')."""
    cfg = smtp_settings(store)
    msg = EmailMessage()
    msg["From"] = cfg["sender"]
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject.replace("\n", " ").replace("\r", " ")[:250]
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for name, data, mime in attachments:
        main, _, sub = mime.partition("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    try:
        cls = smtplib.SMTP_SSL if cfg["security"] == "ssl" else smtplib.SMTP
        with cls(cfg["host"], cfg["port"], timeout=TIMEOUT) as server:
            if cfg["security"] == "starttls":
                server.starttls()
            if cfg["user"]:
                server.login(cfg["user"], cfg["password"] or "")
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise ChannelError(f"e-mail to {', '.join(recipients)} via {cfg['host']}:{cfg['port']} failed: {exc}") from None


def webhook_url(store, given: str | None) -> str:
    """The rule's webhook URL, else the workspace's alert_webhook_url."""
    url = (given or store.settings_dict().get("alert_webhook_url") or "").strip()
    if not url.startswith(("http://", "https://")):
        raise ChannelError("no webhook URL: give one to the rule or set the workspace setting alert_webhook_url")
    return url


def slack_payload(alert: dict[str, Any], lang: str = "es", reading: Reading | None = None) -> dict[str, Any]:
    """A Slack-compatible body (`text` plus blocks) in `lang` that also carries the alert as data;
    its facts are labelled and written for `reading` (names, currency) in that language."""
    detail = alert.get("detail") or {}
    title, message = localized(alert, lang)
    facts = [f"*{k}*: {v}" for k, v in texts_facts(alert, reading or Reading(lang), WEBHOOK_FACTS)]
    return {
        "text": f"{title}\n{message}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": message}},
            *([{"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(facts)}]}] if facts else []),
        ],
        "alert": {k: alert.get(k) for k in ("id", "rule_id", "raised_at")} | {"title": title, "message": message,
                                                                          "lang": lang, "detail": detail},
    }


def allowed_hosts(store) -> set[str]:
    """The hosts an admin allowed to receive webhooks although their address is private."""
    return webhook.allowed(store.settings_dict().get("webhook_allow_hosts"))


def post_webhook(url: str, payload: dict[str, Any], *, allow: set[str] | frozenset = frozenset()) -> None:
    """POST JSON to a webhook under the address policy (webhook.py); WebhookRefused when the policy
    refuses it, ChannelError unless it answers 2xx."""
    try:
        webhook.post(url, payload, allow)
    except webhook.WebhookError as exc:  # the same words, still sayable in a reader's language (said)
        again = (WebhookRefused if isinstance(exc, webhook.WebhookRefused) else ChannelError)(str(exc))
        again.text, again.values = getattr(exc, "text", None), getattr(exc, "values", None)
        raise again from None
