"""The KPI catalog: every KPI of shared/KPIS.md declared once, validated when loaded.

    from pulso.catalog import load_catalog
    catalog = load_catalog()
    catalog["close_rate"].name["es"]     # 'Tasa de cierre'
    [k.key for k in catalog]             # catalog order
"""

from pulso.catalog.loader import Catalog, check_catalog, load_catalog, validate
from pulso.catalog.model import AREAS, CATEGORIES, DIMENSIONS, UNITS, Kpi, Part

__all__ = ["AREAS", "CATEGORIES", "DIMENSIONS", "UNITS", "Catalog", "Kpi", "Part", "check_catalog",
           "load_catalog", "validate"]
