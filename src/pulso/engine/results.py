"""What a KPI query gives: its rows, one per main period and dimension value, each with the
values of its previous and year-ago periods, figures as Python floats.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from pulso.catalog import Kpi
from pulso.engine import periods as P


@dataclass
class QueryResult:
    """The rows of a KPI query, sorted by period_start then the `by` dimensions."""

    kpi: Kpi
    rows: list[dict[str, Any]]
    by: tuple[str, ...] = ()
    grain: str | None = None
    columns: list[str] = field(default_factory=list)

    @property
    def frame(self):
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns or None)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def assemble(kpi: Kpi, plan: P.Plan, by: tuple[str, ...], grain: str | None, found: Any) -> QueryResult:
    """Rows for the main periods, each with its previous and year-ago values.

    `found` is what the query gave (an Arrow table, or row dicts). Every dimension value seen in
    a main period gets a row in every main period; rows come in period order (the plan's main
    periods ascend), then by dimension values, nulls last."""
    figures = ("value", "numerator", "denominator", *kpi.extras)
    cols = _columns(found, ("_pid", *by), figures)
    for name in _in_cents(kpi):  # sums of money are whole cents: no 2.3e-10 left by a running sum
        cols[name] = [None if v is None else round(v, 2) + 0.0 for v in cols[name]]
    pids = cols["_pid"]
    keys_of = list(zip(*(cols[d] for d in by))) if by else [()] * len(pids)
    at = {(pid, dims): k for k, (pid, dims) in enumerate(zip(pids, keys_of))}
    n_main = len(plan.main)
    seen = {dims for pid, dims in zip(pids, keys_of) if pid < n_main}
    combos = sorted(seen, key=lambda dims: tuple([(v is None, v or "") for v in dims])) if by else [()]
    cells = list(zip(*(cols[f] for f in figures)))
    values = cols["value"] + [None]  # values[-1]: no such row
    empty = (None,) * len(figures)
    keys = ("period_start", "period_end", *by, *figures, "previous", "year_ago")
    rows = []
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new dicts, no cycle among them: no collection passes meanwhile
    try:
        _fill(rows, plan, combos, at, cells, values, keys, empty)
    finally:
        if collecting:
            gc.enable()
    columns = ["period_start", "period_end", *by, "value", "numerator", "denominator", "previous", "year_ago",
               *kpi.extras]
    return QueryResult(kpi, rows, by, grain, columns)


def _in_cents(kpi: Kpi) -> tuple[str, ...]:
    """The figures of a KPI that are sums of money (rounded to cents when read): the numerator of
    a money total or mean, and a money total's value."""
    if kpi.unit != "currency":
        return ()
    kind = kpi.result.kind
    return ("value", "numerator") if kind == "total" else ("numerator",) if kind == "mean" else ()


def _fill(rows: list, plan: P.Plan, combos: list[tuple], at: dict, cells: list[tuple], values: list,
          keys: tuple[str, ...], empty: tuple) -> None:
    """Append one row per main period and dimension value (see assemble)."""
    for i, period in enumerate(plan.main):
        here = (period.start, period.end)
        before, ago = plan.previous[i], plan.year_ago[i]
        for dims in combos:
            k = at.get((i, dims))
            compared = (values[at.get((before, dims), -1)], values[at.get((ago, dims), -1)])
            rows.append(dict(zip(keys, here + dims + (empty if k is None else cells[k]) + compared)))


def _columns(found: Any, keys: Sequence[str], figures: Sequence[str]) -> dict[str, list]:
    """The key columns as they are and the figures as Python floats (never Decimal or NaN; a
    missing figure is all nulls), column by column from an Arrow table or from row dicts."""
    if isinstance(found, pa.Table):
        out = {name: found.column(name).to_pylist() for name in keys}
        for name in figures:
            if name not in found.column_names:
                out[name] = [None] * found.num_rows
                continue
            col = found.column(name)
            if col.type != pa.float64():
                col = pc.cast(col, pa.float64())
            out[name] = pc.if_else(pc.is_nan(col), pa.scalar(None, pa.float64()), col).to_pylist()
        return out
    rows = list(found)
    out = {name: [row[name] for row in rows] for name in keys}
    out.update({name: [plain(row.get(name)) for row in rows] for name in figures})
    return out


def plain(value: Any) -> Any:
    """Python floats, never Decimal or NaN."""
    if value is None:
        return None
    value = float(value)
    return None if value != value else value
