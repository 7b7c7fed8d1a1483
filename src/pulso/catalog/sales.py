"""Sales and conversion: the funnel, deals won and lost, quotas and activity (Band: business performance)."""

from __future__ import annotations

import ibis

from pulso.catalog.model import (
    AtEnd, AtStart, Dated, Event, Kpi, Part, T, composite, divide, mean, ratio, total,
)
from pulso.catalog.sources import days_between, flag, hours_between, money, one

AREA, CATEGORY = "sales", "business_performance"
LEAD_DIMS = ("owner", "team", "source", "campaign", "channel")
DEAL_DIMS = ("owner", "team", "source", "campaign", "channel", "segment", "country", "deal_kind", "stage",
             "product")
ACCOUNT_DIMS = ("owner", "team", "source", "segment", "country")
REACH_TYPES = ("call", "email", "voicemail", "meeting")  # the contacts seed 003 lists; tasks and notes are not reach
WON_OR_LOST = ("won", "lost")


def _won(d):
    return d.status == "won"


def _closed(d):
    return d.status.isin(WON_OR_LOST)


def _lead_rate(key, name, description, formula, at, reached, seeds):
    return Kpi(
        key=key, name=name, description=description, formula=formula, unit="%", direction="up",
        category=CATEGORY, area=AREA, dimensions=LEAD_DIMS, time=f"leads.{at}", seeds=seeds,
        parts=(Part("leads", "lead", Event(at), {"reached": lambda j: flag(j[reached].notnull()), "leads": one}),),
        result=ratio("reached", "leads"),
    )


def _with_first_outbound(src, ctx):
    """Leads with the time of their first outbound activity at or after their creation."""
    return ctx.within(src["lead_first_outbound"], "created_at")


def _visitor_sessions(src, ctx):
    return ctx.within(src["visitor_sessions"], "started_at")


def _first_visit(j):
    """1 for the visitor's first session in the row's period (see sources._visitor_sessions)."""
    return flag(j._prev_start.isnull() | (j._prev_start < j._p_start))


def visitors(flagged: str | None = None, measure: str = "") -> Part:
    """Distinct visitors per period (each under the source of their first session in it); with
    `flagged` ("_lead" or "_customer"), also `measure`: those of them flagged so."""
    measures = {"visitors": _first_visit}
    if flagged is not None:
        measures[measure] = lambda j: _first_visit(j) * j[flagged]
    return Part("web_sessions", "session", Event("started_at"), rows=_visitor_sessions, label="visitors",
                measures=measures)


def _deals_with_stage(src, ctx):
    d, st = src["deals"], src["stages"]
    prob = st.select(_sid=st.id, _probability=st.probability)
    return d.left_join(prob, d.stage_id == prob._sid).drop("_sid")


def _velocity(a):
    close_rate = divide(a.won, a.closed)
    avg_value = divide(a.won_amount, a.won_valued)
    cycle = divide(a.cycle_days, a.won)
    expected = a.open.cast("float64") * close_rate * avg_value
    return {"value": divide(expected, cycle), "numerator": expected, "denominator": cycle,
            "open_opportunities": a.open.cast("float64"), "close_rate": close_rate,
            "average_deal_value": avg_value, "sales_cycle_days": cycle}


_CLOSED = Part("deals", "deal", Event("closed_at"), where=_closed, measures={
    "won": lambda j: flag(_won(j)), "closed": one,
    "won_amount": lambda j: ibis.ifelse(_won(j), money(j.amount), 0.0),
    "won_valued": lambda j: flag(_won(j) & j.amount.notnull()),
    "cycle_days": lambda j: ibis.ifelse(_won(j), days_between(j.created_at, j.closed_at), 0.0)})

