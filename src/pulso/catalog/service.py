"""Operational efficiency in service: how fast tickets are answered and solved, and how much is automated."""

from __future__ import annotations

from pulso.catalog.model import AtEnd, Event, Kpi, Part, T, composite, mean, ratio, total
from pulso.catalog.sources import flag, hours_between, one

AREA, CATEGORY = "operations", "business_performance"
DIMS = ("owner", "team", "channel", "priority", "segment", "country")


def _per_day(a):
    return {"value": a.resolved.cast("float64") / a._days, "numerator": a.resolved.cast("float64"),
            "denominator": a._days}


KPIS = (
    Kpi(key="first_response_time_hours", name=T("Tiempo de respuesta", "First response time"),
        description=T("Cuánto espera un cliente la primera respuesta.", "How long a customer waits for a first answer."),
        formula=T("horas medias (y mediana) desde `opened_at` hasta `first_response_at` de los casos abiertos en el "
                  "periodo; los casos aún sin respuesta van en una cifra aparte, `unanswered`, nunca se descartan",
                  "mean (and median) hours from ticket `opened_at` to `first_response_at`, tickets opened in the period; "
                  "tickets still unanswered count in a separate `unanswered` figure, never silently dropped"),
        unit="hours", direction="down", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.opened_at",
        seeds=("000",), choices=T("Media; la mediana va como extra `median`.", "Mean; the median is the extra `median`."),
        parts=(Part("tickets", "ticket", Event("opened_at"), measures={
            "hours": lambda j: hours_between(j.opened_at, j.first_response_at).fill_null(0.0),
            "answered": lambda j: flag(j.first_response_at.notnull()),
            "unanswered": lambda j: flag(j.first_response_at.isnull())},
            values={"hours_v": lambda j: hours_between(j.opened_at, j.first_response_at)}),),
        result=mean("hours", "answered", median="hours_v", extras={"unanswered": lambda a: a.unanswered.cast("float64")})),
    Kpi(key="resolution_time_hours", name=T("Tiempo de resolución", "Resolution time"),
        description=T("Cuánto tarda en resolverse un caso.", "How long a case takes to be solved."),
        formula=T("horas medias (y mediana) desde `opened_at` hasta `resolved_at` de los casos resueltos en el periodo",
                  "mean (and median) hours from `opened_at` to `resolved_at`, tickets resolved in the period"),
        unit="hours", direction="down", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.resolved_at",
        seeds=("000", "001"), choices=T("Media; la mediana va como extra `median`.", "Mean; the median is the extra `median`."),
        parts=(Part("tickets", "ticket", Event("resolved_at"),
                    measures={"hours": lambda j: hours_between(j.opened_at, j.resolved_at), "tickets": one},
                    values={"hours_v": lambda j: hours_between(j.opened_at, j.resolved_at)}),),
        result=mean("hours", "tickets", median="hours_v")),
    Kpi(key="tickets_resolved_per_day", name=T("Casos cerrados por día", "Cases closed per day"),
        description=T("El ritmo al que el equipo cierra casos.", "The pace at which the team closes cases."),
        formula=T("casos resueltos en el periodo ÷ días del periodo", "tickets resolved in the period ÷ days in the period"),
        unit="count/day", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.resolved_at",
        additive="numerator", seeds=("001",),
        choices=T("Días naturales del periodo en la zona horaria del espacio de trabajo (el denominador).",
                  "Calendar days of the period in the workspace time zone (the denominator)."),
        parts=(Part("tickets", "ticket", Event("resolved_at"), measures={"resolved": one}),),
        result=composite(_per_day, numerator=("resolved",), denominator=(), extras=())),
    Kpi(key="tickets_opened", name=T("Casos atendidos", "Cases handled"),
        description=T("Casos que entraron.", "Cases that came in."),
        formula=T("casos abiertos en el periodo", "tickets opened in the period"),
        unit="count", direction="none", category=CATEGORY, area=AREA, dimensions=DIMS, time="tickets.opened_at",
        seeds=("001",), parts=(Part("tickets", "ticket", Event("opened_at"), measures={"tickets": one}),),
        result=total("tickets")),
    Kpi(key="ticket_backlog", name=T("Casos pendientes", "Open cases"),
        description=T("Casos sin resolver al cierre del periodo.", "Cases not yet solved at the end of the period."),
        formula=T("casos abiertos al final del periodo", "tickets open at period end"),
        unit="count", direction="down", category=CATEGORY, area=AREA, dimensions=DIMS,
        time="tickets.opened_at/resolved_at", snapshot=True, seeds=("001",),
        choices=T("Abierto al final = abierto antes del final y sin `resolved_at` anterior al final.",
                  "Open at the end = opened before the end with no `resolved_at` before the end."),
        parts=(Part("tickets", "ticket", AtEnd("opened_at", "resolved_at"), measures={"tickets": one}),),
        result=total("tickets")),
    Kpi(key="automation_level", name=T("Nivel de automatización", "Automation level"),
        description=T("Qué parte del trabajo hace el CRM solo.", "How much of the work the CRM does by itself."),
        formula=T("actividades y respuestas a casos del periodo marcadas `automated` ÷ todas ellas",
                  "activities and ticket replies in the period flagged `automated` ÷ all of them"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=("owner", "team"),
        time="activities.occurred_at", seeds=("000",),
        choices=T("Respuesta a un caso = su primera respuesta (`first_response_at`, `first_response_automated`).",
                  "A ticket reply = its first response (`first_response_at`, `first_response_automated`)."),
        parts=(Part("activities", "activity", Event("occurred_at"), measures={"automated": lambda j: flag(j.automated), "all": one}),
               Part("tickets", "ticket", Event("first_response_at"),
                    measures={"automated": lambda j: flag(j.first_response_automated), "all": one})),
        result=ratio("automated", "all")),
)
