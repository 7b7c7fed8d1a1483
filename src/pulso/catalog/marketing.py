"""Marketing: where leads come from, what campaigns bring and cost, and what the website does.

A deal is attributed to a campaign through its lead (`leads.campaign_id`), or, when its lead has
none, through its own `deals.campaign_id`.
"""

from __future__ import annotations

import ibis

from pulso.catalog.model import Event, Kpi, Overlap, Part, T, divide, mean, ratio, total
from pulso.catalog.sales import visitors
from pulso.catalog.sources import days_between, flag, money, one

AREA, CATEGORY = "marketing", "business_performance"
LEAD_DIMS = ("owner", "team", "source", "campaign", "channel")
CAMPAIGN_DIMS = ("campaign", "channel")
FAR_FUTURE = ibis.timestamp("9999-12-31 00:00:00", timezone="UTC")


def _won_attributed(src, ctx):
    """Won deals with the campaign they are attributed to (`_campaign`)."""
    d, leads = ctx.within(src["deals"], "closed_at"), src["leads"]
    lc = leads.select(_lid=leads.id, _lcampaign=leads.campaign_id)
    x = d.filter(d.status == "won").left_join(lc, d.lead_id == lc._lid)
    # One column a drop: Ibis keeps the columns of one drop as a set, so DuckDB's EXCLUDE list
    # (and the SQL snapshots) would change order from one process to the next.
    x = x.mutate(_campaign=ibis.coalesce(x._lcampaign, x.campaign_id)).drop("_lid").drop("_lcampaign")
    return x.filter(x._campaign.notnull())


def _leads_with_revenue(src, ctx):
    leads, d = ctx.within(src["leads"], "created_at"), src["deals"]
    won = d.filter(d.status == "won", d.lead_id.notnull())
    rev = won.group_by(_rid=won.lead_id).aggregate(_won_revenue=money(won.amount).sum())
    return leads.left_join(rev, leads.id == rev._rid).drop("_rid")


def _campaign_windows(src, ctx):
    """Campaigns with the revenue won while they ran and the baseline revenue for as many days."""
    c, d = src["campaigns"], src["deals"]
    won = d.filter(d.status == "won", d.closed_at.notnull())
    won = won.select(_closed=won.closed_at, _amount=money(won.amount))
    stop = ibis.coalesce(c.ended_at, ctx.now)
    w = c.select(_wid=c.id, _from=c.started_at, _to=stop)
    during = w.join(won, [won._closed >= w._from, won._closed < w._to]).group_by("_wid").aggregate(
        _during=ibis._._amount.sum())
    ref = ctx.baseline
    if ctx.baseline_excludes_campaigns:
        ref = ref.anti_join(c, [c.started_at < ref.b_end, ibis.coalesce(c.ended_at, FAR_FUTURE) > ref.b_start])
    ref_days = (days_between(ref.b_start, ref.b_end)).sum()
    near = won.filter(won._closed >= ref.b_start.min(), won._closed < ref.b_end.max())  # fewer rows to range-join
    ref_revenue = ref.join(near, [near._closed >= ref.b_start, near._closed < ref.b_end])._amount.sum()
    per_day = divide(ref_revenue, ref_days).fill_null(0.0)
    x = c.left_join(during, c.id == during._wid).drop("_wid")
    x = x.mutate(_window_days=days_between(x.started_at, ibis.coalesce(x.ended_at, ctx.now)))
    return x.mutate(_revenue_during=x._during.fill_null(0.0), _baseline=per_day * x._window_days).drop("_during")


