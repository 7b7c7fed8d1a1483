"""A run's notes, error count and refusal in a reader's language, for every door that shows them:
the import page (pulso.web.import_notes) and `pulso import` (pulso.cli.data, and the CLI's error
line for a refused import). Spanish msgids here; English in pulso/locale/en/LC_MESSAGES/pulso.po.

    note_text(note, "en")                  # one Note (ingest.runlog) in English
    note_text(note, "es", ctx._)           # a page passes its `_` (strict in tests)
    refusal_text(exc.result, "es")         # an ImportFailed as the CLI prints it

`str(note)` and `str(ImportFailed)` stay the English of ingest.runlog (logs, the API's "text").
"""

from __future__ import annotations

from collections.abc import Callable

from pulso.formatting import fmt_number
from pulso.i18n import N_, said_text, translator
from pulso.ingest.runlog import MAX_STORED_ERRORS, ImportResult, Note, RowError

Say = Callable[[str], str]

#: A run's notes (Spanish msgids; English in the .po: docs/i18n.md).
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

#: The kinds the checks of ingest/checks.py add (Spanish msgids; English in the .po).
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
#: The notes above that count one row (or byte), said in the singular.
NOTES_ONE = {
    "default_used": N_("Columna {column} ausente en {file}: se usó el valor por defecto «{value}» en {count} fila"),
    "nul_removed": N_("{count} byte NUL eliminado de {file}"),
    "fallback_used": N_("{file}: {column} tomado de {value} en {count} fila (la primera columna estaba vacía)"),
    "lookup_unknown": N_("{file}: {column}: ningún registro tiene el nombre en {count} fila, que queda vacía: {value}"),
    "lookup_ambiguous": N_("{file}: {column}: varios registros tienen el nombre en {count} fila, que queda vacía: "
                           "{value}"),
    "skipped_when": N_("{file}: {count} fila omitida porque {column} es {value}"),
}
ROWS = (N_("{n} fila"), N_("{n} filas"))  # one row, several
STATUS_WORDS = {"lost": N_("perdidas"), "open": N_("abiertas")}  # other statuses read as stored
SUGGESTION = N_("Correspondencia sugerida: guárdala como fichero .yaml, revísala y súbela con los ficheros")


def number(n: int, lang: str) -> str:
    """A count grouped for the language: 1.365 in Spanish, 1,365 in English."""
    return fmt_number(n, lang)


def _check_text(note: Note, lang: str, _: Say) -> str:
    counts = ", ".join(f"{_(STATUS_WORDS[k]) if k in STATUS_WORDS else k} {number(n, lang)}" for k, n in note.counts)
    rows = _(ROWS[0] if note.count == 1 else ROWS[1]).format(n=number(note.count, lang))
    return _(CHECKS[note.kind]).format(
        file=note.file, column=note.column or "", value=note.value or "", target=note.target or "",
        became=note.became or "", suggested=note.suggested or "", count=number(note.count, lang),
        rows=rows, counts=counts, table=(note.target or "").split(".")[0])


def note_text(note: Note, lang: str, _: Say | None = None) -> str:
    """One note of a run in `lang` (`_`: the reader's translator, when the caller has one; a kind
    this module does not know: as `str(note)` says it)."""
    _ = _ or translator(lang)
    if note.kind in CHECKS:
        return _check_text(note, lang, _)
    if note.kind not in NOTES:
        return str(note)
    text = NOTES_ONE[note.kind] if note.count == 1 and note.kind in NOTES_ONE else NOTES[note.kind]
    return _(text).format(file=note.file, column=note.column or "", value=note.value or "",
                                      count=number(note.count, lang))


def error_total(result: ImportResult, lang: str, _: Say | None = None) -> str:
    """The import page's count: "12 errores", or "1.365 errores; el informe lista los primeros 1.000" when not
    all are listed."""
    _ = _ or translator(lang)
    listed = min(len(result.errors), MAX_STORED_ERRORS)
    total = number(result.error_count, lang)
    if listed < result.error_count:
        return _("{total} errores; el informe lista los primeros {listed}").format(total=total, listed=number(listed, lang))
    return _("{total} errores").format(total=total)


def count_text(result: ImportResult, lang: str, _: Say | None = None) -> str:
    """The CLI's count: "1 error", "12 errores", or "1.365 errores, se listan los primeros 1.000"."""
    _ = _ or translator(lang)
    total, listed = result.error_count, min(len(result.errors), MAX_STORED_ERRORS)
    text = (_("{total} error") if total == 1 else _("{total} errores")).format(total=number(total, lang))
    if listed < total:
        text += _(", se listan los primeros {listed}").format(listed=number(listed, lang))
    return text


def row_error_text(error: RowError, lang: str, _: Say | None = None) -> str:
    """Where a row was refused and why: "people.csv, línea 3, columna email: <reason> (valor 'x')".
    The store's reason in `lang` (a reader's stays English: docs/i18n.md)."""
    _ = _ or translator(lang)
    where = error.file
    if error.line:
        where += _(", línea {line}").format(line=error.line)
    if error.column:
        where += _(", columna {column}").format(column=error.column)
    shown = _(" (valor {value})").format(value=repr(error.value)) if error.value not in (None, "") else ""
    return f"{where}: {reason_text(error, lang, _)}{shown}"


def reason_text(error: RowError, lang: str, _: Say | None = None) -> str:
    """Why a row was refused, in `lang` when its reason carries a msgid (the store's), else as raised."""
    if error.text is None:
        return error.reason
    return error.lead + said_text(error.text, error.values, error.reason, _ or translator(lang))


def refusal_text(result: ImportResult, lang: str, shown: int = 10) -> str:
    """A refused import (ingest.runlog.ImportFailed) in `lang`: the count, the first `shown` row
    errors and the notes, one per line, as `str(ImportFailed)` lists them in English."""
    _ = translator(lang)
    errors = result.errors
    lines = [row_error_text(e, lang, _) for e in errors[:shown]]
    if len(errors) > shown:
        lines.append(_("... y {n} más").format(n=number(len(errors) - shown, lang)))
    lines += [_("Nota: {note}").format(note=note_text(n, lang, _)) for n in result.notes]
    head = _("{errors}; no se escribió nada (ejecución {run}):").format(errors=count_text(result, lang, _),
                                                                      run=result.run_id)
    return head + "\n  " + "\n  ".join(lines)
