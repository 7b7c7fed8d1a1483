"""Parts of pages loaded after the page itself: the tiles' sparklines."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from pulso.web.deps import Ctx
from pulso.web.kpis import sparkline
from pulso.web.pages import sparklines as series_of

router = APIRouter()


@router.get("/sparklines", include_in_schema=False)
@router.get("/sparklines.json", name="sparklines_json")
def sparklines(ctx: Ctx, keys: str = "") -> Response:
    """The last periods of each KPI in `keys` (comma-separated), as SVG to swap into the tiles."""
    wanted = [k for k in keys.split(",") if k][:40]
    series = ctx.cached("sparklines", lambda: series_of(ctx, wanted))
    if ctx.wants_json:
        return JSONResponse({"period": ctx.period.as_dict(), "series": series})

    def render() -> str:
        template = ctx.request.app.state.templates.env.get_template("sparklines.html")
        return template.render(sparks={k: sparkline(v) for k, v in series.items()})

    return Response(ctx.cached("sparklines", lambda: None, suffix="html", compute=render), media_type="text/html")
