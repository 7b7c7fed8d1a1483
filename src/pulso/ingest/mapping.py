"""Mappings: which source column feeds which canonical column, and how values translate.

A mapping is a YAML file (or a built-in preset, see presets/). Its full form:

    name: maven
    read: {null_values: ["", "NA"], date_order: dmy, decimal: ","}
    sources:
      - match: "sales_pipeline*.csv"        # which files (glob on the name); optional
        headers: [opportunity_id, deal_stage] # columns that identify the file; optional
        tables:
          deals:
            columns:
              id: opportunity_id                       # shorthand for {from: opportunity_id}
              status: {from: deal_stage, map: {Won: won, Lost: lost, "*": open}}
              closed_at: {from: close_date, when: {deal_stage: [Won, Lost]}}
              currency: {value: USD}

A single-table mapping may skip `sources` and give `table:` and `columns:` at the top. Column
options: from, value, map ("*" = any other value), default, transform (slug, lower, upper,
digits, strip, title; first_item: the text before the first `;`; duration: `H:MM[:SS]` as seconds), format ("{}@example.com"), when / unless (row conditions), agg (min, max, first,
last, any, count) with `group_by` on the table, if_missing: null (a reference to nothing becomes
empty instead of an error), at_most: another column (a date never later than that one, e.g. a
CRM's record-creation date on deals migrated after they closed). Table options: group_by, distinct (keep the first of repeated ids),
skip_when_empty (rows without these targets are skipped, not errors), where (row filter).

Four options read CRM exports that spread one fact over several columns:
- `from: [A, B]`: the first non-empty of these columns (a due date, else the creation date); the
  rows filled from a later column are counted (`TableBuilder.fallbacks`).
- `cases: [{when: {IsWon: [1, true]}, value: won}, {when: ..., from: CloseDate}]`: the first case
  whose conditions hold gives the value (taken as is: no `map`, `transform` or `format`); rows that
  match no case take the column's own `from`/`value`. A preset drops a case whose columns the file
  lacks, so it falls back to the column's own rule.
- `scale: 0.01`: numbers are multiplied (a percentage → a share; minutes × 60 → seconds), and
  rounded when the column holds whole numbers.
- `join: [First Name, Last Name]`: the non-empty values of these columns joined by a space (a
  full name from its parts; with `transform: slug`, an id from a pipeline and a stage name).
Table option `skip_when_future: [occurred_at]`: rows dated later than now (a task due next week, a
meeting not held yet) are skipped and counted instead of refused as future dates.
Conditions (`when`, `unless`, `where`) compare the cell's text; an empty cell is `""`.

Three options read what a flat file cannot say directly (see ingest/resolve.py):
- `lookup: {table: users, by: name}` on a reference column: a value that is the id of a record of
  that table (in the run or stored) stays; another is matched against that column of the table's
  records (case, accents and spacing aside); a name no record has, or two records have, leaves
  the reference empty and is counted in the run's notes (`lookup_unknown`, `lookup_ambiguous`).
- Table option `changes: {of: deal_id, order: changed_at, value: to_stage_id, previous: from_stage_id}`:
  a history with one row per edit becomes its changes (sorted by `order` within each `of`, the rows
  whose `value` differs from the row before; `previous` = that row's value, empty for the first).
- Table option `keep_existing: true`: rows whose id is already stored or comes from another file of
  the run are left out (a history names its stages; the file of the records says what they are).
Table option `skip_when: {IsDeleted: [1, true]}`: rows matching are skipped and counted (a
column the file lacks: no row skipped).
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pulso.errors import PulsoError
from pulso.store import schema

AGGREGATES = ("min", "max", "first", "last", "any", "count")
TRANSFORMS = ("slug", "lower", "upper", "digits", "strip", "title", "first_item", "duration")
COLUMN_KEYS = {"from", "value", "map", "default", "transform", "format", "when", "unless", "agg", "if_missing",
               "date_order", "decimal", "at_most", "cases", "scale", "join", "lookup"}
CASE_KEYS = {"when", "unless", "from", "value"}
TABLE_KEYS = {"columns", "group_by", "distinct", "skip_when_empty", "where", "skip_when_future", "skip_when",
              "changes", "keep_existing"}
CHANGES_KEYS = ("of", "order", "value", "previous")


class MappingError(PulsoError):
    """A mapping file is malformed or does not fit the file it is applied to."""


@dataclass
class Case:
    """One case of a column's `cases`: where its conditions hold, the value (a constant) or the
    first non-empty of the columns `sources`."""

    when: dict[str, list[str]] = field(default_factory=dict)
    unless: dict[str, list[str]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    value: Any = None

    def columns(self) -> set[str]:
        """Every source column the case reads."""
        return set(self.when) | set(self.unless) | set(self.sources)


@dataclass
class ColumnSpec:
    """How one canonical column is filled."""

    target: str
    source: str | None = None
    value: Any = None
    map: dict[str, Any] | None = None
    default: Any = None
    transform: str | None = None
    format: str | None = None
    when: dict[str, list[str]] = field(default_factory=dict)
    unless: dict[str, list[str]] = field(default_factory=dict)
    agg: str | None = None
    if_missing: str = "error"
    date_order: str | None = None
    decimal: str | None = None
    at_most: str | None = None
    also: list[str] = field(default_factory=list)  # `from: [source, *also]`: the first non-empty
    cases: list[Case] = field(default_factory=list)
    scale: float | None = None
    join: list[str] = field(default_factory=list)  # the non-empty values of these columns, joined by a space
    lookup: dict[str, str] | None = None  # {table, by}: a name resolved to a record's id (ingest/resolve.py)

    def columns(self) -> set[str]:
        """Every source column this column reads."""
        used = {self.source} - {None} | set(self.also) | set(self.join) | set(self.when) | set(self.unless)
        for case in self.cases:
            used |= case.columns()
        return used


@dataclass
class TableSpec:
    """One canonical table fed from a source file."""

    table: str
    columns: dict[str, ColumnSpec]
    group_by: str | None = None
    distinct: bool = False
    skip_when_empty: list[str] = field(default_factory=list)
    where: dict[str, list[str]] = field(default_factory=dict)
    skip_when_future: list[str] = field(default_factory=list)  # rows dated later than now: skipped, counted
    skip_when: dict[str, list[str]] = field(default_factory=dict)  # rows matching: skipped, counted
    changes: dict[str, str] | None = None  # {of, order, value, previous}: a history's changes only
    keep_existing: bool = False  # rows whose id is stored or comes from another file: left out

    def source_columns(self) -> set[str]:
        """Every source column this table reads."""
        used: set[str] = set()
        for c in self.columns.values():
            used |= c.columns()
        used |= set(self.where) | set(self.skip_when)
        if self.group_by:
            used.add(self.group_by)
        return used


@dataclass
class SourceSpec:
    """Which files a part of a mapping applies to, and the tables they feed."""

    tables: list[TableSpec]
    match: str | None = None
    headers: list[str] = field(default_factory=list)

    def fits(self, name: str, columns: list[str]) -> bool:
        """True when the header has the identifying columns (or, without them, the name matches).

        Headers match as `header_key` says: case, spacing and punctuation aside."""
        if self.headers:
            keys = {header_key(c) for c in columns}
            return all(header_key(h) in keys for h in self.headers)
        return not self.match or fnmatch.fnmatch(name.lower(), self.match.lower())


@dataclass
class Mapping:
    """A named mapping: read options and its sources."""

    name: str
    sources: list[SourceSpec]
    description: str = ""
    read: dict[str, Any] = field(default_factory=dict)

    def source_for(self, name: str, columns: list[str]) -> SourceSpec:
        """The part of the mapping that applies to a file, or a clear error."""
        for src in self.sources:
            if src.fits(name, columns):
                return src
        wanted = "; ".join(s.match or ", ".join(s.headers) or "any file" for s in self.sources)
        raise MappingError(f"{name}: the mapping '{self.name}' has nothing for this file (it expects: {wanted})")

    def to_dict(self) -> dict[str, Any]:
        """The mapping as plain data (what a YAML file holds)."""
        return {"name": self.name, "description": self.description, "read": self.read,
                "sources": [{"match": s.match, "headers": s.headers,
                             "tables": {t.table: _table_dict(t) for t in s.tables}} for s in self.sources]}


def _table_dict(t: TableSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"columns": {}}
    for name, c in t.columns.items():
        spec = {k: v for k, v in (("from", [c.source, *c.also] if c.also else c.source), ("value", c.value), ("map", c.map), ("default", c.default),
                                  ("transform", c.transform), ("format", c.format), ("when", c.when or None),
                                  ("unless", c.unless or None), ("agg", c.agg),
                                  ("if_missing", None if c.if_missing == "error" else c.if_missing),
                                  ("cases", [_case_dict(k) for k in c.cases] or None), ("scale", c.scale),
                                  ("join", c.join or None), ("lookup", c.lookup)) if v is not None}
        out["columns"][name] = c.source if list(spec) == ["from"] else spec
    for key in ("group_by", "distinct", "skip_when_empty", "where", "skip_when_future", "skip_when", "changes",
                "keep_existing"):
        if getattr(t, key):
            out[key] = getattr(t, key)
    return out


def _case_dict(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in (("when", case.when), ("unless", case.unless)) if v}
    if case.sources:
        out["from"] = case.sources if len(case.sources) > 1 else case.sources[0]
    else:
        out["value"] = case.value
    return out


def presets() -> dict[str, Path]:
    """Built-in mapping presets by name."""
    folder = resources.files("pulso.ingest") / "presets"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml")}


MAX_MAPPING_BYTES = 256 << 10  # the largest preset is a few kilobytes


def load_preset(name: str) -> Mapping:
    """The built-in preset of that name, never a file (what the web and the API accept)."""
    known = presets()
    if name not in known:
        raise MappingError(f"no mapping preset '{name}'; the presets are: {', '.join(sorted(known))}")
    return read_mapping(known[name].read_bytes(), name)


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A mapping from a local YAML file (command line), or the built-in preset of that name."""
    path = Path(name_or_path)
    if not path.exists():
        return load_preset(str(name_or_path))
    if not path.is_file():
        raise MappingError(f"{path}: a mapping must be a YAML file, not a folder, device or pipe")
    if path.stat().st_size > MAX_MAPPING_BYTES:
        raise MappingError(f"{path}: {path.stat().st_size:,} bytes is too large for a mapping "
                           f"(at most {MAX_MAPPING_BYTES >> 10} KB)")
    with open(path, "rb") as f:  # bounded: files under /proc report a size of 0
        return read_mapping(f.read(MAX_MAPPING_BYTES + 1), path.name)


