"""Users and roles at /admin/users (issue 17 item 3) and the public /welcome/{token}, on DuckDB and
PostgreSQL: each action and what it leaves in the store, 403 for other roles, the one-time link
(once, 72 hours), the last-admin guard, hostile input, the e-mail through a real local SMTP server,
and one Chromium run at 390 and 1280 px."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from conftest import csrf_of, sign_in  # noqa: E402
from test_workspace_leads import _database, _site, live  # noqa: E402,F401  (the same small demo site; `live` serves one)
from pulso import audit, users  # noqa: E402
from pulso.store import schema  # noqa: E402
from support import smtp_server  # noqa: E402

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens17"
GOOD = "caballo bateria grapa"  # 21 characters, not on the common list


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def site(request, tmp_path_factory):
    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    out = _site(_database(request.param, tmp_path_factory, pg))
    yield out
    out["app"].state.services.close()


def _post(client: TestClient, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_of(client.get("/admin/users").text)}, follow_redirects=False)


def _raw(store, name: str) -> list[dict]:
    """Every row of a sign-in table (not a canonical one: store.rows does not read them), by its key."""
    table = schema.metadata.tables[name]
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()]


def _users(store) -> dict[str, dict]:
    return {u["id"]: u for u in store.rows("users")}


def _state(store) -> tuple:
    """Everything a refused change must leave as it was."""
    return (store.rows("users"), store.rows("teams"), sorted(r["user_id"] for r in _raw(store, "user_credentials")),
            len(_raw(store, "user_invites")), len(_raw(store, "user_sessions")))


def _actions(store, action: str) -> list[dict]:
    return [e for e in audit.entries(store, actions=[action], limit=1000)]


def _link(html: str) -> str:
    return re.search(r'data-testid="users-link-url">(http[^<]+/welcome/[^<]+)<', html).group(1)


def _add(site, name: str, email: str, **extra) -> tuple[dict, str]:
    response = _post(site["clients"]["admin"], "/admin/users", {"name": name, "email": email, "role": "rep", **extra})
    assert response.status_code == 200, response.text
    added = next(u for u in site["store"].rows("users") if u["email"] == email)
    return added, _link(response.text)


def _welcome(client: TestClient, url: str, password: str, repeat: str | None = None):
    path = url.split("testserver", 1)[-1]
    page = client.get(path)
    return client.post(path, data={"password": password, "repeat": password if repeat is None else repeat,
                                   "csrf_token": csrf_of(page.text)}, follow_redirects=False)


# -- who opens it -----------------------------------------------------------------------------


def test_only_admins_open_the_page_and_its_forms(site):
    store = site["store"]
    before = _state(store)
    for role in ("manager", "rep", "viewer"):
        client = site["clients"][role]
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/users.json").status_code == 403
        token = csrf_of(client.get("/").text)  # a good CSRF token of their own session
        for path, data in (("/admin/users", {"name": "Intrusa", "email": "intrusa@example.com"}),
                           (f"/admin/users/{site['signins'][role]['id']}", {"role": "admin"}),
                           (f"/admin/users/{site['signins']['admin']['id']}/active", {"active": ""}),
                           ("/admin/teams", {"name": "Equipo pirata"})):
            assert client.post(path, data={**data, "csrf_token": token}, follow_redirects=False).status_code == 403
    admin = site["clients"]["admin"]
    assert admin.post("/admin/users", data={"name": "Sin token", "email": "sintoken@example.com"}).status_code == 403
    assert _state(store) == before
    assert "/admin/users" in admin.get("/").text  # in the admin's navigation
    assert "/admin/users" not in site["clients"]["manager"].get("/").text


def test_the_list_names_roles_in_words_teams_managers_and_last_sign_in(site):
    store = site["store"]
    body = site["clients"]["admin"].get("/admin/users.json").json()
    stored = _users(store)
    assert {u["id"] for u in body["users"]} == set(stored)
    listed = {u["id"]: u for u in body["users"]}
    rep = listed[site["signins"]["rep"]["id"]]
    assert rep["role_text"] == "Comercial" and rep["email"] == site["signins"]["rep"]["email"]
    team = next(t for t in store.rows("teams") if t["id"] == stored[rep["id"]]["team_id"])
    assert rep["team"] == team["name"] and rep["manager"] == stored[team["manager_id"]]["name"]
    admin = listed[site["signins"]["admin"]["id"]]
    assert admin["last_sign_in"] is not None and admin["last_sign_in_text"] != "nunca"  # signed in by the fixture
    never = next(u for u in body["users"] if not u["can_sign_in"])
    assert never["last_sign_in"] is None and never["last_sign_in_text"] == "nunca"
    assert [r["key"] for r in body["roles"]] == ["admin", "manager", "rep", "viewer"]
    assert next(r for r in body["roles"] if r["key"] == "rep")["text"].startswith("Comercial: ve y edita sus propios registros")
    assert all("link" not in u and "token" not in str(u) for u in body["users"]) and body["link"] is None


# -- add, invite, the link -------------------------------------------------------------------------


def test_an_invited_user_sets_a_password_once_and_is_signed_in(site):
    store = site["store"]
    team = store.rows("teams")[0]
    added, url = _add(site, "Inés Nueva", "ines.nueva@example.com", team_id=team["id"])
    assert (added["name"], added["role"], added["team_id"], added["active"]) == ("Inés Nueva", "rep", team["id"], True)
    token = url.rsplit("/", 1)[1]
    invites = [i for i in _raw(store, "user_invites") if i["user_id"] == added["id"]]
    assert [i["id"] for i in invites] == [hashlib.sha256(token.encode()).hexdigest()]  # only its hash is kept
    expires = invites[0]["expires_at"].replace(tzinfo=dt.timezone.utc) - invites[0]["created_at"].replace(tzinfo=dt.timezone.utc)
    assert expires == dt.timedelta(hours=72)
    assert added["id"] not in {r["user_id"] for r in _raw(store, "user_credentials")}
    assert [e["target_id"] for e in _actions(store, "users.add")].count(added["id"]) == 1
    browser = TestClient(site["app"], client=("10.7.1.1", 5000))
    weak = _welcome(browser, url, "1234567890")
    assert weak.status_code == 422 and 'data-testid="welcome-error"' in weak.text
    assert _welcome(browser, url, GOOD, GOOD + "x").status_code == 422  # the two differ
    assert added["id"] not in {r["user_id"] for r in _raw(store, "user_credentials")}
    done = _welcome(browser, url, GOOD)
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert browser.get("/today.json").json()["page"] == "today"  # signed in
    assert added["id"] in {r["user_id"] for r in _raw(store, "user_credentials")}
    again = TestClient(site["app"])
    assert again.get(url.split("testserver", 1)[-1]).status_code == 404  # once
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert again.get(f"/welcome/{tampered}").status_code == 404
    nonce = csrf_of(again.get("/signin").text)  # a good anonymous CSRF token: the used link still refuses
    assert again.post(f"/welcome/{token}", data={"password": GOOD, "repeat": GOOD, "csrf_token": nonce}).status_code == 404
    assert sign_in(TestClient(site["app"], client=("10.7.1.2", 5000)), "ines.nueva@example.com", GOOD).status_code == 303


def test_a_link_expires_after_72_hours(site):
    store = site["store"]
    added, _ = _add(site, "Tardía Pérez", "tardia@example.com")
    old = users.invite(store, added["id"], actor=audit.SYSTEM, now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=72, minutes=1))
    fresh = users.invite(store, added["id"], actor=audit.SYSTEM, now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=71))
    client = TestClient(site["app"])
    assert client.get(f"/welcome/{old.token}").status_code == 404
    assert client.get(f"/welcome/{fresh.token}").status_code == 200
    assert _welcome(client, f"http://testserver/welcome/{fresh.token}", GOOD).status_code == 303


def test_the_link_goes_by_e_mail_through_a_real_smtp_server(site):
    store = site["store"]
    unset = _post(site["clients"]["admin"], "/admin/users", {"name": "Sin Correo", "email": "sincorreo@example.com", "send": "email"})
    assert unset.status_code == 200 and 'data-testid="users-mail-problem"' in unset.text and "SMTP" in unset.text
    try:
        with smtp_server() as smtp:
            for key, value in (("smtp_host", "127.0.0.1"), ("smtp_port", str(smtp["port"])), ("smtp_from", "pulso@example.com")):
                store.set_setting(key, value)
            sent = _post(site["clients"]["admin"], "/admin/users", {"name": "Con Correo", "email": "concorreo@example.com", "send": "email"})
    finally:
        store.set_setting("smtp_host", "")
    received = smtp["received"]
    assert sent.status_code == 200 and 'data-testid="users-emailed"' in sent.text
    url = _link(sent.text)
    assert [m["to"] for m in received] == [["concorreo@example.com"]]
    assert url in received[0]["message"].get_body(("plain",)).get_content()
    assert received[0]["message"]["Subject"] == "Tu acceso a Pulso"


# -- changes -------------------------------------------------------------------------------------


def test_role_team_and_name_change_and_are_audited(site):
    store = site["store"]
    added, _ = _add(site, "Cambio Total", "cambio@example.com")
    team = store.rows("teams")[-1]
    response = _post(site["clients"]["admin"], f"/admin/users/{added['id']}", {"name": "Cambio Parcial", "role": "manager", "team_id": team["id"]})
    assert response.status_code == 303
    now = _users(store)[added["id"]]
    assert (now["name"], now["role"], now["team_id"]) == ("Cambio Parcial", "manager", team["id"])
    change = [e for e in _actions(store, "users.role_change") if e["target_id"] == added["id"]]
    assert len(change) == 1 and change[0]["detail"]["from"] == "rep" and change[0]["detail"]["to"] == "manager"
    assert _post(site["clients"]["admin"], f"/admin/users/{added['id']}", {"name": "Cambio Parcial", "role": "manager", "team_id": ""}).status_code == 303
    assert _users(store)[added["id"]]["team_id"] is None


def test_deactivating_ends_sessions_at_once_and_reactivating_revives_none(site):
    store = site["store"]
    added, url = _add(site, "Baja Temporal", "baja@example.com")
    browser = TestClient(site["app"], client=("10.7.1.3", 5000))
    assert _welcome(browser, url, GOOD).status_code == 303 and browser.get("/today.json").status_code == 200
    assert _post(site["clients"]["admin"], f"/admin/users/{added['id']}/active", {"active": ""}).status_code == 303
    assert _users(store)[added["id"]]["active"] is False
    assert added["id"] not in {s["user_id"] for s in _raw(store, "user_sessions")}
    assert browser.get("/today.json").status_code == 401  # at once: the server's memory is dropped too
    assert sign_in(TestClient(site["app"], client=("10.7.1.4", 5000)), "baja@example.com", GOOD).status_code == 401
    assert _post(site["clients"]["admin"], f"/admin/users/{added['id']}/active", {"active": "1"}).status_code == 303
    assert _users(store)[added["id"]]["active"] is True
    assert browser.get("/today.json").status_code == 401  # the old session stays ended
    assert {e["target_id"] for e in _actions(store, "users.deactivate")} >= {added["id"]}
    assert {e["target_id"] for e in _actions(store, "users.reactivate")} >= {added["id"]}


def test_a_password_reset_ends_sessions_and_the_old_password(site):
    store = site["store"]
    added, url = _add(site, "Olvido Clave", "olvido@example.com")
    browser = TestClient(site["app"], client=("10.7.1.5", 5000))
    assert _welcome(browser, url, GOOD).status_code == 303
    reset = _post(site["clients"]["admin"], f"/admin/users/{added['id']}/link", {"reset": "1"})
    assert reset.status_code == 200
    assert browser.get("/today.json").status_code == 401
    assert added["id"] not in {r["user_id"] for r in _raw(store, "user_credentials")}
    assert sign_in(TestClient(site["app"], client=("10.7.1.6", 5000)), "olvido@example.com", GOOD).status_code == 401
    assert _welcome(TestClient(site["app"]), _link(reset.text), "otra clave nueva larga").status_code == 303
    assert [e["target_id"] for e in _actions(store, "users.password_reset")].count(added["id"]) == 1


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(site):
    store = site["store"]
    me = site["signins"]["admin"]["id"]
    others = [u["id"] for u in store.rows("users") if u["role"] == "admin" and u["active"] and u["id"] != me]
    store.upsert("users", [{"id": i, "active": False} for i in others])
    try:
        before = _state(store)
        for path, data in ((f"/admin/users/{me}", {"role": "manager"}), (f"/admin/users/{me}/active", {"active": ""})):
            response = _post(site["clients"]["admin"], path, data)
            assert response.status_code == 422 and 'data-testid="users-error"' in response.text
            assert "única persona con el rol de administración" in response.text
        assert _state(store) == before
        other, _ = _add(site, "Segunda Admin", "segunda@example.com")
        assert _post(site["clients"]["admin"], f"/admin/users/{other['id']}", {"role": "admin"}).status_code == 303
        assert _post(site["clients"]["admin"], f"/admin/users/{other['id']}/active", {"active": ""}).status_code == 303  # two admins: fine
        assert _users(store)[other["id"]]["active"] is False
    finally:
        store.upsert("users", [{"id": i, "active": True} for i in others])


@pytest.mark.parametrize("path, data", [
    ("/admin/users", {"name": "<script>alert(1)</script>", "email": "xss@example.com"}),
    ("/admin/users", {"name": "N" * 5000, "email": "largo@example.com"}),
    ("/admin/users", {"name": "Correo Largo", "email": "a" * 3000 + "@example.com"}),
    ("/admin/users", {"name": "Otra Vez", "email": "ADMIN"}),  # replaced below by the admin's e-mail in capitals
    ("/admin/users", {"name": "Sin Equipo", "email": "equipo@example.com", "team_id": "team-que-no-existe"}),
    ("/admin/users", {"name": "Rol Raro", "email": "rol@example.com", "role": "superadmin"}),
    ("/admin/users/usr-manipulado", {"role": "admin"}),
    ("/admin/users/usr-manipulado/active", {"active": ""}),
    ("/admin/users/usr-manipulado/link", {"reset": "1"}),
    ("/admin/users/SELF", {"team_id": "team-que-no-existe"}),
    ("/admin/teams", {"name": "<b>Equipo</b>"}),
    ("/admin/teams", {"name": "Equipo Fantasma", "manager_id": "usr-manipulado"}),
    ("/admin/teams/team-manipulado", {"name": "Renombrado"}),
])
def test_hostile_input_gets_an_inline_message_and_changes_nothing(site, path, data):
    store = site["store"]
    if data.get("email") == "ADMIN":
        data = {**data, "email": site["signins"]["admin"]["email"].upper()}
    path = path.replace("SELF", site["signins"]["rep"]["id"])
    before = _state(store)
    response = _post(site["clients"]["admin"], path, data)
    assert response.status_code == 422 and 'data-testid="users-error"' in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert _state(store) == before


def test_teams_are_created_renamed_and_given_a_manager(site):
    store = site["store"]
    manager = site["signins"]["manager"]["id"]
    assert _post(site["clients"]["admin"], "/admin/teams", {"name": "Equipo Sur", "manager_id": ""}).status_code == 303
    team = next(t for t in store.rows("teams") if t["name"] == "Equipo Sur")
    assert team["manager_id"] is None
    assert _post(site["clients"]["admin"], f"/admin/teams/{team['id']}", {"name": "Equipo Sur-Este", "manager_id": manager}).status_code == 303
    now = next(t for t in store.rows("teams") if t["id"] == team["id"])
    assert (now["name"], now["manager_id"]) == ("Equipo Sur-Este", manager)
    assert _post(site["clients"]["admin"], f"/admin/teams/{team['id']}", {"name": "Equipo Sur-Este", "manager_id": ""}).status_code == 303
    assert next(t for t in store.rows("teams") if t["id"] == team["id"])["manager_id"] is None
    assert {e["target_id"] for e in _actions(store, "users.team_add")} >= {team["id"]}
    assert [e["target_id"] for e in _actions(store, "users.team_update")].count(team["id"]) == 2
    listed = site["clients"]["admin"].get("/admin/users.json").json()["teams"]
    assert next(t for t in listed if t["id"] == team["id"])["name"] == "Equipo Sur-Este"


def test_the_page_in_english(site):
    admin = site["clients"]["admin"]
    token = csrf_of(admin.get("/admin/users").text)
    admin.post("/preferences/language", data={"lang": "en", "next": "/", "csrf_token": token})
    try:
        page = admin.get("/admin/users")
        assert page.status_code == 200 and "Users and roles" in page.text
        assert "Sales rep: sees and edits their own records" in page.text
    finally:
        admin.post("/preferences/language", data={"lang": "es", "next": "/", "csrf_token": csrf_of(admin.get("/").text)})


# -- Chromium ----------------------------------------------------------------------------------


def test_in_chromium_the_users_page_fits_a_phone_and_a_desk(live):
    from playwright.sync_api import sync_playwright

    info = live["signins"]["admin"]
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(live["base"] + "/signin")
                page.fill('input[name="email"]', info["email"])
                page.fill('input[name="password"]', info["password"])
                page.click('button[type="submit"]')
                page.goto(live["base"] + "/admin/users")
                page.fill('[data-testid="user-name"]', f"Persona {width}")
                page.fill('[data-testid="user-email"]', f"persona{width}@example.com")
                page.click('[data-testid="user-add"]')
                page.wait_for_selector('[data-testid="users-link-url"]')
                url = page.inner_text('[data-testid="users-link-url"]')
                assert f"Persona {width}" in page.inner_text('[data-testid="users-list"]')
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(SCREENS / f"admin-users-{width}.png"), full_page=True)
                welcome = browser.new_page(viewport={"width": width, "height": 900})
                welcome.goto(url)
                assert welcome.evaluate("document.documentElement.scrollWidth") <= width
                welcome.screenshot(path=str(SCREENS / f"welcome-{width}.png"), full_page=True)
                welcome.fill('[data-testid="welcome-password"]', GOOD)
                welcome.fill('[data-testid="welcome-repeat"]', GOOD)
                welcome.click('[data-testid="welcome-submit"]')
                welcome.wait_for_url(live["base"] + "/")
                welcome.close()
                page.close()
        finally:
            browser.close()
