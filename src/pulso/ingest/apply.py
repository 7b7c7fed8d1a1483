"""Apply one table of a mapping to batches of text rows: typed Arrow tables and row errors."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from pulso.ingest import values
from pulso.ingest.mapping import ColumnSpec, MappingError, TableSpec, slug
from pulso.store import schema

ROW = "_row"
KEY = "_key"


@dataclass
class Problem:
    """One bad cell: record number in its file (0-based), source column, value and reason."""

    row: int
    column: str
    value: str | None
    reason: str


@dataclass
class TableBuilder:
    """Accumulates the typed rows of one table from one file, batch by batch."""

    spec: TableSpec
    opts: values.ValueOptions
    nulls: list[str]
    chunks: list[pa.Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0

    def check_header(self, file: str, columns: list[str], *, lenient: bool = False) -> None:
        """Every source column the mapping reads must be in the file.

        A lenient mapping (a preset: exports differ in their optional columns) leaves out the
        columns whose source is absent, but never the id."""
        if lenient:
            present = set(columns)
            self.spec.columns = {t: c for t, c in self.spec.columns.items()
                                 if t == "id" or ({c.source} | set(c.when) | set(c.unless)) - {None} <= present}
        missing = sorted(self.spec.source_columns() - set(columns))
        if missing:
            raise MappingError(f"{file}: column(s) {', '.join(repr(m) for m in missing)} not found for table "
                               f"{self.spec.table}; the file has: {', '.join(columns)}")

    def add(self, batch: pa.Table, offset: int) -> None:
        """Type one batch (rows offset.. of the file)."""
        rows = pa.array(range(offset, offset + batch.num_rows), pa.int64())
        if self.spec.where:
            keep = _condition(batch, self.spec.where, self.nulls)
            batch, rows = batch.filter(keep), rows.filter(keep)
        cols: dict[str, pa.Array] = {ROW: rows}
        if self.spec.group_by:
            cols[KEY] = _clean(batch[self.spec.group_by].combine_chunks(), self.nulls)
        for target, col in self.spec.columns.items():
            cols[target] = self._column(batch, col, rows)
        for target, col in self.spec.columns.items():
            if col.at_most and col.at_most in cols:
                later = pc.fill_null(pc.greater(cols[target], cols[col.at_most]), False)
                cols[target] = pc.if_else(later, cols[col.at_most], cols[target])
        self.chunks.append(pa.table(cols))

    def _column(self, batch: pa.Table, col: ColumnSpec, rows: pa.Array) -> pa.Array:
        n = batch.num_rows
        if col.source:
            arr = _clean(batch[col.source].combine_chunks(), self.nulls)
        else:
            arr = pa.array([None if col.value is None else values_key(col.value)] * n, pa.string())
        if col.when:
            arr = pc.if_else(_condition(batch, col.when, self.nulls), arr, pa.scalar(None, pa.string()))
        if col.unless:
            arr = pc.if_else(_condition(batch, col.unless, self.nulls), pa.scalar(None, pa.string()), arr)
        if col.agg in ("any", "count"):
            return pc.is_valid(arr)
        return self._finish(arr, col, rows)

    def _finish(self, arr: pa.Array, col: ColumnSpec, rows: pa.Array) -> pa.Array:
        """map, transform, format, default, then the canonical type."""
        label = col.source or col.target
        if col.map is not None:
            arr = self._map(arr, col, rows)
        if col.transform or col.format:
            arr = _per_unique(arr, lambda v: _shape(v, col))
        if col.default is not None:
            arr = pc.fill_null(arr, values_key(col.default))
        column = schema.table(self.spec.table).c[col.target]
        opts = self.opts
        if col.date_order or col.decimal:
            opts = values.ValueOptions(opts.tz, col.date_order or opts.date_order, col.decimal or opts.decimal)
        typed, bad = values.convert(arr, column, opts)
        for i, value, reason in bad:
            self.problems.append(Problem(rows[i].as_py(), label, value, f"{col.target} {reason}"))
        return typed

    def _map(self, arr: pa.Array, col: ColumnSpec, rows: pa.Array) -> pa.Array:
        table = col.map or {}
        unknown: set[str] = set()

        def translate(v: str):
            if v in table:
                return table[v]
            if "*" in table:
                return table["*"]
            unknown.add(v)
            return None

        out = _per_unique(arr, lambda v: None if (r := translate(v)) is None else values_key(r))
        if unknown:
            known = ", ".join(k for k in table if k != "*")
            mask = pc.fill_null(pc.is_in(arr, value_set=pa.array(sorted(unknown), pa.string())), False)
            for i in pc.indices_nonzero(mask).to_pylist():
                self.problems.append(Problem(rows[i].as_py(), col.source or col.target, arr[i].as_py(),
                                             f"{col.target}: unknown value; the mapping knows: {known}"))
        return out

    def result(self) -> pa.Table:
        """Every typed row (grouped and de-duplicated as the mapping says), with its record number."""
        if not self.chunks:
            return pa.table({})
        table = pa.concat_tables(self.chunks)
        self.chunks = []
        if self.spec.group_by:
            table = self._aggregate(table)
        if self.spec.distinct and table.num_rows:
            first = table.group_by("id", use_threads=False).aggregate([(ROW, "min")])[f"{ROW}_min"]
            table = table.filter(pc.is_in(table[ROW], value_set=first))
        for target in self.spec.skip_when_empty:
            if target in table.column_names:
                keep = pc.is_valid(table[target])
                self.skipped += table.num_rows - pc.sum(pc.cast(keep, pa.int64())).as_py()
                table = table.filter(keep)
        if "external_id" not in table.column_names and "id" in table.column_names:
            table = table.append_column("external_id", table["id"])
        return table

    def _aggregate(self, table: pa.Table) -> pa.Table:
        table = table.filter(pc.is_valid(table[KEY]))
        aggs = [(ROW, "min")]
        for target, col in self.spec.columns.items():
            how = {"any": "any", "count": "sum", None: "first"}.get(col.agg, col.agg)
            data = pc.cast(table[target], pa.int64()) if col.agg == "count" else table[target]
            table = table.set_column(table.column_names.index(target), target, data)
            aggs.append((target, how))
        grouped = table.group_by(KEY, use_threads=False).aggregate(aggs).sort_by(f"{ROW}_min")
        out = {ROW: grouped[f"{ROW}_min"].combine_chunks()}
        rows = out[ROW]
        for target, col in self.spec.columns.items():
            how = {"any": "any", "count": "sum", None: "first"}.get(col.agg, col.agg)
            arr = grouped[f"{target}_{how}"].combine_chunks()
            if col.agg == "any":
                arr = self._finish(pc.if_else(arr, "true", "false"), col, rows)
            elif col.agg == "count":
                arr = self._finish(pc.cast(arr, pa.string()), col, rows)
            out[target] = arr
        return pa.table(out)


def values_key(value) -> str:
    """A YAML scalar as the text a cell would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _clean(arr: pa.Array, nulls: list[str]) -> pa.Array:
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.is_in(arr, value_set=pa.array(nulls, pa.string())), pa.scalar(None, pa.string()), arr)


def _condition(batch: pa.Table, conditions: dict[str, list[str]], nulls: list[str]) -> pa.Array:
    mask = None
    for column, wanted in conditions.items():
        arr = pc.utf8_trim_whitespace(batch[column].combine_chunks())
        hit = pc.fill_null(pc.is_in(arr, value_set=pa.array(wanted, pa.string())), False)
        mask = hit if mask is None else pc.and_(mask, hit)
    return mask


def _per_unique(arr: pa.Array, fn) -> pa.Array:
    uniques = pc.unique(arr)
    mapped = pa.array([None if v is None else fn(v) for v in uniques.to_pylist()], pa.string())
    return pc.take(mapped, pc.index_in(arr, value_set=uniques))


def _shape(value: str, col: ColumnSpec) -> str:
    t = col.transform
    if t == "slug":
        value = slug(value)
    elif t == "lower":
        value = value.lower()
    elif t == "upper":
        value = value.upper()
    elif t == "title":
        value = value.title()
    elif t == "digits":
        value = "".join(ch for ch in value if ch.isdigit())
    elif t == "strip":
        value = value.strip()
    return col.format.replace("{}", value) if col.format else value
