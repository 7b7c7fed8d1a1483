"""What the record pages (leads, accounts, deals, tickets) share: the list query read from the URL
(search `q`, filters, sort, page, page size; QueryError → 400 on a malformed value), the page of
records it selects (pulso.workspace.search and pulso.store.records, never SQL), the pager and the
sort headers, the owner picker (the names in the caller's scope), inline edits and the activity
timeline. The form plumbing (acting on a record, bulk "assign owner", "log activity") lives in
pulso.web.record_forms, which the pages import themselves. Templates: records_macros.html.

    LIST = ListSpec("leads", sorts=("created_at", "name"), default="-created_at",
                    filters={"owner": column("owner_id"), "status": choices(LEAD_STATUS)})
    query = list_query(ctx, LIST)                     # QueryError on ?page=x, ?sort=secret...
    rows, more = fetch(ctx, LIST, query)              # inside ctx.scope
    data = {"pager": pager(ctx, "/leads", query, more), "headers": headers(ctx, "/leads", query, COLUMNS)}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Callable
from urllib.parse import urlencode

from babel.dates import format_time

from pulso import formatting as f
from pulso import workspace as ws
from pulso.errors import RecordNotFoundError
from pulso.i18n import N_
from pulso.store import lookups, records
from pulso.web.deps import VALUE_LABELS, PageContext
from pulso.web.pages import cell, table
from pulso.web.periods import QueryError
from pulso.web.record_forms import caller

SIZES = (25, 50, 100)
MAX_PAGE = 10_000
MAX_QUERY = 200  # characters of a search or a filter value
SEARCH_LIMIT = 100  # matches a search lists (pulso.workspace.search's most)
#: What "log activity" offers, with its Spanish label (a task takes a due date).
ACTIVITY_TYPES = (("call", N_("Llamada")), ("email", N_("Correo")), ("meeting", N_("Reunión")),
                  ("note", N_("Nota")), ("task", N_("Tarea")))

#: Spanish labels of the lead and account sources the demo and the common CRMs write; another
#: source (an import's own word) is shown as stored.
SOURCE_LABELS = {value: label for (dim, value), label in VALUE_LABELS.items() if dim == "source"}  # one table: deps

Filter = Callable[[str], list[tuple[str, str]]]


def column(name: str) -> Filter:
    """A URL filter that is equality on a column (`?owner=u3` → owner_id = u3)."""
    return lambda value: [(name, value)]


def choices(options: dict[str, list[tuple[str, str]]]) -> Filter:
    """A URL filter with named values, each a list of store filters; another value is a QueryError."""

    def read(value: str) -> list[tuple[str, str]]:
        if value not in options:
            raise QueryError(N_("'{value}' no es un valor de este filtro; usa uno de: {choices}"), "filter",
                             value=value[:40], choices=", ".join(options))
        return options[value]

    return read


@dataclass(frozen=True)
class ListSpec:
    """A list page's table, the columns it sorts by, its default sort (`-` first: descending), and
    its URL filters (name → Filter)."""

    table: str
    sorts: tuple[str, ...]
    default: str
    filters: dict[str, Filter] = field(default_factory=dict)


@dataclass(frozen=True)
class ListQuery:
    """What a list shows, as read from the URL."""

    q: str
    filters: tuple[tuple[str, str], ...]  # (URL filter, value)
    sort: str  # a column, "-column" for descending
    page: int
    size: int

    def link(self, path: str, **changes: Any) -> str:
        """This list's URL with some parameters changed (`page=2`, `sort="-name"`)."""
        current = replace(self, **changes)
        params = [("q", current.q)] if current.q else []
        params += list(current.filters)
        params += [("sort", current.sort), ("page", str(current.page)), ("size", str(current.size))]
        return path + "?" + urlencode(params)

    def as_dict(self) -> dict[str, Any]:
        return {"q": self.q, "filters": dict(self.filters), "sort": self.sort, "page": self.page, "size": self.size}


def _number(ctx: PageContext, name: str, default: int, low: int, high: int) -> int:
    raw = ctx.request.query_params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise QueryError(N_("'{name}' debe ser un número entre {low} y {high}"), name, name=name, low=low, high=high)
    return value


