"""Issue 12: what query parameters may reveal or break.

- Finding 12: a filter chip names an owner, team or campaign only when the caller may see it.
- Finding 13: far dates and huge page numbers are a 400 with the app's error page, never a 500.
- Finding 9: an API CSV download neutralises formula-looking cells exactly as the web export does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from markupsafe import escape

from conftest import sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.store import schema  # noqa: E402


# -- finding 12: filter chips ------------------------------------------------------------------

def _rows(web_app, table: str) -> list[dict]:
    services = web_app.state.services
    return services.run(services.store.rows, table)


def _chip(dim_label: str, value: str) -> str:
    return f'<span class="chip">{dim_label} = {escape(value)}</span>'


def _shown(html: str, name: str) -> bool:
    return name in html or str(escape(name)) in html


@pytest.fixture(scope="module")
def facts(web_app, web_workspace) -> dict:
    """Who is who in the demo, worked out from its rows: the rep's and the manager's teams,
    a user and a team outside each, a campaign."""
    users, teams = _rows(web_app, "users"), _rows(web_app, "teams")
    rep = next(u for u in users if u["id"] == web_workspace["signins"]["rep"]["id"])
    manager = next(u for u in users if u["id"] == web_workspace["signins"]["manager"]["id"])
    managed = sorted(t["id"] for t in teams if t["manager_id"] == manager["id"]) or [manager["team_id"]]
    team_of_manager = managed[0]
    names = {u["id"]: u["name"] for u in users} | {t["id"]: t["name"] for t in teams}

    def distinct(name: str, others: list[str]) -> bool:  # no name inside another shown on the page
        return all(name not in o and o not in name for o in others)

    outsider = next(u for u in users if u["team_id"] not in (rep["team_id"], team_of_manager)
                    and distinct(u["name"], [rep["name"], manager["name"]]))
    teammate = next(u for u in users if u["team_id"] == team_of_manager and u["id"] != manager["id"]
                    and u["id"] != rep["id"] and distinct(u["name"], [rep["name"], manager["name"]]))
    other_team = next(t for t in teams if t["id"] not in (rep["team_id"], team_of_manager)
                      and distinct(t["name"], [rep["name"], manager["name"], names[rep["team_id"]]]))
    campaign = _rows(web_app, "campaigns")[0]
    return {"rep": rep, "manager": manager, "team_of_manager": team_of_manager, "outsider": outsider,
            "teammate": teammate, "other_team": other_team, "campaign": campaign, "names": names}


def test_a_rep_cannot_look_up_names_outside_their_scope(clients, facts):
    rep = clients["rep"]
    for path in ("/", "/sales", "/kpi/revenue_won"):
        outsider = facts["outsider"]
        html = rep.get(path, params={"owner": outsider["id"]}).text
        assert not _shown(html, outsider["name"]), f"{path}: the rep sees the name of {outsider['id']}"
        assert _chip("Comercial", outsider["id"]) in html  # the value as typed, nothing more
        team = facts["other_team"]
        html = rep.get(path, params={"team": team["id"]}).text
        assert not _shown(html, team["name"]) and _chip("Equipo", team["id"]) in html
        campaign = facts["campaign"]
        html = rep.get(path, params={"campaign": campaign["id"]}).text
        assert not _shown(html, campaign["name"]) and _chip("Campaña", campaign["id"]) in html


def test_an_unknown_id_and_an_id_outside_the_scope_look_the_same(clients, facts):
    rep = clients["rep"]
    outside = rep.get("/", params={"owner": facts["outsider"]["id"]}).text
    missing = rep.get("/", params={"owner": "no-such-user"}).text
    assert _chip("Comercial", facts["outsider"]["id"]) in outside and _chip("Comercial", "no-such-user") in missing


def test_names_inside_the_scope_are_still_shown(clients, facts):
    rep, manager, admin = clients["rep"], clients["manager"], clients["admin"]
    me = facts["rep"]
    assert _chip("Comercial", me["name"]) in rep.get("/", params={"owner": me["id"]}).text
    own_team = me["team_id"]
    assert _chip("Equipo", facts["names"][own_team]) in rep.get("/", params={"team": own_team}).text
    teammate = facts["teammate"]
    assert _chip("Comercial", teammate["name"]) in manager.get("/", params={"owner": teammate["id"]}).text
    outsider = facts["outsider"]
    html = manager.get("/", params={"owner": outsider["id"]}).text
    assert not _shown(html, outsider["name"]) and _chip("Comercial", outsider["id"]) in html
    html = manager.get("/", params={"team": facts["other_team"]["id"]}).text
    assert not _shown(html, facts["other_team"]["name"])
    campaign = facts["campaign"]
    assert not _shown(manager.get("/", params={"campaign": campaign["id"]}).text, campaign["name"])
    assert _chip("Comercial", outsider["name"]) in admin.get("/", params={"owner": outsider["id"]}).text
    assert _chip("Campaña", campaign["name"]) in admin.get("/", params={"campaign": campaign["id"]}).text


# -- finding 13: far dates and huge pages --------------------------------------------------------

FAR = [
    ("/", {"at": "9999-12-31"}, "at"),
    ("/", {"at": "0001-01-01"}, "at"),
    ("/sales", {"period": "custom", "from": "9999-12-31"}, "from"),
    ("/sales", {"period": "custom", "from": "2026-01-01", "to": "9999-12-31"}, "to"),
    ("/retention", {"period": "year", "at": "1899-12-31"}, "at"),
    ("/kpi/close_rate", {"page": "99999999999999999999999"}, "page"),
    ("/kpi/close_rate", {"page": "40002"}, "page"),
    ("/sparklines", {"keys": "close_rate", "at": "9999-12-31"}, "at"),
]


@pytest.mark.parametrize("path, params, field", FAR)
def test_far_dates_and_huge_pages_are_a_clear_400(clients, path, params, field):
    for role in ("admin", "rep"):
        page = clients[role].get(path, params=params)
        assert page.status_code == 400, page.text[:300]
        assert 'data-testid="error"' in page.text  # the app's error page
        assert f"'{field}'" in page.text.replace("&#39;", "'")  # names the parameter
        if path != "/sparklines":
            twin = clients[role].get(path + ".json" if path != "/" else "/index.json", params=params)
            assert twin.status_code == 400 and f"'{field}'" in twin.json()["error"]


def test_the_edges_of_the_allowed_years_still_answer(clients):
    admin = clients["admin"]
    for params in ({"period": "year", "at": "1900-01-01"}, {"period": "month", "at": "2199-12-31"},
                   {"period": "custom", "from": "2195-01-01", "to": "2199-12-31", "grain": "year"}):
        assert admin.get("/sales", params=params).status_code == 200, params
    assert admin.get("/kpi/close_rate", params={"page": "40001"}).status_code == 200


def test_period_errors_are_in_the_readers_language(web_app, web_workspace, clients):
    from pulso.web.auth import set_locale

    services, sessions = web_app.state.services, web_app.state.sessions
    viewer = web_workspace["signins"]["viewer"]["id"]
    spanish = clients["viewer"].get("/", params={"at": "9999-12-31"}).text.replace("&#39;", "'")
    assert "Periodo no válido" in spanish and "'at' debe caer entre 1900 y 2199" in spanish
    services.run(set_locale, services.store, viewer, "en")
    sessions.forget_user(viewer)
    try:
        english = clients["viewer"].get("/", params={"at": "9999-12-31"}).text.replace("&#39;", "'")
        assert "Invalid period" in english and "'at' must fall between 1900 and 2199" in english
        english = clients["viewer"].get("/kpi/close_rate", params={"page": "10" * 20}).text.replace("&#39;", "'")
        assert "'page' must be a number between 1 and 40001" in english
    finally:
        services.run(set_locale, services.store, viewer, "es")
        sessions.forget_user(viewer)


# -- finding 9: one CSV writer for the API and the web -------------------------------------------

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)"]
AS_OF = dt.date(2026, 3, 31)


def _formula_workspace(store) -> None:
    """A rep with four customers, each with a won deal in March 2026, whose `segment` a spreadsheet would run.

    The records are written through the store; the formula-looking segments are then set with
    a plain UPDATE, below the store's checks, as a workspace written before those checks (or by
    another tool) holds them."""
    at = "2026-03-02T10:00:00"
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte"}],
        "users": [{"id": "a1", "name": "Ana Admin", "email": "a1@example.com", "role": "admin", "created_at": at},
                  {"id": "r1", "name": "Rita Rep", "email": "r1@example.com", "role": "rep", "team_id": "t1",
                   "created_at": at}],
        "accounts": [{"id": f"acc{i}", "name": f"Cliente {i}", "owner_id": "r1", "created_at": at, "segment": "smb"}
                     for i in range(len(FORMULAS))],
        "stages": [{"id": "s-won", "name": "Ganada", "position": 1, "kind": "won", "probability": 1.0}],
        "deals": [{"id": f"d{i}", "account_id": f"acc{i}", "owner_id": "r1", "amount": 100 * (i + 1), "currency": "EUR",
                   "stage_id": "s-won", "status": "won", "created_at": at, "closed_at": "2026-03-20T10:00:00"} for i in range(len(FORMULAS))],
    })
    with store.connect() as conn:
        for i, text in enumerate(FORMULAS):
            conn.execute(sa.update(schema.accounts).where(schema.accounts.c.id == f"acc{i}").values(segment=text))


def _cells(body: str, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))]


@pytest.fixture
def formula_app(store):
    """The app on the formula workspace (each backend), an admin's API client and web client."""
    from pulso import tokens
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_password

    _formula_workspace(store)
    secret = tokens.create(store, "sheet", role="admin").secret
    set_password(store, "a1", "a long test password")
    app = create_app(WebSettings(store=Settings(store.url), secret_key="csv", strict_i18n=True, today=AS_OF))
    api = TestClient(app, headers={"Authorization": f"Bearer {secret}"}, client=("10.7.0.1", 5000))
    web = TestClient(app, client=("10.7.0.2", 5000))
    assert sign_in(web, "a1@example.com", "a long test password").status_code == 303
    yield api, web
    app.state.services.close()


