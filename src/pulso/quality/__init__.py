"""Data quality: validation rules per table (each about the rows in the state where it makes sense),
the rows behind each, fixes through pulso.workspace, completeness per field, warnings for KPI tiles.

    from pulso import quality
    quality.check(store)                  # [Finding(table, rule, label, bad, total, why, fix)]
    quality.rows(store, "deals.lost_without_reason", scope=scope)  # (a page of rows, how many)
    quality.fix(store, caller, "leads.no_source", ["l1", "l2"], "web")
    quality.completeness(store, "deals")  # {"amount": 0.88, "lost_reason": 0.5 (of lost deals), ...}
    quality.kpi_warnings(store)           # {"revenue_won": Finding(...), ...}
"""

from pulso.quality.counts import SHOWN, check, completeness, kpi_warnings, rows, rule, warning_text
from pulso.quality.fixes import fix
from pulso.quality.rules import BY_KEY, FIELD_STATES, RULES, Finding, Rule

__all__ = ["BY_KEY", "FIELD_STATES", "RULES", "SHOWN", "Finding", "Rule", "check", "completeness", "fix", "kpi_warnings",
           "rows", "rule", "warning_text"]
