"""The deal board (`/deals/board`): one column per stage of a pipeline (a picker when there are
several), cards with title, account, amount, age and next task; column totals of amount and
weighted amount (the stage's probability) per currency (never a mixed sum); filters by owner, team
and campaign (the deal's source). A deal moves by drag and drop (static/board.js) or, without a
script, with its card's stage select and "Mover" (a plain form POST with CSRF); each move is
ws.move_deal (one deal_stage_changes row). Won and lost first ask for the reason and the close
date (today by default). Open stages hold the open deals; won and lost those closed in the last
CLOSED_DAYS days. Reads: pulso.workspace.board (per column its first cards, count and totals;
the shown cards' next tasks and account names), nothing of its own."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

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
from pulso.web.routes.deals import members, move, stages

router = APIRouter()

CLOSED_DAYS = 30  # won and lost columns: deals closed in these last days
PER_COLUMN = 50  # cards a column shows; "Ver N más" (?column=) shows that column's first COLUMN_LIMIT
COLUMN_LIMIT = 2000  # cards of the one column shown whole (the large case: 2,000 open deals)
FILTERS = ("pipeline", "owner", "team", "source")


def _choice(ctx: PageContext, name: str, allowed: list[str]) -> str:
    value = ctx.request.query_params.get(name, "")
    if value and value not in allowed:
        raise QueryError(N_("'{value}' no es un valor de este filtro; usa uno de: {choices}"), name,
                         value=value[:40], choices=", ".join(allowed[:20]))
    return value


def _query(ctx: PageContext, pipelines: list[str]) -> dict[str, str]:
    """The board's filters from the URL (QueryError, 400, on an unknown value)."""
    names = ctx.services.names(ctx.version)
    chosen = {"pipeline": _choice(ctx, "pipeline", pipelines) or (pipelines[0] if pipelines else ""),
              "owner": _choice(ctx, "owner", [o["id"] for o in ui.owner_choices(ctx)]),
              "team": _choice(ctx, "team", sorted(names["team"])) if ctx.scope.kind == "company" else "",
              "source": _choice(ctx, "source", sorted(names["campaign"]))}
    return chosen


def _filters(ctx: PageContext, chosen: dict[str, str]) -> dict[str, Any]:
    """ws.board's filters (owners, campaign, closed since) from owner, team and source."""
    owners = None
    if chosen["team"]:
        owners = [u for u in members(ctx, chosen["team"]) if not chosen["owner"] or u == chosen["owner"]]
    elif chosen["owner"]:
        owners = [chosen["owner"]]
    return {"owners": owners, "campaign": chosen["source"] or None,
            "closed_since": (ctx.today - dt.timedelta(days=CLOSED_DAYS)).isoformat()}


def _read(ctx: PageContext, column_ids: list[str], filters: dict[str, Any], whole: str) -> dict[str, Any]:
    """ws.board's data: PER_COLUMN cards a column, COLUMN_LIMIT of the one shown whole."""
    read = forms.run(ctx, ws.board, column_ids, limit=PER_COLUMN, **filters)
    if whole:
        wide = forms.run(ctx, ws.board, [whole], limit=COLUMN_LIMIT, **filters)
        read["columns"][whole] = wide["columns"][whole]
        read["next_task"].update(wide["next_task"])
        read["accounts"].update(wide["accounts"])
    return read


def _age(ctx: PageContext, created: dt.datetime) -> int:
    return max(0, (ctx.today - created.date()).days)


