"""Issue 12, goals and alerts: webhooks cannot reach the server's own network (SSRF), alert details
hold finite numbers only, every visible alert can be reached in the inbox, outside the scope
everything looks absent, web goal and alert actions record the client's address, and what a rep
reads of a peers alert about them. Real local HTTP servers, both backends, no mocks."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from pulso import alerts, audit
from pulso.alerts.detect import localized
from pulso.engine import Engine
from pulso.errors import PulsoError
from pulso.access import Scope
from pulso.goals import create_goal, create_objective, delete_goal, goals, set_quota
from pulso.goals.okrs import check_in
from pulso.reports import create_schedule, delete_schedule, schedules
from pulso.store import schema, tables_goals as T

from goals.helpers import UTC, at, goal_tables_state
from goals.test_goals_web import client_for, csrf, error_of, site, state  # noqa: F401  (site is a fixture)

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _late_leads(store) -> None:
    """Three leads of u1 that nobody answered (24 h rule, as of NOW): three alerts per run."""
    store.upsert("leads", [{"id": f"L{i}", "name": f"Lead {i}", "owner_id": "u1", "created_at": at("2026-05-03T06:00:00")}
                           for i in (1, 2, 3)])


# -- 2. SSRF -------------------------------------------------------------------------------------

def test_a_webhook_to_loopback_receives_nothing_and_the_refusal_is_logged(tiny, webhook_server):
    _late_leads(tiny)
    engine = Engine(tiny)
    alerts.create_rule(tiny, engine, kind="unanswered", channel="webhook", recipients=webhook_server["url"])
    alerts.run(tiny, engine, NOW)
    alerts.run(tiny, engine, NOW + dt.timedelta(minutes=15))  # refused is final: not tried again
    assert webhook_server["received"] == []
    log = alerts.deliveries(tiny)
    assert [e["status"] for e in log] == ["refused"] * 3
    assert all("127.0.0.1 is a loopback address" in e["error"] and "webhook_allow_hosts" in e["error"] for e in log)


def test_the_workspace_default_webhook_is_checked_too(tiny, webhook_server):
    _late_leads(tiny)
    engine = Engine(tiny)
    tiny.set_setting("alert_webhook_url", webhook_server["url"].replace("127.0.0.1", "localhost"))
    alerts.create_rule(tiny, engine, kind="unanswered", scope="rep:u1", channel="webhook", caller=Scope.owners("u1"))
    alerts.run(tiny, engine, NOW)
    assert webhook_server["received"] == []
    assert {e["status"] for e in alerts.deliveries(tiny)} == {"refused"}


def test_an_allow_listed_host_receives_the_post(tiny, webhook_server):
    _late_leads(tiny)
    engine = Engine(tiny)
    tiny.set_setting("webhook_allow_hosts", "chat.example.internal, 127.0.0.1")
    alerts.create_rule(tiny, engine, kind="unanswered", channel="webhook", recipients=webhook_server["url"])
    alerts.run(tiny, engine, NOW)
    assert sorted(r["json"]["alert"]["detail"]["id"] for r in webhook_server["received"]) == ["L1", "L2", "L3"]
    assert [e["status"] for e in alerts.deliveries(tiny)] == ["sent"] * 3


@pytest.fixture
def redirector(webhook_server):
    """A local HTTP server that answers every POST with a redirect to the webhook receiver."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", webhook_server["url"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/moved", "hits": hits}
    server.shutdown()
    server.server_close()


def test_a_redirect_is_not_followed(tiny, redirector, webhook_server):
    _late_leads(tiny)
    engine = Engine(tiny)
    tiny.set_setting("webhook_allow_hosts", "127.0.0.1")  # both servers are allowed: the redirect still is not
    alerts.create_rule(tiny, engine, kind="unanswered", channel="webhook", recipients=redirector["url"])
    alerts.run(tiny, engine, NOW)
    assert len(redirector["hits"]) == 3 and webhook_server["received"] == []
    log = alerts.deliveries(tiny)
    assert [e["status"] for e in log] == ["refused"] * 3
    assert "answered 307 (a redirect): redirects are not followed" in log[0]["error"]


@pytest.mark.parametrize("url, reason", [
    ("http://10.1.2.3/hook", "10.1.2.3 is a private address"),
    ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
    ("http://[::1]:8080/hook", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]/hook", "a loopback address (inside the IPv6 address ::ffff:7f00:1)"),
    ("http://[fd00::1]/hook", "fd00::1 is a private address"),
    ("http://0.0.0.0:8000/hook", "0.0.0.0 is an unspecified address"),
    ("http://224.0.0.1/hook", "224.0.0.1 is a multicast address"),
    ("http://100.64.0.1/hook", "100.64.0.1 is not a public address"),
    ("http://2130706433/hook", "127.0.0.1 is a loopback address"),  # 127.0.0.1 written as one number
])
def test_the_address_policy(url, reason):
    from pulso.alerts import channels

    with pytest.raises(channels.WebhookRefused) as caught:
        channels.post_webhook(url, {"text": "x"})
    assert reason in str(caught.value)


def test_only_an_admin_gives_a_webhook_url_in_the_library(tiny):
    engine = Engine(tiny)
    before = goal_tables_state(tiny)
    for who in (Scope.owners("u1"), Scope.team("t1")):
        with pytest.raises(PulsoError, match="only an administrator may give a webhook URL"):
            alerts.create_rule(tiny, engine, kind="stuck", scope=who.text, channel="webhook",
                               recipients="http://127.0.0.1:9/x", caller=who)
    assert goal_tables_state(tiny) == before
    rule = alerts.create_rule(tiny, engine, kind="stuck", scope="rep:u1", channel="webhook", caller=Scope.owners("u1"))
    assert rule["recipients"] is None  # the workspace's webhook
    assert alerts.create_rule(tiny, engine, kind="stuck", channel="webhook", recipients="https://hooks.example.com/a",
                              caller=Scope.company(), admin=True)["recipients"] == "https://hooks.example.com/a"


def test_only_an_admin_gives_a_webhook_url_in_the_web_form(site):
    before = state(site)
    for role in ("rep", "manager"):
        client = client_for(site, role)
        page = client.get("/alerts").text
        r = client.post("/alerts/rules", data={"csrf_token": csrf(page), "kind": "stuck", "channel": "webhook",
                                               "recipients": "http://127.0.0.1:9/steal"})
        assert r.status_code == 403, role
        assert error_of(r.text) == ("Solo un administrador puede indicar la URL de un webhook; deja el campo vacío "
                                    "para usar el webhook del espacio de trabajo.")
    assert state(site) == before
    rep = client_for(site, "rep")
    r = rep.post("/alerts/rules", data={"csrf_token": csrf(rep.get("/alerts").text), "kind": "stuck",
                                        "channel": "webhook", "recipients": ""}, follow_redirects=False)
    assert r.status_code == 303  # the workspace's webhook: allowed
    admin = client_for(site, "admin")
    r = admin.post("/alerts/rules", data={"csrf_token": csrf(admin.get("/alerts").text), "kind": "idle",
                                          "channel": "webhook", "recipients": "https://hooks.example.com/T0/B0/secret"},
                   follow_redirects=False)
    assert r.status_code == 303
    shown = rep.get("/alerts.json").json()["rules"] + client_for(site, "manager").get("/alerts.json").json()["rules"]
    assert all(r["recipients"] is None for r in shown if r["channel"] == "webhook")  # the URL may hold a secret
    assert "hooks.example.com/T0/B0/secret" in json.dumps(admin.get("/alerts.json").json()["rules"])
    services = site["app"].state.services  # the rules would notify on every later run: remove them
    for rule in services.run(alerts.rules, services.store):
        if rule["channel"] == "webhook":
            services.run(alerts.delete_rule, services.store, rule["id"])


# -- 10. non-finite numbers ----------------------------------------------------------------------

def test_a_sum_kpi_alert_stores_a_null_sample_and_says_why(tiny):
    engine = Engine(tiny)
    # April: one won deal of 1000 (helpers.tiny_records), below a threshold of 5000
    alerts.create_rule(tiny, engine, kind="threshold", kpi="revenue_won", params={"threshold": 5000})
    raised = alerts.run(tiny, engine, NOW)["raised"]
    assert len(raised) == 1
    detail = raised[0]["detail"]
    assert detail["value"] == 1000 and detail["sample"] is None and "sums amounts" in detail["sample_note"]
    with tiny.engine.connect() as conn:
        stored = conn.execute(sa.select(T.alerts.c.detail)).scalar()
    assert "Infinity" not in stored and "NaN" not in stored
    assert json.loads(stored)["sample"] is None


def _old_alert(owner: str, **values) -> dict:
    """An alert as stored before the fix: `sample: Infinity` in its detail."""
    return {"id": f"alert-old-{owner}", "rule_id": "rule-old", "fingerprint": f"old-{owner}", "raised_at": NOW,
            "title": "Ingresos nuevos por debajo de 5000", "message": "fue 1000", "scope_kind": "company",
            "scope_id": None, "status": "open",
            "detail": json.dumps({"kpi": "revenue_won", "value": 1000.0, "sample": float("inf"), "owner": owner,
                                  "breakdown": [{"value": owner, "figure": 1000.0, "sample": float("-inf")}]}),
            **values}


def test_old_rows_with_infinity_read_as_null(tiny):
    with tiny.connect() as conn:
        conn.execute(T.alerts.insert().values(**_old_alert("u1")))
    for caller in (None, Scope.owners("u1"), Scope.team("t1")):
        [alert] = alerts.inbox(tiny, caller=caller)
        assert alert["detail"]["sample"] is None and alert["detail"]["breakdown"][0]["sample"] is None
        assert alert["detail"]["not_finite"] == ["sample", "breakdown.0.sample"]
    assert alerts.inbox(tiny, caller=Scope.owners("u2")) == []


def test_alerts_json_serialises_old_rows(site):
    services = site["app"].state.services
    rep = site["signins"]["rep"]["id"]

    def insert():
        with services.store.connect() as conn:
            conn.execute(T.alerts.insert().values(**_old_alert(rep, raised_at=dt.datetime(2030, 1, 1, tzinfo=UTC))))

    services.run(insert)
    for role in ("admin", "rep"):
        r = client_for(site, role).get("/alerts.json")
        assert r.status_code == 200, role
        [mine] = [a for a in r.json()["inbox"] if a["id"] == f"alert-old-{rep}"]
        assert mine["detail"]["sample"] is None


# -- 11. every visible alert can be reached -------------------------------------------------------

def _many_alerts(store) -> None:
    """601 alerts made by hand, newest first: 300 about u9 (team t2), then 151 company-wide about
    u1 (the 10 newest acknowledged), 100 of rule scope rep:u1, 20 of scope team:t1, 30 of scope team:t2."""
    rows, minute = [], 0

    def add(n, scope_kind, scope_id, owner, status="open", acknowledged=0):
        nonlocal minute
        for i in range(n):
            minute += 1
            rows.append({"id": f"alert-{minute:04d}", "rule_id": "rule-x", "fingerprint": str(minute),
                         "raised_at": NOW - dt.timedelta(minutes=minute), "title": "t", "message": "m",
                         "detail": json.dumps({"owner": owner} if owner else {}), "scope_kind": scope_kind,
                         "scope_id": scope_id, "status": "acknowledged" if i < acknowledged else status})

    add(300, "company", None, "u9")
    add(151, "company", None, "u1", acknowledged=10)
    add(100, "rep", "u1", None)
    add(20, "team", "t1", None)
    add(30, "team", "t2", None)
    with store.connect() as conn:
        conn.execute(T.alerts.insert(), rows)


def test_the_inbox_filters_by_scope_before_the_page(tiny):
    _many_alerts(tiny)
    u1 = [f"alert-{m:04d}" for m in range(311, 552)]  # 141 open company-wide + 100 of rep:u1, newest first
    first = alerts.inbox(tiny, caller=Scope.owners("u1"), now=NOW, limit=200)
    rest = alerts.inbox(tiny, caller=Scope.owners("u1"), now=NOW, limit=200, offset=200)
    assert [a["id"] for a in first + rest] == u1 and (len(first), len(rest)) == (200, 41)
    expected = {Scope.owners("u1"): 241, Scope.owners("u9"): 300, Scope.owners("u2"): 0,
                Scope.team("t1"): 261, Scope.team("t2"): 330, Scope.company(): 591}
    for caller, n in expected.items():
        assert alerts.count(tiny, caller=caller, now=NOW) == n, caller
        assert len(alerts.inbox(tiny, caller=caller, now=NOW, limit=1000)) == n, caller
    handled = alerts.inbox(tiny, caller=Scope.owners("u1"), now=NOW, handled=True)
    assert [a["id"] for a in handled] == [f"alert-{m:04d}" for m in range(301, 311)]
    with pytest.raises(PulsoError, match="inbox page"):
        alerts.inbox(tiny, limit=10**9)


def test_the_inbox_page_links_reach_every_alert(site):
    services = site["app"].state.services
    rep = site["signins"]["rep"]["id"]
    made = [f"alert-paged-{i:03d}" for i in range(120)]

    def insert():
        with services.store.connect() as conn:
            conn.execute(T.alerts.insert(), [
                {"id": made[i], "rule_id": "rule-paged", "fingerprint": str(i), "title": "t", "message": "m",
                 "raised_at": dt.datetime(2029, 1, 1, tzinfo=UTC) - dt.timedelta(minutes=i), "status": "open",
                 "detail": json.dumps({"owner": rep}), "scope_kind": "company", "scope_id": None}
                for i in range(120)])

    services.run(insert)
    client, url, seen = client_for(site, "rep"), "/alerts", []
    while url:
        page = client.get(url).text
        seen += re.findall(r'data-alert="([^"]+)"', page)
        found = re.search(r'data-testid="inbox-next" href="([^"]+)"|href="([^"]+)" data-testid="inbox-next"', page)
        url = (found.group(1) or found.group(2)).replace("&amp;", "&") if found else None
    assert set(made) <= set(seen) and len(seen) == len(set(seen))
    assert client.get("/alerts?page=0").status_code in (400, 422)  # refused as a bad parameter, not a 500


# -- 16. outside the scope, everything looks absent -------------------------------------------------

def test_out_of_scope_looks_absent_in_goals_and_alerts(tiny):
    engine = Engine(tiny)
    team = Scope.team("t1")

    def message(fn) -> str:
        with pytest.raises(PulsoError) as caught:
            fn()
        return str(caught.value)

    for scope, nobody in (("rep:u9", "rep:ghost"), ("team:t2", "team:ghost")):
        exists = message(lambda: create_goal(tiny, engine, kpi="close_rate", target="0.5", scope=scope, caller=team))
        absent = message(lambda: create_goal(tiny, engine, kpi="close_rate", target="0.5", scope=nobody, caller=team))
        assert exists.replace(scope.split(":")[1], "ID") == absent.replace("ghost", "ID")
        assert message(lambda: set_quota(tiny, scope=scope, period="2026-03", amount=1, caller=team)) == exists
        assert message(lambda: alerts.create_rule(tiny, engine, kind="stuck", scope=scope, caller=team)) == exists
        assert message(lambda: create_schedule(tiny, name="x", frequency="month", recipients="a@b.es", scope=scope,
                                               caller=team)) == exists
        kr = [{"title": "a", "start_value": 0, "target_value": 1}, {"title": "b", "start_value": 0, "target_value": 1}]
        assert message(lambda: create_objective(tiny, engine, title="x", quarter="2026-Q2", key_results=kr,
                                                scope=scope, caller=team)) == exists
    g = create_goal(tiny, engine, kpi="close_rate", target="0.5", scope="rep:u9", today=dt.date(2026, 4, 1))
    assert message(lambda: delete_goal(tiny, g["id"], caller=team)) == f"no goal has the id '{g['id']}'"
    rule = alerts.create_rule(tiny, engine, kind="stuck", scope="team:t2", params={"days": 1})
    assert message(lambda: alerts.delete_rule(tiny, rule["id"], caller=team)) == f"no alert rule has the id '{rule['id']}'"
    sched = create_schedule(tiny, name="x", frequency="month", recipients="a@b.es", scope="team:t2")
    assert message(lambda: delete_schedule(tiny, sched["id"], caller=team)) == f"no report schedule has the id '{sched['id']}'"
    assert message(lambda: delete_schedule(tiny, "sched-ghost", caller=team)) == "no report schedule has the id 'sched-ghost'"
    tiny.upsert("deals", [{"id": "d-t2", "owner_id": "u9", "title": "x", "amount": 1, "currency": "EUR",
                           "stage_id": "s-open", "status": "open", "kind": "new", "created_at": at("2026-01-01T00:00:00")}])
    [alert] = alerts.run(tiny, engine, NOW)["raised"]
    for fn in (lambda: alerts.acknowledge(tiny, alert["id"], caller=team),
               lambda: alerts.snooze(tiny, alert["id"], 2, caller=team)):
        assert message(fn) == f"no alert has the id '{alert['id']}'"
    okr = create_objective(tiny, engine, title="x", quarter="2026-Q2", scope="team:t2",
                           key_results=[{"title": "a", "start_value": 0, "target_value": 1},
                                        {"title": "b", "start_value": 0, "target_value": 1}])
    kr_id = okr["key_results"][0]["id"]
    assert message(lambda: check_in(tiny, engine, kr_id, 1, caller=team)) == f"no key result has the id '{kr_id}'"


def test_out_of_scope_looks_absent_on_the_web(site):
    services = site["app"].state.services
    manager = client_for(site, "manager")
    mine = services.run(lambda: {u["id"] for u in services.store.rows("users")
                                 if u["team_id"] == site["signins"]["manager"]["team"]})
    other = services.run(lambda: next(u["id"] for u in services.store.rows("users")
                                      if u["role"] == "rep" and u["id"] not in mine))
    token = csrf(manager.get("/goals").text)
    answers = []
    for who in (other, "usr-nobody"):
        r = manager.post("/goals", data={"csrf_token": token, "kpi": "close_rate", "target": "0.5", "scope": f"rep:{who}"})
        answers.append((r.status_code, error_of(r.text).replace("&#39;", "'").replace(who, "ID")))
    assert answers[0] == answers[1] == (400, "Elija una opción de la lista.")  # the scope picker's one message


# -- 18. web goal and alert actions record the client's address ------------------------------------

def test_web_goal_and_alert_actions_are_audited_with_the_address(site):
    services = site["app"].state.services
    store = services.store
    manager = client_for(site, "manager")
    info = site["signins"]["manager"]
    team = services.run(lambda: next((t["id"] for t in store.rows("teams") if t["manager_id"] == info["id"]), info["team"]))
    token = csrf(manager.get("/goals").text)

    def post(path, **data):
        r = manager.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert r.status_code == 303, (path, error_of(r.text))

    post("/goals", kpi="close_rate", target="0.5", scope=f"team:{team}", name="audited")
    goal_id = services.run(lambda: next(g["id"] for g in goals(store) if g["name"] == "audited"))
    post(f"/goals/{goal_id}/delete")
    post("/quotas", scope=f"team:{team}", period="2026-03", amount="1000")
    post("/okrs", title="audited okr", quarter="2026-Q1", scope=f"team:{team}",
         **{"kr.0.title": "uno", "kr.0.start": "0", "kr.0.target": "10", "kr.1.title": "dos", "kr.1.start": "0", "kr.1.target": "5"})
    def first_kr():
        with store.engine.connect() as conn:
            return conn.execute(sa.select(T.okr_key_results.c.id).where(T.okr_key_results.c.title == "uno")).scalar()

    kr = services.run(first_kr)
    post("/okrs/checkin", key_result=kr, value="3")
    post("/alerts/rules", kind="stuck", scope=f"team:{team}", name="audited rule", **{"stuck.days": "1"})
    rule = services.run(lambda: next(r["id"] for r in alerts.rules(store) if r["name"] == "audited rule"))
    raised = services.run(lambda: alerts.run(store, Engine(store), dt.datetime(2026, 3, 15, 12, tzinfo=UTC),
                                             rule_ids=[rule], notify=False))["raised"]
    post(f"/alerts/{raised[0]['id']}/ack")
    post(f"/alerts/{raised[1]['id']}/snooze", hours="24")
    post(f"/alerts/rules/{rule}/delete")
    post("/reports/schedules", name="audited schedule", frequency="month", recipients="a@b.es", scope=f"team:{team}")
    sched = services.run(lambda: next(x["id"] for x in schedules(store) if x["name"] == "audited schedule"))
    post(f"/reports/schedules/{sched}/delete")
    a = schema.audit_log

    def entries():
        with store.engine.connect() as conn:
            return conn.execute(sa.select(a.c.action, a.c.ip).where(a.c.actor_id == info["id"],
                                                                    a.c.action != "auth.sign_in")).all()

    found = services.run(entries)
    assert sorted(x for x, _ in found) == sorted(["goals.create", "goals.delete", "quotas.set", "okrs.create",
                                                  "okrs.check_in", "alerts.rule_create", "alerts.acknowledge",
                                                  "alerts.snooze", "alerts.rule_delete",
                                                  "reports.schedule_create", "reports.schedule_delete"])
    assert {ip for _, ip in found} == {"testclient"}  # Starlette's TestClient's address


# -- decision: what a rep reads of a peers alert ------------------------------------------------------

def _reps_and_leads(store, reps: int) -> None:
    """`reps` reps in team t1 with 20 leads each in April 2026: u1 converted 1, every other 12."""
    users = [{"id": f"u{i}", "name": f"Rep {i}", "email": f"u{i}@example.com", "role": "rep", "team_id": "t1",
              "created_at": at("2025-01-01T00:00:00")} for i in range(1, reps + 1)]
    leads = [{"id": f"L{i}-{j}", "name": f"Lead {i}-{j}", "owner_id": f"u{i}", "source": "web",
              "created_at": at(f"2026-04-{j + 1:02d}T09:00:00"),
              "converted_at": at(f"2026-04-{j + 2:02d}T09:00:00") if j < (1 if i == 1 else 12) else None}
             for i in range(1, reps + 1) for j in range(20)]
    store.upsert_many({"teams": [{"id": "t1", "name": "Norte"}], "users": users, "leads": leads})


@pytest.mark.parametrize("reps, shown", [(3, False), (4, True)])
def test_a_flagged_rep_sees_the_peers_baseline_only_when_three_others_make_it(store, reps, shown):
    _reps_and_leads(store, reps)
    engine = Engine(store)
    alerts.create_rule(store, engine, kind="peers", kpi="lead_conversion_rate", params={"min_sample": 10})
    [raised] = alerts.run(store, engine, NOW)["raised"]
    assert raised["detail"]["owner"] == "u1" and raised["detail"]["baseline"] == pytest.approx(0.6)  # 12/20 each
    assert raised["detail"]["peers"] == reps - 1
    [manager] = alerts.inbox(store, caller=Scope.team("t1"))
    assert manager["detail"]["baseline"] == pytest.approx(0.6) and "60,0% del resto" in manager["message"]
    [own] = alerts.inbox(store, caller=Scope.owners("u1"))
    assert own["title"] == "Tu Tasa de conversión de leads está por debajo de la de tus compañeros"
    assert ("baseline" in own["detail"]) is shown and ("(60,0%)" in own["message"]) is shown
    assert ("(60.0%)" in localized(own, "en")[1]) is shown
    assert "for_rep" not in own["detail"] and all("peers" not in b for b in own["detail"]["breakdown"])
    assert "u2" not in json.dumps(own, default=str) and "u3" not in json.dumps(own, default=str)
    assert alerts.inbox(store, caller=Scope.owners("u2")) == []
    actor = audit.Actor("user", "u1")  # acknowledging works on the rep's view of it
    alerts.acknowledge(store, own["id"], caller=Scope.owners("u1"), actor=actor)
    assert alerts.inbox(store, caller=Scope.owners("u1")) == []
