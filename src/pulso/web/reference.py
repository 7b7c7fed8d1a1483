"""The reference periods of incremental revenue: said in words on its KPI detail page, and chosen
there by an admin with date pickers (issue 16 item 5).

Incremental revenue compares what was sold while campaigns ran with the revenue per day of its
reference periods (pulso.engine reads them from the workspace setting BASELINE_SETTING as
'AAAA-MM-DD/AAAA-MM-DD, ...', ends exclusive; without one, the 365 days before the period with no
campaign running). The form shows each chosen period as two dates, first and last day (both
included), with a 'quitar' box, and one empty row to add a period. A save is checked (both dates,
a period ends on or after its first day, no two periods overlap), stored through the store's
settings door (pulso.store.settings.save: one transaction, data version bumped, so the figure
changes at the next request) and audited; a period that includes days when a campaign ran is
stored but warned about (its campaign sales count as the usual revenue). Nothing here says the
setting's name: readers see dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from pulso import audit
from pulso import formatting as f
from pulso.engine import BASELINE_SETTING, parse_ranges
from pulso.engine import periods as P
from pulso.errors import ConfigError, KpiError
from pulso.i18n import N_
from pulso.store import settings as ws_settings

KPI = "incremental_revenue"
DAY = dt.timedelta(days=1)
MISSING = N_("Periodo {n}: faltan la fecha de inicio o la de fin.")
NOT_A_DATE = N_("Periodo {n}: «{value}» no es una fecha.")
BACKWARDS = N_("Periodo {n}: termina ({last}) antes de empezar ({first}).")
OVERLAP = N_("Los periodos {a} y {b} se solapan: elija días distintos.")
WITH_CAMPAIGN = N_("El periodo {first} – {last} incluye días en que corría la campaña «{campaign}»: sus ventas "
                   "contarán como lo habitual y el ingreso incremental saldrá más bajo.")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def check(starts: Sequence[str], ends: Sequence[str], removed: Sequence[str] = ()) -> tuple[
        list[tuple[dt.date, dt.date]], list[tuple[str, dict[str, Any]]]]:
    """The form's rows as ranges [first, last + 1 day), sorted, and the problems found (msgid and
    values; none when the ranges may be stored). Row n (from 1) is skipped when its index is in
    `removed` or both its dates are empty."""
    ranges: list[tuple[int, dt.date, dt.date]] = []
    problems: list[tuple[str, dict[str, Any]]] = []
    drop = {str(r) for r in removed}
    for i in range(max(len(starts), len(ends))):
        a = (starts[i] if i < len(starts) else "").strip()
        b = (ends[i] if i < len(ends) else "").strip()
        n = i + 1
        if str(i) in drop or (not a and not b):
            continue
        if not a or not b:
            problems.append((MISSING, {"n": n}))
            continue
        first, last = _date(a), _date(b)
        bad = [v for v, d in ((a, first), (b, last)) if d is None]
        if bad:
            problems.append((NOT_A_DATE, {"n": n, "value": bad[0]}))
            continue
        if last < first:
            problems.append((BACKWARDS, {"n": n, "first": first, "last": last}))
            continue
        ranges.append((n, first, last + DAY))
    ranges.sort(key=lambda r: r[1])
    for (n1, _, end1), (n2, start2, _) in zip(ranges, ranges[1:]):
        if start2 < end1:
            problems.append((OVERLAP, {"a": min(n1, n2), "b": max(n1, n2)}))
    return [(a, b) for _, a, b in ranges], problems


def as_setting(ranges: Sequence[tuple[dt.date, dt.date]]) -> str:
    """The setting's text ('' for none: the default reference)."""
    return ", ".join(f"{a.isoformat()}/{b.isoformat()}" for a, b in ranges)


def chosen(settings: dict[str, str]) -> list[tuple[dt.date, dt.date]]:
    """The stored reference periods (ends exclusive); [] when none are chosen or unreadable."""
    text = (settings.get(BASELINE_SETTING) or "").strip()
    try:
        return parse_ranges(text) if text else []
    except KpiError:
        return []


