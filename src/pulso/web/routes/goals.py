"""Objetivos (goals, quotas, OKRs), Alertas (inbox, rules) and Informes (schedules, downloads);
KPI tables as CSV and XLSX.

Every form is checked by pulso.goals / pulso.alerts / pulso.reports under the signed-in user's
scope (a manager acts on the team and its reps, a rep on themself; viewers only read): an error
re-renders the page with the message and stores nothing. The in-server alert and report schedule
(pulso.jobs) starts with the app (pulso.web.app.create_app).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from pulso import alerts, audit
from pulso.access import Scope
from pulso.errors import PulsoError
from pulso.i18n import error_text
from pulso.web import goal_forms as Forms, goals_pages as G, period_forms as PF
from pulso.web.auth import ForbiddenError
from pulso.web.deps import Ctx, csrf_binding
from pulso.web.pages import page_route, render


router = APIRouter()
F = Annotated[str, Form()]


def caller(ctx) -> Scope:
    """The signed-in user's scope: whom their goals, rules, schedules and alerts may be about."""
    return ctx.scope


def actor(ctx) -> audit.Actor:
    return audit.Actor("user", ctx.user.id)


def ip(ctx) -> str | None:
    """The client's address, recorded in the audit log like every other web action."""
    return ctx.request.client.host if ctx.request.client else None


def _act(ctx, page: str, csrf_token: str, action: Callable[[], Any], back: str,
         values: dict[str, str] | None = None) -> Response:
    """Check the form's origin and the user's right to write, run `action` on the database thread;
    on a PulsoError show the page again with the message (nothing was stored)."""
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)
    if ctx.user.role == "viewer":
        raise ForbiddenError("viewers can read goals, alerts and reports but not change them")
    try:
        ctx.services.run(action)
    except ForbiddenError:
        raise
    except PulsoError as exc:
        response = _page(ctx, page, error=error_text(exc, ctx.lang), form=(values, {}) if values else None)
        response.status_code = 400
        return response
    return RedirectResponse(ctx.url(back), status_code=303)


def _page(ctx, page: str, error: str | None = None, number: int = 1,
          form: tuple[dict, dict] | None = None, okr: tuple[dict, dict, list] | None = None) -> Response:
    """A page; `form`: the values and messages of a refused goal or rule form, shown in its fields."""
    ctx.require(page)
    build = {"goals": G.goals_page, "alerts": lambda c, who: G.alerts_page(c, who, number, form),
             "reports": G.reports_page}[page]
    if page == "goals":
        build = lambda c, who: G.goals_page(c, who, form, okr)  # noqa: E731
    data = ctx.services.run(build, ctx, caller(ctx))
    data["error"] = error
    data["writable"] = ctx.user.role != "viewer"
    return render(ctx, page, data, template=f"goals_{page}.html")


@page_route(router, "/goals", "goals")
def goals_page(ctx: Ctx):
    """Goals with status, pace and forecast; quotas and leaderboard; OKRs."""
    return _page(ctx, "goals")


@page_route(router, "/alerts", "alerts")
def alerts_page(ctx: Ctx, page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    """The inbox of alerts (a page of G.INBOX_PAGE, newest first; `page` for older ones), and the rules."""
    return _page(ctx, "alerts", number=page)


@page_route(router, "/reports", "reports")
def reports_page(ctx: Ctx):
    """Report schedules and downloads."""
    return _page(ctx, "reports")


async def form_of(request: Request) -> dict[str, str]:
    """A form's fields by name (the rule form's parameters are named per kind: peers.days)."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


FormData = Annotated[dict, Depends(form_of)]


def _refused(ctx, page: str, csrf_token: str, errors: dict[str, str], values: dict[str, str],
             okr: tuple[dict, dict, list] | None = None) -> Response:
    """The page again with each bad field's message next to it (nothing was stored)."""
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)
    if ctx.user.role == "viewer":
        raise ForbiddenError("viewers can read goals, alerts and reports but not change them")
    response = _page(ctx, page, error=" · ".join(errors.values()), form=None if okr else (values, errors), okr=okr)
    response.status_code = 400
    return response


@router.post("/goals", include_in_schema=False)
def add_goal(ctx: Ctx, form: FormData) -> Response:
    """Add a goal from the form's pickers (KPI, scope and values by name, dates from the calendar)."""
    from pulso.goals import create_goal

    token = form.get("csrf_token", "")
    only = ctx.services.run(G.only_values, ctx)
    goal, errors = Forms.read_goal(ctx, form, only)
    if errors:
        return _refused(ctx, "goals", token, errors, form)
    return _act(ctx, "goals", token, lambda: create_goal(
        ctx.services.store, ctx.services.engine, **goal, today=ctx.today, caller=caller(ctx), actor=actor(ctx),
        ip=ip(ctx)), "/goals", form)


@router.post("/goals/{goal_id}/delete", include_in_schema=False)
def remove_goal(ctx: Ctx, goal_id: str, csrf_token: F = "") -> Response:
    """Delete a goal."""
    from pulso.goals import delete_goal

    return _act(ctx, "goals", csrf_token, lambda: delete_goal(ctx.services.store, goal_id, caller=caller(ctx),
                                                              actor=actor(ctx), ip=ip(ctx)), "/goals")


