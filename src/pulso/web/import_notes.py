"""A run's notes and error count as the import page says them, in the reader's language
(Spanish here; English in pulso/locale/en/LC_MESSAGES/pulso.po)."""

from __future__ import annotations

from pulso.i18n import N_
from pulso.ingest.runlog import MAX_STORED_ERRORS, ImportResult, Note
from pulso.web.deps import Ctx

#: A run's notes as the page says them (Spanish; English in the .po: docs/i18n.md).
NOTES = {
    "default_used": N_("Columna {column} ausente en {file}: se usó el valor por defecto «{value}» en {count} filas"),
    "dates_moved": N_("{file}: fechas movidas para cumplir una regla: {count} ({column} era una fecha sin hora del "
                   "mismo día que {value}; se tomó la hora de {value})"),
    "nul_removed": N_("{count} bytes NUL eliminados de {file}"),
    "empty_skipped": N_("{file}: solo tiene la cabecera, ninguna fila: se omite"),
    "fallback_used": N_("{file}: {column} tomado de {value} en {count} filas (la primera columna estaba vacía)"),
    # a whole export (ingest/bundle.py): files left out
    "unused_skipped": N_("{file}: no lo usa la correspondencia {value}: se omite"),
    "overlap_skipped": N_("{file}: se omite: {value} tiene el mismo tipo de registros con más de las columnas que lee "
                       "la correspondencia"),
    "not_data_skipped": N_("{file}: ficheros que no son datos (CSV, XLSX, Parquet, JSON lines) omitidos: {count}, como {value}"),
    # ingest/resolve.py (names resolved to records) and the `skip_when` table option
    "lookup_unknown": N_("{file}: {column}: ningún registro tiene el nombre en {count} filas, que quedan vacías: {value}"),
    "lookup_ambiguous": N_("{file}: {column}: varios registros tienen el nombre en {count} filas, que quedan vacías: "
                           "{value}"),
    "skipped_when": N_("{file}: {count} filas omitidas porque {column} es {value}"),
}


#: The kinds the checks of ingest/checks.py add, as the page says them (Spanish; English in the .po).
CHECKS = {
    "unknown_value": N_("{file}: {column} «{value}» no está en la correspondencia: {rows} leídas como {target} "
                       "«{became}» (se sugiere: {suggested})"),
    "unknown_agreed": N_("{file}: valores de {column} que no están en la correspondencia, leídos como {target} "
                       "«{became}» como sugieren sus palabras: {counts}"),
    "empty_defaulted": N_("{file}: {column} vacío en {rows}: leídas como {target} «{became}» (el valor por defecto de "
                       "la correspondencia)"),
    "skipped_empty": N_("{file}: {rows} omitidas porque {target} está vacío"),
    "skipped_future": N_("{file}: {rows} omitidas porque {target} es posterior a ahora"),
    "empty_column": N_("{file}: la columna {column} (asignada a {target}) quedó vacía en todas las filas ({rows})"),
    "mixed_currencies": N_("{file}: {table} en {count} monedas: {counts}; la moneda de los informes es {value}"),
    "all_open": N_("{file}: {count} oportunidades, todas abiertas: ¿es correcta la correspondencia de las "
                       "etapas?"),
    "none_won": N_("{file}: {count} oportunidades, ninguna ganada ({counts}): ¿es correcta la correspondencia "
                       "de las etapas?"),
}
ROWS = (N_("{n} fila"), N_("{n} filas"))  # one row, several
STATUS_WORDS = {"lost": N_("perdidas"), "open": N_("abiertas")}  # other statuses read as stored
SUGGESTION = N_("Correspondencia sugerida: guárdala como fichero .yaml, revísala y súbela con los ficheros")


def _number(ctx: Ctx, n: int) -> str:
    return f"{n:,}".replace(",", "." if ctx.lang == "es" else ",")


def suggestion_title(ctx: Ctx) -> str:
    """The heading of a suggested mapping on the import page."""
    return ctx._(SUGGESTION)


def _check_text(ctx: Ctx, note: Note) -> str:
    counts = ", ".join(f"{ctx._(STATUS_WORDS[k]) if k in STATUS_WORDS else k} {_number(ctx, n)}"
                       for k, n in note.counts)
    rows = ctx._(ROWS[0] if note.count == 1 else ROWS[1]).format(n=_number(ctx, note.count))
    return ctx._(CHECKS[note.kind]).format(
        file=note.file, column=note.column or "", value=note.value or "", target=note.target or "",
        became=note.became or "", suggested=note.suggested or "", count=_number(ctx, note.count),
        rows=rows, counts=counts,
        table=(note.target or "").split(".")[0])


def note_text(ctx: Ctx, note: Note) -> str:
    """One note of a run in the reader's language (a kind this page does not know: as the CLI says it)."""
    if note.kind in CHECKS:
        return _check_text(ctx, note)
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
