"""The period picker: month, quarter, year or custom dates, and the grain, read from the URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Mapping

from pulso.errors import PulsoError

KINDS = ("month", "quarter", "year", "custom")
GRAINS = ("day", "week", "month", "quarter", "year")
#: How many periods of the same kind a trend (sparkline, chart over time) shows.
TREND_LENGTH = {"month": 12, "quarter": 8, "year": 3}


class PeriodError(PulsoError):
    """The period in the URL is malformed."""


@dataclass(frozen=True)
class Period:
    """[start, end) in workspace-local dates, of a kind, with the grain charts use."""

    kind: str
    start: dt.date
    end: dt.date
    grain: str

    @property
    def last_day(self) -> dt.date:
        """The inclusive last day, as people read a period."""
        return self.end - dt.timedelta(days=1)

    def shifted(self, steps: int) -> "Period":
        """The period `steps` periods of the same kind later (earlier when negative)."""
        if self.kind == "custom":
            length = self.end - self.start
            return replace(self, start=self.start + steps * length, end=self.end + steps * length)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * steps
        return replace(self, start=_add_months(self.start, months), end=_add_months(self.end, months))

    def trend_start(self, grain: str | None = None) -> dt.date:
        """Start of the window a trend at `grain` covers: the last N periods ending with this one."""
        grain = grain or self.grain
        if self.kind == "custom":
            return self.start if grain in ("day", "week") else _add_months(_month_start(self.start), -11)
        if GRAINS.index(grain) < GRAINS.index(self.kind):
            return self.start  # a finer grain looks inside the period
        return self.shifted(-(TREND_LENGTH[self.kind] - 1)).start

    def params(self, **override: str) -> dict[str, str]:
        """The query-string parameters that name this period."""
        out = {"period": self.kind}
        if self.kind == "custom":
            out.update({"from": self.start.isoformat(), "to": self.last_day.isoformat()})
        else:
            out["at"] = self.start.isoformat()
        if self.grain != default_grain(self.kind):
            out["grain"] = self.grain
        out.update(override)
        return out

    def as_dict(self) -> dict[str, str]:
        """For JSON twins."""
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(), "grain": self.grain}


def default_grain(kind: str) -> str:
    """The grain a chart over time uses when the URL does not say."""
    return "month" if kind == "custom" else kind


def parse_period(params: Mapping[str, str], today: dt.date) -> Period:
    """The period a URL asks for; the current month when it asks for none."""
    kind = params.get("period") or "month"
    if kind not in KINDS:
        raise PeriodError(f"unknown period '{kind}'; use one of {', '.join(KINDS)}")
    grain = params.get("grain") or default_grain(kind)
    if grain not in GRAINS:
        raise PeriodError(f"unknown grain '{grain}'; use one of {', '.join(GRAINS)}")
    if kind == "custom":
        start = _date(params.get("from"), "from") if params.get("from") else _month_start(today)
        last = _date(params.get("to"), "to") if params.get("to") else today
        if last < start:
            raise PeriodError("the custom period ends before it starts; 'to' must be on or after 'from'")
        if (last - start).days > 366 * 5:
            raise PeriodError("a custom period may last five years at most")
        return Period(kind, start, last + dt.timedelta(days=1), grain)
    at = _date(params.get("at"), "at") if params.get("at") else today
    start = _month_start(at)
    if kind == "quarter":
        start = start.replace(month=3 * ((at.month - 1) // 3) + 1)
    elif kind == "year":
        start = start.replace(month=1)
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    return Period(kind, start, _add_months(start, months), grain)


def _date(value: str | None, name: str) -> dt.date:
    text = (value or "").strip()
    try:
        if len(text) == 7:  # YYYY-MM
            return dt.date.fromisoformat(text + "-01")
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"'{name}' must be a date YYYY-MM-DD, not '{value}'") from None


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1) if day.day == 1 else day + dt.timedelta(days=30 * months)
