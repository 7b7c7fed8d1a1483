"""docs/kpis.md is generated from the catalog and must match it; docs/engine.md covers the engine."""

from __future__ import annotations

import re
from pathlib import Path

from pulso.catalog import load_catalog
from pulso.catalog.docs import render

DOCS = Path(__file__).parent.parent / "docs"


def test_every_kpi_of_the_catalog_is_in_docs_kpis_md():
    text = (DOCS / "kpis.md").read_text()
    headings = set(re.findall(r"^### `([a-z_]+)`", text, flags=re.M))
    missing = [k.key for k in load_catalog() if k.key not in headings]
    assert not missing, f"KPIs missing from docs/kpis.md: {missing}"


def test_docs_kpis_md_is_what_the_catalog_generates():
    assert (DOCS / "kpis.md").read_text() == render(), (
        "docs/kpis.md is out of date: run .venv/bin/python -m pulso.catalog.docs > docs/kpis.md")


def test_engine_md_documents_the_commands_the_setting_and_the_choices():
    text = (DOCS / "engine.md").read_text()
    for needle in ("pulso kpi list", "pulso kpi show", "pulso kpi explain", "pulso kpi drill", "`baseline_periods`",
                   "Scope.team", "--where", "--grain", "year_ago", "benchmarks/kpi_catalog.py"):
        assert needle in text, f"docs/engine.md does not mention {needle}"
