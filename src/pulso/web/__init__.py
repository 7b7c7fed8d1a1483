"""Pulso's web app: server-rendered pages with JSON twins, on top of the KPI engine."""

from pulso.web.app import create_app
from pulso.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
