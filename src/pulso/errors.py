"""Every error Pulso raises descends from PulsoError and says what to do about it."""

from __future__ import annotations

from dataclasses import dataclass, field as _field


class PulsoError(Exception):
    """Base class of every error Pulso raises on purpose."""


class ConfigError(PulsoError):
    """A setting is missing or malformed."""


class StoreError(PulsoError):
    """The store cannot be opened, created or upgraded."""


class StoreBusyError(StoreError):
    """The DuckDB file is held by another process (usually `pulso serve`)."""


@dataclass(frozen=True)
class RecordError:
    """One reason why one record was refused."""

    table: str
    record_id: str | None
    field: str
    reason: str
    index: int | None = None
    # The reason as a Spanish msgid and its values (pulso.i18n.record_error), for a door to say it in its
    # reader's language; `reason` stays the English (str(), the API, logs). None: the reason is only English.
    text: str | None = _field(default=None, compare=False, repr=False)
    values: dict | None = _field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        if self.record_id is not None:
            where = f"{self.table} {self.record_id}"
        elif self.index is not None:
            where = f"{self.table} record #{self.index + 1}"
        else:
            where = self.table
        return f"{where}: {self.field}: {self.reason}"


class ValidationError(PulsoError):
    """A batch of records was refused; nothing of it was written."""

    def __init__(self, errors: list[RecordError], *, shown: int = 10, total: int | None = None):
        self.errors = errors
        self.total = max(total or 0, len(errors))  # every error found; `errors` may list only the first
        lines = [str(e) for e in errors[:shown]]
        more = len(errors) - shown
        if more > 0:
            lines.append(f"... and {more} more")
        noun = "error" if self.total == 1 else "errors"
        listed = f", the first {len(errors):,} listed" if len(errors) < self.total else ""
        super().__init__(
            f"{self.total:,} {noun}{listed}; nothing was written:\n  " + "\n  ".join(lines)
        )


class KpiError(PulsoError):
    """A KPI query is malformed: unknown KPI, dimension, filter, grain or period."""


class CatalogError(PulsoError):
    """A KPI declaration is invalid."""


class ScopeError(PulsoError):
    """The caller's scope does not allow what was asked."""


class GoalError(PulsoError):
    """A goal, quota, OKR, alert rule or report request that cannot be accepted as given."""


class ReportError(PulsoError):
    """A report that cannot be rendered or scheduled as asked (an unknown format, for one)."""


class RecordsError(PulsoError):
    """A request on records refused as a whole (pulso.store.records): `field` names the parameter
    or field at fault, `errors` the records concerned (RecordError) when there are some. Which
    status a door answers comes from the subclass (pulso.web.errors.ERRORS)."""

    def __init__(self, message: str, field: str | None = None, errors: list[RecordError] | None = None):
        super().__init__(message)
        self.field, self.errors = field, errors


class RecordNotFoundError(RecordsError):
    """No such record, or none inside the caller's scope (the two look alike)."""


class RecordScopeError(RecordsError, ScopeError):
    """The caller's scope does not reach these records (a table without owners, a record it would
    move outside)."""


class RecordForbiddenError(RecordsError):
    """The caller's role may not write this table."""


class RecordReferencedError(RecordsError):
    """A record other records refer to cannot be deleted."""


class FilterError(RecordsError):
    """A record filter whose value does not fit its field."""


class UnknownFilterError(FilterError):
    """A record filter on a field or with an operator that does not exist."""
