"""Building blocks of pages (tiles, charts, tables, empty states) and their HTML/JSON rendering.

A page is a title and a list of sections, plain data: the HTML template draws it, and the JSON
twin (same path with `.json`, or `Accept: application/json`) returns it as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from typing import Any, Callable, Iterable

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup

from pulso.engine.money import MissingRatesError
from pulso.errors import ScopeError
from pulso.i18n import N_
from pulso.web import charts, maturing, samples
from pulso import formatting as f
from pulso.web.deps import PageContext
from pulso.web.tables import (  # noqa: F401  (the routes import the table helpers from here)
    DIMENSION_LABELS, by_number, cell, empty_text, split_table, table)

_chart_ids = itertools.count(1)

def page_route(router: APIRouter, path: str, name: str):
    """Register a handler at `path` and at its JSON twin `path.json`."""

    def register(handler: Callable) -> Callable:
        twin = "/index.json" if path == "/" else path + ".json"
        if "{" in path:  # the twin first: `/x/{id}` would take `/x/7.json` with id "7.json"
            router.add_api_route(twin, handler, methods=["GET"], name=name + "_json")
        router.add_api_route(path, handler, methods=["GET"], name=name, include_in_schema=False)
        if "{" not in path:
            router.add_api_route(twin, handler, methods=["GET"], name=name + "_json")
        return handler

    return register


def render(ctx: PageContext, page: str, data: dict[str, Any], template: str = "page.html") -> Response:
    """The page as HTML, or its JSON twin."""
    payload = {
        "page": page,
        "period": ctx.period.as_dict(),
        "scope": {"kind": ctx.scope.kind, "ids": list(ctx.scope.ids)},
        "lang": ctx.lang,
        "currency": ctx.currency,
        "filters": ctx.filters,
        **data,
    }
    cacheable = template == "page.html"  # area pages: their content depends on the cache key only
    if ctx.wants_json:
        if cacheable:
            body = ctx.cached(page, lambda: None, suffix="json",
                              compute=lambda: json.dumps(jsonable_encoder(_public(payload))).encode())
            return Response(body, media_type="application/json")
        return JSONResponse(jsonable_encoder(_public(payload)))
    templates = ctx.request.app.state.templates
    if not cacheable:
        return templates.TemplateResponse(ctx.request, template, layout_context(ctx, page, payload))

    def whole_page() -> bytes:
        # The layout carries this session's CSRF token and name; the content is shared by
        # everyone with the same scope, language and URL.
        context = layout_context(ctx, page, payload)
        content = templates.env.get_template("page_content.html")
        context["content_html"] = Markup(ctx.cached(page, lambda: None, suffix="html",
                                                    compute=lambda: content.render(context)))
        context["request"] = ctx.request
        return templates.env.get_template(template).render(context).encode()

    body = ctx.cached(page, lambda: None, suffix=("page", _digest(ctx.user.session_token)), compute=whole_page)
    return Response(body, media_type="text/html; charset=utf-8")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


ROLE_LABELS = {"admin": N_("Administración"), "manager": N_("Responsable de equipo"), "rep": N_("Comercial"), "viewer": N_("Lectura")}


def layout_context(ctx: PageContext, page: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What the layout (header, navigation, period picker) needs besides the page's data."""
    from pulso.web import nav
    from pulso.web.deps import csrf_binding

    p = ctx.period
    if ctx.scope.kind == "company":
        scope_label = ctx._("toda la empresa")
    elif ctx.scope.kind == "team":
        scope_label = ctx._("equipo") + " " + ctx.label("team", ctx.scope.ids[0])
    else:
        scope_label = ctx._("tus registros")
    return {
        "ctx": ctx, "page": page, "data": payload, "_": ctx._, "lang": ctx.lang,
        "title": payload.get("title", "Pulso"),
        "csrf": ctx.request.app.state.sessions.csrf_token(csrf_binding(ctx.request, ctx.user)),
        "nav_items": [(k, path, label) for k, (path, label, roles) in nav.PAGES.items()
                      if ctx.user.role in roles and k != "kpi"] + [("kpi", "/kpi", "Indicadores")],
        "role_labels": ROLE_LABELS, "scope_label": scope_label, "chips": filter_chips(ctx),
        "period_label": f.fmt_period(p.kind, p.start, p.last_day, ctx.lang, p.fiscal),
        "period_prev": _shift_params(ctx, -1), "period_next": _shift_params(ctx, 1),
    }


#: Dimensions whose values are ids of people, teams and campaigns, which chips show by name.
NAMED_DIMENSIONS = ("owner", "team", "campaign")


def filter_chips(ctx: PageContext) -> list[tuple[str, str]]:
    """The page's filters as (dimension, value) labels.

    A value names a user, team or campaign only when the caller's scope may see it; any other
    value (outside the scope, or no such id at all: the two look the same) shows as typed, so
    the filters are no directory of names. Filters never widen what the KPIs count either.
    """
    out = []
    for dim, value in ctx.filters.items():
        values = value if isinstance(value, list) else [value]
        shown = [ctx.label(dim, v) if dim not in NAMED_DIMENSIONS or _may_name(ctx, dim, v) else v for v in values]
        out.append((ctx._(DIMENSION_LABELS.get(dim, dim)), ", ".join(shown)))
    return out