def list_query(ctx: PageContext, spec: ListSpec) -> ListQuery:
    """The list query of this request; QueryError (400, in the reader's language) on a malformed value."""
    params = ctx.request.query_params
    q = " ".join(params.get("q", "").split())
    if len(q) > MAX_QUERY:
        raise QueryError(N_("La búsqueda es demasiado larga (máximo {limit} caracteres)"), "q", limit=MAX_QUERY)
    sort = params.get("sort", "") or spec.default
    if sort.lstrip("-") not in spec.sorts:
        raise QueryError(N_("No se puede ordenar por '{value}'; usa uno de: {choices}"), "sort", value=sort[:40],
                         choices=", ".join(spec.sorts))
    size = _number(ctx, "size", SIZES[0], 1, SIZES[-1])
    if size not in SIZES:
        raise QueryError(N_("'{name}' debe ser uno de: {choices}"), "size", name="size",
                         choices=", ".join(map(str, SIZES)))
    chosen = []
    for name, read in spec.filters.items():
        for value in params.getlist(name):
            if value == "":
                continue
            if len(value) > MAX_QUERY or "\x00" in value:
                raise QueryError(N_("El filtro '{name}' no es válido"), name, name=name)
            read(value)  # refuses an unknown value now, before anything is read
            chosen.append((name, value))
    return ListQuery(q, tuple(chosen), sort, _number(ctx, "page", 1, 1, MAX_PAGE), size)


def fetch(ctx: PageContext, spec: ListSpec, query: ListQuery) -> tuple[list[dict[str, Any]], bool]:
    """The records of one page of the list inside the reader's scope, and whether more follow."""
    store = ctx.services.store
    params = [p for name, value in query.filters for p in spec.filters[name](value)]
    if query.q:
        words = query.q.lstrip("=+-@ ")  # a phone typed +34...: search reads its digits
        if not words:
            return [], False
        try:
            hits = ctx.services.run(lambda: ws.search(store, caller(ctx), words, tables=(spec.table,), limit=SEARCH_LIMIT))
        except ws.InputError as exc:
            raise QueryError(exc.text, "q", **exc.values) from None
        if not hits:
            return [], False
        params += [("id", h["id"]) for h in hits]
    page = ctx.services.run(lambda: records.listing(
        store, ctx.scope, spec.table, params, limit=query.size, offset=(query.page - 1) * query.size,
        order=query.sort.lstrip("-"), descending=query.sort.startswith("-")))
    return page.records, page.has_more


def pager(ctx: PageContext, path: str, query: ListQuery, more: bool) -> dict[str, Any]:
    """Previous and next links, the page number, and the page sizes to choose from."""
    return {"page": query.page, "size": query.size,
            "prev": query.link(path, page=query.page - 1) if query.page > 1 else None,
            "next": query.link(path, page=query.page + 1) if more else None,
            "sizes": [{"size": n, "href": query.link(path, size=n, page=1), "current": n == query.size} for n in SIZES]}


