"""Every KPI of shared/KPIS.md is declared in the catalog and has a hand-computed value test.

The value tests live in tests/kpis/test_<area>.py (tiny fixtures, both backends); each marks the
keys it checks with `@covers(...)`. This module reads KPIS.md's tables and compares the three sets.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
KPIS_MD = Path(os.environ.get("PULSO_KPIS_MD") or TESTS.parent.parent.parent / "shared" / "KPIS.md")


def parse_kpis_md(text: str) -> dict[str, dict[str, str]]:
    """KPI key → {column header: cell} for every row of every table whose first header is `key`."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "key":
            header = cells
        elif header is not None and not set(cells[0]) <= set("-: "):
            rows[cells[0].strip("`")] = dict(zip(header, cells))
    return rows


def covered_keys() -> dict[str, list[str]]:
    """KPI key → the value tests (module::function) that check it."""
    import kpis

    covered: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(kpis.__path__):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"kpis.{info.name}")
        for name, fn in vars(module).items():
            if name.startswith("test_") and callable(fn):
                for key in getattr(fn, "kpi_keys", ()):
                    covered.setdefault(key, []).append(f"{info.name}::{name}")
    return covered


@pytest.fixture(scope="module")
def kpis_md() -> dict[str, dict[str, str]]:
    if not KPIS_MD.is_file():
        message = f"{KPIS_MD} is missing (the shared folder sits beside the repository; PULSO_KPIS_MD overrides)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return parse_kpis_md(KPIS_MD.read_text(encoding="utf-8"))


def test_kpis_md_tables_are_read(kpis_md):
    assert len(kpis_md) >= 40
    assert {"lead_conversion_rate", "nps", "ticket_backlog", "duplicate_rate"} <= kpis_md.keys()
    assert kpis_md["close_rate"]["dir"] == "up"


def test_every_kpi_of_kpis_md_is_declared_in_the_catalog(kpis_md):
    from pulso.catalog import load_catalog

    catalog = load_catalog()
    declared = {kpi.key for kpi in (catalog.values() if isinstance(catalog, dict) else catalog)}
    assert sorted(kpis_md.keys() - declared) == []


def test_every_kpi_of_kpis_md_has_a_value_test(kpis_md):
    covered = covered_keys()
    assert sorted(kpis_md.keys() - covered.keys()) == []
    assert sorted(covered.keys() - kpis_md.keys()) == [], "a test covers a key that KPIS.md does not define"


def test_units_and_directions_match_kpis_md(kpis_md):
    from pulso.catalog import load_catalog

    catalog = load_catalog()
    declared = {kpi.key: kpi for kpi in (catalog.values() if isinstance(catalog, dict) else catalog)}
    direction = {"up": "up", "up*": "up", "down": "down", "—": "none", "-": "none"}
    wrong = [
        (key, "unit", row["unit"], declared[key].unit) for key, row in kpis_md.items()
        if key in declared and declared[key].unit != row["unit"]
    ] + [
        (key, "direction", row["dir"], declared[key].direction) for key, row in kpis_md.items()
        if key in declared and declared[key].direction != direction.get(row["dir"], row["dir"])
    ]
    assert wrong == []
