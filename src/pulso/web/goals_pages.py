"""What the Objetivos, Alertas and Informes pages show (built on the database thread), and KPI
table exports. Route handlers are in routes/goals.py."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from pulso.access import Scope
from pulso.engine import periods as P
from pulso.errors import KpiError
from pulso.goals.scopes import GoalError, within
from pulso.i18n import N_
from pulso import formatting as f
from pulso.catalog import DIMENSIONS
from pulso.web import goal_forms as Forms, period_forms as PF
from pulso.web.pages import cell, table

INBOX_PAGE = 50  # alerts per page of the inbox
WEBHOOK_ADMIN_ONLY = N_("Solo un administrador puede indicar la URL de un webhook; deja el campo vacío para usar el "
                      "webhook del espacio de trabajo.")


def _scope_text(t: dict[str, Any]) -> str:
    return "company" if t["scope_kind"] == "company" else f"{t['scope_kind']}:{t['scope_id']}"


def _visible(store, rows: list[dict], caller: Scope) -> list[dict]:
    return [r for r in rows if within(store, Scope.stored(r["scope_kind"], r["scope_id"]), caller)]


def _pct(value: float | None, lang: str) -> str:
    return "—" if value is None else f.fmt_percent(value, lang, 0)


def kpi_options(ctx) -> list[dict[str, str]]:
    """KPIs the user's scope can measure, for the forms' selects."""
    catalog = ctx.services.catalog()
    return [{"key": k, "name": m.name[ctx.lang]} for k, m in catalog.items()
            if ctx.scope.kind == "company" or m.owned]


def only_values(ctx) -> list[dict[str, Any]]:
    """The values a goal may be narrowed to, among the reader's records (database thread)."""
    from pulso.store.lookups import distinct_values

    return Forms.only_options(ctx, lambda table, column: distinct_values(ctx.services.store, ctx.scope, table, column,
                                                                        limit=60))


def goal_form(ctx, form: tuple[dict, dict] | None) -> dict[str, Any]:
    """The new-goal form: KPIs by area, scopes and values by name, what was typed and its messages."""
    values, errors = form or ({}, {})
    groups = Forms.kpi_groups(ctx)
    chosen = values.get("kpi") or groups[0]["kpis"][0]["key"]
    unit = next((k["unit"] for g in groups for k in g["kpis"] if k["key"] == chosen), "")
    return {"kpis": groups, "scope_groups": Forms.grouped(Forms.scope_options(ctx)), "only": only_values(ctx), "unit": unit,
            "values": {"scope": ctx.scope.text, "kpi": chosen, **values}, "errors": errors}


def rule_form(ctx, form: tuple[dict, dict] | None) -> dict[str, Any]:
    """The new-rule form: kinds, KPIs, scopes, channels by name, each kind's labelled parameters."""
    from pulso import alerts

    values, errors = form or ({}, {})
    groups = Forms.kpi_groups(ctx)
    chosen = values.get("kpi") or ""
    unit = next((k["unit"] for g in groups for k in g["kpis"] if k["key"] == chosen), "")
    return {"kinds": [{"value": k, "label": ctx.label("alert_kind", k)} for k in alerts.KINDS],
            "channels": [{"value": c, "label": ctx.label("channel", c)} for c in alerts.CHANNELS],
            "kpis": groups, "scope_groups": Forms.grouped(Forms.scope_options(ctx)), "goals": Forms.goal_choices(ctx), "unit": unit,
            "params": Forms.param_fields(ctx, values, unit),
            "values": {"scope": ctx.scope.text, "kind": "threshold", "channel": "inbox", **values}, "errors": errors}


