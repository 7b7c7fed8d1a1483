"""Marketing: where leads come from, what campaigns bring and cost, and what the website does.

A deal is attributed to a campaign through its lead (`leads.campaign_id`), or, when its lead has
none, through its own `deals.campaign_id`.
"""

from __future__ import annotations

import ibis

from pulso.catalog.model import Event, Kpi, Overlap, Part, Result, T, divide, mean, ratio, total
from pulso.catalog.sales import visitors
from pulso.catalog.sources import days_between, flag, money, one, seconds_between

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


def _until(c, ctx):
    """When a campaign stops counting: its end, now while it runs, and never before one second
    after its start (a campaign without duration lasts an instant, in the period it starts)."""
    return ibis.greatest(ibis.coalesce(c.ended_at, ctx.now), c.started_at + ibis.interval(seconds=1))


def _campaigns_until(src, ctx):
    c = src["campaigns"]
    return c.mutate(_until=_until(c, ctx))


def _cost_in_period(j):
    """A campaign's cost spread over the time it ran: cost × its time inside the period ÷ its time."""
    inside = seconds_between(ibis.greatest(j.started_at, j._p_start), ibis.least(j._until, j._p_end))
    return money(j.cost) * ibis.greatest(inside, 0.0) / seconds_between(j.started_at, j._until)


def _campaign_segments(src, ctx):
    """Campaign time cut where any campaign or period starts or stops, one row per campaign and
    piece of time it ran (`_t`..`_t2`), with the revenue won in that piece (`_seg_revenue`), the
    campaigns running in it (`_k`, who share it equally) and the reference revenue per day."""
    c, d, p = _campaigns_until(src, ctx), src["deals"], ctx.periods
    cuts = ibis.union(c.select(_t=c.started_at), c.select(_t=c._until), p.select(_t=p._p_start),
                      p.select(_t=p._p_end), distinct=True)
    segs = cuts.mutate(_t2=cuts._t.lead().over(ibis.window(order_by=cuts._t)))
    segs = segs.filter(segs._t2.notnull())
    x = c.join(segs, [c.started_at <= segs._t, c._until >= segs._t2])
    x = x.mutate(_k=x.id.count().over(ibis.window(group_by=x._t)))
    won = d.filter(d.status == "won", d.closed_at.notnull())
    won = won.select(_closed=won.closed_at, _amount=money(won.amount))
    ran = x.select(_rt=x._t, _rt2=x._t2).distinct()
    rev = ran.join(won, [won._closed >= ran._rt, won._closed < ran._rt2]).group_by("_rt").aggregate(
        _seg_revenue=ibis._._amount.sum())
    x = x.left_join(rev, x._t == rev._rt).drop("_rt")
    ref = ctx.baseline
    if ctx.baseline_excludes_campaigns:
        ref = ref.anti_join(src["campaigns"], [src["campaigns"].started_at < ref.b_end,
                                               ibis.coalesce(src["campaigns"].ended_at, FAR_FUTURE) > ref.b_start])
    ref_days = days_between(ref.b_start, ref.b_end).sum()
    near = won.filter(won._closed >= ref.b_start.min(), won._closed < ref.b_end.max())  # fewer rows to range-join
    ref_revenue = ref.join(near, [near._closed >= ref.b_start, near._closed < ref.b_end])._amount.sum()
    return x.mutate(_seg_revenue=x._seg_revenue.fill_null(0.0), _per_day=divide(ref_revenue.fill_null(0.0), ref_days))


def _incremental(a):
    """Null, not a guess, when there is no reference day (every day had a campaign)."""
    value = ibis.ifelse(a.unknown > 0, ibis.null("float64"), a.incremental.cast("float64"))
    return {"value": value, "numerator": value, "denominator": ibis.null("float64"),
            **{k: a[k].cast("float64") for k in ("revenue_during", "baseline", "cost")}}


