"""Issue 14: the CLI, the web pages and the API share KPI knowledge instead of copying it.

An unknown KPI key gets the same "did you mean" from every door: the catalog's, which finds a KPI
by its key or by either of its names ("tasa_de_cierre" is close_rate's Spanish name; "win_rate"
is in its English name, "Close (win) rate").
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pulso import tokens
from pulso.cli import app as cli_app

PROBES = [("tasa_de_cierre", "close_rate"), ("win_rate", "close_rate")]


@pytest.fixture(scope="module")
def api_client(web_app):
    """An admin token's client on the web tests' app."""
    from fastapi.testclient import TestClient

    services = web_app.state.services
    made = services.run(lambda: tokens.create(services.store, "house doors", role="admin"))
    return TestClient(web_app, headers={"Authorization": f"Bearer {made.secret}"}, client=("10.9.0.1", 5000))


@pytest.mark.parametrize("probe, expected", PROBES)
def test_unknown_kpi_gets_the_same_suggestion_from_each_door(probe, expected, clients, api_client):
    hint = f"did you mean '{expected}'?"
    done = CliRunner().invoke(cli_app, ["kpi", "explain", probe])
    assert done.exit_code != 0 and hint in str(done.exception), done.output
    page = clients["admin"].get(f"/kpi/{probe}", headers={"Accept": "application/json"})
    assert page.status_code == 404 and hint in page.json()["error"], page.text
    api = api_client.get(f"/api/v1/kpis/{probe}/values")
    assert api.status_code == 404 and hint in api.json()["error"]["message"], api.text
    assert api.json()["error"]["code"] == "unknown_kpi"


def test_create_app_subscribes_the_rules_and_runs_the_schedule(tmp_path):
    """The web app, not a route module's import, subscribes the alert rules and starts pulso.jobs."""
    from fastapi.testclient import TestClient

    from pulso import events, jobs
    from pulso.config import Settings
    from pulso.store import Store
    from pulso.web import WebSettings, create_app

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init()
    events._subscribers[:] = [s for s in events._subscribers if s is not jobs.alert_rules_on_data]
    import pulso.web.routes  # noqa: F401  (importing the routes subscribes nothing)

    assert jobs.alert_rules_on_data not in events._subscribers
    app = create_app(WebSettings(store=Settings(url), secret_key="house"))
    assert jobs.alert_rules_on_data in events._subscribers
    with TestClient(app) as client:  # the lifespan: the schedule runs while the app does
        assert client.get("/api/v1/health").status_code in (200, 401)


def test_pages_and_api_answer_the_same_status_for_the_same_error():
    """One table from errors to statuses (pulso.web.errors.ERRORS), read by pages and API alike."""
    from pulso.errors import KpiError, PulsoError, ScopeError, StoreBusyError, StoreError
    from pulso.tokens import TokenError
    from pulso.web.api.errors import to_api_error
    from pulso.web.auth import ThrottledError
    from pulso.web.errors import NotFoundError, classify
    from pulso.web.periods import QueryError

    expected = {TokenError("x"): 400, StoreError("x"): 503, StoreBusyError("x"): 503, NotFoundError("x"): 404,
                ThrottledError("x"): 429, QueryError("x"): 400, KpiError("x"): 400, ScopeError("x"): 403,
                PulsoError("x"): 500}
    for error, status in expected.items():
        assert classify(error)[0] == status == to_api_error(error).status, type(error).__name__


def test_missing_translation_and_report_errors_are_pulso_errors():
    from pulso.errors import GoalError, PulsoError, ReportError
    from pulso.reports.render import render
    from pulso.web.i18n import MissingTranslation, translate

    with pytest.raises(MissingTranslation) as missing:
        translate("Una frase que nadie tradujo", "en", strict=True)
    assert isinstance(missing.value, PulsoError) and isinstance(missing.value, KeyError)
    with pytest.raises(ReportError, match="format 'docx' is not pdf or html") as bad:
        render({}, "docx")
    assert not isinstance(bad.value, GoalError)
