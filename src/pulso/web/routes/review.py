"""Data review pages (admins): duplicates you can act on; data quality is in routes/quality.py.
Mounted with the import page's router (routes/data.py).

/data/duplicates: finding (a background job with its progress), the pending pairs grouped into
clusters (members by name, e-mail, phone, owner; the weakest pair's probability), a bulk merge of
the clusters at or above a probability with its preview, and the history of merges with names,
each undoable (a cluster's or a bulk merge's as one step). /data/duplicates/{cluster}: the members
side by side, a radio per field for the surviving value and one for the survivor record.
Admins only (nav.py): managers, reps and viewers do not open these pages nor post their forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from pulso import dedupe
from pulso import formatting as f
from pulso.dedupe.clusters import PreviewChanged
from pulso.i18n import N_, error_text, said
from pulso.web.deps import Ctx
from pulso.web.errors import NotFoundError
from pulso.web.pages import page_route, render
from pulso.web.record_forms import answer
from pulso.web.records_ui import when
from pulso.web.tables import cell, table
from pulso.web.routes.data import actor, check

router = APIRouter()
LEVELS = (0.99, 0.98, 0.95, 0.9)
PREVIEW = 10
STEPS = {"read": N_("Leyendo {table}"), "compare": N_("Comparando {table}"),
         "save": N_("Guardando los pares de {table}"), "done": N_("Terminado")}
TABLES = {"accounts": N_("cuentas"), "leads": N_("leads")}
FIELDS = {"name": N_("Nombre"), "email": N_("Correo"), "phone": N_("Teléfono"), "company": N_("Empresa"),
          "country": N_("País"), "segment": N_("Segmento"), "source": N_("Origen"), "owner": N_("Responsable"),
          "created_at": N_("Creado")}


def chance(p: float | None, lang: str) -> str:
    """A match probability in whole percent, fmt_percent's format ('98%'); '100%' only when certain,
    '> 99%' below it."""
    if p is None:
        return "—"
    if p < 1 and round(p * 100) >= 100:
        return "> " + f.fmt_percent(0.99, lang, 0)
    return f.fmt_percent(min(p, 1.0), lang, 0)


def _finding(ctx: Ctx) -> dict[str, Any] | None:
    job = dedupe.finding.latest(ctx.services.store)
    if job is None:
        return None
    s = job.state()
    table = ctx._(TABLES.get(s["table"], s["table"]))
    return {**s, "text": ctx._(STEPS[s["step"]]).format(table=table),
            "percent_text": f.fmt_percent(s["percent"] / 100, ctx.lang, 0),
            "pairs_text": ctx._("{accounts} pares en cuentas y {leads} en leads").format(
                accounts=f.fmt_number(s["pairs"].get("accounts", 0), ctx.lang), leads=f.fmt_number(s["pairs"].get("leads", 0), ctx.lang))
            if not s["running"] and not s["error"] else ""}


def _member(ctx: Ctx, m: dict[str, Any]) -> dict[str, Any]:
    return {"id": m["id"], "name": m["name"] or m["id"], "email": m.get("email") or "", "phone": m.get("phone") or "",
            "owner": m.get("owner") or ""}


def _cluster(ctx: Ctx, c: dedupe.Cluster) -> dict[str, Any]:
    names = {m["id"]: m["name"] or m["id"] for m in c.members}
    return {"id": c.id, "table": c.table, "table_text": ctx._(TABLES[c.table]), "probability": round(c.probability, 4),
            "chance": chance(c.probability, ctx.lang), "members": [_member(ctx, m) for m in c.members],
            "survivor": c.survivor, "survivor_name": names[c.survivor], "href": f"/data/duplicates/{c.id}"}


def _sections(ctx: Ctx, clusters: list[dict[str, Any]], history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clusters waiting and the merges done, as the tables of the page's JSON twin."""
    waiting = [[cell(c["table_text"]), cell(c["chance"], sort=c["probability"]),
                cell(", ".join(m["name"] for m in c["members"]), href=c["href"]), cell(c["survivor_name"])]
               for c in clusters]
    done = [[cell(h["when"]), cell(h["actor"]), cell(h["merged_name"] or h["merged_id"]),
             cell(h["survivor_name"] or h["survivor_id"]), cell(ctx._("deshecha") if h["undone"] else "")] for h in history]
    return [table(ctx._("Probables duplicados"), [(ctx._("Tabla"), False), (ctx._("Probabilidad"), True),
                                                   (ctx._("Registros"), False), (ctx._("Superviviente"), False)], waiting),
            table(ctx._("Fusiones"), [(ctx._("Cuándo"), False), (ctx._("Quién"), False), (ctx._("Fusionado"), False),
                                      (ctx._("Superviviente"), False), (ctx._("Estado"), False)], done,
                  empty=ctx._("Todavía no hay fusiones."))]


