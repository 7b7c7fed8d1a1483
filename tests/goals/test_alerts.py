"""Alerts: rules on the demo and on hand-made records, a fake clock for the schedule, each condition
notified once, through a real local webhook receiver and a real local SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from pulso import alerts, events, jobs
from pulso.alerts.rules import check_params
from pulso.engine import Engine, engine_for
from pulso.errors import PulsoError
from pulso.access import Scope

from goals.helpers import DEMO_AS_OF, UTC, at, goal_tables_state, use_smtp

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _records_of_the_day() -> dict[str, list[dict]]:
    """Leads and tickets around NOW (hand-made): which ones are late is known by construction."""
    def lead(i, created, owner="u1"):
        return {"id": f"L{i}", "name": f"Lead {i}", "owner_id": owner, "created_at": created}

    def call(i, lead_id, when, automated=False):
        return {"id": f"A{i}", "type": "call", "direction": "outbound", "owner_id": "u1", "lead_id": lead_id,
                "occurred_at": when, "automated": automated}

    return {
        "leads": [lead(1, at("2026-05-03T06:00:00")),   # 30 h ago, never answered → alert
                  lead(2, at("2026-05-03T06:00:00")),   # answered 2 h after arriving → no alert
                  lead(3, at("2026-05-03T06:00:00")),   # answered 26 h after → late → alert
                  lead(4, at("2026-05-04T10:00:00")),   # 2 h old: not due yet
                  lead(5, at("2026-05-03T06:00:00")),   # only an automated e-mail → alert
                  lead(6, at("2026-05-03T06:00:00"), owner="u9"),  # another team's: not in team t1's rule
                  lead(7, at("2026-04-01T06:00:00"))],  # older than the look-back: not "new"
        "activities": [call(1, "L2", at("2026-05-03T08:00:00")), call(2, "L3", at("2026-05-04T08:00:00")),
                       call(3, "L5", at("2026-05-03T06:01:00"), automated=True)],
        "tickets": [{"id": "T1", "owner_id": "u2", "channel": "email", "status": "open", "opened_at": at("2026-05-02T12:00:00")},
                    {"id": "T2", "owner_id": "u2", "channel": "email", "status": "resolved", "opened_at": at("2026-05-02T12:00:00"),
                     "first_response_at": at("2026-05-02T13:00:00"), "first_response_automated": False}],
    }


@pytest.fixture
def day(tiny):
    tiny.upsert_many(_records_of_the_day())
    return tiny


def test_response_time_rule_fires_for_unanswered_leads_only(day):
    engine = Engine(day)
    rule = alerts.create_rule(day, engine, kind="unanswered", scope="team:t1", params={"hours": "24"})
    result = alerts.run(day, engine, NOW)
    raised = {a["detail"]["id"]: a for a in result["raised"]}
    assert set(raised) == {"L1", "L3", "L5"}
    assert raised["L1"]["detail"]["answered_at"] is None and raised["L1"]["detail"]["waited_hours"] == 30.0
    assert raised["L3"]["detail"]["waited_hours"] == 26.0
    assert "24 h" in raised["L1"]["message"]
    from pulso.alerts.detect import localized

    assert localized(raised["L1"], "en") == ("Lead unanswered after 24 h: Lead 1",
                                             "The lead Lead 1 (owner Ana) arrived on May 3, 2026, 6:00\u202fAM UTC and has had no "
                                             "answer for 30 h; the limit is 24 h.")
    assert localized(raised["L3"], "es")[1].endswith("está respondido a las 26 h; el plazo es de 24 h.")
    # the same condition is not raised (nor notified) twice
    assert alerts.run(day, engine, NOW + dt.timedelta(hours=1))["raised"] == []
    tickets = alerts.create_rule(day, engine, kind="unanswered", params={"record": "ticket", "hours": 24})
    found = alerts.run(day, engine, NOW, rule_ids=[tickets["id"]])["raised"]
    assert [a["detail"]["id"] for a in found] == ["T1"]
    assert {a["rule_id"] for a in alerts.inbox(day)} == {rule["id"], tickets["id"]}


def test_ack_and_snooze(day):
    engine = Engine(day)
    alerts.create_rule(day, engine, kind="unanswered", params={"hours": 24})
    raised = alerts.run(day, engine, NOW)["raised"]
    first, second = raised[0]["id"], raised[1]["id"]
    alerts.acknowledge(day, first, now=NOW)
    until = alerts.snooze(day, second, 2, now=NOW)
    assert until == NOW + dt.timedelta(hours=2)
    open_now = {a["id"] for a in alerts.inbox(day, now=NOW + dt.timedelta(hours=1))}
    assert first not in open_now and second not in open_now
    assert second in {a["id"] for a in alerts.inbox(day, now=NOW + dt.timedelta(hours=3))}
    assert first in {a["id"] for a in alerts.inbox(day, include_done=True)}
    with pytest.raises(PulsoError, match=f"no alert has the id '{second}'"):  # outside the scope looks absent
        alerts.acknowledge(day, second, caller=Scope.owners("u9"))
    with pytest.raises(PulsoError, match="between 1 and 720"):
        alerts.snooze(day, second, "99999")


def test_the_cli_subscribes_the_rules_when_it_starts():
    from typer.testing import CliRunner

    from pulso.cli import app

    events._subscribers[:] = [s for s in events._subscribers if s is not jobs.alert_rules_on_data]
    import pulso.web.routes  # noqa: F401  (importing subscribes nothing: whoever starts Pulso does)

    assert jobs.alert_rules_on_data not in events._subscribers
    assert CliRunner().invoke(app, ["version"]).exit_code == 0
    assert jobs.alert_rules_on_data in events._subscribers


def test_events_run_the_rules_after_data_arrives(day):
    jobs.subscribe()
    engine = engine_for(day)
    alerts.create_rule(day, engine, kind="stuck", params={"days": 20})
    day.upsert("deals", [{"id": "d-old", "owner_id": "u1", "title": "Vieja", "amount": 5, "currency": "EUR",
                          "stage_id": "s-open", "status": "open", "kind": "new", "created_at": at("2020-01-01T00:00:00")}])
    events.data_arrived(day, source="import", tables=("deals",))
    assert [a["detail"]["id"] for a in alerts.inbox(day)] == ["d-old"]


def test_webhook_and_email_delivered_once(day, webhook_server, smtp_server):
    engine = Engine(day)
    use_smtp(day, smtp_server)
    day.set_setting("webhook_allow_hosts", "127.0.0.1")  # the local receiver: loopback needs the admin's leave
    alerts.create_rule(day, engine, kind="unanswered", params={"hours": 24}, channel="webhook",
                       recipients=webhook_server["url"], scope="rep:u1")
    alerts.create_rule(day, engine, kind="unanswered", params={"hours": 24, "record": "ticket"}, channel="email",
                       recipients="jefa@example.com, otro@example.com")
    alerts.run(day, engine, NOW)
    alerts.run(day, engine, NOW + dt.timedelta(minutes=15))
    bodies = [r["json"] for r in webhook_server["received"]]
    assert sorted(b["alert"]["detail"]["id"] for b in bodies) == ["L1", "L3", "L5"]  # once each
    assert all(r["type"].startswith("application/json") for r in webhook_server["received"])
    l1 = next(b for b in bodies if b["alert"]["detail"]["id"] == "L1")
    assert "Lead 1" in l1["text"] and l1["blocks"][0]["type"] == "header"
    assert len(smtp_server["received"]) == 1
    mail = smtp_server["received"][0]
    assert mail["to"] == ["jefa@example.com", "otro@example.com"]
    assert mail["message"]["Subject"].startswith("[Pulso] Ticket sin respuesta en 24 h")
    assert "Plazo (horas): 24" in mail["message"].get_body().get_content()
    log = alerts.deliveries(day)
    assert [e["status"] for e in log] == ["sent"] * 4


def test_failed_delivery_is_logged_and_retried(day, webhook_server):
    engine = Engine(day)
    dead = webhook_server["url"].rsplit(":", 1)[0] + ":9/hook"  # the discard port: nothing listens
    day.set_setting("webhook_allow_hosts", "127.0.0.1")
    alerts.create_rule(day, engine, kind="unanswered", params={"hours": 24, "record": "ticket"}, channel="webhook",
                       recipients=dead)
    alerts.run(day, engine, NOW)
    alerts.run(day, engine, NOW + dt.timedelta(minutes=15))
    log = alerts.deliveries(day)
    assert [e["status"] for e in log] == ["failed", "failed"] and "could not be reached" in log[0]["error"]


def test_fake_clock_drives_the_schedule(day):
    clock = {"now": NOW}
    runs = []
    scheduler = jobs.Scheduler(day, lambda: Engine(day), clock=lambda: clock["now"])
    scheduler._alerts = lambda now: runs.append(now)  # count the runs; evaluation itself is tested above
    scheduler.jobs[0].fn = scheduler._alerts
    scheduler.tick()
    clock["now"] += dt.timedelta(minutes=5)
    scheduler.tick()
    clock["now"] += dt.timedelta(minutes=10)
    scheduler.tick()
    clock["now"] += dt.timedelta(hours=2)  # a long pause runs the job once, not eight times
    scheduler.tick()
    assert runs == [NOW, NOW + dt.timedelta(minutes=15), NOW + dt.timedelta(minutes=135)]


def test_scheduled_evaluation_raises_each_lead_once(day):
    clock = {"now": dt.datetime(2026, 5, 3, 12, 0, tzinfo=UTC)}
    engine = Engine(day)
    alerts.create_rule(day, engine, kind="unanswered", params={"hours": 24})
    scheduler = jobs.Scheduler(day, lambda: engine, clock=lambda: clock["now"])
    seen = []
    # a tick a day early (nothing is 24 h late yet), then every 15 minutes from noon on 4 May
    for when in [clock["now"]] + [NOW + dt.timedelta(minutes=15 * k) for k in range(11)]:
        clock["now"] = when
        done = dict(scheduler.tick())
        seen += [a["detail"]["id"] for a in done.get("alerts", {"raised": []})["raised"]]
    assert sorted(seen) == ["L1", "L3", "L5", "L6"]  # company-wide: the other team's lead too


def test_bad_rules_are_refused_and_nothing_is_stored(day):
    engine = Engine(day)
    before = goal_tables_state(day)
    cases = [
        (dict(kind="sometimes"), "unknown rule kind 'sometimes'"),
        (dict(kind="threshold", kpi="close_rte", params={"threshold": 1}), "unknown KPI 'close_rte'"),
        (dict(kind="threshold", kpi="close_rate"), "needs a threshold"),
        (dict(kind="threshold", kpi="close_rate", params={"threshold": "alto"}), "threshold: 'alto' is not a number"),
        (dict(kind="anomaly", kpi="close_rate", params={"confidence": "2"}), "confidence"),
        (dict(kind="unanswered", params={"hours": "-3"}), "hours: '-3' is not a whole number"),
        (dict(kind="unanswered", params={"hours": "1.5"}), "is not a whole number"),
        (dict(kind="unanswered", params={"record": "fax"}), "record: 'fax'"),
        (dict(kind="unanswered", params={"color": "red"}), "unknown parameter(s)"),
        (dict(kind="goal", params={"goal": "goal-nope"}), "no goal has the id 'goal-nope'"),
        (dict(kind="stuck", channel="email", recipients="not-an-address"), "not-an-address"),
        (dict(kind="stuck", channel="webhook", recipients="javascript:alert(1)", admin=True), "is not a http(s) URL"),
        (dict(kind="stuck", channel="webhook", recipients="https://hooks.example.com/x"), "only an administrator"),
        (dict(kind="stuck", channel="pigeon"), "unknown channel 'pigeon'"),
        (dict(kind="stuck", scope="team:t2"), "scope team:t2: no team you can see has the id 't2'"),
        (dict(kind="peers", kpi="close_rate", scope="rep:u1"), "compares the reps"),
        (dict(kind="threshold", kpi="website_visitors", scope="rep:u1", params={"threshold": 1}), "only a company rule"),
    ]
    for kwargs, message in cases:
        with pytest.raises(PulsoError) as caught:
            alerts.create_rule(day, engine, caller=Scope.team("t1"), **{"scope": "team:t1", **kwargs})
        assert message in str(caught.value), kwargs
    assert goal_tables_state(day) == before


# -- on the demo workspace --------------------------------------------------------------------------

@pytest.mark.xdist_group("goals-demo")
def test_peers_rule_flags_the_planted_weak_rep_and_no_other(demo):
    # the weak rep as tests/test_demo.py finds it: lowest conversion of all leads, by SQL
    with demo.engine.connect() as conn:
        worst = conn.execute(sa.text("""
            SELECT owner_id FROM leads WHERE owner_id IS NOT NULL GROUP BY owner_id
            HAVING count(*) >= 150
            ORDER BY avg(CASE WHEN converted_at IS NOT NULL THEN 1.0 ELSE 0.0 END) LIMIT 1""")).scalar()
        planted = conn.execute(sa.text("SELECT value FROM workspace_settings WHERE key = 'demo_weak_rep'")).scalar()
    assert worst == planted
    engine = Engine(demo)
    alerts.create_rule(demo, engine, kind="peers", kpi="lead_conversion_rate", params={"days": 365})
    now = dt.datetime.combine(DEMO_AS_OF, dt.time(12), tzinfo=UTC)
    raised = alerts.run(demo, engine, now)["raised"]
    assert [a["detail"]["owner"] for a in raised] == [planted]
    why = raised[0]["detail"]
    assert why["value"] < why["baseline"] / 2 and why["z"] < -2.58 and why["sample"] >= 100
    assert why["breakdown_by"] == "source" and why["breakdown"]  # what drives it, by lead source
    assert "coaching" in raised[0]["message"]
    assert alerts.run(demo, engine, now + dt.timedelta(hours=1))["raised"] == []  # not twice


def test_check_params_fills_defaults(day):
    p = check_params("anomaly", "close_rate", {}, Engine(day), day)
    assert p == {"grain": "month", "history": 12, "min_sample": 30, "confidence": 0.95}


def test_a_run_reuses_a_series_for_whole_period_queries(tiny):
    from pulso.alerts.inbox import _Once

    engine = Engine(tiny)
    once = _Once(engine)
    once.query("close_rate", start=dt.date(2026, 1, 1), end=dt.date(2026, 5, 1), grain="month")
    reused = once.query("close_rate", start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 1)).rows
    direct = engine.query("close_rate", start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 1)).rows
    assert [(r["value"], r["previous"], r["numerator"]) for r in reused] == \
        [(r["value"], r["previous"], r["numerator"]) for r in direct] == [(0.75, 0.5, 3.0)]


def test_threshold_goal_and_idle_rules_by_hand(day):
    engine = Engine(day)
    threshold = alerts.create_rule(day, engine, kind="threshold", kpi="close_rate", params={"threshold": "60%"})
    assert threshold["params"]["op"] == "below"  # more is better: warn below
    march = alerts.run(day, engine, dt.datetime(2026, 4, 4, 9, tzinfo=UTC))["raised"]
    assert march == []  # March closed 3 of 4: 75 %
    [april] = alerts.run(day, engine, NOW)["raised"]  # April closed 1 of 2: 50 %
    assert april["detail"]["value"] == 0.5 and april["detail"]["threshold"] == 0.6
    assert april["detail"]["period"] == "2026-04" and april["detail"]["sample"] == 2
    assert april["detail"]["breakdown_by"] == "owner"
    from pulso.goals import create_goal

    g = create_goal(day, engine, kpi="close_rate", target="90%", start="2026-04-01", deadline="2026-07-01",
                    today=dt.date(2026, 4, 30))
    alerts.create_rule(day, engine, kind="goal", params={"goal": g["id"]})
    day.upsert("deals", [
        {"id": "d-idle", "owner_id": "u1", "title": "Sin tocar", "amount": 10, "currency": "EUR", "stage_id": "s-open",
         "status": "open", "kind": "new", "created_at": at("2026-03-01T09:00:00")},
        {"id": "d-busy", "owner_id": "u1", "title": "Activa", "amount": 10, "currency": "EUR", "stage_id": "s-open",
         "status": "open", "kind": "new", "created_at": at("2026-03-01T09:00:00")}])
    day.upsert("activities", [{"id": "A-busy", "type": "call", "owner_id": "u1", "deal_id": "d-busy",
                               "occurred_at": at("2026-05-01T09:00:00")},
                              {"id": "A-old", "type": "call", "owner_id": "u1", "deal_id": "d-idle",
                               "occurred_at": at("2026-04-01T09:00:00")}])
    alerts.create_rule(day, engine, kind="idle", params={"days": 14})
    raised = alerts.run(day, engine, NOW + dt.timedelta(days=1))["raised"]
    assert len(raised) == 2
    goal_alert = next(a for a in raised if a["detail"].get("goal") == g["id"])
    assert goal_alert["detail"]["period"] == "2026-05" and goal_alert["detail"]["target"] == 0.9
    idle = next(a for a in raised if a is not goal_alert)
    assert idle["detail"]["id"] == "d-idle" and idle["detail"]["days"] == 34  # 1 April to 5 May


def test_anomaly_rule_by_hand(tiny):
    """Tickets opened: 9, 11, 9, 11... from April 2025 to March 2026 (mean 10, deviation 1), then 30 in
    April 2026: z = (30 − 10) ÷ 1 = 20. A small sample (min_sample above 30) stays quiet."""
    tickets = []
    month = dt.date(2025, 4, 1)
    for i in range(13):
        n = 30 if i == 12 else (9 if i % 2 == 0 else 11)
        tickets += [{"id": f"t-{i}-{k}", "owner_id": "u1", "channel": "email", "status": "open",
                     "opened_at": at(f"{month:%Y-%m}-{1 + k % 28:02d}T10:00:00")} for k in range(n)]
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    tiny.upsert("tickets", tickets)
    engine = Engine(tiny)
    quiet = alerts.create_rule(tiny, engine, kind="anomaly", kpi="tickets_opened", params={"min_sample": 31})
    loud = alerts.create_rule(tiny, engine, kind="anomaly", kpi="tickets_opened")
    [found] = alerts.run(tiny, engine, NOW)["raised"]
    assert found["rule_id"] == loud["id"] != quiet["id"]
    why = found["detail"]
    assert (why["value"], why["baseline"], why["z"], why["sample"], why["period"]) == (30.0, 10.0, 20.0, 30.0, "2026-04")
    assert why["history"] == [9.0, 11.0] * 6 and why["seasonal"] is False
    assert alerts.run(tiny, engine, dt.datetime(2026, 4, 2, tzinfo=UTC))["raised"] == []  # March (11) is normal


def test_anomaly_rule_knows_seasons(tiny):
    """Every December opens 30 tickets, other months 9 or 11 (alternately), from December 2023. December
    2025 is expected: the history's mean times last December over the mean of the year before it,
    (same months, same sums) = 30, so z = 0; without the season it would be z ≈ 3.3."""
    tickets, month = [], dt.date(2023, 12, 1)
    for i in range(25):
        n = 30 if month.month == 12 else (9 if i % 2 == 0 else 11)
        tickets += [{"id": f"s-{i}-{k}", "owner_id": "u1", "channel": "email", "status": "open",
                     "opened_at": at(f"{month:%Y-%m}-{1 + k % 28:02d}T10:00:00")} for k in range(n)]
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    tiny.upsert("tickets", tickets)
    engine = Engine(tiny)
    alerts.create_rule(tiny, engine, kind="anomaly", kpi="tickets_opened")
    history = [30.0] + [9.0 if i % 2 == 0 else 11.0 for i in range(13, 24)]  # December 2024 to November 2025
    mean = sum(history) / 12
    spread = (sum((v - mean) ** 2 for v in history) / 12) ** 0.5
    assert (30 - mean) / spread > 1.96  # a rule blind to seasons would cry wolf
    assert alerts.run(tiny, engine, dt.datetime(2026, 1, 5, 9, tzinfo=UTC))["raised"] == []
