"""The audit log: who did what and when.

Every feature that signs someone in, writes or deletes records, exports data, changes a role,
imports a file or merges duplicates calls `record`. Entries are only ever added. Pass the
connection of the write being audited (`conn=`) so that the entry and the change commit or roll
back together; without it the entry is written in a transaction of its own.

    audit.record(store, "records.delete", actor=Actor("user", "u1"), target=("deals", "d7"),
                 detail={"reason": "duplicate"}, conn=conn)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa

from pulso.errors import PulsoError
from pulso.store import Store, schema

#: Who can act: a signed-in user, an API token, the command line, Pulso itself (scheduler,
#: automatic merges), or nobody known (a failed sign-in).
ACTOR_KINDS = ("user", "token", "cli", "system", "anonymous")


@dataclass(frozen=True)
class Actor:
    """Who did it: a kind from ACTOR_KINDS and, for users and tokens, their id."""

    kind: str
    id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise PulsoError(f"unknown actor kind '{self.kind}'; use one of: {', '.join(ACTOR_KINDS)}")


CLI = Actor("cli")
SYSTEM = Actor("system")


def record(store: Store, action: str, *, actor: Actor, target: tuple[str, str | None] | None = None,
           detail: dict[str, Any] | None = None, ip: str | None = None,
           conn: sa.Connection | None = None) -> str:
    """Add one entry; returns its id. `action` is a dotted name such as "auth.sign_in"."""
    entry_id = uuid.uuid4().hex
    values = {
        "id": entry_id,
        "occurred_at": dt.datetime.now(dt.timezone.utc),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "action": action,
        "target_table": target[0] if target else None,
        "target_id": target[1] if target else None,
        "detail": json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True) if detail else None,
        "ip": ip,
    }
    if conn is not None:
        conn.execute(schema.audit_log.insert().values(**values))
    else:
        with store.connect() as own:
            own.execute(schema.audit_log.insert().values(**values))
    return entry_id


def entries(store: Store, *, actions: Iterable[str] | None = None, actor_id: str | None = None,
            since: dt.datetime | None = None, until: dt.datetime | None = None,
            limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Entries, newest first, optionally filtered; `detail` comes back as a dict.

    An action ending in ".*" matches every action with that prefix ("auth.*").
    """
    t = schema.audit_log
    query = sa.select(t).order_by(t.c.occurred_at.desc(), t.c.id.desc()).limit(max(0, limit)).offset(max(0, offset))
    if actions:
        conditions = [t.c.action.startswith(a[:-1], autoescape=True) if a.endswith(".*") else t.c.action == a
                      for a in actions]
        query = query.where(sa.or_(*conditions))
    if actor_id is not None:
        query = query.where(t.c.actor_id == actor_id)
    if since is not None:
        query = query.where(t.c.occurred_at >= since)
    if until is not None:
        query = query.where(t.c.occurred_at < until)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
    return rows
