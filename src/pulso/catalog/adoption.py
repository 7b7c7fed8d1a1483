"""User adoption: whether the team actually uses the CRM (Band: user adoption)."""

from __future__ import annotations

from pulso.catalog.model import AtEnd, Event, Kpi, Part, T, ratio, total
from pulso.catalog.sources import one

AREA, CATEGORY = "operations", "user_adoption"
DIMS = ("owner", "team")


def _usage_of_active_users(src, ctx):
    u, e = ctx.within(src["usage_events"], "occurred_at"), src["users"]
    users = e.filter(e.active).select(_uid=e.id, _user_created=e.created_at)
    return u.join(users, u.user_id == users._uid).drop("_uid")


KPIS = (
    Kpi(key="active_user_rate", name=T("Usuarios activos"),
        description=T("Qué parte de los usuarios del CRM lo usa de verdad."),
        formula=T("usuarios del CRM con al menos un evento de uso en el periodo ÷ usuarios del CRM activos en el periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="usage_events.occurred_at",
        seeds=("001",),
        choices=T("Usuario activo en el periodo = `active` y creado antes del final del periodo; el numerador cuenta solo a esos usuarios."),
        parts=(Part("users", "user", AtEnd("created_at"), where=lambda u: u.active, measures={"users": one}),
               Part("usage_events", "usage", Event("occurred_at"), rows=_usage_of_active_users, entity="user_id",
                    label="users", where_period=lambda j: j._user_created < j._p_end,
                    entity_measures=lambda g: {}, measures={"using": one})),
        result=ratio("using", "users")),
    Kpi(key="records_per_user", name=T("Registros por usuario"),
        description=T("Cuánto registra en el CRM cada usuario que lo usa."),
        formula=T("registros creados o actualizados por usuarios en el periodo ÷ usuarios activos"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="usage_events.occurred_at",
        seeds=("001",),
        choices=T("Registros = eventos de uso `create` o `update`; usuarios activos = usuarios con algún evento de uso en el periodo."),
        parts=(Part("usage_events", "usage", Event("occurred_at"), where=lambda u: u.action.isin(("create", "update")),
                    measures={"records": one}),
               Part("usage_events", "usage", Event("occurred_at"), entity="user_id", label="users",
                    entity_measures=lambda g: {}, measures={"users": one})),
        result=ratio("records", "users")),
    Kpi(key="sales_calls_logged", name=T("Llamadas de venta"),
        description=T("Llamadas registradas."),
        formula=T("actividades de tipo llamada del periodo"),
        unit="count", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="activities.occurred_at",
        seeds=("001", "003"),
        parts=(Part("activities", "activity", Event("occurred_at"), where=lambda a: a.type == "call", measures={"calls": one}),),
        result=total("calls")),
)
