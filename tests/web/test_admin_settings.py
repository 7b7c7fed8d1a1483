"""Issue 17, item 4: the settings page, /admin/settings (admins; JSON twin).

One small workspace per backend: an admin reading Spanish, an admin reading English, a rep, two
deals in USD without a rate (2024-03-01 closed, 2024-03-05 created: two currency-days), an urgent
ticket. What each form stores and what a refused form leaves unchanged are written out by hand.
The tests of this module run in order on one workspace per backend.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient

from pulso.config import Settings
from pulso.store import settings as ws_settings
from pulso.store.signin import set_locale
from pulso.web.auth import set_password

from support import BACKENDS, make_store, smtp_server  # noqa: E402  (tests/ is on sys.path)
from conftest import ARTIFACTS  # noqa: E402

pytestmark = pytest.mark.xdist_group("web-settings")
ADMIN, ENGLISH, REP, PASSWORD = "ada@example.com", "eve@example.com", "rep@example.com", "correct horse battery"
SCREENS = ARTIFACTS.parent / "screens17"


@pytest.fixture(scope="module", params=BACKENDS)
def web(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("settings"), request)
    store.set_setting("currency", "EUR")
    users = [{"id": "u1", "name": "Ada", "email": ADMIN, "role": "admin", "created_at": "2024-01-01"},
             {"id": "u2", "name": "Eve", "email": ENGLISH, "role": "admin", "created_at": "2024-01-01"},
             {"id": "u3", "name": "Rep", "email": REP, "role": "rep", "created_at": "2024-01-01"}]
    store.upsert_many({"users": users,
                       "deals": [{"id": "d1", "status": "won", "amount": 100, "currency": "USD", "created_at": "2024-02-20",
                                  "closed_at": "2024-03-01"},
                                 {"id": "d2", "status": "open", "amount": 200, "currency": "USD", "created_at": "2024-03-05"}],
                       "tickets": [{"id": "t1", "priority": "urgent", "status": "open", "channel": "email",
                                    "owner_id": "u1", "opened_at": "2024-06-01T09:00:00"}]})
    for u in users:
        set_password(store, u["id"], PASSWORD)
    set_locale(store, "u2", "en")
    store.close()
    app = create_app(WebSettings(store=Settings(store.url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    clients = {}
    for role, email in (("admin", ADMIN), ("english", ENGLISH), ("rep", REP)):
        client = TestClient(app, raise_server_exceptions=False)
        client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client.get("/signin").text),
                                     "next": "/"}, follow_redirects=False)
        clients[role] = client
    yield {"app": app, **clients}
    app.state.services.close()


def csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def stored(web) -> dict[str, str]:
    """The workspace's settings, read from the store itself."""
    services = web["app"].state.services
    return services.run(services.store.settings_dict)


def post(web, path: str, data: dict, role: str = "admin"):
    client = web[role]
    return client.post(path, data={"csrf_token": csrf(client.get("/").text), **data}, follow_redirects=False)


def error_of(text: str, field: str) -> str:
    found = re.search(rf'data-testid="error-{re.escape(field)}">([^<]*)<', text)
    assert found, f"no inline error for {field}"
    return html.unescape(found.group(1))


def audited(web, action: str) -> list[dict]:
    from pulso import audit

    services = web["app"].state.services
    return services.run(lambda: audit.entries(services.store, actions=[action]))


SLA = {"priority": ["urgent", "high", "medium", "low", "normal"]}


# -- who may, and what the page shows ---------------------------------------------------------------


def test_a_non_admin_gets_403_and_changes_nothing(web):
    before = stored(web)
    rep = web["rep"]
    assert rep.get("/admin/settings").status_code == 403
    assert rep.get("/admin/settings.json").status_code == 403
    for path, data in (("/admin/settings/general", {"timezone": "Europe/Madrid", "currency": "USD", "fiscal_year_start": "4"}),
                       ("/admin/settings/smtp", {"host": "evil.example.com", "port": "25", "sender": "a@b.co"}),
                       ("/admin/settings/smtp/test", {}), ("/admin/settings/webhook/test", {})):
        assert post(web, path, data, role="rep").status_code == 403
    # an admin without the CSRF token is refused too
    assert web["admin"].post("/admin/settings/general", data={"timezone": "Europe/Madrid", "currency": "USD",
                                                               "fiscal_year_start": "4"}).status_code == 403
    assert stored(web) == before


