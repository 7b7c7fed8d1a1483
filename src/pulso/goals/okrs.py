"""OKRs: an objective per quarter with two to five key results, scored 0.0–1.0.

A key result linked to a KPI is scored from the KPI's value over the quarter so far:
(value − start) ÷ (target − start), clipped to [0, 1]. One without a KPI is scored from the last
value checked in by hand. The objective's score is the mean of its key results'. Every check-in
(by hand, or recorded by `refresh` for linked ones) is kept as history.

An objective keeps its quarter's dates (`start_date`, `end_date`): `2026-Q1` is read as a quarter
of the workspace's fiscal year when the objective is saved, and later changes of the fiscal year
start never move it. One that no longer lines up with the fiscal quarters is shown by its dates,
and said so (`period_words`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from pulso import audit
from pulso.access import Scope
from pulso import formatting as f
from pulso.goals.scopes import (GoalError, aligned, fiscal_of, name_period, parse_number, parse_period,
                                require_visible, resolve_scope)
from pulso.i18n import N_, said, saying, translate
from pulso.store import tables_goals as T

MIN_KRS, MAX_KRS = 2, 5
#: Said of an objective whose dates are not a quarter of the fiscal year in force.
NOT_A_QUARTER = N_("No coincide con un trimestre del ejercicio actual: se guardó para {span}.")


def score(value: float | None, start: float, target: float) -> float | None:
    """How far from start to target a value is, clipped to 0.0–1.0."""
    if value is None:
        return None
    if target == start:
        return 1.0 if value == target else 0.0
    return max(0.0, min(1.0, (value - start) / (target - start)))


def parse_key_result(text: str) -> dict[str, Any]:
    """'TITLE|KPI|START|TARGET' (KPI may be empty for a key result updated by hand)."""
    parts = [p.strip() for p in str(text).split("|")]
    if len(parts) != 4 or not parts[0]:
        raise said(GoalError, N_("el resultado clave '{text}' no es TÍTULO|KPI|INICIO|META (deje el KPI vacío si se "
                                 "actualiza a mano)"), text=text)
    return {"title": parts[0], "kpi": parts[1] or None, "start_value": parts[2], "target_value": parts[3]}


def create_objective(store, engine, *, title: str, quarter: str, key_results: list[dict[str, Any]],
                     scope: str | Scope = "company", caller: Scope | None = None,
                     actor: audit.Actor = audit.CLI, ip: str | None = None) -> dict[str, Any]:
    """Check and store an objective with its key results (all or nothing)."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise said(GoalError, N_("título: escriba uno de 1 a 200 caracteres"))
    span = parse_period(quarter, fiscal_of(store))
    if span.grain != "quarter":
        raise said(GoalError, N_("'{quarter}' no es un trimestre; escriba 2026-Q4"), quarter=quarter)
    where = resolve_scope(store, scope, caller)
    if not MIN_KRS <= len(key_results) <= MAX_KRS:
        raise said(GoalError, N_("un objetivo tiene de {low} a {high} resultados clave; se dieron {n}"),
                   low=MIN_KRS, high=MAX_KRS, n=len(key_results))
    krs = []
    for i, kr in enumerate(key_results, 1):
        kr_title = str(kr.get("title") or "").strip()
        if not kr_title:
            raise said(GoalError, N_("resultado clave {i}: hace falta un título"), i=i)
        kpi = (kr.get("kpi") or "").strip() or None
        if kpi:
            meta = engine.kpi(kpi)
            if where.kind != "company" and not meta.owned:
                raise said(GoalError, N_("resultado clave {i}: {kpi} solo se puede medir para toda la empresa"), i=i, kpi=kpi)
        start = parse_number(kr.get("start_value"), saying(N_("inicio del resultado clave {i}"), i=i))
        target = parse_number(kr.get("target_value"), saying(N_("meta del resultado clave {i}"), i=i))
        if start == target:
            raise said(GoalError, N_("resultado clave {i}: el inicio y la meta son ambos {start}"), i=i, start=start)
        krs.append({"id": "kr-" + uuid.uuid4().hex[:12], "title": kr_title, "kpi": kpi, "start_value": start,
                    "target_value": target, "current_value": None, "position": i})
    objective = {"id": "okr-" + uuid.uuid4().hex[:12], "title": title, "quarter": span.text, "scope_kind": where.stored_kind,
                 "scope_id": where.id, "created_by": actor.id, "created_at": dt.datetime.now(dt.timezone.utc),
                 "start_date": span.start, "end_date": span.end}
    with store.connect() as conn:
        conn.execute(T.okr_objectives.insert().values(**objective))
        for kr in krs:
            conn.execute(T.okr_key_results.insert().values(objective_id=objective["id"], **kr))
        audit.record(store, "okrs.create", actor=actor, target=("okr_objectives", objective["id"]),
                     detail={"title": title, "quarter": span.text, "key_results": len(krs)}, ip=ip, conn=conn)
    return {**objective, "key_results": krs}


