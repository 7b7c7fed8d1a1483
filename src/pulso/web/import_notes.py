"""A run's notes and error count as the import page says them, in the reader's language: the
words and their rendering are pulso.ingest.notes (shared with `pulso import`); the page passes its
reader's `_` (strict in tests)."""

from __future__ import annotations

from pulso.ingest import notes
from pulso.ingest.notes import CHECKS, NOTES, ROWS, STATUS_WORDS, SUGGESTION
from pulso.ingest.runlog import ImportResult, Note
from pulso.web.deps import Ctx

__all__ = ["CHECKS", "NOTES", "ROWS", "STATUS_WORDS", "SUGGESTION", "error_total", "note_text", "suggestion_title"]


def suggestion_title(ctx: Ctx) -> str:
    """The heading of a suggested mapping on the import page."""
    return ctx._(SUGGESTION)


def note_text(ctx: Ctx, note: Note) -> str:
    """One note of a run in the reader's language (a kind the notes do not know: as the CLI says it)."""
    return notes.note_text(note, ctx.lang, ctx._)


def error_total(ctx: Ctx, result: ImportResult) -> str:
    """"12 errores", or "1.365 errores; el informe lista los primeros 1.000" when not all are listed."""
    return notes.error_total(result, ctx.lang, ctx._)
