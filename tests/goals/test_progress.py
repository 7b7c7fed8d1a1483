"""Goals: baseline, progress, pace, status, forecast and SMART messages, computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from pulso.engine import Engine
from pulso.errors import PulsoError
from pulso.access import Scope
from pulso.goals import create_goal, delete_goal, evaluate, goals, label, tracked_kpis
from pulso.goals import progress as G
from goals.helpers import goal_tables_state

D = dt.date


# -- the arithmetic alone ----------------------------------------------------------------------

def test_pace_is_the_share_of_days_gone_by_end_of_today():
    assert G.pace(D(2026, 1, 1), D(2026, 1, 11), D(2026, 1, 5)) == 5 / 10
    assert G.pace(D(2026, 1, 1), D(2026, 1, 11), D(2025, 12, 1)) == 0.0
    assert G.pace(D(2026, 1, 1), D(2026, 1, 11), D(2026, 2, 1)) == 1.0
    assert G.pace(D(2026, 1, 1), None, D(2026, 1, 5)) is None


def test_progress_runs_from_baseline_to_target_in_either_direction():
    assert G.progress(0.25, 0.20, 0.30, cumulative=False) == pytest.approx(0.5)
    # response time: less is better, from 10 h to 4 h; at 7 h half the way is done
    assert G.progress(7.0, 10.0, 4.0, cumulative=False, direction="down") == pytest.approx(0.5)
    assert G.progress(12.0, 10.0, 4.0, cumulative=False, direction="down") == pytest.approx(-1 / 3)
    assert G.progress(3000.0, 999.0, 9000.0, cumulative=True) == pytest.approx(1 / 3)
    assert G.progress(None, 1.0, 2.0, cumulative=False) is None


def test_status_compares_progress_with_pace():
    assert G.status_of(0.46, 0.50, finished=False) == "on_track"  # 4 points behind: within the slack
    assert G.status_of(0.35, 0.50, finished=False) == "at_risk"  # 15 behind
    assert G.status_of(0.20, 0.50, finished=False) == "off_track"  # 30 behind
    assert G.status_of(1.00, 0.50, finished=False) == "achieved"
    assert G.status_of(0.90, 1.00, finished=True) == "missed"
    assert G.status_of(None, 0.5, finished=False) == "no_data"
    assert G.status_of(0.3, None, finished=False) == "no_deadline"


def test_forecasts():
    assert G.trend_forecast([(0, 1.0), (1, 2.0), (2, 3.0)], 4) == pytest.approx(5.0)
    assert G.trend_forecast([(0, 2.0), (1, 2.0)], 9) == pytest.approx(2.0)
    assert G.run_rate_forecast(1000.0, 0.25) == pytest.approx(4000.0)


def test_baseline_is_the_mean_of_the_periods_and_says_so():
    b = G.baseline_of([(D(2026, 1, 1), 0.5), (D(2026, 2, 1), None), (D(2026, 3, 1), 0.75)])
    assert b.value == pytest.approx(0.625)
    assert G.baseline_of([(D(2026, 1, 1), 100.0), (D(2026, 2, 1), 200.0)], scale=3).value == pytest.approx(450.0)
    assert G.baseline_of([]).value is None


def _smart(**kw):
    base = dict(kpi_name="Tasa de cierre", direction="up", general_metric=False, has_objective=False, baseline=0.5,
                target=0.6, best_ever=0.7, worst_ever=0.3, start=D(2026, 4, 1), deadline=D(2026, 7, 1))
    return {letter.letter: letter for letter in G.smart_check(G.SmartInput(**{**base, **kw}), "es")}


def test_smart_letters_say_what_the_goal_lacks():
    ok = _smart()
    assert all(letter.ok for letter in ok.values())
    assert not _smart(deadline=None)["T"].ok and "no tiene fecha límite" in _smart(deadline=None)["T"].message
    far = _smart(target=0.9)["A"]
    assert not far.ok and "más allá de lo mejor alcanzado nunca (0.7)" in far.message
    backwards = _smart(target=0.4)["R"]
    assert not backwards.ok and "no mejora la línea base" in backwards.message
    assert not _smart(baseline=None)["M"].ok
    general = _smart(general_metric=True, kpi_name="Visitas web")["S"]
    assert not general.ok and "métrica general" in general.message
    assert _smart(general_metric=True, has_objective=True)["S"].ok
    en = {x.letter: x for x in G.smart_check(G.SmartInput(**{**dict(
        kpi_name="Close rate", direction="up", general_metric=False, has_objective=False, baseline=0.5, target=0.6,
        best_ever=0.7, worst_ever=0.3, start=D(2026, 4, 1), deadline=None)}), "en")}
    assert en["T"].message == "no deadline"
    # less is better: a target above the baseline is not an improvement
    assert not _smart(direction="down", baseline=10.0, target=12.0, best_ever=5.0)["R"].ok


# -- on a store, with the engine (both backends) ----------------------------------------------------

def test_goal_on_a_rate_hand_computed(tiny):
    engine = Engine(tiny)
    g = create_goal(tiny, engine, kpi="close_rate", target="80%", start="2026-04-01", deadline="2026-07-01",
                    today=D(2026, 4, 30))
    baseline = (1 / 2 + 2 / 4 + 3 / 4) / 3  # January, February, March
    assert g["baseline"] == pytest.approx(baseline)
    assert (g["baseline_from"], g["baseline_to"]) == (D(2026, 1, 1), D(2026, 4, 1))
    state = evaluate(engine, g, D(2026, 4, 30))
    assert [v for _, v in state["baseline"].periods] == pytest.approx([0.5, 0.5, 0.75])
    assert "media de 3 periodos (2026-01-01 a 2026-04-01" in state["baseline_text"]
    assert state["value"] == pytest.approx(1 / 2)  # April: one won, one lost
    assert state["progress"] == pytest.approx((0.5 - baseline) / (0.8 - baseline))
    assert state["pace"] == pytest.approx(30 / 91)  # April 1–30 of April 1 – July 1
    assert state["status"] == "off_track"
    smart = {x.letter: x for x in state["smart"]}
    assert not smart["A"].ok and "(0.75)" in smart["A"].message  # March's 3/4 is the best ever
    assert smart["R"].ok and smart["T"].ok and smart["M"].ok and smart["S"].ok
    assert tracked_kpis(tiny) == {"close_rate"}
    assert label("close_rate", tracked_kpis(tiny)) == "KPI"
    assert label("revenue_won", tracked_kpis(tiny), "en") == "general metric"


def test_cumulative_goal_and_rep_scope(tiny):
    engine = Engine(tiny)
    g = create_goal(tiny, engine, kpi="revenue_won", target=9000, start="2026-04-01", deadline="2026-07-01",
                    today=D(2026, 4, 30))
    # won 1,000 / 2,000 / 3,000 in January–March: 2,000 per 30-day month, scaled to the 91-day window
    assert g["baseline"] == pytest.approx(2000 * 91 / 30)
    state = evaluate(engine, g, D(2026, 4, 30))
    assert state["value"] == pytest.approx(1000)
    assert state["progress"] == pytest.approx(1000 / 9000)
    assert state["status"] == "off_track"  # 11 % done, 33 % expected
    assert state["forecast"] == pytest.approx(1000 / (30 / 91))
    assert state["forecast_reaches"] is False
    rep = create_goal(tiny, engine, kpi="close_rate", target="90%", scope="rep:u1", start="2026-04-01",
                      deadline="2026-07-01", today=D(2026, 4, 30))
    assert rep["baseline"] == pytest.approx((1 / 1 + 1 / 2 + 2 / 2) / 3)  # u1's deals only
    assert evaluate(engine, rep, D(2026, 4, 30))["value"] == pytest.approx(1.0)
    assert [g["id"] for g in goals(tiny, scope=Scope.owners("u1"))] == [rep["id"]]
    delete_goal(tiny, rep["id"])
    assert [g["id"] for g in goals(tiny, scope=Scope.owners("u1"))] == []


HOSTILE = [
    (dict(kpi="close_rte", target="0.5"), "unknown KPI 'close_rte'; did you mean 'close_rate'?"),
    (dict(kpi="close_rate", target="mucho"), "target: 'mucho' is not a number"),
    (dict(kpi="close_rate", target="70"), "is not a fraction"),
    (dict(kpi="close_rate", target="150%"), "outside 0–100 %"),
    (dict(kpi="close_rate", target="nan"), "not a finite number"),
    (dict(kpi="revenue_won", target="-5"), "negative"),
    (dict(kpi="close_rate", target="0.5", deadline="2026-02-30"), "deadline: '2026-02-30' is not a date"),
    (dict(kpi="close_rate", target="0.5", start="mañana"), "start: 'mañana' is not a date"),
    (dict(kpi="close_rate", target="0.5", start="2026-05-01", deadline="2026-04-01"), "is not after the start"),
    (dict(kpi="close_rate", target="0.5", scope="rep:u9"), "scope rep:u9: no user you can see has the id 'u9'"),
    (dict(kpi="close_rate", target="0.5", scope="team:t2"), "scope team:t2: no team you can see has the id 't2'"),
    (dict(kpi="close_rate", target="0.5", scope="rep:nobody"), "scope rep:nobody: no user you can see has the id 'nobody'"),
    (dict(kpi="close_rate", target="0.5", scope="planet:x"), "scope 'planet:x' is not valid"),
    (dict(kpi="close_rate", target="0.5", dimension="colour=red"), "cannot be split by 'colour'"),
    (dict(kpi="close_rate", target="0.5", dimension="source"), "is not DIM=VALUE"),
    (dict(kpi="close_rate", target="0.5", grain="hour"), "grain 'hour'"),
    (dict(kpi="website_visitors", target="100", scope="rep:u1"), "only a company goal"),
    (dict(kpi="close_rate", target="0.5", name="x" * 201), "at most 200 characters"),
]


def test_bad_goals_are_refused_and_nothing_is_stored(tiny):
    engine = Engine(tiny)
    before = goal_tables_state(tiny)
    for kwargs, message in HOSTILE:
        with pytest.raises(PulsoError) as caught:
            create_goal(tiny, engine, today=D(2026, 4, 30), caller=Scope.team("t1"), **{"scope": "team:t1", **kwargs})
        assert message in str(caught.value), kwargs
    assert goal_tables_state(tiny) == before


def test_forecasts_stay_within_the_kpis_range():
    from types import SimpleNamespace

    from pulso.goals.tracking import _bounded

    assert _bounded(SimpleNamespace(unit="%"), -0.158) == 0.0
    assert _bounded(SimpleNamespace(unit="%"), 1.4) == 1.0
    assert _bounded(SimpleNamespace(unit="hours"), -3.0) == 0.0
    assert _bounded(SimpleNamespace(unit="score"), -30.0) == -30.0  # NPS may be negative
