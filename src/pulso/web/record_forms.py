"""The record pages' form plumbing: who acts (the workspace Caller of a request), the checks
before a form is read (CSRF, a viewer reads only), running a workspace operation as the reader,
a refusal shown inline with its status, the answer after a change (303 or JSON), one change on a
record (`act`), bulk "assign owner", "log activity" and ticking a task. Re-exported by
pulso.web.records_ui, which the pages import.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pulso import workspace as ws
from pulso.errors import RecordNotFoundError
from pulso.store import records, searchable
from pulso.web.auth import ForbiddenError
from pulso.web.deps import PageContext, csrf_binding
from pulso.web.errors import classify


def caller(ctx: PageContext) -> ws.Caller:
    """The workspace's Caller of this request (the reader's role and scope)."""
    return ws.Caller(ctx.user.id, ctx.user.role, ctx.scope)


def can_edit(ctx: PageContext) -> bool:
    """Whether the reader writes records (a viewer reads only: no form is shown)."""
    return ctx.user.role != "viewer"


def check_form(ctx: PageContext, csrf_token: str) -> None:
    """Refuse a form post of a viewer (403) or with a stale CSRF token (403) before anything is read."""
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)
    if not can_edit(ctx):
        raise ForbiddenError("a viewer reads only")


def run(ctx: PageContext, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A workspace operation as the reader, on the database thread."""
    return ctx.services.run(lambda: operation(ctx.services.store, caller(ctx), *args, **kwargs))


def refusal(ctx: PageContext, exc: ws.WorkspaceError) -> dict[str, str]:
    """A refusal as {field, message, status} for the form that sent it (message in the reader's language)."""
    return {"field": exc.field or "", "message": exc.message(ctx._), "status": classify(exc)[0]}


def done(ctx: PageContext, location: str, payload: dict[str, Any] | None = None) -> Response:
    """After a successful form: the record's page (303), or for JSON its result."""
    if ctx.wants_json:
        return JSONResponse(jsonable_encoder({"ok": True, "location": location, **(payload or {})}))
    return RedirectResponse(location, status_code=303)


def answer(ctx: PageContext, response: Response, error: dict[str, Any] | None) -> Response:
    """A page that carries a form's refusal answers with the refusal's status."""
    if error:
        if ctx.wants_json:
            return JSONResponse({"error": error["message"], "field": error["field"], "status": error["status"]},
                                status_code=error["status"])
        response.status_code = error["status"]
    return response


def plain(value: Any) -> Any:
    """An operation's result for JSON (dates as ISO text, nested dicts too), without the store's own
    search columns (pulso.store.searchable.COLUMNS)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in searchable.COLUMNS}
    return records.plain(value)


def act(ctx: PageContext, area: str, record_id: str, csrf_token: str, work: Callable[[], Any],
        page: Callable[[PageContext, str, dict[str, str]], Response]) -> Response:
    """Run one change (`work`) on a record of `area` (/leads, /accounts, /deals, /tickets): its page
    again (303, or the result as JSON) or, refused, `page(ctx, record_id, refusal)` with the message
    inline; an unknown record stays a 404."""
    ctx.require(area)
    check_form(ctx, csrf_token)
    try:
        result = work()
    except ws.NotFoundError:
        raise
    except ws.WorkspaceError as exc:
        return page(ctx, record_id, refusal(ctx, exc))
    return done(ctx, f"/{area}/{record_id}", {"result": plain(result)})


def account_name(ctx: PageContext, account_id: str) -> str:
    """The name of the account a new deal or ticket starts on, only when the reader sees it ('' otherwise)."""
    try:
        return ctx.services.run(records.get, ctx.services.store, ctx.scope, "accounts", account_id)["name"] if account_id else ""
    except RecordNotFoundError:
        return ""


def bulk_assign(ctx: PageContext, table: str, ids: list[str], owner_id: str) -> int:
    """Give the checked records to an owner (pulso.workspace.reassign: managers in their team, admins
    anyone, all or nothing); WorkspaceError on refusal."""
    return run(ctx, ws.reassign, table, list(ids), owner_id)


def assign_checked(ctx: PageContext, area: str, csrf_token: str, ids: list[str], owner_id: str,
                   listing: Callable[..., Response], keep_query: bool = True) -> Response:
    """The list's "assign owner" form: the checked records of `area` to an owner (bulk_assign), then the
    list again (with its query when `keep_query`), or refused, `listing(ctx, error=...)` with the message."""
    ctx.require(area)
    check_form(ctx, csrf_token)
    try:
        count = bulk_assign(ctx, area, ids, owner_id)
    except ws.WorkspaceError as exc:
        return listing(ctx, error=refusal(ctx, exc))
    query = ctx.request.url.query if keep_query else ""
    return done(ctx, f"/{area}?{query}" if query else f"/{area}", {"assigned": count})


def log_activity(ctx: PageContext, link: str, record_id: str, kind: str, note: str, due: str) -> dict[str, Any]:
    """The "log activity" form: a call, e-mail, meeting or note (ws.log_activity), or a task with its
    due date (ws.add_task), on the record (`link`: lead_id, account_id, deal_id, ticket_id)."""
    if kind == "task":
        return run(ctx, ws.add_task, {"outcome": note or None, "due_at": due or None, link: record_id})
    return run(ctx, ws.log_activity, {"type": kind, "outcome": note or None, link: record_id})


def set_task_done(ctx: PageContext, task_id: str, is_done: bool) -> dict[str, Any]:
    """Tick (or untick) a task of the timeline."""
    return run(ctx, ws.set_task_done, task_id, is_done)