def test_api_csv_neutralises_formulas_as_the_web_export_does(formula_app):
    api, web = formula_app
    expected = sorted("'" + text for text in FORMULAS)  # a leading apostrophe: shown, never run
    span = {"from": "2026-03-01", "to": "2026-03-31"}
    values = api.get("/api/v1/kpis/revenue_won/values", params={**span, "by": "segment", "format": "csv"})
    assert values.status_code == 200, values.text[:300]
    assert sorted(_cells(values.text, "segment")) == expected
    drill = api.get("/api/v1/kpis/revenue_won/drill", params={**span, "format": "csv"})
    assert drill.status_code == 200 and sorted(_cells(drill.text, "segment")) == expected
    assert sorted(_cells(drill.text, "id")) == ["d0", "d1", "d2", "d3"]  # plain text is left as it is
    export = web.get("/kpi/revenue_won/export.csv", params={"period": "month", "at": "2026-03-01", "by": "segment"})
    assert export.status_code == 200 and sorted(_cells(export.content.decode("utf-8-sig"), "segment")) == expected
    # amounts are numbers, not text to escape: the '-1' customer's deal is d2, 300
    api_rows = {r["segment"]: r["value"] for r in csv.DictReader(io.StringIO(values.text))}
    assert float(api_rows["'-1"]) == 300.0


def test_a_nul_in_a_page_filter_is_a_400_on_every_backend(formula_app):
    """PostgreSQL cannot compare text holding NUL: the filter is refused before it reaches the engine."""
    _, web = formula_app
    for path, params in (("/kpi/revenue_won", {"segment": "a\x00b"}), ("/sales", {"owner": "\x00"}),
                         ("/kpi/revenue_won/export.csv", {"segment": "\x00", "by": "segment"}),
                         ("/sparklines", {"keys": "revenue_won", "segment": "\x00"})):
        response = web.get(path, params=params)
        assert response.status_code == 400, (path, response.text[:300])
        name = next(k for k, v in params.items() if "\x00" in v)
        assert f"'{name}' no puede contener el carácter NUL" in response.text.replace("&#39;", "'")