def read_mapping(text: bytes, name: str) -> Mapping:
    """A mapping from the bytes of a YAML file (at most MAX_MAPPING_BYTES); errors name the file."""
    if len(text) > MAX_MAPPING_BYTES:
        raise MappingError(f"{name}: too large for a mapping (at most {MAX_MAPPING_BYTES >> 10} KB)")
    try:
        data = yaml.safe_load(text.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise MappingError(f"{name}: not valid YAML: {str(exc)[:300]}") from None
    return parse_mapping(data, default_name=Path(name).stem or "mapping")


def parse_mapping(data: Any, *, default_name: str = "mapping") -> Mapping:
    """Check and build a mapping from plain data; every mistake names where it is."""
    if not isinstance(data, dict):
        raise MappingError(f"{default_name}: a mapping is a YAML object with `sources` or `table` and `columns`")
    if "sources" not in data:
        if "table" not in data:
            raise MappingError(f"{default_name}: give `sources:`, or `table:` and `columns:`")
        data = {**data, "sources": [{"match": data.get("match"), "headers": data.get("headers", []),
                                     "tables": {data["table"]: {k: v for k, v in data.items() if k in TABLE_KEYS}}}]}
    sources = []
    for i, raw in enumerate(data["sources"] or []):
        where = f"{default_name}: sources[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("tables"), dict):
            raise MappingError(f"{where}: needs `tables:` (canonical table → columns)")
        tables = [_parse_table(f"{where}.{name}", name, spec) for name, spec in raw["tables"].items()]
        sources.append(SourceSpec(tables, raw.get("match"), list(raw.get("headers") or [])))
    if not sources:
        raise MappingError(f"{default_name}: `sources` is empty")
    read = data.get("read") or {}
    return Mapping(str(data.get("name") or default_name), sources, str(data.get("description") or ""), dict(read))


def _parse_table(where: str, name: str, spec: Any) -> TableSpec:
    if name not in schema.CANONICAL_TABLES:
        raise MappingError(f"{where}: unknown table '{name}'; the tables are: {', '.join(schema.CANONICAL_TABLES)}")
    if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
        raise MappingError(f"{where}: needs `columns:` (canonical column → source column or options)")
    unknown = set(spec) - TABLE_KEYS
    if unknown:
        raise MappingError(f"{where}: unknown option(s) {', '.join(sorted(unknown))}")
    tbl = schema.table(name)
    columns = {}
    for target, raw in spec["columns"].items():
        if target not in tbl.columns:
            raise MappingError(f"{where}: table {name} has no column '{target}'")
        columns[target] = _parse_column(f"{where}.{target}", target, raw)
    if "id" not in columns:
        raise MappingError(f"{where}: map `id` (the source's record id) so that re-imports update, not duplicate")
    changes = spec.get("changes")
    if changes is not None and (not isinstance(changes, dict) or set(changes) != set(CHANGES_KEYS)
                                or not {changes["of"], changes["order"], changes["value"]} <= set(columns)
                                or changes["previous"] not in tbl.columns):
        raise MappingError(f"{where}: `changes` is {{of, order, value, previous}}, each a column of table {name}")
    return TableSpec(name, columns, spec.get("group_by"), bool(spec.get("distinct")),
                     list(spec.get("skip_when_empty") or []), _conditions(where, spec.get("where")),
                     list(spec.get("skip_when_future") or []), _conditions(where, spec.get("skip_when")),
                     dict(changes) if changes else None, bool(spec.get("keep_existing")))


def _parse_column(where: str, target: str, raw: Any) -> ColumnSpec:
    if isinstance(raw, str):
        return ColumnSpec(target, source=raw)
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: give a source column name or an object with `from` or `value`")
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        raise MappingError(f"{where}: unknown option(s) {', '.join(sorted(unknown))}; the options are: {', '.join(sorted(COLUMN_KEYS))}")
    if "from" not in raw and "value" not in raw and not raw.get("cases") and not raw.get("join"):
        raise MappingError(f"{where}: needs `from` (a source column), `value` (a constant), `cases` or `join`")
    sources = _sources(where, raw.get("from"))
    scale = raw.get("scale")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, (int, float))):
        raise MappingError(f"{where}: `scale` is a number (0.01 turns a percentage into a share)")
    if raw.get("transform") and raw["transform"] not in TRANSFORMS:
        raise MappingError(f"{where}: unknown transform '{raw['transform']}'; use one of: {', '.join(TRANSFORMS)}")
    if raw.get("agg") and raw["agg"] not in AGGREGATES:
        raise MappingError(f"{where}: unknown agg '{raw['agg']}'; use one of: {', '.join(AGGREGATES)}")
    if raw.get("if_missing", "error") not in ("error", "null"):
        raise MappingError(f"{where}: if_missing is error or null")
    lookup = raw.get("lookup")
    if lookup is not None and not (isinstance(lookup, dict) and set(lookup) == {"table", "by"}
                                   and lookup["table"] in schema.CANONICAL_TABLES
                                   and lookup["by"] in schema.table(lookup["table"]).columns):
        raise MappingError(f"{where}: `lookup` is {{table: a canonical table, by: one of its columns}}")
    mapped = raw.get("map")
    if mapped is not None and not isinstance(mapped, dict):
        raise MappingError(f"{where}: `map` is an object (source value → value)")
    return ColumnSpec(
        target, source=sources[0] if sources else None, value=raw.get("value"),
        map={_key(k): v for k, v in mapped.items()} if mapped else None,
        default=raw.get("default"), transform=raw.get("transform"), format=raw.get("format"),
        when=_conditions(where, raw.get("when")), unless=_conditions(where, raw.get("unless")),
        agg=raw.get("agg"), if_missing=raw.get("if_missing", "error"),
        date_order=raw.get("date_order"), decimal=raw.get("decimal"), at_most=raw.get("at_most"),
        also=sources[1:], cases=_cases(where, raw.get("cases")), scale=None if scale is None else float(scale),
        join=_sources(f"{where}.join", raw.get("join")), lookup=dict(lookup) if lookup else None,
    )


