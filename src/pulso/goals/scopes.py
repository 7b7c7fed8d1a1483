"""Who a goal, rule or report is about (a pulso.access.Scope) and which period text means what.

A scope is written `company`, `team:ID` or `rep:ID`; a period `2026-10` (month), `2026-Q4`
(quarter), `2026-W05` (ISO week) or `2026` (year). Both are checked against the workspace before
anything is stored, and a caller may only name scopes inside their own.

Quarters and years are those of the workspace's fiscal year (`fiscal`, the month it starts;
`fiscal_of(store)`): a fiscal year is named by the calendar year it starts in, so with a year
starting in April `2026-Q1` is April–June 2026 and `2026` April 2026 – March 2027. With January,
as before, calendar quarters and years. What is stored keeps its dates (a quota's, an objective's),
never a text whose meaning would move with the setting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from pulso.access import Scope, shown
from pulso.engine import periods as P
from pulso.errors import GoalError, PulsoError  # noqa: F401  (GoalError is re-exported)
from pulso.i18n import N_, said
from pulso.store import schema
from pulso.store.scoping import team_lookup


KINDS = ("company", "team", "rep")
COMPANY = Scope.company()


def parse_scope(text: str | None) -> Scope:
    """'company', 'team:ID' or 'rep:ID' → Scope (not yet checked against the workspace)."""
    return Scope.parse(text)


def check_scope(store, target: Scope) -> Scope:
    """The scope, after checking that its team or rep exists."""
    if target.kind == "company":
        return target
    table = schema.teams if target.kind == "team" else schema.users
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(table.c.id).where(table.c.id == target.id)).first()
    if found is None:
        raise (said(GoalError, N_("ámbito {scope}: ningún equipo tiene el id '{id}'"), scope=target.text, id=target.id)
               if target.kind == "team" else
               said(GoalError, N_("ámbito {scope}: ningún usuario tiene el id '{id}'"), scope=target.text, id=target.id))
    return target


def within(store, target: Scope, caller: Scope) -> bool:
    """Whether `target` lies inside the caller's scope (a team holds its members: Scope.contains)."""
    def team_of(user_id: str) -> str | None:
        with store.engine.connect() as conn:
            return team_lookup(conn)(user_id)

    return caller.contains(target, team_of)


def require_within(store, target: Scope, caller: Scope | None) -> None:
    """GoalError unless the caller may act on `target` (None: the command line, which sees all).

    A team or rep outside the caller's scope looks absent: the message is the one an id nobody
    has gets, so that it does not tell which ids exist elsewhere."""
    if caller is None or within(store, target, caller):
        return
    if target.kind == "company":
        raise said(GoalError, N_("el ámbito company está fuera de lo que puede ver ({scope})"), scope=caller.text)
    raise unseen_scope_error(target)


def unseen_scope(target: Scope) -> str:
    """The one message for a team or rep that does not exist or lies outside the caller's scope."""
    return str(unseen_scope_error(target))


def unseen_scope_error(target: Scope) -> PulsoError:
    """`unseen_scope` as a GoalError whose message is a msgid (said in its reader's language)."""
    if target.kind == "team":
        return said(GoalError, N_("ámbito {scope}: ningún equipo que pueda ver tiene el id '{id}'"),
                    scope=target.text, id=target.id)
    return said(GoalError, N_("ámbito {scope}: ningún usuario que pueda ver tiene el id '{id}'"),
                scope=target.text, id=target.id)


def resolve_scope(store, scope: "str | Scope", caller: Scope | None) -> Scope:
    """The scope a caller names, checked: it exists and lies inside the caller's scope (one message
    for both when a caller is given; the command line, caller None, is told which)."""
    target = parse_scope(scope) if isinstance(scope, str) else scope
    require_within(store, target, caller)
    return check_scope(store, target) if caller is None else _exists(store, target)


def require_visible(store, target: Scope, caller: Scope | None, absent: "str | PulsoError") -> None:
    """GoalError(absent) unless the caller may act on a record of `target`: a goal, rule or alert
    outside the caller's scope gets the message of one that does not exist."""
    if caller is not None and not within(store, target, caller):
        raise absent if isinstance(absent, PulsoError) else GoalError(absent)


def _exists(store, target: Scope) -> Scope:
    try:
        return check_scope(store, target)
    except GoalError:
        raise unseen_scope_error(target) from None


