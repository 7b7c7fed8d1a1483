"""Goals on KPIs: stored with their baseline, then measured against the engine's numbers.

    g = create_goal(store, engine, kpi="close_rate", scope="team:t1", target="30%",
                    start="2026-10-01", deadline="2026-12-31", today=date(2026, 10, 1))
    evaluate(engine, g, today)   # value, progress, pace, status, forecast, baseline, SMART letters

A goal is checked whole before it is stored: unknown KPI, scope outside the caller's, a target
that is not a number (or a percentage beyond 100 %), bad or reversed dates are GoalErrors and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from pulso import audit
from pulso.access import Scope
from pulso.engine import periods as P
from pulso.goals import progress as G
from pulso.goals.scopes import GoalError, parse_date, parse_number, require_visible, resolve_scope
from pulso.i18n import N_, said, saying
from pulso.store import tables_goals as T
from pulso.store.store import _bump_version

GRAINS = ("week", "month", "quarter")
BASELINE_PERIODS = 3
HISTORY_PERIODS = 24  # how far back "anything ever reached" looks, in periods of the goal's grain


def is_cumulative(kpi) -> bool:
    """Whether a goal on this KPI is a total over its window (counts and sums) rather than a level."""
    return kpi.kind == "total" and not kpi.snapshot and kpi.unit in ("count", "currency")


def check_target(kpi, raw) -> float:
    """The target as a number in the KPI's unit (a fraction for percentages)."""
    text = str(raw).strip() if not isinstance(raw, (int, float)) else raw
    value = parse_number(text, saying(N_("meta")))
    if kpi.unit == "%":
        if isinstance(text, str) and not text.endswith("%") and value > 1:
            raise said(GoalError, N_("meta: {raw} no es una fracción; {kpi} es un porcentaje, escriba 0.25 o 25%"),
                       raw=raw, kpi=kpi.key)
        if not 0 <= value <= 1:
            raise said(GoalError, N_("meta: {raw} está fuera de 0–100 % para {kpi}"), raw=raw, kpi=kpi.key)
    elif kpi.unit in ("count", "currency", "hours", "days", "seconds", "months") and value < 0:
        raise said(GoalError, N_("meta: {raw} es negativa; {kpi} no puede serlo"), raw=raw, kpi=kpi.key)
    return value


