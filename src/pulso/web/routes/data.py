"""The import page (upload, preview, mapping editor with suggestions, dry run, the editor of
unknown stage and status values, error report) and the upload endpoint of the API; the
duplicates and data quality pages are in routes/review.py, mounted with this router.

Uploads are kept between the preview, the dry runs and the import in a private folder
(pulso.web.uploads). Every database call runs on the services thread.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from pulso import audit
from pulso import formatting as f
from pulso.errors import PulsoError
from pulso.i18n import N_, error_text
from pulso.ingest import (ImportFailed, ReadError, detect_mapping, import_files, list_runs, open_source, parse_mapping,
                          presets, run_errors, suggestions, write_error_report)
from pulso.ingest.bundle import expanded, is_bundle, plan_files
from pulso.ingest.checks import as_yaml, choices, corrected, suggestion
from pulso.ingest.notes import reason_text
from pulso.ingest.mapping import MAX_MAPPING_BYTES, load_preset, read_mapping
from pulso.ingest.runlog import ImportResult, UnknownRun
from pulso.store import schema
from pulso.web import uploads
from pulso.web.api_deps import ApiCaller, ApiError, require_role
from pulso.web.deps import Ctx, csrf_binding
from pulso.web.errors import NotFoundError
from pulso.web.import_notes import error_total, note_text, suggestion_title
from pulso.web.pages import cell, page_route, render, table
from pulso.web.routes.admin import actor_text
from pulso.web.uploads import (SAVED_MAPPING, UNKNOWN, UploadGone, discard_upload, display_name, save_uploads,
                               sweep_uploads, uploaded)

__all__ = ["router", "api_router", "sweep_uploads"]  # app.py sweeps old uploads at start through this module

router = APIRouter()
PREVIEW_ROWS = 20
STATUS = {"committed": N_("escrita"), "partial": N_("parcial"), "dry_run": N_("prueba"), "failed": N_("rechazada")}
IMPORTABLE = [t for t in schema.CANONICAL_TABLES if t not in ("usage_events",)]
GONE = N_("Los ficheros subidos ya no están (se guardan 24 horas) o no los subiste tú; súbelos de nuevo.")
#: The form fields that say which mapping a run used, posted again to import (or fix) the same upload.
AGAIN = ("preset", "table", "partial", "saved_mapping")


def check(ctx, page: str, csrf_token: str) -> None:
    """Refuse a form post of a page the user's role does not open, or without its CSRF token."""
    ctx.require(page)
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)


def actor(ctx) -> audit.Actor:
    """The signed-in user as the actor of an audited change."""
    return audit.Actor("user", ctx.user.id)


def _runs_section(ctx) -> dict[str, Any]:
    runs = ctx.services.run(list_runs, ctx.services.store)
    rows = [[cell(r["id"]), cell(f.fmt_time(r["started_at"], ctx.lang, ctx.timezone, zone=True), sort=str(r["started_at"])),
             cell(actor_text(ctx, r["actor_kind"], r["actor_id"])),
             cell(", ".join(x["name"] for x in r["files"])), cell(ctx._(STATUS[r["status"]])),
             cell(f.fmt_number(r["rows_read"], ctx.lang), sort=r["rows_read"]),
             cell(f.fmt_number(r["rows_written"], ctx.lang), sort=r["rows_written"]),
             cell(f.fmt_number(r["error_count"], ctx.lang), sort=r["error_count"],
                  href=f"/data/imports/{r['id']}/errors.csv" if r["error_count"] else None)] for r in runs]
    columns = [(ctx._("Importación"), False), (ctx._("Cuándo"), False), (ctx._("Quién"), False), (ctx._("Ficheros"), False),
               (ctx._("Estado"), False), (ctx._("Filas leídas"), True), (ctx._("Registros escritos"), True), (ctx._("Errores"), True)]
    return table(ctx._("Importaciones recientes"), columns, rows, empty=ctx._("Todavía no hay importaciones."))


def _import_page(ctx, **extra: Any) -> Response:
    data = {"title": ctx._("Importar datos"), "tables": IMPORTABLE, "presets": sorted(presets()),
            "sections": [_runs_section(ctx)], "preview": None, "result": None, "error": "", **extra}
    return render(ctx, "import", data, template="data_import.html")


@page_route(router, "/data/import", "import")
def import_page(ctx: Ctx) -> Response:
    """Upload a file, preview it, map its columns, try it and import it."""
    ctx.require("import")
    return _import_page(ctx)


