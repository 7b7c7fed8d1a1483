"""What a compiled KPI reads besides its declaration: the input tables and the query's windows.

`Context` carries the named input tables (the sources, the periods and their slots and local days,
the reference days, the SLA hours, the working calendar) a declaration compiles against; the
engine hands the real tables in by name when the query runs (see engine/run.py). The query's time
windows are named too (`getvariable()` on DuckDB), so the compiled SQL does not depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import ibis
import ibis.expr.datatypes as dt

from pulso.catalog.sources import epoch_us
from pulso.engine import workcal
from pulso.engine.workcal import SLA_SCHEMA, SLA_TABLE


@ibis.udf.scalar.builtin(name="getvariable")
def _variable(variable: str) -> dt.Timestamp(timezone="UTC"):
    """A named time window in compiled DuckDB SQL: the engine puts the instant in its place when
    the query runs (pulso_lo, pulso_hi, pulso_lo2, pulso_hi2)."""


def window(n: int) -> tuple[Any, Any]:
    """The n-th time window of the query's periods (named, so the compiled SQL is reusable).

    Window 1 covers the reported periods and the previous ones, window 2 the year-ago ones.
    """
    suffix = "" if n == 1 else str(n)
    return _variable(ibis.literal(f"pulso_lo{suffix}")), _variable(ibis.literal(f"pulso_hi{suffix}"))


def in_windows(ts: Any) -> Any:
    """Whether an instant falls in one of the query's time windows."""
    (lo, hi), (lo2, hi2) = window(1), window(2)
    return ((ts >= lo) & (ts < hi)) | ((ts >= lo2) & (ts < hi2))


def slot_of(ts: Any, ctx: "Context") -> Any:
    """The slot an instant falls in: an integer, the same for every instant of one slot."""
    return epoch_us(ts) // (ctx.slot * 1_000_000)


@ibis.udf.scalar.builtin(name="timezone")
def _wall_clock(zone: str, ts: dt.Timestamp(timezone="UTC")) -> dt.Timestamp():
    """An instant's local date and time in a time zone (DuckDB's timezone())."""


def local_day(ts: Any, zone: str) -> Any:
    """The local calendar day of an instant in `zone`, as days since 1970-01-01: the unit of the
    periods' _e_start and _e_end (every period is whole local days, whatever its grain)."""
    return _wall_clock(ibis.literal(zone), ts).date().epoch_days().cast("int64")


Values = Mapping[str, tuple[str | None, ...]]


@dataclass
class Context:
    """Everything a compiled KPI reads besides its declaration."""

    src: Mapping[str, Any]
    periods: Any
    now: Any = field(default_factory=lambda: ibis.now().cast("timestamp('UTC')"))
    baseline_factory: Callable[[], Any] | None = None
    baseline_excludes_campaigns: bool = True
    exact_median: bool = True
    dialect: str | None = None  # the SQL dialect the expression is for (None: portable)
    slots: Any = None  # the periods' slots: events are placed by an equi-join on their slot (DuckDB)
    slot: int = 3600
    used_slots: bool = False
    days: Any = None  # the periods' local days (_pid, _day): rollups are joined to it (DuckDB)
    _baseline: Any = None
    read_sla: bool = False  # whether the expression reads the SLA hours table (see `sla`)
    week: bool = False  # whether the workspace sets a working week (the SLA KPIs then count working hours)

    def within(self, t: Any, column: str) -> Any:
        """Rows of `t` whose `column` falls in the query's time windows (a pre-filter on DuckDB,
        where the windows are known constants; elsewhere the join to the periods does it)."""
        return t.filter(in_windows(t[column])) if self.slots is not None else t

    @property
    def baseline(self) -> Any:
        """Reference days (b_start, b_end) for incremental revenue, built only when a KPI reads them."""
        if self._baseline is None and self.baseline_factory is not None:
            self._baseline = self.baseline_factory()
        return self._baseline

    @property
    def sla(self) -> Any:
        """The workspace's SLA hours per ticket priority (SLA_SCHEMA), a table the engine hands
        in when the query runs, so the compiled SQL does not depend on the setting."""
        self.read_sla = True
        return ibis.table(SLA_SCHEMA, name=SLA_TABLE)

    def working_time(self, t: Any, columns: Sequence[str]) -> Any:
        """`t` with the working-time coordinate (seconds) of each instant column `c` as `_w_<c>`,
        read from the working calendar the engine hands in when `week` is set (engine/workcal.py):
        the working time between two instants is the difference of their coordinates."""
        return workcal.working_time(t, columns, workcal.placeholder())
