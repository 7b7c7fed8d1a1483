"""Customer perception: what customers say in NPS, CES and CSAT surveys.

A survey answer belongs to the owner of its account (or, with no account, of its ticket).
"""

from __future__ import annotations

import ibis

from pulso.catalog.model import Event, Kpi, Part, T, divide, mean, ratio
from pulso.catalog.sources import flag, one

AREA, CATEGORY = "retention", "customer_perception"
DIMS = ("owner", "team", "segment", "country")


def rescaled(j):
    """An answer on 0–100 from its own scale, 100 always meaning the best (easiest, most satisfied)."""
    low, high = j.scale_min.cast("float64"), j.scale_max.cast("float64")  # DuckDB stores REAL (32 bits)
    score = 100.0 * (j.score.cast("float64") - low) / (high - low).nullif(0)
    return ibis.ifelse(j.high_is_good, score, 100.0 - score)


def _satisfied(j):
    """Top two points of the scale (4–5 of 1–5); bottom two when a low answer is the good one."""
    return ibis.ifelse(j.high_is_good, j.score >= j.scale_max - 1, j.score <= j.scale_min + 1)


def _kind(kind):
    return lambda s: s.kind == kind


KPIS = (
    Kpi(key="nps", name=T("Net Promoter Score"),
        description=T("Promotores menos detractores: cuánto nos recomendarían."),
        formula=T("% promotores (9–10) − % detractores (0–6) entre las respuestas NPS (0–10) del periodo; los pasivos "
                  "(7–8) cuentan solo en el denominador; de −100 a 100"),
        unit="score", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="survey_responses.answered_at",
        seeds=("001", "002"),
        choices=T("Numerador = promotores − detractores (recuentos), denominador = respuestas, valor = 100 × numerador ÷ "
                  "denominador; extras `promoters` y `detractors`."),
        parts=(Part("survey_responses", "survey", Event("answered_at"), where=_kind("nps"), measures={
            "net": lambda j: flag(j.score >= 9) - flag(j.score <= 6), "answers": one,
            "promoters": lambda j: flag(j.score >= 9), "detractors": lambda j: flag(j.score <= 6)}),),
        result=ratio("net", "answers", scale=100.0, extras={
            "promoters": lambda a: a.promoters.cast("float64"), "detractors": lambda a: a.detractors.cast("float64")})),
    Kpi(key="ces", name=T("Puntuación de esfuerzo del cliente (CES)"),
        description=T("Lo fácil que le resulta al cliente tratar con nosotros (más alto = más fácil)."),
        formula=T("respuesta CES media del periodo, cada respuesta llevada a 0–100 desde su propia escala (1–7, 0–10 o 0–100)"),
        unit="score", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="survey_responses.answered_at",
        seeds=("001",),
        choices=T("100 × (respuesta − mínimo) ÷ (máximo − mínimo), y 100 menos eso cuando una respuesta alta significa "
                  "«difícil» (high_is_good falso). Media; la mediana va como extra `median`."),
        parts=(Part("survey_responses", "survey", Event("answered_at"), where=_kind("ces"),
                    measures={"points": lambda j: rescaled(j).fill_null(0.0), "answers": lambda j: flag(rescaled(j).notnull())},
                    values={"points_v": rescaled}),),
        result=mean("points", "answers", median="points_v")),
    Kpi(key="csat", name=T("Índice de satisfacción (CSAT)"),
        description=T("Qué parte de los clientes encuestados está satisfecha."),
        formula=T("respuestas satisfechas (los dos puntos más altos de la escala, p. ej. 4–5 de 1–5) ÷ respuestas CSAT del periodo"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS, time="survey_responses.answered_at",
        seeds=("000",),
        choices=T("Top-2-box: satisfecha si la respuesta ≥ máximo − 1. La media de las respuestas en 0–100 va como extra "
                  "`mean_score`."),
        parts=(Part("survey_responses", "survey", Event("answered_at"), where=_kind("csat"), measures={
            "satisfied": lambda j: flag(_satisfied(j)), "answers": one,
            "points": lambda j: rescaled(j).fill_null(0.0), "scored": lambda j: flag(rescaled(j).notnull())}),),
        result=ratio("satisfied", "answers", extras={"mean_score": lambda a: divide(a.points, a.scored)})),
)
