"""Periodic scorecards (HTML and PDF) and their e-mail schedules. See docs/reports.md.

    from pulso.reports import build, render
    pdf = render(build(store, engine, period="2026-10", scope="company", lang="es"), "pdf")
"""

from pulso.reports.mail import create_schedule, delete_schedule, schedules, send_due, send_schedule
from pulso.reports.render import FORMATS, render, to_html, to_pdf
from pulso.reports.scorecard import build

__all__ = ["FORMATS", "build", "create_schedule", "delete_schedule", "render", "schedules", "send_due",
           "send_schedule", "to_html", "to_pdf"]
