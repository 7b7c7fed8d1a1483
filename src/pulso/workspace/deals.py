"""Accounts and deals: create and edit them, move a deal between stages (one `deal_stage_changes`
row per move), win or lose it with a reason and a close date (what close_rate, revenue_won and
sales_cycle_days read), reassign owners (managers and admins), and the board's bulk actions.
Each operation is one transaction (pulso.workspace.base.Tx)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pulso.store import Store, schema, scoping
from pulso.workspace.base import (Caller, Tx, choice, currency, edit_record, email, ident, ids, instant, money, new_id,
                                  not_before, now_utc, text)
from pulso.workspace.errors import N_, ForbiddenError, InputError, StateError

ACCOUNT_FIELDS = ("name", "email", "phone", "company", "country", "segment", "source")
DEAL_FIELDS = ("title", "amount", "currency", "expected_close_at", "kind", "account_id")
OWNED = ("leads", "accounts", "deals", "tickets")


def _unknown(values: dict[str, Any], known: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(known) - {"owner_id"})
    if unknown:
        raise InputError(N_("Campo desconocido: '{field}'"), unknown[0], field=unknown[0])


def _account_fields(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    _unknown(values, ACCOUNT_FIELDS)
    out: dict[str, Any] = {}
    for field, kind in (("name", "name"), ("phone", "phone"), ("company", "name"), ("segment", "short"),
                        ("source", "short")):
        if field in values or creating:
            out[field] = text(values.get(field), field, kind, required=field == "name")
    if "email" in values or creating:
        out["email"] = email(values.get("email"))
    if "country" in values or creating:
        country = text(values.get("country"), "country", "short")
        if country is not None and (len(country) != 2 or not country.isalpha()):
            raise InputError(N_("'{value}' no es un código de país de dos letras (ES, MX...)"), "country", value=country)
        out["country"] = country.upper() if country else None
    return out


def create_account(store: Store, caller: Caller, values: dict[str, Any], *, now: Any = None) -> dict[str, Any]:
    """A new account (name required); a customer from `acquired_at` when given."""
    with Tx(store, caller, "create", "accounts") as tx:
        when = tx.when(now, "now", default=now_utc())
        acquired = tx.when(values.get("acquired_at"), "acquired_at")
        not_before(acquired, when, "acquired_at")
        row = {"id": new_id(), **_account_fields({k: v for k, v in values.items() if k != "acquired_at"}, creating=True),
               "created_at": when, "acquired_at": acquired}
        row["owner_id"] = tx.owner(values.get("owner_id"), "accounts")
        tx.admit("accounts", row)
        tx.write({"accounts": [row]})
        tx.done("workspace.account.create", ("accounts", row["id"]))
    return row


def edit_account(store: Store, caller: Caller, account_id: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Change an account's fields (those given); owner_id reassigns (managers and admins)."""
    return edit_record(store, caller, "accounts", account_id, values,
                       lambda tx, given: _account_fields(given, creating=False), "workspace.account.edit")


