"""Alembic environment: always run by pulso.store with a live connection (and, from
`pulso db upgrade`, a `progress` callback that hears of each migration applied: store.migrating)."""

from alembic import context

from pulso.i18n import N_
from pulso.store.migrating import report
from pulso.store.schema import metadata
from pulso.store.store import DuckDBImpl  # noqa: F401  (registers the DuckDB dialect with Alembic)


def _applied(ctx, step, heads, run_args) -> None:
    if step.is_upgrade:
        report(N_("Migración {revision} aplicada"), revision=step.up_revision_id)


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, compare_type=True, on_version_apply=_applied)
with context.begin_transaction():
    context.run_migrations()
