"""Quotas feed quota attainment and the leaderboard; OKRs score key results and roll them up; a goal
on the demo goes off track when data arrives."""

from __future__ import annotations

import datetime as dt

import pytest

from pulso.engine import Engine
from pulso.errors import PulsoError
from pulso.access import Scope
from pulso.goals import (
    check_in, check_ins, create_goal, create_objective, delete_goal, evaluate, leaderboard, objectives,
    quotas, scored, set_quota,
)
from pulso.goals.okrs import parse_key_result, score

from goals.helpers import DEMO_AS_OF, at, goal_tables_state

D = dt.date


def test_quotas_feed_attainment_and_the_leaderboard(tiny):
    engine = Engine(tiny)
    set_quota(tiny, scope="rep:u1", period="2026-03", amount="4000")
    set_quota(tiny, scope="rep:u2", period="2026-03", amount=500)
    again = set_quota(tiny, scope="rep:u2", period="2026-03", amount="1000")  # replaces, same id
    assert again["id"] == "quota-rep-u2-2026-03"
    assert (again["period_start"], again["period_end"]) == (D(2026, 3, 1), D(2026, 3, 31))
    assert len(quotas(tiny, period="2026-03")) == 2
    board = leaderboard(engine, period="2026-03")
    # March: u1 won deals 0 and 2 (2,000 of 4,000); u2 won deal 1 (1,000 of 1,000)
    assert [(r["rank"], r["owner"], r["attainment"]) for r in board] == [(1, "u2", 1.0), (2, "u1", 0.5)]
    before = goal_tables_state(tiny)
    for kwargs, message in [
        (dict(scope="company", period="2026-03", amount=1), "belongs to a rep"),
        (dict(scope="rep:u1", period="2026-W10", amount=1), "per month, quarter or year"),
        (dict(scope="rep:u1", period="2026-03", amount="lots"), "amount: 'lots' is not a number"),
        (dict(scope="rep:u1", period="2026-03", amount="-1"), "negative"),
        (dict(scope="rep:u9", period="2026-03", amount=1, caller=Scope.team("t1")), "no user you can see has the id 'u9'"),
        (dict(scope="rep:ghost", period="2026-03", amount=1), "no user has the id 'ghost'"),
    ]:
        with pytest.raises(PulsoError, match=message):
            set_quota(tiny, **kwargs)
    assert goal_tables_state(tiny) == before


def test_okrs_score_and_roll_up(tiny):
    engine = Engine(tiny)
    obj = create_objective(tiny, engine, title="Vender mejor", quarter="2026-Q1", key_results=[
        {"title": "Tasa de cierre", "kpi": "close_rate", "start_value": "0.5", "target_value": "0.7"},
        {"title": "Casos de éxito publicados", "kpi": None, "start_value": 0, "target_value": 4},
    ])
    hand = obj["key_results"][1]["id"]
    check_in(tiny, engine, hand, "1", note="primer caso")
    check_in(tiny, engine, hand, "3")
    found = scored(engine, objectives(tiny, quarter="2026-Q1")[0], D(2026, 4, 15))
    rate = (1 + 2 + 3) / (2 + 4 + 4)  # Q1: 6 won of 10 closed
    assert found["key_results"][0]["value"] == pytest.approx(rate)
    assert found["key_results"][0]["score"] == pytest.approx((rate - 0.5) / 0.2)
    assert found["key_results"][1]["score"] == pytest.approx(3 / 4)
    assert found["score"] == pytest.approx(((rate - 0.5) / 0.2 + 0.75) / 2)
    assert [c["value"] for c in check_ins(tiny, hand)] == [1.0, 3.0]
    linked = check_in(tiny, engine, obj["key_results"][0]["id"], today=D(2026, 4, 15))  # from the KPI
    assert linked["value"] == pytest.approx(rate)
    assert score(9, 0, 4) == 1.0 and score(-1, 0, 4) == 0.0 and score(None, 0, 4) is None
    before = goal_tables_state(tiny)
    two = [{"title": "a", "kpi": "", "start_value": 0, "target_value": 1}] * 2
    for kwargs, message in [
        (dict(title="x", quarter="2026-10", key_results=two), "is not a quarter"),
        (dict(title="x", quarter="2026-Q5", key_results=two), "period '2026-Q5' is not valid"),
        (dict(title="x", quarter="2026-Q1", key_results=two[:1]), "2 to 5 key results; 1 given"),
        (dict(title="x", quarter="2026-Q1", key_results=two * 3), "6 given"),
        (dict(title="", quarter="2026-Q1", key_results=two), "title"),
        (dict(title="x", quarter="2026-Q1", key_results=[two[0], {**two[0], "kpi": "nps_x"}]), "unknown KPI 'nps_x'"),
        (dict(title="x", quarter="2026-Q1", key_results=[two[0], {**two[0], "target_value": "mucho"}]), "key result 2 target"),
        (dict(title="x", quarter="2026-Q1", key_results=[two[0], {**two[0], "target_value": 0}]), "start and target are both"),
        (dict(title="x", quarter="2026-Q1", key_results=two, scope="team:t2", caller=Scope.owners("u1")), "no team you can see has the id"),
    ]:
        with pytest.raises(PulsoError, match=message):
            create_objective(tiny, engine, **kwargs)
    with pytest.raises(PulsoError, match="measured from close_rate"):
        check_in(tiny, engine, obj["key_results"][0]["id"], "0.9")
    with pytest.raises(PulsoError, match="give its value"):
        check_in(tiny, engine, hand)
    with pytest.raises(PulsoError, match="no key result"):
        check_in(tiny, engine, "kr-nope", "1")
    with pytest.raises(PulsoError, match="TITLE|KPI|START|TARGET"):
        parse_key_result("solo un título")
    assert goal_tables_state(tiny) == before


@pytest.mark.xdist_group("goals-demo")
def test_demo_goal_goes_off_track_when_slow_answers_arrive(demo):
    engine = Engine(demo)
    today = DEMO_AS_OF
    kw = dict(kpi="first_response_time_hours", start="2026-03-01", deadline="2026-06-01", today=today)
    probe = create_goal(demo, engine, target=1, **kw)
    baseline, value = probe["baseline"], evaluate(engine, probe, today)["value"]
    delete_goal(demo, probe["id"])
    assert value < baseline  # answers got faster this month in the demo (automation)
    pace = 15 / 92
    target = baseline - (baseline - value) / pace * 0.9  # a little ahead of pace
    g = create_goal(demo, engine, target=target, **kw)
    state = evaluate(engine, g, today)
    assert state["status"] == "on_track" and state["progress"] == pytest.approx(pace / 0.9)
    slow = [{"id": f"slow-{i}", "channel": "email", "priority": "high", "status": "resolved",
             "opened_at": at(f"2026-03-{2 + i % 10:02d}T09:00:00"),
             "first_response_at": at(f"2026-03-{12 + i % 3:02d}T09:00:00"), "first_response_automated": False}
            for i in range(300)]
    demo.upsert("tickets", slow)
    after = evaluate(engine, g, today)
    assert after["value"] > baseline and after["status"] == "off_track"
