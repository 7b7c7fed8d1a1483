"""Alerts in the reader's language: every alert text is a msgid of the gettext catalog with its
parameters, rendered for each reader — an e-mail recipient in their stored locale, a webhook in
the workspace's `language`, the inbox in the reader's — with numbers and money written for that
language and people and teams by name. Real local SMTP and HTTP servers, no mocks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from pulso import alerts
from pulso.alerts import channels
from pulso.alerts.detect import localized
from pulso.engine import Engine
from pulso.errors import GoalError
from pulso.store import signin
from pulso.store import tables_goals as T

from goals.conftest import smtp_server, tiny, webhook_server  # noqa: F401 (fixtures)
from goals.helpers import UTC, at, use_smtp

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _speakers(store) -> None:
    """Ana (u1) reads Spanish, Bea (u2) English: their stored locale; one lead of Ana's unanswered for 30 h."""
    for user, lang in (("u1", "es"), ("u2", "en")):
        signin.set_credential(store, user, "not-a-real-hash", NOW)
        signin.set_locale(store, user, lang)
    store.upsert("leads", [{"id": "L1", "name": "Lead 1", "owner_id": "u1", "created_at": at("2026-05-03T06:00:00")}])


def test_each_recipient_reads_the_alert_in_their_language_and_the_webhook_in_the_workspace_language(
        tiny, smtp_server, webhook_server):  # noqa: F811
    _speakers(tiny)
    use_smtp(tiny, smtp_server)
    tiny.set_setting("webhook_allow_hosts", "127.0.0.1")
    tiny.set_setting("language", "en")  # the workspace's: the webhook, and an address that is nobody's
    engine = Engine(tiny)
    alerts.create_rule(tiny, engine, kind="unanswered", params={"hours": 24}, channel="email",
                       recipients="ana@example.com, bea@example.com, jefa@example.com")
    alerts.create_rule(tiny, engine, kind="unanswered", params={"hours": 24}, channel="webhook",
                       recipients=webhook_server["url"])
    alerts.run(tiny, engine, NOW)

    mails = {tuple(m["to"]): m["message"] for m in smtp_server["received"]}
    assert set(mails) == {("ana@example.com",), ("bea@example.com", "jefa@example.com")}
    spanish, english = mails[("ana@example.com",)], mails[("bea@example.com", "jefa@example.com")]
    assert spanish["Subject"] == "[Pulso] Lead sin respuesta en 24 h: Lead 1"
    assert english["Subject"] == "[Pulso] Lead unanswered after 24 h: Lead 1"
    # the owner by name, never by id
    assert ("El lead Lead 1 (responsable Ana) llegó el 3 may 2026, 6:00 UTC y está sin respuesta desde hace 30 h; "
            "el plazo es de 24 h.") in spanish.get_body().get_content()
    assert ("The lead Lead 1 (owner Ana) arrived on May 3, 2026, 6:00\u202fAM UTC and has had no answer for 30 h; "
            "the limit is 24 h.") in english.get_body().get_content()
    [hook] = [r["json"] for r in webhook_server["received"]]
    assert hook["text"].startswith("Lead unanswered after 24 h: Lead 1\nThe lead Lead 1 (owner Ana)")
    assert [e["status"] for e in alerts.deliveries(tiny)] == ["sent", "sent"]


def test_the_webhook_speaks_spanish_by_default(tiny, webhook_server):  # noqa: F811
    _speakers(tiny)
    tiny.set_setting("webhook_allow_hosts", "127.0.0.1")
    engine = Engine(tiny)
    alerts.create_rule(tiny, engine, kind="unanswered", params={"hours": 24}, channel="webhook",
                       recipients=webhook_server["url"])
    alerts.run(tiny, engine, NOW)
    [hook] = [r["json"] for r in webhook_server["received"]]
    assert hook["text"].startswith("Lead sin respuesta en 24 h: Lead 1\nEl lead Lead 1 (responsable Ana)")