@router.post("/data/import/preview", include_in_schema=False)
def import_preview(ctx: Ctx, files: Annotated[list[UploadFile], File()], table_name: Annotated[str, Form()] = "",
                   csrf_token: Annotated[str, Form()] = "") -> Response:
    """The first rows, the detected preset, and suggested columns for the chosen table."""
    check(ctx, "import", csrf_token)
    token = ""
    try:
        token, paths, names = save_uploads(files, ctx.user.id)
        if len(paths) > 1 or is_bundle(paths):
            return _import_page(ctx, preview=_export_preview(ctx, token, paths, names))
        src = open_source(paths[0])
        first = next(src.batches()).slice(0, PREVIEW_ROWS).to_pylist()
    except ReadError as exc:  # named as the browser sent it, not as the server stored it
        discard_upload(token)
        return _import_page(ctx, error=error_text(ReadError(names[str(paths[0])], exc.reason, exc.line), ctx.lang))
    except PulsoError as exc:
        discard_upload(token)
        return _import_page(ctx, error=error_text(exc, ctx.lang))
    shown = [names[str(p)] for p in paths]
    preset = detect_mapping(shown[0], src.columns)
    target = table_name if table_name in IMPORTABLE else (preset.sources[0].tables[0].table if preset else "deals")
    found = suggestions(src.columns, target)
    chosen = {t: h for h, (t, _) in found.items()}
    columns = [{"name": c.name, "required": not c.nullable, "source": chosen.get(c.name, "")}
               for c in schema.table(target).columns if c.name != "external_id" and not c.info.get("derived")]
    preview = {"token": token, "files": shown, "headers": src.columns, "rows": first,
               "encoding": src.encoding, "delimiter": src.delimiter, "preset": preset.name if preset else "",
               "table": target, "columns": columns}
    return _import_page(ctx, preview=preview)


def _export_preview(ctx, token: str, paths: list[Path], names: dict[str, str]) -> dict[str, Any]:
    """A zip or several files: the files that will be loaded, in order, and those skipped."""
    with expanded(paths, names) as (files, shown, notes):
        plan = plan_files(files, shown, None, None, {})
        order = [shown.get(str(p), p.name) for p in plan.files]
        notes += plan.notes
    return {"token": token, "files": [names[str(p)] for p in paths], "headers": [], "rows": [], "encoding": "",
            "delimiter": "", "preset": plan.mapping.name if plan.mapping else "", "table": "", "columns": [],
            "export": order, "skipped": [note_text(ctx, n) for n in notes]}


def _editor_mapping(table_name: str, form: dict[str, str]):
    columns = {k[5:]: v for k, v in form.items() if k.startswith("col__") and v}
    return parse_mapping({"name": "web", "table": table_name, "columns": columns}, default_name="web")


async def _mapping_of(ctx: Ctx, form, token: str) -> Any:
    """The mapping the form chose: an uploaded YAML file (kept with the upload, for an import after a
    dry run), the one kept with the upload (sent with a dry run, or corrected on the page), a
    built-in preset by name, or the editor's."""
    upload = form.get("mapping_file")
    if isinstance(upload, StarletteUpload) and upload.filename:
        data = await upload.read(MAX_MAPPING_BYTES + 1)
        mapping = read_mapping(data, display_name(upload.filename))
        uploads.keep(token, SAVED_MAPPING, data)
        return mapping
    saved = uploads.kept(token, SAVED_MAPPING) if form.get("saved_mapping") == "1" else None
    if saved is not None:
        return read_mapping(saved, SAVED_MAPPING)
    preset = str(form.get("preset") or "")
    if preset:
        if preset not in presets():
            raise PulsoError(ctx._("Correspondencia desconocida; elige una de la lista o sube un fichero YAML."))
        return load_preset(preset)
    text = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    return _editor_mapping(text.get("table", ""), text)


def _again(form) -> dict[str, str]:
    """The choices of a run, to post again with the same upload (preset, table, edited columns...)."""
    return {k: str(v) for k, v in form.items() if isinstance(v, str) and (k in AGAIN or k.startswith("col__"))}


@router.post("/data/import/run", include_in_schema=False)
async def import_run(ctx: Ctx) -> Response:
    """Run (or try) the import of an uploaded file with a preset, a mapping file or the edited mapping."""
    form = await ctx.request.form()
    check(ctx, "import", str(form.get("csrf_token", "")))
    token = str(form.get("token", ""))
    try:
        paths, names = uploaded(token, ctx.user.id)
        mapping = await _mapping_of(ctx, form, token)
    except UploadGone:
        return _import_page(ctx, error=ctx._(GONE))
    except PulsoError as exc:
        return _import_page(ctx, error=error_text(exc, ctx.lang))
    again = _again(form)
    again.pop("saved_mapping", None)
    if uploads.kept(token, SAVED_MAPPING) is not None and not again.get("preset"):
        again["saved_mapping"] = "1"
    return await _run(ctx, token, paths, names, mapping, form.get("mode") == "dry_run", again)