@router.post("/quotas", include_in_schema=False)
def add_quota(ctx: Ctx, csrf_token: F = "", scope: F = "", period: F = "", amount: F = "") -> Response:
    """Enter a quota."""
    from pulso.goals import set_quota

    return _act(ctx, "goals", csrf_token, lambda: set_quota(ctx.services.store, scope=scope, period=period,
                                                            amount=amount, caller=caller(ctx), actor=actor(ctx),
                                                            ip=ip(ctx)),
                "/goals")


@router.post("/okrs", include_in_schema=False)
def add_objective(ctx: Ctx, form: FormData) -> Response:
    """Add an objective from the form's rows (title, KPI picked by name or by hand, start, target);
    its add/remove buttons show the form again with a row more or less, storing nothing."""
    from pulso.goals import create_objective

    token = form.get("csrf_token", "")
    current = _quarter(ctx)
    okr, errors, rows = PF.read_okr(ctx, form, PF.quarter_choices(ctx, current))
    values = {k: form.get(k, "") for k in ("title", "quarter", "scope")}
    if form.get("action", "save") != "save":
        ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), token)
        if ctx.user.role == "viewer":
            raise ForbiddenError("viewers can read goals, alerts and reports but not change them")
        return _page(ctx, "goals", okr=(values, {}, rows))
    if errors:
        return _refused(ctx, "goals", token, errors, values, okr=(values, errors, rows))
    return _act(ctx, "goals", token, lambda: create_objective(
        ctx.services.store, ctx.services.engine, **okr, caller=caller(ctx), actor=actor(ctx), ip=ip(ctx)), "/goals")


def _quarter(ctx) -> str:
    """The quarter the goals page shows OKRs for (the fiscal quarter of the page's period), as
    pulso.goals reads it: 2026-Q4."""
    return G.quarter_of(ctx)


@router.post("/okrs/checkin", include_in_schema=False)
def okr_checkin(ctx: Ctx, csrf_token: F = "", key_result: F = "", value: F = "", note: F = "") -> Response:
    """Check in a key result."""
    from pulso.goals import check_in

    return _act(ctx, "goals", csrf_token, lambda: check_in(
        ctx.services.store, ctx.services.engine, key_result, value or None, note=note or None, today=ctx.today,
        caller=caller(ctx), actor=actor(ctx), ip=ip(ctx)), "/goals")


@router.post("/alerts/{alert_id}/ack", include_in_schema=False)
def ack_alert(ctx: Ctx, alert_id: str, csrf_token: F = "") -> Response:
    """Acknowledge an alert."""
    from pulso.alerts import acknowledge

    return _act(ctx, "alerts", csrf_token, lambda: acknowledge(ctx.services.store, alert_id, caller=caller(ctx),
                                                               actor=actor(ctx), ip=ip(ctx)), "/alerts")


@router.post("/alerts/{alert_id}/snooze", include_in_schema=False)
def snooze_alert(ctx: Ctx, alert_id: str, csrf_token: F = "", hours: F = "24") -> Response:
    """Snooze an alert."""
    from pulso.alerts import snooze

    return _act(ctx, "alerts", csrf_token, lambda: snooze(ctx.services.store, alert_id, hours, caller=caller(ctx),
                                                          actor=actor(ctx), ip=ip(ctx)), "/alerts")


@router.post("/alerts/rules", include_in_schema=False)
def add_rule(ctx: Ctx, form: FormData) -> Response:
    """Add an alert rule from the form: kind, KPI, scope and channel picked by name, the kind's
    parameters as labelled fields (peers.days=180 → {"days": "180"}). Only an admin gives a webhook
    URL (the server POSTs alert details there); others' webhook rules use the workspace's webhook."""
    from pulso.alerts import create_rule

    token = form.get("csrf_token", "")
    admin = ctx.user.role == "admin"
    if form.get("channel") == "webhook" and form.get("recipients", "").strip() and not admin and ctx.user.role != "viewer":
        ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), token)
        response = _page(ctx, "alerts", error=ctx._(G.WEBHOOK_ADMIN_ONLY))
        response.status_code = 403
        return response
    goals_ = ctx.services.run(Forms.goal_choices, ctx)
    rule, errors = Forms.read_rule(ctx, form, goals_)
    if errors:
        return _refused(ctx, "alerts", token, errors, form)
    return _act(ctx, "alerts", token, lambda: create_rule(
        ctx.services.store, ctx.services.engine, **rule, caller=caller(ctx), admin=admin, actor=actor(ctx),
        ip=ip(ctx)), "/alerts", form)


@router.post("/alerts/rules/{rule_id}/delete", include_in_schema=False)
def remove_rule(ctx: Ctx, rule_id: str, csrf_token: F = "") -> Response:
    """Delete an alert rule."""
    from pulso.alerts import delete_rule

    return _act(ctx, "alerts", csrf_token, lambda: delete_rule(ctx.services.store, rule_id, caller=caller(ctx),
                                                               actor=actor(ctx), ip=ip(ctx)), "/alerts")


