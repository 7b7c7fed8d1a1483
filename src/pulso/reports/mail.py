"""Report schedules: a scope's scorecard e-mailed to recipients every week, month or quarter.

`send_due(store, engine, now)` sends, for every schedule, the last whole period of its frequency
that it has not sent yet (`last_start`, the first day of the last period sent, remembers it, so a
period is never sent twice; `last_period` keeps its text); the server's scheduler calls it daily at
`report_hour`. Each delivery is logged in `notification_log`. Quarterly schedules send the quarters
of the workspace's fiscal year; since what was sent is remembered by its first day, changing the
fiscal year start neither sends a quarter again nor skips one that starts on another day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from pulso import audit
from pulso.access import Scope
from pulso.alerts import channels
from pulso.alerts.rules import check_recipients
from pulso.engine import periods as P
from pulso.goals.scopes import GoalError, Span, fiscal_of, parse_period, require_visible, resolve_scope, span_of
from pulso.i18n import N_, said
from pulso.reports.render import FORMATS, render
from pulso.reports.scorecard import build, text
from pulso.store import tables_goals as T

FREQUENCIES = ("week", "month", "quarter")


def create_schedule(store, *, name: str, frequency: str, recipients: str, scope: str | Scope = "company",
                    lang: str = "es", fmt: str = "pdf", caller: Scope | None = None,
                    actor: audit.Actor = audit.CLI, ip: str | None = None) -> dict[str, Any]:
    """Check and store a report schedule (a scope outside the caller's looks absent)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise said(GoalError, N_("nombre: escriba uno de 1 a 200 caracteres"))
    if frequency not in FREQUENCIES:
        raise said(GoalError, N_("la frecuencia '{frequency}' no es ninguna de {frequencies}"), frequency=frequency,
                   frequencies=", ".join(FREQUENCIES))
    if lang not in ("es", "en"):
        raise said(GoalError, N_("el idioma '{lang}' no es es ni en"), lang=lang)
    if fmt not in FORMATS:
        raise said(GoalError, N_("el formato '{fmt}' no es pdf ni html"), fmt=fmt)
    where = resolve_scope(store, scope, caller)
    to = check_recipients("email", recipients)
    row = {"id": "sched-" + uuid.uuid4().hex[:12], "name": name, "frequency": frequency, "scope_kind": where.stored_kind,
           "scope_id": where.id, "lang": lang, "format": fmt, "recipients": to, "last_period": None,
           "created_by": actor.id, "created_at": dt.datetime.now(dt.timezone.utc)}
    with store.connect() as conn:
        conn.execute(T.report_schedules.insert().values(**row))
        audit.record(store, "reports.schedule_create", actor=actor, target=("report_schedules", row["id"]),
                     detail={"frequency": frequency, "scope": where.text}, ip=ip, conn=conn)
    return row


def schedules(store) -> list[dict[str, Any]]:
    """Stored schedules, oldest first."""
    s = T.report_schedules
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(s).order_by(s.c.created_at, s.c.id)).mappings()]


def delete_schedule(store, schedule_id: str, *, caller: Scope | None = None, actor: audit.Actor = audit.CLI,
                    ip: str | None = None) -> None:
    """Remove a schedule; one outside the caller's scope looks absent."""
    found = [s for s in schedules(store) if s["id"] == schedule_id]
    absent = said(GoalError, N_("ningún envío programado de informe tiene el id '{id}'"), id=schedule_id)
    if not found:
        raise absent
    require_visible(store, Scope.stored(found[0]["scope_kind"], found[0]["scope_id"]), caller, absent)
    with store.connect() as conn:
        conn.execute(T.report_schedules.delete().where(T.report_schedules.c.id == schedule_id))
        audit.record(store, "reports.schedule_delete", actor=actor, target=("report_schedules", schedule_id), ip=ip, conn=conn)


def last_whole_span(frequency: str, today: dt.date, fiscal: int = 1) -> Span:
    """The last period of `frequency` that ended by `today` (October 2026 on any day of November; a
    quarter of the fiscal year starting in month `fiscal`)."""
    return span_of(P.add(P.floor(today, frequency, fiscal), frequency, -1), frequency, fiscal)


def last_whole_period(frequency: str, today: dt.date, fiscal: int = 1) -> str:
    """`last_whole_span`'s text (2026-10; 2026-Q2 for July–September with a year from April)."""
    return last_whole_span(frequency, today, fiscal).text


def send_schedule(store, engine, schedule: dict[str, Any], period: "str | Span", now: dt.datetime) -> dict[str, Any]:
    """Build a schedule's report for `period`, e-mail it, log it and remember the period."""
    lang, fmt = schedule["lang"], schedule["format"]
    today = now.astimezone(store.timezone).date()
    span = period if isinstance(period, Span) else parse_period(period, fiscal_of(store))
    period = span.text
    report = build(store, engine, period=span, scope=Scope.stored(schedule["scope_kind"], schedule["scope_id"]),
                   lang=lang, today=today)
    body = render(report, fmt)
    to = [x.strip() for x in schedule["recipients"].split(",") if x.strip()]
    subject = f"{text('title', lang)} · {report['period_label']} · {report['scope_label']}"
    intro = f"{schedule['name']}: {subject}"
    status, error = "sent", None
    try:
        if fmt == "pdf":
            channels.send_email(store, to, subject, intro, attachments=[(f"pulso-{period}.pdf", body, "application/pdf")])
        else:
            channels.send_email(store, to, subject, intro, html=body.decode())
    except channels.ChannelError as exc:
        status, error = "failed", str(exc)
    entry = {"id": uuid.uuid4().hex, "alert_id": None, "schedule_id": schedule["id"], "channel": "email",
             "target": schedule["recipients"], "sent_at": now, "status": status, "error": error}
    with store.connect() as conn:
        conn.execute(T.notification_log.insert().values(**entry))
        if status == "sent":
            conn.execute(T.report_schedules.update().where(T.report_schedules.c.id == schedule["id"])
                         .values(last_period=period, last_start=span.start))
    return entry


def send_due(store, engine, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Send every schedule's last whole period not sent yet; returns the deliveries."""
    now = now or dt.datetime.now(dt.timezone.utc)
    today = now.astimezone(store.timezone).date()
    fiscal = fiscal_of(store)
    out = []
    for schedule in schedules(store):
        span = last_whole_span(schedule["frequency"], today, fiscal)
        if schedule["last_start"] == span.start:
            continue
        out.append(send_schedule(store, engine, schedule, span, now))
    return out
