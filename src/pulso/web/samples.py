"""What a tile or a table cell says of its sample: n when small, the 95 % interval, and no colour
for a change within noise ("muestra pequeña"). The statistics are pulso.engine.intervals."""

from __future__ import annotations

from typing import Any, Mapping

from pulso import formatting as f
from pulso.engine import intervals
from pulso.i18n import N_

SMALL = N_("muestra pequeña")
NOISE = N_("dentro del margen de error")
N_TEXT = N_("n = {n}")
INTERVAL = N_("IC 95 %: {low} – {high}")


def parts(ctx: Any, meta: Any, row: Mapping[str, Any] | None, against: float | None) -> dict[str, Any]:
    """The sample keys of a tile or cell comparing the row's value with `against` (the previous
    value, or the scope's total): n, interval (raw and in words), small, noise, sample_text, and
    the judge (colour): none when the change lies within noise."""
    row = row or {}
    s = intervals.sample(meta, row, against)
    value = row.get("value")
    judge = "" if s["noise"] else f.judge(value, against, meta.direction)
    words = []
    if s["noise"] and value is not None and against is not None:
        words.append(ctx._(SMALL) if s["small"] else ctx._(NOISE))
    if s["small"]:
        words.append(ctx._(N_TEXT).format(n=f.fmt_number(s["n"], ctx.lang, 0)))
    ci = s["interval"]
    return {"n": s["n"], "interval": ci, "small": s["small"], "noise": s["noise"], "judge": judge,
            "sample_text": " · ".join(words),
            "interval_text": ctx._(INTERVAL).format(low=ctx.kpis.fmt(meta.key, ci[0]), high=ctx.kpis.fmt(meta.key, ci[1]))
            if ci else ""}
