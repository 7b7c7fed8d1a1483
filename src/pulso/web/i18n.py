"""Visible text in Spanish (written first) and English.

Strings are written in Spanish in the code and templates, `_("Tasa de cierre")`; `messages.EN`
gives each its English. A Spanish string with no English entry is a bug: in strict mode (tests)
it raises, otherwise it shows in Spanish.
"""

from __future__ import annotations

from pulso.errors import PulsoError
from pulso.formatting import LANGS
from pulso.web.messages import EN


class MissingTranslation(PulsoError, KeyError):
    """A visible string has no English text in messages.EN (a KeyError too, as it always was)."""


def translate(text: str, lang: str, *, strict: bool = False) -> str:
    """`text` (Spanish) in `lang`."""
    english = EN.get(text)
    if english is None and strict:
        raise MissingTranslation(f"no English for {text!r}: add it to pulso/web/messages.py")
    if lang == "en" and english is not None:
        return english
    return text


def pick_language(value: str | None) -> str:
    """The user's chosen language, else Spanish (the product's first language)."""
    return value if value in LANGS else "es"
