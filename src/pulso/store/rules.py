"""Record rules of the canonical tables, checked on whole Arrow columns at once.

Each rule yields a mask of offending rows; every offending row becomes a RecordError that
names the table, the record id, the field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso.errors import RecordError
from pulso.store import schema as s

MAX_ERRORS = 1000


@dataclass(frozen=True)
class Rule:
    """A check on one table: `bad(columns)` marks the offending rows."""

    field: str
    reason: str
    bad: Callable[[pa.Table], pa.ChunkedArray]
    after: str | None = None  # an order rule: `field` is never before `after`


def _order(first: str, then: str) -> Rule:
    return Rule(then, f"is before {first}", lambda t: pc.less(t[then], t[first]), after=first)


def order_pairs(table: str) -> list[tuple[str, str]]:
    """(earlier, later) fields of the order rules of a table, in the order they are checked.

    An import reads a later field that is a date without time on the same local day as the earlier
    timestamp (Salesforce's ConvertedDate) as that timestamp: see ingest/apply.py."""
    return [(r.after, r.field) for r in RULES.get(table, []) if r.after]


def _enum(field: str, values: tuple[str, ...]) -> Rule:
    return Rule(
        field,
        f"must be one of {', '.join(values)}",
        lambda t: pc.and_(pc.is_valid(t[field]), pc.invert(pc.is_in(t[field], value_set=pa.array(values)))),
    )


def _non_negative(field: str) -> Rule:
    return Rule(field, "must not be negative", lambda t: pc.less(t[field], 0))


def _currency(field: str = "currency") -> Rule:
    return Rule(
        field,
        "must be a three-letter ISO 4217 code such as EUR, MXN or USD",
        lambda t: pc.invert(pc.match_substring_regex(t[field], r"^[A-Z]{3}$")),
    )


def _between(field: str, low: float, high: float) -> Rule:
    return Rule(
        field, f"must be between {low:g} and {high:g}",
        lambda t: pc.or_(pc.less(t[field], low), pc.greater(t[field], high)),
    )


def _is_any(t: pa.Table, field: str, values: tuple[str, ...]) -> pa.ChunkedArray:
    return pc.is_in(t[field], value_set=pa.array(values))


RULES: dict[str, list[Rule]] = {
    "users": [_enum("role", s.ROLES)],
    "campaigns": [_order("started_at", "ended_at"), _non_negative("cost"), _currency()],
    "accounts": [
        _order("created_at", "acquired_at"),
        _order("acquired_at", "churned_at"),
        Rule("churned_at", "is set but acquired_at is not: a customer churns only after being acquired",
             lambda t: pc.and_(pc.is_valid(t["churned_at"]), pc.is_null(t["acquired_at"]))),
    ],
    "leads": [
        _order("created_at", "mql_at"),
        _order("created_at", "sql_at"),
        _order("mql_at", "sql_at"),
        _order("created_at", "converted_at"),
        _order("created_at", "disqualified_at"),
    ],
    "stages": [
        _enum("kind", s.STAGE_KINDS),
        _between("probability", 0.0, 1.0),
        _non_negative("position"),
    ],
    "deals": [
        _enum("status", s.DEAL_STATUSES),
        _enum("kind", s.DEAL_KINDS),
        _non_negative("amount"),
        _currency(),
        _order("created_at", "closed_at"),
        Rule("closed_at", "is missing: a won or lost deal has a close date",
             lambda t: pc.and_(_is_any(t, "status", ("won", "lost")), pc.is_null(t["closed_at"]))),
        Rule("closed_at", "is set on an open deal: an open deal has no close date",
             lambda t: pc.and_(pc.equal(t["status"], "open"), pc.is_valid(t["closed_at"]))),
    ],
    "tickets": [
        _enum("status", s.TICKET_STATUSES),
        _enum("priority", s.TICKET_PRIORITIES),
        _order("opened_at", "first_response_at"),
        _order("opened_at", "resolved_at"),
    ],
    "activities": [
        _enum("type", s.ACTIVITY_TYPES),
        _enum("direction", s.DIRECTIONS),
        _non_negative("duration_s"),
    ],
    "survey_responses": [
        _enum("kind", s.SURVEY_KINDS),
        Rule("scale_max", "must be greater than scale_min", lambda t: pc.less_equal(t["scale_max"], t["scale_min"])),
        Rule("score", "is outside its scale (scale_min..scale_max)",
             lambda t: pc.and_(pc.greater(t["scale_max"], t["scale_min"]),
                               pc.or_(pc.less(t["score"], t["scale_min"]), pc.greater(t["score"], t["scale_max"])))),
        Rule("scale_max", "an NPS answer is on the 0–10 scale",
             lambda t: pc.and_(pc.equal(t["kind"], "nps"),
                               pc.or_(pc.not_equal(t["scale_min"], 0), pc.not_equal(t["scale_max"], 10)))),
    ],
    "orders": [_non_negative("amount"), _currency()],
    "subscriptions": [
        _non_negative("monthly_amount"), _currency(),
        _order("started_at", "term_end_at"), _order("started_at", "cancelled_at"),
    ],
    "spend": [
        _enum("category", s.SPEND_CATEGORIES), _non_negative("amount"), _currency(),
        _order("period_start", "period_end"),
    ],
    "web_sessions": [_non_negative("duration_s")],
    "quotas": [_non_negative("amount"), _currency(), _order("period_start", "period_end")],
    "usage_events": [_enum("action", s.USAGE_ACTIONS)],
}


def check(table: sa.Table, data: pa.Table) -> list[RecordError]:
    """Every rule broken by a complete batch of `table`, at most MAX_ERRORS of them."""
    return check_counted(table, data)[0]


def check_counted(table: sa.Table, data: pa.Table) -> tuple[list[RecordError], int]:
    """The first MAX_ERRORS rules broken by a complete batch of `table`, and how many there are in all."""
    errors: list[RecordError] = []
    total = 0
    ids = data["id"]

    def report(mask: pa.ChunkedArray | pa.Array, field: str, reason: str) -> None:
        nonlocal total
        rows = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
        total += len(rows)
        for i in rows[: MAX_ERRORS - len(errors)]:
            value = data[field][i].as_py() if field in data.column_names else None
            shown = f" (got {value!r})" if value is not None and "missing" not in reason else ""
            errors.append(RecordError(table.name, ids[i].as_py(), field, reason + shown, i))

    report(pc.is_null(ids), "id", "is missing")
    report(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(ids)), 0), "id", "is empty")
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        report(pc.is_in(ids, value_set=repeated), "id", "appears more than once in the batch")
    for column in table.columns:
        if not column.nullable and not column.primary_key:
            report(pc.is_null(data[column.name]), column.name, "is missing (required)")
    for rule in RULES.get(table.name, []):
        report(rule.bad(data), rule.field, rule.reason)
    return errors, total