def deal_fields(tx: Tx, values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """A deal's fields from a form, checked (the account must be inside the caller's scope)."""
    _unknown(values, (*DEAL_FIELDS, "stage_id"))
    out: dict[str, Any] = {}
    if "title" in values or creating:
        out["title"] = text(values.get("title"), "title")
    if "amount" in values:
        out["amount"] = money(values["amount"])
    if "currency" in values:
        out["currency"] = currency(values["currency"])
    if "expected_close_at" in values:
        out["expected_close_at"] = tx.when(values["expected_close_at"], "expected_close_at")
    if "kind" in values or creating:
        out["kind"] = choice(values.get("kind", "new"), "kind", schema.DEAL_KINDS)
    if values.get("account_id") is not None:
        out["account_id"] = tx.get("accounts", values["account_id"], "account_id")["id"]
    return out


def create_deal(store: Store, caller: Caller, values: dict[str, Any], *, now: Any = None) -> dict[str, Any]:
    """A new open deal: title, amount and currency (the workspace's by default), stage_id (an open
    stage; the first of the default pipeline by default), expected_close_at, kind, account_id;
    with its first stage-history row."""
    from pulso.workspace.leads import first_open_stage

    with Tx(store, caller, "create", "deals") as tx:
        when = tx.when(now, "now", default=now_utc())
        fields = deal_fields(tx, values, creating=True)
        stage = tx.stage(values["stage_id"]) if values.get("stage_id") else first_open_stage(tx.conn)
        if stage is not None and stage["kind"] != "open":
            raise InputError(N_("Una oportunidad nueva empieza en una etapa abierta"), "stage_id")
        if fields.get("amount") is not None and fields.get("currency") is None:
            fields["currency"] = tx.setting("currency", "EUR")
        not_before(fields.get("expected_close_at"), when, "expected_close_at")
        row = {"id": new_id(), **fields, "stage_id": stage["id"] if stage else None, "status": "open", "created_at": when}
        row["owner_id"] = tx.owner(values.get("owner_id"), "deals")
        tx.admit("deals", row)
        changes = [_change(row["id"], None, stage["id"], when, caller)] if stage else []
        tx.write({"deals": [row], "deal_stage_changes": changes})
        tx.done("workspace.deal.create", ("deals", row["id"]))
    return row


def edit_deal(store: Store, caller: Caller, deal_id: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Change a deal's title, amount, currency, expected close, kind or account (stage and status
    move through move_deal and close_deal; owner_id reassigns)."""
    if "stage_id" in values:
        raise InputError(N_("La etapa se cambia moviendo la oportunidad"), "stage_id")
    return edit_record(store, caller, "deals", deal_id, values,
                       lambda tx, given: deal_fields(tx, given, creating=False), "workspace.deal.edit")


def _change(deal_id: str, from_stage: str | None, to_stage: str, when: Any, caller: Caller) -> dict[str, Any]:
    return {"id": new_id(), "deal_id": deal_id, "from_stage_id": from_stage, "to_stage_id": to_stage,
            "changed_at": when, "changed_by": caller.user_id}


def _moved(tx: Tx, deal: dict[str, Any], stage: dict[str, Any], when: Any, reason: Any) -> dict[str, Any]:
    """The deal's new fields in `stage`: its status follows the stage's kind (won and lost close it
    at `when`, lost needs a reason; an open stage reopens a closed deal)."""
    if deal["stage_id"] is not None:
        current = tx.stage(deal["stage_id"])
        if current["pipeline"] != stage["pipeline"]:
            raise InputError(N_("La etapa '{id}' es de otro embudo"), "stage_id", id=stage["id"])
    fields: dict[str, Any] = {"stage_id": stage["id"], "status": stage["kind"]}
    if stage["kind"] == "open":
        fields.update(closed_at=None, lost_reason=None)
        return fields
    not_before(when, deal["created_at"], "closed_at")
    fields["closed_at"] = when
    fields["lost_reason"] = text(reason, "reason", "reason", required=stage["kind"] == "lost") if stage["kind"] == "lost" else None
    return fields


def move_deal(store: Store, caller: Caller, deal_id: Any, stage_id: Any, *, reason: Any = None,
              at: Any = None) -> dict[str, Any]:
    """Move a deal to another stage of its pipeline: one `deal_stage_changes` row. Into a won or
    lost stage it closes (at `at`, now by default; lost needs `reason`); into an open one a
    closed deal reopens."""
    with Tx(store, caller, "update", "deals") as tx:
        deal = tx.get("deals", deal_id)
        stage = tx.stage(stage_id)
        if stage["id"] == deal["stage_id"]:
            raise StateError(N_("La oportunidad ya está en esa etapa"), "stage_id")
        when = tx.when(at, "at", default=now_utc())
        fields = _moved(tx, deal, stage, when, reason)
        tx.write({"deals": [{"id": deal["id"], **fields}],
                  "deal_stage_changes": [_change(deal["id"], deal["stage_id"], stage["id"], when, caller)]})
        tx.done("workspace.deal.move", ("deals", deal["id"]), {"from": deal["stage_id"], "to": stage["id"]})
    return {**deal, **fields}


def close_deal(store: Store, caller: Caller, deal_id: Any, outcome: str, *, reason: Any = None,
               closed_at: Any = None) -> dict[str, Any]:
    """Win or lose a deal (lost needs a reason) on `closed_at` (now by default): it moves to its
    pipeline's first won or lost stage when there is one (one stage-history row), else only its
    status changes."""
    outcome = choice(outcome, "outcome", ("won", "lost"))
    with Tx(store, caller, "update", "deals") as tx:
        deal = tx.get("deals", deal_id)
        if deal["status"] != "open":
            raise StateError(N_("La oportunidad ya está cerrada"), "status")
        when = tx.when(closed_at, "closed_at", default=now_utc())
        pipeline = tx.stage(deal["stage_id"])["pipeline"] if deal["stage_id"] else "default"
        st = schema.stages
        target = tx.conn.execute(st.select().where(st.c.kind == outcome, st.c.pipeline == pipeline)
                                 .order_by(st.c.position, st.c.id).limit(1)).mappings().first()
        stage = dict(target) if target else {"id": deal["stage_id"], "kind": outcome, "pipeline": pipeline}
        fields = _moved(tx, deal, stage, when, reason)
        changes = [_change(deal["id"], deal["stage_id"], stage["id"], when, caller)] if target else []
        if not target:
            fields.pop("stage_id")
        tx.write({"deals": [{"id": deal["id"], **fields}], "deal_stage_changes": changes})
        tx.done("workspace.deal.close", ("deals", deal["id"]), {"outcome": outcome})
    return {**deal, **fields}


def reassign(store: Store, caller: Caller, table: str, record_ids: Any, owner_id: Any) -> int:
    """Give records of `table` (leads, accounts, deals, tickets) to another owner: managers within
    their team, admins anyone; all or nothing. Returns how many were reassigned."""
    table = choice(table, "table", OWNED)
    wanted = ids([record_ids] if isinstance(record_ids, str) else record_ids)
    if not caller.manages:
        raise ForbiddenError(N_("Solo un responsable de equipo o un administrador asigna registros a otra persona"),
                             "owner_id")
    with Tx(store, caller, "update", table) as tx:
        rows = tx.get_many(table, wanted)
        owner = ident(owner_id, "owner_id")
        tx.admit(table, {"owner_id": owner})
        if tx.conn.execute(schema.users.select().where(schema.users.c.id == owner)).first() is None:
            raise InputError(N_("No existe la persona '{id}'"), "owner_id", id=owner)
        tx.write({table: [{"id": r["id"], "owner_id": owner} for r in rows]})
        tx.done("workspace.reassign", (table, wanted[0] if len(wanted) == 1 else None),
                {"ids": wanted[:100], "owner": owner, "count": len(wanted)}, count=len(wanted))
    return len(wanted)


def bulk_move(store: Store, caller: Caller, deal_ids: Any, stage_id: Any, *, reason: Any = None, at: Any = None) -> int:
    """Move several deals to one stage, all or nothing: one stage-history row per deal that moves
    (a deal already there is left as it is). Returns how many moved."""
    wanted = ids(deal_ids)
    with Tx(store, caller, "update", "deals") as tx:
        rows = tx.get_many("deals", wanted)
        stage = tx.stage(stage_id)
        when = tx.when(at, "at", default=now_utc())
        moving = [d for d in rows if d["stage_id"] != stage["id"]]
        deals = [{"id": d["id"], **_moved(tx, d, stage, when, reason)} for d in moving]
        changes = [_change(d["id"], d["stage_id"], stage["id"], when, caller) for d in moving]
        tx.write({"deals": deals, "deal_stage_changes": changes})
        tx.done("workspace.deal.bulk_move", ("deals", None), {"ids": [d["id"] for d in moving][:100], "to": stage["id"],
                                                            "count": len(moving)}, count=len(moving))
    return len(moving)


BOARD_FIELDS = ("id", "title", "stage_id", "status", "amount", "currency", "owner_id", "account_id", "campaign_id",
                "created_at", "expected_close_at", "closed_at")


def _board_filter(caller: Caller, stage_ids: list[str], owners: list[str] | None, campaign: str | None,
                  closed_since: Any) -> list[Any]:
    """The board's deals: of `stage_ids`, open or closed since `closed_since`, the filters, the scope."""
    d = schema.deals
    since = instant(closed_since, "closed_since")
    closed = d.c.status.in_(("won", "lost"))
    wanted = [d.c.stage_id.in_(list(stage_ids)), sa.or_(d.c.status == "open", closed if since is None
                                                        else sa.and_(closed, d.c.closed_at >= since))]
    if owners is not None:
        wanted.append(d.c.owner_id.in_(list(owners)))
    if campaign:
        wanted.append(d.c.campaign_id == campaign)
    scoped = scoping.sql_condition(caller.scope, "deals")
    return wanted if scoped is None else [*wanted, scoped]


def _card_order(deal: dict[str, Any]) -> tuple[Any, ...]:
    """A column's order: the soonest expected close first (none last), then the oldest, then id."""
    close, created = deal["expected_close_at"], deal["created_at"]
    return (close is None, close.timestamp() if close is not None else 0, created is None,
            created.timestamp() if created is not None else 0, deal["id"])


def board(store: Store, caller: Caller, stage_ids: list[str], *, owners: list[str] | None = None,
          campaign: str | None = None, closed_since: Any = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The deal board's data inside the caller's scope: the deals of `stage_ids` that are open, or
    won or lost at or after `closed_since` (None: all), of `owners` (None: anyone's) and `campaign`.

    `columns`: per stage id {count, totals: [{currency, amount, weighted}] (per currency, never a
    mixed sum; weighted = amount × the stage's probability), deals: its cards number offset+1 to
    offset+limit, the soonest expected close first (none last), then the oldest}; count and totals
    are over the whole column. `next_task`: each shown deal's first open task (earliest due, then
    id) as {deal_id: {id, outcome, due_at}}; `accounts`: {account_id: name} of the shown deals.
    The cards as ids first (the board's deals once, narrow; per column its first offset+limit by
    a LIMIT, no window over every card), then their rows by primary key; count and totals by one
    GROUP BY; tasks and accounts over the shown ids only (by index). Reading: no usage event, no
    audit."""
    d, t, st, acc = schema.deals, schema.activities, schema.stages, schema.accounts
    wanted = _board_filter(caller, stage_ids, owners, campaign, closed_since)
    narrow = sa.select(d.c.id, d.c.stage_id, d.c.expected_close_at, d.c.created_at).where(*wanted).cte("board_deals")
    first = [sa.select(narrow.c.id).where(narrow.c.stage_id == s).order_by(
        narrow.c.expected_close_at.asc().nulls_last(), narrow.c.created_at, narrow.c.id).limit(limit).offset(offset)
        .subquery(f"column_{i}") for i, s in enumerate(dict.fromkeys(stage_ids))]
    cards = sa.union_all(*(sa.select(f.c.id) for f in first)) if len(first) > 1 else sa.select(first[0].c.id)
    sums = (sa.select(d.c.stage_id, d.c.currency, sa.func.count().label("n"), sa.func.sum(d.c.amount).label("amount"))
            .where(*wanted).group_by(d.c.stage_id, d.c.currency))
    columns: dict[str, dict[str, Any]] = {s: {"count": 0, "totals": [], "deals": []} for s in stage_ids}
    if owners is not None and not owners:
        return {"columns": columns, "next_task": {}, "accounts": {}}
    with store.engine.connect() as conn:
        chance = {r.id: float(r.probability or 0) for r in conn.execute(
            sa.select(st.c.id, st.c.probability).where(st.c.id.in_(list(stage_ids))))}
        for r in sorted(conn.execute(sums), key=lambda r: (r.stage_id, r.currency is not None, r.currency or "")):
            column = columns[r.stage_id]
            column["count"] += r.n
            if r.amount is not None:
                amount = float(r.amount)
                column["totals"].append({"currency": r.currency, "amount": amount, "weighted": amount * chance[r.stage_id]})
        picked = [r.id for r in conn.execute(cards)] if any(c["count"] for c in columns.values()) else []
        rows = conn.execute(sa.select(*(d.c[f] for f in BOARD_FIELDS)).where(d.c.id.in_(picked))).mappings()
        shown = sorted((dict(r) for r in rows), key=_card_order) if picked else []
        for deal in shown:
            columns[deal["stage_id"]]["deals"].append(deal)
        if not shown:
            return {"columns": columns, "next_task": {}, "accounts": {}}
        # every activity of the shown deals by deal_id alone (DuckDB's index scan needs it alone),
        # their next open task picked here: earliest due (none last), then id
        scoped = scoping.sql_condition(caller.scope, "activities")
        tasks: dict[str, dict[str, Any]] = {}
        for r in sorted(conn.execute(sa.select(t.c.deal_id, t.c.id, t.c.type, t.c.done_at, t.c.outcome, t.c.due_at).where(
                t.c.deal_id.in_([r["id"] for r in shown]), *([scoped] if scoped is not None else []))).mappings(),
                key=lambda r: (r["due_at"] is None, r["due_at"] or 0, r["id"])):
            if r["type"] == "task" and r["done_at"] is None and r["deal_id"] not in tasks:
                tasks[r["deal_id"]] = {k: r[k] for k in ("id", "outcome", "due_at")}
        linked = sorted({r["account_id"] for r in shown if r["account_id"] is not None})
        accounts = dict(conn.execute(sa.select(acc.c.id, acc.c.name).where(acc.c.id.in_(linked))).all()) if linked else {}
    return {"columns": columns, "next_task": tasks,
            "accounts": {k: v or "" for k, v in accounts.items()}}
