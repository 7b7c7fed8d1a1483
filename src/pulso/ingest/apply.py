"""Apply one table of a mapping to batches of text rows: typed Arrow tables and row errors (the cell
transforms it runs are in transforms.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso.i18n import N_, saying
from pulso.ingest import values
from pulso.ingest.columns import Case, ColumnSpec, MappingError
from pulso.ingest.mapping import TableSpec, resolve_header
from pulso.ingest.resolve import changes_only
from pulso.ingest.transforms import clean, condition, per_unique, scaled, shape, values_key
from pulso.store import rules, schema

ROW = "_row"
KEY = "_key"


@dataclass
class Problem:
    """One bad cell: record number in its file (0-based), source column, value and reason."""

    row: int
    column: str
    value: str | None
    reason: str
    # The reason as `lead` + a Spanish msgid and its values (a reader's pulso.i18n.Saying), as RowError keeps it.
    lead: str = ""
    text: str | None = None
    values: dict | None = None


@dataclass
class TableBuilder:
    """Accumulates the typed rows of one table from one file, batch by batch."""

    spec: TableSpec
    opts: values.ValueOptions
    nulls: list[str]
    chunks: list[pa.Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    fallbacks: dict[tuple[str, str], int] = field(default_factory=dict)  # (target, later `from` column): rows
    defaulted: dict[str, list] = field(default_factory=dict)  # target: [absent source, default, rows]
    moved: dict[tuple[str, str], int] = field(default_factory=dict)  # (later, earlier field): dates moved
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)  # target: {value read by "*" or the default
    #                                                                      of a `map` column ("" = empty): rows}
    skips: dict[tuple[str, str], int] = field(default_factory=dict)  # ("empty" | "future", target): rows skipped
    dropped: dict[tuple[str, str], int] = field(default_factory=dict)  # `skip_when` (column, its value): rows
    _date_only: dict[str, pa.Array] = field(default_factory=dict, repr=False)  # this batch's date-only cells

    def check_header(self, file: str, columns: list[str], *, lenient: bool = False) -> None:
        """Every source column the mapping reads must be in the file.

        Names match the file's headers as `resolve_header` says (case, spacing and punctuation
        aside; the exact spelling first). A column with a `default` whose source is absent takes
        the default on every row (counted in `defaulted`). A lenient mapping (a preset: exports
        differ in their optional columns) leaves out the other columns whose source is absent,
        but never the id."""
        self.spec = _resolved(self.spec, columns, file)
        present = set(columns)
        for target, col in self.spec.columns.items():
            sources = [s for s in (col.source, *col.also) if s]
            if sources and not set(sources) & present and self._has_default(col):
                self.defaulted[target] = [col.source, values_key(col.default), 0]
                self.spec.columns[target] = replace(col, source=None, also=[], value=None)
        if lenient:
            present = set(columns)
            kept = {t: (_present(c, present) or c) if t == "id" else _present(c, present)  # an absent id stays, to be reported
                    for t, c in self.spec.columns.items()}
            self.spec.columns = {t: c for t, c in kept.items() if c is not None}
            self.spec.skip_when = {k: v for k, v in self.spec.skip_when.items() if k in present}
        missing = sorted(self.spec.source_columns() - set(columns))
        if missing:
            raise MappingError(f"{file}: column(s) {', '.join(repr(m) for m in missing)} not found for table "
                               f"{self.spec.table}; the file has: {', '.join(columns)}")

    def add(self, batch: pa.Table, offset: int) -> None:
        """Type one batch (rows offset.. of the file)."""
        rows = pa.array(range(offset, offset + batch.num_rows), pa.int64())
        if self.spec.skip_when:
            drop = condition(batch, self.spec.skip_when, self.nulls)
            column = next(iter(self.spec.skip_when))
            for item in pc.value_counts(pc.utf8_trim_whitespace(batch[column].combine_chunks()).filter(drop)).to_pylist():
                key = (column, item["values"])
                self.dropped[key] = self.dropped.get(key, 0) + item["counts"]
            batch, rows = batch.filter(pc.invert(drop)), rows.filter(pc.invert(drop))
        if self.spec.where:
            keep = condition(batch, self.spec.where, self.nulls)
            batch, rows = batch.filter(keep), rows.filter(keep)
        cols: dict[str, pa.Array] = {ROW: rows}
        if self.spec.group_by:
            cols[KEY] = clean(batch[self.spec.group_by].combine_chunks(), self.nulls)
        for target, col in self.spec.columns.items():
            cols[target] = self._column(batch, col, rows)
        for target, col in self.spec.columns.items():
            if col.at_most and col.at_most in cols:
                later = pc.fill_null(pc.greater(cols[target], cols[col.at_most]), False)
                cols[target] = pc.if_else(later, cols[col.at_most], cols[target])
        self._same_day(cols)
        self.chunks.append(pa.table(cols))

    def _same_day(self, cols: dict[str, pa.Array]) -> None:
        """The store's order rules (rules.order_pairs: converted_at not before created_at...) with
        one tolerance: a later field given as a date without time (Salesforce's ConvertedDate,
        CloseDate) on the same local day as the earlier timestamp is taken as that timestamp,
        and counted in `moved`. A date on an earlier day stays, for the store to refuse."""
        for first, then in rules.order_pairs(self.spec.table):
            if then not in self._date_only or first not in cols or not pa.types.is_timestamp(cols[first].type):
                continue
            early, late = cols[first], cols[then]
            before = pc.fill_null(pc.and_(self._date_only[then], pc.less(late, early)), False)
            tz = self.opts.tz
            fix = [i for i in pc.indices_nonzero(before).to_pylist()
                   if early[i].as_py().astimezone(tz).date() == late[i].as_py().astimezone(tz).date()]
            if fix:
                mask = pc.is_in(pa.array(range(len(late)), pa.int64()), value_set=pa.array(fix, pa.int64()))
                cols[then] = pc.if_else(mask, early, late)
                self.moved[(then, first)] = self.moved.get((then, first), 0) + len(fix)

    def _column(self, batch: pa.Table, col: ColumnSpec, rows: pa.Array) -> pa.Array:
        n = batch.num_rows
        if col.source:
            arr = self._first_of(batch, [col.source, *col.also], col.target)
        elif col.join:
            parts = [clean(batch[c].combine_chunks(), self.nulls) for c in col.join]
            arr = pc.binary_join_element_wise(*parts, "\x1f", null_handling="replace", null_replacement="")
            arr = pc.replace_substring_regex(pc.utf8_trim(arr, "\x1f"), "\x1f+", " ")  # empty parts left out
            arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
        elif col.target in self.defaulted:
            self.defaulted[col.target][2] += n
            arr = pa.nulls(n, pa.string())
        else:
            arr = pa.array([None if col.value is None else values_key(col.value)] * n, pa.string())
        if col.when:
            arr = pc.if_else(condition(batch, col.when, self.nulls), arr, pa.scalar(None, pa.string()))
        if col.unless:
            arr = pc.if_else(condition(batch, col.unless, self.nulls), pa.scalar(None, pa.string()), arr)
        if col.agg in ("any", "count"):
            return pc.is_valid(arr)
        cased = self._cases(batch, col.cases, col.target) if col.cases else None
        if cased is not None:
            arr = pc.if_else(cased[0], pa.scalar(None, pa.string()), arr)
        return self._finish(arr, col, rows, cased)

    def _first_of(self, batch: pa.Table, sources: list[str], target: str) -> pa.Array:
        """The first non-empty of these columns, counting the rows a later column filled."""
        arr = clean(batch[sources[0]].combine_chunks(), self.nulls)
        for other in sources[1:]:
            more = clean(batch[other].combine_chunks(), self.nulls)
            filled = pc.sum(pc.cast(pc.and_(pc.is_null(arr), pc.is_valid(more)), pa.int64())).as_py() or 0
            if filled:
                self.fallbacks[(target, other)] = self.fallbacks.get((target, other), 0) + filled
            arr = pc.coalesce(arr, more)
        return arr

    def _cases(self, batch: pa.Table, cases: list[Case], target: str) -> tuple[pa.Array, pa.Array]:
        """(rows some case decided, their values): the first case whose conditions hold wins."""
        n = batch.num_rows
        taken = pa.array([False] * n, pa.bool_())
        out = pa.nulls(n, pa.string())
        for case in cases:
            hit = pa.array([True] * n, pa.bool_())
            if case.when:
                hit = pc.and_(hit, condition(batch, case.when, self.nulls))
            if case.unless:
                hit = pc.and_(hit, pc.invert(condition(batch, case.unless, self.nulls)))
            hit = pc.and_(hit, pc.invert(taken))
            if case.sources:
                value = self._first_of(batch, case.sources, target)
            else:
                value = pa.array([None if case.value is None else values_key(case.value)] * n, pa.string())
            out = pc.if_else(hit, value, out)
            taken = pc.or_(taken, hit)
        return taken, out

    def _finish(self, arr: pa.Array, col: ColumnSpec, rows: pa.Array,
                cased: tuple[pa.Array, pa.Array] | None = None) -> pa.Array:
        """map, transform, format, the cases' values, default, scale, then the canonical type."""
        label = col.source or col.target
        if col.map is not None:
            arr = self._map(arr, col, rows)
        if col.transform or col.format:
            arr = per_unique(arr, lambda v: shape(v, col))
        if cased is not None:
            arr = pc.if_else(cased[0], cased[1], arr)
        if self._has_default(col):
            if col.map is not None and col.source and not (col.when or col.unless) and arr.null_count:
                found = self.unmapped.setdefault(col.target, {})
                found[""] = found.get("", 0) + arr.null_count
            arr = pc.fill_null(arr, values_key(col.default))
        column = schema.table(self.spec.table).c[col.target]
        opts = self.opts
        if col.date_order or col.decimal:
            opts = values.ValueOptions(opts.tz, col.date_order or opts.date_order, col.decimal or opts.decimal)
        if col.scale is not None:
            arr = scaled(arr, col.scale, opts.decimal or values._infer_decimal(arr),
                          whole=isinstance(column.type, sa.Integer))
        if isinstance(column.type, sa.DateTime):
            self._date_only[col.target] = pc.fill_null(pc.match_substring_regex(arr, values.DATE_ONLY), False)
        typed, bad = values.convert(arr, column, opts)
        for i, value, reason in bad:
            self.problems.append(Problem(rows[i].as_py(), label, value, f"{col.target} {reason}", f"{col.target} ",
                                         getattr(reason, "text", None), getattr(reason, "values", None)))
        return typed

    def _has_default(self, col: ColumnSpec) -> bool:
        """A default that is a value: `default: ""` (or another null value) means none."""
        return col.default is not None and values_key(col.default) not in self.nulls

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

        out = per_unique(arr, lambda v: None if (r := translate(v)) is None else values_key(r))
        others = [v for v in pc.unique(arr).drop_null().to_pylist() if v not in table] if "*" in table else []
        if others:
            found = self.unmapped.setdefault(col.target, {})
            for item in pc.value_counts(arr.filter(pc.is_in(arr, value_set=pa.array(others, pa.string())))).to_pylist():
                found[item["values"]] = found.get(item["values"], 0) + item["counts"]
        if unknown:
            known = ", ".join(k for k in table if k != "*")
            mask = pc.fill_null(pc.is_in(arr, value_set=pa.array(sorted(unknown), pa.string())), False)
            reason = saying(N_("valor desconocido; el mapeo conoce: {known}"), known=known)
            for i in pc.indices_nonzero(mask).to_pylist():
                self.problems.append(Problem(rows[i].as_py(), col.source or col.target, arr[i].as_py(),
                                             f"{col.target}: {reason}", f"{col.target}: ", reason.text, reason.values))
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
                gone = table.num_rows - pc.sum(pc.cast(keep, pa.int64())).as_py()
                self.skipped += gone
                self.skips[("empty", target)] = self.skips.get(("empty", target), 0) + gone
                table = table.filter(keep)
        for target in self.spec.skip_when_future:
            if target in table.column_names:
                now = pa.scalar(dt.datetime.now(dt.timezone.utc), pa.timestamp("us", tz="UTC"))
                keep = pc.invert(pc.fill_null(pc.greater(pc.cast(table[target], now.type), now), False))
                gone = table.num_rows - pc.sum(pc.cast(keep, pa.int64())).as_py()
                self.skipped += gone
                self.skips[("future", target)] = self.skips.get(("future", target), 0) + gone
                table = table.filter(keep)
        if self.spec.changes and table.num_rows:
            table = changes_only(table, self.spec.changes, tie=ROW)
        if "external_id" not in table.column_names and "id" in table.column_names:
            table = table.append_column("external_id", table["id"])
        return table

    def _aggregate(self, table: pa.Table) -> pa.Table:
        table = table.filter(pc.is_valid(table[KEY]))
        aggs = [(ROW, "min")]
        decimals: dict[str, pa.DataType] = {}
        for target, col in self.spec.columns.items():
            how = {"any": "any", "count": "sum", None: "first"}.get(col.agg, col.agg)
            data = pc.cast(table[target], pa.int64()) if col.agg == "count" else table[target]
            if how in ("first", "last") and pa.types.is_decimal(data.type):
                decimals[target] = data.type
                data = pc.cast(data, pa.string())  # Arrow has no first/last of decimals; the text is exact
            table = table.set_column(table.column_names.index(target), target, data)
            aggs.append((target, how))
        grouped = table.group_by(KEY, use_threads=False).aggregate(aggs).sort_by(f"{ROW}_min")
        out = {ROW: grouped[f"{ROW}_min"].combine_chunks()}
        rows = out[ROW]
        for target, col in self.spec.columns.items():
            how = {"any": "any", "count": "sum", None: "first"}.get(col.agg, col.agg)
            arr = grouped[f"{target}_{how}"].combine_chunks()
            if target in decimals:
                arr = pc.cast(arr, decimals[target])
            if col.agg == "any":
                arr = self._finish(pc.if_else(arr, "true", "false"), col, rows)
            elif col.agg == "count":
                arr = self._finish(pc.cast(arr, pa.string()), col, rows)
            out[target] = arr
        return pa.table(out)