async def _run(ctx: Ctx, token: str, paths: list[Path], names: dict[str, str], mapping, dry_run: bool,
               again: dict[str, str]) -> Response:
    """Run (or try) an import of an upload and show its result; after a dry run, the same upload can
    be imported with the same choices (`again`), or its unknown values corrected, without sending it again."""
    partial = again.get("partial") == "1"

    def run():
        return import_files(ctx.services.store, paths, mapping=mapping, dry_run=dry_run, partial=partial,
                            actor=actor(ctx), names=names)

    try:
        result = await ctx.services.call(run)
    except ImportFailed as exc:
        result = exc.result
    except PulsoError as exc:
        return _import_page(ctx, error=error_text(exc, ctx.lang))
    if result.status in ("committed", "partial"):
        discard_upload(token)
    unknown = _unknown_rows(result) if dry_run else []
    if dry_run:
        uploads.keep(token, UNKNOWN, json.dumps(unknown).encode())
    summary = {"status": STATUS[result.status], "run": result.run_id, "read": result.rows_read, "written": result.written,
               "rejected": result.rejected, "skipped": result.skipped,
               "errors": [{"file": e.file, "line": e.line, "column": e.column, "value": e.value,
                           "reason": reason_text(e, ctx.lang, ctx._)} for e in result.errors[:50]],
               "error_count": result.error_count,
               "error_total": error_total(ctx, result), "notes": [note_text(ctx, n) for n in result.notes],
               "token": token if result.status == "dry_run" else "", "again": again,
               "suggestion": suggestion(result, mapping), "suggestion_title": suggestion_title(ctx),
               "unknown": unknown, "fix_token": token if dry_run else "",
               "corrected": dry_run and again.get("saved_mapping") == "1"}
    return _import_page(ctx, result=summary)


