"""The scorecard as HTML (Jinja2, autoescaped) or PDF (WeasyPrint, from the same HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pulso.errors import ReportError

FORMATS = ("pdf", "html")
_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"]))


def to_html(report: dict[str, Any]) -> str:
    """The report as a self-contained HTML page (no outside resources)."""
    return _env.get_template("scorecard.html").render(r=report)


def to_pdf(report: dict[str, Any]) -> bytes:
    """The report as PDF bytes."""
    from weasyprint import HTML

    # No base URL: the page references nothing outside itself, and WeasyPrint fetches nothing.
    return HTML(string=to_html(report)).write_pdf()


def render(report: dict[str, Any], fmt: str) -> bytes:
    """HTML (UTF-8) or PDF bytes."""
    if fmt not in FORMATS:
        raise ReportError(f"format '{fmt}' is not pdf or html")
    return to_pdf(report) if fmt == "pdf" else to_html(report).encode()
