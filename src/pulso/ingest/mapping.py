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

from pulso.ingest.columns import ColumnSpec, MappingError, column_dict, conditions, parse_column
from pulso.store import schema

TABLE_KEYS = {"columns", "group_by", "distinct", "skip_when_empty", "where", "skip_when_future", "skip_when",
              "changes", "keep_existing"}
CHANGES_KEYS = ("of", "order", "value", "previous")


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
        out["columns"][name] = column_dict(c)
    for key in ("group_by", "distinct", "skip_when_empty", "where", "skip_when_future", "skip_when", "changes",
                "keep_existing"):
        if getattr(t, key):
            out[key] = getattr(t, key)
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
        columns[target] = parse_column(f"{where}.{target}", target, raw)
    if "id" not in columns:
        raise MappingError(f"{where}: map `id` (the source's record id) so that re-imports update, not duplicate")
    changes = spec.get("changes")
    if changes is not None and (not isinstance(changes, dict) or set(changes) != set(CHANGES_KEYS)
                                or not {changes["of"], changes["order"], changes["value"]} <= set(columns)
                                or changes["previous"] not in tbl.columns):
        raise MappingError(f"{where}: `changes` is {{of, order, value, previous}}, each a column of table {name}")
    return TableSpec(name, columns, spec.get("group_by"), bool(spec.get("distinct")),
                     list(spec.get("skip_when_empty") or []), conditions(where, spec.get("where")),
                     list(spec.get("skip_when_future") or []), conditions(where, spec.get("skip_when")),
                     dict(changes) if changes else None, bool(spec.get("keep_existing")))


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
