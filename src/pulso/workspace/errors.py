"""The workspace's refusals: PulsoError subclasses whose message is Spanish with {placeholders},
marked for translation (`N_`, extracted by Babel like every visible text), with a stable `code`.

    raise InputError(N_("'{field}' es demasiado largo (máximo {limit} caracteres)"), "name", limit=200)
    exc.message()                      # Spanish, the values filled in
    exc.message(translator("en"))      # the reader's language: the web passes its `_`

A record outside the caller's scope is `NotFoundError`, worded exactly as a missing one; the HTTP
status of each class is in pulso.web.errors.ERRORS.
"""

from __future__ import annotations

from typing import Any, Callable

from pulso.errors import PulsoError, RecordForbiddenError, RecordNotFoundError, RecordScopeError


def N_(text: str) -> str:
    """Mark a Spanish text for extraction; translated when shown (as pulso.i18n.N_)."""
    return text


def shown(value: Any, limit: int = 40) -> str:
    """A value as quoted in a message: one line, cut short when huge."""
    text = str(value).replace("\x00", "").replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


class WorkspaceError(PulsoError):
    """A workspace operation refused; nothing was written. `text`: the Spanish message with
    {placeholders}; `field`: the field or parameter at fault; `values`: what fills the text."""

    code = "workspace"

    def __init__(self, text: str, field: str | None = None, /, **values: Any):
        values = {k: shown(v) for k, v in values.items()}
        super().__init__(text.format(**values))
        self.text, self.field, self.values, self.errors = text, field, values, None

    def message(self, translate: Callable[[str], str] | None = None) -> str:
        """The message in the reader's language (`translate`: their `_`), Spanish without one."""
        return (translate(self.text) if translate else self.text).format(**self.values)


class InputError(WorkspaceError):
    """A value that does not fit its field: wrong type, too long, unknown choice, negative amount."""

    code = "invalid_input"


class NotFoundError(WorkspaceError, RecordNotFoundError):
    """No such record, or none inside the caller's scope (the two look alike)."""

    code = "not_found"


class ForbiddenError(WorkspaceError, RecordForbiddenError):
    """The caller's role may not do this (a viewer writes nothing; a rep does not reassign)."""

    code = "forbidden"


class OutOfScopeError(WorkspaceError, RecordScopeError):
    """The write would put a record outside the caller's scope (an owner who is not theirs)."""

    code = "out_of_scope"


class StateError(WorkspaceError):
    """The record is not in a state that allows this (a converted lead converted again)."""

    code = "conflict"


class SurveyLinkError(WorkspaceError):
    """A survey link already answered or expired."""

    code = "survey_link_gone"


class StoreLimitError(WorkspaceError):
    """DuckDB cannot change a reference column (stage_id, owner_id, account_id) of a record other
    records point to (its foreign keys turn such an update into a delete and an insert)."""

    code = "store_limit"
