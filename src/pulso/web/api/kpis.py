"""KPIs through the API: the catalog, values over periods, drill-down records, explanations.

Every figure is computed by pulso.engine under the caller's scope (a rep's token sees only the
rep's records, whatever `by` or `where` asks), through the web app's cached, scoped access
(pulso.web.kpis.Kpis). A CSV download (`format=csv`) is audit-logged as an export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from pulso import audit
from pulso.engine import bootstrap, parse_stat
from pulso.engine import periods as P
from pulso.engine.periods import GRAINS
from pulso.errors import KpiError
from pulso.i18n import error_text
from pulso.web.api.common import clean_parameters, PREFIX, error_responses, plain
from pulso.web.api_deps import ApiCaller, ApiError, Caller
from pulso.formatting import csv_text
from pulso.web.kpis import Kpis
from pulso.web.periods import MAX_OFFSET, PeriodError, check_span

router = APIRouter(prefix=PREFIX + "/kpis", tags=["kpis"], responses=error_responses(),
                   dependencies=[Depends(clean_parameters)])

MAX_DRILL = 1000
KeyPath = Path(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="a KPI key, e.g. close_rate")
Lang = Literal["es", "en"]


def _kpis(request: Request, caller: Caller, lang: str = "en") -> Kpis:
    services = request.app.state.services
    ws = services.workspace()
    return Kpis(services, caller.scope, ws.get("data_version", "0"), lang, ws.get("currency", "EUR"))


def _meta(kpis: Kpis, key: str):
    catalog = kpis.services.catalog()
    if key not in catalog:
        from pulso.catalog.suggest import did_you_mean

        raise ApiError(404, "unknown_kpi", f"unknown KPI '{key}'{did_you_mean(key, catalog.values())}", "key")
    return catalog[key]


def _period(start: dt.date | None, to: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) from inclusive `from` and `to` (default: this month so far), checked as the
    web's periods are (pulso.web.periods.check_span)."""
    start = start or today.replace(day=1)
    try:
        return check_span(start, to or max(today, start))
    except PeriodError as exc:
        raise ApiError(400, "invalid_period", str(exc), exc.field) from None


def _where(meta, where: list[str]) -> dict[str, Any]:
    """`dim:value` pairs (repeat a dimension for several values) checked against the KPI's dimensions."""
    out: dict[str, list[str]] = {}
    for item in where:
        dim, sep, value = item.partition(":")
        if not sep:
            raise ApiError(400, "invalid_parameter", f"where takes dimension:value, e.g. source:web (got '{item[:80]}')", "where")
        if dim not in meta.dimensions:
            raise ApiError(400, "unknown_dimension", f"{meta.key} cannot be filtered by '{dim[:80]}'; "
                           f"its dimensions are: {', '.join(meta.dimensions) or 'none'}", "where")
        out.setdefault(dim, []).append(value)
    return {d: v[0] if len(v) == 1 else v for d, v in out.items()}


def _by(meta, by: list[str]) -> tuple[str, ...]:
    for dim in by:
        if dim not in meta.dimensions:
            raise ApiError(400, "unknown_dimension", f"{meta.key} cannot be split by '{dim[:80]}'; "
                           f"its dimensions are: {', '.join(meta.dimensions) or 'none'}", "by")
    if len(set(by)) != len(by) or len(by) > 3:
        raise ApiError(400, "invalid_parameter", "by takes up to 3 different dimensions", "by")
    return tuple(by)


