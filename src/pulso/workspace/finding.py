"""Reading for the workspace, inside the caller's scope: probable duplicates before a new lead or
account is saved, search by name, e-mail, company or phone (accents and case aside), and
"Mi día" (leads waiting for a first answer, tasks due, idle deals, tickets waiting for a reply).

Search looks each query word up by prefix in the store's words index (pulso.store.searchwords,
migrations 0013, 0016 and 0019: the words of search_text with their positions, e-mail fragments,
phone digit suffixes, each with its record's owner, so the caller's scope applies to the index),
ranks the matches there and reads only the records it shows (pulso.store.searchable).
Duplicates compare normalised text in SQL that both run: lower(strip_accents) on DuckDB,
lower(translate(column, accented, plain)) elsewhere, and, for phones, the digits only
(regexp_replace).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from pulso.access import condition
from pulso.store import Store, schema, scoping, searchable, searchwords
from pulso.workspace.base import Caller, email, ident, now_utc, text
from pulso.workspace.errors import N_, InputError, NotFoundError

ACCENTED = "ÁÀÂÄÃÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇáàâäãéèêëíìîïóòôöõúùûüñç"
PLAIN = "AAAAAEEEEIIIIOOOOOUUUUNCaaaaaeeeeiiiiooooouuuunc"
_PLAIN = str.maketrans(ACCENTED, PLAIN)
SEARCHED = {"leads": ("name", "email", "company", "phone"), "accounts": ("name", "email", "company", "phone"),
            "deals": ("title",)}


def plain(value: str) -> str:
    """Text as search compares it: accents off (the same letters as `_sql_plain`), lower case."""
    return value.translate(_PLAIN).lower()


class _Plain(FunctionElement):
    """lower(text without accents): DuckDB's native strip_accents (about ten times quicker than its
    translate on a million rows), translate with the ACCENTED letters elsewhere."""

    type = sa.Text()
    inherit_cache = True
    name = "plain_text"


@compiles(_Plain)
def _plain_sql(element: _Plain, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return compiler.process(sa.func.lower(sa.func.translate(column, ACCENTED, PLAIN)), **kw)


@compiles(_Plain, "duckdb")
def _plain_duckdb(element: _Plain, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return compiler.process(sa.func.lower(sa.func.strip_accents(column)), **kw)


def _sql_plain(column: sa.ColumnElement) -> sa.ColumnElement:
    return _Plain(column)


def _sql_digits(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.regexp_replace(column, "[^0-9]", "", "g")


def _phone_key(phone: str | None) -> str | None:
    """The last nine digits (as pulso.dedupe compares phones), or None when there are fewer than seven."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 7 else None


def duplicates(store: Store, caller: Caller, table: str, values: dict[str, Any], *, limit: int = 10) -> dict[str, Any]:
    """Probable duplicates of a lead or account about to be saved: stored records with the same
    e-mail (case aside), the same phone (its last nine digits) or the same name (accents and case
    aside). Returns {"matches": [{id, name, email, phone, company, owner_id, reasons}], "hidden": n}:
    matches inside the caller's scope are listed, those outside only counted."""
    if table not in ("leads", "accounts"):
        raise InputError(N_("'{field}' no admite '{value}'; usa uno de: {choices}"), "table", field="table",
                         value=table, choices="leads, accounts")
    tbl = schema.table(table)
    mail = email(values.get("email"))
    phone = _phone_key(text(values.get("phone"), "phone", "phone"))
    name = text(values.get("name"), "name")
    tests = []
    if mail:
        tests.append(("email", sa.func.lower(sa.func.trim(tbl.c.email)) == mail.lower()))
    if phone:
        tests.append(("phone", sa.func.right(_sql_digits(tbl.c.phone), 9) == phone))
    if name:
        tests.append(("name", _sql_plain(sa.func.trim(tbl.c.name)) == plain(" ".join(name.split()))))
    if not tests:
        return {"matches": [], "hidden": 0}
    flags = [sa.case((cond, 1), else_=0).label(f"_{label}") for label, cond in tests]
    inside = scoping.sql_scoped(caller.scope, table)
    query = (sa.select(tbl.c.id, tbl.c.name, tbl.c.email, tbl.c.phone, tbl.c.company, tbl.c.owner_id,
                       sa.case((inside, 1), else_=0).label("_inside"), *flags)
             .where(sa.or_(*(cond for _, cond in tests))).order_by(tbl.c.id).limit(1000))
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    shown = [{**{k: r[k] for k in ("id", "name", "email", "phone", "company", "owner_id")},
              "reasons": [label for label, _ in tests if r[f"_{label}"]]} for r in rows if r["_inside"]]
    return {"matches": shown[:limit], "hidden": sum(1 for r in rows if not r["_inside"])}