def test_the_page_has_each_section_and_counts_the_currency_days_without_a_rate(web):
    page = web["admin"].get("/admin/settings")
    assert page.status_code == 200 and 'data-page="settings"' in page.text  # in the admin's navigation
    for section in ("general", "work", "sla", "smtp", "webhook", "labels"):
        assert f'data-testid="settings-{section}"' in page.text
    assert '<optgroup label="Europe">' in page.text and '<option value="Europe/Madrid">' in page.text
    assert 'href="/admin/rates"' in page.text and "faltan tipos en 2 días-moneda" in page.text
    body = web["admin"].get("/admin/settings.json").json()
    assert body["general"]["missing_rates"] == 2 and body["general"]["fiscal_year_start"] == 1
    assert body["general"]["timezone"] == "UTC" and body["general"]["currency"] == "EUR"
    # defaults: Monday to Friday, 09:00 to 18:00; SLA hours from DEFAULT_SLA_HOURS
    assert [d["value"] for d in body["work"]["days"] if d["on"]] == [1, 2, 3, 4, 5]
    assert (body["work"]["start"], body["work"]["end"]) == ("09:00", "18:00")
    assert {r["priority"]: (r["first"], r["resolution"]) for r in body["sla"]}["urgent"] == ("1", "8")


# -- each section saves, and the store shows it -----------------------------------------------------


def test_time_zone_currency_and_fiscal_year_start_are_stored_and_audited(web):
    version = int(stored(web)["data_version"])
    response = post(web, "/admin/settings/general", {"timezone": "America/Mexico_City", "currency": "MXN",
                                                     "fiscal_year_start": "4"})
    assert response.status_code == 303 and response.headers["location"] == "/admin/settings?saved=general#general"
    now = stored(web)
    assert (now["timezone"], now["currency"], now["fiscal_year_start"]) == ("America/Mexico_City", "MXN", "4")
    assert int(now["data_version"]) == version + 1  # cached pages see the change
    assert audited(web, "settings.save")[0]["detail"] == {"section": "general", "timezone": "America/Mexico_City",
                                                          "currency": "MXN", "fiscal_year_start": "4"}
    page = web["admin"].get("/admin/settings?saved=general")
    assert 'data-testid="settings-notice">Guardado.' in page.text
    assert '<option value="4" selected>Abril</option>' in page.text
    # deals in USD now have no rate into MXN: still 2 currency-days
    assert web["admin"].get("/admin/settings.json").json()["general"]["missing_rates"] == 2
    post(web, "/admin/settings/general", {"timezone": "UTC", "currency": "EUR", "fiscal_year_start": "4"})


@pytest.mark.parametrize("field,data", [
    ("timezone", {"timezone": "Mars/Olympus", "currency": "EUR", "fiscal_year_start": "1"}),
    ("currency", {"timezone": "UTC", "currency": "EURO", "fiscal_year_start": "1"}),
    ("currency", {"timezone": "UTC", "currency": "XYZ", "fiscal_year_start": "1"}),
    ("fiscal_year_start", {"timezone": "UTC", "currency": "EUR", "fiscal_year_start": "13"}),
    ("fiscal_year_start", {"timezone": "UTC", "currency": "EUR", "fiscal_year_start": "0"}),
])
def test_a_bad_zone_currency_or_month_is_refused_inline_with_the_store_unchanged(web, field, data):
    before = stored(web)
    response = post(web, "/admin/settings/general", data)
    assert response.status_code == 422
    assert error_of(response.text, field).startswith("Elige")
    assert 'data-testid="settings-error"' in response.text
    assert stored(web) == before


def test_every_hour_counts_again_once_the_admin_says_so(web):
    """The working week can be set and unset from the page: unset, alerts and SLA KPIs count clock
    hours (store/workweek.working_week gives None), and the page says which is in force."""
    from pulso.store.workweek import working_week

    assert post(web, "/admin/settings/work", {"mode": "week", "day": ["1", "2"], "start": "10:00", "end": "14:00"}).status_code == 303
    page = web["admin"].get("/admin/settings").text
    assert re.search(r'value="week" checked data-testid="work-week"', page)
    assert working_week(stored(web)) is not None
    assert post(web, "/admin/settings/work", {"mode": "clock", "day": ["1"], "start": "10:00", "end": "14:00"}).status_code == 303
    assert (stored(web)["working_days"], stored(web)["working_hours"]) == ("", "")
    assert working_week(stored(web)) is None
    page = web["admin"].get("/admin/settings").text
    assert re.search(r'value="clock" checked data-testid="work-clock"', page)
    assert "cuentan solo las horas de este horario" in page
    assert "siguen el año fiscal" in page


