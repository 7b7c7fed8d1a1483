"""Tickets (create, first response, resolve, reopen) and activities (a call, e-mail, meeting or
note logged on a record; tasks with a due date and a done state). Each operation is one
transaction (pulso.workspace.base.Tx); what they write is what first_response_time_hours,
resolution time, ticket_backlog, activities_logged and sales_calls_logged read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pulso.store import Store, schema, scoping
from pulso.workspace.base import Caller, Tx, choice, ident, new_id, not_before, now_utc, text
from pulso.workspace.errors import N_, InputError, StateError

LOGGED = ("call", "email", "voicemail", "meeting", "note")
LINKS = (("account_id", "accounts"), ("lead_id", "leads"), ("deal_id", "deals"), ("ticket_id", "tickets"))


def create_ticket(store: Store, caller: Caller, values: dict[str, Any], *, now: Any = None) -> dict[str, Any]:
    """A new open ticket: account_id, channel, priority (low, medium, high, urgent), opened_at, owner_id."""
    unknown = sorted(set(values) - {"account_id", "channel", "priority", "opened_at", "owner_id"})
    if unknown:
        raise InputError(N_("Campo desconocido: '{field}'"), unknown[0], field=unknown[0])
    with Tx(store, caller, "create", "tickets") as tx:
        row = {"id": new_id(), "channel": text(values.get("channel"), "channel", "short"),
               "priority": choice(values.get("priority"), "priority", schema.TICKET_PRIORITIES, required=False),
               "status": "open", "opened_at": tx.when(values.get("opened_at") or now, "opened_at", default=now_utc())}
        if values.get("account_id") is not None:
            row["account_id"] = tx.get("accounts", values["account_id"], "account_id")["id"]
        row["owner_id"] = tx.owner(values.get("owner_id"), "tickets")
        tx.admit("tickets", row)
        tx.write({"tickets": [row]})
        tx.done("workspace.ticket.create", ("tickets", row["id"]))
    return row


def _ticket_step(store: Store, caller: Caller, ticket_id: Any, step: str, at: Any, automated: bool = False) -> dict[str, Any]:
    with Tx(store, caller, "update", "tickets") as tx:
        ticket = tx.get("tickets", ticket_id)
        when = tx.when(at, "at", default=now_utc())
        if step == "respond":
            if ticket["first_response_at"] is not None:
                raise StateError(N_("El caso ya tiene primera respuesta"), "first_response_at")
            if not isinstance(automated, bool):
                raise InputError(N_("'{field}' debe ser verdadero o falso"), "automated", field="automated")
            not_before(when, ticket["opened_at"], "at")
            changes = {"first_response_at": when, "first_response_automated": automated}
        elif step == "resolve":
            if ticket["status"] in ("resolved", "closed"):
                raise StateError(N_("El caso ya está resuelto"), "status")
            not_before(when, ticket["opened_at"], "at")
            changes = {"status": "resolved", "resolved_at": when}
        else:
            if ticket["status"] not in ("resolved", "closed"):
                raise StateError(N_("El caso no está resuelto"), "status")
            changes = {"status": "open", "resolved_at": None}
        tx.write({"tickets": [{"id": ticket["id"], **changes}]})
        tx.done(f"workspace.ticket.{step}", ("tickets", ticket["id"]))
    return {**ticket, **changes}


def respond(store: Store, caller: Caller, ticket_id: Any, *, at: Any = None, automated: bool = False) -> dict[str, Any]:
    """The ticket's first response (`first_response_at`; `automated` for an automatic reply)."""
    return _ticket_step(store, caller, ticket_id, "respond", at, automated)


def resolve(store: Store, caller: Caller, ticket_id: Any, *, at: Any = None) -> dict[str, Any]:
    """Resolve a ticket (`resolved_at`, status resolved)."""
    return _ticket_step(store, caller, ticket_id, "resolve", at)


def reopen(store: Store, caller: Caller, ticket_id: Any) -> dict[str, Any]:
    """Reopen a resolved ticket (status open, `resolved_at` cleared)."""
    return _ticket_step(store, caller, ticket_id, "reopen", None)


def _links(tx: Tx, values: dict[str, Any]) -> dict[str, Any]:
    return {field: tx.get(table, values[field], field)["id"] for field, table in LINKS if values.get(field) is not None}


