"""The web's names for the one translation layer, `pulso.i18n` (kept so routes and templates
keep calling `ctx._(text)` and `translate(text, lang)`; see docs/i18n.md)."""

from __future__ import annotations

from pulso.i18n import MissingTranslation, N_, pick_language, translate

__all__ = ["MissingTranslation", "N_", "pick_language", "translate"]