KPIS = (
    _lead_rate(
        "lead_conversion_rate", T("Tasa de conversión de leads"),
        T("Qué parte de los leads se convierte en cliente."),
        T("leads creados en el periodo que ya son clientes (`converted_at` informado) ÷ leads creados en el periodo"),
        "created_at", "converted_at", ("000", "002", "003", "004")),
    Kpi(key="visitor_to_lead_rate", name=T("Visitantes a leads"),
        description=T("Qué parte de los visitantes del sitio deja sus datos."),
        formula=T("visitantes distintos del periodo que llegaron a ser lead ÷ visitantes distintos del periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=("source",),
        time="web_sessions.started_at", seeds=("004",),
        choices=T("Un visitante cuenta si tiene un lead (leads.visitor_id), creado cuando sea; se le asigna el origen "
                  "de su primera sesión del periodo."),
        parts=(visitors("_lead", "became_lead"),),
        result=ratio("became_lead", "visitors")),
    _lead_rate(
        "lead_to_mql_rate", T("Lead a MQL"),
        T("Qué parte de los leads llega a estar cualificada por marketing."),
        T("leads creados en el periodo que llegaron a MQL ÷ leads creados en el periodo"),
        "created_at", "mql_at", ("004",)),
    _lead_rate(
        "mql_to_sql_rate", T("MQL a SQL"),
        T("Qué parte de los MQL acepta ventas."),
        T("leads que llegaron a MQL en el periodo y después a SQL ÷ leads que llegaron a MQL en el periodo"),
        "mql_at", "sql_at", ("004",)),
    _lead_rate(
        "sql_to_customer_rate", T("SQL a cliente"),
        T("Qué parte de los SQL termina comprando."),
        T("leads que llegaron a SQL en el periodo y después se convirtieron ÷ leads que llegaron a SQL en el periodo"),
        "sql_at", "converted_at", ("004",)),
    Kpi(key="close_rate", name=T("Tasa de cierre"),
        description=T("De las oportunidades que se cerraron, cuántas se ganaron. Conviene compararla cada 6 meses."),
        formula=T("oportunidades ganadas ÷ oportunidades cerradas (ganadas + perdidas), por `closed_at` en el periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS, time="deals.closed_at",
        seeds=("004",), parts=(Part("deals", "deal", Event("closed_at"), where=_closed,
                                    measures={"won": lambda j: flag(_won(j)), "closed": one}),),
        result=ratio("won", "closed")),
    Kpi(key="average_deal_value", name=T("Valor promedio de venta"),
        description=T("Lo que vale, de media, una venta ganada."),
        formula=T("suma de `amount` de las oportunidades ganadas en el periodo ÷ su número"),
        unit="currency", direction="up", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS, time="deals.closed_at",
        seeds=("000", "004"),
        choices=T("Media; la mediana va como extra `median`. Las ganadas sin importe no cuentan."),
        parts=(Part("deals", "deal", Event("closed_at"), where=lambda d: _won(d) & d.amount.notnull(),
                    measures={"amount": lambda j: money(j.amount), "deals": one},
                    values={"amount_v": lambda j: money(j.amount)}),),
        result=mean("amount", "deals", median="amount_v")),
    Kpi(key="average_order_value", name=T("Valor promedio de compra"),
        description=T("Lo que vale, de media, un pedido."),
        formula=T("suma de importes de los pedidos del periodo ÷ número de pedidos"),
        unit="currency", direction="up", category=CATEGORY, area=AREA,
        dimensions=("owner", "team", "source", "segment", "country", "channel", "product"), time="orders.ordered_at",
        seeds=("004",), choices=T("Media; la mediana va como extra `median`."),
        parts=(Part("orders", "order", Event("ordered_at"), measures={"amount": lambda j: money(j.amount), "orders": one},
                    values={"amount_v": lambda j: money(j.amount)}),),
        result=mean("amount", "orders", median="amount_v")),
    Kpi(key="revenue_won", name=T("Ingresos nuevos"),
        description=T("Lo vendido: el importe de las oportunidades ganadas."),
        formula=T("suma de `amount` de las oportunidades ganadas en el periodo"),
        unit="currency", direction="up", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS, time="deals.closed_at",
        seeds=("001",), parts=(Part("deals", "deal", Event("closed_at"), where=_won,
                                    measures={"revenue": lambda j: money(j.amount)}),),
        result=total("revenue")),
    Kpi(key="new_customers", name=T("Clientes nuevos"),
        description=T("Cuentas que pasaron a ser clientes."),
        formula=T("cuentas cuyo `acquired_at` cae en el periodo"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS,
        time="accounts.acquired_at", seeds=("001",),
        parts=(Part("accounts", "account", Event("acquired_at"), measures={"customers": one}),),
        result=total("customers")),
    Kpi(key="leads_created", name=T("Prospectos"),
        description=T("Leads nuevos: una métrica general salvo que una meta la haga KPI."),
        formula=T("leads creados en el periodo"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=LEAD_DIMS, time="leads.created_at",
        general_metric=True, seeds=("001", "004"),
        parts=(Part("leads", "lead", Event("created_at"), measures={"leads": one}),), result=total("leads")),
    Kpi(key="open_opportunities", name=T("Oportunidades abiertas"),
        description=T("Oportunidades vivas al cierre del periodo."),
        formula=T("oportunidades abiertas al final del periodo (creadas antes del final y no cerradas antes del final)"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS,
        time="deals.created_at/closed_at", snapshot=True, seeds=("001", "003"),
        parts=(Part("deals", "deal", AtEnd("created_at", "closed_at"), measures={"open": one}),), result=total("open")),
    Kpi(key="pipeline_value", name=T("Valor del pipeline"),
        description=T("Lo que suman las oportunidades abiertas."),
        formula=T("suma de `amount` de las oportunidades abiertas al final del periodo"),
        unit="currency", direction="up", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS,
        time="deals.created_at/closed_at", snapshot=True, seeds=("000",),
        parts=(Part("deals", "deal", AtEnd("created_at", "closed_at"), measures={"amount": lambda j: money(j.amount)}),),
        result=total("amount")),
    Kpi(key="weighted_pipeline", name=T("Pipeline ponderado"),
        description=T("El pipeline ponderado por la probabilidad de cada etapa."),
        formula=T("suma de `amount × probabilidad de la etapa` de las oportunidades abiertas al final del periodo"),
        unit="currency", direction="up", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS,
        time="deals.created_at/closed_at", snapshot=True, seeds=("000",),
        choices=T("Una oportunidad sin etapa pesa 0."),
        parts=(Part("deals", "deal", AtEnd("created_at", "closed_at"), rows=_deals_with_stage, measures={
            "weighted": lambda j: money(j.amount) * j._probability.cast("float64").fill_null(0.0)}),),
        result=total("weighted")),
    Kpi(key="open_deal_age_days", name=T("Antigüedad de oportunidades abiertas"),
        description=T("Edad media de las oportunidades abiertas: delata a quien abre sin cerrar las anteriores."),
        formula=T("edad media en días, al final del periodo, de las oportunidades abiertas entonces"),
        unit="days", direction="down", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS,
        time="deals.created_at/closed_at", snapshot=True, seeds=("003",),
        choices=T("Media; la mediana va como extra `median`."),
        parts=(Part("deals", "deal", AtEnd("created_at", "closed_at"),
                    measures={"age": lambda j: days_between(j.created_at, j._p_end), "deals": one},
                    values={"age_v": lambda j: days_between(j.created_at, j._p_end)}),),
        result=mean("age", "deals", median="age_v")),
    Kpi(key="sales_cycle_days", name=T("Duración del ciclo de ventas"),
        description=T("Cuánto tarda en cerrarse una venta."),
        formula=T("días medios (y mediana) desde `created_at` hasta `closed_at` de las oportunidades ganadas en el periodo"),
        unit="days", direction="down", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS, time="deals.closed_at",
        seeds=("003", "004"), choices=T("Media; la mediana va como extra `median`."),
        parts=(Part("deals", "deal", Event("closed_at"), where=_won,
                    measures={"days": lambda j: days_between(j.created_at, j.closed_at), "deals": one},
                    values={"days_v": lambda j: days_between(j.created_at, j.closed_at)}),),
        result=mean("days", "deals", median="days_v")),
    Kpi(key="quota_attainment", name=T("Cumplimiento de cuota"),
        description=T("Lo vendido frente a la cuota, por vendedor, equipo o empresa."),
        formula=T("ingresos ganados en el periodo ÷ cuota del periodo, por vendedor, equipo o empresa; por mes, trimestre y año"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=("owner", "team"), time="deals.closed_at",
        seeds=("003",),
        choices=T("Cada cuota (fechas con fin incluido) se reparte por días entre los periodos que solapa. Una cuota de "
                  "equipo (sin responsable) cuenta para el equipo; no registre a la vez cuotas de equipo y de sus vendedores."),
        parts=(Part("deals", "deal", Event("closed_at"), where=_won, measures={"revenue": lambda j: money(j.amount)}),
               Part("quotas", "quota", Dated("period_start", "period_end"),
                    measures={"quota": lambda j: money(j.amount) * j._share})),
        result=ratio("revenue", "quota")),
    Kpi(key="activities_logged", name=T("Alcance de actividades"),
        description=T("Contactos registrados: llamadas, e-mails, mensajes de voz y reuniones."),
        formula=T("actividades (llamadas, e-mails, mensajes de voz, reuniones) del periodo, por tipo"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=("owner", "team", "activity_type"),
        time="activities.occurred_at", seeds=("003",),
        choices=T("Tareas y notas no cuentan: no son contactos."),
        parts=(Part("activities", "activity", Event("occurred_at"), where=lambda a: a.type.isin(REACH_TYPES),
                    measures={"activities": one}),), result=total("activities")),
    Kpi(key="activities_per_won_deal", name=T("Actividades por venta"),
        description=T("Cuánto contacto cuesta cada venta."),
        formula=T("actividades del periodo ÷ oportunidades ganadas en el periodo"),
        unit="ratio", direction="down", category=CATEGORY, area=AREA, dimensions=("owner", "team"),
        time="activities.occurred_at", seeds=("003",),
        choices=T("Actividades = llamadas, e-mails, mensajes de voz y reuniones, como en activities_logged."),
        parts=(Part("activities", "activity", Event("occurred_at"), where=lambda a: a.type.isin(REACH_TYPES),
                    measures={"activities": one}),
               Part("deals", "deal", Event("closed_at"), where=_won, measures={"won": one})),
        result=ratio("activities", "won")),
    Kpi(key="lead_response_time_hours", name=T("Tiempo de respuesta a leads"),
        description=T("Cuánto se tarda en contactar a un lead nuevo."),
        formula=T("horas medias desde la creación del lead hasta su primera actividad saliente, leads creados en el periodo"),
        unit="hours", direction="down", category=CATEGORY, area=AREA, dimensions=LEAD_DIMS, time="leads.created_at",
        seeds=("000",),
        choices=T("Media; la mediana va como extra `median`. Los leads aún sin contacto saliente van aparte en `unanswered`."),
        parts=(Part("leads", "lead", Event("created_at"), rows=_with_first_outbound, measures={
            "hours": lambda j: hours_between(j.created_at, j._first_out).fill_null(0.0),
            "answered": lambda j: flag(j._first_out.notnull()),
            "unanswered": lambda j: flag(j._first_out.isnull())},
            values={"hours_v": lambda j: hours_between(j.created_at, j._first_out)}),),
        result=mean("hours", "answered", median="hours_v", extras={"unanswered": lambda a: a.unanswered.cast("float64")})),
    Kpi(key="upsell_cross_sell_rate", name=T("Tasa de ventas adicionales"),
        description=T("Qué parte de los clientes compra algo más."),
        formula=T("clientes con al menos una oportunidad `upsell` o `cross_sell` ganada en el periodo ÷ clientes al inicio del periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS, time="deals.closed_at",
        seeds=("004",),
        choices=T("Un cliente cuenta una vez aunque gane varias; se reparte por los datos de la cuenta (su responsable, no el de la oportunidad)."),
        parts=(Part("deals", "account_of", Event("closed_at"), entity="account_id", label="accounts",
                    where=lambda d: _won(d) & d.kind.isin(("upsell", "cross_sell")) & d.account_id.notnull(),
                    entity_measures=lambda g: {}, measures={"upsold": one}),
               Part("accounts", "account", AtStart("acquired_at", "churned_at"), measures={"customers": one})),
        result=ratio("upsold", "customers")),
    Kpi(key="sales_velocity", name=T("Velocidad de ventas"),
        description=T("Ingresos que el pipeline genera por día."),
        formula=T("oportunidades abiertas × tasa de cierre × valor promedio de venta ÷ días del ciclo de ventas (ingresos por día)"),
        unit="currency/day", direction="up", category=CATEGORY, area=AREA, dimensions=DEAL_DIMS,
        time="deals.closed_at", additive="none",
        choices=T("Oportunidades abiertas al final del periodo; tasa, valor y ciclo de las cerradas en el periodo. "
                  "Numerador = abiertas × tasa × valor; denominador = días de ciclo; cada factor va como extra."),
        parts=(Part("deals", "deal", AtEnd("created_at", "closed_at"), measures={"open": one}), _CLOSED),
        result=composite(_velocity, numerator=("open", "won_amount"), denominator=("cycle_days",),
                         extras=("open_opportunities", "close_rate", "average_deal_value", "sales_cycle_days"))),
)