def _history(ctx: Ctx) -> list[dict[str, Any]]:
    out = []
    for h in ctx.services.run(dedupe.history, ctx.services.store, limit=50):
        out.append({**{k: h[k] for k in ("id", "table", "merged_id", "merged_name", "survivor_id", "survivor_name",
                                         "batch", "undone")},
                    "actor": h["actor"] or ctx._("Pulso (automático)"), "when": when(ctx, h["merged_at"]),
                    "merged_at": h["merged_at"], "chance": chance(h["probability"], ctx.lang) if h["probability"] else ""})
    standing: dict[str, int] = {}
    for h in out:
        if h["batch"] and not h["undone"]:
            standing[h["batch"]] = standing.get(h["batch"], 0) + 1
    for h in out:  # the whole batch offered once, on its newest standing merge, when it has several
        h["batch_offer"] = standing.pop(h["batch"], 0) if h["batch"] and not h["undone"] else 0
        h["batch_offer"] = h["batch_offer"] if h["batch_offer"] > 1 else 0
    return out


def _level(value: Any) -> float | None:
    try:
        level = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return level if 0 < level < 1 else None


@page_route(router, "/data/duplicates", "duplicates")
def duplicates_page(ctx: Ctx) -> Response:
    """Finding's progress, clusters waiting for a decision, a bulk merge's preview, and the history."""
    ctx.require("duplicates")
    return _duplicates(ctx)


def _failed(ctx: Ctx, exc: dedupe.MergeFailed, field: str) -> dict[str, Any]:
    """A cluster or bulk merge that failed part-way (nothing kept), said in the reader's language: 409."""
    return {"message": error_text(exc, ctx.lang), "field": field, "status": 409}


def _duplicates(ctx: Ctx, failed: dict[str, Any] | None = None, bulk: str | None = None) -> Response:
    store = ctx.services.store
    found = ctx.services.run(dedupe.clusters, store)
    data: dict[str, Any] = {
        "title": ctx._("Duplicados"), "finding": _finding(ctx),
        "clusters": [_cluster(ctx, c) for c in found],
        "levels": [{"value": v, "text": chance(v, ctx.lang)} for v in LEVELS], "certain": chance(1.0, ctx.lang),
        "history": _history(ctx), "preview": None,
        "records": sum(len(c.members) for c in found),
    }
    data["sections"] = _sections(ctx, data["clusters"], data["history"])  # the JSON twin's tables, as every nav page
    asked, error = bulk if bulk is not None else ctx.request.query_params.get("bulk"), failed
    if failed:
        data["error"] = failed
    level = _level(asked) if asked is not None else None
    if asked is not None and level is None:
        error = data["error"] = {"message": ctx._("Elige una probabilidad entre 0 y 1, como 0,95"), "field": "bulk",
                                 "status": 422}
    elif level is not None:
        preview = ctx.services.run(dedupe.bulk_preview, store, level)
        data["preview"] = {"at_least": level, "chance": chance(level, ctx.lang), "count": preview["count"],
                           "disappear": preview["disappear"], "fingerprint": preview["fingerprint"],
                           "first": [_cluster(ctx, c) for c in preview["clusters"][:PREVIEW]]}
    return answer(ctx, render(ctx, "duplicates", data, template="data_duplicates.html"), error)


@page_route(router, "/data/duplicates/{cluster}", "duplicate")
def duplicate_page(ctx: Ctx, cluster: str) -> Response:
    """One cluster's members side by side: a row per field, differing values marked, a radio per field."""
    ctx.require("duplicates")
    return _cluster_page(ctx, cluster)


def _cluster_page(ctx: Ctx, cluster: str, error: dict[str, Any] | None = None) -> Response:
    c = ctx.services.run(dedupe.cluster, ctx.services.store, cluster)
    if c is None:
        raise said(NotFoundError, N_("no hay ningún grupo pendiente '{cluster}'"), cluster=cluster)
    rows = []
    for name in (*dedupe.CHOOSABLE[c.table], "owner", "created_at"):
        values = [m.get(name) for m in c.members]
        shown = [when(ctx, v) if name == "created_at" else "" if v in (None, "")
                 else ctx.label(name, v) if name in ("source", "segment", "country") else str(v) for v in values]
        rows.append({"field": name, "label": ctx._(FIELDS[name]), "shown": shown,
                     "differ": len({s for s in shown}) > 1, "choosable": name in dedupe.CHOOSABLE[c.table],
                     "chosen": c.choice.get(name)})
    data = {"title": ctx._("Fusionar {n} registros").format(n=len(c.members)), "cluster": _cluster(ctx, c),
            "members": [_member(ctx, m) for m in c.members], "rows": rows, "error": error}
    return answer(ctx, render(ctx, "duplicate", data, template="data_duplicate.html"), error)