def _resolved(spec: TableSpec, columns: list[str], file: str) -> TableSpec:
    """The table's source names spelt as the file's headers (names the file lacks stay as they are)."""
    def one(name: str | None) -> str | None:
        return None if name is None else resolve_header(name, columns, file) or name

    def many(names: list[str]) -> list[str]:
        return [one(n) for n in names]

    def cond(conditions: dict[str, list[str]]) -> dict[str, list[str]]:
        return {one(k): v for k, v in conditions.items()}

    cols = {t: replace(c, source=one(c.source), also=many(c.also), join=many(c.join), when=cond(c.when), unless=cond(c.unless),
                       cases=[replace(k, when=cond(k.when), unless=cond(k.unless), sources=many(k.sources))
                              for k in c.cases])
            for t, c in spec.columns.items()}
    return replace(spec, columns=cols, where=cond(spec.where), group_by=one(spec.group_by),
                   skip_when=cond(spec.skip_when))


def _present(col: ColumnSpec, present: set[str]) -> ColumnSpec | None:
    """A preset's column reduced to the source columns the file has (None: leave the column out).

    `from` keeps the columns present; a case whose conditions read an absent column, or whose
    `from` columns are all absent, is dropped."""
    if (set(col.when) | set(col.unless)) - present:
        return None
    sources = [s for s in (col.source, *col.also) if s and s in present]
    cases = [replace(c, sources=[s for s in c.sources if s in present]) for c in col.cases
             if not (set(c.when) | set(c.unless)) - present and (not c.sources or set(c.sources) & present)]
    if col.source and not sources and not cases:
        return None
    joined = [s for s in col.join if s in present]
    if col.join and not joined and not cases:
        return None
    return replace(col, source=sources[0] if sources else None, also=sources[1:], cases=cases, join=joined)
