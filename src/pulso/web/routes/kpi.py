"""Detail of any catalog KPI: chart over time, split by a dimension, drill-down, formula and SQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from pulso.errors import ScopeError
from pulso.i18n import N_
from pulso import formatting as f
from pulso.web.deps import Ctx
from pulso.web.errors import NotFoundError
from pulso.web.pages import DIMENSION_LABELS, cell, page_route, render, split_bars, split_table, table, tile, trend_chart
from pulso.web.periods import page_number
from pulso.web import samples, why
from pulso.engine import bootstrap, intervals
from pulso.engine import quantile_value
from pulso.web import maturing, reference

router = APIRouter()
PAGE_SIZE = 25

#: Labels of the drill-down columns people meet most; other columns show their name.
COLUMN_LABELS = {
    "id": N_("Id"), "name": N_("Nombre"), "title": N_("Título"), "amount": N_("Importe"), "currency": N_("Moneda"), "status": N_("Estado"),
    "kind": N_("Tipo"), "type": N_("Tipo"), "created_at": N_("Creado"), "closed_at": N_("Cerrado"), "owner_id": N_("Responsable"),
    "account_id": N_("Cliente"), "lead_id": N_("Lead"), "stage_id": N_("Etapa"), "campaign_id": N_("Campaña"), "source": N_("Origen"),
    "email": N_("Correo"), "company": N_("Empresa"), "country": N_("País"), "segment": N_("Segmento"), "opened_at": N_("Abierto"),
    "resolved_at": N_("Resuelto"), "first_response_at": N_("Primera respuesta"), "priority": N_("Prioridad"), "channel": N_("Canal"),
    "score": N_("Puntuación"), "answered_at": N_("Respondido"), "occurred_at": N_("Fecha"), "acquired_at": N_("Cliente desde"),
    "churned_at": N_("Baja"), "converted_at": N_("Convertido"), "mql_at": N_("MQL"), "sql_at": N_("SQL"), "ordered_at": N_("Pedido"),
    "started_at": N_("Inicio"), "ended_at": N_("Fin"), "duration_s": N_("Duración (s)"), "user_id": N_("Usuario"), "action": N_("Acción"),
    "plan": N_("Plan"), "term_end_at": N_("Fin de contrato"), "renewed": N_("Renovada"), "visitor_id": N_("Visitante"),
    "period_start": N_("Desde"), "period_end": N_("Hasta"), "cost": N_("Coste"), "category": N_("Categoría"),
    "record": N_("Registro"), "customer": N_("Cliente"), "at": N_("Fecha"), "contribution": N_("Aporte"), "table": N_("Tabla"),
}
NAMED = {"owner_id": "owner", "user_id": "owner", "campaign_id": "campaign", "stage_id": "stage", "team_id": "team",
         "owner": "owner", "team": "team", "campaign": "campaign", "stage": "stage"}
HIDDEN = {"table"}


@router.get("/kpi", include_in_schema=False, name="kpi_index")
@router.get("/kpi.json", name="kpi_index_json")
def kpi_index(ctx: Ctx):
    """Every KPI of the catalog, by area, each a link to its detail."""
    ctx.require("kpi")

    def build():
        groups: dict[str, list] = {}
        from pulso.goals import tracked_kpis  # a metric with a goal is a KPI, else a general metric (seed 002)

        tracked = ctx.services.run(tracked_kpis, ctx.services.store)
        for key, meta in ctx.services.catalog().items():
            groups.setdefault(getattr(meta, "area", "") or "", []).append(
                [cell(meta.name[ctx.lang], href=ctx.kpi_url(key)), cell(key), cell(_unit_label(ctx, meta.unit)),
                 cell("KPI" if key in tracked else ctx._("métrica general"))])
        columns = [(ctx._("Indicador"), False), (ctx._("Clave"), False), (ctx._("Unidad"), False), (ctx._("Tipo"), False)]
        return {"title": ctx._("Indicadores"),
                "sections": [table(_area_label(area, ctx.lang), columns, rows) for area, rows in groups.items()]}

    return render(ctx, "kpi", ctx.cached("kpi_index", build))


@page_route(router, "/kpi/{key}", "kpi_detail")
def kpi_detail(ctx: Ctx, key: str, by: str | None = None, part: str = "numerator", page: str = "1",
               stat: str | None = None):
    """One KPI in depth. A mean KPI's figure has its bootstrap interval; a KPI with a value per
    record (durations, amounts) can show its median or p90 instead of its mean (`stat`)."""
    ctx.require("kpi")
    if key.endswith(".json"):
        key = key[:-5]
    k = ctx.kpis
    if key not in ctx.services.catalog():
        try:
            k.meta(key)
        except Exception as exc:
            raise NotFoundError(str(exc)) from None
    meta = k.meta(key)
    dims = k.dimensions(key)
    if by and by not in dims:
        by = None
    part = part if part in ("numerator", "denominator") else "numerator"
    page = page_number(page, PAGE_SIZE)  # 1 to the page at the API's largest offset, else a 400
    stat = stat if stat in STATS and quantile_value(meta) is not None else None  # else the mean

    def build():
        head = {**tile(ctx, key), "detail": True}  # the detail page's tile also shows its interval
        if not head["available"]:
            raise ScopeError(f"'{key}' counts records that belong to nobody (such as web visits or spend); "
                             "only people who see the whole company can open it")
        if intervals.kind(meta) == "mean":
            head.update(_figure(ctx, key, meta, head, stat))
        split = by or (dims[0] if dims else None)
        name = f"{k.name(key)} · {ctx._(STATS[stat])}" if stat else k.name(key)  # the chosen figure throughout
        sections = [
            {"type": "tiles", "title": "", "tiles": [head], "sparklines": ctx.url("/sparklines", keys=key)},
            trend_chart(ctx, key, by=by, title=name, stat=stat),
        ]
        if split:
            label = ctx._(DIMENSION_LABELS.get(split, split))
            sections.append(split_bars(ctx, key, split, title=f"{name} · {label}", stat=stat))
            sections.append(split_table(ctx, split, [key], title=f"{name} · {label}", stat=stat))
        return {"title": k.name(key), "key": key, "unit": meta.unit, "direction": meta.direction,
                "dimensions": dims, "by": by, "sections": sections, "explain": _explain(ctx, key),
                "why": why.section(ctx, key, split)}  # why it changed, split by the same dimension

    data = dict(ctx.cached(f"kpi:{key}:{by}:{stat}", build))
    data["records"] = records(ctx, key, part, page)
    ref = reference.part(ctx, ctx.period.start) if key == reference.KPI else None  # web/reference.py
    data["reference"], data["reference_periods"] = (ref["text"], ref) if ref else ("", None)
    data["maturing"] = maturing.detail(ctx, key)  # a cohort rate's maturity and window (web/maturing.py)
    data["exports"] = {fmt: ctx.url(f"/kpi/{key}/export.{fmt}", by=by) for fmt in ("csv", "xlsx")}  # routes/goals.py
    data["splits"] = [{"dim": d, "label": ctx._(DIMENSION_LABELS.get(d, d)), "href": ctx.url(f"/kpi/{key}", by=d),
                       "current": d == by} for d in dims]
    data["stat"] = stat or "mean"
    data["stats"] = [{"stat": name, "label": ctx._(label), "current": name == (stat or "mean"),
                      "href": ctx.url(f"/kpi/{key}", by=by, stat=None if name == "mean" else name)}
                     for name, label in STATS.items()] if quantile_value(meta) is not None else []
    return render(ctx, "kpi", data, template="kpi.html")


#: The figures a KPI with a value per record can show (?stat=), and their names.
STATS = {"mean": N_("Media"), "median": N_("Mediana"), "p90": N_("Percentil 90")}


def _figure(ctx: Ctx, key: str, meta: Any, head: dict[str, Any], stat: str | None) -> dict[str, Any]:
    """The head tile of a mean KPI: the chosen `stat` (mean, median, p90) over the period (like-for-
    like with the previous one when in progress) and its bootstrap interval from the figure's own
    values (pulso.engine.bootstrap, for this one figure); a change inside the interval is noise."""
    k = ctx.kpis
    row = ctx.services.run(lambda: bootstrap.figure(
        ctx.services.engine, key, start=ctx.period.start, end=ctx.period.end, today=k.today,
        filters=k.applicable(key, ctx.filters), scope=k.scope, stat=stat))[0]
    value, previous = row.get("value"), row.get("previous")
    out = {"value": value, "previous": previous, "text": k.fmt(key, value),
           "change": f.fmt_change(value, previous, meta.unit, ctx.lang), "stat": stat or "mean",
           "previous_span": row.get("previous_span"), "previous_full": row.get("previous_full"),
           **samples.parts(ctx, meta, row, previous)}
    if stat:  # the head, the chart and the tables below say which figure they show
        out["name"] = f"{head['name']} · {ctx._(STATS[stat])}"
    if head.get("goal") or head.get("maturity"):  # coloured by pace, or a young cohort: as the tile says
        out.pop("judge")
    return out


@router.post(f"/kpi/{reference.KPI}/reference", include_in_schema=False)
def save_reference(ctx: Ctx, start: Annotated[list[str], Form()] = [], end: Annotated[list[str], Form()] = [],  # noqa: B006
                   remove: Annotated[list[str], Form()] = [], csrf_token: Annotated[str, Form()] = ""):  # noqa: B006
    """Store the reference periods an admin chose (web/reference.py), or show the page refused (422)."""
    if reference.save(ctx, start, end, remove, csrf_token):
        return RedirectResponse(ctx.kpi_url(reference.KPI) + "#reference", status_code=303)
    response = kpi_detail(ctx, reference.KPI)
    response.status_code = 422
    return response


def records(ctx: Ctx, key: str, part: str, page: int) -> dict[str, Any]:
    """One page of the records behind the value (fetching one extra row to know if more follow)."""
    k = ctx.kpis
    try:
        found = k.drill(key, ctx.period.start, ctx.period.end, part=part, filters=k.applicable(key, ctx.filters),
                        limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    except ScopeError:
        found = []
    more = len(found) > PAGE_SIZE
    found = [_with_labels(ctx, r) for r in _labelled(ctx, found[:PAGE_SIZE])]
    names = [n for n in (found[0].keys() if found else []) if n not in HIDDEN]
    columns = [(_column_label(ctx, n), _numeric(found, n)) for n in names]
    rows = [[_cell(ctx, n, r.get(n)) for n in names] for r in found]
    section = table(ctx._("Registros detrás de la cifra"), columns, rows,
                    empty=ctx._("Ningún registro en este periodo."))
    return {
        "section": section, "page": page, "part": part,
        "prev": ctx.url(f"/kpi/{key}", part=part, page=page - 1) if page > 1 else None,
        "next": ctx.url(f"/kpi/{key}", part=part, page=page + 1) if more else None,
        "parts": [{"part": p, "label": ctx._(label), "href": ctx.url(f"/kpi/{key}", part=p), "current": p == part}
                  for p, label in (("numerator", N_("Numerador")), ("denominator", N_("Denominador")))],
    }


def _labelled(ctx: Ctx, rows: list[dict]) -> list[dict]:
    """Attach each record's label and customer name (looked up per table, ids from the scoped drill)."""
    by_table: dict[str, list[str]] = {}
    for r in rows:
        by_table.setdefault(str(r.get("table")), []).append(str(r.get("id")))
    labels = {t: ctx.services.record_labels(ctx.version, t, tuple(ids)) for t, ids in by_table.items()}
    for r in rows:
        r["_label"] = labels.get(str(r.get("table")), {}).get(str(r.get("id")), ("", ""))
    return rows


