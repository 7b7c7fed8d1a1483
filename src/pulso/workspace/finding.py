"""Reading for the workspace, inside the caller's scope: probable duplicates before a new lead or
account is saved, search by name, e-mail, company or phone (accents and case aside), and
"Mi día" (leads waiting for a first answer, tasks due, idle deals, tickets waiting for a reply).

Search looks each query word up by prefix in the store's words index (pulso.store.searchwords,
migrations 0013 and 0016: the words of search_text, e-mail fragments, phone digit suffixes, each
with its record's owner, so the caller's scope applies to the index), takes its first CANDIDATES
ids and ranks those records by their search columns (pulso.store.searchable). Duplicates compare normalised
text in SQL that both run: lower(strip_accents) on DuckDB, lower(translate(column, accented,
plain)) elsewhere, and, for phones, the digits only (regexp_replace).
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


class _Contains(FunctionElement):
    """column contains a literal text: DuckDB's contains() (a plain substring scan, quicker than
    its LIKE with ESCAPE), LIKE '%…%' elsewhere (PostgreSQL's pg_trgm GIN index serves it)."""

    type = sa.Boolean()
    inherit_cache = True
    name = "text_contains"
    duckdb_function = "contains"


class _Starts(FunctionElement):
    """column starts with a literal text: DuckDB's starts_with(), LIKE '…%' elsewhere."""

    type = sa.Boolean()
    inherit_cache = True
    name = "text_starts"
    duckdb_function = "starts_with"


def _text_test_sql(element: _Contains | _Starts, compiler: Any, **kw: Any) -> str:
    """Elsewhere: the column LIKE the escaped pattern (the third argument)."""
    column, _value, pattern = element.clauses
    return compiler.process(column.like(pattern, escape="/"), **kw)


def _text_test_duckdb(element: _Contains | _Starts, compiler: Any, **kw: Any) -> str:
    """DuckDB: its own function on the column and the plain text (the second argument)."""
    column, value, _pattern = element.clauses
    return compiler.process(getattr(sa.func, element.duckdb_function)(column, value), **kw)


for _test in (_Contains, _Starts):
    compiles(_test)(_text_test_sql)
    compiles(_test, "duckdb")(_text_test_duckdb)


#: How many matches of one table search ranks: the first the words index gives (a LIMIT without
#: ORDER BY, so its scan stops once it has them); the ranking is exact when fewer match.
CANDIDATES = 300


def _like(value: str) -> str:
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _has(column: sa.ColumnElement, value: str) -> sa.ColumnElement:
    """Both the text and its LIKE pattern travel as bound values (compiled statements are cached)."""
    return _Contains(column, sa.literal(value, sa.Text), sa.literal(f"%{_like(value)}%", sa.Text))


def _starts(column: sa.ColumnElement, value: str) -> sa.ColumnElement:
    return _Starts(column, sa.literal(value, sa.Text), sa.literal(f"{_like(value)}%", sa.Text))


def search(store: Store, caller: Caller, query: Any, *, tables: tuple[str, ...] = ("leads", "accounts", "deals"),
           limit: int = 20) -> list[dict[str, Any]]:
    """Records whose name, e-mail, company or phone (deals: title) contain the words of `query`,
    accents and case aside (a phone matches by its digits), inside the caller's scope; at most
    `limit` per table, each as {table, id, name, email, phone, company, owner_id}: first those whose
    name starts with the query, then those with a word (or the phone) starting with it, then the
    rest, each group by name.

    A word matches where it starts a word of the record (pulso.store.searchwords.tokens: also
    after punctuation and anywhere in an e-mail's local part; a phone by any run of its digits).
    The words index's rows carry their record's owner, name and kind (searchwords.kinds), so it
    is read inside the caller's scope and a one-word query (or a phone) is ranked by the index
    alone: per record the least kind of the rows it matches (0: its first word → first group;
    1: a word or the whole phone → second; 2: a fragment → the rest), then its name; only the
    first `limit` records are read. Several words: every word's ids intersected (or the
    phone's), at most CANDIDATES of them, ranked by their search columns (exact up to CANDIDATES
    matches). The records read are checked against the scope again."""
    words = searchable.plain(text(query, "q", "name", required=True)).split()
    digits = searchable.digits(query)
    limit = max(1, min(int(limit), 100))
    found: list[dict[str, Any]] = []
    with store.engine.connect() as conn:
        for table in tables:
            if table not in SEARCHED:
                raise InputError(N_("No se puede buscar en '{value}'"), "tables", value=table)
            found += [{"table": table, **r} for r in _search_table(conn, caller, table, words, digits, limit)]
    return found


def _search_table(conn: sa.Connection, caller: Caller, table: str, words: list[str], digits: str,
                  limit: int) -> list[dict[str, Any]]:
    tbl = schema.table(table)
    hay, whole = tbl.c.search_text, " ".join(words)
    dialect = conn.dialect.name
    owners = condition(caller.scope, scoping.SqlConditions(), schema.search_words.c.owner_id)
    owners = None if caller.scope.is_company else owners
    sets = [searchwords.starting(dialect, table, w, owners=owners) for w in words]
    found = [sa.intersect(*sets) if len(sets) > 1 else sets[0]] if sets else []
    near = [_has(sa.literal(" ", sa.Text) + hay, " " + whole)] if whole else []
    phone = "search_phone" in tbl.c and len(digits) >= 3
    if len(words) == 1:
        return _ranked_by_index(conn, caller, table, words[0], digits if phone else "", owners, limit)
    if phone:
        found.append(searchwords.starting(dialect, table, digits, phone=True, owners=owners))
        near.append(_starts(tbl.c.search_phone, digits))
    # the first CANDIDATES ids the index gives (no ORDER BY: its scan stops there), not every id
    # of a common word
    ids = [r[0] for r in conn.execute((sa.union(*found) if len(found) > 1 else found[0]).limit(CANDIDATES))]
    if not ids:
        return []
    first = _starts(hay, whole) if whole else sa.false()
    rank = sa.case((first, 0), (sa.or_(*near), 1), else_=2) if near else sa.literal(2)
    listed = _by_id(caller, table, ids, rank)
    ranked = (sa.select(*(listed.c[c] for c in SHOWN)).where(condition(caller.scope, scoping.SqlConditions(),
                                                                        listed.c.owner_id))
              .order_by(listed.c.rank, listed.c.name, listed.c.id).limit(limit))
    return [dict(r) for r in conn.execute(ranked).mappings()]


SHOWN = ("id", "name", "email", "phone", "company", "owner_id")


def _by_id(caller: Caller, table: str, ids: list[str], rank: sa.ColumnElement) -> sa.Subquery:
    """The records of `ids` by primary key with their `rank`. OFFSET 0 keeps the caller's scope,
    tested on the result, out of the lookup (with it DuckDB scans the table instead of using its
    primary key's index)."""
    tbl = schema.table(table)
    label = tbl.c[searchwords.label(table)]
    extra = [(tbl.c[c] if c in tbl.c else sa.null()).label(c) for c in ("email", "phone", "company")]
    return (sa.select(tbl.c.id, label.label("name"), *extra, tbl.c.owner_id, rank.label("rank"))
            .where(tbl.c.id.in_(ids)).offset(0).subquery("listed"))


def _ranked_by_index(conn: sa.Connection, caller: Caller, table: str, word: str, digits: str,
                     owners: sa.ColumnElement | None, limit: int) -> list[dict[str, Any]]:
    """One word (and its digits, for a phone): the first `limit` records ranked by the index (per
    record the least kind of its matched rows: a first word is group 0, a word or the whole
    phone 1, a fragment 2; then the name, then the id), then read by id."""
    dialect, columns = conn.dialect.name, ("id", "kind", "name")
    parts = [searchwords.starting(dialect, table, word, owners=owners, columns=columns)]
    if digits:
        parts.append(searchwords.starting(dialect, table, digits, phone=True, owners=owners, columns=columns))
    rows = sa.union_all(*parts).subquery("hits") if len(parts) > 1 else parts[0].subquery("hits")
    group = sa.func.min(rows.c.kind).label("rank")
    best = (sa.select(rows.c.id, group, sa.func.min(rows.c.name).label("name")).group_by(rows.c.id)
            .order_by(group, sa.func.min(rows.c.name), rows.c.id).limit(limit))
    order = [r.id for r in conn.execute(best)]
    if not order:
        return []
    listed = _by_id(caller, table, order, sa.literal(0))
    inside = condition(caller.scope, scoping.SqlConditions(), listed.c.owner_id)
    found = {r["id"]: dict(r) for r in conn.execute(sa.select(*(listed.c[c] for c in SHOWN)).where(inside)).mappings()}
    return [found[i] for i in order if i in found]


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
