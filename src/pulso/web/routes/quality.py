"""The data quality page (admins): rule violations per table, completeness per field.
Mounted with the import page's router (routes/data.py)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from pulso import formatting as f
from pulso import quality
from pulso.web.deps import Ctx
from pulso.web.pages import cell, page_route, render, table
from pulso.web.routes.data import IMPORTABLE

router = APIRouter()


@page_route(router, "/data/quality", "quality")
def quality_page(ctx: Ctx) -> Response:
    """Rule violations per table, and completeness per field of one table."""
    ctx.require("quality")
    chosen = ctx.request.query_params.get("table", "deals")
    chosen = chosen if chosen in IMPORTABLE else "deals"
    store = ctx.services.store
    findings = ctx.services.run(quality.check, store)
    filled = ctx.services.run(quality.completeness, store, chosen)
    rows = [[cell(x.table), cell(quality.warning_text(x, ctx.lang)), cell(f.fmt_number(x.bad, ctx.lang), sort=x.bad),
             cell(f.fmt_number(x.total, ctx.lang), sort=x.total),
             cell(f.fmt_percent(x.share, ctx.lang), sort=x.share, judge="bad" if x.share >= 0.05 else "")]
            for x in findings]
    fields = [[cell(name), cell(f.fmt_percent(share, ctx.lang), sort=share,
                                judge="bad" if share is not None and share < 0.8 else "")] for name, share in filled.items()]
    data = {
        "title": ctx._("Calidad de datos"), "tables": IMPORTABLE, "table": chosen,
        "sections": [
            table(ctx._("Reglas"), [(ctx._("Tabla"), False), (ctx._("Regla"), False), (ctx._("Registros"), True),
                                    (ctx._("De"), True), (ctx._("Parte"), True)], rows),
            table(ctx._("Completitud por campo") + f" · {chosen}", [(ctx._("Campo"), False), (ctx._("Informado"), True)],
                  fields, empty=ctx._("La tabla está vacía.")),
        ],
    }
    return render(ctx, "quality", data, template="data_quality.html")
