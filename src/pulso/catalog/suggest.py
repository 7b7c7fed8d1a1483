"""The one "did you mean": the KPI nearest to a key someone typed, for the CLI, the web and the API.

A KPI is found by its key or by either of its names, snake_cased ("tasa_de_cierre" and
"close_rate_won" both lead to close_rate), so every door suggests the same KPI for the same typo.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from pulso.catalog.model import Kpi


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9áéíóúñü]+", "_", text.lower()).strip("_")


def aliases(kpi: "Kpi") -> set[str]:
    """The key and both names, snake_cased, with and without their parenthesised words."""
    out = {kpi.key}
    for text in kpi.name.values():
        text = text.lower()
        for variant in (text, re.sub(r"\(([^)]*)\)", r"\1", text), re.sub(r"\([^)]*\)", "", text),
                        re.sub(r"^[^(]*\(([^)]*)\)", r"\1", text)):
            out.add(_snake(variant))
    return out


def suggest(wrong: str, kpis: Iterable["Kpi"]) -> str | None:
    """The KPI key whose key or names are closest to `wrong`, or None."""
    alias_to_key: dict[str, str] = {}
    for kpi in kpis:
        for alias in aliases(kpi):
            alias_to_key.setdefault(alias, kpi.key)
    near = difflib.get_close_matches(_snake(str(wrong)), list(alias_to_key), n=1, cutoff=0.6)
    return alias_to_key[near[0]] if near else None


def did_you_mean(wrong: str, kpis: Iterable["Kpi"]) -> str:
    """"; did you mean 'close_rate'?" after an unknown key, or "" when nothing is near."""
    near = suggest(wrong, kpis)
    return f"; did you mean '{near}'?" if near else ""
