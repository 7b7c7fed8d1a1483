"""What a migration says while it works, for a person watching `pulso db upgrade`.

`Store.upgrade(progress=…)` hands Alembic a callback (the config attribute "progress"); the
environment (migrations/env.py) says each migration applied, and a long one says how far it has
got through `report`. Each message is a pulso.i18n.Saying: the door says it in its reader's
language (the CLI: pulso.cli.common.step_text)."""

from __future__ import annotations

from alembic import context

from pulso.i18n import saying


def report(text: str, /, **values: object) -> None:
    """Tell the one upgrading (if anyone listens) `text`, a Spanish msgid marked N_, with `values`."""
    progress = context.config.attributes.get("progress")
    if progress is not None:
        progress(saying(text, **values))
