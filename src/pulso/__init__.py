"""Pulso: CRM data and the KPIs that matter for small businesses."""

__version__ = "0.1.0"
