"""The arithmetic of a goal, free of any database: baseline, progress, pace, status, forecast, SMART.

Two kinds of goal:

- *level*: the KPI's value over the goal's window so far is compared with the target (close
  rate 25 %, response time 4 h, open pipeline 300 k). Progress is the share of the way from the
  baseline to the target: (value − baseline) ÷ (target − baseline).
- *cumulative*: a count or a sum that piles up over the window (revenue won this quarter, new
  customers this year). The target is the window's total; progress is total so far ÷ target.

Pace is the progress expected by today if it were made evenly from start to deadline. Status
compares the two: on track when progress is at least pace minus ON_TRACK_SLACK, at risk down to
AT_RISK_SLACK below pace, off track beyond.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import mean

from pulso.i18n import N_, translate

ON_TRACK_SLACK = 0.05  # progress may lag pace by 5 points and still be on track
AT_RISK_SLACK = 0.20  # up to 20 points behind: at risk; more: off track
STATUSES = ("on_track", "at_risk", "off_track", "achieved", "missed", "no_data", "no_deadline")

#: A status in words (Spanish msgids; English in the .po: docs/i18n.md).
STATUS_TEXT = {
    "on_track": N_("en camino"), "at_risk": N_("en riesgo"), "off_track": N_("desviado"),
    "achieved": N_("logrado"), "missed": N_("no alcanzado"), "no_data": N_("sin datos"), "no_deadline": N_("sin plazo"),
}


def status_text(status: str, lang: str) -> str:
    """A status in words (an unknown status as it is)."""
    return translate(STATUS_TEXT[status], lang) if status in STATUS_TEXT else status


@dataclass(frozen=True)
class Baseline:
    """Where a goal starts from, and how that was computed."""

    value: float | None
    periods: tuple[tuple[dt.date, float | None], ...]  # (period start, value) of the history used
    start: dt.date | None = None
    end: dt.date | None = None
    method: str = "mean"  # mean of the periods' values (level) or of their totals scaled (cumulative)

    def describe(self, lang: str = "es") -> str:
        """How the baseline was computed, in words."""
        if self.value is None:
            return translate(N_("sin historial en los periodos anteriores"), lang)
        used = [p for p in self.periods if p[1] is not None]
        text = (N_("media de {n} periodos ({start} a {end}, fin excluido), escalada a la duración del objetivo")
                if self.method == "scaled" else N_("media de {n} periodos ({start} a {end}, fin excluido)"))
        return translate(text, lang).format(n=len(used), start=self.start, end=self.end)


def baseline_of(periods: list[tuple[dt.date, float | None]], *, scale: float = 1.0) -> Baseline:
    """The mean of the periods' values (None ones skipped), times `scale` (window length in periods
    for a cumulative goal)."""
    values = [v for _, v in periods if v is not None]
    value = mean(values) * scale if values else None
    return Baseline(value, tuple(periods), method="scaled" if scale != 1.0 else "mean")


def progress(value: float | None, baseline: float | None, target: float, *, cumulative: bool,
             direction: str = "up") -> float | None:
    """Share of the way to the target (0 = baseline, 1 = target); may be negative or above 1."""
    if value is None:
        return None
    if cumulative:
        return value / target if target else (1.0 if value >= 0 else 0.0)
    if baseline is None:
        return None
    if target == baseline:  # no distance to cover: reached when not on the wrong side
        better = value >= target if direction != "down" else value <= target
        return 1.0 if better else 0.0
    return (value - baseline) / (target - baseline)


def pace(start: dt.date, deadline: dt.date | None, today: dt.date) -> float | None:
    """Progress expected by the end of `today` if made evenly over [start, deadline)."""
    if deadline is None:
        return None
    days = (deadline - start).days
    if days <= 0:
        return 1.0
    done = (today - start).days + 1
    return min(1.0, max(0.0, done / days))


def status_of(prog: float | None, expected: float | None, *, finished: bool) -> str:
    """on_track / at_risk / off_track (achieved or missed once the deadline has passed)."""
    if prog is None:
        return "no_data"
    if finished:
        return "achieved" if prog >= 1.0 - 1e-9 else "missed"
    if prog >= 1.0 - 1e-9:
        return "achieved"
    if expected is None:
        return "no_deadline"
    gap = prog - expected
    if gap >= -ON_TRACK_SLACK:
        return "on_track"
    if gap >= -AT_RISK_SLACK:
        return "at_risk"
    return "off_track"


def trend_forecast(points: list[tuple[float, float]], at: float) -> float | None:
    """Least-squares line through (x, y) points, read at x = `at` (None with fewer than 2 points)."""
    pts = [(x, y) for x, y in points if y is not None]
    if len(pts) < 2:
        return pts[0][1] if pts else None
    mx = mean(x for x, _ in pts)
    my = mean(y for _, y in pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if sxx == 0:
        return my
    slope = sum((x - mx) * (y - my) for x, y in pts) / sxx
    return my + slope * (at - mx)


def run_rate_forecast(so_far: float | None, expected: float | None) -> float | None:
    """A cumulative total at the deadline if it keeps growing as it has: so far ÷ elapsed share."""
    if so_far is None or not expected:
        return None
    return so_far / expected


@dataclass(frozen=True)
class Letter:
    """One letter of the SMART check."""

    letter: str
    ok: bool
    message: str


@dataclass
class SmartInput:
    """What the SMART check looks at."""

    kpi_name: str
    direction: str
    general_metric: bool
    has_objective: bool
    baseline: float | None
    target: float
    best_ever: float | None  # the best value reached in history (per period, or per window for cumulative)
    worst_ever: float | None
    start: dt.date
    deadline: dt.date | None
    history: list = field(default_factory=list)


def smart_check(g: SmartInput, lang: str = "es") -> list[Letter]:
    """S, M, A, R, T: for each letter whether the goal satisfies it, and what it lacks if not."""
    def said(letter: str, ok: bool, msgid: str, **values: object) -> Letter:
        return Letter(letter, ok, translate(msgid, lang).format(**values))

    out = []
    if g.general_metric and not g.has_objective:
        out.append(said("S", False, N_("«{kpi}» es una métrica general: vincula el objetivo a un objetivo "
                                       "estratégico (OKR) para que sea un KPI"), kpi=g.kpi_name))
    else:
        out.append(said("S", True, N_("un indicador, un alcance y una cifra concretos")))
    if g.baseline is None:
        out.append(said("M", False, N_("no hay historial para medir el punto de partida; importa datos anteriores")))
    else:
        out.append(said("M", True, N_("se mide con datos del CRM y tiene línea base")))
    up = g.direction != "down"
    best = g.best_ever
    if best is not None and ((up and g.target > best) or (not up and g.target < best)):
        out.append(said("A", False, N_("la meta está más allá de lo mejor alcanzado nunca ({best}); revisa si es "
                                       "alcanzable"), best=_num(best)))
    elif best is None:
        out.append(said("A", False, N_("sin historial no se puede saber si la meta es alcanzable")))
    else:
        out.append(said("A", True, N_("la meta ya se ha alcanzado alguna vez")))
    if g.direction == "none":
        out.append(said("R", True, N_("indicador sin sentido de mejora: la meta fija un nivel")))
    elif g.baseline is not None and ((up and g.target <= g.baseline) or (not up and g.target >= g.baseline)):
        out.append(said("R", False, N_("la meta no mejora la línea base ({baseline}): en este indicador más es mejor")
                        if up else N_("la meta no mejora la línea base ({baseline}): en este indicador menos es mejor"),
                        baseline=_num(g.baseline)))
    else:
        out.append(said("R", True, N_("la meta mejora la línea base en el sentido del indicador")))
    if g.deadline is None:
        out.append(said("T", False, N_("no tiene fecha límite")))
    else:
        out.append(said("T", True, N_("fecha límite {deadline}"), deadline=g.deadline))
    return out


def _num(value: float) -> str:
    return f"{value:.4g}"