def test_the_working_week_is_stored_and_a_bad_one_refused(web):
    response = post(web, "/admin/settings/work", {"day": ["6", "1", "2", "3", "4", "5"], "start": "08:30", "end": "17:00"})
    assert response.status_code == 303
    assert (stored(web)["working_days"], stored(web)["working_hours"]) == ("1,2,3,4,5,6", "08:30-17:00")
    before = stored(web)
    refused = post(web, "/admin/settings/work", {"start": "18:00", "end": "09:00"})
    assert refused.status_code == 422
    assert error_of(refused.text, "days") == "Elige al menos un día laborable."
    assert "la de fin después de la de inicio" in error_of(refused.text, "hours")
    assert stored(web) == before


def test_sla_hours_per_priority_are_stored_where_the_sla_kpis_read_them(web):
    response = post(web, "/admin/settings/sla", {**SLA, "first": ["2", "4", "8", "24", "8"],
                                                 "resolution": ["6", "24", "72", "120", "48"]})
    assert response.status_code == 303
    now = stored(web)
    assert now["sla_first_response_hours"] == "urgent=2,high=4,medium=8,low=24,normal=8"
    assert now["sla_resolution_hours"] == "urgent=6,high=24,medium=72,low=120,normal=48"
    assert ws_settings.sla_hours(now)["sla_first_response_hours"]["urgent"] == 2.0
    before = stored(web)
    refused = post(web, "/admin/settings/sla", {**SLA, "first": ["-1", "4", "8", "24", "8"],
                                                "resolution": ["6", "24", "abc", "120", "48"]})
    assert refused.status_code == 422
    assert error_of(refused.text, "first:urgent") == "Escribe un número de horas mayor que 0 (como mucho un año)."
    assert error_of(refused.text, "resolution:medium")
    assert stored(web) == before


def test_smtp_is_stored_the_password_never_shown_and_port_0_refused(web):
    response = post(web, "/admin/settings/smtp", {"host": "mail.example.com", "port": "587", "user": "ada",
                                                  "password": "s3cret-pass", "sender": "pulso@example.com",
                                                  "security": "starttls"})
    assert response.status_code == 303
    now = stored(web)
    assert {k: now[k] for k in ("smtp_host", "smtp_port", "smtp_user", "smtp_password", "smtp_from", "smtp_security")} == {
        "smtp_host": "mail.example.com", "smtp_port": "587", "smtp_user": "ada", "smtp_password": "s3cret-pass",
        "smtp_from": "pulso@example.com", "smtp_security": "starttls"}
    assert "s3cret-pass" not in web["admin"].get("/admin/settings").text
    assert "s3cret-pass" not in web["admin"].get("/admin/settings.json").text
    assert "s3cret-pass" not in json.dumps(audited(web, "settings.save")[0]["detail"])
    # an empty password keeps the stored one
    post(web, "/admin/settings/smtp", {"host": "mail.example.com", "port": "465", "user": "ada", "password": "",
                                       "sender": "pulso@example.com", "security": "ssl"})
    assert (stored(web)["smtp_password"], stored(web)["smtp_port"]) == ("s3cret-pass", "465")
    before = stored(web)
    refused = post(web, "/admin/settings/smtp", {"host": "mail.example.com", "port": "0", "sender": "not an address",
                                                 "security": "ssl"})
    assert refused.status_code == 422
    assert error_of(refused.text, "port").startswith("El puerto es un número de 1 a 65535")
    assert error_of(refused.text, "sender")
    assert stored(web) == before


def test_the_test_e_mail_reaches_a_real_smtp_server(web):
    with smtp_server() as smtp:
        saved = post(web, "/admin/settings/smtp", {"host": "127.0.0.1", "port": str(smtp["port"]), "user": "", "password": "",
                                                   "clear_password": "1", "sender": "pulso@example.com", "security": "none"})
        assert saved.status_code == 303 and stored(web)["smtp_password"] == ""
        sent = post(web, "/admin/settings/smtp/test", {})
    received = smtp["received"]
    assert sent.status_code == 200
    assert html.unescape(re.search(r'data-testid="settings-notice">([^<]*)<', sent.text).group(1)) == \
        f"Correo de prueba enviado a {ADMIN}: mira tu bandeja de entrada."
    assert [m["to"] for m in received] == [[ADMIN]]
    assert received[0]["message"]["Subject"] == "Prueba de Pulso"
    assert received[0]["message"]["From"] == "pulso@example.com"
    # the server gone: the outcome says so in words
    failed = post(web, "/admin/settings/smtp/test", {})
    assert "No se ha podido enviar el correo de prueba." in html.unescape(failed.text)