def _sources(where: str, raw: Any) -> list[str]:
    """`from`: one column name, or a list of them (the first non-empty)."""
    if raw is None:
        return []
    names = raw if isinstance(raw, list) else [raw]
    if not names or not all(isinstance(n, str) and n for n in names):
        raise MappingError(f"{where}: `from` is a column name or a list of column names")
    return list(names)


def _cases(where: str, raw: Any) -> list[Case]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise MappingError(f"{where}: `cases` is a list of {{when: ..., value: ...}} or {{when: ..., from: ...}}")
    cases = []
    for i, item in enumerate(raw):
        here = f"{where}.cases[{i}]"
        if not isinstance(item, dict) or set(item) - CASE_KEYS or ("from" in item) == ("value" in item):
            raise MappingError(f"{here}: a case has `when` and/or `unless`, and either `from` or `value`")
        if not item.get("when") and not item.get("unless"):
            raise MappingError(f"{here}: a case needs `when` or `unless` (a condition on the row)")
        cases.append(Case(_conditions(here, item.get("when")), _conditions(here, item.get("unless")),
                          _sources(here, item.get("from")), item.get("value")))
    return cases


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _conditions(where: str, raw: Any) -> dict[str, list[str]]:
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: a condition is an object (source column → value or list of values)")
    return {str(k): [_key(x) for x in (v if isinstance(v, list) else [v])] for k, v in raw.items()}


#: What a header may differ in and still be the same column: spacing and these marks.
_HEADER_NOISE = re.compile(r"[\s\-_.:?!/\\,;'\"()\[\]\u2013\u2014]+")


def header_key(header: str) -> str:
    """The form in which a header is compared: case, spacing and punctuation (- _ . : ? ! / , ; quotes,
    brackets, dashes) do not count; accents and signs such as % # € do ("Año" is not "Ano")."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFC", header).casefold())


def resolve_header(wanted: str, columns: list[str], file: str) -> str | None:
    """The file's header that a mapping's column name means: the exact spelling, else the only
    header with the same `header_key`; None when there is none. Two candidates and no exact
    spelling is an error (which one was meant cannot be told)."""
    if wanted in columns:
        return wanted
    key = header_key(wanted)
    found = [c for c in columns if header_key(c) == key]
    if len(found) > 1:
        raise MappingError(f"{file}: the headers {', '.join(repr(c) for c in found)} could each be the column "
                           f"'{wanted}'; rename one of them")
    return found[0] if found else None


def slug(text: str) -> str:
    """lower-case ASCII words joined by hyphens ("José Pérez" → "jose-perez")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