@router.post("/data/duplicates/find", include_in_schema=False)
def duplicates_find(ctx: Ctx, csrf_token: Annotated[str, Form()] = "") -> Response:
    """Find accounts and leads again, in the background (the page shows the progress)."""
    check(ctx, "duplicates", csrf_token)
    dedupe.finding.start(ctx.services.store, runner=ctx.services.run)
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/bulk", include_in_schema=False)
def duplicates_bulk(ctx: Ctx, at_least: Annotated[str, Form()] = "", fingerprint: Annotated[str, Form()] = "",
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    """Merge every cluster at or above the probability previewed, with its defaults, as one batch —
    exactly the clusters the preview showed (its fingerprint): when they changed since (pairs found,
    dismissed or merged), nothing is merged and the page answers 409 with the new preview."""
    check(ctx, "duplicates", csrf_token)
    level = _level(at_least)
    if level is None:
        return RedirectResponse("/data/duplicates?bulk=" + at_least[:20].replace("&", ""), status_code=303)
    try:
        ctx.services.run(lambda: dedupe.bulk_merge(ctx.services.store, level, actor=actor(ctx), expect=fingerprint[:100]))
    except PreviewChanged:
        changed = {"message": ctx._("Los duplicados cambiaron desde la vista previa (se encontraron, descartaron o "
                                    "fusionaron pares): no se fusionó nada. La vista previa de abajo es la de ahora: "
                                    "revísala y confirma otra vez."), "field": "at_least", "status": 409}
        return _duplicates(ctx, changed, str(level))
    except dedupe.MergeFailed as exc:
        return _duplicates(ctx, _failed(ctx, exc, "at_least"), str(level))
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/decide", include_in_schema=False)
def duplicates_decide(ctx: Ctx, candidate: Annotated[str, Form()], action: Annotated[str, Form()],
                      csrf_token: Annotated[str, Form()] = "") -> Response:
    """Dismiss a pair (later runs keep the decision); `merge` merges it (the older record survives)."""
    check(ctx, "duplicates", csrf_token)
    table_name, record_id, original_id = (candidate.split(":", 2) + ["", ""])[:3]
    if action == "merge":
        ctx.services.run(lambda: dedupe.merge(ctx.services.store, table_name, original_id, record_id, actor=actor(ctx)))
    else:
        ctx.services.run(lambda: dedupe.dismiss(ctx.services.store, candidate, actor=actor(ctx)))
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/undo", include_in_schema=False)
def duplicates_undo(ctx: Ctx, merge_id: Annotated[str, Form()] = "", batch: Annotated[str, Form()] = "",
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    """Undo one merge, or a cluster's or bulk merge's merges as one step (`batch`)."""
    check(ctx, "duplicates", csrf_token)
    try:
        if batch:
            ctx.services.run(lambda: dedupe.undo_batch(ctx.services.store, batch, actor=actor(ctx)))
        else:
            ctx.services.run(lambda: dedupe.undo(ctx.services.store, merge_id, actor=actor(ctx)))
    except dedupe.MergeError:
        raise said(NotFoundError, N_("no hay nada que deshacer ahí")) from None
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/{cluster}/merge", include_in_schema=False)
def duplicate_merge(ctx: Ctx, cluster: str, survivor: Annotated[str, Form()] = "",
                    field_name: Annotated[str, Form()] = "", field_email: Annotated[str, Form()] = "",
                    field_phone: Annotated[str, Form()] = "", field_company: Annotated[str, Form()] = "",
                    field_country: Annotated[str, Form()] = "", field_segment: Annotated[str, Form()] = "",
                    field_source: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """Merge a cluster: the survivor record and, per field, the member whose value survives."""
    check(ctx, "duplicates", csrf_token)
    c = ctx.services.run(dedupe.cluster, ctx.services.store, cluster)
    if c is None:
        raise said(NotFoundError, N_("no hay ningún grupo pendiente '{cluster}'"), cluster=cluster)
    given = {"name": field_name, "email": field_email, "phone": field_phone, "company": field_company,
             "country": field_country, "segment": field_segment, "source": field_source}
    choice = {name: given[name] for name in dedupe.CHOOSABLE[c.table]}
    try:
        ctx.services.run(lambda: dedupe.merge_cluster(ctx.services.store, c.table, survivor, c.ids, choice,
                                                      actor=actor(ctx), probability=c.probability))
    except dedupe.MergeFailed as exc:
        return _cluster_page(ctx, cluster, _failed(ctx, exc, "survivor"))
    except dedupe.MergeError:
        error = {"message": ctx._("Elige el registro que queda y, en cada campo, el valor de uno de los registros del grupo"),
                 "field": "survivor", "status": 422}
        return _cluster_page(ctx, cluster, error)
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/{cluster}/dismiss", include_in_schema=False)
def duplicate_dismiss(ctx: Ctx, cluster: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    """Not duplicates: every pending pair of the cluster is dismissed (later runs keep the decision)."""
    check(ctx, "duplicates", csrf_token)
    if not ctx.services.run(lambda: dedupe.dismiss_cluster(ctx.services.store, cluster, actor=actor(ctx))):
        raise said(NotFoundError, N_("no hay ningún grupo pendiente '{cluster}'"), cluster=cluster)
    return RedirectResponse("/data/duplicates", status_code=303)
