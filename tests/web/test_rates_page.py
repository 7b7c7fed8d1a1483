"""Issue 13, item 3 on the web: /admin/rates, the workspace's exchange rates for admins.

A workspace reporting in EUR holds deals in USD and MXN; which (currency, day) has no rate, what a
form or a file stores, and what a hostile form leaves unchanged are worked out by hand below.
The tests of this module run in order on one workspace per backend.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from pulso import rates
from pulso.config import Settings
from pulso.engine.money import MissingRatesError
from pulso.web.auth import set_password

from support import BACKENDS, make_store  # noqa: E402  (tests/ is on sys.path)

pytestmark = pytest.mark.xdist_group("web-rates")
ADMIN, REP, PASSWORD = "ada@example.com", "rep@example.com", "correct horse battery"
# A deal is converted at its close date, or its creation while open (engine/money.py).
DEALS = [
    {"id": "d1", "status": "won", "amount": 100, "currency": "USD", "created_at": "2024-02-20", "closed_at": "2024-03-01"},
    {"id": "d2", "status": "open", "amount": 200, "currency": "USD", "created_at": "2024-03-05"},
    {"id": "d3", "status": "lost", "amount": 300, "currency": "MXN", "created_at": "2024-04-01", "closed_at": "2024-04-10"},
    {"id": "d4", "status": "won", "amount": 400, "currency": "EUR", "created_at": "2024-01-10", "closed_at": "2024-01-15"},
]


@pytest.fixture(scope="module", params=BACKENDS)
def web(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("rates"), request)
    store.set_setting("currency", "EUR")
    store.upsert_many({"users": [{"id": "u1", "name": "Ada", "email": ADMIN, "role": "admin", "created_at": "2024-01-01"},
                                 {"id": "u2", "name": "Rep", "email": REP, "role": "rep", "created_at": "2024-01-01"}],
                       "deals": DEALS})
    set_password(store, "u1", PASSWORD)
    set_password(store, "u2", PASSWORD)
    store.close()
    app = create_app(WebSettings(store=Settings(store.url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    clients = {}
    for role, email in (("admin", ADMIN), ("rep", REP)):
        client = TestClient(app, raise_server_exceptions=False)
        client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client.get("/signin").text),
                                     "next": "/"}, follow_redirects=False)
        clients[role] = client
    yield {"app": app, **clients}
    app.state.services.close()


def csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def stored(web) -> list[tuple[str, str, Decimal, str]]:
    services = web["app"].state.services
    return [(r["currency"], r["rate_date"].isoformat(), Decimal(str(r["rate"])).normalize(), r["source"])
            for r in services.run(rates.list_rates, services.store)]


def state(web, query: str = "") -> dict:
    return web["admin"].get("/admin/rates.json" + query).json()


def post(web, path: str, data: dict, files=None, role: str = "admin"):
    client = web[role]
    return client.post(path, data={"csrf_token": csrf(client.get("/").text), **data}, files=files,
                       follow_redirects=False)


def error_of(text: str) -> str:
    return html.unescape(re.search(r'data-testid="rates-error">([^<]*)<', text).group(1))


def step_the_page_shows_which_currencies_and_days_have_no_rate(web):
    page = web["admin"].get("/admin/rates")
    assert page.status_code == 200 and 'href="/admin/rates' in page.text  # in the admin's navigation
    body = state(web)
    assert body["reporting"] == "EUR" and body["currencies"] == ["MXN", "USD"] and body["rates"] == []
    assert body["missing"] == [{"currency": "MXN", "days": 1, "first": "2024-04-10", "last": "2024-04-10"},
                               {"currency": "USD", "days": 2, "first": "2024-03-01", "last": "2024-03-05"}]
    # the same check refuses a money KPI
    with pytest.raises(MissingRatesError):
        web["app"].state.services.run(lambda: web["app"].state.services.engine.query(
            "revenue_won", start=dt.date(2024, 1, 1), end=dt.date(2024, 7, 1)))


def step_a_rate_set_by_hand_holds_from_its_date(web):
    done = post(web, "/admin/rates", {"currency": "usd", "date": "2024-03-02", "rate": "1,08"})
    assert done.status_code == 303 and done.headers["location"] == "/admin/rates?currency=USD"
    assert stored(web) == [("USD", "2024-03-02", Decimal("1.08"), "manual")]
    # d2 (2024-03-05) now has a rate; d1 (2024-03-01) is before it; MXN still has none
    assert [(m["currency"], m["first"], m["days"]) for m in state(web)["missing"]] == [("MXN", "2024-04-10", 1),
                                                                                     ("USD", "2024-03-01", 1)]
    assert post(web, "/admin/rates", {"currency": "USD", "date": "2024-03-02", "rate": "1.1"}).status_code == 303
    assert stored(web) == [("USD", "2024-03-02", Decimal("1.1"), "manual")]  # replaced, not repeated
    assert state(web, "?currency=USD")["rates"] == [{"currency": "USD", "date": "2024-03-02", "rate": "1.1",
                                                     "date_text": "2 mar 2024", "rate_text": "1,1",
                                                     "source": "manual", "manual": True}]


def step_hostile_forms_say_why_and_store_nothing(web):
    before = stored(web)
    bad = {
        ("XXX", "2024-03-01", "1.5"): "Elige una moneda de la lista (las de los datos y las que ya tienen tipos).",
        ("<script>alert(1)</script>", "2024-03-01", "1.5"):
            "Elige una moneda de la lista (las de los datos y las que ya tienen tipos).",
        ("EUR", "2024-03-01", "1.5"): "Elige una moneda de la lista (las de los datos y las que ya tienen tipos).",
        ("USD", "2024-13-01", "1.5"): "La fecha debe ser AAAA-MM-DD.",
        ("USD", "2024-03-01", "0"): "El tipo debe ser un número mayor que 0 (unidades de USD por 1 EUR).",
        ("USD", "2024-03-01", "-2"): "El tipo debe ser un número mayor que 0 (unidades de USD por 1 EUR).",
        ("USD", "2024-03-01", "NaN"): "El tipo debe ser un número mayor que 0 (unidades de USD por 1 EUR).",
        ("USD", "2024-03-01", "1e400"): "El tipo debe ser un número mayor que 0 (unidades de USD por 1 EUR).",
        ("USD", "2024-03-01", "abc"): "El tipo debe ser un número mayor que 0 (unidades de USD por 1 EUR).",
    }
    for (currency, date, rate), message in bad.items():
        answer = post(web, "/admin/rates", {"currency": currency, "date": date, "rate": rate})
        assert answer.status_code == 200 and error_of(answer.text) == message, (currency, date, rate)
        assert "<script>alert(1)</script>" not in answer.text
    gone = post(web, "/admin/rates/delete", {"currency": "MXN", "date": "2024-03-02"})
    assert error_of(gone.text) == "No hay ningún tipo puesto a mano de MXN el 2024-03-02; no se ha borrado nada."
    not_rates = post(web, "/admin/rates/upload", {}, files={"file": ("x.csv", b"id,name\n1,a\n", "text/csv")})
    assert error_of(not_rates.text) == "x.csv no se ha importado; no se ha guardado nada:"
    bad_line = post(web, "/admin/rates/upload", {}, files={"file": ("r.csv", b"currency,date,rate\nMXN,2024-04-01,18\n"
                                                                         b"MXN,2024-04-02,-1\n", "text/csv")})
    assert "r.csv línea 3" in bad_line.text  # every bad line named; the good one not stored either
    # without the form's CSRF token, and from a role that is not admin
    assert web["admin"].post("/admin/rates", data={"currency": "USD", "date": "2024-03-01", "rate": "1.2",
                                                   "csrf_token": "x"}).status_code == 403
    assert web["rep"].get("/admin/rates").status_code == 403 and web["rep"].get("/admin/rates.json").status_code == 403
    for path, data in (("/admin/rates", {"currency": "USD", "date": "2024-03-01", "rate": "1.2"}),
                       ("/admin/rates/delete", {"currency": "USD", "date": "2024-03-02"})):
        assert post(web, path, data, role="rep").status_code == 403
    assert post(web, "/admin/rates/upload", {}, files={"file": ("r.csv", b"currency,date,rate\nMXN,2024-04-01,18\n",
                                                                 "text/csv")}, role="rep").status_code == 403
    assert stored(web) == before


def step_files_of_rates_and_the_ecb_history_are_imported(web):
    table = post(web, "/admin/rates/upload", {}, files={"file": ("tipos.csv", b"currency,date,rate\nMXN,2024-04-01,18.5\n"
                                                                               b"USD,2024-02-29,1.07\n", "text/csv")})
    notice = html.unescape(re.search(r'data-testid="rates-notice">([^<]*)<', table.text).group(1))
    assert notice == "tipos.csv: 2 tipos guardados en EUR (MXN 1, USD 1)."
    assert state(web)["missing"] == []  # USD from 2024-02-29, MXN from 2024-04-01
    ecb = post(web, "/admin/rates/upload", {}, files={"file": ("eurofxref-hist.csv", b"Date,USD,MXN,JPY,\n"
                                                                                       b"2024-05-02,1.0700,18.1000,N/A,\n", "text/csv")})
    assert "eurofxref-hist.csv: 2 tipos guardados en EUR (MXN 1, USD 1)." in html.unescape(ecb.text)
    assert stored(web) == [("MXN", "2024-04-01", Decimal("18.5"), "manual"), ("MXN", "2024-05-02", Decimal("18.1"), "ecb"),
                           ("USD", "2024-02-29", Decimal("1.07"), "manual"), ("USD", "2024-03-02", Decimal("1.1"), "manual"),
                           ("USD", "2024-05-02", Decimal("1.07"), "ecb")]
    # the KPI that was refused now converts: d1 won 100 USD on 2024-03-01 at 1.07, d4 400 EUR
    value = web["app"].state.services.run(lambda: web["app"].state.services.engine.query(
        "revenue_won", start=dt.date(2024, 1, 1), end=dt.date(2024, 7, 1))).rows[0]["value"]
    assert round(float(value), 2) == round(100 / 1.07, 2) + 400
    # a rate a file brought is not deleted from the page; a hand-set one is
    refused = post(web, "/admin/rates/delete", {"currency": "USD", "date": "2024-05-02"})
    assert error_of(refused.text) == "No hay ningún tipo puesto a mano de USD el 2024-05-02; no se ha borrado nada."
    assert post(web, "/admin/rates/delete", {"currency": "USD", "date": "2024-03-02"}).status_code == 303
    assert ("USD", "2024-03-02", Decimal("1.1"), "manual") not in stored(web) and len(stored(web)) == 4


def step_rates_are_listed_a_page_at_a_time_newest_first(web):
    lines = "".join(f"USD,{dt.date(2023, 1, 1) + dt.timedelta(days=i)},1.{i:02d}\n" for i in range(60))
    post(web, "/admin/rates/upload", {}, files={"file": ("many.csv", ("currency,date,rate\n" + lines).encode(), "text/csv")})
    first = state(web, "?currency=USD")  # 62 USD rates: 2024-05-02, 2024-02-29, then 2023-03-01 ... 2023-01-01
    assert len(first["rates"]) == 50 and first["next"] == "/admin/rates?currency=USD&page=2" and first["prev"] is None
    assert [r["date"] for r in first["rates"][:3]] == ["2024-05-02", "2024-02-29", "2023-03-01"]
    second = state(web, "?currency=USD&page=2")
    assert [r["date"] for r in second["rates"]] == [str(dt.date(2023, 1, 1) + dt.timedelta(days=i)) for i in range(11, -1, -1)]
    assert second["next"] is None and second["prev"] == "/admin/rates?currency=USD&page=1"
    assert state(web, "?currency=MXN")["rates"][0]["date"] == "2024-05-02"


STEPS = (step_the_page_shows_which_currencies_and_days_have_no_rate, step_a_rate_set_by_hand_holds_from_its_date,
         step_hostile_forms_say_why_and_store_nothing, step_files_of_rates_and_the_ecb_history_are_imported,
         step_rates_are_listed_a_page_at_a_time_newest_first)


def test_the_rates_page_step_by_step(web):
    """One workspace's story: each step works on what the steps before it left (the rates set, imported
    and deleted), so they run in this order in one test, whatever order the runner would pick."""
    for step in STEPS:
        step(web)
