"""The engine's check of the catalog: every declaration builds against the store's schema.

The catalog checks its declarations statically when it loads (pulso.catalog.loader); whether a
KPI's builders read columns that exist, split by every dimension and scoped, takes the engine,
so the check lives here (the catalog never imports the engine). The test suite runs it for every
KPI of the catalog.
"""

from __future__ import annotations

from typing import Iterable

from pulso.catalog.loader import Catalog, check_catalog, fail, validate
from pulso.catalog.model import Kpi
from pulso.errors import CatalogError


def check_compiles(kpi: Kpi) -> None:
    """Build the KPI against the store's schema, split by every dimension and scoped."""
    import ibis

    from pulso.catalog.sources import tables
    from pulso.engine.compile import Context, Scope, compile_kpi
    from pulso.engine.periods import placeholder

    ctx = Context(tables(), placeholder(), baseline_factory=lambda: ibis.table(
        {"b_start": "timestamp('UTC')", "b_end": "timestamp('UTC')"}, name="pulso_baseline"))
    scope = Scope.owners("u") if kpi.owned else Scope.company()
    try:
        compile_kpi(kpi, ctx, by=kpi.dimensions, scope=scope)
    except CatalogError:
        raise
    except Exception as exc:  # an Ibis error: unknown column, wrong type...
        raise fail(kpi, f"does not compile: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc


def validate_compiled(kpi: Kpi) -> Kpi:
    """The catalog's checks of one declaration, then the engine's; returns it or raises CatalogError."""
    validate(kpi)
    check_compiles(kpi)
    return kpi


def compiled_catalog(kpis: Iterable[Kpi]) -> Catalog:
    """A Catalog of `kpis` after the catalog's checks and the engine's, KPI by KPI."""
    catalog = check_catalog(kpis)
    for kpi in catalog:
        check_compiles(kpi)
    return catalog
