"""The canonical store: tables, migrations and validated batch upserts."""

from pulso.store.store import Store, open_store

__all__ = ["Store", "open_store"]
