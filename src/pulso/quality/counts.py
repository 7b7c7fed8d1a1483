"""Counting the rules (inside a Scope), listing the rows behind one, completeness per field, and the
warnings of the KPI tiles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from pulso.access import Scope
from pulso.store import Store, schema, scoping
from pulso.quality.rules import BY_KEY, FIELD_STATES, KPI_INPUTS, RULES, WARN_FROM, Finding, Rule

#: What a row of a rule's list shows besides its name: the fields a person judges it by.
SHOWN = {
    "accounts": ("name", "email", "phone", "source", "owner_id", "created_at", "acquired_at", "churned_at"),
    "leads": ("name", "email", "phone", "source", "owner_id", "created_at", "mql_at", "sql_at", "converted_at",
              "disqualified_at"),
    "deals": ("title", "account_id", "status", "amount", "currency", "owner_id", "created_at", "closed_at", "lost_reason"),
    "tickets": ("account_id", "status", "priority", "owner_id", "opened_at", "first_response_at", "resolved_at"),
}
NAME = {"accounts": "name", "leads": "name", "deals": "title", "tickets": None}


def _scoped(scope: Scope | None, table: str) -> sa.ColumnElement:
    return sa.true() if scope is None else scoping.sql_scoped(scope, table)


def check(store: Store, tables: tuple[str, ...] | None = None, *, now: dt.datetime | None = None,
          scope: Scope | None = None) -> list[Finding]:
    """Every rule's count of offending rows among the rows it is about (inside `scope`, None: all),
    in one query per table."""
    now = now or dt.datetime.now(dt.timezone.utc)
    out = []
    with store.engine.connect() as conn:
        for name in dict.fromkeys(r.table for r in RULES):
            if tables and name not in tables:
                continue
            t = schema.table(name)
            rules = [r for r in RULES if r.table == name]
            cols = []
            for r in rules:
                cols.append(sa.func.coalesce(sa.func.sum(sa.case((r.about(t), 1), else_=0)), 0).label(f"{r.key}__n"))
                cols.append(sa.func.coalesce(sa.func.sum(sa.case((r.offending(t, now, store.dialect), 1), else_=0)), 0)
                            .label(r.key))
            row = conn.execute(sa.select(*cols).select_from(t).where(_scoped(scope, name))).mappings().one()
            out += [Finding(name, r.key, r.label, int(row[r.key]), int(row[f"{r.key}__n"]), r.why, r.fix) for r in rules]
    return out


def rule(key: str) -> Rule:
    """A rule by its address, 'deals.lost_without_reason'; KeyError for an unknown one."""
    return BY_KEY[key]


def rows(store: Store, key: str, *, scope: Scope | None = None, now: dt.datetime | None = None,
         limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The offending rows of a rule inside `scope`, a page at a time (by creation, then id), and
    how many there are in all."""
    r = rule(key)
    now = now or dt.datetime.now(dt.timezone.utc)
    t = schema.table(r.table)
    where = sa.and_(r.offending(t, now, store.dialect), _scoped(scope, r.table))
    created = t.c["opened_at" if r.table == "tickets" else "created_at"]
    cols = [t.c.id, *(t.c[c] for c in SHOWN[r.table])]
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(t).where(where)).scalar_one()
        found = conn.execute(sa.select(*cols).where(where).order_by(created.desc(), t.c.id)
                             .limit(max(0, int(limit))).offset(max(0, int(offset)))).mappings()
        return [dict(x) for x in found], int(total)


def completeness(store: Store, table: str, *, scope: Scope | None = None) -> dict[str, float | None]:
    """Share of rows with a value, per optional field, among the rows where the field makes sense
    (FIELD_STATES: a lost reason among lost deals...) inside `scope`; None when there are none.
    Fields that are a state themselves are left out."""
    t = schema.table(table)
    fields = [c for c in t.columns if c.nullable and not c.primary_key and c.name != "external_id"
              and ((table, c.name) not in FIELD_STATES or FIELD_STATES[table, c.name] is not None)]
    cols = [sa.func.count().label("_n")]
    for c in fields:
        when = FIELD_STATES.get((table, c.name))
        if when is None:
            cols += [sa.func.count(c).label(c.name), sa.func.count().label(f"{c.name}__n")]
        else:
            cols += [sa.func.coalesce(sa.func.sum(sa.case((sa.and_(when(t), c.is_not(None)), 1), else_=0)), 0).label(c.name),
                     sa.func.coalesce(sa.func.sum(sa.case((when(t), 1), else_=0)), 0).label(f"{c.name}__n")]
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(*cols).select_from(t).where(_scoped(scope, table))).mappings().one()
    return {c.name: (int(row[c.name]) / int(row[f"{c.name}__n"]) if row[f"{c.name}__n"] else None) for c in fields}


def kpi_warnings(store: Store) -> dict[str, Finding]:
    """KPI key → the finding its tile should mention (only those above WARN_FROM)."""
    findings = {(f.table, f.rule): f for f in check(store, tuple({t for t, _ in KPI_INPUTS.values()}))}
    return {k: findings[i] for k, i in KPI_INPUTS.items() if i in findings and findings[i].share >= WARN_FROM}


def warning_text(finding: Finding, lang: str = "es") -> str:
    """'12 % de las oportunidades no tienen importe' in the page's language."""
    pct = f"{100 * finding.share:.0f}".replace(".", ",")
    return f"{pct} % {finding.label[0 if lang == 'es' else 1]}"