def _with_labels(ctx: Ctx, row: dict) -> dict:
    record, customer = row.pop("_label", ("", ""))
    out = {"record": record or row.get("id"), "customer": customer}
    out.update({k: v for k, v in row.items()})
    return out


def _column_label(ctx: Ctx, name: str) -> str:
    if name in COLUMN_LABELS:
        return ctx._(COLUMN_LABELS[name])
    if name in DIMENSION_LABELS:
        return ctx._(DIMENSION_LABELS[name])
    return name


def _numeric(rows: list[dict], name: str) -> bool:
    return any(isinstance(r.get(name), (int, float, Decimal)) and not isinstance(r.get(name), bool) for r in rows)


def _cell(ctx: Ctx, name: str, value: Any) -> dict:
    if value is None:
        return cell("", sort="")
    if isinstance(value, bool):
        return cell(ctx._("sí") if value else ctx._("no"), sort=int(value))
    if isinstance(value, dt.datetime):
        return cell(f.fmt_time(value, ctx.lang, ctx.timezone), sort=value.isoformat())
    if isinstance(value, dt.date):
        return cell(f.fmt_date(value, ctx.lang), sort=value.isoformat())
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        digits = 0 if number.is_integer() else 2
        return cell(f.fmt_number(number, ctx.lang, digits), sort=number)
    if name in NAMED:
        return cell(ctx.label(NAMED[name], value), sort=ctx.label(NAMED[name], value))
    return cell(ctx.label({"kind": "deal_kind", "type": "activity_type"}.get(name, name), value))  # codes as labels


