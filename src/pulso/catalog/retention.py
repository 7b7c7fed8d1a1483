"""Retention and loyalty: customers kept and lost, repeat purchases, lifetime value and what it costs.

"Customers at period start" are accounts with `acquired_at < start` and (`churned_at` null or
`churned_at >= start`); "at period end" likewise with the end.
"""

from __future__ import annotations

import ibis

from pulso.catalog.model import AtEnd, AtStart, Dated, Event, Kpi, Part, Spanning, T, composite, divide, ratio
from pulso.catalog.sources import days_between, flag, money, one

AREA, CATEGORY = "retention", "customer_perception"
ACCOUNT_DIMS = ("owner", "team", "source", "segment", "country")
DAYS_PER_MONTH = 365.25 / 12

_AT_START = Part("accounts", "account", AtStart("acquired_at", "churned_at"), measures={"at_start": one})
_CHURNED = Part("accounts", "account", Event("churned_at"), measures={
    "churned": one, "tenure_months": lambda j: days_between(j.acquired_at, j.churned_at).fill_null(0.0) / DAYS_PER_MONTH})
# Customers who ordered in the period, declared once for every KPI that reads them (so that the
# engine counts them once for all of these KPIs).
_BUYERS = Part("orders", "order", Event("ordered_at"), where=lambda o: o.account_id.notnull(), entity="account_id",
               label="accounts", entity_measures=lambda g: {"_orders": g.id.count(), "_amount": money(g.amount).sum()},
               measures={"orders": lambda e: e._orders, "amount": lambda e: e._amount, "buyers": one,
                         "repeat": lambda e: flag(e._orders >= 2)})
_NEW = Part("accounts", "account", Event("acquired_at"), measures={"new": one})


def _acquisition_spend(where):
    return Part("spend", "spend", Dated("period_start", "period_end"), where=where,
                measures={"spend": lambda j: money(j.amount) * j._share})


_CAC_SPEND = _acquisition_spend(lambda s: s.category.isin(("marketing", "sales")))


def _clv_parts(a):
    """Average order value, yearly purchase frequency, lifetime in years and their product."""
    aov = divide(a.amount, a.orders)
    frequency = divide(a.orders, a.buyers) / a._years
    lifetime_years = divide(a.at_start.cast("float64") * a._years, a.churned)
    return aov, frequency, lifetime_years, aov * frequency * lifetime_years


def _clv(a):
    aov, frequency, lifetime, clv = _clv_parts(a)
    return {"value": clv, "numerator": clv, "denominator": ibis.null("float64"), "average_order_value": aov,
            "purchase_frequency": frequency, "customer_lifetime_years": lifetime}


def _clv_to_cac(a):
    *_, clv = _clv_parts(a)
    cac = divide(a.spend, a.new)
    return {"value": divide(clv, cac), "numerator": clv, "denominator": cac,
            "customer_lifetime_value": clv, "customer_acquisition_cost": cac}


def _lifetime(a):
    at_risk = a.at_start.cast("float64") * a._years * 12.0
    return {"value": divide(at_risk, a.churned), "numerator": at_risk, "denominator": a.churned.cast("float64"),
            "observed_tenure_months": divide(a.tenure_months, a.churned)}


def _frequency(a):
    return {"value": divide(a.orders, a.buyers) / a._years, "numerator": a.orders.cast("float64"),
            "denominator": a.buyers.cast("float64")}


def _retained_account(j):
    return (j._acquired < j._p_start) & (j._churned.isnull() | (j._churned >= j._p_end))


def _orders_with_account(src, ctx):
    o, a = ctx.within(src["orders"], "ordered_at"), src["accounts"]
    acc = a.select(_aid=a.id, _acquired=a.acquired_at, _churned=a.churned_at)
    return o.join(acc, o.account_id == acc._aid).drop("_aid")


