"""Tasks (`/tasks`): the reader's open tasks (overdue first, then by due date), the done ones
folded away, a form to add one (what, due date, optionally the lead, account or deal it is about)
and a button to mark each done or not done again. A manager reads a team member's tasks
(`?user=`, a picker of the team by name, as "Mi día"), an admin anyone's. Writes are pulso.workspace operations
(add_task, set_task_done) through pulso.web.records_ui; JSON twin at /tasks.json."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form
from fastapi.responses import Response

from pulso import workspace as ws
from pulso.i18n import N_
from pulso.store import records
from pulso.web import record_forms as forms
from pulso.web import records_ui as ui
from pulso.web.deps import Ctx, PageContext
from pulso.web.pages import page_route, render
from pulso.web.routes.today import due_day, related

router = APIRouter()

#: What a new task may be about (the link column, its table, the column naming it, the group label).
ABOUT = (("lead_id", "leads", "name", N_("Leads")), ("account_id", "accounts", "name", N_("Cuentas")),
         ("deal_id", "deals", "title", N_("Oportunidades")))
CHOICES_PER_KIND = 30  # the newest records of each kind offered in the "about" select
DONE_SHOWN = 50
DONE = {"added": N_("Tarea añadida"), "done": N_("Tarea hecha"), "undone": N_("Tarea pendiente otra vez")}


def _about_choices(ctx: PageContext) -> list[dict[str, Any]]:
    """The records a new task may be about, newest first, grouped by kind, by name."""
    groups = []
    for link, table, name, label in ABOUT:
        page = ctx.services.run(lambda t=table: records.listing(ctx.services.store, ctx.scope, t, limit=CHOICES_PER_KIND,
                                                                 order="created_at", descending=True))
        groups.append({"label": ctx._(label), "options": [{"value": f"{link}:{r['id']}", "label": r[name] or "—"}
                                                          for r in page.records]})
    return groups


def _row(ctx: PageContext, task: dict[str, Any], about: dict[str, dict[str, Any]], today: dt.date) -> dict[str, Any]:
    due = task["due_at"]
    return {"id": task["id"], "title": ctx.note("outcome", task["outcome"]) or "—", "due": due_day(ctx, due), "due_at": records.plain(due),
            "overdue": due is not None and task["done_at"] is None and _local(ctx, due).date() < today,
            "done": task["done_at"] is not None, "done_at": records.plain(task["done_at"]), "about": about.get(task["id"])}


def _local(ctx: PageContext, value: dt.datetime) -> dt.datetime:
    """A stored instant in the workspace's time zone."""
    return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(ZoneInfo(ctx.timezone))


def _person(ctx: PageContext) -> str:
    """Whose tasks (`?user=`): the reader's, or a person of their scope (a manager's team, anyone
    for an admin); someone else is 404, worded as a missing person."""
    who = ctx.request.query_params.get("user", "").strip()[:64] or ctx.user.id
    if who != ctx.user.id and who not in {o["id"] for o in ui.owner_choices(ctx)}:
        raise ws.NotFoundError(N_("No existe la persona '{id}'"), "user_id", id=who)
    return who


def _page(ctx: PageContext, error: dict[str, Any] | None = None, values: dict[str, str] | None = None) -> Response:
    ctx.require("tasks")
    person = _person(ctx)
    own = person == ctx.user.id
    found = forms.run(ctx, ws.tasks, person, include_done=True, limit=1000)
    about = related(ctx, found)
    today = dt.datetime.now(ZoneInfo(ctx.timezone)).date()  # as the workspace's writes and "Mi día": the real today
    rows = [_row(ctx, t, about, today) for t in found]
    open_rows = sorted((r for r in rows if not r["done"]), key=lambda r: (not r["overdue"], r["due_at"] is None, r["due_at"] or ""))
    done_rows = sorted((r for r in rows if r["done"]), key=lambda r: r["done_at"] or "", reverse=True)[:DONE_SHOWN]
    done = ctx.request.query_params.get("done", "")
    can_edit = forms.can_edit(ctx) and own  # another person's tasks are read here, done on their page
    data = {"title": ctx._("Tareas"), "open": open_rows, "done": done_rows, "error": error, "values": values or {},
            "can_edit": can_edit, "notice": ctx._(DONE[done]) if done in DONE else "",
            "person": person, "person_name": ctx.label("owner", person), "own": own,
            "people": ui.owner_choices(ctx) if ctx.user.role in ("admin", "manager") else [],
            "about_choices": _about_choices(ctx) if can_edit else [], "today": today.isoformat()}
    data["sections"] = [{"key": "open", "title": ctx._("Pendientes"), "count": len(open_rows)},
                        {"key": "done", "title": ctx._("Hechas"), "count": len(done_rows)}]
    return forms.answer(ctx, render(ctx, "tasks", data, template="tasks.html"), error)


@page_route(router, "/tasks", "tasks")
def tasks_page(ctx: Ctx) -> Response:
    """The reader's tasks: open ones (overdue first), done ones folded away, the form to add one."""
    return _page(ctx)


Field = Annotated[str, Form()]


@router.post("/tasks/new", include_in_schema=False)
def task_add(ctx: Ctx, title: Field = "", due: Field = "", about: Field = "", csrf_token: Field = "") -> Response:
    """Add a task: what to do, its due date, optionally the record it is about (`lead_id:…`)."""
    ctx.require("tasks")
    forms.check_form(ctx, csrf_token)
    values: dict[str, Any] = {"outcome": title or None, "due_at": due or None}
    link, _, record_id = about.partition(":")
    if about:
        if link not in {a[0] for a in ABOUT} or not record_id:
            return _page(ctx, {"field": "about", "message": ctx._("Elige un registro de la lista"), "status": 422},
                         {"title": title, "due": due})
        values[link] = record_id
    try:
        forms.run(ctx, ws.add_task, values)
    except ws.WorkspaceError as exc:
        error = forms.refusal(ctx, exc)
        error["field"] = {"outcome": "title", "due_at": "due"}.get(error["field"], "about" if error["field"] in
                                                                    {a[0] for a in ABOUT} else error["field"])
        return _page(ctx, error, {"title": title, "due": due})
    return forms.done(ctx, "/tasks?done=added")


def _set(ctx: PageContext, task_id: str, csrf_token: str, is_done: bool) -> Response:
    ctx.require("tasks")
    forms.check_form(ctx, csrf_token)
    try:
        forms.set_task_done(ctx, task_id, is_done)
    except ws.WorkspaceError as exc:
        return _page(ctx, forms.refusal(ctx, exc))
    return forms.done(ctx, "/tasks?done=" + ("done" if is_done else "undone"))


@router.post("/tasks/{task_id}/done", include_in_schema=False)
def task_done(ctx: Ctx, task_id: str, csrf_token: Field = "") -> Response:
    """Mark a task done."""
    return _set(ctx, task_id, csrf_token, True)


@router.post("/tasks/{task_id}/undone", include_in_schema=False)
def task_undone(ctx: Ctx, task_id: str, csrf_token: Field = "") -> Response:
    """Mark a done task not done again."""
    return _set(ctx, task_id, csrf_token, False)
