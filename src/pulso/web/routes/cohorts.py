"""The monthly cohort retention table: customers acquired in a month, still active months later."""

from __future__ import annotations

import datetime as dt

from pulso.engine.maturity import cohort_maturity, lags, window_rate
from pulso.errors import KpiError, ScopeError
from pulso import formatting as f
from pulso.web import maturing
from pulso.web.deps import PageContext
from pulso.web.pages import cell, empty_text, table


def heat(share: float | None) -> str:
    """A retention cell's colour, five steps from pale (0-20 %) to deep (80-100 %): classes `heat hN`
    (static/fixes16.css; each step's text keeps a contrast of 4.5:1 or more)."""
    if share is None:
        return ""
    return f"heat h{min(4, max(0, int(share * 5)))}"


def cohort_table(ctx: PageContext, months: int = 12) -> dict:
    """Rows: acquisition month; columns: months since acquisition; cells: share still active."""
    title = ctx._("Retención por cohorte mensual")
    try:
        rows = ctx.kpis.cohorts(ctx.period, months)
    except ScopeError:
        return {"type": "empty", "title": title, "text": ctx._("No disponible con tu alcance")}
    except KpiError as exc:
        return {"type": "empty", "title": title, "text": str(exc)}
    if not any(r["size"] for r in rows):
        return table(title, [], [], empty=empty_text(ctx, ["accounts"]))
    width = max(len(r["retained"]) for r in rows)
    columns = [(ctx._("Cohorte"), False), (ctx._("Clientes"), True)] + [(f"+{i}", True) for i in range(width)]
    rows = [r for r in rows if r["size"]]
    out = []
    for r in rows:
        line = [cell(f.fmt_bucket(r["cohort"], "month", ctx.lang), sort=r["cohort"].isoformat()),
                cell(f.fmt_number(r["size"], ctx.lang), sort=r["size"])]
        for share in r["retained"]:
            line.append(cell(f.fmt_percent(share, ctx.lang, 0) if share is not None else "", sort=share, judge=heat(share)))
        line += [cell("", sort=None)] * (width - len(r["retained"]))
        out.append(line)
    return table(title, columns, out, note=ctx._("Proporción de cada cohorte que sigue siendo cliente al final de cada mes."))


#: ?ventana= values the lead cohort table offers (0: no limit).
WINDOW_CHOICES = {"30": 30, "60": 60, "90": 90, "0": None}


def _month_start(day):
    return day.replace(day=1)


def _next_month(day):
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def lead_cohort_table(ctx: PageContext, key: str = "lead_conversion_rate", months: int = 6) -> dict:
    """Lead conversion by monthly cohort (the months ending with the period's last month): the rate
    within the chosen window (?ventana=30/60/90/0), how mature each cohort is, and its change from
    the cohort before, not coloured while maturing or incomplete (pulso.engine.maturity)."""
    title = ctx._("Conversión de leads por cohorte")
    choice = ctx.request.query_params.get("ventana", "90")
    window = WINDOW_CHOICES.get(choice, 90)
    today, scope = ctx.today, ctx.scope
    last = _month_start(min(ctx.period.end - dt.timedelta(days=1), today))
    starts = [last]
    while len(starts) < months:
        starts.insert(0, _month_start(starts[0] - dt.timedelta(days=1)))
    store = ctx.services.store

    def work():
        history = lags(store, key, today, scope)
        return [(s, window_rate(store, key, s, _next_month(s), window, today, scope),
                 cohort_maturity(history, s, _next_month(s), today)) for s in starts]

    try:
        found = ctx.services.run(work)
    except (ScopeError, ValueError):
        return {"type": "empty", "title": title, "text": ctx._("No disponible con tu alcance")}
    if not any(r.leads for _, r, _m in found):
        return table(title, [], [], empty=empty_text(ctx, ["leads"]))
    rate_label = ctx._("Convertidos en {days} días").format(days=window) if window else ctx._("Convertidos (sin límite)")
    columns = [(ctx._("Cohorte"), False), (ctx._("Leads"), True), (rate_label, True),
               (ctx._("Madurez"), True), (ctx._("Cambio"), True)]
    out, before = [], None
    for start, rate, m in found:
        note = maturing.words(ctx, m) or ("" if rate.complete else ctx._("incompleta"))
        change = f.fmt_change(rate.value, before, "%", ctx.lang)
        colour = "" if note else f.judge(rate.value, before, "up")
        share = cell(f.fmt_percent(m.share, ctx.lang, 0) if m.share is not None else "—", sort=m.share)
        share["note"] = note
        out.append([cell(f.fmt_bucket(start, "month", ctx.lang), sort=start.isoformat()),
                    cell(f.fmt_number(rate.leads, ctx.lang), sort=rate.leads),
                    cell(f.fmt_percent(rate.value, ctx.lang) if rate.value is not None else "—", sort=rate.value),
                    share, cell(change, sort=None, judge=colour)])
        before = rate.value
    section = table(title, columns, out, note=ctx._(
        "Madurez: parte de las conversiones que ya habrían ocurrido según el tiempo que tardan en convertir "
        "los leads de los últimos 12 meses. Por debajo del 80 % la cohorte está en maduración y su cambio no se colorea."))
    section["choices"] = [{"text": ctx._("{days} días").format(days=d) if d else ctx._("sin límite"),
                           "href": ctx.url(ctx.request.url.path, ventana=c), "current": c == choice}
                          for c, d in WINDOW_CHOICES.items()]
    section["maturity"] = [{"cohort": s.isoformat(), **r.as_dict(), "maturity": m.as_dict()} for s, r, m in found]
    return section
