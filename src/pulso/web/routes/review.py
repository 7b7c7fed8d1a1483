"""Data review pages (admins): duplicates (review, merge, dismiss, undo); data quality is in routes/quality.py.
Mounted with the import page's router (routes/data.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from pulso import dedupe
from pulso import formatting as f
from pulso.web.deps import Ctx
from pulso.web.pages import cell, page_route, render, table
from pulso.web.records_ui import when
from pulso.web.routes.data import actor, check

router = APIRouter()


# -- duplicates -------------------------------------------------------------------------------

def _show(record: dict | None) -> str:
    if not record:
        return "?"
    return " · ".join(str(v) for v in (record["name"], record["email"], record["phone"], record["company"]) if v)


@page_route(router, "/data/duplicates", "duplicates")
def duplicates_page(ctx: Ctx) -> Response:
    """Probable duplicates waiting for a decision, and recent merges (undoable)."""
    ctx.require("duplicates")
    store = ctx.services.store
    pending = ctx.services.run(dedupe.pending, store, None, limit=200)
    done = ctx.services.run(dedupe.merges, store, limit=50)
    candidates = [{"id": c["id"], "table": c["table_name"], "probability": round(c["probability"], 4),
                   "record_id": c["record_id"], "original_id": c["duplicate_of"],
                   "record": _show(c["record"]), "original": _show(c["original"])} for c in pending]
    rows = [[cell(c["table"]), cell(f.fmt_percent(c["probability"], ctx.lang), sort=c["probability"]),
             cell(c["record"]), cell(c["original"])] for c in candidates]
    merged = [[cell(m["id"]), cell(when(ctx, m["merged_at"])), cell(m["table_name"]),
               cell(m["merged_id"]), cell(m["survivor_id"]), cell(ctx._("deshecha") if m["undone_at"] else "")] for m in done]
    data = {
        "title": ctx._("Duplicados"), "candidates": candidates,
        "merges": [{"id": m["id"], "undone": m["undone_at"] is not None} for m in done],
        "sections": [
            table(ctx._("Probables duplicados"), [(ctx._("Tabla"), False), (ctx._("Probabilidad"), True),
                                                   (ctx._("Registro"), False), (ctx._("Duplicado de"), False)], rows,
                  empty=ctx._("No hay duplicados pendientes. Búscalos con el botón o con `pulso dedupe find`.")),
            table(ctx._("Fusiones"), [(ctx._("Fusión"), False), (ctx._("Cuándo"), False), (ctx._("Tabla"), False),
                                      (ctx._("Fusionado"), False), (ctx._("Superviviente"), False), (ctx._("Estado"), False)],
                  merged, empty=ctx._("Todavía no hay fusiones.")),
        ],
    }
    return render(ctx, "duplicates", data, template="data_duplicates.html")


@router.post("/data/duplicates/find", include_in_schema=False)
def duplicates_find(ctx: Ctx, csrf_token: Annotated[str, Form()] = "") -> Response:
    """Score accounts and leads again."""
    check(ctx, "duplicates", csrf_token)
    for name in ("accounts", "leads"):
        ctx.services.run(dedupe.find, ctx.services.store, name)
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/decide", include_in_schema=False)
def duplicates_decide(ctx: Ctx, candidate: Annotated[str, Form()], action: Annotated[str, Form()],
                      csrf_token: Annotated[str, Form()] = "") -> Response:
    """Merge a pair (the older record survives) or dismiss it."""
    check(ctx, "duplicates", csrf_token)
    table_name, record_id, original_id = (candidate.split(":", 2) + ["", ""])[:3]
    if action == "merge":
        ctx.services.run(lambda: dedupe.merge(ctx.services.store, table_name, original_id, record_id, actor=actor(ctx)))
    else:
        ctx.services.run(lambda: dedupe.dismiss(ctx.services.store, candidate, actor=actor(ctx)))
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/undo", include_in_schema=False)
def duplicates_undo(ctx: Ctx, merge_id: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "") -> Response:
    """Undo a merge."""
    check(ctx, "duplicates", csrf_token)
    ctx.services.run(lambda: dedupe.undo(ctx.services.store, merge_id, actor=actor(ctx)))
    return RedirectResponse("/data/duplicates", status_code=303)
