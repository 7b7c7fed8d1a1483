"""Data quality: validation rules per table, completeness per field, and warnings for KPI tiles.

    from pulso import quality
    quality.check(store)                  # [Finding(table, rule, label, bad, total)]
    quality.completeness(store, "deals")  # {"amount": 0.88, ...}
    quality.kpi_warnings(store)           # {"revenue_won": ("deals", "amount", 0.12), ...}
"""

from pulso.quality.rules import RULES, Finding, check, completeness, kpi_warnings, warning_text

__all__ = ["RULES", "Finding", "check", "completeness", "kpi_warnings", "warning_text"]
