"""Data pages: import (upload, preview, mapping editor with suggestions, dry run, error report),
duplicates (review, merge, dismiss, undo) and data quality; and the upload endpoint of the API.

Uploads are written to a private folder (0700, files 0600) under a random token and names the
server chooses, so that the preview and the import that follows read the same bytes; the name the
browser sent is kept only as text to show (and to recognise a preset's files). A folder goes away
once its import is written, or after UPLOAD_HOURS. Every database call runs on the services thread.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from pulso import audit, dedupe, quality
from pulso.errors import PulsoError
from pulso.i18n import N_
from pulso.ingest import (ImportFailed, ReadError, detect_mapping, import_files, list_runs, open_source, parse_mapping,
                          presets, run_errors, suggestions, write_error_report)
from pulso.ingest.bundle import expanded, is_bundle, plan_files
from pulso.ingest.mapping import MAX_MAPPING_BYTES, load_preset, read_mapping
from pulso.ingest.runlog import UnknownRun
from pulso.store import schema
from pulso.web.api_deps import ApiCaller, ApiError, require_role
from pulso.web.deps import Ctx, csrf_binding
from pulso.web.errors import NotFoundError
from pulso.ingest.checks import suggestion
from pulso.web.import_notes import error_total, note_text, suggestion_title
from pulso.web.pages import cell, page_route, render, table

router = APIRouter()
UPLOADS = Path(tempfile.gettempdir()) / f"pulso-uploads-{os.getuid()}"
UPLOAD_HOURS = 24
MAX_UPLOAD = 512 << 20
MAX_NAME = 120
NAMES = "names.json"
SAVED_MAPPING = "mapping.yaml"  # a mapping file sent with a dry run, kept to import the same upload after it
PREVIEW_ROWS = 20
STATUS = {"committed": N_("escrita"), "partial": N_("parcial"), "dry_run": N_("prueba"), "failed": N_("rechazada")}
IMPORTABLE = [t for t in schema.CANONICAL_TABLES if t not in ("usage_events",)]


def _check(ctx, page: str, csrf_token: str) -> None:
    ctx.require(page)
    ctx.request.app.state.sessions.check_csrf(csrf_binding(ctx.request, ctx.user), csrf_token)


def _actor(ctx) -> audit.Actor:
    return audit.Actor("user", ctx.user.id)


def display_name(sent: str | None) -> str:
    """The browser's file name as text to show: last path part, printable, at most MAX_NAME characters."""
    name = re.split(r"[\\/]", unicodedata.normalize("NFC", sent or ""))[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if name.strip(".") == "":
        return "upload"
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) <= 10:
        return stem[: MAX_NAME - len(ext) - 1] + "." + ext
    return name[:MAX_NAME]


def _upload_root() -> Path:
    """The uploads folder: created private, and refused when someone else made it or it is a link."""
    UPLOADS.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(UPLOADS)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PulsoError(f"{UPLOADS} is not a folder of this server's user; remove it and try again")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(UPLOADS, 0o700)
    return UPLOADS


def sweep_uploads(now: float | None = None) -> None:
    """Remove upload folders older than UPLOAD_HOURS (a preview never imported, a refused run)."""
    if not UPLOADS.is_dir():
        return
    cutoff = (time.time() if now is None else now) - UPLOAD_HOURS * 3600
    for folder in UPLOADS.iterdir():
        try:
            if folder.lstat().st_mtime < cutoff:
                shutil.rmtree(folder) if folder.is_dir() and not folder.is_symlink() else folder.unlink()
        except OSError:
            continue  # another request removed it first


class UploadGone(PulsoError):
    """An upload id that is unknown, expired or another person's."""


def save_uploads(files: list[UploadFile], owner: str = "") -> tuple[str, list[Path], dict[str, str]]:
    """Write uploaded files (0600) under a new random token, with who sent them; refuses files over MAX_UPLOAD.

    Returns the token, the paths (named by the server) and the name to show for each path."""
    sweep_uploads()
    token = secrets.token_hex(16)
    folder = _upload_root() / token
    folder.mkdir(mode=0o700)
    paths, names = [], {}
    try:
        for number, upload in enumerate(files, start=1):
            shown = display_name(upload.filename)
            ext = Path(shown).suffix.lower()  # the reader picks the format by extension
            path = folder / (str(number) + (ext if re.fullmatch(r"\.[a-z0-9]{1,10}", ext) else ""))
            written = 0
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb") as out:
                while chunk := upload.file.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_UPLOAD:
                        raise PulsoError(f"{shown} is larger than {MAX_UPLOAD >> 20} MB; import it with `pulso import`")
                    out.write(chunk)
            paths.append(path)
            names[str(path)] = shown
        # who uploaded (only they can import the upload later) and the name to show of each stored file
        _private_write(folder / NAMES, json.dumps({"owner": owner, "files": [[p.name, names[str(p)]] for p in paths]}).encode())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return token, paths, names


