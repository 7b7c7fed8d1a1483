"""The reference periods of incremental revenue, in words, for the KPI detail page."""

from __future__ import annotations

import datetime as dt

from pulso import formatting as f

KPI = "incremental_revenue"
DAY = dt.timedelta(days=1)


def reference_words(ctx, start: dt.date) -> str:
    """Which days incremental revenue compares with for a period starting on `start`: the
    workspace's `baseline_periods` setting, or by default the 365 days before, without campaigns."""
    engine = ctx.services.engine
    ranges, default = ctx.services.run(lambda: engine.reference_periods(start))
    if default:
        return ctx._("Periodos de referencia: los 365 días anteriores al periodo ({first} – {last}) en que no "
                     "corría ninguna campaña (el valor por omisión: el ajuste baseline_periods no está fijado). "
                     "Sin ningún día así, el valor queda vacío.").format(
            first=f.fmt_date(ranges[0][0], ctx.lang), last=f.fmt_date(ranges[-1][1] - DAY, ctx.lang))
    spans = ", ".join(f"{f.fmt_date(a, ctx.lang)} – {f.fmt_date(b - DAY, ctx.lang)}" for a, b in ranges)
    return ctx._("Periodos de referencia (ajuste baseline_periods): {periods}.").format(periods=spans)