def search(store: Store, caller: Caller, query: Any, *, tables: tuple[str, ...] = ("leads", "accounts", "deals"),
           limit: int = 20) -> list[dict[str, Any]]:
    """Records whose name, e-mail, company or phone (deals: title) contain the words of `query`,
    accents and case aside (a phone matches by its digits), inside the caller's scope; at most
    `limit` per table, each as {table, id, name, email, phone, company, owner_id}: first those whose
    search text starts with the query, then those with the query's words one after the other
    elsewhere (or the phone starting with its digits), then the rest, each group by name.

    A word matches where it starts a word of the record (pulso.store.searchwords.tokens: also
    after punctuation and anywhere in an e-mail's local part; a phone by any run of its digits);
    a record matches when every word does (or its phone the query's digits). The words index's
    rows carry their record's owner, name, kind and position, so it is read inside the caller's
    scope and every match is ranked by the index alone (searchwords.matches: each word's range
    read once for every table). Two statements in all: the first `limit` matches of each table,
    then those records by id, checked against the scope again."""
    words = searchable.plain(text(query, "q", "name", required=True)).split()
    digits = searchable.digits(query)
    limit = max(1, min(int(limit), 100))
    for table in tables:
        if table not in SEARCHED:
            raise InputError(N_("No se puede buscar en '{value}'"), "tables", value=table)
    tables = tuple(dict.fromkeys(tables))
    phone = digits if len(digits) >= 3 else ""
    if not words and not phone:
        return []
    owners = condition(caller.scope, scoping.SqlConditions(), schema.search_words.c.owner_id)
    owners = None if caller.scope.is_company else owners
    with store.engine.connect() as conn:
        found = searchwords.matches(conn.dialect.name, tables, words, phone, owners=owners).subquery("found")
        place = sa.func.row_number().over(partition_by=found.c.tbl, order_by=(found.c.rank, found.c.name, found.c.id))
        numbered = sa.select(found, place.label("place")).subquery("numbered")
        shelf = sa.case({t: n for n, t in enumerate(tables)}, value=numbered.c.tbl)
        order = conn.execute(sa.select(numbered.c.tbl, numbered.c.id).where(numbered.c.place <= limit)
                             .order_by(shelf, numbered.c.rank, numbered.c.name, numbered.c.id)).all()
        shown = _shown(conn, caller, order) if order else {}
    return [{"table": t, **shown[t, i]} for t, i in order if (t, i) in shown]


SHOWN = ("id", "name", "email", "phone", "company", "owner_id")


