"""One way to translate: gettext catalogs read with Babel.

Visible text is written in Spanish in the code and templates, `_("Ventas")` (the Spanish text is
the msgid); its English is in `pulso/locale/en/LC_MESSAGES/pulso.po`. Any layer may import this
module; it imports nothing of Pulso but `pulso.errors`.

    translate("Ventas", "en")                 # 'Sales'
    translate("Ventas", "es")                 # 'Ventas' (Spanish is the source)
    translator("en")("Ventas")                # the same, as the `_` a page or an e-mail uses
    LABELS = {"call": N_("llamada")}          # N_ marks a text translated later, by key

A Spanish text without English is a bug: in strict mode (tests, `strict_i18n`) it raises
`MissingTranslation`, otherwise the reader sees it in Spanish. `pgettext` takes a context
for the rare text whose English depends on where it shows. The .po is compiled in memory the first
time English is asked for (no .mo in the tree: see docs/i18n.md); `pybabel extract -F babel.cfg`
finds every marked text, and tests/test_i18n_catalogs.py fails on an untranslated or unused one.
"""

from __future__ import annotations

from collections.abc import Callable
import functools
from pathlib import Path

from pulso.errors import PulsoError, RecordError, ValidationError

LANGS = ("es", "en")
DOMAIN = "pulso"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


class MissingTranslation(PulsoError, KeyError):
    """A visible Spanish text has no English in the catalog (a KeyError too, as it always was)."""


def N_(text: str) -> str:
    """Mark `text` for extraction without translating it (label dicts, texts translated later)."""
    return text


def po_path(lang: str = "en") -> Path:
    """Where a language's catalog lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalog(lang: str = "en") -> dict[tuple[str | None, str], str]:
    """(context, Spanish) → text in `lang`: the .po compiled in memory, once per process.
    Untranslated and fuzzy entries are left out, as `msgfmt` leaves them out of a .mo."""
    from babel.messages.pofile import read_po  # only when English is first needed

    with po_path(lang).open("rb") as fh:
        messages = read_po(fh, locale=lang, domain=DOMAIN)
    return {(m.context, m.id): m.string for m in messages
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def translate(text: str, lang: str, *, strict: bool = False, context: str | None = None) -> str:
    """`text` (Spanish) in `lang`; `strict` raises when it has no English."""
    if lang != "es" or strict:
        english = catalog("en").get((context, text))
        if english is None and strict:
            where = f" (context {context!r})" if context else ""
            raise MissingTranslation(f"no English for {text!r}{where}: add it to {po_path('en')} (docs/i18n.md)")
        if lang == "en" and english is not None:
            return english
    return text


def pgettext(context: str, text: str, lang: str, *, strict: bool = False) -> str:
    """`text` in `lang` where its English depends on `context` (an msgctxt in the .po)."""
    return translate(text, lang, strict=strict, context=context)


def translator(lang: str, *, strict: bool = False) -> Callable[[str], str]:
    """The `_` of one reader: `_ = translator("en"); _("Ventas")`."""
    return functools.partial(_translate_positional, lang=lang, strict=strict)


def _translate_positional(text: str, *, lang: str, strict: bool) -> str:
    return translate(text, lang, strict=strict)


def said(error: type[PulsoError], text: str, /, *args: object, **values: object) -> PulsoError:
    """An error whose message is a Spanish msgid (`text`, marked N_) and the `values` that fill
    it: str() is the English (as before: logs, the API), `.text` and `.values` let a door say it
    in its reader's language (the CLI: pulso.cli.common.error_text), as the workspace's errors do.

        raise said(KpiError, N_("'{value}' no es una fecha; use AAAA-MM-DD"), value=value)

    `args` follow the message into the error's constructor (a RecordsError's field, say)."""
    exc = error(translate(text, "en").format(**values), *args)
    exc.text, exc.values = text, values
    return exc


def record_error(table: str, record_id: str | None, field: str, text: str, index: int | None = None, /, *,
                 got: str = "", **values: object) -> RecordError:
    """A refused record's reason as a Spanish msgid (`text`, marked N_) and `values`: its `reason` is
    the English of the .po (plus `got`, the English " (got …)" that shows the value), `.text` and
    `.values` let a door say it in its reader's language (`said_text`)."""
    return RecordError(table, record_id, field, translate(text, "en").format(**values) + got, index, text, values)


class Saying(str):
    """A text in English (what str() and the old code read) that keeps its Spanish msgid and values
    (`.text`, `.values`): a reason handed on as a string (a reader's ValueError, pulso.ingest.values)
    that a door can still say in its reader's language."""

    text: str | None = None
    values: dict | None = None


def saying(text: str, /, **values: object) -> Saying:
    """`text` (a Spanish msgid, marked N_) filled with `values`, as a `Saying` whose str is the English."""
    said_as = Saying(translate(text, "en").format(**values))
    said_as.text, said_as.values = text, values
    return said_as


def error_text(exc: BaseException, lang: str) -> str:
    """An error in `lang` when it carries its message as a msgid and values (`said`), else as raised:
    the one rendering of "an error in a language" the web's forms and the CLI share. A refused batch
    (ValidationError) is its count and one line per record, each said in `lang` when it has a msgid."""
    if isinstance(exc, ValidationError):
        return validation_text(exc, lang)
    return said_text(getattr(exc, "text", None), getattr(exc, "values", None), str(exc), translator(lang))


def validation_text(exc: ValidationError, lang: str, shown: int = 10) -> str:
    """A ValidationError in `lang`, line for line what its English str() lists."""
    _ = translator(lang)
    count = (lambda n: f"{n:,}") if lang == "en" else (lambda n: f"{n:,}".replace(",", "."))
    head = (_("{total} error; no se escribió nada:") if exc.total == 1 else
            _("{total} errores; no se escribió nada:") if len(exc.errors) >= exc.total else
            _("{total} errores, listados los {n} primeros; no se escribió nada:"))
    lines = [record_error_text(e, _) for e in exc.errors[:shown]]
    if len(exc.errors) > shown:
        lines.append(_("... y {n} más").format(n=count(len(exc.errors) - shown)))
    return head.format(total=count(exc.total), n=count(len(exc.errors))) + "\n  " + "\n  ".join(lines)


def record_error_text(error: RecordError, say: Callable[[str], str]) -> str:
    """One refused record as str(RecordError) says it, its reason in the language of `say`."""
    if error.record_id is not None:
        where = f"{error.table} {error.record_id}"
    elif error.index is not None:
        where = say(N_("{table} registro n.º {n}")).format(table=error.table, n=error.index + 1)
    else:
        where = error.table
    return f"{where}: {error.field}: {said_text(error.text, error.values, error.reason, say)}"


def said_text(text: str | None, values: dict | None, fallback: str, say: Callable[[str], str]) -> str:
    """A message kept as a msgid and values, in the language of `say` (a translator); `fallback`
    (its English as raised) when it has none. A value that is itself a `Saying` (a field's name, say)
    is said in the same language."""
    if not (isinstance(text, str) and isinstance(values, dict)):
        return fallback
    return say(text).format(**{k: said_text(v.text, v.values, v, say) if isinstance(v, Saying) else v
                               for k, v in values.items()})


def pick_language(value: str | None) -> str:
    """A stored or chosen language, else Spanish (the product's first language)."""
    return value if value in LANGS else "es"
