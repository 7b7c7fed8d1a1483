"""'Why it changed' on the KPI detail page: the change against the previous period split by one
dimension (pulso.engine.changes), as a sentence, a waterfall and a ranked table, and in the JSON
twin as `why`. Queries go through the request's Kpis (its scope, its cache)."""

from __future__ import annotations

from typing import Any

from pulso import formatting as f
from pulso.engine import changes, elapsed
from pulso.engine.money import MissingRatesError
from pulso.errors import ScopeError
from pulso.i18n import N_
from pulso.web import waterfall
from pulso.web.pages import DIMENSION_LABELS, cell, chart, table

TITLE = N_("Por qué cambió · {dimension}")
BEFORE, NOW = N_("Antes"), N_("Ahora")
RATE, MIX = N_("Efecto tasa"), N_("Efecto mezcla")
CONTRIBUTION = N_("Aporte")
NOTHING = N_("Sin cambio que explicar: falta la cifra de uno de los dos periodos.")
COMPARED = N_("{current} frente a {previous}")


def section(ctx: Any, key: str, dimension: str | None) -> dict[str, Any] | None:
    """{dimension, text, compared_text, breakdown, sections} for the page, or None when the KPI
    does not split (not additive, no dimension, out of scope)."""
    k = ctx.kpis
    meta = k.meta(key)
    if not dimension or changes.method(meta) is None:
        return None
    cmp = k.comparison(ctx.period)
    applicable = k.applicable(key, ctx.filters)
    try:
        bd = changes.with_query(meta, dimension, cmp, lambda a, b: k.query(key, a, b, None, (dimension,), applicable))
    except (ScopeError, MissingRatesError):
        return None
    label = ctx._(DIMENSION_LABELS.get(dimension, dimension))
    title = ctx._(TITLE).format(dimension=label)
    compared = elapsed.words(cmp, ctx.lang) or ctx._(COMPARED).format(
        current=elapsed.span_text(cmp.current, ctx.lang, year=True), previous=elapsed.span_text(cmp.previous, ctx.lang, year=True))
    out: dict[str, Any] = {"dimension": dimension, "compared_text": compared, "text": "", "breakdown": None,
                           "sections": []}
    if bd is None or bd.change is None:
        out["sections"] = [{"type": "note", "title": title, "text": ctx._(NOTHING)}]
        return out
    name_of = lambda c: changes.member_label(c, dimension, ctx.lang, ctx.label)  # noqa: E731
    delta = lambda x: changes.delta(x, meta.unit, ctx.lang, ctx.currency)  # noqa: E731
    text = changes.words(bd, name=k.name(key), unit=meta.unit, lang=ctx.lang, currency=ctx.currency, label=ctx.label)
    data = bd.as_dict()
    for c, d in zip(bd.contributions, data["contributions"]):
        d.update(label=name_of(c), contribution_text=delta(c.contribution))
    out.update(text=text, breakdown=data)
    bars = waterfall.steps(bd.previous, [(name_of(c), c.contribution, delta(c.contribution)) for c in bd.contributions], bd.value,
                           before=(ctx._(BEFORE), k.fmt(key, bd.previous)), after=(ctx._(NOW), k.fmt(key, bd.value)),
                           direction=meta.direction)
    out["sections"] = [
        {"type": "note", "title": title, "text": f"{text} ({compared})"},
        chart(title, waterfall.spec(bars, unit=meta.unit, value_title=k.name(key))),
        _table(ctx, key, bd, label, name_of, delta),
    ]
    return out


def _table(ctx: Any, key: str, bd: changes.Breakdown, label: str, name_of, delta) -> dict[str, Any]:
    """One row per contributor, ranked: before, now (and n, rate and mix effects), contribution."""
    k, mixed = ctx.kpis, bd.method == "mix"
    judge = lambda x: f.judge(x, 0.0, k.meta(key).direction) if abs(x) > changes.EPSILON else ""  # noqa: E731
    columns = [(label, False), (ctx._(BEFORE), True), (ctx._(NOW), True)]
    if mixed:
        columns += [(f"n {ctx._(BEFORE).lower()}", True), (f"n {ctx._(NOW).lower()}", True), (ctx._(RATE), True), (ctx._(MIX), True)]
    columns.append((ctx._(CONTRIBUTION), True))
    rows = []
    for c in bd.contributions:
        row = [cell(name_of(c)), cell(k.fmt(key, c.previous), sort=c.previous), cell(k.fmt(key, c.value), sort=c.value)]
        if mixed:
            row += [cell(f.fmt_number(c.n_previous or 0, ctx.lang, 0), sort=c.n_previous),
                    cell(f.fmt_number(c.n or 0, ctx.lang, 0), sort=c.n),
                    cell(delta(c.rate_effect), sort=c.rate_effect), cell(delta(c.mix_effect), sort=c.mix_effect)]
        row.append(cell(delta(c.contribution), sort=c.contribution, judge=judge(c.contribution)))
        rows.append(row)
    return table("", columns, rows)
