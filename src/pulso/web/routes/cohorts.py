"""The monthly cohort retention table: customers acquired in a month, still active months later."""

from __future__ import annotations

from pulso.errors import KpiError, ScopeError
from pulso import formatting as f
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