def log_activity(store: Store, caller: Caller, values: dict[str, Any]) -> dict[str, Any]:
    """Log a call, e-mail, voicemail, meeting or note on records (account_id, lead_id, deal_id,
    ticket_id: at least one), with direction (calls and e-mails: outbound by default),
    occurred_at (now), duration_s and outcome."""
    known = {"type", "direction", "occurred_at", "duration_s", "outcome", *(f for f, _ in LINKS)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(N_("Campo desconocido: '{field}'"), unknown[0], field=unknown[0])
    kind = choice(values.get("type"), "type", LOGGED)
    default_direction = "outbound" if kind in ("call", "email", "voicemail") else None
    direction = choice(values.get("direction", default_direction), "direction", schema.DIRECTIONS, required=False)
    duration = values.get("duration_s")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int) or not 0 <= duration <= 86_400):
        raise InputError(N_("'{field}' debe ser un número de segundos entre 0 y 86400"), "duration_s", field="duration_s")
    with Tx(store, caller, "create", "activities") as tx:
        links = _links(tx, values)
        if not links:
            raise InputError(N_("Una actividad va con un lead, un cliente, una oportunidad o un caso"), "lead_id")
        row = {"id": new_id(), "type": kind, "direction": direction, "owner_id": caller.user_id, **links,
               "occurred_at": tx.when(values.get("occurred_at"), "occurred_at", default=now_utc()),
               "duration_s": duration, "outcome": text(values.get("outcome"), "outcome", "note"), "automated": False}
        tx.write({"activities": [row]})
        tx.done("workspace.activity.log", ("activities", row["id"]), {"type": kind})
    return row


def add_task(store: Store, caller: Caller, values: dict[str, Any], *, now: Any = None) -> dict[str, Any]:
    """A task (an activity of type task): what to do (`outcome`, required), due_at (required),
    optionally on a record, owned by the caller (or owner_id, for managers and admins)."""
    unknown = sorted(set(values) - {"outcome", "due_at", "owner_id", *(f for f, _ in LINKS)})
    if unknown:
        raise InputError(N_("Campo desconocido: '{field}'"), unknown[0], field=unknown[0])
    what = text(values.get("outcome"), "outcome", "note", required=True)
    with Tx(store, caller, "create", "activities") as tx:
        due = tx.when(values.get("due_at"), "due_at")
        if due is None:
            raise InputError(N_("Falta '{field}'"), "due_at", field="due_at")
        row = {"id": new_id(), "type": "task", "outcome": what, "due_at": due, **_links(tx, values),
               "occurred_at": tx.when(now, "now", default=now_utc()), "automated": False}
        row["owner_id"] = tx.owner(values.get("owner_id"), "activities")
        tx.admit("activities", row)
        tx.write({"activities": [row]})
        tx.done("workspace.task.create", ("activities", row["id"]))
    return row


def set_task_done(store: Store, caller: Caller, task_id: Any, done: bool = True, *, at: Any = None) -> dict[str, Any]:
    """Mark a task done (`done_at`) or not done again."""
    if not isinstance(done, bool):
        raise InputError(N_("'{field}' debe ser verdadero o falso"), "done", field="done")
    with Tx(store, caller, "update", "activities") as tx:
        task = tx.get("activities", task_id)
        if task["type"] != "task":
            raise InputError(N_("'{id}' no es una tarea"), "id", id=task["id"])
        if (task["done_at"] is not None) == done:
            raise StateError(N_("La tarea ya está así"), "done")
        changes = {"done_at": tx.when(at, "at", default=now_utc()) if done else None}
        tx.write({"activities": [{"id": task["id"], **changes}]})
        tx.done("workspace.task.done" if done else "workspace.task.undone", ("activities", task["id"]))
    return {**task, **changes}


def tasks(store: Store, caller: Caller, user_id: Any = None, *, include_done: bool = False,
          limit: int = 200) -> list[dict[str, Any]]:
    """A person's tasks (the caller's by default; another's only inside the caller's scope), by due date."""
    a = schema.activities
    who = ident(user_id, "user_id", required=False) or caller.user_id
    query = sa.select(a).where(a.c.type == "task", a.c.owner_id == who)
    cond = scoping.sql_condition(caller.scope, "activities")
    if cond is not None:
        query = query.where(cond)
    if not include_done:
        query = query.where(a.c.done_at.is_(None))
    query = query.order_by(a.c.due_at.is_(None), a.c.due_at, a.c.id).limit(max(1, min(int(limit), 1000)))
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
