"""A run's notes and error count as the import page says them, in the reader's language
(Spanish here; English in messages_data.EN)."""

from __future__ import annotations

from pulso.ingest.runlog import MAX_STORED_ERRORS, ImportResult, Note
from pulso.web.deps import Ctx

#: A run's notes as the page says them (Spanish; English in messages_data.EN).
NOTES = {
    "default_used": "Columna {column} ausente en {file}: se usó el valor por defecto «{value}» en {count} filas",
    "dates_moved": "{file}: fechas movidas para cumplir una regla: {count} ({column} era una fecha sin hora del "
                   "mismo día que {value}; se tomó la hora de {value})",
    "nul_removed": "{count} bytes NUL eliminados de {file}",
    "empty_skipped": "{file}: solo tiene la cabecera, ninguna fila: se omite",
    "fallback_used": "{file}: {column} tomado de {value} en {count} filas (la primera columna estaba vacía)",
}


def _number(ctx: Ctx, n: int) -> str:
    return f"{n:,}".replace(",", "." if ctx.lang == "es" else ",")


def note_text(ctx: Ctx, note: Note) -> str:
    """One note of a run in the reader's language (a kind this page does not know: as the CLI says it)."""
    if note.kind not in NOTES:
        return str(note)
    return ctx._(NOTES[note.kind]).format(file=note.file, column=note.column or "", value=note.value or "",
                                          count=_number(ctx, note.count))


def error_total(ctx: Ctx, result: ImportResult) -> str:
    """"12 errores", or "1.365 errores; el informe lista los primeros 1.000" when not all are listed."""
    listed = min(len(result.errors), MAX_STORED_ERRORS)
    if listed < result.error_count:
        return ctx._("{total} errores; el informe lista los primeros {listed}").format(
            total=_number(ctx, result.error_count), listed=_number(ctx, listed))
    return ctx._("{total} errores").format(total=_number(ctx, result.error_count))
