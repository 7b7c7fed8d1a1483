"""What the workspace pages' first round left over (issue 15): the deal board shows 50 cards per
column with "Ver N más" (totals over the whole column), `/x/{id}.json` reaches its twin, one list
of choices for the store and the web, workspace refusals on error pages in the reader's language,
dates without seconds, select filters of the values the data holds, an account picker on the new
deal and ticket forms, and a manager looking at a team member's tasks. DuckDB and PostgreSQL;
every figure is worked out by hand from the small workspace `_seed` writes."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.web.auth import set_locale, set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

TODAY = dt.date(2026, 10, 31)
PASSWORD = "correct horse battery"
USERS = [("u1", "Ada Admin", "admin", None), ("u2", "Mara Manager", "manager", "t1"), ("u3", "Rita Rep", "rep", "t1"),
         ("u4", "Otto Rep", "rep", "t1"), ("u5", "Vera Viewer", "viewer", None), ("u6", "Tomás Sur", "rep", "t2")]
STAGES = [("s1", "Nuevo", 0, "open", 0.1), ("s2", "Propuesta", 1, "open", 0.5), ("sw", "Ganado", 2, "won", 1.0),
          ("sl", "Perdido", 3, "lost", 0.0)]
# Column "Nuevo": 55 open deals of Rita, 100 € each; n1..n55 expect to close on Nov 1 + i days, so
# the first 50 shown are n01..n50 and "Ver 5 más" brings n51..n55.
MANY = 55


def _deal(i: int) -> dict:
    return {"id": f"n{i:02d}", "owner_id": "u3", "title": f"Trato {i:02d}", "amount": 100, "currency": "EUR",
            "stage_id": "s1", "status": "open", "kind": "new", "created_at": "2026-10-01T10:00:00",
            "expected_close_at": (dt.datetime(2026, 11, 1, 12) + dt.timedelta(days=i)).isoformat()}


def _seed(store) -> None:
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte"}, {"id": "t2", "name": "Sur"}],
        "users": [{"id": i, "name": n, "email": f"{i}@example.com", "role": r, "team_id": t, "created_at": "2026-01-01"}
                  for i, n, r, t in USERS],
        "stages": [{"id": i, "pipeline": "default", "name": n, "position": p, "kind": k, "probability": pr}
                   for i, n, p, k, pr in STAGES],
        "accounts": [{"id": "a1", "name": "Acme Ibérica", "owner_id": "u3", "segment": "SMB", "source": "referral",
                      "created_at": "2026-09-01T08:15:42"},
                     {"id": "a2", "name": "Bodegas Sur", "owner_id": "u6", "segment": "Enterprise", "source": "event",
                      "created_at": "2026-09-02T08:00:00"},
                     {"id": "a3", "name": "Cafés Otto", "owner_id": "u4", "segment": "Mid-market", "source": "partner",
                      "created_at": "2026-09-03T08:00:00"}],
        "leads": [{"id": "l1", "name": "Ana Pérez", "owner_id": "u3", "source": "paid_social", "created_at": "2026-10-20T09:41:17"},
                  {"id": "l2", "name": "Luis Gómez", "owner_id": "u3", "source": "organic_search", "created_at": "2026-10-21T09:00:00"},
                  {"id": "l3", "name": "Eva Sur", "owner_id": "u6", "source": "webinar", "created_at": "2026-10-22T09:00:00"}],
        "deals": [_deal(i) for i in range(1, MANY + 1)]
        + [{"id": "d2", "owner_id": "u3", "title": "Trato grande", "amount": 3000, "currency": "EUR", "stage_id": "s2",
            "status": "open", "kind": "new", "created_at": "2026-10-01T10:00:00", "account_id": "a1"}],
        "tickets": [{"id": "k1", "owner_id": "u3", "account_id": "a1", "priority": "high", "channel": "email",
                     "status": "open", "opened_at": "2026-10-20T09:00:00"}],
        "activities": [{"id": "t-otto", "type": "task", "owner_id": "u4", "outcome": "Llamar a Cafés Otto",
                        "account_id": "a3", "occurred_at": "2026-10-25T09:00:00", "due_at": "2026-11-02T09:00:00"},
                       {"id": "t-rita", "type": "task", "owner_id": "u3", "outcome": "Enviar propuesta",
                        "deal_id": "d2", "occurred_at": "2026-10-25T09:00:00", "due_at": "2026-10-30T09:00:00"},
                       {"id": "t-sur", "type": "task", "owner_id": "u6", "outcome": "Visitar bodega",
                        "account_id": "a2", "occurred_at": "2026-10-25T09:00:00", "due_at": "2026-11-03T09:00:00"}],
    })
    store.upsert_many({"teams": [{"id": "t1", "name": "Norte", "manager_id": "u2"}]})
    for user, *_ in USERS:
        set_password(store, user, PASSWORD)


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("wspolish"), request, timezone="Europe/Madrid")
    _seed(store)
    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="ws-polish", strict_i18n=True, today=TODAY))
    clients = {}
    for i, (user, _, role, _) in enumerate(USERS):
        client = TestClient(app, client=(f"10.9.0.{i + 1}", 5000))
        assert sign_in(client, f"{user}@example.com", PASSWORD).status_code == 303
        clients[user] = client
    yield {"app": app, "store": app.state.services.store, "c": clients}
    app.state.services.close()


def speaks(site, user, lang):
    """`user` reads `lang` from the next request on (their stored locale)."""
    services = site["app"].state.services
    services.run(set_locale, services.store, user, lang)
    site["app"].state.sessions.forget_user(user)



def form(client, path: str, page: str, **fields):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text).group(1)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


# -- 1. the board: 50 cards per column, "Ver N más", totals over the whole column ----------------


def test_a_board_column_shows_fifty_cards_and_a_link_to_the_rest_with_totals_over_all(site):
    got = site["c"]["u3"].get("/deals/board.json").json()
    new = next(c for c in got["columns"] if c["id"] == "s1")
    assert [c["id"] for c in new["cards"]] == [f"n{i:02d}" for i in range(1, 51)]  # soonest expected close first
    assert new["count"] == 55 and new["more"] == 5
    assert [(t["currency"], t["amount_value"], t["weighted_value"]) for t in new["totals"]] == [("EUR", 5500.0, 550.0)]
    assert new["more_href"] == "/deals/board?pipeline=default&column=s1#column-s1"
    html = site["c"]["u3"].get("/deals/board").text
    assert html.count('data-testid="card-n') == 50 and "Ver 5 más" in html
    whole = site["c"]["u3"].get("/deals/board.json?column=s1").json()
    cards = next(c for c in whole["columns"] if c["id"] == "s1")["cards"]
    assert [c["id"] for c in cards][-5:] == ["n51", "n52", "n53", "n54", "n55"] and len(cards) == 55
    assert site["c"]["u3"].get("/deals/board?column=nope").status_code == 400


# -- 2. /x/{id}.json reaches the twin with the id itself --------------------------------------


@pytest.mark.parametrize("path,key,rid", [("/leads/l1", "lead", "l1"), ("/accounts/a1", "account", "a1"),
                                          ("/deals/d2", "deal", "d2"), ("/tickets/k1", "ticket", "k1")])
def test_a_record_twin_route_is_matched_before_the_page_and_gets_the_bare_id(site, path, key, rid):
    import importlib

    from starlette.routing import Match

    router = importlib.import_module(f"pulso.web.routes.{path.split('/')[1]}").router
    scope = {"type": "http", "path": path + ".json", "method": "GET", "root_path": ""}
    first = next(r for r in router.routes if r.matches(scope)[0] == Match.FULL)
    assert first.name == key + "_json" and first.matches(scope)[1]["path_params"] == {key + "_id": rid}
    answer = site["c"]["u1"].get(path + ".json")
    assert answer.status_code == 200 and answer.json()["id"] == rid
    assert site["c"]["u1"].get(path).headers["content-type"].startswith("text/html")


# -- 3. one list of choices ------------------------------------------------------------------------


def test_the_choice_lists_are_one_list_that_the_store_and_the_web_read():
    from pulso.store import choices, schema
    from pulso.web.api import models
    from pulso.web.routes import deals, tickets

    assert choices.DEAL_KINDS == ("new", "upsell", "cross_sell", "renewal")
    assert choices.TICKET_PRIORITIES == ("low", "medium", "high", "urgent")
    assert schema.DEAL_KINDS is choices.DEAL_KINDS and schema.TICKET_PRIORITIES is choices.TICKET_PRIORITIES
    assert schema.TICKET_STATUSES is choices.TICKET_STATUSES and schema.DEAL_STATUSES is choices.DEAL_STATUSES
    assert deals.DEAL_KINDS is choices.DEAL_KINDS and tickets.PRIORITIES is choices.TICKET_PRIORITIES
    assert list(deals.STATUS_LABELS) == ["open", "won", "lost"]
    assert list(tickets.STATUS_LABELS) == ["open", "pending", "resolved", "closed"]
    assert models.CHOICES is choices.CHOICES and models.DEAL_KINDS is choices.DEAL_KINDS
    source = Path(choices.__file__).read_text(encoding="utf-8")
    assert not [n for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.Import, ast.ImportFrom))
                and getattr(n, "module", "") != "__future__"]  # nothing, SQLAlchemy least of all


# -- 4. a workspace refusal on a full error page speaks the reader's language ---------------------


def test_a_workspace_refusal_on_an_error_page_is_in_english_for_an_english_reader(site):
    speaks(site, "u3", "en")
    try:
        rep = site["c"]["u3"]
        page = form(rep, "/leads/zzz/qualify", "/leads/l1", level="mql")
        assert page.status_code == 404
        assert "There is no record" in page.text and "No hay ningún registro" not in page.text
        other = form(rep, "/leads/l3/qualify", "/leads/l1", level="mql")  # Tomás's lead: as missing
        assert other.status_code == 404 and "There is no record" in other.text
    finally:
        speaks(site, "u3", "es")


# -- 5. dates without seconds, in the workspace's time zone and the reader's language --------------


def test_record_pages_show_dates_without_seconds_in_the_workspace_time_zone(site):
    # naive times are the workspace's (Madrid): l1 was created 2026-10-20 09:41:17 there
    lead = site["c"]["u3"].get("/leads/l1").text
    assert "20 oct 2026, 9:41" in lead and "9:41:17" not in lead
    account = site["c"]["u3"].get("/accounts/a1").text  # created 08:15:42
    assert "1 sept 2026, 8:15" in account and "8:15:42" not in account
    deal = site["c"]["u3"].get("/deals/d2").text  # the task due 2026-10-30 09:00
    assert "30 oct 2026, 9:00" in deal and not re.search(r"\d:\d\d:\d\d", deal)
    speaks(site, "u3", "en")
    try:
        english = site["c"]["u3"].get("/leads/l1").text
        assert "Oct 20, 2026, 9:41\u202fAM" in english and ":17" not in english
    finally:
        speaks(site, "u3", "es")


# -- 6. the source and segment filters are selects of the values the data holds ------------------


def options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_source_and_segment_filters_offer_the_values_the_reader_sees_by_label(site):
    rita = site["c"]["u3"].get("/leads").text  # Rita's leads: paid_social and organic_search
    assert options(rita, "source") == [("", "Todos"), ("organic_search", "Búsqueda orgánica"),
                                       ("paid_social", "Redes sociales de pago")]
    assert "<td>paid_social</td>" not in rita and "<td>Redes sociales de pago</td>" in rita
    admin = site["c"]["u1"].get("/accounts").text
    assert options(admin, "segment") == [("", "Todos"), ("Enterprise", "Enterprise"), ("Mid-market", "Mid-market"),
                                         ("SMB", "SMB")]
    assert options(admin, "source") == [("", "Todos"), ("event", "Evento"), ("referral", "Recomendación"),
                                        ("partner", "Socio")]
    manager = site["c"]["u2"].get("/accounts").text  # team Norte: Rita's a1 and Otto's a3
    assert [v for v, _ in options(manager, "segment")] == ["", "Mid-market", "SMB"]
    filtered = site["c"]["u1"].get("/accounts.json?segment=SMB").json()
    assert [a["id"] for a in filtered["accounts"]] == ["a1"]


# -- 7. the new deal and ticket forms pick an account -----------------------------------------------


def test_a_new_deal_or_ticket_picks_one_of_the_readers_accounts_found_by_search(site):
    rep = site["c"]["u3"]
    page = rep.get("/deals/new").text
    assert options(page, "account_id") == [("", "Ninguna"), ("a1", "Acme Ibérica")]  # Rita sees one account
    assert options(site["c"]["u2"].get("/tickets/new").text, "account_id") == [
        ("", "Ninguna"), ("a1", "Acme Ibérica"), ("a3", "Cafés Otto")]
    found = site["c"]["u1"].get("/deals/new?account_q=cafes").text  # accents and case aside
    assert options(found, "account_id") == [("", "Ninguna"), ("a3", "Cafés Otto")]
    none = site["c"]["u1"].get("/deals/new?account_q=zzz").text
    assert options(none, "account_id") == [("", "Ninguna")] and "Ninguna cuenta coincide" in none
    made = form(rep, "/deals/new", "/deals/new", title="Con cuenta", amount="10", account_id="a1", stage_id="s1")
    assert made.status_code == 303
    deal = rep.get(made.headers["location"] + ".json").json()["deal"]
    assert deal["account_id"] == "a1" and deal["account"] == "Acme Ibérica"
    refused = form(rep, "/tickets/new", "/tickets/new", channel="email", account_id="a2")  # Tomás's account
    assert refused.status_code in (403, 404, 422)


# -- 8. a manager reads a team member's tasks ------------------------------------------------------


def test_a_manager_reads_a_team_members_tasks_and_not_someone_elses(site):
    manager = site["c"]["u2"]
    otto = manager.get("/tasks.json?user=u4").json()
    assert [t["title"] for t in otto["open"]] == ["Llamar a Cafés Otto"] and otto["person_name"] == "Otto Rep"
    html = manager.get("/tasks?user=u4").text
    assert [n for _, n in options(html, "user")] == ["Mara Manager", "Otto Rep", "Rita Rep"]
    assert 'data-testid="task-new"' not in html  # read here; done on their page
    assert manager.get("/tasks?user=u6").status_code == 404  # Tomás is in team Sur
    assert site["c"]["u3"].get("/tasks?user=u4").status_code == 404  # a rep sees only their own
    admin = site["c"]["u1"].get("/tasks.json?user=u6").json()
    assert [t["title"] for t in admin["open"]] == ["Visitar bodega"]
    assert [t["title"] for t in site["c"]["u3"].get("/tasks.json").json()["open"]] == ["Enviar propuesta"]
