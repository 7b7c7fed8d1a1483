"""How one canonical column of a mapping is filled: `ColumnSpec` and its `cases`, read from the
plain data of a YAML mapping (`parse_column`) and written back (`column_dict`). The options are
described in mapping.py's docstring; mapping.py reads whole mappings and recognises files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pulso.errors import PulsoError
from pulso.store import schema

AGGREGATES = ("min", "max", "first", "last", "any", "count")
TRANSFORMS = ("slug", "lower", "upper", "digits", "strip", "title", "first_item", "duration")
COLUMN_KEYS = {"from", "value", "map", "default", "transform", "format", "when", "unless", "agg", "if_missing",
               "date_order", "decimal", "at_most", "cases", "scale", "join", "lookup"}
CASE_KEYS = {"when", "unless", "from", "value"}


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


def column_dict(c: ColumnSpec) -> Any:
    """A column spec as plain data: its source name alone, or its options."""
    spec = {k: v for k, v in (("from", [c.source, *c.also] if c.also else c.source), ("value", c.value), ("map", c.map), ("default", c.default),
                              ("transform", c.transform), ("format", c.format), ("when", c.when or None),
                              ("unless", c.unless or None), ("agg", c.agg),
                              ("if_missing", None if c.if_missing == "error" else c.if_missing),
                              ("cases", [_case_dict(k) for k in c.cases] or None), ("scale", c.scale),
                              ("join", c.join or None), ("lookup", c.lookup)) if v is not None}
    return c.source if list(spec) == ["from"] else spec


def _case_dict(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in (("when", case.when), ("unless", case.unless)) if v}
    if case.sources:
        out["from"] = case.sources if len(case.sources) > 1 else case.sources[0]
    else:
        out["value"] = case.value
    return out


def parse_column(where: str, target: str, raw: Any) -> ColumnSpec:
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
        when=conditions(where, raw.get("when")), unless=conditions(where, raw.get("unless")),
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
        cases.append(Case(conditions(here, item.get("when")), conditions(here, item.get("unless")),
                          _sources(here, item.get("from")), item.get("value")))
    return cases


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def conditions(where: str, raw: Any) -> dict[str, list[str]]:
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: a condition is an object (source column → value or list of values)")
    return {str(k): [_key(x) for x in (v if isinstance(v, list) else [v])] for k, v in raw.items()}
