"""The period picker: month, quarter, year or custom dates, and the grain, read from the URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Mapping

from pulso.engine.periods import GRAINS, add, floor
from pulso.errors import PulsoError
from pulso.i18n import N_
from pulso.web.i18n import translate

#: The periods a page shows: a calendar month, a quarter or year of the workspace's fiscal year
#: (the engine's grains of those names, so a period of a kind starts on the 1st of a month), or
#: custom dates. Charts cut them by GRAINS.
KINDS = ("month", "quarter", "year", "custom")
#: How many periods of the same kind a trend (sparkline, chart over time) shows.
TREND_LENGTH = {"month": 12, "quarter": 8, "year": 3}
#: The dates any page, download or API call may ask about, and the longest span (the API's
#: limits, shared by the web): far enough for any business, near enough that every shift of a
#: period (trends, previous period, year ago) stays a valid date.
FIRST_YEAR, LAST_YEAR = 1900, 2199
MAX_DAYS = 366 * 5
#: The deepest row a paged list reaches (the API's largest offset).
MAX_OFFSET = 1_000_000


class QueryError(PulsoError):
    """A URL parameter is malformed. The message is Spanish with {placeholders}, translated for
    the reader (`message`); str() is the English one (logs, the API)."""

    def __init__(self, text: str, field: str | None = None, **values: object):
        self.text, self.field, self.values = text, field, values
        super().__init__(self.message("en"))

    def message(self, lang: str, *, strict: bool = False) -> str:
        """The message in `lang`."""
        return translate(self.text, lang, strict=strict).format(**self.values)


class PeriodError(QueryError):
    """The period in the URL is malformed."""


def _shown(value: object) -> str:
    """A value as quoted in a message: short, one line."""
    text = str(value).replace("\x00", "").replace("\r", " ").replace("\n", " ")
    return text if len(text) <= 40 else text[:40] + "…"


def check_day(day: dt.date, name: str) -> dt.date:
    """`day` if it falls between FIRST_YEAR and LAST_YEAR, else PeriodError naming the parameter."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PeriodError(N_("'{name}' debe caer entre {first} y {last}"), name, name=name, first=FIRST_YEAR, last=LAST_YEAR)
    return day


def check_span(start: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) from an inclusive span `from`–`to` within the allowed years and length."""
    check_day(start, "from")
    check_day(last, "to")
    if last < start:
        raise PeriodError(N_("'to' es anterior a 'from': el periodo termina antes de empezar"), "to")
    if (last - start).days > MAX_DAYS:
        raise PeriodError(N_("El periodo dura más de {days} días (cinco años); acórtalo"), "to", days=MAX_DAYS)
    return start, last + dt.timedelta(days=1)


def page_number(value: str | int | None, size: int, name: str = "page") -> int:
    """A page number of a list of `size` rows a page, from 1 to the page holding MAX_OFFSET."""
    last = MAX_OFFSET // size + 1
    text = str(value if value is not None else 1).strip()
    number = int(text) if text.isascii() and text.isdecimal() and len(text) <= 9 else 0
    if not 1 <= number <= last:
        raise QueryError(N_("'{name}' debe ser un número entre 1 y {last}, no '{value}'"), name,
                         name=name, last=last, value=_shown(value))
    return number


@dataclass(frozen=True)
class Period:
    """[start, end) in workspace-local dates, of a kind, with the grain charts use."""

    kind: str
    start: dt.date
    end: dt.date
    grain: str
    fiscal: int = 1  #: the month the workspace's fiscal year starts (quarters and years follow it)

    @property
    def last_day(self) -> dt.date:
        """The inclusive last day, as people read a period."""
        return self.end - dt.timedelta(days=1)

    def shifted(self, steps: int) -> "Period":
        """The period `steps` periods of the same kind later (earlier when negative)."""
        if self.kind == "custom":
            length = self.end - self.start
            return replace(self, start=self.start + steps * length, end=self.end + steps * length)
        return replace(self, start=add(self.start, self.kind, steps), end=add(self.end, self.kind, steps))

    def trend_start(self, grain: str | None = None) -> dt.date:
        """Start of the window a trend at `grain` covers: the last N periods ending with this one
        (a custom period's charts cover that period only, never months before it)."""
        grain = grain or self.grain
        if self.kind == "custom":
            return self.start
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


def parse_period(params: Mapping[str, str], today: dt.date, fiscal: int = 1) -> Period:
    """The period a URL asks for; the current month when it asks for none. A quarter or a year
    is the fiscal one (its first month `fiscal`) holding `at`."""
    kind = params.get("period") or "month"
    if kind not in KINDS:
        raise PeriodError(N_("'{name}' no admite '{value}'; usa uno de: {choices}"), "period",
                          name="period", value=_shown(kind), choices=", ".join(KINDS))
    grain = params.get("grain") or default_grain(kind)
    if grain not in GRAINS:
        raise PeriodError(N_("'{name}' no admite '{value}'; usa uno de: {choices}"), "grain",
                          name="grain", value=_shown(grain), choices=", ".join(GRAINS))
    if kind == "custom":
        start = _date(params.get("from"), "from") if params.get("from") else floor(today, "month")
        last = _date(params.get("to"), "to") if params.get("to") else today
        start, end = check_span(start, last)
        return Period(kind, start, end, grain, fiscal)
    at = check_day(_date(params.get("at"), "at"), "at") if params.get("at") else today
    start = floor(at, kind, fiscal)
    return Period(kind, start, add(start, kind), grain, fiscal)


def _date(value: str | None, name: str) -> dt.date:
    text = (value or "").strip()
    try:
        if len(text) == 7:  # YYYY-MM
            return dt.date.fromisoformat(text + "-01")
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError(N_("'{name}' debe ser una fecha AAAA-MM-DD, no '{value}'"), name,
                          name=name, value=_shown(value)) from None
