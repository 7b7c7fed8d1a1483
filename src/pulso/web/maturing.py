"""Maturing cohorts on screen: what a tile or a table row of a cohort rate (lead conversion,
lead→MQL, MQL→SQL, SQL→customer) says of how mature the period's cohort is
(pulso.engine.maturity holds the rule)."""

from __future__ import annotations

from typing import Any

from pulso import formatting as f
from pulso.engine.maturity import MATURING, Maturity, is_cohort_rate, maturity
from pulso.web.deps import PageContext


def words(ctx: PageContext, m: Maturity) -> str:
    """'en maduración (62 %)' for a maturing cohort, '' otherwise."""
    return ctx._(MATURING).format(share=f.fmt_percent(m.share, ctx.lang, 0)) if m.maturing else ""


def parts(ctx: PageContext, key: str) -> dict[str, Any]:
    """For a cohort rate: `maturity` (share, maturing, threshold) and `maturity_text`; a maturing
    cohort's change is not coloured (`judge` ''). Nothing for other KPIs."""
    if not is_cohort_rate(key):
        return {}
    store, period = ctx.services.store, ctx.period
    m = ctx.services.run(lambda: maturity(store, key, period.start, period.end, ctx.today, ctx.scope))
    out: dict[str, Any] = {"maturity": m.as_dict(), "maturity_text": words(ctx, m)}
    if m.maturing:
        out["judge"] = ""
    return out