def _dimension(kpi, text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    dim, sep, value = str(text).partition("=")
    dim = dim.strip()
    if not sep or not dim or not value.strip():
        raise said(GoalError, N_("dimensión: '{text}' no es DIM=VALOR, p. ej. source=web"), text=text)
    if dim not in kpi.dimensions:
        if not kpi.dimensions:
            raise said(GoalError, N_("dimensión: {kpi} no se puede desglosar por '{dim}'; no admite ningún desglose"),
                       kpi=kpi.key, dim=dim)
        raise said(GoalError, N_("dimensión: {kpi} no se puede desglosar por '{dim}'; se puede por: {dims}"),
                   kpi=kpi.key, dim=dim, dims=", ".join(kpi.dimensions))
    return dim, value.strip()


def history(engine, kpi, target: Scope, start: dt.date, grain: str, periods: int,
            filters: dict | None = None) -> list[tuple[dt.date, float | None]]:
    """(period start, value) of the `periods` whole periods of `grain` before `start` (quarters of
    the workspace's fiscal year, as the engine cuts them)."""
    first = P.floor(start, grain, engine.fiscal_start())
    lo = P.add(first, grain, -periods)
    rows = engine.query(kpi.key, start=lo, end=first, grain=grain, scope=target, filters=filters).rows
    return [(r["period_start"], r["value"]) for r in rows]


def create_goal(store, engine, *, kpi: str, target, scope: str | Scope = "company", deadline=None, start=None,
                today: dt.date | None = None, dimension: str | None = None, grain: str = "month",
                baseline_periods: int = BASELINE_PERIODS, name: str | None = None, objective_id: str | None = None,
                caller: Scope | None = None, actor: audit.Actor = audit.CLI, ip: str | None = None) -> dict[str, Any]:
    """Check and store a goal; returns it as stored (with its SMART check)."""
    today = today or dt.date.today()
    meta = engine.kpi(str(kpi).strip())
    where = resolve_scope(store, scope, caller)
    if where.kind != "company" and not meta.owned:
        raise said(GoalError, N_("{kpi} cuenta registros que no son de nadie; solo admite una meta de toda la empresa"),
                   kpi=meta.key)
    value = check_target(meta, target)
    start = parse_date(start, saying(N_("fecha de inicio"))) if start not in (None, "") else today
    deadline = parse_date(deadline, saying(N_("plazo"))) if deadline not in (None, "") else None
    if deadline is not None and deadline <= start:
        raise said(GoalError, N_("el plazo {deadline} no es posterior al inicio {start}"), deadline=deadline, start=start)
    if grain not in GRAINS:
        raise said(GoalError, N_("el grano '{grain}' no es uno de {grains}"), grain=grain, grains=", ".join(GRAINS))
    if not isinstance(baseline_periods, int) or not 1 <= baseline_periods <= 24:
        raise said(GoalError, N_("periodos de referencia: indique un número entero de 1 a 24"))
    dim, dim_value = _dimension(meta, dimension)
    if name is not None and len(name) > 200:
        raise said(GoalError, N_("nombre: como mucho 200 caracteres"))
    filters = {dim: dim_value} if dim else None
    base = baseline(engine, meta, where, start, deadline, grain, baseline_periods, filters)
    row = {
        "id": "goal-" + uuid.uuid4().hex[:12], "kpi": meta.key, "scope_kind": where.stored_kind, "scope_id": where.id,
        "dimension": dim, "dimension_value": dim_value, "grain": grain, "baseline": base.value,
        "baseline_from": base.start, "baseline_to": base.end, "target": value, "start_date": start,
        "deadline": deadline, "name": (name or "").strip() or None, "objective_id": objective_id,
        "created_by": actor.id, "created_at": dt.datetime.now(dt.timezone.utc),
    }
    with store.connect() as conn:
        conn.execute(T.goals.insert().values(**row))
        _bump_version(conn)  # pages cached under the data version show targets: a new one must show
        audit.record(store, "goals.create", actor=actor, target=("goals", row["id"]),
                     detail={"kpi": meta.key, "scope": where.text, "target": value}, ip=ip, conn=conn)
    return row


def baseline(engine, meta, where: Scope, start: dt.date, deadline: dt.date | None, grain: str, n: int,
             filters: dict | None = None) -> G.Baseline:
    """The baseline of a goal: the mean of the `n` whole periods before its start (scaled to the
    goal's length for a cumulative goal)."""
    periods = history(engine, meta, where, start, grain, n, filters)
    scale = 1.0
    first = P.floor(start, grain, engine.fiscal_start())
    if is_cumulative(meta) and deadline is not None and periods:
        span = (first - periods[0][0]).days / len(periods)
        scale = (deadline - start).days / span
    base = G.baseline_of(periods, scale=scale)
    return G.Baseline(base.value, base.periods, periods[0][0] if periods else None, first, base.method)


def goals(store, *, scope: Scope | None = None, kpi: str | None = None) -> list[dict[str, Any]]:
    """Stored goals, newest first, optionally those of one scope or KPI."""
    query = sa.select(T.goals).order_by(T.goals.c.created_at.desc(), T.goals.c.id)
    if scope is not None:
        query = query.where(T.goals.c.scope_kind == scope.stored_kind)
        query = query.where(T.goals.c.scope_id.is_(None) if scope.id is None else T.goals.c.scope_id == scope.id)
    if kpi is not None:
        query = query.where(T.goals.c.kpi == kpi)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def goal(store, goal_id: str) -> dict[str, Any]:
    """One goal, or GoalError."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(T.goals).where(T.goals.c.id == goal_id)).mappings().first()
    if row is None:
        raise said(GoalError, N_("ninguna meta tiene el id '{id}'"), id=goal_id)
    return dict(row)


def delete_goal(store, goal_id: str, *, caller: Scope | None = None, actor: audit.Actor = audit.CLI,
                ip: str | None = None) -> None:
    """Remove a goal (and say so in the audit log); one outside the caller's scope looks absent."""
    found = goal(store, goal_id)
    require_visible(store, Scope.stored(found["scope_kind"], found["scope_id"]), caller,
                    said(GoalError, N_("ninguna meta tiene el id '{id}'"), id=goal_id))
    with store.connect() as conn:
        conn.execute(T.goals.delete().where(T.goals.c.id == goal_id))
        _bump_version(conn)
        audit.record(store, "goals.delete", actor=actor, target=("goals", goal_id), ip=ip, conn=conn)


def tracked_kpis(store) -> set[str]:
    """KPIs with at least one goal: the workspace's KPIs; every other metric is a general metric."""
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(T.goals.c.kpi).distinct())}


def label(key: str, tracked: set[str], lang: str = "es") -> str:
    """'KPI' for a metric with a goal, 'métrica general' / 'general metric' otherwise (seed 002)."""
    if key in tracked:
        return "KPI"
    return "métrica general" if lang == "es" else "general metric"