def okr_form(ctx, quarter: str, okr: tuple[dict, dict, list] | None) -> dict[str, Any]:
    """The new-objective form: quarters by name, scopes, KPIs by area, key-result rows (two empty
    ones, or what was typed with its messages)."""
    values, errors, rows = okr or ({}, {}, PF.okr_rows({}))
    return {"kpis": Forms.kpi_groups(ctx), "scope_groups": Forms.grouped(Forms.scope_options(ctx)),
            "quarters": PF.quarter_choices(ctx, quarter, str(values.get("quarter", ""))), "rows": rows, "errors": errors,
            "values": {"scope": ctx.scope.text, "quarter": quarter, **values},
            "can_add": len(rows) < PF.MAX_KEY_RESULTS}


def quarter_of(ctx) -> str:
    """The fiscal quarter holding the page's period, as pulso.goals reads it (2026-Q1)."""
    from pulso.goals.scopes import name_period

    fiscal = ctx.period.fiscal
    return name_period(P.floor(ctx.period.start, "quarter", fiscal), "quarter", fiscal)


#: The periods the quota form offers around the page's: months, quarters and years (fiscal).
QUOTA_STEPS = {"month": (-2, 9), "quarter": (-1, 4), "year": (-1, 1)}
#: The periods a report can be downloaded for: the last twelve months, five quarters, three years.
REPORT_STEPS = {"month": (-12, 0), "quarter": (-4, 0), "year": (-2, 0)}


def goals_page(ctx, caller: Scope, form: tuple[dict, dict] | None = None,
               okr: tuple[dict, dict, list] | None = None) -> dict[str, Any]:
    """Goals with their state, the metrics without goals, quotas, leaderboard and OKRs."""
    from pulso import goals
    from pulso.goals.okrs import period_words

    store, engine, lang = ctx.services.store, ctx.services.engine, ctx.lang
    items = []
    for g in _visible(store, goals.goals(store), caller):
        s = goals.evaluate(engine, g, ctx.today, lang)
        meta = s["kpi"]
        fmt = (lambda v, u=meta.unit: f.fmt_value(v, u, lang, ctx.currency))
        items.append({
            "id": g["id"], "name": g["name"] or meta.name[lang], "kpi": meta.key, "scope": _scope_text(g),
            "dimension": f"{DIMENSIONS[g['dimension']][lang] if g['dimension'] in DIMENSIONS else g['dimension']}: "
                         f"{ctx.label(g['dimension'], g['dimension_value'])}" if g["dimension"] else "",
            "baseline": fmt(g["baseline"]), "baseline_how": s["baseline_text"], "target": fmt(g["target"]),
            "value": fmt(s["value"]), "progress": _pct(s["progress"], lang), "pace": _pct(s["pace"], lang),
            "status": s["status"], "status_text": s["status_text"],
            "forecast": fmt(s["forecast"]) if s["forecast"] is not None else "—",
            "start": g["start_date"], "deadline": g["deadline"] or "—",
            "start_text": f.fmt_date(g["start_date"], lang), "deadline_text": f.fmt_date(g["deadline"], lang),
            "smart": [{"letter": x.letter, "ok": x.ok, "message": x.message} for x in s["smart"]],
        })
    tracked = goals.tracked_kpis(store)
    general = [m.name[lang] for k, m in ctx.services.catalog().items() if k not in tracked]
    fiscal = ctx.period.fiscal
    period = goals.parse_period(_period_text(ctx), fiscal)
    try:
        board = goals.leaderboard(engine, period=period.text, scope=caller)
    except (GoalError, KpiError):
        board = []
    names = ctx.services.names(ctx.version)["owner"]
    leaders = [{"rank": r["rank"], "owner": names.get(r["owner"], r["owner"]), "attainment": _pct(r["attainment"], lang),
                "revenue": f.fmt_money(r["revenue"], ctx.currency, lang), "quota": f.fmt_money(r["quota"], ctx.currency, lang)}
               for r in board]
    quarter = P.floor(ctx.period.start, "quarter", fiscal)
    quarter_text = quarter_of(ctx)
    okrs = []
    for o in _visible(store, goals.objectives(store, quarter=quarter_text, fiscal=fiscal), caller):
        words, note = period_words(o, lang, fiscal)  # one saved under another fiscal year says so
        okrs.append({**f.okr_texts(goals.scored(engine, o, ctx.today), lang), "quarter_text": words, "quarter_note": note})
    sections = [table(ctx._("Objetivos sobre indicadores"),
                      [(ctx._("Objetivo"), False), (ctx._("Alcance"), False), (ctx._("Meta"), True), (ctx._("Valor"), True),
                       (ctx._("Progreso"), True), (ctx._("Estado"), False)],
                      [[cell(g["name"]), cell(g["scope"]), cell(g["target"]), cell(g["value"]), cell(g["progress"]),
                        cell(g["status_text"])] for g in items], empty=ctx._("Sin objetivos."))]
    from pulso.goals.suggest import suggestions

    suggested = suggestions(engine, ctx.today, caller, lang=lang) if ctx.user.role in ("admin", "manager") else []
    return {"title": ctx._("Objetivos"), "sections": sections, "goals": items, "general": general, "tracked": sorted(tracked),
            "suggested": [{**s, "span_text": f.fmt_period("custom", s["start"], s["deadline"], lang)} for s in suggested],
            "leaderboard": leaders, "quota_period": period.text, "okrs": okrs, "quarter": quarter_text,
            "quota_period_text": f.fmt_period(period.grain, period.start, period.end - dt.timedelta(days=1), lang, fiscal),
            "quota_periods": PF.period_options(ctx, ctx.period.start, QUOTA_STEPS),
            "quarter_label": f.fmt_period("quarter", quarter, quarter, lang, fiscal),
            "kpis": kpi_options(ctx), "scope_text": caller.text, "form": goal_form(ctx, form),
            "okr_form": okr_form(ctx, quarter_text, okr),
            "team_scopes": Forms.grouped(Forms.scope_options(ctx, company=False))}


