"""Operational efficiency in service: how fast tickets are answered and solved, and how much is automated."""

from __future__ import annotations

import ibis

from pulso.catalog.model import AtEnd, Event, Kpi, Part, T, composite, mean, ratio, total
from pulso.catalog.sources import flag, hours_between, one

AREA, CATEGORY = "operations", "business_performance"
DIMS = ("owner", "team", "channel", "priority", "segment", "country")


def _per_day(a):
    return {"value": a.resolved.cast("float64") / a._days, "numerator": a.resolved.cast("float64"),
            "denominator": a._days}


def _with_sla(src, ctx):
    """Tickets with the SLA hours of their priority (`_sla_first_response`, `_sla_resolution`; no
    priority: the "normal" hours) and the clock (`_now`), to tell which deadlines have passed; once
    the workspace sets a working week (`ctx.week`), each instant's working-time coordinate too
    (`_w_opened_at`, `_w_first_response_at`, `_w_resolved_at`, `_w__now`: engine/workcal.py)."""
    t, hours = src["tickets"], ctx.sla
    j = t.left_join(hours, ibis.coalesce(t.priority, "") == hours._sla_priority).drop("_sla_priority")
    j = j.mutate(_now=ctx.now)
    return ctx.working_time(ctx.within(j, "opened_at"), _INSTANTS) if ctx.week else j


_INSTANTS = ("opened_at", "first_response_at", "resolved_at", "_now")


def _hours(j, start: str, stop: str):
    """Hours from `start` to `stop`: working hours when the rows carry working-time coordinates,
    else clock hours."""
    if f"_w_{start}" in j.columns:
        return (j[f"_w_{stop}"] - j[f"_w_{start}"]) / 3600.0
    return hours_between(j[start], j[stop])


def _sla_part(done: str, hours: str) -> Part:
    """Tickets opened in the period: `within` = `done` within the hours of their priority; `due` =
    done, or not done and past the deadline (a missed one); `pending` = not done, deadline ahead."""
    def late(j):
        return j[done].isnull() & (_hours(j, "opened_at", "_now") > j[hours])

    return Part("tickets", "ticket", Event("opened_at"), rows=_with_sla, measures={
        "within": lambda j: flag(j[done].notnull() & (_hours(j, "opened_at", done) <= j[hours])),
        "due": lambda j: flag(j[done].notnull() | late(j)),
        "pending": lambda j: flag(j[done].isnull() & ~late(j).fill_null(False))})


_SLA_CHOICES = T("Horas por prioridad de los ajustes `sla_first_response_hours` y `sla_resolution_hours` del "
                 "espacio de trabajo (urgente 1 y 8, alta 4 y 24, media 8 y 72, baja 24 y 120 si no se fijan); "
                 "un caso sin prioridad usa las horas de `normal`. Son horas laborables cuando el espacio de trabajo "
                 "fija su semana laboral (`working_days`, `working_hours`, en su zona horaria: un caso abierto el "
                 "viernes a las 17:00 y respondido el lunes a las 10:00 esperó 2 horas con 09:00–18:00 de lunes a "
                 "viernes); si no, horas de reloj. Dentro = en esas horas o menos. Un caso sin "
                 "atender cuyo plazo ya venció cuenta como incumplido; si aún no venció, va aparte en `pending`.")