def test_a_stored_alert_renders_later_in_either_language_with_numbers_and_money_of_that_language(tiny):
    engine = Engine(tiny)
    # April 2026 of the tiny workspace: one deal of 1,000 EUR won (by hand: tests/goals/helpers.tiny_records)
    alerts.create_rule(tiny, engine, kind="threshold", kpi="revenue_won", scope="team:t1",
                       params={"op": "below", "threshold": 5000, "grain": "month", "period": "previous"})
    [raised] = alerts.run(tiny, engine, NOW)["raised"]
    assert "en" not in raised["detail"]  # not a frozen pair: the msgids and their parameters
    [stored] = alerts.inbox(tiny)
    assert localized(stored, "es") == ("Ingresos nuevos por debajo de 5.000\xa0€",
                                       "Ingresos nuevos (equipo Norte) fue 1.000\xa0€ en 2026-04, por debajo del umbral 5.000\xa0€.")
    assert localized(stored, "en") == ("New revenue below €5,000",
                                       "New revenue (team Norte) was €1,000 in 2026-04, below the threshold €5,000.")
    # the row's own columns keep the Spanish, for every reader that does not render
    assert (stored["title"], stored["message"]) == localized(stored, "es")


def test_an_alert_stored_with_its_english_beside_still_reads_in_both(tiny):
    rule = alerts.create_rule(tiny, Engine(tiny), kind="threshold", kpi="revenue_won",
                              params={"op": "below", "threshold": 5000})
    detail = {"kpi": "revenue_won", "en": {"title": "New revenue below 5000", "message": "was 1000"}}
    with tiny.connect() as conn:
        conn.execute(sa.insert(T.alerts).values(
            id="alert-old", rule_id=rule["id"], fingerprint="x", raised_at=NOW, title="Ingresos nuevos por debajo de 5000",
            message="fue 1000", detail=json.dumps(detail), scope_kind="company", scope_id=None, status="open"))
    [old] = alerts.inbox(tiny)
    assert localized(old, "en") == ("New revenue below 5000", "was 1000")
    assert localized(old, "es") == ("Ingresos nuevos por debajo de 5000", "fue 1000")


def test_the_workspace_language_is_a_channel_setting_of_es_or_en():
    assert "language" in channels.SETTINGS
    channels.check_settings({"language": "en"})
    with pytest.raises(GoalError, match="language"):
        channels.check_settings({"language": "fr"})


def test_the_email_and_webhook_facts_are_labelled_in_the_readers_language_with_names_not_ids(
        tiny, smtp_server, webhook_server):  # noqa: F811
    """The figures behind an alert and its breakdown: labelled lines in each recipient's language,
    values written for that language, the rep by name. April 2026 of the tiny workspace (by hand,
    tests/goals/helpers.tiny_records): team Norte won one deal of 1,000 EUR, Ana's (u1)."""
    _speakers(tiny)
    use_smtp(tiny, smtp_server)
    tiny.set_setting("webhook_allow_hosts", "127.0.0.1")
    tiny.set_setting("language", "en")
    engine = Engine(tiny)
    params = {"op": "below", "threshold": 5000, "grain": "month", "period": "previous"}
    alerts.create_rule(tiny, engine, kind="threshold", kpi="revenue_won", scope="team:t1", params=params,
                       channel="email", recipients="ana@example.com, bea@example.com")
    alerts.create_rule(tiny, engine, kind="threshold", kpi="revenue_won", scope="team:t1", params=params,
                       channel="webhook", recipients=webhook_server["url"])
    alerts.run(tiny, engine, NOW)

    mails = {tuple(m["to"]): m["message"].get_body().get_content() for m in smtp_server["received"]
             if "Ingresos" in m["message"]["Subject"] or "revenue" in m["message"]["Subject"]}
    spanish, english = mails[("ana@example.com",)], mails[("bea@example.com",)]
    for line in ("Valor: 1.000\xa0€", "Umbral: 5.000\xa0€", "Periodo: 2026-04", "Desglose por responsable:",
                 "  Ana: 1.000\xa0€"):
        assert line in spanish.splitlines(), line
    for line in ("Value: €1,000", "Threshold: €5,000", "Period: 2026-04", "  Ana: €1,000"):
        assert line in english.splitlines(), line
    for text in (spanish, english):
        assert "u1" not in text and "value:" not in text and "threshold:" not in text and "1000.0" not in text
    [hook] = [r["json"] for r in webhook_server["received"]]
    [facts] = [b["elements"][0]["text"] for b in hook["blocks"] if b["type"] == "context"]
    assert "*Value*: €1,000" in facts and "*Threshold*: €5,000" in facts and "*Period*: 2026-04" in facts
    assert "*value*" not in facts
