"""Issue 16's last loose ends: alert times in the workspace's zone, ?stat= through the KPI page's
series and tables, like-for-like per-period API rows, OKR rows by KPI name, narrow chart axes, the
incremental revenue catalog text. Figures worked out by hand."""

from __future__ import annotations

import datetime as dt

from pulso import alerts
from pulso.alerts.detect import localized
from pulso.alerts.texts import render
from pulso.engine import Engine

UTC = dt.timezone.utc


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_unanswered_lead_alert_says_the_workspace_time(store):
    store.set_setting("timezone", "Europe/Madrid")
    # arrived 2026-01-10 23:30 UTC = 2026-01-11 00:30 CET (UTC+1 in winter); never answered
    store.upsert_many({"leads": [{"id": "L1", "name": "Lead 1", "created_at": dt.datetime(2026, 1, 10, 23, 30, tzinfo=UTC)}]})
    engine = Engine(store)
    alerts.create_rule(store, engine, kind="unanswered", params={"hours": 24})
    now = dt.datetime(2026, 1, 12, 12, 0, tzinfo=UTC)  # 36.5 h later
    [alert] = alerts.run(store, engine, now)["raised"]
    es, en = _plain(localized(alert, "es")[1]), _plain(localized(alert, "en")[1])
    assert "llegó el 11 ene 2026, 0:30 CET y está sin respuesta" in es, es
    assert "arrived on Jan 11, 2026, 12:30 AM CET and has had no answer" in en, en
    assert "UTC" not in es + en


def test_an_alert_stored_with_the_old_utc_message_still_reads():
    old = {"title": "Lead sin respuesta en {hours} h: {name}",
           "message": "El lead {name} (responsable {owner}) llegó el {at} UTC y está sin respuesta desde hace "
                      "{waited} h; el plazo es de {hours} h.",
           "args": {"name": "Lead 1", "owner": "Ana", "at": "2026-05-03 06:00", "hours": {"number": 24, "digits": 0},
                    "waited": {"number": 30, "digits": 0}}}
    assert render(old, "en", strict=True)[1] == ("The lead Lead 1 (owner Ana) arrived on 2026-05-03 06:00 UTC and has "
                                                 "had no answer for 30 h; the limit is 24 h.")
