"""Application tables of goals, OKRs, alerts and reports (migration 0006), on the canonical metadata.

A scope is stored as (`scope_kind`, `scope_id`): company (no id), team (a team id) or rep (a user
id). References to users and teams are checked by pulso.goals, not declared: imports and the demo
replace users and teams freely, and a goal of a vanished rep simply shows no data. Parameters of
alert rules and the explanation of an alert are JSON objects kept as text.
"""

from __future__ import annotations

import sqlalchemy as sa

from pulso.store.schema import TS, _pg_index, metadata

goals = sa.Table(
    "goals", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("kpi", sa.Text, nullable=False),
    sa.Column("scope_kind", sa.Text, nullable=False),  # company | team | rep
    sa.Column("scope_id", sa.Text),
    sa.Column("dimension", sa.Text),  # optional: the goal is on one value of a dimension
    sa.Column("dimension_value", sa.Text),
    sa.Column("grain", sa.Text, nullable=False, server_default="month"),  # how progress is measured
    sa.Column("baseline", sa.Double),
    sa.Column("baseline_from", sa.Date),
    sa.Column("baseline_to", sa.Date),
    sa.Column("target", sa.Double, nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("deadline", sa.Date),
    sa.Column("name", sa.Text),
    sa.Column("objective_id", sa.Text),  # the OKR objective it serves, if any
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", TS, nullable=False),
)

okr_objectives = sa.Table(
    "okr_objectives", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("quarter", sa.Text, nullable=False),  # 2026-Q4, as named under the fiscal year when saved
    sa.Column("scope_kind", sa.Text, nullable=False),
    sa.Column("scope_id", sa.Text),
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("start_date", sa.Date),  # the quarter's first day (migration 0017): what it means
    sa.Column("end_date", sa.Date),  # the day after its last
)

okr_key_results = sa.Table(
    "okr_key_results", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("objective_id", sa.Text, sa.ForeignKey("okr_objectives.id"), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("kpi", sa.Text),  # linked to a KPI (scored from it) or updated by hand
    sa.Column("start_value", sa.Double, nullable=False),
    sa.Column("target_value", sa.Double, nullable=False),
    sa.Column("current_value", sa.Double),  # by hand: the last check-in
    sa.Column("position", sa.Integer, nullable=False),
)

okr_checkins = sa.Table(
    "okr_checkins", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("key_result_id", sa.Text, sa.ForeignKey("okr_key_results.id"), nullable=False),
    sa.Column("value", sa.Double, nullable=False),
    sa.Column("score", sa.Double, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("checked_at", TS, nullable=False),
    sa.Column("checked_by", sa.Text),
)

alert_rules = sa.Table(
    "alert_rules", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # threshold | goal | anomaly | peers | unanswered | stuck | idle
    sa.Column("kpi", sa.Text),
    sa.Column("scope_kind", sa.Text, nullable=False),
    sa.Column("scope_id", sa.Text),
    sa.Column("params", sa.Text, nullable=False),  # JSON object
    sa.Column("channel", sa.Text, nullable=False),  # inbox | email | webhook
    sa.Column("recipients", sa.Text),  # e-mail addresses (comma-separated) or a webhook URL
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", TS, nullable=False),
)

alerts = sa.Table(
    "alerts", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("rule_id", sa.Text, nullable=False),
    sa.Column("fingerprint", sa.Text, nullable=False),  # the condition: the same one never notifies twice
    sa.Column("raised_at", TS, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("detail", sa.Text),  # JSON: value, baseline or threshold, sample size, breakdown
    sa.Column("scope_kind", sa.Text, nullable=False),
    sa.Column("scope_id", sa.Text),
    sa.Column("status", sa.Text, nullable=False, server_default="open"),  # open | acknowledged
    sa.Column("acknowledged_at", TS),
    sa.Column("acknowledged_by", sa.Text),
    sa.Column("snoozed_until", TS),
    sa.UniqueConstraint("rule_id", "fingerprint"),
)

notification_log = sa.Table(
    "notification_log", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("alert_id", sa.Text),  # or a report schedule's delivery
    sa.Column("schedule_id", sa.Text),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("target", sa.Text),
    sa.Column("sent_at", TS, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # sent | failed
    sa.Column("error", sa.Text),
)

report_schedules = sa.Table(
    "report_schedules", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("frequency", sa.Text, nullable=False),  # week | month | quarter
    sa.Column("scope_kind", sa.Text, nullable=False),
    sa.Column("scope_id", sa.Text),
    sa.Column("lang", sa.Text, nullable=False, server_default="es"),
    sa.Column("format", sa.Text, nullable=False, server_default="pdf"),
    sa.Column("recipients", sa.Text, nullable=False),
    sa.Column("last_period", sa.Text),  # the last period sent (2026-10), so none is sent twice
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_start", sa.Date),  # its first day (migration 0017): what is compared
)

_pg_index(alerts, "raised_at")
_pg_index(okr_key_results, "objective_id")
_pg_index(okr_checkins, "key_result_id")