def _explain(ctx: Ctx, key: str) -> dict[str, str]:
    """The formula in words (from the catalog) and the SQL the engine runs for it."""
    meta = ctx.kpis.meta(key)
    out = {"description": _text(getattr(meta, "description", None), ctx.lang),
           "formula": _text(getattr(meta, "formula", None), ctx.lang), "sql": "", "error": ""}
    try:
        found = ctx.kpis.explain(key)
    except Exception as exc:  # the SQL is a help, never a reason to lose the page
        out["error"] = str(exc)
        return _with_code(out)
    get = found.get if isinstance(found, dict) else (lambda name: getattr(found, name, None))
    out["sql"] = str(get("sql") or "")
    out["formula"] = out["formula"] or str(get("formula") or "")
    return _with_code(out)


def _with_code(out: dict[str, str]) -> dict[str, Any]:
    """Description and formula as plain text (JSON) and with <code> (the page's *_html, not in JSON)."""
    html = {f"{k}_html": f.code_html(out[k]) for k in ("description", "formula")}
    return {**out, "description": f.code_plain(out["description"]), "formula": f.code_plain(out["formula"]), **html}


def _text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    return str(value[lang]) if hasattr(value, "__getitem__") and not isinstance(value, str) else str(value)


def _unit_label(ctx: Ctx, unit: str) -> str:
    from pulso.catalog.model import UNITS

    return UNITS[unit][ctx.lang] if unit in UNITS else unit


def _area_label(area: str, lang: str) -> str:
    from pulso.catalog.model import AREAS

    return AREAS[area][lang] if area in AREAS else area
