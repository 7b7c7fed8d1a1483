"""Load the catalog and validate every declaration before any query runs.

A declaration that names an unknown table, column or dimension, lacks a translation, or does not
compile against the store's schema is refused with a CatalogError that names the KPI.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Iterable, Iterator, Sequence

from pulso.catalog import adoption, marketing, perception, quality, retention, sales, service
from pulso.catalog.model import (
    AREAS, CATEGORIES, DIMENSIONS, DIRECTIONS, LANGS, UNITS, Dated, Kpi, Part, timing_columns,
)
from pulso.catalog.suggest import suggest
from pulso.catalog.sources import ENTITIES, TABLES, has_column, source_columns, supported_dimensions
from pulso.errors import CatalogError, KpiError
from pulso.i18n import N_, said

MODULES = (sales, retention, perception, service, marketing, adoption, quality)
KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Catalog(Sequence[Kpi]):
    """The declared KPIs in catalog order; also indexable by key."""

    def __init__(self, kpis: Iterable[Kpi]):
        self._kpis = tuple(kpis)
        self._by_key = {k.key: k for k in self._kpis}

    def __len__(self) -> int:
        return len(self._kpis)

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self._kpis)

    def __getitem__(self, item):  # type: ignore[override]
        if isinstance(item, str):
            return self.kpi(item)
        return self._kpis[item]

    def __contains__(self, item: object) -> bool:
        return (item in self._by_key) if isinstance(item, str) else item in self._kpis

    def keys(self) -> list[str]:
        """Every KPI key, in catalog order."""
        return list(self._by_key)

    def get(self, key: str) -> Kpi | None:
        """The KPI called `key`, or None."""
        return self._by_key.get(key)

    def kpi(self, key: str) -> Kpi:
        """The KPI called `key`, or a KpiError suggesting the nearest one."""
        found = self._by_key.get(key)
        if found is None:
            near = suggest(str(key), self._kpis)
            if near:
                raise said(KpiError, N_("KPI desconocido '{key}'; ¿quiso decir '{near}'? `pulso kpi list` los muestra todos"),
                           key=key, near=near)
            raise said(KpiError, N_("KPI desconocido '{key}'; `pulso kpi list` los muestra todos"), key=key)
        return found


def fail(kpi: Kpi | str, problem: str) -> CatalogError:
    key = kpi if isinstance(kpi, str) else kpi.key
    return CatalogError(f"KPI '{key}': {problem}")


def _check_texts(kpi: Kpi) -> None:
    texts = {"name": kpi.name, "description": kpi.description, "formula": kpi.formula}
    if kpi.choices is not None:
        texts["choices"] = kpi.choices
    for field, text in texts.items():
        for lang in LANGS:
            if not (text or {}).get(lang, "").strip():
                raise fail(kpi, f"{field} has no '{lang}' translation")


def _check_time(kpi: Kpi) -> None:
    table = None
    for piece in kpi.time.split("/"):
        if "." in piece:
            table, column = piece.split(".", 1)
        else:
            column = piece
        if table not in TABLES:
            raise fail(kpi, f"time '{kpi.time}' names unknown table '{table}'")
        if not has_column(table, column):
            raise fail(kpi, f"time '{kpi.time}' names unknown column '{table}.{column}'")


def _check_part(kpi: Kpi, part: Part, measures: set[str]) -> None:
    if part.table not in TABLES:
        raise fail(kpi, f"unknown table '{part.table}'")
    if part.dims not in ENTITIES:
        raise fail(kpi, f"unknown kind of rows '{part.dims}' for table '{part.table}'")
    for table, column in source_columns(part.dims):
        if not has_column(table, column):
            raise fail(kpi, f"dimensions of '{part.dims}' read unknown column '{table}.{column}'")
    if part.rows is None:
        for column in timing_columns(part.timing):
            if not has_column(part.table, column):
                raise fail(kpi, f"unknown column '{part.table}.{column}'")
    if isinstance(part.timing, Dated) and part.entity:
        raise fail(kpi, "a dated part cannot count distinct entities")
    unsupported = [d for d in kpi.dimensions if d not in supported_dimensions(part.dims)]
    if unsupported:
        raise fail(kpi, f"rows of '{part.table}' cannot be split by {', '.join(unsupported)}")
    measures.update(part.measures)


def validate(kpi: Kpi) -> Kpi:
    """Check one declaration; returns it, or raises CatalogError naming it.

    These are the static checks (texts, units, tables, columns, dimensions), run when the catalog
    loads; building each KPI against the schema is the engine's check (pulso.engine.checks), which
    the test suite runs for all.
    """
    if not KEY.match(kpi.key or ""):
        raise fail(kpi.key or "?", "a key is snake_case")
    _check_texts(kpi)
    for what, value, allowed in (("unit", kpi.unit, UNITS), ("direction", kpi.direction, DIRECTIONS),
                                 ("category", kpi.category, CATEGORIES), ("area", kpi.area, AREAS),
                                 ("additive", kpi.additive, ("both", "numerator", "none"))):
        if value not in allowed:
            raise fail(kpi, f"unknown {what} '{value}'; use one of: {', '.join(allowed)}")
    for dim in kpi.dimensions:
        if dim not in DIMENSIONS:
            near = difflib.get_close_matches(dim, list(DIMENSIONS), n=1)
            raise fail(kpi, f"unknown dimension '{dim}'" + (f"; did you mean '{near[0]}'?" if near else ""))
    _check_time(kpi)
    if not kpi.parts:
        raise fail(kpi, "declares no parts")
    measures: set[str] = set()
    for part in kpi.parts:
        _check_part(kpi, part, measures)
    for name in (*kpi.result.numerator, *kpi.result.denominator):
        if name not in measures:
            raise fail(kpi, f"its result reads measure '{name}', which no part computes")
    return kpi


def check_catalog(kpis: Iterable[Kpi]) -> Catalog:
    """Validate a list of declarations (unique keys included) into a Catalog."""
    seen: set[str] = set()
    checked = []
    for kpi in kpis:
        if kpi.key in seen:
            raise fail(kpi, "is declared twice")
        seen.add(kpi.key)
        checked.append(validate(kpi))
    return Catalog(checked)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """Every KPI of the catalog, validated (once per process)."""
    return check_catalog(k for module in MODULES for k in module.KPIS)