def _period_text(ctx) -> str:
    kind = ctx.period.kind if ctx.period.kind in ("month", "quarter", "year") else "month"
    from pulso.goals.scopes import name_period

    return name_period(P.floor(ctx.period.start, kind, ctx.period.fiscal), kind, ctx.period.fiscal)


def alerts_page(ctx, caller: Scope, page: int = 1, form: tuple[dict, dict] | None = None) -> dict[str, Any]:
    """A page of the inbox (open alerts within the scope, newest first), recent handled ones, and
    the rules (a webhook's URL, which may carry a secret, is shown to admins only)."""
    from pulso import alerts
    from pulso.alerts.detect import localized
    from pulso.alerts.texts import Reading, breakdown

    store = ctx.services.store
    found = alerts.inbox(store, caller=caller, limit=INBOX_PAGE + 1, offset=(page - 1) * INBOX_PAGE)
    open_, more = found[:INBOX_PAGE], len(found) > INBOX_PAGE
    done = alerts.inbox(store, caller=caller, handled=True, limit=20)
    reading = Reading(ctx.lang, ctx.services.names(ctx.version), ctx.currency, ctx.timezone)
    for a in open_ + done:
        a["title"], a["message"] = localized(a, ctx.lang)
        a["raised_text"] = f.fmt_time(a.get("raised_at"), ctx.lang, ctx.timezone, zone=True)
        a["breakdown_text"], a["breakdown_rows"] = breakdown(a, reading)  # members by name, figures in the KPI's unit
    rules = _visible(store, alerts.rules(store), caller)
    for r in rules:
        r["scope"] = _scope_text(r)
        r["params_text"] = Forms.params_text(ctx, r)
        r["kpi_name"] = ctx.services.catalog()[r["kpi"]].name[ctx.lang] if r["kpi"] in ctx.services.catalog() else r["kpi"]
        if r["channel"] == "webhook" and ctx.user.role != "admin":
            r["recipients"] = None
    sections = [table(ctx._("Bandeja de alertas"), [(ctx._("Alerta"), False), (ctx._("Por qué"), False)],
                      [[cell(a["title"]), cell(a["message"])] for a in open_], empty=ctx._("No hay alertas abiertas."))]
    return {"title": ctx._("Alertas"), "sections": sections, "inbox": open_, "done": done, "rules": rules,
            "kinds": list(alerts.KINDS), "channels": list(alerts.CHANNELS), "kpis": kpi_options(ctx),
            "scope_text": caller.text, "inbox_page": page, "open_count": alerts.count(store, caller=caller),
            "prev": ctx.url("/alerts", page=page - 1) if page > 1 else None,
            "next": ctx.url("/alerts", page=page + 1) if more else None,
            "webhook_url_allowed": ctx.user.role == "admin",
            "starter": starter_rules(ctx, rules), "form": rule_form(ctx, form)}