def headers(ctx: PageContext, path: str, query: ListQuery, columns: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Column headers (Spanish label, sort column or None): a sortable one links to its sort,
    the reverse one when it is the current sort; `dir` says which way the list runs now."""
    out = []
    for label, key in columns:
        head: dict[str, Any] = {"label": ctx._(label), "key": key, "href": None, "dir": ""}
        if key is not None:
            now = query.sort.lstrip("-") == key
            head["dir"] = ("descending" if query.sort.startswith("-") else "ascending") if now else ""
            head["href"] = query.link(path, sort=("" if query.sort.startswith("-") else "-") + key if now else key, page=1)
        out.append(head)
    return out


def section(ctx: PageContext, title: str, heads: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The list as the app's table section (pulso.web.pages.table): what the JSON twin of every page
    carries under "sections"; the first cell links to the record."""
    return table(title, [(h["label"], False) for h in heads],
                 [[cell(text, href=row["href"] if i == 0 else None) for i, text in enumerate(row["cells"])] for row in rows],
                 empty=ctx._("Ningún registro coincide con la búsqueda y los filtros."))


def owner_choices(ctx: PageContext) -> list[dict[str, str]]:
    """The people records can be given to by the reader: everyone for a company-wide scope, the team
    for a manager, oneself for a rep; by name."""
    names = ctx.services.names(ctx.version)
    scope = ctx.scope
    if scope.kind == "company":
        ids = list(names["owner"])
    elif scope.kind == "team":
        ids = [u for u, team in names["owner_team"].items() if team in scope.ids]
    else:
        ids = list(scope.ids)
    return sorted(({"id": u, "name": names["owner"].get(u) or u} for u in ids if u in names["owner"]),
                  key=lambda o: (o["name"].casefold(), o["id"]))


def source_label(ctx: PageContext, value: str | None) -> str:
    """A lead's or account's source as people read it, in the reader's language: the workspace's
    own label (the settings page's value labels), else Pulso's ('' for none)."""
    if not value:
        return ""
    return ctx.label("source", value)


def value_options(ctx: PageContext, table: str, column: str) -> list[dict[str, str]]:
    """A filter's select: the values `column` holds among the records the reader sees (a store
    read, cached per data version and scope), labelled (sources) and sorted by label."""
    values = ctx.services.cache.get_or_compute(
        (ctx.version, "distinct", table, column, ctx.scope),
        lambda: ctx.services.run(lookups.distinct_values, ctx.services.store, ctx.scope, table, column))
    label = (lambda v: source_label(ctx, v)) if column == "source" else (lambda v: v)
    return sorted(({"value": v, "label": label(v)} for v in values), key=lambda o: (o["label"].casefold(), o["value"]))


PICKER_LIMIT = 50  # accounts the new deal / ticket picker lists


def account_picker(ctx: PageContext, chosen: str = "") -> dict[str, Any]:
    """The account picker of the new deal and ticket forms: the reader's accounts matching the
    search box (`?account_q=`, pulso.workspace.search: name, e-mail, company, phone) or, without
    one, their newest; by name, at most PICKER_LIMIT, the chosen one kept first."""
    typed = ctx.request.query_params.get("account_q", "").strip()[:MAX_QUERY]
    store = ctx.services.store
    try:
        if typed:
            found = ctx.services.run(lambda: ws.search(store, caller(ctx), typed, tables=("accounts",), limit=PICKER_LIMIT))
        else:
            found = ctx.services.run(lambda: records.listing(store, ctx.scope, "accounts", limit=PICKER_LIMIT,
                                                             order="created_at", descending=True).records)
    except ws.WorkspaceError:
        found = []
    options = sorted(({"value": a["id"], "label": a["name"] or "—"} for a in found), key=lambda o: (o["label"].casefold(), o["value"]))
    if chosen and all(o["value"] != chosen for o in options):
        try:
            named = ctx.services.run(records.get, store, ctx.scope, "accounts", chosen)["name"]
            options.insert(0, {"value": chosen, "label": named or "—"})
        except RecordNotFoundError:
            pass
    return {"q": typed, "options": options, "chosen": chosen}


def owner_name(ctx: PageContext, owner_id: str | None) -> str:
    """A record owner's name ('(sin valor)' for none)."""
    return ctx.label("owner", owner_id)


def timeline(ctx: PageContext, link: str, record_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """The activities of a record the reader sees, newest first, as the timeline macro draws them."""
    found = ctx.services.run(lambda: records.listing(ctx.services.store, ctx.scope, "activities", [(link, record_id)],
                                                     limit=limit, order="occurred_at", descending=True))
    labels = dict(ACTIVITY_TYPES)
    out = []
    for a in found.records:
        out.append({
            "id": a["id"], "type": a["type"], "label": ctx._(labels[a["type"]]) if a["type"] in labels else ctx.label("activity_type", a["type"]),
            "when": when(ctx, a["occurred_at"]), "at": records.plain(a["occurred_at"]),
            "owner": owner_name(ctx, a["owner_id"]), "note": ctx.note("outcome", a["outcome"]),
            "direction": ctx._("saliente") if a["direction"] == "outbound" else (ctx._("entrante") if a["direction"] == "inbound" else ""),
            "task": a["type"] == "task", "due": when(ctx, a["due_at"]) if a["due_at"] else "",
            "done": a["done_at"] is not None,
        })
    return out


def activity_types(ctx: PageContext) -> list[dict[str, str]]:
    """The choices of the "log activity" form, in the reader's language."""
    return [{"value": v, "label": ctx._(label)} for v, label in ACTIVITY_TYPES]


def when(ctx: PageContext, value: dt.datetime | dt.date | None) -> str:
    """A stored instant as the reader reads it, in the workspace's time zone: its date
    (pulso.formatting.fmt_date) and, unless it is midnight there, the hour and minute — never
    seconds ('20 oct 2026, 9:41' / 'Oct 20, 2026, 9:41 AM'); '' for none."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return f.fmt_date(value, ctx.lang)
    at = local(ctx, value)
    day = f.fmt_date(at.date(), ctx.lang)
    if (at.hour, at.minute, at.second) == (0, 0, 0):
        return day
    return f"{day}, {format_time(at, format='short', locale=ctx.lang)}"


def local(ctx: PageContext, value: dt.datetime) -> dt.datetime:
    """A stored instant (naive: UTC) in the workspace's time zone."""
    from zoneinfo import ZoneInfo

    return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(ZoneInfo(ctx.timezone))


def field_row(ctx: PageContext, name: str, label: str, value: Any, *, text: str | None = None, kind: str = "text",
              editable: bool = True, options: list[dict[str, str]] | None = None, limit: int = 200) -> dict[str, Any]:
    """One line of a record's field list: label, shown text, raw value, and how it is edited inline
    (`kind`: text, email, tel, select with `options`; `limit`: the longest value)."""
    if text is None and name == "source":
        text = source_label(ctx, value)
    shown = text if text is not None else ("" if value is None else str(value))
    return {"name": name, "label": ctx._(label), "text": shown, "value": "" if value is None else str(value),
            "kind": kind, "editable": editable, "options": options or [], "limit": limit}