KPIS = (
    Kpi(key="first_response_time_hours", name=T("Tiempo de respuesta"),
        description=T("Cuánto espera un cliente la primera respuesta."),
        formula=T("horas medias (y mediana) desde `opened_at` hasta `first_response_at` de los casos abiertos en el "
                  "periodo; los casos aún sin respuesta van en una cifra aparte, `unanswered`, nunca se descartan"),
        unit="hours", direction="down", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.opened_at",
        seeds=("000",), choices=T("Media; la mediana va como extra `median`."),
        parts=(Part("tickets", "ticket", Event("opened_at"), measures={
            "hours": lambda j: hours_between(j.opened_at, j.first_response_at).fill_null(0.0),
            "answered": lambda j: flag(j.first_response_at.notnull()),
            "unanswered": lambda j: flag(j.first_response_at.isnull())},
            values={"hours_v": lambda j: hours_between(j.opened_at, j.first_response_at)}),),
        result=mean("hours", "answered", median="hours_v", extras={"unanswered": lambda a: a.unanswered.cast("float64")})),
    Kpi(key="resolution_time_hours", name=T("Tiempo de resolución"),
        description=T("Cuánto tarda en resolverse un caso."),
        formula=T("horas medias (y mediana) desde `opened_at` hasta `resolved_at` de los casos resueltos en el periodo"),
        unit="hours", direction="down", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.resolved_at",
        seeds=("000", "001"), choices=T("Media; la mediana va como extra `median`."),
        parts=(Part("tickets", "ticket", Event("resolved_at"),
                    measures={"hours": lambda j: hours_between(j.opened_at, j.resolved_at), "tickets": one},
                    values={"hours_v": lambda j: hours_between(j.opened_at, j.resolved_at)}),),
        result=mean("hours", "tickets", median="hours_v")),
    Kpi(key="tickets_resolved_per_day", name=T("Casos cerrados por día"),
        description=T("El ritmo al que el equipo cierra casos."),
        formula=T("casos resueltos en el periodo ÷ días del periodo"),
        unit="count/day", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.resolved_at",
        additive="numerator", seeds=("001",),
        choices=T("Días naturales del periodo en la zona horaria del espacio de trabajo (el denominador)."),
        parts=(Part("tickets", "ticket", Event("resolved_at"), measures={"resolved": one}),),
        result=composite(_per_day, numerator=("resolved",), denominator=(), extras=())),
    Kpi(key="tickets_opened", name=T("Casos atendidos"),
        description=T("Casos que entraron."),
        formula=T("casos abiertos en el periodo"),
        unit="count", direction="none", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.opened_at",
        seeds=("001",), parts=(Part("tickets", "ticket", Event("opened_at"), measures={"tickets": one}),),
        result=total("tickets")),
    Kpi(key="ticket_backlog", name=T("Casos pendientes"),
        description=T("Casos sin resolver al cierre del periodo."),
        formula=T("casos abiertos al final del periodo"),
        unit="count", direction="down", category=CATEGORY, area=AREA, dimensions=DIMS,
        time="tickets.opened_at/resolved_at", snapshot=True, seeds=("001",),
        choices=T("Abierto al final = abierto antes del final y sin `resolved_at` anterior al final."),
        parts=(Part("tickets", "ticket", AtEnd("opened_at", "resolved_at"), measures={"tickets": one}),),
        result=total("tickets")),
    Kpi(key="first_response_sla_rate", name=T("Respuestas dentro del SLA"),
        description=T("Qué parte de los casos recibe la primera respuesta en el plazo fijado para su prioridad."),
        formula=T("casos abiertos en el periodo con `first_response_at` dentro de las horas de su prioridad ÷ casos "
                  "abiertos en el periodo ya respondidos o cuyo plazo venció"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.opened_at",
        seeds=("000",), choices=_SLA_CHOICES, parts=(_sla_part("first_response_at", "_sla_first_response"),),
        result=ratio("within", "due", extras={"pending": lambda a: a.pending.cast("float64")})),
    Kpi(key="resolution_sla_rate", name=T("Resoluciones dentro del SLA"),
        description=T("Qué parte de los casos se resuelve en el plazo fijado para su prioridad."),
        formula=T("casos abiertos en el periodo con `resolved_at` dentro de las horas de su prioridad ÷ casos "
                  "abiertos en el periodo ya resueltos o cuyo plazo venció"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.opened_at",
        seeds=("000", "001"), choices=_SLA_CHOICES, parts=(_sla_part("resolved_at", "_sla_resolution"),),
        result=ratio("within", "due", extras={"pending": lambda a: a.pending.cast("float64")})),
    Kpi(key="automation_level", name=T("Nivel de automatización"),
        description=T("Qué parte del trabajo hace el CRM solo."),
        formula=T("actividades y respuestas a casos del periodo marcadas `automated` ÷ todas ellas"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=("owner", "team"),
        time="activities.occurred_at", seeds=("000",),
        choices=T("Respuesta a un caso = su primera respuesta (`first_response_at`, `first_response_automated`)."),
        parts=(Part("activities", "activity", Event("occurred_at"), measures={"automated": lambda j: flag(j.automated), "all": one}),
               Part("tickets", "ticket", Event("first_response_at"),
                    measures={"automated": lambda j: flag(j.first_response_automated), "all": one})),
        result=ratio("automated", "all")),
)