def fiscal_of(store) -> int:
    """The month (1-12) the workspace's fiscal year starts (1 when unset)."""
    return P.fiscal_start(store.settings_dict())


@dataclass(frozen=True)
class Span:
    """A named period: [start, end) and its grain (quarters and years of the fiscal year starting
    in month `fiscal`)."""

    text: str
    start: dt.date
    end: dt.date
    grain: str
    fiscal: int = 1

    def previous(self) -> "Span":
        """The period of the same grain just before."""
        start = P.add(self.start, self.grain, -1)
        return Span(name_period(start, self.grain, self.fiscal), start, self.start, self.grain, self.fiscal)


def span_of(start: dt.date, grain: str, fiscal: int = 1) -> Span:
    """The period of `grain` that holds `start` (a quarter or year of the fiscal year), as a Span."""
    first = P.floor(start, grain, fiscal)
    return Span(name_period(first, grain, fiscal), first, P.add(first, grain, 1), grain, fiscal)


def aligned(start: dt.date, end: dt.date, grain: str, fiscal: int = 1) -> bool:
    """Whether [start, end) is exactly one period of `grain` (a fiscal quarter or year)."""
    return P.floor(start, grain, fiscal) == start and P.add(start, grain, 1) == end


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|W(\d{2})))?$")


def parse_period(text: str, fiscal: int = 1) -> Span:
    """'2026-10', '2026-Q4', '2026-W05' or '2026' → Span (a quarter or year of the fiscal year
    starting in month `fiscal`, named by the calendar year it starts in)."""
    raw = (text or "").strip().upper()
    found = _PERIOD.match(raw)
    if not found:
        raise said(GoalError, N_("el periodo '{period}' no es válido; escriba 2026-10 (mes), 2026-Q4 (trimestre), "
                                 "2026-W05 (semana) o 2026 (año)"), period=shown(text))
    year, month, quarter, week = found.groups()
    year = int(year)
    if year < 1900 or year > 2999:
        raise said(GoalError, N_("periodo '{period}': el año {year} está fuera de rango"), period=text, year=year)
    if month:
        if not 1 <= int(month) <= 12:
            raise said(GoalError, N_("periodo '{period}': no existe el mes {month}"), period=text, month=month)
        start, grain = dt.date(year, int(month), 1), "month"
    elif quarter:
        start, grain = P.add_months(dt.date(year, fiscal, 1), 3 * (int(quarter) - 1)), "quarter"
    elif week:
        try:
            start, grain = dt.date.fromisocalendar(year, int(week), 1), "week"
        except ValueError:
            raise said(GoalError, N_("periodo '{period}': {year} no tiene semana {week}"), period=text, year=year,
                       week=week) from None
    else:
        start, grain = dt.date(year, fiscal, 1), "year"
    return Span(name_period(start, grain, fiscal), start, P.add(start, grain, 1), grain, fiscal)


def name_period(start: dt.date, grain: str, fiscal: int = 1) -> str:
    """The text of the period of `grain` starting on `start` (a quarter or year of the fiscal year
    starting in month `fiscal`: `2026-Q1` is its first quarter, the year named by its first year)."""
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    if grain == "week":
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    first = start.year if start.month >= fiscal else start.year - 1  # the fiscal year's first year
    if grain == "quarter":
        return f"{first}-Q{(start.month - fiscal) % 12 // 3 + 1}"
    return str(first)


def parse_date(value, what: str) -> dt.date:
    """A date from YYYY-MM-DD, or a GoalError naming the field."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise said(GoalError, N_("{what}: '{value}' no es una fecha; use AAAA-MM-DD"), what=what, value=shown(value)) from None


def parse_number(value, what: str) -> float:
    """A finite number, or a GoalError naming the field (accepts '1.5', '1,5' and '20%')."""
    if isinstance(value, bool):
        raise said(GoalError, N_("{what}: '{value}' no es un número"), what=what, value=shown(value))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "")
        percent = text.endswith("%")
        text = text.rstrip("%").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise said(GoalError, N_("{what}: '{value}' no es un número"), what=what, value=shown(value)) from None
        if percent:
            number /= 100
    if number != number or number in (float("inf"), float("-inf")):
        raise said(GoalError, N_("{what}: '{value}' no es un número finito"), what=what, value=shown(value))
    return number
