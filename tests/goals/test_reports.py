"""Reports: the scorecard's PDF carries the period's KPI values (computed here by SQL, apart from the
engine), a page is rendered to PNG, and a scheduled e-mail reaches a real local SMTP server."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from pulso import alerts, jobs, reports
from pulso.engine import Engine
from pulso.errors import PulsoError
from pulso import formatting as f

from goals.helpers import UTC, goal_tables_state, use_smtp

ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
pytestmark = pytest.mark.xdist_group("goals-demo")

FEBRUARY = """
    SELECT
      sum(CASE WHEN status = 'won' THEN amount ELSE 0 END) AS revenue,
      sum(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS won,
      sum(CASE WHEN status IN ('won', 'lost') THEN 1 ELSE 0 END) AS closed
    FROM deals
    WHERE closed_at >= TIMESTAMPTZ '2026-02-01 00:00:00+01' AND closed_at < TIMESTAMPTZ '2026-03-01 00:00:00+01'
"""
NEW_CUSTOMERS = """
    SELECT count(*) FROM accounts
    WHERE acquired_at >= TIMESTAMPTZ '2026-02-01 00:00:00+01' AND acquired_at < TIMESTAMPTZ '2026-03-01 00:00:00+01'
"""


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def february_figures(store) -> dict[str, str]:
    """Revenue won, close rate and new customers of February 2026 (Madrid), by plain SQL, formatted."""
    with store.engine.connect() as conn:
        revenue, won, closed = conn.execute(sa.text(FEBRUARY)).one()
        customers = conn.execute(sa.text(NEW_CUSTOMERS)).scalar()
    shown = {"revenue_won": f.fmt_value(float(revenue), "currency", "es", "EUR"),
             "close_rate": f.fmt_value(won / closed, "%", "es", "EUR"),
             "new_customers": f.fmt_value(float(customers), "count", "es", "EUR")}
    return {k: v.replace("\xa0", " ") for k, v in shown.items()}  # pdftotext gives no-break spaces as spaces


def test_pdf_report_shows_the_periods_values(demo, tmp_path):
    engine = Engine(demo)
    data = reports.build(demo, engine, period="2026-02", scope="company", lang="es", today=dt.date(2026, 3, 15))
    text = pdf_text(reports.render(data, "pdf"), tmp_path)
    expected = february_figures(demo)
    assert expected["revenue_won"] != "—"
    for key, shown in expected.items():
        assert shown in text, f"{key} {shown} missing from the PDF"
    assert "Informe de indicadores · Febrero 2026" in text
    assert "Lo que más ha cambiado" in text
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = tmp_path / "report.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "report-2026-02-page1")], check=True)
    png = ARTIFACTS / "report-2026-02-page1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_report_in_english_escapes_names(demo):
    engine = Engine(demo)
    demo.upsert("teams", [{"id": "team-xss", "name": "<script>alert(1)</script>"}])
    data = reports.build(demo, engine, period="2026-Q1", scope="team:team-xss", lang="en", today=dt.date(2026, 3, 15))
    html = reports.render(data, "html").decode()
    assert "KPI scorecard" in html and "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_bad_report_requests(demo):
    engine = Engine(demo)
    before = goal_tables_state(demo, crm=False)
    for kwargs, message in [
        (dict(period="2026-13"), "there is no month 13"),
        (dict(period="octubre"), "period 'octubre' is not valid"),
        (dict(period="2026-W60"), "has no week 60"),
        (dict(period="2026-10", scope="team:nope"), "no team has the id 'nope'"),
        (dict(period="2026-10", lang="fr"), "language 'fr'"),
    ]:
        with pytest.raises(PulsoError, match=message):
            reports.build(demo, engine, **kwargs)
    for kwargs, message in [
        (dict(name="x", frequency="daily", recipients="a@example.com"), "frequency 'daily'"),
        (dict(name="x", frequency="month", recipients="a@example.com; b"), "give e-mail addresses"),
        (dict(name="", frequency="month", recipients="a@example.com"), "name"),
        (dict(name="x", frequency="month", recipients="a@example.com", fmt="docx"), "format 'docx'"),
    ]:
        with pytest.raises(PulsoError, match=message):
            reports.create_schedule(demo, **kwargs)
    assert goal_tables_state(demo, crm=False) == before


def test_scheduled_report_is_emailed_once_with_the_pdf(demo, smtp_server, tmp_path):
    use_smtp(demo, smtp_server)
    schedule = reports.create_schedule(demo, name="Dirección", frequency="month", recipients="dir@example.com")
    engine = Engine(demo)
    clock = {"now": dt.datetime(2026, 3, 2, 5, 0, tzinfo=UTC)}  # 06:00 in Madrid
    scheduler = jobs.Scheduler(demo, lambda: engine, clock=lambda: clock["now"])
    scheduler.tick()
    assert smtp_server["received"] == []  # reports go out at 07:00 local
    clock["now"] = dt.datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Madrid
    scheduler.tick()
    clock["now"] = dt.datetime(2026, 3, 3, 6, 0, tzinfo=UTC)  # the next day: February was sent already
    scheduler.tick()
    assert len(smtp_server["received"]) == 1
    mail = smtp_server["received"][0]
    assert mail["to"] == ["dir@example.com"] and "Febrero 2026" in mail["message"]["Subject"]
    [attachment] = list(mail["message"].iter_attachments())
    assert attachment.get_filename() == "pulso-2026-02.pdf" and attachment.get_content_type() == "application/pdf"
    body = attachment.get_content()
    assert body[:5] == b"%PDF-"
    text = pdf_text(body, tmp_path)
    assert february_figures(demo)["revenue_won"] in text
    assert reports.schedules(demo)[0]["last_period"] == "2026-02"
    assert [e["schedule_id"] for e in alerts.deliveries(demo)] == [schedule["id"]]