def _may_name(ctx: PageContext, dim: str, value: str) -> bool:
    """Whether the caller may see the name of this owner, team or campaign.

    Company-wide scopes see every name. A team scope sees its members (users.team_id, as the
    engine's team scope) and its team; an owners scope (a rep) sees its owners and the rep's own
    team. Campaigns have no owner: like the API's campaign records, only a company-wide scope
    reads their names.
    """
    scope = ctx.scope
    if scope.kind == "company":
        return True
    if dim == "owner":
        if value == ctx.user.id or (scope.kind == "owners" and value in scope.ids):
            return True
        return scope.kind == "team" and ctx.services.names(ctx.version)["owner_team"].get(value) in scope.ids
    if dim == "team":
        return value == ctx.user.team_id or (scope.kind == "team" and value in scope.ids)
    return False


def _shift_params(ctx: PageContext, steps: int) -> dict[str, str]:
    return ctx.period.shifted(steps).params()


def _public(value: Any) -> Any:
    """Drop presentation-only keys (SVG points, *_html) from the JSON twin."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if k not in ("spark",) and not k.endswith("_html")}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


# -- tiles ---------------------------------------------------------------------------------

def tile(ctx: PageContext, key: str) -> dict[str, Any]:
    """One headline figure: value, unit, change since the previous period, link.

    The sparkline (the last periods) costs several times the value, so pages load it after
    the tiles (`/sparklines`).
    """
    k = ctx.kpis
    meta = k.meta(key)
    out: dict[str, Any] = {
        "key": key, "name": k.name(key), "unit": meta.unit, "direction": meta.direction,
        "href": ctx.kpi_url(key), "available": True, "target": None, "spark": "",
    }
    try:
        if ctx.scope.kind != "company" and not getattr(meta, "owned", True):
            raise ScopeError(f"'{key}' counts records that belong to nobody")
        current = (k.total(key, ctx.period, ctx.filters) or [None])[0]
    except ScopeError:
        out.update(available=False, text="—", note=ctx._("No disponible con tu alcance"))
        return out
    except MissingRatesError as exc:  # never a sum of amounts in different currencies
        out.update(available=False, text="—", note=ctx._("Falta el tipo de cambio a {reporting} de {currencies}").format(
            reporting=exc.reporting, currencies=", ".join(exc.currencies)))
        return out
    value = current.get("value") if current else None
    previous = current.get("previous") if current else None
    out.update(
        value=value, previous=previous, text=k.fmt(key, value),
        short_text=f.fmt_compact(value, meta.unit, ctx.lang, ctx.currency),  # the tile's; text (exact) in its title
        change=f.fmt_change(value, previous, meta.unit, ctx.lang),
        **samples.parts(ctx, meta, current, previous),  # n, interval; no colour within noise
        empty=_is_empty(current),
        dirty=k.dirty(key),
        **dict(zip(("target", "target_text"), k.target(key, ctx.period))),
        **compared_parts(ctx, key, current),
    )
    out.update(maturing.parts(ctx, key))  # a young cohort's fall is not coloured
    goal = k.goal(key, ctx.period)
    if goal is not None:  # coloured by pace, as the goals page judges the same goal
        out.update(goal=pace_parts(ctx, key, goal), judge=PACE_JUDGE.get(goal["status"], ""))
    return out


#: A goal's status as a tile's colour: on the way or reached is good, behind pace bad; at risk
#: stays uncoloured (its words say it).
PACE_JUDGE = {"on_track": "good", "achieved": "good", "off_track": "bad", "missed": "bad"}
#: How the end of a goal's window that is also the end of the period is said.
PERIOD_END = {"month": N_("a fin de mes"), "quarter": N_("a fin de trimestre"), "year": N_("a fin de año"),
              "custom": N_("a fin de periodo")}


def compared_parts(ctx: PageContext, key: str, row: dict | None) -> dict[str, Any]:
    """What a tile or table says of its comparison: the like-for-like spans of a period in
    progress ('1–5 dic frente a 1–5 nov') and the whole previous period's figure."""
    from pulso.engine import elapsed

    cmp = ctx.kpis.comparison(ctx.period)
    row = row or {}
    return {"compared": row.get("compared"), "compared_text": elapsed.words(cmp, ctx.lang),
            "previous_full": row.get("previous_full"), "year_ago": row.get("year_ago"),
            "year_ago_full": row.get("year_ago_full")}


def pace_parts(ctx: PageContext, key: str, state: dict[str, Any]) -> dict[str, Any]:
    """A goal's state on a tile: status in words and, at this pace, the value at the deadline."""
    g, forecast = state["goal"], state["forecast"]
    text = ""
    if forecast is not None:
        if g["deadline"] == ctx.period.end:
            when = ctx._(PERIOD_END[ctx.period.kind])
        else:
            when = ctx._("el {date}").format(date=f.fmt_date(g["deadline"] - dt.timedelta(days=1), ctx.lang))
        text = ctx._("a este ritmo: {value} {when}").format(value=ctx.kpis.fmt(key, forecast), when=when)
    return {"id": g["id"], "status": state["status"], "status_text": state["status_text"], "forecast": forecast,
            "progress": state["progress"], "pace": state["pace"], "pace_text": text}


