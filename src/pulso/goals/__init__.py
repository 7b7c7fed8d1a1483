"""Goals, quotas and OKRs: targets on KPIs, measured by the engine.

    from pulso.goals import create_goal, evaluate
    g = create_goal(store, engine, kpi="close_rate", scope="rep:u3", target="30%", deadline="2026-12-31")
    evaluate(engine, g, today)["status"]     # on_track / at_risk / off_track ...

See docs/goals.md.
"""

from pulso.goals.tracking import (
    create_goal, delete_goal, evaluate, goal, goals, is_cumulative, label, tracked_kpis,
)
from pulso.goals.okrs import check_in, check_ins, create_objective, objectives, scored
from pulso.goals.quotas import leaderboard, quotas, set_quota
from pulso.goals.scopes import GoalError, Span, parse_period, parse_scope

__all__ = [
    "GoalError", "Span", "check_in", "check_ins", "create_goal", "create_objective", "delete_goal",
    "evaluate", "goal", "goals", "is_cumulative", "label", "leaderboard", "objectives", "parse_period",
    "parse_scope", "quotas", "scored", "set_quota", "tracked_kpis",
]
