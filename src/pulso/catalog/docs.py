"""docs/kpis.md, generated from the catalog so that it cannot drift from it.

    .venv/bin/python -m pulso.catalog.docs > docs/kpis.md

tests/test_docs_kpis.py fails when the file differs from what this module writes.
"""

from __future__ import annotations

from pulso.catalog.loader import load_catalog
from pulso.catalog.model import AREAS, CATEGORIES, DIMENSIONS, UNITS
from pulso.catalog.sources import ENTITIES, supported_dimensions

DIRECTION = {"up": "up (higher is better)", "down": "down (lower is better)", "none": "none (no better or worse)"}
ADDITIVE = {"both": "numerators and denominators of a split add up to the total",
            "numerator": "numerators of a split add up to the total (the denominator is the period's length)",
            "none": "not additive: each part is computed on its own (the factors are extras)"}

HEADER = """# KPI catalog

Generated from `src/pulso/catalog/` by `.venv/bin/python -m pulso.catalog.docs > docs/kpis.md`; a
test fails when this file and the catalog disagree. The definitions follow `shared/KPIS.md`; where
it leaves a choice, **Choices** says which one the catalog made (and the other figure is an extra).

How to read an entry:

- **Formula** in both languages, as `pulso kpi explain KEY --lang es|en` prints it.
- **Unit**: `%` values are fractions (0.2 is 20 %); durations are calendar time.
- **Placed by**: the timestamp that puts a record in a period. A *snapshot* is evaluated at the
  period's end (or start): "open at period end" means created before the end and not closed before
  the end.
- **Dimensions**: what `--by` and `--where` accept. `owner` is the user a record belongs to (see the
  table at the end), `team` is that user's `users.team_id`.
- **Extras**: figures every result row carries besides value, numerator and denominator.
- A denominator of 0 gives `value = null`, never 0 and never an error.

"""

ROW_OWNERS = {
    "account": "accounts.owner_id",
    "account_of": "the account's owner (via account_id)",
    "lead": "leads.owner_id",
    "deal": "deals.owner_id",
    "ticket": "tickets.owner_id",
    "activity": "activities.owner_id",
    "survey": "the account's owner, else the ticket's",
    "order": "the account's owner",
    "subscription": "the account's owner",
    "session": "none (web sessions cannot be scoped)",
    "user": "the user",
    "usage": "usage_events.user_id",
    "campaign": "none (campaigns cannot be scoped)",
    "spend": "none (spend cannot be scoped)",
    "quota": "quotas.owner_id; a team quota belongs to its team",
}


def _entry(kpi) -> list[str]:
    lines = [f"### `{kpi.key}` — {kpi.name['es']} / {kpi.name['en']}", ""]
    lines.append(f"{kpi.description['en']} *{kpi.description['es']}*")
    lines.append("")
    lines.append(f"- **Formula (en)**: {kpi.formula['en']}")
    lines.append(f"- **Fórmula (es)**: {kpi.formula['es']}")
    lines.append(f"- **Unit**: {kpi.unit} ({UNITS[kpi.unit]['en']}) · **Direction**: {DIRECTION[kpi.direction]}")
    lines.append(f"- **Category**: {CATEGORIES[kpi.category]['en']} · **Area**: {AREAS[kpi.area]['en']}")
    lines.append(f"- **Placed by**: `{kpi.time}`" + (" (snapshot)" if kpi.snapshot else ""))
    lines.append("- **Dimensions**: " + (", ".join(f"`{d}`" for d in kpi.dimensions) or "none"))
    lines.append(f"- **Result**: {kpi.kind}; {ADDITIVE[kpi.additive]}")
    if kpi.extras:
        lines.append("- **Extras**: " + ", ".join(f"`{e}` ({UNITS[kpi.unit_of(e)]['en']})" for e in kpi.extras))
    if kpi.general_metric:
        lines.append("- **General metric**: a KPI only while a goal links it to an objective (seed 002)")
    if not kpi.owned:
        lines.append("- **Scope**: company-wide only (its records have no owner)")
    if kpi.choices:
        lines.append(f"- **Choices**: {kpi.choices['en']}")
        lines.append(f"- **Decisiones**: {kpi.choices['es']}")
    if kpi.seeds:
        lines.append("- **Seeds**: " + ", ".join(kpi.seeds))
    lines.append("")
    return lines


def render() -> str:
    """The whole of docs/kpis.md."""
    catalog = load_catalog()
    lines = HEADER.splitlines()
    lines += ["| key | es | en | unit | dir | area |", "|---|---|---|---|---|---|"]
    lines += [f"| `{k.key}` | {k.name['es']} | {k.name['en']} | {k.unit} | {k.direction} | {AREAS[k.area]['en']} |"
              for k in catalog]
    lines.append("")
    for area, title in AREAS.items():
        kpis = [k for k in catalog if k.area == area]
        if not kpis:
            continue
        lines += [f"## {title['en']} ({title['es']})", ""]
        for kpi in kpis:
            lines += _entry(kpi)
    lines += ["## Dimensions", "", "| dimension | es | en |", "|---|---|---|"]
    lines += [f"| `{d}` | {t['es']} | {t['en']} |" for d, t in DIMENSIONS.items()]
    lines += ["", "## Whose record is it? (scoping and the `owner` dimension)", "",
              "| kind of row | owner | dimensions it offers |", "|---|---|---|"]
    for entity in ENTITIES:
        dims = ", ".join(f"`{d}`" for d in sorted(supported_dimensions(entity)))
        lines.append(f"| {entity} | {ROW_OWNERS[entity]} | {dims} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
