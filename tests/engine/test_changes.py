"""Why a KPI changed (issue 16, item 4): pulso.engine.changes splits the change against the
previous period by a dimension, the parts adding up exactly to the change, on DuckDB and
PostgreSQL. Every figure below is worked out by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction as Fr

import pytest

from pulso.engine import engine_for
from pulso.engine.changes import OTHER, breakdown, store_labels, words

D = dt.date
USERS = [{"id": uid, "name": name, "email": f"{uid}@x.es", "role": "rep", "created_at": "2025-01-01"}
         for uid, name in (("ua", "Ana Ruiz"), ("ub", "Javier Soto"), ("uc", "Carla Gil"))]
STAGES = [{"id": "w", "pipeline": "p", "name": "Ganado", "position": 1, "kind": "won", "probability": 1.0},
          {"id": "l", "pipeline": "p", "name": "Perdido", "position": 2, "kind": "lost", "probability": 0.0}]


def deal(i: int, owner: str, closed: str, *, won: bool = True, amount: float = 100) -> dict:
    return {"id": f"d{i}", "owner_id": owner, "title": "t", "amount": amount, "currency": "EUR",
            "stage_id": "w" if won else "l", "status": "won" if won else "lost", "kind": "new",
            "created_at": "2025-12-01T08:00:00", "closed_at": closed}


def test_a_sum_splits_into_each_reps_own_change_over_the_like_for_like_span(store):
    # Revenue won, 1–5 Feb (today the 5th) against 1–5 Jan; the deal of 20 Jan is not compared.
    deals = [deal(1, "ua", "2026-01-02T10:00:00", amount=1000), deal(2, "ua", "2026-02-03T10:00:00", amount=3000),
             deal(3, "ub", "2026-01-04T10:00:00", amount=2000), deal(4, "ub", "2026-02-04T10:00:00", amount=500),
             deal(5, "uc", "2026-02-05T18:00:00", amount=700), deal(6, "uc", "2026-01-20T10:00:00", amount=9000)]
    store.upsert_many({"users": USERS, "stages": STAGES, "deals": deals})
    engine = engine_for(store)
    bd = breakdown(engine, "revenue_won", "owner", start=D(2026, 2, 1), end=D(2026, 3, 1), today=D(2026, 2, 5))
    assert bd.method == "difference"
    assert (bd.current, bd.compared) == ((D(2026, 2, 1), D(2026, 2, 6)), (D(2026, 1, 1), D(2026, 1, 6)))
    assert (bd.value, bd.previous, bd.change) == (4200, 3000, 1200)
    # A +2,000, B −1,500, C +700 (0 → 700 in the span): ranked by size, adding up to +1,200.
    assert [(c.member, c.contribution) for c in bd.contributions] == [("ua", 2000), ("ub", -1500), ("uc", 700)]
    assert sum(c.contribution for c in bd.contributions) == bd.change
    text = words(bd, name="Ingresos ganados", unit="count", lang="es", currency="EUR", label=store_labels(store))
    assert text == ("Ingresos ganados subió 1.200: Ana Ruiz +2.000 (167\xa0% del cambio), Javier Soto −1.500 (en contra)"
                    " y Carla Gil +700 (58\xa0% del cambio).")


def test_a_ratio_splits_into_rate_and_mix_effects_that_add_up_to_the_change(store):
    # Close rate: rep A 2/4 → 3/4, rep B 1/6 → 1/2; the team 3/10 → 4/6.
    jan = ([deal(i, "ua", "2026-01-10T10:00:00", won=i < 2) for i in range(4)]
           + [deal(10 + i, "ub", "2026-01-12T10:00:00", won=i < 1) for i in range(6)])
    feb = ([deal(20 + i, "ua", "2026-02-10T10:00:00", won=i < 3) for i in range(4)]
           + [deal(30 + i, "ub", "2026-02-12T10:00:00", won=i < 1) for i in range(2)])
    store.upsert_many({"users": USERS, "stages": STAGES, "deals": jan + feb})
    engine = engine_for(store)
    bd = breakdown(engine, "close_rate", "owner", start=D(2026, 2, 1), end=D(2026, 3, 1))
    assert bd.method == "mix"
    assert bd.compared == (D(2026, 1, 1), D(2026, 2, 1))  # February is over: all of January
    change = Fr(4, 6) - Fr(3, 10)  # 11/30
    assert bd.value == pytest.approx(float(Fr(4, 6))) and bd.previous == pytest.approx(0.3)
    assert bd.change == pytest.approx(float(change))
    # Weights (share of closed deals): A 4/10 → 4/6, B 6/10 → 2/6.
    # A: rate (3/4 − 2/4) × (4/10 + 4/6)/2 = 2/15; mix (4/6 − 4/10) × (2/4 + 3/4)/2 = 1/6.
    # B: rate (1/2 − 1/6) × (6/10 + 2/6)/2 = 7/45; mix (2/6 − 6/10) × (1/6 + 1/2)/2 = −4/45.
    effects = {c.member: (c.rate_effect, c.mix_effect, c.contribution) for c in bd.contributions}
    a, b = effects["ua"], effects["ub"]
    assert a == pytest.approx((float(Fr(2, 15)), float(Fr(1, 6)), float(Fr(2, 15) + Fr(1, 6))))
    assert b == pytest.approx((float(Fr(7, 45)), float(Fr(-4, 45)), float(Fr(3, 45))))
    assert Fr(2, 15) + Fr(1, 6) + Fr(7, 45) - Fr(4, 45) == change  # exactly, by hand
    assert sum(c.contribution for c in bd.contributions) == pytest.approx(bd.change, abs=1e-12)
    assert [c.member for c in bd.contributions] == ["ua", "ub"]  # A's 0.3 before B's 0.067
    assert [(c.n, c.n_previous) for c in bd.contributions] == [(4, 4), (2, 6)]
    # In words, with names, ranked: A +30,0 pp of +36,7 pp (82 %), B +6,7 pp (18 %).
    text = words(bd, name="Tasa de cierre", unit="%", lang="es", currency="EUR", label=store_labels(store))
    assert text == ("Tasa de cierre subió 36,7 pp: Ana Ruiz +30,0 pp (82\xa0% del cambio; su cifra +25,0 pp, n = 4)"
                    " y Javier Soto +6,7 pp (18\xa0% del cambio; su cifra +33,3 pp, n = 2).")
    text = words(bd, name="Close rate", unit="%", lang="en", currency="EUR", label=store_labels(store))
    assert text.startswith("Close rate rose 36.7 pp: Ana Ruiz +30.0 pp (82% of the change; own figure +25.0 pp, n = 4)")


def test_small_members_are_grouped_and_a_reader_sees_only_their_scope(store):
    # Close rate by owner, January against December: C closes one deal in each month only.
    dec = ([deal(i, "ua", "2025-12-10T10:00:00", won=i < 5) for i in range(10)]
           + [deal(20 + i, "ub", "2025-12-10T10:00:00", won=i < 5) for i in range(10)] + [deal(40, "uc", "2025-12-11T10:00:00")])
    jan = ([deal(50 + i, "ua", "2026-01-10T10:00:00", won=i < 8) for i in range(10)]
           + [deal(70 + i, "ub", "2026-01-10T10:00:00", won=i < 2) for i in range(10)]
           + [deal(90, "uc", "2026-01-11T10:00:00", won=False)] + [deal(91, "ua", "2026-01-11T10:00:00", won=True)])
    store.upsert_many({"users": USERS, "stages": STAGES, "deals": dec + jan})
    engine = engine_for(store)
    bd = breakdown(engine, "close_rate", "owner", start=D(2026, 1, 1), end=D(2026, 2, 1))
    # Team: 11/21 → 11/22. C (n 1 and 1) and the others fit the shown list; C alone is not grouped.
    assert bd.change == pytest.approx(11 / 22 - 11 / 21)
    assert sum(c.contribution for c in bd.contributions) == pytest.approx(bd.change, abs=1e-12)
    assert OTHER not in [c.member for c in bd.contributions]
    from pulso.access import Scope

    mine = breakdown(engine, "close_rate", "owner", start=D(2026, 1, 1), end=D(2026, 2, 1), scope=Scope.owners("ub"))
    assert [c.member for c in mine.contributions] == ["ub"]  # only the reader's own records
    assert mine.change == pytest.approx(2 / 10 - 5 / 10)


def test_members_below_the_minimum_are_grouped_as_others(store):
    # Deals created 1 Dec; revenue sums never group (every member shown up to TOP); close rate
    # groups reps with fewer than 5 closed deals in both months when there are two or more.
    users = USERS + [{"id": "ud", "name": "Diego Paz", "email": "d@x.es", "role": "rep", "created_at": "2025-01-01"}]
    dec = [deal(i, "ua", "2025-12-10T10:00:00", won=i < 5) for i in range(10)] + [
        deal(30, "uc", "2025-12-10T10:00:00"), deal(31, "ud", "2025-12-10T10:00:00", won=False)]
    jan = [deal(40 + i, "ua", "2026-01-10T10:00:00", won=i < 6) for i in range(10)] + [
        deal(60, "uc", "2026-01-10T10:00:00", won=False), deal(61, "ud", "2026-01-10T10:00:00")]
    store.upsert_many({"users": users, "stages": STAGES, "deals": dec + jan})
    bd = breakdown(engine_for(store), "close_rate", "owner", start=D(2026, 1, 1), end=D(2026, 2, 1))
    assert [c.member for c in bd.contributions] == ["ua", OTHER]
    other = bd.contributions[-1]
    assert (other.members, other.n, other.n_previous) == (2, 2, 2)
    # Team 6/12 → 7/12: +1/12. A: w 10/12 both, rate 5/10 → 6/10: +1/12; C and D swap 1/1 and 0/1: 0.
    assert bd.contributions[0].contribution == pytest.approx(1 / 12)
    assert other.contribution == pytest.approx(0, abs=1e-12)


def test_an_alert_and_the_monthly_report_carry_the_top_contributors(store):
    # The close rate example again (A 2/4 → 3/4, B 1/6 → 1/2), February against January.
    jan = ([deal(i, "ua", "2026-01-10T10:00:00", won=i < 2) for i in range(4)]
           + [deal(10 + i, "ub", "2026-01-12T10:00:00", won=i < 1) for i in range(6)])
    feb = ([deal(20 + i, "ua", "2026-02-10T10:00:00", won=i < 3) for i in range(4)]
           + [deal(30 + i, "ub", "2026-02-12T10:00:00", won=i < 1) for i in range(2)])
    store.upsert_many({"users": USERS, "stages": STAGES, "deals": jan + feb})
    engine = engine_for(store)
    from pulso.alerts.detect import threshold

    rule = {"kpi": "close_rate", "scope_kind": "company", "scope_id": None,
            "params": {"grain": "month", "period": "previous", "op": "above", "threshold": 0.5}}
    [found] = threshold(engine, rule, D(2026, 3, 10))
    top = found.detail["contributors"]
    assert [(c["member"], c["n"], c["n_previous"]) for c in top] == [("ua", 4, 4), ("ub", 2, 6)]
    assert [c["contribution"] for c in top] == [pytest.approx(3 / 10), pytest.approx(1 / 15)]
    assert top[1]["rate_effect"] == pytest.approx(7 / 45) and top[1]["mix_effect"] == pytest.approx(-4 / 45)

    from pulso.reports import scorecard
    from pulso.reports.render import to_html

    report = scorecard.build(store, engine, period="2026-02", today=D(2026, 3, 10))
    [rate] = [k for k in report["kpis"] if k["key"] == "close_rate"]
    assert rate["why"].replace("\xa0", " ") == (
        "Tasa de cierre subió 36,7 pp: Ana Ruiz +30,0 pp (82 % del cambio; su cifra +25,0 pp, n = 4)"
        " y Javier Soto +6,7 pp (18 % del cambio; su cifra +33,3 pp, n = 2).")
    assert "Por qué cambió" in to_html(report) and "Javier Soto +6,7 pp" in to_html(report)
