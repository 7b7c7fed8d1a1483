"""Alembic environment: always run by pulso.store with a live connection."""

from alembic import context

from pulso.store.schema import metadata
from pulso.store.store import DuckDBImpl  # noqa: F401  (registers the DuckDB dialect with Alembic)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