KPIS = (
    Kpi(key="leads_by_source", name=T("Origen de leads"),
        description=T("Qué origen trae los mejores leads."),
        formula=T("leads creados en el periodo por origen, con la tasa de conversión y los ingresos ganados de cada origen"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=LEAD_DIMS, time="leads.created_at",
        seeds=("004",),
        choices=T("Se lee con `--by source`. Extras: `conversion_rate` (convertidos ÷ leads) y `won_revenue` (importe "
                  "de las oportunidades ganadas de esos leads, cuando se hayan ganado)."),
        parts=(Part("leads", "lead", Event("created_at"), rows=_leads_with_revenue, measures={
            "leads": one, "converted": lambda j: flag(j.converted_at.notnull()),
            "won_revenue": lambda j: j._won_revenue.fill_null(0.0)}),),
        result=total("leads", extras={"conversion_rate": lambda a: divide(a.converted, a.leads),
                                      "won_revenue": lambda a: a.won_revenue.cast("float64")})),
    Kpi(key="campaigns_running", name=T("Campañas activas"),
        description=T("Campañas en marcha en algún momento del periodo."),
        formula=T("campañas cuyas fechas se solapan con el periodo"),
        unit="count", direction="none", category=CATEGORY, area=AREA, dimensions=CAMPAIGN_DIMS,
        time="campaigns.started_at/ended_at", seeds=("001",),
        choices=T("Solapa si empieza antes del final del periodo y no ha terminado al empezar el periodo (`ended_at` > inicio)."),
        parts=(Part("campaigns", "campaign", Overlap("started_at", "ended_at"), measures={"campaigns": one}),),
        result=total("campaigns")),
    Kpi(key="campaign_responses", name=T("Respuestas por campaña"),
        description=T("Leads que trajo cada campaña."),
        formula=T("leads atribuidos a cada campaña"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=LEAD_DIMS, time="leads.created_at",
        seeds=("001",), choices=T("Leads creados en el periodo con `campaign_id`."),
        parts=(Part("leads", "lead", Event("created_at"), where=lambda x: x.campaign_id.notnull(), measures={"leads": one}),),
        result=total("leads")),
    Kpi(key="campaign_revenue", name=T("Ingresos por campaña"),
        description=T("Lo vendido gracias a cada campaña."),
        formula=T("ingresos ganados de las oportunidades cuyo lead está atribuido a la campaña"),
        unit="currency", direction="up", category=CATEGORY, area=AREA,
        dimensions=("owner", "team", "campaign", "channel", "source", "segment", "country"), time="deals.closed_at",
        seeds=("001",), choices=T("Oportunidades ganadas en el periodo (`closed_at`)."),
        parts=(Part("deals", "deal", Event("closed_at"), rows=_won_attributed, measures={"revenue": lambda j: money(j.amount)}),),
        result=total("revenue")),
    Kpi(key="campaign_roi", name=T("ROI de campaña"),
        description=T("Cuánto devolvió cada campaña por cada unidad invertida."),
        formula=T("(ingresos de la campaña − costo de la campaña) ÷ costo de la campaña"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=CAMPAIGN_DIMS,
        time="deals.closed_at/campaigns.started_at", seeds=("004",),
        choices=T("Ingresos de la campaña = el KPI campaign_revenue del periodo (oportunidades ganadas en él); el costo de "
                  "una campaña cuenta en el periodo en que empieza. Para el ROI de campañas enteras, consulte un periodo "
                  "que las cubra. Numerador = ingresos − costo; denominador = costo; extras `revenue` y `cost`."),
        parts=(Part("campaigns", "campaign", Event("started_at"), measures={"net": lambda j: -money(j.cost), "cost": lambda j: money(j.cost)}),
               Part("deals", "deal", Event("closed_at"), rows=_won_attributed,
                    measures={"net": lambda j: money(j.amount), "revenue": lambda j: money(j.amount)})),
        result=ratio("net", "cost", extras={"revenue": lambda a: a.revenue.cast("float64"), "cost": lambda a: a.cost.cast("float64")})),
    Kpi(key="incremental_revenue", name=T("Ingresos incrementales"),
        description=T("Lo que una campaña vendió por encima de lo habitual, descontado su costo."),
        formula=T("ingresos ganados durante la campaña − ingresos de referencia para la misma duración − costo de la campaña; "
                  "la referencia es el ingreso medio por día en periodos de referencia sin campañas elegidos por el usuario "
                  "(la receta del artículo 004)"),
        unit="currency", direction="up", category=CATEGORY, area=AREA, dimensions=CAMPAIGN_DIMS,
        time="campaigns.started_at", seeds=("004",),
        choices=T("Campañas que empezaron en el periodo; ingresos = todas las oportunidades ganadas entre `started_at` y "
                  "`ended_at` (hoy si sigue). Referencia: el parámetro `baseline` o el ajuste `baseline_periods`; si no "
                  "hay, los 365 días anteriores al periodo en que no corría ninguna campaña."),
        parts=(Part("campaigns", "campaign", Event("started_at"), rows=_campaign_windows, measures={
            "incremental": lambda j: j._revenue_during - j._baseline - money(j.cost),
            "revenue_during": lambda j: j._revenue_during, "baseline": lambda j: j._baseline, "cost": lambda j: money(j.cost)}),),
        result=total("incremental", extras={k: (lambda a, k=k: a[k].cast("float64")) for k in ("revenue_during", "baseline", "cost")})),
    Kpi(key="website_visitors", name=T("Visitantes web"),
        description=T("Personas distintas que visitaron el sitio (una métrica general)."),
        formula=T("visitantes distintos del periodo"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=("source",),
        time="web_sessions.started_at", general_metric=True, seeds=("001", "002"),
        choices=T("Por origen, cada visitante cuenta bajo el origen de su primera sesión del periodo."),
        parts=(visitors(),), result=total("visitors")),
    Kpi(key="avg_time_on_site_seconds", name=T("Tiempo en el sitio"),
        description=T("Cuánto dura, de media, una visita."),
        formula=T("duración media de las sesiones"),
        unit="seconds", direction="up", category=CATEGORY, area=AREA, dimensions=("source",),
        time="web_sessions.started_at", seeds=("001",),
        choices=T("Sesiones que empezaron en el periodo con duración conocida. Media; la mediana va como extra `median`."),
        parts=(Part("web_sessions", "session", Event("started_at"), where=lambda s: s.duration_s.notnull(),
                    measures={"seconds": lambda j: j.duration_s, "sessions": one},
                    values={"seconds_v": lambda j: j.duration_s}),),
        result=mean("seconds", "sessions", median="seconds_v")),
    Kpi(key="visitor_purchase_rate", name=T("Visitantes que compran"),
        description=T("Qué parte de los visitantes termina siendo cliente."),
        formula=T("visitantes distintos del periodo cuyo lead se hizo cliente ÷ visitantes distintos"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=("source",),
        time="web_sessions.started_at", seeds=("001",),
        choices=T("Cliente = un lead con ese visitor_id tiene `converted_at`, cuando sea."),
        parts=(visitors("_customer", "bought"),),
        result=ratio("bought", "visitors")),
)
