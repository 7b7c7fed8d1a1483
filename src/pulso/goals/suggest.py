"""Suggested goals: a target for each headline KPI from its own recent level, explained, to accept.

    from pulso.goals.suggest import suggestions, accept
    suggestions(engine, today, scope)        # each: KPI, baseline, target, why, window, accepted goal id
    accept(store, engine, "close_rate", today, scope)   # stores it as a goal (pulso.goals.create_goal)

The baseline is the mean of the KPI's values over the last MONTHS (6) whole months before today's
month (months without a value are left out); the target improves it by UPLIFT (5 %) in the KPI's
direction (more revenue, less churn), rounded sensibly (a percentage to half a point, a tenth of a point
below 10 %; an amount or a count to three significant figures and whole units; hours and scores
to three significant figures and at most one decimal; never rounded back to the baseline). A goal's window is the current quarter (of the
fiscal year); for a count or an
amount that piles up (revenue won) the target is for the whole quarter: the mean per month times
the quarter's months, plus 5 %. A suggestion is only a suggestion until accepted: then it is a
goal like any other (removing the goal switches it off again).
"""

from __future__ import annotations

import datetime as dt
import math
from statistics import mean
from typing import Any

from pulso import audit
from pulso.access import Scope
from pulso.engine import periods as P
from pulso.goals.scopes import GoalError
from pulso.goals.tracking import create_goal, goals, is_cumulative
from pulso.i18n import N_, said, translate

KPIS = ("revenue_won", "close_rate", "lead_conversion_rate", "churn_rate", "nps", "first_response_time_hours",
        "lead_response_time_hours")
MONTHS = 6
UPLIFT = 0.05
WHY_LEVEL_UP = N_("por qué esta meta: media de los últimos {months} meses ({baseline}) + {uplift}")
WHY_LEVEL_DOWN = N_("por qué esta meta: media de los últimos {months} meses ({baseline}) − {uplift}")
WHY_TOTAL = N_("por qué esta meta: media mensual de los últimos {months} meses ({baseline}) × {window} meses "
               "del trimestre + {uplift}")


def rounded(value: float, unit: str, baseline: float | None = None, direction: str = "up") -> float:
    """A target as a person would set it: a percentage to half a point (a tenth below 10 %, within
    0–100 %), three significant figures otherwise, whole units for counts and amounts, at most one
    decimal else. Should the nearest such figure not improve on `baseline`, the next one that does."""
    if unit == "%":
        step = 0.005 if abs(value) >= 0.1 else 0.001
    elif value == 0:
        return 0.0
    else:
        digits = min(2 - math.floor(math.log10(abs(value))), 0 if unit in ("count", "currency") else 1)
        step = 10.0 ** -digits
    places = max(0, -math.floor(math.log10(step)) + 1)
    near = round(math.floor(value / step + 0.5) * step, places)
    if baseline is not None and not (near < baseline if direction == "down" else near > baseline):
        near = round((math.floor(value / step) if direction == "down" else math.ceil(value / step)) * step, places)
    return min(max(near, 0.0), 1.0) if unit == "%" else float(near)


def improved(baseline: float, direction: str, uplift: float = UPLIFT) -> float:
    """The baseline moved by `uplift` of its size in the better direction (down: less is better)."""
    step = abs(baseline) * uplift
    return baseline - step if direction == "down" else baseline + step


def window(today: dt.date, fiscal: int = 1) -> tuple[dt.date, dt.date]:
    """(start, deadline) of a suggested goal: the current quarter (of the fiscal year starting in
    month `fiscal`), its last day as the deadline."""
    start = P.floor(today, "quarter", fiscal)
    return start, P.add(start, "quarter") - dt.timedelta(days=1)


def suggestions(engine, today: dt.date, scope: Scope | None = None, *, months: int = MONTHS,
                uplift: float = UPLIFT, lang: str = "es") -> list[dict[str, Any]]:
    """A suggested goal per headline KPI with a baseline (KPIs with no value in the months are left
    out), in the scope (the whole company by default), with its explanation in `lang` and the id of
    the goal that accepted it (None while it is only a suggestion)."""
    from pulso import formatting as F

    scope = scope or Scope.company()
    first = P.floor(today, "month")
    start, deadline = window(today, engine.fiscal_start())
    quarter_months = 3
    accepted = {(g["kpi"], g["start_date"]): g["id"] for g in goals(engine.store)
                if g["scope_kind"] == scope.stored_kind and g["scope_id"] == scope.id and not g["dimension"]}
    currency = engine.store.settings_dict().get("currency", "EUR")
    out = []
    for key in KPIS:
        try:
            meta = engine.kpi(key)
        except Exception:  # a catalog without it (a trimmed test catalog)
            continue
        if not scope.is_company and not meta.owned:
            continue
        rows = engine.query(key, start=P.add(first, "month", -months), end=first, grain="month", scope=scope).rows
        values = [r["value"] for r in rows if r["value"] is not None]
        if not values:
            continue
        base = mean(values)
        total = is_cumulative(meta)
        level = base * (quarter_months if total else 1)
        target = rounded(improved(level, meta.direction, uplift), meta.unit, level, meta.direction)
        fmt = (lambda v: F.fmt_value(v, meta.unit, lang, currency))
        why = WHY_TOTAL if total else (WHY_LEVEL_DOWN if meta.direction == "down" else WHY_LEVEL_UP)
        out.append({"kpi": key, "name": meta.name[lang], "unit": meta.unit, "baseline": base, "target": target,
                    "months": len(values), "start": start, "deadline": deadline, "cumulative": total,
                    "baseline_text": fmt(base), "target_text": fmt(target),
                    "why": translate(why, lang).format(months=len(values), baseline=fmt(base), window=quarter_months,
                                                       uplift=F.fmt_percent(uplift, lang, 0)),
                    "goal_id": accepted.get((key, start))})
    return out


def accept(store, engine, kpi: str, today: dt.date, scope: Scope | None = None, *, caller: Scope | None = None,
           actor: audit.Actor = audit.CLI, ip: str | None = None) -> dict[str, Any]:
    """Store a suggested goal (the same one twice is refused); returns the goal."""
    scope = scope or Scope.company()
    found = [s for s in suggestions(engine, today, scope) if s["kpi"] == kpi]
    if not found:
        raise said(GoalError, N_("no hay meta sugerida para '{kpi}': no tiene valor en los últimos {months} meses, "
                                 "o no es uno de {kpis}"), kpi=kpi, months=MONTHS, kpis=", ".join(KPIS))
    s = found[0]
    if s["goal_id"]:
        raise said(GoalError, N_("la meta sugerida sobre {kpi} ya está aceptada ({id})"), kpi=kpi, id=s["goal_id"])
    return create_goal(store, engine, kpi=kpi, target=s["target"], scope=scope, start=s["start"],
                       deadline=s["deadline"], today=today, caller=caller, actor=actor, ip=ip)