@router.post("/alerts/rules/{rule_id}/enabled", include_in_schema=False)
def switch_rule(ctx: Ctx, rule_id: str, csrf_token: F = "", enabled: F = "") -> Response:
    """Switch an alert rule on (enabled=1) or off (an admin's: the starter rules' switch)."""
    from pulso.alerts.starter import set_enabled

    _admin_only(ctx, csrf_token)
    return _act(ctx, "alerts", csrf_token, lambda: set_enabled(ctx.services.store, rule_id, enabled == "1",
                                                               caller=caller(ctx), actor=actor(ctx), ip=ip(ctx)),
                "/alerts")


@router.post("/alerts/starter", include_in_schema=False)
def install_starter(ctx: Ctx, csrf_token: F = "") -> Response:
    """Add the starter rules not yet stored (an admin's)."""
    from pulso.alerts import starter

    _admin_only(ctx, csrf_token)
    return _act(ctx, "alerts", csrf_token, lambda: starter.install(ctx.services.store, ctx.services.engine,
                                                                   actor=actor(ctx), ip=ip(ctx)), "/alerts")


@router.post("/goals/suggested/{kpi}", include_in_schema=False)
def accept_suggested(ctx: Ctx, kpi: str, csrf_token: F = "") -> Response:
    """Accept a suggested goal (an admin's for the company, a manager's for the team)."""
    from pulso.goals.suggest import accept

    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)
    if ctx.user.role not in ("admin", "manager"):
        raise ForbiddenError("only an administrator or a manager accepts a suggested goal")
    return _act(ctx, "goals", csrf_token, lambda: accept(ctx.services.store, ctx.services.engine, kpi, ctx.today,
                                                         caller(ctx), caller=caller(ctx), actor=actor(ctx), ip=ip(ctx)),
                "/goals")


def _admin_only(ctx, csrf_token: str) -> None:
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)
    if ctx.user.role != "admin":
        raise ForbiddenError("only an administrator switches alert rules on or off or installs the starter rules")


@router.post("/reports/schedules", include_in_schema=False)
def add_schedule(ctx: Ctx, csrf_token: F = "", name: F = "", frequency: F = "month", recipients: F = "",
                 scope: F = "", lang: F = "es", format: F = "pdf") -> Response:
    """Add a report schedule."""
    from pulso.reports import create_schedule

    return _act(ctx, "reports", csrf_token, lambda: create_schedule(
        ctx.services.store, name=name, frequency=frequency, recipients=recipients, scope=scope or caller(ctx).text,
        lang=lang, fmt=format, caller=caller(ctx), actor=actor(ctx), ip=ip(ctx)), "/reports")


@router.post("/reports/schedules/{schedule_id}/delete", include_in_schema=False)
def remove_schedule(ctx: Ctx, schedule_id: str, csrf_token: F = "") -> Response:
    """Delete a report schedule."""
    from pulso.reports import delete_schedule

    return _act(ctx, "reports", csrf_token, lambda: delete_schedule(ctx.services.store, schedule_id,
                                                                    caller=caller(ctx), actor=actor(ctx), ip=ip(ctx)),
                 "/reports")


@router.get("/reports/download", include_in_schema=False)
def download_report(ctx: Ctx, report: str = "", format: str = "pdf", lang: str = "") -> Response:
    """The scorecard of a period (`report`=2026-10; `period` is the page's own) for the user's scope, as PDF or HTML."""
    ctx.require("reports")
    from pulso.reports import build, render as render_report

    try:
        data = ctx.services.run(lambda: build(ctx.services.store, ctx.services.engine, period=report or _month(ctx),
                                              scope=caller(ctx), lang=lang or ctx.lang, today=ctx.today))
        body = render_report(data, format)
    except PulsoError as exc:  # a bad period, language or format: say so on the page
        response = _page(ctx, "reports", error=error_text(exc, ctx.lang))
        response.status_code = 400
        return response
    kind = "application/pdf" if format == "pdf" else "text/html; charset=utf-8"
    name = f"pulso-{data['period']}.{format}"
    return Response(body, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _month(ctx) -> str:
    last = ctx.today.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


@router.get("/kpi/{key}/export.{fmt}", include_in_schema=False)
def export_kpi(ctx: Ctx, key: str, fmt: str, by: str | None = None) -> Response:
    """A KPI's table over the page's period, filters and split, as CSV or XLSX (scoped, audited)."""
    ctx.require("kpi")
    body, kind = G.export_table(ctx, key, fmt, by)
    ctx.services.run(audit.record, ctx.services.store, "export.kpi", actor=actor(ctx), target=("kpi", key),
                     detail={"format": fmt, "period": ctx.period.params(), "filters": ctx.filters, "by": by,
                             "scope": caller(ctx).text}, ip=ctx.request.client.host if ctx.request.client else None)
    return Response(body, media_type=kind,
                    headers={"Content-Disposition": f'attachment; filename="{key}-{ctx.period.start}.{fmt}"'})