def evaluate(engine, g: dict[str, Any], today: dt.date, lang: str = "es") -> dict[str, Any]:
    """Where a goal stands on `today`: value so far, progress, pace, status, forecast, SMART."""
    meta = engine.kpi(g["kpi"])
    where = Scope.stored(g["scope_kind"], g["scope_id"])
    filters = {g["dimension"]: g["dimension_value"]} if g.get("dimension") else None
    start, deadline, grain = g["start_date"], g["deadline"], g["grain"]
    cumulative = is_cumulative(meta)
    end = today + dt.timedelta(days=1)
    if deadline is not None:
        end = min(end, deadline)
    value = None
    if end > start:
        rows = engine.query(meta.key, start=start, end=end, scope=where, filters=filters).rows
        value = rows[0]["value"] if rows else None
        if cumulative and value is None:
            value = 0.0
    prog = G.progress(value, g["baseline"], g["target"], cumulative=cumulative, direction=meta.direction)
    expected = G.pace(start, deadline, today)
    finished = deadline is not None and today >= deadline
    status = G.status_of(prog, expected, finished=finished)
    past = history(engine, meta, where, start, grain, HISTORY_PERIODS, filters)
    forecast = _bounded(meta, _forecast(engine, meta, where, g, today, filters, value, expected, past)) if deadline else None
    smart = G.smart_check(_smart_input(meta, g, past, lang), lang)
    base = G.Baseline(g["baseline"], tuple(p for p in past if g["baseline_from"] and g["baseline_from"] <= p[0] < g["baseline_to"]),
                      g["baseline_from"], g["baseline_to"], "scaled" if cumulative and deadline else "mean")
    return {
        "goal": g, "kpi": meta, "value": value, "progress": prog, "pace": expected, "status": status,
        "status_text": G.status_text(status, lang), "forecast": forecast,
        "forecast_reaches": _reaches(forecast, g["target"], meta.direction) if forecast is not None else None,
        "baseline": base, "baseline_text": base.describe(lang), "smart": smart, "cumulative": cumulative,
    }


def _bounded(meta, value: float | None) -> float | None:
    """A trend read far ahead can leave the KPI's range: a rate stays within 0–100 %, counts,
    amounts and durations stay non-negative."""
    if value is None or meta.unit in ("score", "ratio"):
        return value
    value = max(0.0, value)
    return min(1.0, value) if meta.unit == "%" else value


def _reaches(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == "down" else value >= target


def _forecast(engine, meta, where, g, today, filters, value, expected, past) -> float | None:
    """The value at the deadline: run rate for a cumulative goal, the trend line for a level."""
    if is_cumulative(meta):
        return G.run_rate_forecast(value, expected)
    grain, fiscal = g["grain"], engine.fiscal_start()
    first = P.floor(g["start_date"], grain, fiscal)
    last = P.add(P.floor(min(today, g["deadline"] - dt.timedelta(days=1)), grain, fiscal), grain, 1)
    if last <= first:  # the goal has not started yet
        return None
    rows = engine.query(meta.key, start=first, end=last, grain=grain, scope=where, filters=filters).rows
    series = list(past[-BASELINE_PERIODS:]) + [(r["period_start"], r["value"]) for r in rows]
    points = [(float(i), v) for i, (_, v) in enumerate(series)]
    periods_to_deadline = 0
    cursor = P.floor(min(today, g["deadline"]), grain, fiscal)
    while P.add(cursor, grain, periods_to_deadline + 1) < g["deadline"]:
        periods_to_deadline += 1
    return G.trend_forecast(points, float(len(series) - 1 + periods_to_deadline))


def _smart_input(meta, g, past, lang) -> G.SmartInput:
    values = [v for _, v in past if v is not None]
    best = worst = None
    if values:
        pick = min if meta.direction == "down" else max
        best, worst = pick(values), (max if pick is min else min)(values)
        if is_cumulative(meta) and g["deadline"] is not None and past:
            span = (P.add(past[-1][0], g["grain"], 1) - past[0][0]).days / len(past)
            scale = (g["deadline"] - g["start_date"]).days / span
            best, worst = best * scale, worst * scale
    return G.SmartInput(kpi_name=meta.name[lang], direction=meta.direction, general_metric=meta.general_metric,
                        has_objective=bool(g.get("objective_id")), baseline=g["baseline"], target=g["target"],
                        best_ever=best, worst_ever=worst, start=g["start_date"], deadline=g["deadline"])


def target_for(store, key: str, scope: Scope, start: dt.date, end: dt.date) -> float | None:
    """The target of the newest goal on `key` for exactly this scope whose window overlaps
    [start, end), without a dimension; None when there is none."""
    for g in goals(store, scope=scope, kpi=key):
        if g["dimension"] is None and g["start_date"] < end and (g["deadline"] is None or g["deadline"] > start):
            return g["target"]
    return None
