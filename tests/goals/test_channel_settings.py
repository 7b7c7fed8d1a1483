"""Issue 14, item 3: which settings say where notifications go, and what values they take, is known
by the alerts package (`pulso.alerts.channels`), not by the command line; the CLI only prefixes its
option's name. Nothing is stored when a value is refused."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pulso.errors import GoalError

ALL = ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_password", "smtp_from",
       "alert_webhook_url", "webhook_allow_hosts", "alert_interval_minutes", "report_hour", "language")


def test_the_alerts_package_lists_and_checks_the_channel_settings():
    from pulso.alerts.channels import SETTINGS, check_settings

    assert SETTINGS == ALL
    check_settings({"smtp_host": "mail.example.com", "smtp_port": "587", "smtp_security": "starttls",
                    "report_hour": "7", "alert_interval_minutes": "0"})
    check_settings({})
    for values, message in [
        ({"password": "x", "smtp_host": "h"}, "unknown setting(s) password; use: smtp_host, smtp_port,"),
        ({"smtp_port": "abc"}, "smtp_port must be a whole number, not 'abc'"),
        ({"report_hour": "-1"}, "report_hour must be a whole number, not '-1'"),
        ({"smtp_security": "tls"}, "smtp_security is none, starttls or ssl"),
    ]:
        with pytest.raises(GoalError) as caught:
            check_settings(values)
        assert str(caught.value).startswith(message), values
        assert not str(caught.value).startswith("--set")  # the option's name is the CLI's to add


def test_the_cli_says_what_it_said_and_stores_nothing(store):
    from pulso.cli import app

    store.set_setting("smtp_host", "before.example.com")
    url = store.settings.database_url
    runner = CliRunner()
    refused = runner.invoke(app, ["alerts", "channels", "--set", "smtp_host=after.example.com",
                                  "--set", "smtp_port=abc", "--db", url])
    assert refused.exit_code == 1 and isinstance(refused.exception, GoalError)
    assert str(refused.exception) == "--set: smtp_port must be a whole number, not 'abc'"
    unknown = runner.invoke(app, ["alerts", "channels", "--set", "nope=1", "--db", url])
    assert str(unknown.exception) == "--set: unknown setting(s) nope; use: " + ", ".join(ALL)
    assert store.settings_dict()["smtp_host"] == "before.example.com"
