""""Mi día" (`/today`): a person's day in the CRM workspace — leads waiting for a first answer
(and for how long, in words), tasks overdue and due today, deals idle for N days (`?idle=14`),
tickets waiting for a reply — each with its one-click action (log a call on the lead, mark the
task done, open the deal, mark the ticket responded), back to /today with a confirmation.
A manager looks at a team member's day (`?user=`, a picker of the team by name), an admin at
anyone's, a viewer reads only. The reading is pulso.workspace.my_day; the actions are workspace
operations through pulso.web.records_ui; JSON twin at /today.json."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form
from fastapi.responses import Response

from pulso import formatting as f
from pulso import workspace as ws
from pulso.i18n import N_
from pulso.store import records
from pulso.web import record_forms as forms
from pulso.web import records_ui as ui
from pulso.web.deps import Ctx, PageContext
from pulso.web.pages import page_route, render
from pulso.web.periods import QueryError

router = APIRouter()

IDLE_DEFAULT = 14
#: The confirmation shown after an action (`?done=` names one of these, never free text).
DONE = {"call": N_("Llamada registrada"), "task": N_("Tarea hecha"), "ticket": N_("Caso marcado como respondido")}
#: The day's sections (data key, Spanish title), summarised in the JSON twin's `sections`.
SECTIONS = (("leads", N_("Leads esperando una primera respuesta")), ("tasks", N_("Tareas vencidas y de hoy")),
            ("deals", N_("Oportunidades paradas")), ("tickets", N_("Casos esperando respuesta")))
#: The records a task or a call may be about: the link column, its table, its page and the column naming it.
LINKS = (("lead_id", "leads", "/leads", "name"), ("account_id", "accounts", "/accounts", "name"),
         ("deal_id", "deals", "/deals", "title"), ("ticket_id", "tickets", "/tickets", "id"))


def ago(ctx: PageContext, hours: float) -> str:
    """How long ago, in words: "hace 25 min", "hace 3 h", "hace 2 días"."""
    hours = max(0.0, float(hours))
    if hours < 1:
        return ctx._("hace {n} min").format(n=int(hours * 60))
    if hours < 48:
        return ctx._("hace {n} h").format(n=int(hours))
    return ctx._("hace {n} días").format(n=int(hours // 24))


def due_day(ctx: PageContext, value: Any) -> str:
    """A task's due date as the reader's date in the workspace's time zone ('' for none)."""
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return ui.when(ctx, value.astimezone(ZoneInfo(ctx.timezone)).date())