def starter_rules(ctx, visible: list[dict]) -> list[dict]:
    """The starter rules with their explanation and on/off state (pulso.alerts.starter), for admins."""
    from pulso.alerts import starter

    if ctx.user.role != "admin":
        return []
    return starter.listed(ctx.services.store, ctx.lang)


def reports_page(ctx, caller: Scope) -> dict[str, Any]:
    """Schedules within the scope, and the periods one can download."""
    from pulso import reports

    store = ctx.services.store
    found = _visible(store, reports.schedules(store), caller)
    for s in found:
        s["scope"] = _scope_text(s)
        s["frequency_text"] = ctx._(PF.FREQUENCIES.get(s["frequency"], s["frequency"]))
        s["format_text"] = ctx._(PF.FORMATS.get(s["format"], s["format"]))
        s["lang_text"] = {"es": "Español", "en": "English"}.get(s["lang"], s["lang"])
        s["last_text"] = PF.period_name(ctx, s["last_start"], s["frequency"]) if s.get("last_start") else "—"
    last = ctx.today.replace(day=1) - dt.timedelta(days=1)
    sections = [table(ctx._("Envíos programados"), [(ctx._("Nombre"), False), (ctx._("Frecuencia"), False),
                                                     (ctx._("Alcance"), False)],
                      [[cell(x["name"]), cell(x["frequency_text"]), cell(ctx.scope_name(x["scope"]))] for x in found],
                      empty=ctx._("Sin envíos programados."))]
    return {"title": ctx._("Informes"), "sections": sections, "schedules": found, "default_period": f"{last:%Y-%m}",
            "scope_text": caller.text, "periods": PF.period_options(ctx, ctx.today, REPORT_STEPS),
            "formats": PF.labelled(ctx, PF.FORMATS), "frequencies": PF.labelled(ctx, PF.FREQUENCIES),
            "schedule_form": {"scope_groups": Forms.grouped(Forms.scope_options(ctx)), "values": {"scope": caller.text},
                              "errors": {}}}


safe_cell = f.safe_cell  # one rule for every download (pulso.formatting)


def export_table(ctx, key: str, fmt: str, by: str | None) -> tuple[bytes, str]:
    """The KPI by period (and by one dimension) over the page's period, under the user's scope."""
    from pulso.web.errors import NotFoundError

    if fmt not in ("csv", "xlsx"):
        raise NotFoundError(f"no export as '{fmt}'; use csv or xlsx")
    k = ctx.kpis
    k.meta(key)
    dims = (by,) if by else ()
    if by and by not in k.dimensions(key):
        raise KpiError(f"{key} cannot be split by '{by}'")
    rows = k.query(key, ctx.period.start, ctx.period.end, ctx.period.grain, dims, k.applicable(key, ctx.filters))
    columns = ["period_start", "period_end", *dims, "value", "numerator", "denominator", "previous", "year_ago"]
    table = [[safe_cell(r.get(c) if c not in dims else ctx.label(c, r.get(c))) for c in columns] for r in rows]
    if fmt == "csv":
        return f.csv_text(columns, table).encode("utf-8-sig"), "text/csv; charset=utf-8"
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = key[:31]
    sheet.append(columns)
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
