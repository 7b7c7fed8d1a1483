"""The deals, deal board and tickets pages of the CRM workspace (issue 15): lists, record pages,
the board's columns and totals, moves (keyboard form and drag and drop), forms, roles, hostile
input, on DuckDB and PostgreSQL; one Chromium run where a rep moves deals to won on the board and
the overview's close rate and revenue won follow. Every figure below is worked out by hand from
the small workspace `_seed` writes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from conftest import ARTIFACTS, csrf_of, sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.web.auth import set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402
from test_browser import Watched, browser, screenshot  # noqa: E402,F401

TODAY = dt.date(2026, 10, 31)
PASSWORD = "correct horse battery"
XSS = "<script>alert('x')</script>"
USERS = [("u1", "Ada Admin", "admin", None), ("u2", "Mara Manager", "manager", "t1"), ("u3", "Rita Rep", "rep", "t1"),
         ("u4", "Otto Rep", "rep", "t1"), ("u5", "Vera Viewer", "viewer", None), ("u6", "Tomás Sur", "rep", "t2")]
# Stages: two open ones (10 % and 50 %), won (100 %), lost (0 %).
STAGES = [("s1", "Nuevo", 0, "open", 0.1), ("s2", "Propuesta", 1, "open", 0.5), ("sw", "Ganado", 2, "won", 1.0),
          ("sl", "Perdido", 3, "lost", 0.0)]


def deal(id, owner, amount, stage, status="open", currency="EUR", created="2026-10-01T10:00:00", closed=None, **more):
    return {"id": id, "owner_id": owner, "title": f"Trato {id}", "amount": amount, "currency": currency, "stage_id": stage,
            "status": status, "kind": "new", "created_at": created, "closed_at": closed, **more}


def _seed(store) -> None:
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte"}, {"id": "t2", "name": "Sur"}],
        "users": [{"id": i, "name": n, "email": f"{i}@example.com", "role": r, "team_id": t, "created_at": "2026-01-01"}
                  for i, n, r, t in USERS],
        "stages": [{"id": i, "pipeline": "default", "name": n, "position": p, "kind": k, "probability": pr}
                   for i, n, p, k, pr in STAGES],
        "accounts": [{"id": "a1", "name": "Acme Ibérica", "owner_id": "u3", "created_at": "2026-09-01"}],
        "deals": [deal("d1", "u3", 1000, "s1", account_id="a1"), deal("d2", "u3", 3000, "s2"), deal("d3", "u4", 500, "s1"),
                  deal("d4", "u6", 700, "s2", currency="USD"),
                  deal("d5", "u3", 2000, "sw", "won", closed="2026-10-10T10:00:00"),
                  deal("d6", "u3", 800, "sl", "lost", closed="2026-10-12T10:00:00", lost_reason="Precio")],
        "tickets": [{"id": "k1", "owner_id": "u3", "account_id": "a1", "priority": "high", "channel": "email",
                     "status": "open", "opened_at": "2026-10-20T09:00:00"},
                    {"id": "k2", "owner_id": "u4", "priority": "low", "status": "open", "opened_at": "2026-10-21T09:00:00"}],
    })
    store.upsert_many({"teams": [{"id": "t1", "name": "Norte", "manager_id": "u2"}]})
    for user, *_ in USERS:
        set_password(store, user, PASSWORD)


def _site(store) -> dict:
    from pulso.web import WebSettings, create_app

    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="ws-deals", strict_i18n=True, today=TODAY))
    clients = {}
    for i, (user, _, role, _) in enumerate(USERS):
        client = TestClient(app, client=(f"10.8.0.{i + 1}", 5000))
        assert sign_in(client, f"{user}@example.com", PASSWORD).status_code == 303
        clients[user] = client
    return {"app": app, "store": app.state.services.store, "c": clients}


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    store = make_store(request.param, tmp_path_factory.mktemp("wsdeals"), request, timezone="Europe/Madrid")
    _seed(store)
    out = _site(store)
    yield out
    out["app"].state.services.close()


def rows(site, table):
    s = site["app"].state.services
    return {r["id"]: r for r in s.run(lambda: s.store.rows(table))}


def changes(site, deal_id):
    return [c for c in rows(site, "deal_stage_changes").values() if c["deal_id"] == deal_id]


def add_deal(site, **values) -> str:
    """A fresh deal for one test (so tests do not depend on each other's moves)."""
    import uuid

    s = site["app"].state.services
    d = deal(values.pop("id", "x" + uuid.uuid4().hex[:8]), **values)
    s.run(lambda: s.store.upsert_many({"deals": [d]}))
    return d["id"]


def form(client, path, page, **data):
    return client.post(path, data={"csrf_token": csrf_of(client.get(page).text), **data}, follow_redirects=False)


# -- lists and record pages ----------------------------------------------------------------------


def ids(site, user, path):
    response = site["c"][user].get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return sorted(d["id"] for d in response.json()["deals"])


def test_the_list_shows_each_role_its_scope_and_filters(site):
    base = ["d1", "d2", "d3", "d4", "d5", "d6"]
    assert set(base) <= set(ids(site, "u1", "/deals?size=100"))
    assert set(ids(site, "u3", "/deals?size=100")) >= {"d1", "d2", "d5", "d6"}
    assert not {"d3", "d4"} & set(ids(site, "u3", "/deals?size=100"))  # another rep's, another team's
    assert not {"d4"} & set(ids(site, "u2", "/deals?size=100")) and "d3" in ids(site, "u2", "/deals?size=100")
    assert {"d1", "d3"} <= set(ids(site, "u1", "/deals?stage=s1&size=100"))
    assert ids(site, "u1", "/deals?team=t2&size=100") == ["d4"]
    assert ids(site, "u1", "/deals?status=lost&size=100") == ["d6"]
    assert ids(site, "u1", "/deals?q=trato%20d4") == ["d4"]
    page = site["c"]["u3"].get("/deals")
    assert page.status_code == 200 and "Rita Rep" in page.text and "Propuesta" in page.text
    for hostile in ("/deals?sort=password", "/deals?team=zzz", "/deals?page=x", "/deals?status=" + XSS):
        assert site["c"]["u1"].get(hostile).status_code == 400


def test_a_deal_page_shows_names_and_another_reps_deal_is_404(site):
    page = site["c"]["u3"].get("/deals/d1")
    assert page.status_code == 200
    assert "Nuevo" in page.text and "Rita Rep" in page.text and 'href="/accounts/a1"' in page.text and "Acme Ibérica" in page.text
    data = site["c"]["u3"].get("/deals/d1.json").json()["deal"]
    assert data["stage"] == "Nuevo" and data["owner"] == "Rita Rep" and data["account"] == "Acme Ibérica"
    assert site["c"]["u3"].get("/deals/d3").status_code == 404  # Otto's
    assert site["c"]["u2"].get("/deals/d4").status_code == 404  # the other team's
    assert site["c"]["u5"].get("/deals/d4").status_code == 200 and 'action="/deals/d4/move"' not in site["c"]["u5"].get("/deals/d4").text


def test_inline_edit_and_log_activity_on_a_deal(site):
    d = add_deal(site, owner="u3", amount=100, stage="s1")
    assert form(site["c"]["u3"], f"/deals/{d}/edit", f"/deals/{d}", field="amount", value="250,5").status_code == 303
    assert float(rows(site, "deals")[d]["amount"]) == 250.5
    bad = form(site["c"]["u3"], f"/deals/{d}/edit", f"/deals/{d}", field="amount", value="mucho")
    assert bad.status_code == 422 and 'data-field="amount"' in bad.text
    assert float(rows(site, "deals")[d]["amount"]) == 250.5
    assert form(site["c"]["u3"], f"/deals/{d}/activity", f"/deals/{d}", type="call", note="Llamó " + XSS).status_code == 303
    page = site["c"]["u3"].get(f"/deals/{d}").text
    assert "Llamó &lt;script&gt;" in page and XSS not in page


# -- the board -----------------------------------------------------------------------------------


def board(site, user, query=""):
    response = site["c"][user].get("/deals/board.json" + query)
    assert response.status_code == 200, response.text
    return {c["id"]: c for c in response.json()["columns"]}


def test_board_columns_totals_per_currency_and_weighted(site):
    cols = board(site, "u3", "?owner=u3")
    # Rita: Nuevo d1 1000 (10 %: 100); Propuesta d2 3000 (50 %: 1500); won d5 2000; lost d6 800 (weighted 0)
    assert {c["id"] for c in cols["s1"]["cards"]} >= {"d1"}
    assert [(t["currency"], t["amount_value"], t["weighted_value"]) for t in board(site, "u1", "?owner=u6")["s2"]["totals"]] \
        == [("USD", 700.0, 350.0)]
    d2 = next(c for c in cols["s2"]["cards"] if c["id"] == "d2")
    assert d2["age"] == 30 and d2["amount"] == 3000.0  # created 1 October, today 31 October
    won = {c["id"] for c in cols["sw"]["cards"]}
    assert "d5" in won and {c["id"] for c in cols["sl"]["cards"]} >= {"d6"}
    # The admin's Propuesta column mixes euros and dollars: one total per currency, never a sum.
    admin = board(site, "u1", "?team=t2")
    assert [c["id"] for c in admin["s2"]["cards"]] == ["d4"] and admin["s1"]["cards"] == []
    mixed = [t["currency"] for t in board(site, "u1")["s2"]["totals"]]
    assert mixed == ["EUR", "USD"]
    assert site["c"]["u1"].get("/deals/board?team=zzz").status_code == 400


def test_board_totals_by_hand(site):
    s = site["app"].state.services
    s.run(lambda: s.store.upsert_many({"campaigns": [{"id": "cx", "name": "Feria", "channel": "events", "started_at": "2026-09-01"}]}))
    for amount, stage in ((1000, "s1"), (250.5, "s1"), (3000, "s2")):
        add_deal(site, owner="u4", amount=amount, stage=stage, campaign_id="cx")
    cols = board(site, "u1", "?source=cx")
    assert [(t["amount_value"], t["weighted_value"]) for t in cols["s1"]["totals"]] == [(1250.5, 125.05)]
    assert [(t["amount_value"], t["weighted_value"]) for t in cols["s2"]["totals"]] == [(3000.0, 1500.0)]
    assert cols["s1"]["count"] == 2


def test_a_board_move_writes_one_stage_change_and_won_asks_first(site):
    d = add_deal(site, owner="u3", amount=400, stage="s1")
    rep = site["c"]["u3"]
    moved = form(rep, "/deals/board/move", "/deals/board", deal_id=d, stage_id="s2", back="/deals/board?owner=u3")
    assert moved.status_code == 303 and moved.headers["location"] == "/deals/board?owner=u3"
    assert rows(site, "deals")[d]["stage_id"] == "s2" and len(changes(site, d)) == 1
    asked = form(rep, "/deals/board/move", "/deals/board", deal_id=d, stage_id="sw")
    assert asked.status_code == 200 and 'data-testid="close-form"' in asked.text and 'value="2026-10-31"' in asked.text
    assert rows(site, "deals")[d]["status"] == "open" and len(changes(site, d)) == 1  # nothing written yet
    lost = form(rep, "/deals/board/move", "/deals/board", deal_id=d, stage_id="sl", confirm="1", closed_at="2026-10-20")
    assert lost.status_code == 422  # lost needs a reason
    assert rows(site, "deals")[d]["status"] == "open" and len(changes(site, d)) == 1
    won = form(rep, "/deals/board/move", "/deals/board", deal_id=d, stage_id="sw", confirm="1", closed_at="2026-10-20",
               reason="Buen precio")
    assert won.status_code == 303
    row = rows(site, "deals")[d]
    assert row["status"] == "won" and row["stage_id"] == "sw" and len(changes(site, d)) == 2
    assert row["closed_at"].date() == dt.date(2026, 10, 19) or row["closed_at"].date() == dt.date(2026, 10, 20)
    assert form(rep, "/deals/board/move", "/deals/board", deal_id=d, stage_id="s1", back="https://evil.example/").headers["location"] == "/deals/board"


def test_refusals_change_nothing(site):
    d = add_deal(site, owner="u4", amount=900, stage="s1")
    before = (rows(site, "deals")[d], changes(site, d))
    rep, viewer = site["c"]["u3"], site["c"]["u5"]
    assert form(rep, "/deals/board/move", "/deals/board", deal_id=d, stage_id="s2").status_code == 404  # Otto's deal
    assert form(rep, f"/deals/{d}/move", "/deals/board", stage_id="s2").status_code == 404
    assert form(viewer, "/deals/board/move", "/deals/board", deal_id=d, stage_id="s2").status_code == 403
    assert rep.post("/deals/board/move", data={"csrf_token": "stale", "deal_id": d, "stage_id": "s2"}).status_code == 403
    assert form(rep, "/deals/assign", "/deals", owner_id="u3", ids=[d]).status_code == 403  # a rep assigns nothing
    assert form(rep, "/deals/stage", "/deals", stage_id="sw", ids=["d1"]).status_code == 422  # won one by one
    assert (rows(site, "deals")[d], changes(site, d)) == before
    assert 'class="bd-move"' not in viewer.get("/deals/board").text


def test_a_manager_reassigns_a_deal_of_their_team_not_another_teams(site):
    d = add_deal(site, owner="u4", amount=100, stage="s1")
    manager = site["c"]["u2"]
    assert form(manager, "/deals/assign", "/deals", owner_id="u3", ids=[d]).status_code == 303
    assert rows(site, "deals")[d]["owner_id"] == "u3"
    assert form(manager, "/deals/assign", "/deals", owner_id="u3", ids=["d4"]).status_code == 404
    assert form(manager, "/deals/assign", "/deals", owner_id="u6", ids=[d]).status_code == 403  # out of the team
    assert rows(site, "deals")[d]["owner_id"] == "u3" and rows(site, "deals")["d4"]["owner_id"] == "u6"


def test_bulk_stage_moves_each_deal_once(site):
    a, b = add_deal(site, owner="u3", amount=1, stage="s1"), add_deal(site, owner="u3", amount=2, stage="s2")
    assert form(site["c"]["u3"], "/deals/stage", "/deals", stage_id="s2", ids=[a, b]).status_code == 303
    assert rows(site, "deals")[a]["stage_id"] == "s2" and len(changes(site, a)) == 1 and changes(site, b) == []


def test_new_deal_form_and_hostile_values(site):
    rep = site["c"]["u3"]
    made = form(rep, "/deals/new", "/deals/new", title=XSS, amount="1200", stage_id="s1", account_id="a1")
    assert made.status_code == 303
    new_id = made.headers["location"].rsplit("/", 1)[1]
    row = rows(site, "deals")[new_id]
    assert row["owner_id"] == "u3" and row["currency"] == "EUR" and row["account_id"] == "a1" and len(changes(site, new_id)) == 1
    page = rep.get(made.headers["location"]).text
    assert XSS not in page and "&lt;script&gt;" in page
    count = len(rows(site, "deals"))
    for bad in ({"title": "x" * 5000}, {"title": "T", "amount": "abc"}, {"title": "T", "kind": "gift"},
                {"title": "T", "account_id": "missing"}, {"title": "=HYPERLINK(1)"}):
        assert form(rep, "/deals/new", "/deals/new", **bad).status_code in (404, 422), bad
    assert form(site["c"]["u5"], "/deals/new", "/deals/new", title="V").status_code == 403
    assert len(rows(site, "deals")) == count


# -- tickets -------------------------------------------------------------------------------------


def test_tickets_list_page_and_steps(site):
    rep = site["c"]["u3"]
    listed = rep.get("/tickets.json").json()["tickets"]
    assert [t["id"] for t in listed if t["id"] in ("k1", "k2")] == ["k1"]
    assert listed[[t["id"] for t in listed].index("k1")]["priority_label"] == "alta"
    assert [t["id"] for t in rep.get("/tickets.json?q=acme").json()["tickets"]] == ["k1"]
    assert rep.get("/tickets/k2").status_code == 404
    page = rep.get("/tickets/k1")
    assert page.status_code == 200 and "alta" in page.text and "Acme Ibérica" in page.text
    assert form(rep, "/tickets/k1/respond", "/tickets/k1").status_code == 303
    assert rows(site, "tickets")["k1"]["first_response_at"] is not None
    assert form(rep, "/tickets/k1/respond", "/tickets/k1").status_code == 409  # already answered
    assert form(rep, "/tickets/k1/resolve", "/tickets/k1").status_code == 303 and rows(site, "tickets")["k1"]["status"] == "resolved"
    assert form(rep, "/tickets/k1/reopen", "/tickets/k1").status_code == 303 and rows(site, "tickets")["k1"]["status"] == "open"
    assert form(rep, "/tickets/k1/activity", "/tickets/k1", type="email", note="Respondido").status_code == 303
    assert "Respondido" in rep.get("/tickets/k1").text
    assert form(rep, "/tickets/k2/resolve", "/tickets/k1").status_code == 404
    assert form(site["c"]["u5"], "/tickets/k1/resolve", "/tickets/k1").status_code == 403
    assert form(rep, "/tickets/k1/explode", "/tickets/k1").status_code == 404
    assert rows(site, "tickets")["k2"]["status"] == "open"


def test_new_ticket_and_manager_assigns(site):
    rep, manager = site["c"]["u3"], site["c"]["u2"]
    made = form(rep, "/tickets/new", "/tickets/new", channel="chat", priority="urgent", account_id="a1")
    assert made.status_code == 303
    tid = made.headers["location"].rsplit("/", 1)[1]
    assert rows(site, "tickets")[tid]["owner_id"] == "u3" and rows(site, "tickets")[tid]["priority"] == "urgent"
    assert form(rep, "/tickets/new", "/tickets/new", priority="someday").status_code == 422
    assert form(manager, f"/tickets/{tid}/edit", f"/tickets/{tid}", field="owner_id", value="u4").status_code == 303
    assert rows(site, "tickets")[tid]["owner_id"] == "u4"
    assert form(rep, "/tickets/assign", "/tickets", owner_id="u3", ids=[tid]).status_code == 403


# -- Chromium --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(request, tmp_path_factory):
    """A DuckDB workspace of its own (the figures below start from `_seed` alone), served by uvicorn."""
    import socket
    import threading
    import time

    import uvicorn

    store = make_store("duckdb", tmp_path_factory.mktemp("wsboard"), request, timezone="Europe/Madrid")
    _seed(store)
    store.upsert_many({"deals": [deal("d4", "u6", 700, "s2")]})  # in euros here: no exchange rate is needed
    out = _site(store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(out["app"], host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield {**out, "base": f"http://127.0.0.1:{port}"}
    server.should_exit = True
    thread.join(10)
    out["app"].state.services.close()


def headline(client) -> dict[str, float]:
    tiles = {t["key"]: t for s in client.get("/index.json?period=month&at=2026-10-01").json()["sections"] for t in s["tiles"]}
    return {k: tiles[k].get("value", tiles[k]) for k in ("close_rate", "revenue_won")}


def test_a_rep_moves_deals_to_won_on_the_board_and_the_overview_follows(browser, served):
    """Rita's October before: won d5 (2,000 €) and lost d6 → close rate 1/2, revenue won 2,000 €.
    She drags d1 (1,000 €) to Propuesta, then to Ganado (the dialog: reason, close date today, 31
    October), and wins d2 (3,000 €) with its card's stage select and "Mover" (the keyboard way):
    won 3 of 4 closed → close rate 0.75; revenue won 2,000 + 1,000 + 3,000 = 6,000 €."""
    rita = served["c"]["u3"]
    assert headline(rita) == {"close_rate": 0.5, "revenue_won": 2000.0}
    w = Watched(browser, served["base"], viewport={"width": 1280, "height": 900})
    try:
        w.sign_in({"email": "u3@example.com", "password": PASSWORD})
        page = w.page
        page.goto(served["base"] + "/deals/board")
        screenshot(page, "deals-board-1280")
        page.drag_and_drop("[data-testid=card-d1]", "[data-testid=column-s2]")
        page.wait_for_selector("[data-testid=column-s2] [data-testid=card-d1]")
        assert served["store"].rows("deals") and rows(served, "deals")["d1"]["stage_id"] == "s2"
        page.drag_and_drop("[data-testid=card-d1]", "[data-testid=column-sw]")
        dialog = page.locator("#bd-close")
        assert dialog.is_visible() and page.input_value("[data-testid=close-date]") == "2026-10-31"
        page.fill("[data-testid=close-reason]", "Buen encaje")
        page.click("[data-testid=close-confirm]")
        page.wait_for_selector("[data-testid=column-sw] [data-testid=card-d1]")
        card = page.locator("[data-testid=card-d2]")
        card.locator("select").focus()
        card.locator("select").select_option("sw")
        card.locator("button").press("Enter")
        page.wait_for_selector("[data-testid=close-form]")
        page.click("[data-testid=close-confirm]")
        page.wait_for_selector("[data-testid=column-sw] [data-testid=card-d2]")
        screenshot(page, "deals-board-after-1280")
        assert w.errors == []
    finally:
        w.context.close()
    assert sorted((c["from_stage_id"], c["to_stage_id"]) for c in changes(served, "d1")) == [("s1", "s2"), ("s2", "sw")]
    assert len(changes(served, "d2")) == 1
    assert headline(rita) == {"close_rate": 0.75, "revenue_won": 6000.0}
    phone = Watched(browser, served["base"], viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone.sign_in({"email": "u3@example.com", "password": PASSWORD})
        for path, name in (("/deals/board", "deals-board-390"), ("/deals/d5", "deal-390"), ("/deals", "deals-list-390"),
                           ("/tickets/k1", "ticket-390")):
            phone.page.goto(served["base"] + path)
            assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, f"{path} scrolls sideways"
            screenshot(phone.page, name)
        assert phone.errors == []
    finally:
        phone.context.close()