def objectives(store, *, quarter: str | None = None, scope: Scope | None = None,
               fiscal: int | None = None) -> list[dict[str, Any]]:
    """Objectives with their key results (no scores; see `scored`); `quarter` ('2026-Q1', a quarter
    of the fiscal year): those whose dates overlap it, so one saved under another fiscal year start
    is still listed (its `aligned` is False). Each carries `aligned` and `quarter` (its name under
    the fiscal year in force when aligned, else the text it was saved with)."""
    o, k = T.okr_objectives, T.okr_key_results
    fiscal = fiscal_of(store) if fiscal is None else fiscal
    query = sa.select(o).order_by(o.c.start_date.desc(), o.c.created_at)
    if quarter:
        span = parse_period(quarter, fiscal)
        query = query.where(o.c.start_date < span.end, o.c.end_date > span.start)
    if scope is not None:
        query = query.where(o.c.scope_kind == scope.stored_kind)
        if scope.id is not None:
            query = query.where(o.c.scope_id == scope.id)
    with store.engine.connect() as conn:
        objs = [dict(r) for r in conn.execute(query).mappings()]
        ids = [x["id"] for x in objs]
        krs = [dict(r) for r in conn.execute(sa.select(k).where(k.c.objective_id.in_(ids)).order_by(k.c.position)).mappings()] if ids else []
    for obj in objs:
        obj["key_results"] = [kr for kr in krs if kr["objective_id"] == obj["id"]]
        obj["aligned"] = aligned(obj["start_date"], obj["end_date"], "quarter", fiscal)
        if obj["aligned"]:
            obj["quarter"] = name_period(obj["start_date"], "quarter", fiscal)
    return objs


def period_words(obj: dict[str, Any], lang: str, fiscal: int) -> tuple[str, str]:
    """(the objective's quarter as people name it, '' or why that is not a fiscal quarter): 'T1 del
    ejercicio 2026-27'; one saved for July–September under calendar quarters, once the fiscal year
    starts in February, reads '1 jul 2026 – 30 sep 2026' and says it is no quarter of the year."""
    start, last = obj["start_date"], obj["end_date"] - dt.timedelta(days=1)
    if aligned(obj["start_date"], obj["end_date"], "quarter", fiscal):
        return f.fmt_period("quarter", start, last, lang, fiscal), ""
    span = f.fmt_period("custom", start, last, lang)
    return span, translate(NOT_A_QUARTER, lang).format(span=span)


def _measure(engine, obj: dict[str, Any], kr: dict[str, Any], today: dt.date) -> float | None:
    if not kr["kpi"]:
        return kr["current_value"]
    end = min(obj["end_date"], today + dt.timedelta(days=1))
    if end <= obj["start_date"]:
        return None
    rows = engine.query(kr["kpi"], start=obj["start_date"], end=end,
                        scope=Scope.stored(obj["scope_kind"], obj["scope_id"])).rows
    return rows[0]["value"] if rows else None


def scored(engine, obj: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The objective with each key result's value and score (and its KPI's name in each language,
    `kpi_name`), and the rollup."""
    krs = []
    for kr in obj["key_results"]:
        value = _measure(engine, obj, kr, today)
        name = dict(engine.kpi(kr["kpi"]).name) if kr["kpi"] else None
        krs.append({**kr, "value": value, "score": score(value, kr["start_value"], kr["target_value"]), "kpi_name": name})
    scores = [kr["score"] for kr in krs]
    rollup = sum(s or 0.0 for s in scores) / len(scores) if scores else None
    return {**obj, "key_results": krs, "score": rollup}


def check_in(store, engine, kr_id: str, value=None, *, note: str | None = None, today: dt.date | None = None,
             caller: Scope | None = None, actor: audit.Actor = audit.CLI, ip: str | None = None) -> dict[str, Any]:
    """Record a key result's value: the one given (by hand), or the KPI's now (linked)."""
    k, o = T.okr_key_results, T.okr_objectives
    with store.engine.connect() as conn:
        kr = conn.execute(sa.select(k).where(k.c.id == kr_id)).mappings().first()
        obj = conn.execute(sa.select(o).where(o.c.id == kr["objective_id"])).mappings().first() if kr else None
    if kr is None:
        raise said(GoalError, N_("ningún resultado clave tiene el id '{id}'"), id=kr_id)
    require_visible(store, Scope.stored(obj["scope_kind"], obj["scope_id"]), caller,
                    said(GoalError, N_("ningún resultado clave tiene el id '{id}'"), id=kr_id))
    if note is not None and len(note) > 1000:
        raise said(GoalError, N_("nota: como mucho 1000 caracteres"))
    if value is None or value == "":
        if not kr["kpi"]:
            raise said(GoalError, N_("el resultado clave {id} se actualiza a mano: indique su valor"), id=kr_id)
        number = _measure(engine, dict(obj), dict(kr), today or dt.date.today())
        if number is None:
            raise said(GoalError, N_("{kpi} aún no tiene valor para {quarter}"), kpi=kr["kpi"], quarter=obj["quarter"])
    else:
        if kr["kpi"]:
            raise said(GoalError, N_("el resultado clave {id} se mide con {kpi}; regístrelo sin valor"), id=kr_id, kpi=kr["kpi"])
        number = parse_number(value, saying(N_("valor")))
    entry = {"id": "ci-" + uuid.uuid4().hex[:12], "key_result_id": kr_id, "value": number,
             "score": score(number, kr["start_value"], kr["target_value"]), "note": note,
             "checked_at": dt.datetime.now(dt.timezone.utc), "checked_by": actor.id}
    with store.connect() as conn:
        conn.execute(T.okr_checkins.insert().values(**entry))
        if not kr["kpi"]:
            conn.execute(k.update().where(k.c.id == kr_id).values(current_value=number))
        audit.record(store, "okrs.check_in", actor=actor, target=("okr_key_results", kr_id),
                     detail={"value": number}, ip=ip, conn=conn)
    return entry


def check_ins(store, kr_id: str) -> list[dict[str, Any]]:
    """A key result's check-ins, oldest first."""
    c = T.okr_checkins
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(c).where(c.c.key_result_id == kr_id)
                                              .order_by(c.c.checked_at, c.c.id)).mappings()]
