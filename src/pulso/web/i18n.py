"""Visible text in Spanish (written first) and English.

Strings are written in Spanish in the code and templates, `_("Tasa de cierre")`; `messages.EN`
gives each its English. A Spanish string with no English entry is a bug: in strict mode (tests)
it raises, otherwise it shows in Spanish.
"""

from __future__ import annotations

from pulso.web.formatting import LANGS
from pulso.web.messages import EN


class MissingTranslation(KeyError):
    """A visible string has no English text in messages.EN."""


def translate(text: str, lang: str, *, strict: bool = False) -> str:
    """`text` (Spanish) in `lang`."""
    english = EN.get(text)
    if english is None and strict:
        raise MissingTranslation(f"no English for {text!r}: add it to pulso/web/messages.py")
    if lang == "en" and english is not None:
        return english
    return text


def pick_language(value: str | None, accept: str | None = None) -> str:
    """A supported language from a stored preference, else from Accept-Language, else Spanish."""
    if value in LANGS:
        return value
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "es"