def _shown(conn: sa.Connection, caller: Caller, order: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """{(table, id): the SHOWN fields} of records inside the caller's scope, in one statement."""
    parts = []
    for table in dict.fromkeys(t for t, _ in order):
        listed = _by_id(table, [i for t, i in order if t == table])
        inside = condition(caller.scope, scoping.SqlConditions(), listed.c.owner_id)
        parts.append(sa.select(sa.literal(table).label("tbl"), *(listed.c[c] for c in SHOWN)).where(inside))
    rows = conn.execute(sa.union_all(*parts) if len(parts) > 1 else parts[0]).mappings()
    return {(r["tbl"], r["id"]): {c: r[c] for c in SHOWN} for r in rows}


def _by_id(table: str, ids: list[str]) -> sa.Subquery:
    """The records of `ids` by primary key. OFFSET 0 keeps the caller's scope, tested on the
    result, out of the lookup (with it DuckDB scans the table instead of using its primary
    key's index)."""
    tbl = schema.table(table)
    label = tbl.c[searchwords.label(table)]
    extra = [(tbl.c[c] if c in tbl.c else sa.cast(sa.null(), sa.Text)).label(c) for c in ("email", "phone", "company")]
    return (sa.select(tbl.c.id, label.label("name"), *extra, tbl.c.owner_id)
            .where(tbl.c.id.in_(ids)).offset(0).subquery(f"listed_{table}"))


def my_day(store: Store, caller: Caller, user_id: Any = None, *, idle_days: int = 14,
           now: dt.datetime | None = None, limit: int = 50) -> dict[str, Any]:
    """A person's day (the caller's by default; another person's only inside the caller's scope):
    - `leads_waiting`: their open leads (not converted nor disqualified) with no outbound activity
      since they arrived, oldest first, each with `waiting_hours`;
    - `tasks_overdue` (due before today) and `tasks_today` (due today), not done;
    - `idle_deals`: their open deals with no activity and no stage change for `idle_days` days
      (nor created since), each with `idle_days`;
    - `tickets_waiting`: their unresolved tickets without a first response, oldest first."""
    who = ident(user_id, "user_id", required=False) or caller.user_id
    if who is None:
        raise InputError(N_("Falta '{field}'"), "user_id", field="user_id")
    if isinstance(idle_days, bool) or not isinstance(idle_days, int) or not 1 <= idle_days <= 3650:
        raise InputError(N_("'{field}' debe ser un número de días entre 1 y 3650"), "idle_days", field="idle_days")
    now = now or now_utc()
    u, l, a, d, c, t = (schema.users, schema.leads, schema.activities, schema.deals, schema.deal_stage_changes,
                        schema.tickets)
    with store.engine.connect() as conn:
        person = sa.select(u.c.id).where(u.c.id == who, scoping.sql_scoped(caller.scope, "users"))
        if conn.execute(person).first() is None:
            raise NotFoundError(N_("No existe la persona '{id}'"), "user_id", id=who)
        tz_name = conn.execute(sa.select(schema.workspace_settings.c.value)
                               .where(schema.workspace_settings.c.key == "timezone")).scalar() or "UTC"
        from zoneinfo import ZoneInfo
        local = now.astimezone(ZoneInfo(tz_name))
        today = local.replace(hour=0, minute=0, second=0, microsecond=0)
        tomorrow = (today + dt.timedelta(days=1)).replace(hour=0)
        answered = sa.exists().where(a.c.lead_id == l.c.id, a.c.direction == "outbound", a.c.occurred_at >= l.c.created_at)
        leads = conn.execute(sa.select(l.c.id, l.c.name, l.c.company, l.c.email, l.c.phone, l.c.created_at)
                             .where(l.c.owner_id == who, l.c.converted_at.is_(None), l.c.disqualified_at.is_(None),
                                    ~answered).order_by(l.c.created_at, l.c.id).limit(limit)).mappings().all()
        open_tasks = sa.select(a).where(a.c.owner_id == who, a.c.type == "task", a.c.done_at.is_(None))
        overdue = conn.execute(open_tasks.where(a.c.due_at < today).order_by(a.c.due_at, a.c.id).limit(limit)).mappings().all()
        due_today = conn.execute(open_tasks.where(a.c.due_at >= today, a.c.due_at < tomorrow)
                                 .order_by(a.c.due_at, a.c.id).limit(limit)).mappings().all()
        last_activity = sa.select(sa.func.max(a.c.occurred_at)).where(a.c.deal_id == d.c.id, a.c.occurred_at <= now).scalar_subquery()
        last_move = sa.select(sa.func.max(c.c.changed_at)).where(c.c.deal_id == d.c.id).scalar_subquery()
        last = sa.func.greatest(d.c.created_at, sa.func.coalesce(last_activity, d.c.created_at),
                                sa.func.coalesce(last_move, d.c.created_at)).label("last_touch")
        idle = sa.select(d.c.id, d.c.title, d.c.amount, d.c.currency, d.c.stage_id, last).where(
            d.c.owner_id == who, d.c.status == "open").subquery()
        deals = conn.execute(sa.select(idle).where(idle.c.last_touch < now - dt.timedelta(days=idle_days))
                             .order_by(idle.c.last_touch, idle.c.id).limit(limit)).mappings().all()
        tickets = conn.execute(sa.select(t.c.id, t.c.account_id, t.c.priority, t.c.channel, t.c.opened_at)
                               .where(t.c.owner_id == who, t.c.first_response_at.is_(None), t.c.resolved_at.is_(None),
                                      t.c.status.in_(("open", "pending")))
                               .order_by(t.c.opened_at, t.c.id).limit(limit)).mappings().all()

    def age(at: dt.datetime) -> float:
        at = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
        return round((now - at).total_seconds() / 3600, 1)

    return {
        "user_id": who,
        "leads_waiting": [{**r, "waiting_hours": age(r["created_at"])} for r in leads],
        "tasks_overdue": [dict(r) for r in overdue],
        "tasks_today": [dict(r) for r in due_today],
        "idle_deals": [{**r, "idle_days": int(age(r["last_touch"]) // 24)} for r in deals],
        "tickets_waiting": [{**r, "waiting_hours": age(r["opened_at"])} for r in tickets],
    }