def _today(request: Request) -> dt.date:
    from zoneinfo import ZoneInfo

    services = request.app.state.services
    return services.settings.today or dt.datetime.now(ZoneInfo(services.workspace().get("timezone", "UTC"))).date()


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """The web exports' CSV (formula-looking text neutralised), of JSON-ready values."""
    return csv_text(columns, ([plain(r.get(c)) for c in columns] for r in rows))


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row for a CSV cell each: a span as 'first/last' day, an interval as 'low/high'."""
    out = dict(row)
    for name in ("previous_span", "previous_full_span"):
        if isinstance(out.get(name), dict):
            out[name] = f"{out[name]['start']}/{out[name]['end']}"
    if out.get("interval"):
        out["interval"] = "/".join(str(v) for v in out["interval"])
    return out


def _export(request: Request, caller: Caller, action: str, key: str, detail: dict[str, Any], text: str,
            filename: str) -> Response:
    services = request.app.state.services
    services.run(lambda: audit.record(services.store, action, actor=caller.actor, target=("kpis", key),
                                      detail=detail, ip=caller.ip))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("", summary="The KPI catalog")
def catalog(request: Request, caller: ApiCaller) -> dict[str, Any]:
    """Every KPI: key, names, description, unit, direction, dimensions, and whether the caller's
    scope can compute it (KPIs on unowned data — spend, web sessions — need a company-wide scope)."""
    from pulso.catalog.sources import ENTITIES, OWNER

    company = caller.scope.is_company
    items = []
    for kpi in request.app.state.services.catalog().values():
        owned = all(OWNER in ENTITIES[p.dims] for p in kpi.parts)
        items.append({"key": kpi.key, "name": dict(kpi.name), "description": dict(kpi.description),
                      "unit": kpi.unit, "direction": kpi.direction, "category": kpi.category, "area": kpi.area,
                      "dimensions": list(kpi.dimensions), "available": company or owned})
    return {"kpis": items, "grains": list(GRAINS)}


@router.get("/{key}/values", summary="A KPI's values", responses={200: {"content": {"text/csv": {}}}})
def values(request: Request, caller: ApiCaller, key: str = KeyPath,
           from_: dt.date | None = Query(None, alias="from", description="first day (default: this month's first)"),
           to: dt.date | None = Query(None, description="last day, included (default: today)"),
           grain: Literal[GRAINS] | None = Query(None, description="one row per period of this length; none: one row for the whole span"),
           by: list[str] = Query([], max_length=3, description="split by dimensions (repeatable)"),
           where: list[str] = Query([], max_length=20, description="filter dimension:value (repeatable)"),
           stat: str | None = Query(None, max_length=12, description="mean (default), median or a percentile "
                                    "pN such as p50 or p90: KPIs with a value per record (durations, amounts)"),
           lang: Lang = Query("en", description="language of error messages"),
           format: Literal["json", "csv"] = "json") -> Any:
    """Values of one KPI for each period between `from` and `to`, split by `by`, filtered by `where`,
    with the previous period's and the year-ago value.

    With a grain, the row of a period in progress on today is computed and compared as the one
    figure below is (`previous` like-for-like, `previous_span`, `previous_full`,
    `previous_full_span`); an ended period's `previous_full` is its `previous`.

    Without a grain (one figure): a period in progress on today (`to` after today, or neither
    `from` nor `to`: this month) is computed over its elapsed part, `previous` is the same
    elapsed part of the previous period (`previous_span`, first and last day) and
    `previous_full` the whole previous period (`previous_full_span`); a mean KPI's single figure
    also has its 95 % bootstrap `interval` and its `n`."""
    kpis = _kpis(request, caller)
    meta = _meta(kpis, key)
    today = _today(request)
    start, end = _period(from_, to, today)
    split, filters = _by(meta, by), _where(meta, where)
    engine = request.app.state.services.engine
    try:
        parse_stat(meta, stat)
    except KpiError as exc:
        raise ApiError(422, "invalid_stat", error_text(exc, lang), "stat") from None
    columns = ["period_start", "period_end", *split, "value", "numerator", "denominator", "previous", "year_ago",
               *meta.extras]
    if grain is None:
        month = from_ is None and to is None  # this month, in progress
        full_end = P.add_months(start, 1) if month else end
        rows = request.app.state.services.run(lambda: bootstrap.figure(
            engine, key, start=start, end=full_end, today=today, by=split, filters=filters, scope=kpis.scope, stat=stat))
        columns[columns.index("previous") + 1:columns.index("previous") + 1] = [
            "previous_span", "previous_full", "previous_full_span"]
        if rows and "interval" in rows[0]:
            columns += ["n", "interval"]
    else:  # the period in progress like-for-like, as the one figure (bootstrap.by_period)
        found = kpis.query(key, start, end, grain, split, filters) if stat is None else \
            request.app.state.services.run(lambda: engine.query(
                key, start=start, end=end, grain=grain, by=list(split), filters=filters, scope=kpis.scope, stat=stat).rows)
        rows = request.app.state.services.run(lambda: bootstrap.by_period(
            engine, key, found, grain=grain, today=today, by=split, filters=filters, scope=kpis.scope, stat=stat))
        columns[columns.index("previous") + 1:columns.index("previous") + 1] = [
            "previous_span", "previous_full", "previous_full_span"]
    if format == "csv":
        detail = {"from": start.isoformat(), "to": (end - dt.timedelta(days=1)).isoformat(), "grain": grain,
                  "by": list(split), "where": filters, "rows": len(rows)}
        return _export(request, caller, "export.kpi_values", key, detail, _csv([_flat(r) for r in rows], columns),
                       f"{key}.csv")
    return {"kpi": key, "unit": meta.unit, "from": start.isoformat(), "to": (end - dt.timedelta(days=1)).isoformat(),
            "grain": grain, "by": list(split), "where": filters, "columns": columns,
            "rows": [{k: plain(v) for k, v in r.items()} for r in rows]}


@router.get("/{key}/drill", summary="The records behind a KPI", responses={200: {"content": {"text/csv": {}}}})
def drill(request: Request, caller: ApiCaller, key: str = KeyPath,
          from_: dt.date | None = Query(None, alias="from"), to: dt.date | None = Query(None),
          part: Literal["numerator", "denominator"] = "numerator",
          where: list[str] = Query([], max_length=20),
          limit: int = Query(100, ge=1, le=MAX_DRILL), offset: int = Query(0, ge=0, le=MAX_OFFSET),
          format: Literal["json", "csv"] = "json") -> Any:
    """The records counted in a KPI's numerator (or denominator) over the period, inside the caller's scope."""
    kpis = _kpis(request, caller)
    meta = _meta(kpis, key)
    start, end = _period(from_, to, _today(request))
    filters = _where(meta, where)
    rows = kpis.drill(key, start, end, part=part, filters=filters, limit=limit, offset=offset)
    if format == "csv":
        columns = list(rows[0]) if rows else ["table", "id", "at", "contribution"]
        detail = {"from": start.isoformat(), "part": part, "where": filters, "rows": len(rows)}
        return _export(request, caller, "export.kpi_drill", key, detail, _csv(rows, columns), f"{key}-{part}.csv")
    return {"kpi": key, "part": part, "from": start.isoformat(), "to": (end - dt.timedelta(days=1)).isoformat(),
            "limit": limit, "offset": offset, "records": [{k: plain(v) for k, v in r.items()} for r in rows]}


@router.get("/{key}/explain", summary="What a KPI computes")
def explain(request: Request, caller: ApiCaller, key: str = KeyPath, lang: Lang = "en") -> dict[str, Any]:
    """The formula in words, the choices made, and the SQL it runs on this workspace's database."""
    kpis = _kpis(request, caller, lang)
    _meta(kpis, key)
    e = kpis.explain(key)
    return {"kpi": key, "lang": e.lang, "dialect": e.dialect, "name": e.name, "formula": e.formula,
            "choices": e.choices, "unit": e.unit, "direction": e.direction, "sql": e.sql, "note": e.note}