def spark_series(ctx: PageContext, key: str) -> list[float | None]:
    """The KPI's values over the last periods of the period's kind (months for custom periods)."""
    grain = "month" if ctx.period.kind == "custom" else ctx.period.kind
    return [r.get("value") for r in ctx.kpis.trend(key, ctx.period, ctx.filters, grain=grain)]


def sparklines(ctx: PageContext, keys: list[str]) -> dict[str, list[float | None]]:
    """Sparkline series of several tiles (those the scope may see)."""
    out = {}
    for key in keys:
        try:
            meta = ctx.kpis.meta(key)
            if ctx.scope.kind != "company" and not getattr(meta, "owned", True):
                continue
            out[key] = spark_series(ctx, key)
        except (ScopeError, MissingRatesError):
            continue
    return out


def _is_empty(row: dict | None) -> bool:
    return row is None or (row.get("value") is None and not row.get("numerator") and not row.get("denominator"))


def tiles(ctx: PageContext, title: str, keys: Iterable[str], *, missing: Iterable[str] = ()) -> dict[str, Any]:
    """A row of tiles; an empty state when none has data."""
    keys = list(keys)
    items = [tile(ctx, key) for key in keys]
    section = {"type": "tiles", "title": ctx._(title), "tiles": items,
               "sparklines": ctx.url("/sparklines", keys=",".join(keys))}
    if items and all(t.get("empty", False) or not t["available"] for t in items) and missing:
        section["empty"] = empty_text(ctx, missing)
    return section


# -- charts --------------------------------------------------------------------------------

def chart(title: str, spec: dict[str, Any] | None, *, empty: str = "", note: str = "") -> dict[str, Any]:
    """A chart section (an empty state when there is nothing to draw)."""
    if spec is None:
        return {"type": "empty", "title": title, "text": empty}
    return {"type": "chart", "title": title, "id": f"chart{next(_chart_ids)}", "spec": spec, "note": note}


def trend_chart(ctx: PageContext, key: str, *, title: str | None = None, by: str | None = None,
                grain: str | None = None, missing: Iterable[str] = (), stat: str | None = None) -> dict[str, Any]:
    """A KPI over time (one line per value of `by` when given); `stat` as in KpiView.query."""
    k = ctx.kpis
    title = title or k.name(key)
    grain = grain or ctx.period.grain
    try:
        rows = k.trend(key, ctx.period, ctx.filters, by=(by,) if by else (), grain=grain, stat=stat)
    except ScopeError:
        return {"type": "empty", "title": title, "text": ctx._("No disponible con tu alcance")}
    points = [
        {"period": r["period_start"].isoformat(), "label": f.fmt_bucket(r["period_start"], grain, ctx.lang, ctx.period.fiscal),
         "value": r.get("value"), "text": k.fmt(key, r.get("value")),
         **({"series": ctx.label(by, r.get(by))} if by else {})}
        for r in rows if r.get("value") is not None
    ]
    spec = None
    if points:
        spec = charts.line_over_time(points, unit=k.meta(key).unit, value_title=k.name(key), grain=grain,
                                     series_title=ctx._(DIMENSION_LABELS.get(by, by)) if by else None, lang=ctx.lang)
    return chart(title, spec, empty=empty_text(ctx, missing or ["deals"]))


def split_bars(ctx: PageContext, key: str, by: str, *, title: str | None = None, limit: int = 15,
               missing: Iterable[str] = (), order: str = "value", stat: str | None = None) -> dict[str, Any]:
    """A KPI over the period split by one dimension, as bars, best first; `stat` as in KpiView.query."""
    k = ctx.kpis
    title = title or f"{k.name(key)} · {ctx._(DIMENSION_LABELS.get(by, by))}"
    try:
        rows = k.total(key, ctx.period, ctx.filters, by=(by,), stat=stat)
    except ScopeError:
        return {"type": "empty", "title": title, "text": ctx._("No disponible con tu alcance")}
    rows = [r for r in rows if r.get("value") is not None]
    if order == "value":
        rows.sort(key=lambda r: r["value"], reverse=k.meta(key).direction != "down")
    elif order == "stage":  # the pipeline's order; won and lost stages hold no open pipeline
        names = ctx.services.names(ctx.version)
        place = {stage: i for i, stage in enumerate(names["stage"])}
        rows = sorted((r for r in rows if names["stage_kind"].get(r.get(by)) not in ("won", "lost")),
                      key=lambda r: place.get(r.get(by), len(place)))
    items = [{"label": ctx.label(by, r.get(by)), "value": r["value"], "text": k.fmt(key, r["value"])} for r in rows[:limit]]
    spec = charts.bars(items, unit=k.meta(key).unit, value_title=k.name(key),
                       category_title=ctx._(DIMENSION_LABELS.get(by, by)), lang=ctx.lang) if items else None
    return chart(title, spec, empty=empty_text(ctx, missing or ["deals"]))
