"""Record rules of the canonical tables, checked on whole Arrow columns at once.

Each rule yields a mask of offending rows; every offending row becomes a RecordError that
names the table, the record id, the field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso.errors import RecordError
from pulso.i18n import N_, record_error
from pulso.store import schema as s

MAX_ERRORS = 1000


@dataclass(frozen=True)
class Rule:
    """A check on one table: `bad(columns)` marks the offending rows."""

    field: str
    reason: str  # a Spanish msgid (N_), filled with `values`; its English is the RecordError's reason
    bad: Callable[[pa.Table], pa.ChunkedArray]
    after: str | None = None  # an order rule: `field` is never before `after`
    values: dict = field(default_factory=dict)


def _order(first: str, then: str) -> Rule:
    return Rule(then, N_("es anterior a {first}"), lambda t: pc.less(t[then], t[first]), after=first,
                values={"first": first})


def order_pairs(table: str) -> list[tuple[str, str]]:
    """(earlier, later) fields of the order rules of a table, in the order they are checked.

    An import reads a later field that is a date without time on the same local day as the earlier
    timestamp (Salesforce's ConvertedDate) as that timestamp: see ingest/apply.py."""
    return [(r.after, r.field) for r in RULES.get(table, []) if r.after]


def _enum(name: str, values: tuple[str, ...]) -> Rule:
    return Rule(
        name,
        N_("debe ser uno de {values}"),
        lambda t: pc.and_(pc.is_valid(t[name]), pc.invert(pc.is_in(t[name], value_set=pa.array(values)))),
        values={"values": ", ".join(values)},
    )


def _non_negative(name: str) -> Rule:
    return Rule(name, N_("no puede ser negativo"), lambda t: pc.less(t[name], 0))


def _currency(name: str = "currency") -> Rule:
    return Rule(
        name,
        N_("debe ser un código ISO 4217 de tres letras, como EUR, MXN o USD"),
        lambda t: pc.invert(pc.match_substring_regex(t[name], r"^[A-Z]{3}$")),
    )


def _between(name: str, low: float, high: float) -> Rule:
    return Rule(
        name, N_("debe estar entre {low} y {high}"),
        lambda t: pc.or_(pc.less(t[name], low), pc.greater(t[name], high)),
        values={"low": f"{low:g}", "high": f"{high:g}"},
    )


def _is_any(t: pa.Table, field: str, values: tuple[str, ...]) -> pa.ChunkedArray:
    return pc.is_in(t[field], value_set=pa.array(values))


RULES: dict[str, list[Rule]] = {
    "users": [_enum("role", s.ROLES)],
    "campaigns": [_order("started_at", "ended_at"), _non_negative("cost"), _currency()],
    "accounts": [
        _order("created_at", "acquired_at"),
        _order("acquired_at", "churned_at"),
        Rule("churned_at", N_("tiene valor pero acquired_at no: un cliente solo se da de baja después de ser captado"),
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
        Rule("closed_at", N_("falta: un negocio ganado o perdido tiene fecha de cierre"),
             lambda t: pc.and_(_is_any(t, "status", ("won", "lost")), pc.is_null(t["closed_at"]))),
        Rule("closed_at", N_("tiene valor en un negocio abierto: un negocio abierto no tiene fecha de cierre"),
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
        Rule("scale_max", N_("debe ser mayor que scale_min"), lambda t: pc.less_equal(t["scale_max"], t["scale_min"])),
        Rule("score", N_("está fuera de su escala (scale_min..scale_max)"),
             lambda t: pc.and_(pc.greater(t["scale_max"], t["scale_min"]),
                               pc.or_(pc.less(t["score"], t["scale_min"]), pc.greater(t["score"], t["scale_max"])))),
        Rule("scale_max", N_("una respuesta NPS va en la escala 0–10"),
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

    def report(mask: pa.ChunkedArray | pa.Array, field: str, reason: str, values: dict | None = None) -> None:
        nonlocal total
        rows = pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()
        total += len(rows)
        for i in rows[: MAX_ERRORS - len(errors)]:
            value = data[field][i].as_py() if field in data.column_names else None
            shown = f" (got {value!r})" if value is not None and not reason.startswith(N_("falta")) else ""
            errors.append(record_error(table.name, ids[i].as_py(), field, reason, i, got=shown, **(values or {})))

    report(pc.is_null(ids), "id", N_("falta"))
    report(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(ids)), 0), "id", N_("está vacío"))
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        report(pc.is_in(ids, value_set=repeated), "id", N_("aparece más de una vez en el lote"))
    for column in table.columns:
        if not column.nullable and not column.primary_key:
            report(pc.is_null(data[column.name]), column.name, N_("falta (obligatorio)"))
    for rule in RULES.get(table.name, []):
        report(rule.bad(data), rule.field, rule.reason, rule.values)
    return errors, total
