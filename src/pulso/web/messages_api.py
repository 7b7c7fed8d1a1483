"""English for the Spanish strings of this feature's pages (merged into messages.EN)."""

from __future__ import annotations

EN: dict[str, str] = {}