def campaign_overlaps(campaigns: Sequence[dict], ranges: Sequence[tuple[dt.date, dt.date]], tz,
                      now: dt.datetime) -> list[tuple[dt.date, dt.date, str]]:
    """(first, last, campaign name) for each chosen period that includes time when a campaign ran
    (a campaign without an end runs until now)."""
    out = []
    for a, b in ranges:
        lo, hi = P.instant(a, tz), P.instant(b, tz)
        for c in sorted(campaigns, key=lambda c: str(c.get("name") or c.get("id"))):
            start, end = _aware(c["started_at"]), _aware(c.get("ended_at")) or now
            if start < hi and end > lo:
                out.append((a, b - DAY, str(c.get("name") or c.get("id"))))
    return out


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def _span(ctx, a: dt.date, b: dt.date) -> str:
    return f"{f.fmt_date(a, ctx.lang)} – {f.fmt_date(b - DAY, ctx.lang)}"


def reference_words(ctx, start: dt.date) -> str:
    """Which days incremental revenue compares with for a period starting on `start`, in words."""
    engine = ctx.services.engine
    ranges, default = ctx.services.run(lambda: engine.reference_periods(start))
    if default:
        return ctx._("Periodos de referencia: los 365 días anteriores al periodo ({first} – {last}) en que no "
                     "corría ninguna campaña (no se han elegido periodos de referencia). "
                     "Sin ningún día así, el valor queda vacío.").format(
            first=f.fmt_date(ranges[0][0], ctx.lang), last=f.fmt_date(ranges[-1][1] - DAY, ctx.lang))
    spans = ", ".join(_span(ctx, a, b) for a, b in ranges)
    return ctx._("Periodos de referencia elegidos: {periods}.").format(periods=spans)


def _say(ctx, problem: tuple[str, dict[str, Any]]) -> str:
    text, values = problem
    shown = {k: f.fmt_date(v, ctx.lang) if isinstance(v, dt.date) else v for k, v in values.items()}
    return ctx._(text).format(**shown)


def part(ctx, start: dt.date) -> dict[str, Any]:
    """The page's reference block: `text` in words, the chosen `periods`, `warnings` (periods with
    campaign days), whether the reader may `edit` them, and a refused form's `errors` and rows
    (request.state.reference_refused, set by the save route)."""
    from pulso.web import nav

    store = ctx.services.store
    ranges = chosen(ctx.services.workspace())
    campaigns = ctx.services.run(lambda: store.rows("campaigns")) if ranges else []
    now = dt.datetime.now(dt.timezone.utc)
    refused = getattr(ctx.request.state, "reference_refused", None)
    rows = refused["rows"] if refused else [(a.isoformat(), (b - DAY).isoformat()) for a, b in ranges]
    return {
        "text": reference_words(ctx, start),
        "periods": [{"first": a, "last": b - DAY} for a, b in ranges],
        "warnings": [ctx._(WITH_CAMPAIGN).format(first=f.fmt_date(a, ctx.lang), last=f.fmt_date(b, ctx.lang),
                                                 campaign=name)
                     for a, b, name in campaign_overlaps(campaigns, ranges, ZoneInfo(ctx.timezone), now)],
        "edit": nav.allowed("settings", ctx.user.role),
        "rows": [{"first": a, "last": b} for a, b in rows] + [{"first": "", "last": ""}],
        "errors": refused["errors"] if refused else [],
        "action": ctx.url(f"/kpi/{KPI}/reference"),
    }


def save(ctx, starts: Sequence[str], ends: Sequence[str], removed: Sequence[str], csrf_token: str) -> bool:
    """Check and store the chosen periods (True), or leave the refusal on the request (False)."""
    from pulso.web.deps import csrf_binding

    ctx.require("settings")
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)
    ranges, problems = check(starts, ends, removed)
    if not problems:
        text = as_setting(ranges)
        try:
            ctx.services.run(ws_settings.save, ctx.services.store, {BASELINE_SETTING: text})
        except ConfigError:
            problems = [(N_("Revisa los valores: no se ha guardado nada."), {})]
        else:
            ip = ctx.request.client.host if ctx.request.client else None
            ctx.services.run(lambda: audit.record(
                ctx.services.store, "settings.save", actor=audit.Actor("user", ctx.user.id),
                target=("workspace_settings", None), detail={"section": "reference", BASELINE_SETTING: text}, ip=ip))
            return True
    drop = {str(r) for r in removed}
    rows = [(starts[i] if i < len(starts) else "", ends[i] if i < len(ends) else "")
            for i in range(max(len(starts), len(ends)))]
    kept = [(a, b) for i, (a, b) in enumerate(rows) if str(i) not in drop and (a or b)]
    ctx.request.state.reference_refused = {"errors": [_say(ctx, p) for p in problems], "rows": kept}
    return False
