"""The periodic scorecard of a scope: headline KPIs against target and the previous period (with
a chart of the last periods), goals, OKRs, the alerts of the period, and the biggest movers.

`build(store, engine, period="2026-10", scope="team:t1", lang="es")` returns plain data; the
`render` module turns it into HTML or PDF. Figures come from the engine only. A quarter or a year
is one of the workspace's fiscal year (`2026-Q1` with a year starting in April: April–June 2026,
'T1 del ejercicio 2026-27'); `period` may be a pulso.goals.scopes.Span already read.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from pulso.access import Scope
from pulso.engine import changes, elapsed, intervals, maturity, periods as P
from pulso.goals import okrs as okrs_mod, tracking as goals_mod
from pulso.goals.scopes import GoalError, Span, check_scope, fiscal_of, name_period, parse_period, parse_scope
from pulso.store import schema, tables_goals as T
from pulso import formatting as f
from pulso.i18n import N_, pgettext, translate

HEADLINE = ("revenue_won", "new_customers", "close_rate", "lead_conversion_rate", "pipeline_value",
            "average_deal_value", "churn_rate", "nps", "first_response_time_hours")
MOVERS = HEADLINE + ("leads_created", "open_opportunities", "sales_cycle_days", "activities_logged",
                     "quota_attainment", "csat", "resolution_time_hours", "tickets_opened", "renewal_rate",
                     "lead_response_time_hours", "upsell_cross_sell_rate")
TREND_PERIODS = 6
MOVERS_SHOWN = 5

#: The report's fixed texts (Spanish msgids; English in the .po).
TEXTS = {
    "title": N_("Informe de indicadores"), "kpis": "Indicadores", "kpi": N_("Indicador"), "value": N_("Valor"),
    "previous": N_("Periodo anterior"), "change": N_("Cambio"), "target": N_("Meta"), "status": N_("Estado"),
    "trend": N_("Últimos periodos"), "goals": N_("Objetivos"), "okrs": N_("OKR"),
    "alerts": N_("Alertas del periodo"), "movers": N_("Lo que más ha cambiado"), "progress": N_("Progreso"),
    "pace": "Esperado a hoy", "forecast": N_("Previsión al plazo"), "deadline": N_("Plazo"),
    "score": N_("Puntuación"), "none_goals": N_("Sin objetivos para este alcance."),
    "none_okrs": N_("Sin OKR en este trimestre."), "none_alerts": N_("Ninguna alerta en el periodo."),
    "scope": N_("Alcance"), "company": "toda la empresa", "team": N_("equipo"), "rep": N_("comercial"),
    "generated": N_("Generado el"), "general": N_("métrica general"), "why": N_("Por qué cambió"),
}
#: Texts whose English in a report differs from the pages' (msgctxt "informe" in the .po).
IN_REPORT = {
    "kpis": lambda lang: pgettext("informe", "Indicadores", lang),
    "pace": lambda lang: pgettext("informe", "Esperado a hoy", lang),
    "company": lambda lang: pgettext("informe", "toda la empresa", lang),
}


def text(key: str, lang: str) -> str:
    """A fixed text of the report in a language."""
    return IN_REPORT[key](lang) if key in IN_REPORT else translate(TEXTS[key], lang)


def build(store, engine, *, period: "str | Span", scope: str | Scope = "company", lang: str = "es",
          today: dt.date | None = None) -> dict[str, Any]:
    """Everything the scorecard shows, as plain data."""
    if lang not in ("es", "en"):
        raise GoalError(f"language '{lang}' is not es or en")
    span = period if isinstance(period, Span) else parse_period(period, fiscal_of(store))
    fiscal = span.fiscal
    where = check_scope(store, parse_scope(scope) if isinstance(scope, str) else scope)
    settings = store.settings_dict()
    currency = settings.get("currency", "EUR")
    today = today or dt.date.today()
    as_of = min(today, span.end - dt.timedelta(days=1))
    visible = [k for k in MOVERS if where.kind == "company" or engine.kpi(k).owned]
    goal_rows = goals_mod.goals(store, scope=where)
    targets = _targets(goal_rows, span)
    tracked = goals_mod.tracked_kpis(store)
    kpis, moves = [], []
    first = P.add(span.start, span.grain, -(TREND_PERIODS - 1))
    # A period in progress: figures over its elapsed part, compared like-for-like (pulso.engine.elapsed).
    cmp = elapsed.comparison(span.start, span.end, today)
    trends = engine.query_many([k for k in visible if k in HEADLINE], start=first, end=cmp.upto, grain=span.grain,
                               scope=where)
    singles = engine.query_many([k for k in visible if k not in HEADLINE], start=span.start, end=span.end,
                                scope=where)
    for key in visible:
        meta = engine.kpi(key)
        if key in HEADLINE:
            rows = trends[key].rows
            row = rows[-1]
        else:
            rows = []
            row = singles[key].rows[0]
        row = {**row, "previous_full": row["previous"]}
        if cmp.partial:
            row = (elapsed.figures(lambda a, b, key=key: engine.query(key, start=a, end=b, scope=where).rows, cmp)
                   or [row])[0]
        value, previous = row["value"], row["previous"]
        move = _move(value, previous, meta.unit)
        entry = {"key": key, "name": meta.name[lang], "unit": meta.unit, "direction": meta.direction,
                 "value": value, "previous": previous, "previous_full": row["previous_full"],
                 "text": f.fmt_value(value, meta.unit, lang, currency),
                 "previous_text": f.fmt_value(previous, meta.unit, lang, currency),
                 "change": f.fmt_change(value, previous, meta.unit, lang), "judge": "" if intervals.within_noise(meta, row) else f.judge(value, previous, meta.direction),
                 "move": move, "label": goals_mod.label(key, tracked, lang)}
        young = maturity.maturity(store, key, span.start, span.end, today, where) if maturity.is_cohort_rate(key) else None
        if young is not None and young.maturing:  # a young cohort: its change neither coloured nor a mover
            entry.update(judge="", maturity=young.as_dict(), change=" · ".join(filter(None, [entry["change"], translate(
                maturity.MATURING, lang).format(share=f.fmt_percent(young.share, lang, 0))])))
        if key in HEADLINE:
            target = targets.get(key)
            entry["target"] = target
            entry["target_text"] = f.fmt_value(target, meta.unit, lang, currency) if target is not None else ""
            entry["chart"] = bar_chart([(r["period_start"], r["value"]) for r in rows], span.grain, lang, fiscal=fiscal)
            kpis.append(entry)
        if move is not None and value is not None and not intervals.within_noise(meta, row) and "maturity" not in entry:
            moves.append(entry)
    moves.sort(key=lambda e: -abs(e["move"]))
    why = changes.report_words(engine, [e["key"] for e in kpis], start=span.start, end=span.end, today=today, scope=where,
                               lang=lang, currency=currency, label=changes.store_labels(store))  # top 3 contributors
    for e in kpis:
        e["why"] = why.get(e["key"], "")
    goal_states = []
    for g in goal_rows:
        state = goals_mod.evaluate(engine, g, as_of, lang)
        meta = state["kpi"]
        goal_states.append({
            "id": g["id"], "name": g["name"] or meta.name[lang], "kpi": meta.key, "status": state["status"],
            "status_text": state["status_text"], "value": f.fmt_value(state["value"], meta.unit, lang, currency),
            "target": f.fmt_value(g["target"], meta.unit, lang, currency),
            "progress": f.fmt_percent(state["progress"], lang, 0) if state["progress"] is not None else "—",
            "pace": f.fmt_percent(state["pace"], lang, 0) if state["pace"] is not None else "—",
            "forecast": f.fmt_value(state["forecast"], meta.unit, lang, currency) if state["forecast"] is not None else "—",
            "deadline": g["deadline"]})
    quarter = name_period(P.floor(span.start, "quarter", fiscal), "quarter", fiscal)
    objectives = []
    for o in okrs_mod.objectives(store, quarter=quarter, scope=where, fiscal=fiscal):
        words, note = okrs_mod.period_words(o, lang, fiscal)  # a quarter saved under another fiscal year says so
        objectives.append({**f.okr_texts(okrs_mod.scored(engine, o, as_of), lang),
                           "quarter_text": " · ".join(filter(None, [words, note]))})
    return {
        "title": text("title", lang), "lang": lang, "period": span.text,
        "period_label": f.fmt_period(span.grain if span.grain != "week" else "custom", span.start,
                                     span.end - dt.timedelta(days=1), lang, fiscal),
        "start": span.start, "end": span.end, "scope": where.text, "scope_label": _scope_label(store, where, lang),
        "compared_text": elapsed.words(cmp, lang),
        "currency": currency, "generated": today, "generated_text": f.fmt_date(today, lang), "kpis": kpis, "movers": moves[:MOVERS_SHOWN],
        "goals": goal_states, "okrs": objectives, "alerts": _alerts(store, where, span, lang),
        "t": {k: text(k, lang) for k in TEXTS},
    }


def _move(value: float | None, previous: float | None, unit: str) -> float | None:
    """How much a KPI moved: points for percentages, relative change otherwise."""
    if value is None or previous is None:
        return None
    if unit == "%":
        return value - previous
    if previous == 0:
        return None
    return (value - previous) / abs(previous)


def _targets(goal_rows: list[dict], span) -> dict[str, float]:
    """KPI → target of a goal (with no dimension) whose window overlaps the period."""
    out = {}
    for g in goal_rows:
        ends = g["deadline"] or dt.date.max
        if g["dimension"] is None and g["start_date"] < span.end and ends > span.start:
            out.setdefault(g["kpi"], g["target"])
    return out


def _scope_label(store, where: Scope, lang: str) -> str:
    if where.kind == "company":
        return text("company", lang)
    table = schema.teams if where.kind == "team" else schema.users
    with store.engine.connect() as conn:
        name = conn.execute(sa.select(table.c.name).where(table.c.id == where.id)).scalar()
    return f"{text(where.stored_kind, lang)} {name or where.id}"


def _alerts(store, where: Scope, span, lang: str) -> list[dict[str, Any]]:
    """Alerts raised during the period, for this scope (or about its reps)."""
    from pulso.alerts.detect import localized
    from pulso.goals.scopes import within

    a = T.alerts
    lo = dt.datetime.combine(span.start, dt.time(), tzinfo=store.timezone)
    hi = dt.datetime.combine(span.end, dt.time(), tzinfo=store.timezone)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(a).where(a.c.raised_at >= lo, a.c.raised_at < hi)
                                              .order_by(a.c.raised_at))]
    out = []
    for r in rows:
        detail = json.loads(r["detail"]) if r["detail"] else {}
        owner = detail.get("owner")
        if within(store, Scope.stored(r["scope_kind"], r["scope_id"]), where) or (owner and within(store, Scope.owners(owner), where)):
            title, message = localized({**r, "detail": detail}, lang)
            out.append({"title": title, "message": message, "raised_at": r["raised_at"], "status": r["status"]})
    return out[:50]


def bar_chart(points: list[tuple[dt.date, float | None]], grain: str, lang: str, width: int = 180,
              height: int = 36, fiscal: int = 1) -> dict[str, Any]:
    """A small bar chart of a series as SVG geometry (the last bar is the period reported)."""
    values = [v for _, v in points if v is not None]
    top = max((abs(v) for v in values), default=0) or 1.0
    step = width / max(1, len(points))
    bars = []
    for i, (start, v) in enumerate(points):
        h = 0 if v is None else max(1.0, abs(v) / top * (height - 4))
        bars.append({"x": round(i * step + 2, 1), "y": round(height - 2 - h, 1), "w": round(step - 4, 1),
                     "h": round(h, 1), "last": i == len(points) - 1,
                     "label": f.fmt_bucket(start, grain, lang, fiscal)})
    return {"width": width, "height": height, "bars": bars}