class _Hook(BaseHTTPRequestHandler):
    bodies: list = []

    def do_POST(self):  # noqa: N802 - the http.server name
        _Hook.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhooks_follow_the_address_policy_and_the_test_posts_in_the_workspace_language(web):
    before = stored(web)
    for url in ("http://192.168.1.20/hook", "http://10.0.0.5:8080/hook", "http://127.0.0.1/hook", "ftp://example.com/x"):
        refused = post(web, "/admin/settings/webhook", {"url": url, "allow": "", "language": "es"})
        assert refused.status_code == 422 and error_of(refused.text, "url").startswith("Esa dirección"), url
        assert stored(web) == before
    assert post(web, "/admin/settings/webhook", {"url": "", "allow": "", "language": "fr"}).status_code == 422
    assert stored(web) == before
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    try:
        # loopback only when the admin allows the host (docs/security.md)
        saved = post(web, "/admin/settings/webhook", {"url": url, "allow": "127.0.0.1", "language": "en"})
        assert saved.status_code == 303
        now = stored(web)
        assert (now["alert_webhook_url"], now["webhook_allow_hosts"], now["language"]) == (url, "127.0.0.1", "en")
        sent = post(web, "/admin/settings/webhook/test", {})
        assert 'data-testid="settings-notice">Mensaje de prueba entregado' in sent.text
        assert _Hook.bodies[-1]["text"] == "Pulso test: this webhook will receive the alerts."
        # the allowance taken away (by hand, as the CLI could): the test is refused, not sent
        web["app"].state.services.run(web["app"].state.services.store.set_setting, "webhook_allow_hosts", "")
        count = len(_Hook.bodies)
        refused = post(web, "/admin/settings/webhook/test", {})
        assert "No se ha enviado: la dirección está en una red privada o local" in html.unescape(refused.text)
        assert len(_Hook.bodies) == count
    finally:
        server.shutdown()
        server.server_close()


def test_a_value_label_set_in_english_shows_on_an_english_page(web):
    assert "<td>urgent</td>" in web["english"].get("/tickets").text  # the usual English label
    response = post(web, "/admin/settings/labels", {"key": ["priority:urgent", "channel:email"],
                                                    "es": ["Crítica", ""], "en": ["Sev 1", "Mailbox"]})
    assert response.status_code == 303
    assert json.loads(stored(web)["value_labels"]) == {"priority": {"urgent": {"es": "Crítica", "en": "Sev 1"}},
                                                       "channel": {"email": {"en": "Mailbox"}}}
    english = web["english"].get("/tickets").text
    assert "<td>Sev 1</td>" in english and "<td>urgent</td>" not in english and "<td>Mailbox</td>" in english
    spanish = web["admin"].get("/tickets").text
    assert "<td>Crítica</td>" in spanish and "Mailbox" not in spanish  # no Spanish label for email: the usual one
    before = stored(web)
    refused = post(web, "/admin/settings/labels", {"key": ["priority:urgent"], "es": ["x" * 81], "en": [""]})
    assert refused.status_code == 422 and error_of(refused.text, "priority:urgent:es")
    assert post(web, "/admin/settings/labels", {"key": ["owner:u1"], "es": ["Jefa"], "en": [""]}).status_code == 422
    assert stored(web) == before


# -- Chromium ----------------------------------------------------------------------------------------


def test_in_chromium_the_settings_page_fits_a_phone_and_a_desktop(live_server, web_workspace):
    from playwright.sync_api import sync_playwright

    info = web_workspace["signins"]["admin"]
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            for width, month in ((390, "7"), (1280, "1")):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(live_server + "/signin")
                page.fill('input[name="email"]', info["email"])
                page.fill('input[name="password"]', info["password"])
                page.click('button[type="submit"]')
                page.wait_for_url(re.compile(r"/$|/today"))
                page.goto(live_server + "/admin/settings")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(SCREENS / f"settings-{width}.png"), full_page=True)
                page.select_option('[data-testid="fiscal-year-start"]', month)
                page.click('[data-testid="save-general"]')
                page.wait_for_selector('[data-testid="settings-notice"]')
                assert page.locator('[data-testid="fiscal-year-start"]').input_value() == month
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.locator("#general").screenshot(path=str(SCREENS / f"settings-saved-{width}.png"))
                page.close()
        finally:
            browser.close()
