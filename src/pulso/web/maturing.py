"""Maturing cohorts on screen: what a tile, a table row or the KPI detail page of a cohort rate
(lead conversion, lead→MQL, MQL→SQL, SQL→customer, visitor → lead, visitor → customer) says of how
mature the period's cohort is, and the conversion window (pulso.engine.maturity holds the rule).

The window is chosen in the URL (`?ventana=30|60|90`, none or 0: whenever, the KPI's own rate),
on the KPI detail page's select and on any page whose URL carries it: a cohort rate's tile then
shows the rate within that window for the period and the period before ("en 90 días"), so periods
compare fairly; without it the tile says nothing of a window (its rate counts whenever).
"""

from __future__ import annotations

from typing import Any

from pulso import formatting as f
from pulso.engine.maturity import MATURING, WINDOWS, Maturity, is_cohort_rate, maturity, window_rate
from pulso.i18n import N_
from pulso.web.deps import PageContext

PARAM = "ventana"
IN_DAYS = N_("en {days} días")
WINDOW_OPTION = N_("convertidos en {days} días")
WHENEVER = N_("cuando sea")


def words(ctx: PageContext, m: Maturity) -> str:
    """'en maduración (62 %)' for a maturing cohort, '' otherwise."""
    return ctx._(MATURING).format(share=f.fmt_percent(m.share, ctx.lang, 0)) if m.maturing else ""


def chosen_window(ctx: PageContext) -> int | None:
    """The window in the URL (30, 60 or 90 days), None for whenever or anything else."""
    text = ctx.request.query_params.get(PARAM, "")
    return int(text) if text.isdigit() and int(text) in WINDOWS else None


def _maturity(ctx: PageContext, key: str) -> Maturity:
    store, period = ctx.services.store, ctx.period
    return ctx.services.run(lambda: maturity(store, key, period.start, period.end, ctx.today, ctx.scope))


def _windowed(ctx: PageContext, key: str, window: int, period) -> Any:
    store = ctx.services.store
    return ctx.services.run(lambda: window_rate(store, key, period.start, period.end, window, ctx.today, ctx.scope))


def parts(ctx: PageContext, key: str) -> dict[str, Any]:
    """For a cohort rate: `maturity` (share, maturing, threshold) and `maturity_text`; a maturing
    cohort's change is not coloured (`judge` ''). With a window in the URL, the tile's value,
    previous and change are the rates within it (`window`, `window_text` 'en 90 días'). Nothing
    for other KPIs."""
    if not is_cohort_rate(key):
        return {}
    m = _maturity(ctx, key)
    out: dict[str, Any] = {"maturity": m.as_dict(), "maturity_text": words(ctx, m)}
    if m.maturing:
        out["judge"] = ""
    window = chosen_window(ctx)
    if window is not None:
        now, before = _windowed(ctx, key, window, ctx.period), _windowed(ctx, key, window, ctx.period.shifted(-1))
        unit = ctx.kpis.meta(key).unit
        text = ctx.kpis.fmt(key, now.value)  # a percentage: short already
        out.update(value=now.value, previous=before.value, text=text, short_text=text,
                   change=f.fmt_change(now.value, before.value, unit, ctx.lang), judge="", window=window,
                   interval_text="", compared_text="",  # the interval and like-for-like span are the whenever rate's
                   window_text=ctx._(IN_DAYS).format(days=window))
    return out


def detail(ctx: PageContext, key: str) -> dict[str, Any] | None:
    """The KPI detail page's block for a cohort rate: the maturity in words ('cohorte en
    maduración: 62 % visto'), the window select (`options`, each a link keeping the page), and
    the rate within the chosen window for this period and the one before. None for other KPIs."""
    if not is_cohort_rate(key):
        return None
    m, window = _maturity(ctx, key), chosen_window(ctx)
    if m.share is None:
        said = ctx._("Madurez de la cohorte desconocida: aún no hay conversiones en el último año.")
    elif m.maturing:
        said = ctx._("Cohorte en maduración: {share} visto.").format(share=f.fmt_percent(m.share, ctx.lang, 0))
    else:
        said = ctx._("Cohorte madura: {share} visto.").format(share=f.fmt_percent(m.share, ctx.lang, 0))
    options = [{"days": w or 0, "label": ctx._(WINDOW_OPTION).format(days=w) if w else ctx._(WHENEVER),
                "current": w == window, "href": ctx.url(f"/kpi/{key}", **{PARAM: w or 0})} for w in WINDOWS]
    out: dict[str, Any] = {"maturity": m.as_dict(), "maturity_text": said, "window": window, "options": options,
                           "param": PARAM, "action": f"/kpi/{key}", "keep": ctx.period.params()}
    if window is not None:
        rows = []
        for label, period in ((ctx._("Este periodo"), ctx.period), (ctx._("Periodo anterior"), ctx.period.shifted(-1))):
            r = _windowed(ctx, key, window, period)
            rows.append({"label": label, **r.as_dict(), "text": ctx.kpis.fmt(key, r.value),
                         "note": "" if r.complete else ctx._("incompleta")})
        out["rates"] = rows
    return out