def _private_write(path: Path, data: bytes) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb") as out:
        out.write(data)


def uploaded(token: str, owner: str | None = None) -> tuple[list[Path], dict[str, str]]:
    """The files of an earlier upload and their names to show; UploadGone when the id is unknown or
    expired, or (with `owner`) when someone else uploaded them (told apart from nothing: an id
    another admin sees in a page proves nothing)."""
    folder = UPLOADS / token if re.fullmatch(r"[0-9a-f]{32}", token or "") else None
    if folder is None or not (folder / NAMES).is_file():
        raise UploadGone("the uploaded files are gone (uploads are kept 24 hours); upload them again")
    kept = json.loads((folder / NAMES).read_text(encoding="utf-8"))
    if owner is not None and kept["owner"] != owner:
        raise UploadGone("the uploaded files are gone (uploads are kept 24 hours); upload them again")
    listed = kept["files"]
    paths = [folder / stored for stored, _ in listed]
    return paths, {str(folder / stored): shown for stored, shown in listed}


def discard_upload(token: str) -> None:
    """Remove an upload's folder (after its import, or when its preview failed)."""
    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        shutil.rmtree(UPLOADS / token, ignore_errors=True)


def _runs_section(ctx) -> dict[str, Any]:
    runs = ctx.services.run(list_runs, ctx.services.store)
    rows = [[cell(r["id"]), cell(f"{r['started_at']:%Y-%m-%d %H:%M}"), cell(f"{r['actor_kind']} {r['actor_id'] or ''}".strip()),
             cell(", ".join(f["name"] for f in r["files"])), cell(ctx._(STATUS[r["status"]])),
             cell(f"{r['rows_read']:,}", sort=r["rows_read"]), cell(f"{r['rows_written']:,}", sort=r["rows_written"]),
             cell(f"{r['error_count']:,}", sort=r["error_count"],
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
    _check(ctx, "import", csrf_token)
    token = ""
    try:
        token, paths, names = save_uploads(files, ctx.user.id)
        if len(paths) > 1 or is_bundle(paths):
            return _import_page(ctx, preview=_export_preview(ctx, token, paths, names))
        src = open_source(paths[0])
        first = next(src.batches()).slice(0, PREVIEW_ROWS).to_pylist()
    except ReadError as exc:  # named as the browser sent it, not as the server stored it
        discard_upload(token)
        return _import_page(ctx, error=str(ReadError(names[str(paths[0])], exc.reason, exc.line)))
    except PulsoError as exc:
        discard_upload(token)
        return _import_page(ctx, error=str(exc))
    shown = [names[str(p)] for p in paths]
    preset = detect_mapping(shown[0], src.columns)
    target = table_name if table_name in IMPORTABLE else (preset.sources[0].tables[0].table if preset else "deals")
    found = suggestions(src.columns, target)
    chosen = {t: h for h, (t, _) in found.items()}
    columns = [{"name": c.name, "required": not c.nullable, "source": chosen.get(c.name, "")}
               for c in schema.table(target).columns if c.name != "external_id"]
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
    dry run), a built-in preset by name, or the editor's."""
    upload = form.get("mapping_file")
    if isinstance(upload, StarletteUpload) and upload.filename:
        data = await upload.read(MAX_MAPPING_BYTES + 1)
        mapping = read_mapping(data, display_name(upload.filename))
        saved = UPLOADS / token / SAVED_MAPPING
        saved.unlink(missing_ok=True)
        _private_write(saved, data)
        return mapping
    if form.get("saved_mapping") == "1" and (UPLOADS / token / SAVED_MAPPING).is_file():
        return read_mapping((UPLOADS / token / SAVED_MAPPING).read_bytes(), SAVED_MAPPING)
    preset = str(form.get("preset") or "")
    if preset:
        if preset not in presets():
            raise PulsoError(ctx._("Correspondencia desconocida; elige una de la lista o sube un fichero YAML."))
        return load_preset(preset)
    text = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    return _editor_mapping(text.get("table", ""), text)


@router.post("/data/import/run", include_in_schema=False)
async def import_run(ctx: Ctx) -> Response:
    """Run (or try) the import of an uploaded file with a preset, a mapping file or the edited mapping."""
    form = await ctx.request.form()
    _check(ctx, "import", str(form.get("csrf_token", "")))
    token = str(form.get("token", ""))
    dry_run, partial = form.get("mode") == "dry_run", form.get("partial") == "1"
    try:
        paths, names = uploaded(token, ctx.user.id)
        mapping = await _mapping_of(ctx, form, token)
    except UploadGone:
        return _import_page(ctx, error=ctx._("Los ficheros subidos ya no están (se guardan 24 horas) o no los "
                                             "subiste tú; súbelos de nuevo."))
    except PulsoError as exc:
        return _import_page(ctx, error=str(exc))

    def run():
        return import_files(ctx.services.store, paths, mapping=mapping, dry_run=dry_run, partial=partial,
                            actor=_actor(ctx), names=names)

    try:
        result = await ctx.services.call(run)
    except ImportFailed as exc:
        result = exc.result
    except PulsoError as exc:
        return _import_page(ctx, error=str(exc))
    if result.status in ("committed", "partial"):
        discard_upload(token)
    # After a dry run, the same upload can be imported with the same choices, without sending it again.
    again = {k: str(v) for k, v in form.items() if isinstance(v, str) and (k in ("preset", "table", "partial")
                                                                           or k.startswith("col__"))}
    if (UPLOADS / token / SAVED_MAPPING).is_file() and not again.get("preset"):
        again["saved_mapping"] = "1"
    summary = {"status": STATUS[result.status], "run": result.run_id, "read": result.rows_read, "written": result.written,
               "rejected": result.rejected, "skipped": result.skipped,
               "errors": [{"file": e.file, "line": e.line, "column": e.column, "value": e.value, "reason": e.reason}
                          for e in result.errors[:50]], "error_count": result.error_count,
               "error_total": error_total(ctx, result), "notes": [note_text(ctx, n) for n in result.notes],
               "token": token if result.status == "dry_run" else "", "again": again,
               "suggestion": suggestion(result, mapping), "suggestion_title": suggestion_title(ctx)}
    return _import_page(ctx, result=summary)



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
    rows = [[cell(c["table"]), cell(f"{100 * c['probability']:.1f} %", sort=c["probability"]),
             cell(c["record"]), cell(c["original"])] for c in candidates]
    merged = [[cell(m["id"]), cell(f"{m['merged_at']:%Y-%m-%d %H:%M}"), cell(m["table_name"]),
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
    _check(ctx, "duplicates", csrf_token)
    for name in ("accounts", "leads"):
        ctx.services.run(dedupe.find, ctx.services.store, name)
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/decide", include_in_schema=False)
def duplicates_decide(ctx: Ctx, candidate: Annotated[str, Form()], action: Annotated[str, Form()],
                      csrf_token: Annotated[str, Form()] = "") -> Response:
    """Merge a pair (the older record survives) or dismiss it."""
    _check(ctx, "duplicates", csrf_token)
    table_name, record_id, original_id = (candidate.split(":", 2) + ["", ""])[:3]
    if action == "merge":
        ctx.services.run(lambda: dedupe.merge(ctx.services.store, table_name, original_id, record_id, actor=_actor(ctx)))
    else:
        ctx.services.run(lambda: dedupe.dismiss(ctx.services.store, candidate, actor=_actor(ctx)))
    return RedirectResponse("/data/duplicates", status_code=303)


@router.post("/data/duplicates/undo", include_in_schema=False)
def duplicates_undo(ctx: Ctx, merge_id: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "") -> Response:
    """Undo a merge."""
    _check(ctx, "duplicates", csrf_token)
    ctx.services.run(lambda: dedupe.undo(ctx.services.store, merge_id, actor=_actor(ctx)))
    return RedirectResponse("/data/duplicates", status_code=303)


# -- quality ----------------------------------------------------------------------------------

@page_route(router, "/data/quality", "quality")
def quality_page(ctx: Ctx) -> Response:
    """Rule violations per table, and completeness per field of one table."""
    ctx.require("quality")
    chosen = ctx.request.query_params.get("table", "deals")
    chosen = chosen if chosen in IMPORTABLE else "deals"
    store = ctx.services.store
    findings = ctx.services.run(quality.check, store)
    filled = ctx.services.run(quality.completeness, store, chosen)
    rows = [[cell(f.table), cell(quality.warning_text(f, ctx.lang)), cell(f"{f.bad:,}", sort=f.bad),
             cell(f"{f.total:,}", sort=f.total), cell(f"{100 * f.share:.1f} %", sort=f.share, judge="bad" if f.share >= 0.05 else "")]
            for f in findings]
    fields = [[cell(name), cell("—" if share is None else f"{100 * share:.1f} %", sort=share,
                                judge="bad" if share is not None and share < 0.8 else "")] for name, share in filled.items()]
    data = {
        "title": ctx._("Calidad de datos"), "tables": IMPORTABLE, "table": chosen,
        "sections": [
            table(ctx._("Reglas"), [(ctx._("Tabla"), False), (ctx._("Regla"), False), (ctx._("Registros"), True),
                                    (ctx._("De"), True), (ctx._("Parte"), True)], rows),
            table(ctx._("Completitud por campo") + f" · {chosen}", [(ctx._("Campo"), False), (ctx._("Informado"), True)],
                  fields, empty=ctx._("La tabla está vacía.")),
        ],
    }
    return render(ctx, "quality", data, template="data_quality.html")


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