def related(ctx: PageContext, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each row (a task or an activity), the record it is about that the reader sees:
    {row id: {"href", "name"}} (names, never ids; a ticket is named by its account)."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for link, table, _, _ in LINKS:
            if row.get(link):
                wanted.setdefault(table, set()).add(row[link])
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for table, ids in wanted.items():
        page = ctx.services.run(lambda t=table, i=ids: records.listing(
            ctx.services.store, ctx.scope, t, [("id", x) for x in sorted(i)], limit=len(i)))
        found.update({(table, r["id"]): r for r in page.records})
    accounts = account_names(ctx, [r["account_id"] for (t, _), r in found.items() if t == "tickets"])
    out = {}
    for row in rows:
        for link, table, path, name in LINKS:
            record = found.get((table, row.get(link) or ""))
            if record is not None:
                label = (accounts.get(record["account_id"] or "") or ctx._("Caso")) if table == "tickets" else record[name]
                out[row["id"]] = {"href": f"{path}/{record['id']}", "name": label or "—"}
                break
    return out


def account_names(ctx: PageContext, ids: list[str | None]) -> dict[str, str]:
    """The names of the accounts the reader sees, by id."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    page = ctx.services.run(lambda: records.listing(ctx.services.store, ctx.scope, "accounts",
                                                    [("id", i) for i in wanted], limit=len(wanted)))
    return {r["id"]: r["name"] or "—" for r in page.records}


def _params(ctx: PageContext) -> tuple[str | None, int]:
    """The person (`user`) and the idle days (`idle`) asked for; QueryError (400) when malformed."""
    query = ctx.request.query_params
    who = query.get("user", "").strip() or None
    if who is not None and (len(who) > 64 or not who.isprintable()):
        raise QueryError(N_("'{name}' no es válido"), "user", name="user")
    raw = query.get("idle", "").strip()
    if not raw:
        return who, IDLE_DEFAULT
    try:
        idle = int(raw)
    except ValueError:
        idle = 0
    if not 1 <= idle <= 3650:
        raise QueryError(N_("'{name}' debe ser un número entre {low} y {high}"), "idle", name="idle", low=1, high=3650)
    return who, idle


def _page(ctx: PageContext, error: dict[str, Any] | None = None) -> Response:
    ctx.require("today")
    who, idle = _params(ctx)
    day = forms.run(ctx, ws.my_day, who, idle_days=idle)
    stages = ctx.services.names(ctx.version)["stage"]
    tasks = [{**t, "overdue": True} for t in day["tasks_overdue"]] + [{**t, "overdue": False} for t in day["tasks_today"]]
    about = related(ctx, tasks)
    tickets_of = account_names(ctx, [t["account_id"] for t in day["tickets_waiting"]])
    person = day["user_id"]
    keep = {"user": person if person != ctx.user.id else None, "idle": idle if idle != IDLE_DEFAULT else None}
    hidden = {k: v for k, v in keep.items() if v is not None}
    done = ctx.request.query_params.get("done", "")
    data = {
        "title": ctx._("Mi día"), "person": person, "person_name": ctx.label("owner", person), "idle": idle,
        "own": person == ctx.user.id, "can_edit": forms.can_edit(ctx), "hidden": hidden, "error": error,
        "notice": ctx._(DONE[done]) if done in DONE else "",
        "people": ui.owner_choices(ctx) if ctx.user.role != "rep" else [],
        "leads": [{"id": r["id"], "name": r["name"] or "—", "company": r["company"] or "", "href": f"/leads/{r['id']}",
                   "waiting": ago(ctx, r["waiting_hours"]), "waiting_hours": r["waiting_hours"]} for r in day["leads_waiting"]],
        "tasks": [{"id": t["id"], "title": ctx.note("outcome", t["outcome"]) or "—", "due": due_day(ctx, t["due_at"]), "due_at": records.plain(t["due_at"]),
                   "overdue": t["overdue"], "about": about.get(t["id"])} for t in tasks],
        "deals": [{"id": d["id"], "title": d["title"] or "—", "href": f"/deals/{d['id']}", "stage": stages.get(d["stage_id"] or "", ""),
                   "amount": f.fmt_money(float(d["amount"]), d["currency"] or ctx.currency, ctx.lang) if d["amount"] is not None else "",
                   "idle_days": d["idle_days"],
                   "idle_text": ctx._("{n} días sin movimiento").format(n=d["idle_days"])} for d in day["idle_deals"]],
        "tickets": [{"id": t["id"], "href": f"/tickets/{t['id']}", "account": tickets_of.get(t["account_id"] or "", ""),
                     "priority": ctx.label("priority", t["priority"]) if t["priority"] else "", "channel": t["channel"] or "",
                     "waiting": ago(ctx, t["waiting_hours"]), "waiting_hours": t["waiting_hours"]} for t in day["tickets_waiting"]],
    }
    data["sections"] = [{"key": key, "title": ctx._(title), "count": len(data[key])} for key, title in SECTIONS]
    return forms.answer(ctx, render(ctx, "today", data, template="today.html"), error)


@page_route(router, "/today", "today")
def today(ctx: Ctx) -> Response:
    """The reader's day, or (managers, admins, viewers) the day of someone in their scope."""
    return _page(ctx)


def back(ctx: PageContext, user: str, idle: str, done: str) -> str:
    """/today with the person and idle days the action came from, and its confirmation."""
    params = [(k, v) for k, v in (("user", user), ("idle", idle)) if v and len(v) <= 64 and v.isprintable()]
    return "/today?" + urlencode(params + [("done", done)])


def _act(ctx: PageContext, csrf_token: str, user: str, idle: str, done: str, operation, *args: Any, **kwargs: Any) -> Response:
    ctx.require("today")
    forms.check_form(ctx, csrf_token)
    try:
        result = forms.run(ctx, operation, *args, **kwargs)
    except ws.WorkspaceError as exc:
        return _page(ctx, error=forms.refusal(ctx, exc))
    return forms.done(ctx, back(ctx, user, idle, done), {"id": result.get("id")})


Token = Annotated[str, Form()]


@router.post("/today/leads/{lead_id}/call", include_in_schema=False)
def call_lead(ctx: Ctx, lead_id: str, csrf_token: Token = "", user: Token = "", idle: Token = "") -> Response:
    """Log an outbound call on a waiting lead (its first answer)."""
    return _act(ctx, csrf_token, user, idle, "call", ws.log_activity, {"type": "call", "lead_id": lead_id})


@router.post("/today/tasks/{task_id}/done", include_in_schema=False)
def task_done(ctx: Ctx, task_id: str, csrf_token: Token = "", user: Token = "", idle: Token = "") -> Response:
    """Mark a task done."""
    return _act(ctx, csrf_token, user, idle, "task", ws.set_task_done, task_id, True)


@router.post("/today/tickets/{ticket_id}/respond", include_in_schema=False)
def ticket_responded(ctx: Ctx, ticket_id: str, csrf_token: Token = "", user: Token = "", idle: Token = "") -> Response:
    """Mark a ticket's first response as given now."""
    return _act(ctx, csrf_token, user, idle, "ticket", ws.respond, ticket_id)