KPIS = (
    Kpi(key="customer_retention_rate", name=T("Tasa de retención"),
        description=T("Qué parte de los clientes del inicio sigue con nosotros."),
        formula=T("(clientes al final del periodo − clientes nuevos del periodo) ÷ clientes al inicio del periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS,
        time="accounts.acquired_at/churned_at", snapshot=True, seeds=("000", "002"),
        parts=(Part("accounts", "account", AtEnd("acquired_at", "churned_at"), measures={"retained": one, "at_end": one}),
               Part("accounts", "account", Event("acquired_at"), measures={"retained": lambda j: ibis.literal(-1), "new": one}),
               _AT_START),
        result=ratio("retained", "at_start", extras={"customers_at_end": lambda a: a.at_end.cast("float64"),
                                                     "new_customers": lambda a: a.new.cast("float64")})),
    Kpi(key="churn_rate", name=T("Tasa de abandono (churn)"),
        description=T("Qué parte de los clientes se pierde."),
        formula=T("clientes cuyo `churned_at` cae en el periodo ÷ clientes al inicio del periodo"),
        unit="%", direction="down", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS, time="accounts.churned_at",
        seeds=("001", "002", "004"), parts=(_CHURNED, _AT_START), result=ratio("churned", "at_start")),
    Kpi(key="renewal_rate", name=T("Tasa de renovación"),
        description=T("Qué parte de las suscripciones que vencen se renueva."),
        formula=T("suscripciones cuyo plazo vence en el periodo y se renovaron ÷ suscripciones cuyo plazo vence en el periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=(*ACCOUNT_DIMS, "plan"),
        time="subscriptions.term_end_at", seeds=("001",),
        parts=(Part("subscriptions", "subscription", Event("term_end_at"),
                    measures={"renewed": lambda j: flag(j.renewed), "ending": one}),),
        result=ratio("renewed", "ending")),
    Kpi(key="repeat_purchase_rate", name=T("Tasa de recompra"),
        description=T("Qué parte de los clientes que compran repite."),
        formula=T("clientes con 2 o más pedidos en el periodo ÷ clientes con al menos 1 pedido en el periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS, time="orders.ordered_at",
        seeds=("000",), choices=T("Los pedidos sin cuenta no cuentan."),
        parts=(_BUYERS,), result=ratio("repeat", "buyers")),
    Kpi(key="purchase_frequency", name=T("Frecuencia de compra"),
        description=T("Cuántas veces al año compra un cliente."),
        formula=T("pedidos del periodo ÷ clientes distintos que compraron, llevado a un año"),
        unit="orders/year", direction="up", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS,
        time="orders.ordered_at", seeds=("004",),
        choices=T("Se divide por la duración del periodo en años de calendario (un año natural = 1, enero = 31/365). "
                  "Numerador = pedidos, denominador = clientes."),
        parts=(_BUYERS,), result=composite(_frequency, numerator=("orders",), denominator=("buyers",), extras=())),
    Kpi(key="customer_lifetime_months", name=T("Tiempo de vida del cliente"),
        description=T("Cuánto dura un cliente, esperado según el churn."),
        formula=T("vida esperada = 1 ÷ tasa de churn mensual del periodo; también la antigüedad media observada de los "
                  "clientes que se fueron en el periodo"),
        unit="months", direction="up", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS,
        time="accounts.churned_at", seeds=("000", "004"),
        choices=T("Churn mensual = bajas ÷ clientes al inicio ÷ meses del periodo; numerador = clientes al inicio × meses, "
                  "denominador = bajas. Sin bajas, el valor es nulo. Extra `observed_tenure_months`."),
        parts=(_AT_START, _CHURNED),
        result=composite(_lifetime, numerator=("at_start",), denominator=("churned",), extras=("observed_tenure_months",))),
    Kpi(key="customer_lifetime_value", name=T("Valor de vida del cliente (CLV)"),
        description=T("Cuánto deja un cliente durante toda su relación."),
        formula=T("valor promedio de compra × frecuencia de compra (por año) × vida del cliente (años), como lo construye el artículo 004"),
        unit="currency", direction="up", category=CATEGORY, area=AREA, dimensions=ACCOUNT_DIMS,
        time="orders.ordered_at", additive="none", seeds=("002", "004"),
        choices=T("Cada factor con la definición de su KPI (average_order_value, purchase_frequency, "
                  "customer_lifetime_months ÷ 12) y va como extra; numerador = valor, sin denominador."),
        parts=(_BUYERS, _AT_START, _CHURNED),
        result=composite(_clv, numerator=("amount",), denominator=(),
                         extras=("average_order_value", "purchase_frequency", "customer_lifetime_years"))),
    Kpi(key="customer_acquisition_cost", name=T("Costo de adquisición (CAC)"),
        description=T("Lo que cuesta conseguir un cliente."),
        formula=T("gasto de marketing + ventas del periodo ÷ clientes nuevos del periodo; por canal donde el gasto se registra por canal"),
        unit="currency", direction="down", category=CATEGORY, area=AREA, dimensions=("channel",),
        time="accounts.acquired_at", seeds=("002", "004"),
        choices=T("El gasto (fechas con fin incluido) se reparte por días entre los periodos. Por canal, el canal de un "
                  "cliente es su origen (accounts.source)."),
        parts=(_CAC_SPEND, _NEW), result=ratio("spend", "new")),
    Kpi(key="clv_to_cac_ratio", name=T("Relación CLV:CAC"),
        description=T("Cuántas veces recupera un cliente lo que costó conseguirlo."),
        formula=T("customer_lifetime_value ÷ customer_acquisition_cost"),
        unit="ratio", direction="up", category=CATEGORY, area=AREA, dimensions=("channel",), time="orders.ordered_at",
        additive="none", seeds=("002",),
        parts=(_BUYERS, _AT_START, _CHURNED, _CAC_SPEND, _NEW),
        result=composite(_clv_to_cac, numerator=("amount",), denominator=("spend",),
                         extras=("customer_lifetime_value", "customer_acquisition_cost"))),
    Kpi(key="retention_cost_per_customer", name=T("Costo de retención"),
        description=T("Lo que cuesta retener a cada cliente; debe quedar por debajo de lo que deja."),
        formula=T("gasto de retención del periodo ÷ clientes retenidos (activos al inicio y aún al final); junto al "
                  "ingreso medio por cliente retenido, que debería superarlo"),
        unit="currency", direction="down", category=CATEGORY, area=AREA, dimensions=("channel",),
        time="spend.period_start/period_end", seeds=("001",),
        choices=T("Ingreso por cliente retenido = pedidos del periodo de esos clientes ÷ retenidos (extra "
                  "`revenue_per_retained_customer`)."),
        parts=(_acquisition_spend(lambda s: s.category == "retention"),
               Part("accounts", "account", Spanning("acquired_at", "churned_at"), measures={"retained": one}),
               Part("orders", "order", Event("ordered_at"), rows=_orders_with_account, where_period=_retained_account,
                    measures={"revenue": lambda j: money(j.amount)})),
        result=ratio("spend", "retained", extras={"revenue_per_retained_customer": lambda a: divide(a.revenue, a.retained)})),
)
