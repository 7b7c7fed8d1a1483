"""The demo's calendar: 24 months ending at `as_of`, seasonality, and local → UTC timestamps.

Every time is generated as int64 seconds of *local wall-clock time* in the workspace's time zone
(so "a Monday at 10:00" and "the churn-spike month" mean what a Madrid business means by them),
and converted to UTC only when a batch becomes Arrow. `NAT` marks a missing time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY = 86_400
HOUR = 3_600
NAT = np.iinfo(np.int64).min
MONTHS = 24
TIMEZONE = "Europe/Madrid"

# Relative demand by calendar month (January first): slow August and Christmas, busy spring/autumn.
SEASON = np.array([0.95, 1.0, 1.1, 1.05, 1.1, 1.0, 0.85, 0.6, 1.05, 1.15, 1.1, 0.75])
WEEKDAY = np.array([1.0, 1.05, 1.05, 1.0, 0.9, 0.2, 0.12])  # Monday first
# Working-hours profile, hour 0..23 (Spanish office hours with a lunch dip).
HOURS = np.array([0.1, 0.05, 0.03, 0.03, 0.05, 0.1, 0.3, 0.8, 2.0, 3.2, 3.5, 3.4,
                  3.0, 2.2, 1.6, 2.4, 2.8, 2.6, 2.0, 1.3, 0.9, 0.6, 0.4, 0.2])
GROWTH = 0.3  # yearly growth of demand over the window

MONTH_ABBR = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


@dataclass(frozen=True)
class Window:
    """The 24 calendar months ending with the month of `as_of` (data stops at the end of as_of)."""

    as_of: dt.date
    first_month: np.datetime64 = field(init=False)
    month_days: np.ndarray = field(init=False)  # 25 month starts, days since 1970-01-01

    def __post_init__(self) -> None:
        last = np.datetime64(self.as_of, "M")
        first = last - (MONTHS - 1)
        object.__setattr__(self, "first_month", first)
        starts = np.arange(first, last + 2, dtype="datetime64[M]").astype("datetime64[D]")
        object.__setattr__(self, "month_days", starts.astype(np.int64))

    @property
    def start(self) -> int:
        """First second of the window (local)."""
        return int(self.month_days[0]) * DAY

    @property
    def end(self) -> int:
        """First second after `as_of` (local): nothing happens at or after it."""
        return (int(np.datetime64(self.as_of, "D").astype(np.int64)) + 1) * DAY

    @property
    def start_day(self) -> int:
        return int(self.month_days[0])

    @property
    def end_day(self) -> int:
        return self.end // DAY

    def month_start(self, i: int) -> int:
        """First second (local) of window month `i` (0 = oldest, 23 = the month of as_of)."""
        return int(self.month_days[i]) * DAY

    def month_label(self, i: int) -> str:
        """'YYYY-MM' of window month `i`."""
        return str(self.first_month + i)

    def month_name(self, i: int) -> str:
        """'abr 2025' for window month `i`, for campaign names."""
        month = self.first_month + i
        return f"{MONTH_ABBR[int(month.astype(np.int64)) % 12]} {str(month)[:4]}"

    def month_of(self, t: np.ndarray) -> np.ndarray:
        """Window month index of local times (−1 before the window, 24 after)."""
        return np.searchsorted(self.month_days * DAY, t, side="right") - 1

    def day_weights(self) -> np.ndarray:
        """Relative demand of every day of the window: season × weekday × growth."""
        days = np.arange(self.start_day, self.end_day)
        month_of_year = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
        years = (days - days[0]) / 365.25
        return SEASON[month_of_year] * WEEKDAY[(days + 3) % 7] * (1 + GROWTH * years)

    def sample_days(self, rng: np.random.Generator, n: int, weights: np.ndarray | None = None) -> np.ndarray:
        """`n` days (days since epoch) drawn by `weights` over the window's days."""
        w = self.day_weights() if weights is None else weights
        cdf = np.cumsum(w)
        idx = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
        return self.start_day + np.minimum(idx, len(w) - 1)


def time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, shaped like an office's working day."""
    cdf = np.cumsum(HOURS)
    hour = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    return hour * HOUR + rng.integers(0, HOUR, n)


def at_work(rng: np.random.Generator, t: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Move times to a working hour of the same day (or the next working day), kept in [lo, hi]."""
    moved = office(rng, (t // DAY) * DAY + time_of_day(rng, len(t)))
    return np.clip(moved, lo, hi)


OPENS, CLOSES = 8 * HOUR + 30 * 60, 19 * HOUR


def office(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Each time, or the next office opening (Monday–Friday 8:30–19:00, plus a little) after it.

    What a person does (a first call, qualifying a lead, closing a deal) waits for the office to
    open: a lead that arrives on Saturday night is called on Monday morning.
    """
    day, sec = t // DAY, t % DAY
    weekday = (day + 3) % 7
    inside = (weekday < 5) & (sec >= OPENS) & (sec < CLOSES)
    target = np.where((weekday < 5) & (sec < OPENS), day, day + 1)
    target_weekday = (target + 3) % 7
    target = target + np.where(target_weekday >= 5, 7 - target_weekday, 0)
    opening = target * DAY + OPENS + rng.integers(0, 2 * HOUR, len(t))
    return np.where(inside | (t == NAT), t, opening)


def lognormal(rng: np.random.Generator, median: float | np.ndarray, sigma: float, n: int) -> np.ndarray:
    """Durations with the given median (same unit) and log-spread."""
    return median * np.exp(sigma * rng.standard_normal(n))


def between(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniform time in [lo, hi) for each pair."""
    return lo + (rng.random(len(lo)) * (hi - lo)).astype(np.int64)


def cap(t: np.ndarray, end: int) -> np.ndarray:
    """Times at or after `end` have not happened yet: NAT."""
    return np.where(t < end, t, NAT)


def utc(t: np.ndarray) -> pa.Array:
    """Local wall-clock seconds → tz-aware UTC Arrow timestamps (NAT → null)."""
    missing = t == NAT
    micros = np.where(missing, 0, t) * 1_000_000
    naive = pa.array(micros, type=pa.timestamp("us"), mask=missing if missing.any() else None)
    local = pc.assume_timezone(naive, timezone=TIMEZONE, ambiguous="earliest", nonexistent="earliest")
    return local.cast(pa.timestamp("us", tz="UTC"))


def dates(days: np.ndarray) -> pa.Array:
    """Days since epoch → Arrow dates."""
    return pa.array(days.astype(np.int32), type=pa.date32())
