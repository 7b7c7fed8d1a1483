"""Clientes: how customers perceive us: NPS and its distribution, CES, CSAT over time."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.errors import ScopeError
from pulso.i18n import N_
from pulso.web import charts
from pulso import formatting as f
from pulso.web.deps import Ctx
from pulso.web.pages import chart, empty_text, page_route, render, split_table, tiles, trend_chart

router = APIRouter()


@page_route(router, "/customers", "customers")
def customers(ctx: Ctx):
    """The customer perception page."""
    ctx.require("customers")

    def build():
        return {
            "title": ctx._("Clientes"),
            "sections": [
                tiles(ctx, N_("Percepción del cliente"), ["nps", "ces", "csat"], missing=["survey_responses"]),
                nps_distribution(ctx),
                trend_chart(ctx, "nps", grain="month", missing=["survey_responses"]),
                trend_chart(ctx, "csat", grain="month", missing=["survey_responses"]),
                trend_chart(ctx, "ces", grain="month", missing=["survey_responses"]),
                split_table(ctx, "segment", ["nps", "csat", "ces"], title=ctx._("Percepción por segmento"),
                            missing=["survey_responses"]),
            ],
        }

    return render(ctx, "customers", ctx.cached("customers", build))


def nps_distribution(ctx: Ctx) -> dict:
    """Promoters, passives and detractors among the period's NPS answers."""
    title = ctx._("Promotores, pasivos y detractores")
    try:
        row = (ctx.kpis.total("nps", ctx.period, ctx.filters) or [{}])[0]
    except ScopeError:
        row = {}
    parts = [("promoters", N_("Promotores (9–10)"), "good"), ("passives", N_("Pasivos (7–8)"), "neutral"),
             ("detractors", N_("Detractores (0–6)"), "bad")]
    answers = row.get("denominator") or 0
    counts = {key: row.get(key) for key, _, _ in parts}
    if counts["passives"] is None and None not in (counts["promoters"], counts["detractors"]) and answers:
        counts["passives"] = answers - counts["promoters"] - counts["detractors"]
    if not answers or any(v is None for v in counts.values()):
        return chart(title, None, empty=empty_text(ctx, ["survey_responses"]))
    items = [{"label": ctx._(label), "value": counts[key], "meaning": meaning, "rank": i,
              "text": f"{f.fmt_number(counts[key], ctx.lang)} ({f.fmt_percent(counts[key] / answers, ctx.lang)})"}
             for i, (key, label, meaning) in enumerate(parts)]
    return chart(title, charts.stacked_share(items, title=ctx._("Respuestas NPS")),
                 note=ctx._("{n} respuestas en el periodo.").format(n=f.fmt_number(answers, ctx.lang)))
