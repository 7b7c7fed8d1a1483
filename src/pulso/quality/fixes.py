"""Fixing the rows a rule flags: the missing value set on one row or on many at once, through
pulso.workspace (one transaction inside the caller's Scope: validation, audit, usage events, the
data version). A new owner is pulso.workspace.reassign (managers and admins)."""

from __future__ import annotations

from typing import Any

from pulso import workspace as ws
from pulso.quality.counts import rule
from pulso.workspace.base import Tx, ids, not_before, text
from pulso.workspace.errors import N_

DATES = ("first_response_at", "resolved_at")
#: The moment a fixed date may not come before, per field.
AFTER = {"first_response_at": "opened_at", "resolved_at": "opened_at"}


def fix(store: Any, caller: ws.Caller, key: Any, record_ids: Any, value: Any) -> int:
    """Set the field that fixes rule `key` ('deals.lost_without_reason') to `value` on the records
    given, all or nothing; returns how many were set."""
    try:
        r = rule(str(key))
    except KeyError:
        raise ws.InputError(N_("No existe la regla '{rule}'"), "rule", rule=key) from None
    if r.fix is None:
        raise ws.InputError(N_("La regla '{rule}' no se corrige con un valor"), "rule", rule=key)
    wanted = ids([record_ids] if isinstance(record_ids, str) else record_ids)
    if r.fix == "owner_id":
        return ws.reassign(store, caller, r.table, wanted, value)
    with Tx(store, caller, "update", r.table) as tx:
        rows = tx.get_many(r.table, wanted)
        if r.fix in DATES:
            new = tx.when(value, r.fix)
            if new is None:
                raise ws.InputError(N_("Falta '{field}'"), r.fix, field=r.fix)
            for row in rows:
                not_before(new, row[AFTER[r.fix]], r.fix)
        else:
            new = text(value, r.fix, "short", required=True)
        tx.write({r.table: [{"id": row["id"], r.fix: new} for row in rows]})
        tx.done("workspace.quality.fix", (r.table, wanted[0] if len(wanted) == 1 else None),
                {"rule": r.key, "field": r.fix, "ids": wanted[:100], "count": len(wanted)}, count=len(wanted))
    return len(wanted)