def _totals(ctx: PageContext, totals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A column's amount and weighted amount per currency (no currency: the workspace's); deals in
    several currencies are never summed together."""
    sums: dict[str, list[float]] = {}
    for t in totals:
        both = sums.setdefault(t["currency"] or ctx.currency, [0.0, 0.0])
        both[0] += t["amount"]
        both[1] += t["weighted"]
    return [{"currency": cur, "amount": f.fmt_money(total, cur, ctx.lang), "amount_value": round(total, 2),
             "weighted": f.fmt_money(weighted, cur, ctx.lang), "weighted_value": round(weighted, 2)}
            for cur, (total, weighted) in sorted(sums.items())]


def _card(ctx: PageContext, d: dict[str, Any], task: dict[str, Any] | None, account: str) -> dict[str, Any]:
    amount = float(d["amount"]) if d["amount"] is not None else None
    return {"id": d["id"], "title": d["title"] or "—", "href": f"/deals/{d['id']}", "stage_id": d["stage_id"],
            "account": account, "amount": amount, "currency": d["currency"] or ctx.currency,
            "amount_text": ui_money(ctx, amount, d["currency"]), "age": _age(ctx, d["created_at"]),
            "owner": ui.owner_name(ctx, d["owner_id"]), "expected_close": ui.when(ctx, d["expected_close_at"]),
            "next_task": {"note": ctx.note("outcome", task["outcome"]) or ctx._("Tarea"), "due": ui.when(ctx, task["due_at"]),
                          "overdue": task["due_at"] is not None and task["due_at"].date() < ctx.today} if task else None}


def _board(ctx: PageContext, error: dict[str, Any] | None = None, failed: str = "") -> Response:
    ctx.require("deals")
    every = stages(ctx)
    pipelines = sorted({s["pipeline"] for s in every})
    chosen = _query(ctx, pipelines)
    columns = [s for s in every if s["pipeline"] == chosen["pipeline"]]
    whole = _choice(ctx, "column", [s["id"] for s in columns])  # one column shown whole ("Ver N más")
    read = _read(ctx, [s["id"] for s in columns], _filters(ctx, chosen), whole) if columns else {
        "columns": {}, "next_task": {}, "accounts": {}}
    back = {k: v for k, v in chosen.items() if v}
    out, truncated = [], False
    for s in columns:
        column = read["columns"][s["id"]]
        cards = [_card(ctx, d, read["next_task"].get(d["id"]), read["accounts"].get(d["account_id"], ""))
                 for d in column["deals"]]
        more = column["count"] - len(cards) if s["id"] != whole else 0
        truncated = truncated or (s["id"] == whole and column["count"] > len(cards))
        out.append({"id": s["id"], "name": s["name"], "kind": s["kind"], "probability": s["probability"],
                    "count": column["count"], "cards": cards, "more": more,
                    "more_href": "/deals/board?" + urlencode(back | {"column": s["id"]}) + f"#column-{s['id']}" if more else "",
                    "totals": _totals(ctx, column["totals"])})
    names = ctx.services.names(ctx.version)
    filters = [{"name": "owner", "label": ctx._("Comercial"),
                "options": [{"value": o["id"], "label": o["name"]} for o in ui.owner_choices(ctx)]}]
    if ctx.scope.kind == "company":
        filters.append({"name": "team", "label": ctx._("Equipo"),
                        "options": sorted(({"value": k, "label": v} for k, v in names["team"].items()), key=lambda o: o["label"].casefold())})
    filters.append({"name": "source", "label": ctx._("Campaña"),
                    "options": sorted(({"value": k, "label": v} for k, v in names["campaign"].items()), key=lambda o: o["label"].casefold())})
    data = {"title": ctx._("Tablero de oportunidades"), "chosen": chosen, "pipelines": pipelines, "columns": out,
            "filters": filters, "error": error, "failed": failed, "can_edit": forms.can_edit(ctx), "column": whole,
            "back": "/deals/board?" + urlencode(back | ({"column": whole} if whole else {})), "today": ctx.today.isoformat(),
            "closed_days": CLOSED_DAYS, "per_column": PER_COLUMN, "truncated": truncated}
    return forms.answer(ctx, render(ctx, "deals_board", data, template="board.html"), error)


@lru_cache(maxsize=20_000)
def _money(amount: float, currency: str, lang: str) -> str:
    return f.fmt_money(amount, currency, lang)  # Babel's formatting is most of a large board's time


def ui_money(ctx: PageContext, amount: float | None, currency: str | None) -> str:
    return "—" if amount is None else _money(amount, currency or ctx.currency, ctx.lang)


@page_route(router, "/deals/board", "deals_board")
def board(ctx: Ctx) -> Response:
    """The deal board of a pipeline."""
    return _board(ctx)


@router.post("/deals/board/move", include_in_schema=False)
def board_move(ctx: Ctx, deal_id: Annotated[str, Form()] = "", stage_id: Annotated[str, Form()] = "",
               reason: Annotated[str, Form()] = "", closed_at: Annotated[str, Form()] = "",
               confirm: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "",
               csrf_token: Annotated[str, Form()] = "") -> Response:
    """Move a deal from the board; into won or lost, first the reason and close date (a small form)."""
    ctx.require("deals")
    forms.check_form(ctx, csrf_token)
    back = back if back.startswith("/deals/board") and "//" not in back and "\\" not in back else "/deals/board"
    target = next((s for s in stages(ctx) if s["id"] == stage_id), None)
    if target is not None and target["kind"] != "open" and confirm != "1" and not ctx.wants_json:
        deal = ctx.services.run(records.get, ctx.services.store, ctx.scope, "deals", deal_id)
        return _confirm(ctx, deal, target, back)
    try:
        result = move(ctx, deal_id, stage_id, reason, closed_at)
    except ws.WorkspaceError as exc:
        return _board(ctx, forms.refusal(ctx, exc), failed=deal_id)
    return forms.done(ctx, back, {"deal": forms.plain(result)})


def _confirm(ctx: PageContext, deal: dict[str, Any], stage: dict[str, Any], back: str,
             error: dict[str, Any] | None = None) -> Response:
    """Won or lost: the reason (required when lost) and the close date, before the move."""
    data = {"title": ctx._("Cerrar oportunidad"), "deal": {"id": deal["id"], "title": deal["title"] or "—"},
            "stage": {"id": stage["id"], "name": stage["name"], "kind": stage["kind"]}, "back": back,
            "today": ctx.today.isoformat(), "error": error}
    return render(ctx, "deals_board", data, template="deals_close.html")