_SPREAD_COST = Part("campaigns", "campaign", Overlap("started_at", "_until"), rows=_campaigns_until,
                    measures={"net": lambda j: -_cost_in_period(j), "cost": _cost_in_period})


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
        dimensions=("owner", "team", "campaign", "channel", "source", "segment", "country", "product"),
        time="deals.closed_at",
        seeds=("001",), choices=T("Oportunidades ganadas en el periodo (`closed_at`)."),
        parts=(Part("deals", "deal", Event("closed_at"), rows=_won_attributed, measures={"revenue": lambda j: money(j.amount)}),),
        result=total("revenue")),
    Kpi(key="campaign_roi", name=T("ROI de campaña"),
        description=T("Cuánto devolvió cada campaña por cada unidad invertida."),
        formula=T("(ingresos de la campaña − costo de la campaña) ÷ costo de la campaña"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=CAMPAIGN_DIMS,
        time="deals.closed_at/campaigns.started_at", seeds=("004",),
        choices=T("Ingresos de la campaña = el KPI campaign_revenue del periodo (oportunidades ganadas en él). El costo "
                  "de una campaña se reparte por el tiempo que corrió: a un periodo le toca costo × tiempo de la campaña "
                  "dentro del periodo ÷ tiempo de la campaña (hasta hoy si sigue), así que el ROI de cualquier periodo "
                  "está definido. Numerador = ingresos − costo; denominador = costo; extras `revenue` y `cost`."),
        parts=(_SPREAD_COST,
               Part("deals", "deal", Event("closed_at"), rows=_won_attributed,
                    measures={"net": lambda j: money(j.amount), "revenue": lambda j: money(j.amount)})),
        result=ratio("net", "cost", extras={"revenue": lambda a: a.revenue.cast("float64"), "cost": lambda a: a.cost.cast("float64")})),
    Kpi(key="incremental_revenue", name=T("Ingresos incrementales"),
        description=T("Lo que se vendió mientras corrían campañas por encima de lo habitual, descontado su costo. Nunca "
                      "supera los ingresos ganados en el periodo: cada venta cuenta una vez, aunque corrieran varias "
                      "campañas a la vez."),
        formula=T("ingresos ganados en el periodo mientras corría alguna campaña − ingreso medio por día de los periodos "
                  "de referencia × días de campaña del periodo − costo de las campañas repartido por sus días"),
        unit="currency", direction="up", category=CATEGORY, area=AREA, dimensions=CAMPAIGN_DIMS,
        time="campaigns.started_at/ended_at", seeds=("004",),
        choices=T("Cada trozo de tiempo en que corrían campañas se reparte a partes iguales entre ellas (ingresos y "
                  "referencia), así que la suma por campaña es el total y nada cuenta dos veces. Periodos de "
                  "referencia: los elegidos en la página del indicador; si no se ha elegido ninguno, los 365 días "
                  "anteriores al periodo en que no corría ninguna campaña. Sin ningún día de referencia el valor queda "
                  "vacío: no hay con qué comparar. El costo se reparte por los días de cada campaña, como en el ROI de "
                  "campaña."),
        parts=(Part("campaigns", "campaign", Overlap("_t", "_t2"), rows=_campaign_segments, measures={
                    "incremental": lambda j: (j._seg_revenue - j._per_day * days_between(j._t, j._t2)) / j._k,
                    "revenue_during": lambda j: j._seg_revenue / j._k,
                    "baseline": lambda j: j._per_day * days_between(j._t, j._t2) / j._k,
                    "unknown": lambda j: flag(j._per_day.isnull())}),
               Part("campaigns", "campaign", Overlap("started_at", "_until"), rows=_campaigns_until,
                    measures={"incremental": lambda j: -_cost_in_period(j), "cost": _cost_in_period})),
        result=Result("total", _incremental, ("incremental",), (), ("revenue_during", "baseline", "cost"))),
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