def _unknown_rows(result: ImportResult) -> list[dict[str, Any]]:
    """The stage and status values a dry run's maps did not know, one row per source column and
    value (its rows over every file), with the values its target column takes and the suggestion."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for n in result.notes:
        if n.kind == "unknown_value":
            found = [(n.value or "", n.count, n.suggested or n.became)]
        elif n.kind == "unknown_agreed":
            found = [(value, count, n.became) for value, count in n.counts]
        else:
            continue
        table_name, column = (n.target or ".").split(".", 1)
        for value, count, suggested in found:
            row = rows.setdefault((n.column or "", value), {
                "column": n.column or "", "value": value, "count": 0, "files": [], "target": n.target,
                "choices": choices(table_name, column), "suggested": suggested})
            row["count"] += count
            if n.file not in row["files"]:
                row["files"].append(n.file)
    return sorted(rows.values(), key=lambda r: (r["column"], -r["count"], r["value"]))


@router.post("/data/import/fix", include_in_schema=False)
async def import_fix(ctx: Ctx) -> Response:
    """The unknown values of the last dry run of an upload, each given the value chosen for it: the
    corrected mapping tried again on the same upload (kept with it, so that the import uses it
    too), or downloaded as YAML."""
    form = await ctx.request.form()
    check(ctx, "import", str(form.get("csrf_token", "")))
    token = str(form.get("token", ""))
    try:
        paths, names = uploaded(token, ctx.user.id)
        rows = uploads.kept_json(token, UNKNOWN) or []
        chosen = {}
        for i, row in enumerate(rows):
            value = str(form.get(f"fix__{i}", ""))
            if value not in row["choices"]:
                raise PulsoError(ctx._("«{value}» no es un valor de {target}; elige uno de: {choices}. No se ha "
                                       "cambiado nada.").format(value=value[:40], target=row["target"],
                                                                 choices=", ".join(row["choices"])))
            chosen[row["column"], row["value"]] = value
        if not rows:
            raise PulsoError(ctx._("La última prueba de estos ficheros no encontró valores desconocidos: no hay nada "
                                   "que corregir."))
        fixed = corrected(await _mapping_of(ctx, form, token), list(chosen), chosen)
        if fixed is None:
            raise PulsoError(ctx._("Esta correspondencia no tiene dónde añadir esos valores (ninguna columna de "
                                   "etapa o estado con «*»); corrígela en un fichero YAML."))
        text = (f"# {fixed.name}, with the stage and status values of this import's dry run added as chosen on\n"
                f"# the import page: use it with `pulso import FILES --mapping THIS.yaml`.\n" + as_yaml(fixed)).encode()
        read_mapping(text, SAVED_MAPPING)  # what is kept or downloaded is a mapping the import reads
    except UploadGone:
        return _import_page(ctx, error=ctx._(GONE))
    except PulsoError as exc:
        return _import_page(ctx, error=error_text(exc, ctx.lang))
    if form.get("action") == "download":
        return _yaml_download(text)
    uploads.keep(token, SAVED_MAPPING, text)
    again = {k: v for k, v in _again(form).items() if k == "partial"} | {"saved_mapping": "1"}
    return await _run(ctx, token, paths, names, read_mapping(text, SAVED_MAPPING), True, again)


@router.post("/data/import/mapping.yaml", include_in_schema=False)
def import_mapping_yaml(ctx: Ctx, token: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """The mapping kept with an upload (corrected on the page, or sent with a dry run), as YAML."""
    check(ctx, "import", csrf_token)
    try:
        uploaded(token, ctx.user.id)
        text = uploads.kept(token, SAVED_MAPPING)
    except UploadGone:
        text = None
    if text is None:
        return _import_page(ctx, error=ctx._(GONE))
    return _yaml_download(text)


def _yaml_download(text: bytes) -> Response:
    return Response(text, media_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="pulso-mapping.yaml"',
                             "X-Content-Type-Options": "nosniff"})


@router.get("/data/imports/{run_id}/errors.csv", include_in_schema=False)
def import_errors_csv(ctx: Ctx, run_id: str) -> Response:
    """Every error of a run as CSV (values that a spreadsheet would run are escaped); 404 for no such run."""
    ctx.require("import")
    try:
        errors = ctx.services.run(run_errors, ctx.services.store, run_id)
    except UnknownRun:
        raise NotFoundError(ctx._("No hay ninguna importación con ese identificador.")) from None
    out = io.StringIO()
    write_error_report(errors, out)
    # run_errors accepts only the ids the store makes (12 hex digits), so the name needs no quoting.
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="pulso-import-{run_id}-errors.csv"'})


from pulso.web.routes import review  # noqa: E402  (duplicates and data quality pages)

router.include_router(review.router)

from pulso.web.routes import quality as quality_routes  # noqa: E402  (data quality pages)

router.include_router(quality_routes.router)


# -- API --------------------------------------------------------------------------------------

def api_router() -> APIRouter:
    """POST /api/v1/imports: upload files and import them (JSON answer), with the caller's rights."""
    api = APIRouter()

    @api.post("/api/v1/imports", tags=["imports"])
    def create_import(request: Request, caller: ApiCaller, files: Annotated[list[UploadFile], File()],
                      table: Annotated[str | None, Form()] = None, mapping: Annotated[str | None, Form()] = None,
                      dry_run: Annotated[bool, Form()] = False, partial: Annotated[bool, Form()] = False) -> JSONResponse:
        """Import uploaded files (all or nothing unless partial); the run is recorded like any other."""
        require_role(caller, "admin")
        services = request.app.state.services
        if mapping and mapping not in presets():
            raise ApiError(422, "unknown_mapping", f"unknown mapping preset '{mapping}'; the presets are: {', '.join(sorted(presets()))}", "mapping")
        try:
            token, paths, names = save_uploads(files)
        except PulsoError as exc:
            raise ApiError(413, "too_large", str(exc)) from None
        try:
            result = services.run(lambda: import_files(services.store, paths, table=table,
                                                       mapping=load_preset(mapping) if mapping else None, dry_run=dry_run,
                                                       partial=partial, actor=caller.actor, names=names))
            status = 200
        except ImportFailed as exc:
            result, status = exc.result, 422
        finally:
            discard_upload(token)
        body = {"run_id": result.run_id, "status": result.status, "rows_read": result.rows_read,
                "written": result.written, "rejected": result.rejected, "skipped": result.skipped,
                "errors": [{"file": e.file, "line": e.line, "column": e.column, "value": e.value, "reason": e.reason}
                           for e in result.errors[:1000]],
                "error_count": result.error_count, "notes": [{**n.to_dict(), "text": str(n)} for n in result.notes],
                "suggested_mapping": suggestion(result)}
        return JSONResponse(body, status_code=status)

    return api
