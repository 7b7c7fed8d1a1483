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
}


#: The kinds the checks of ingest/checks.py add, as the page says them: (Spanish, English).
CHECKS = {
    "unknown_value": ("{file}: {column} «{value}» no está en la correspondencia: {rows} leídas como {target} «{became}» "
                      "(se sugiere: {suggested})",
                      "{file}: {column} '{value}' is not in the mapping: {rows} read as {target} '{became}' "
                      "(suggested: {suggested})"),
    "unknown_agreed": ("{file}: valores de {column} que no están en la correspondencia, leídos como {target} «{became}» "
                       "como sugieren sus palabras: {counts}",
                       "{file}: {column} values not in the mapping, read as {target} '{became}' as their words "
                       "suggest: {counts}"),
    "empty_defaulted": ("{file}: {column} vacío en {rows}: leídas como {target} «{became}» (el valor por defecto de la "
                        "correspondencia)",
                        "{file}: {column} empty in {rows}: read as {target} '{became}' (the mapping's default)"),
    "skipped_empty": ("{file}: {rows} omitidas porque {target} está vacío", "{file}: {rows} skipped because {target} is empty"),
    "skipped_future": ("{file}: {rows} omitidas porque {target} es posterior a ahora",
                       "{file}: {rows} skipped because {target} is later than now"),
    "empty_column": ("{file}: la columna {column} (asignada a {target}) quedó vacía en todas las filas ({rows})",
                     "{file}: column {column} (mapped to {target}) came out empty in every row ({rows})"),
    "mixed_currencies": ("{file}: {table} en {count} monedas: {counts}; la moneda de los informes es {value}",
                         "{file}: {table} in {count} currencies: {counts}; the reporting currency is {value}"),
    "all_open": ("{file}: {count} oportunidades, todas abiertas: ¿es correcta la correspondencia de las etapas?",
                 "{file}: {count} deals, all open: is the stage mapping right?"),
    "none_won": ("{file}: {count} oportunidades, ninguna ganada ({counts}): ¿es correcta la correspondencia de las etapas?",
                 "{file}: {count} deals, none won ({counts}): is the stage mapping right?"),
}
ROWS = {"es": ("fila", "filas"), "en": ("row", "rows")}
STATUS_WORDS = {"es": {"lost": "perdidas", "open": "abiertas"}, "en": {}}
SUGGESTION = ("Correspondencia sugerida: guárdala como fichero .yaml, revísala y súbela con los ficheros",
              "Suggested mapping: save it as a .yaml file, check it and upload it with the files")


def _number(ctx: Ctx, n: int) -> str:
    return f"{n:,}".replace(",", "." if ctx.lang == "es" else ",")


def _pick(ctx: Ctx, texts: tuple[str, str]) -> str:
    return texts[1] if ctx.lang == "en" else texts[0]


def suggestion_title(ctx: Ctx) -> str:
    """The heading of a suggested mapping on the import page."""
    return _pick(ctx, SUGGESTION)


def _check_text(ctx: Ctx, note: Note) -> str:
    one, many = ROWS.get(ctx.lang, ROWS["es"])
    words = STATUS_WORDS.get(ctx.lang, {})
    counts = ", ".join(f"{words.get(k, k)} {_number(ctx, n)}" for k, n in note.counts)
    return _pick(ctx, CHECKS[note.kind]).format(
        file=note.file, column=note.column or "", value=note.value or "", target=note.target or "",
        became=note.became or "", suggested=note.suggested or "", count=_number(ctx, note.count),
        rows=f"{_number(ctx, note.count)} {one if note.count == 1 else many}", counts=counts,
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
