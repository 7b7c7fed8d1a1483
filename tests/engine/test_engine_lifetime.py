"""Issue 14, item 3: how long a KPI engine lives is the engine's business. `pulso.engine.engine_for`
keeps one engine per store (its compiled queries are reused between runs) for as long as the store
lives; the alerts package and the CLI ask it, and keep no engines of their own."""

from __future__ import annotations

import gc
import weakref

from pulso.config import Settings
from pulso.store import Store


def test_one_engine_per_store(store, store_factory):
    from pulso import alerts
    from pulso.engine import Engine, engine_for

    first = engine_for(store)
    assert isinstance(first, Engine) and first.store is store
    assert engine_for(store) is first
    other = store_factory()
    assert engine_for(other) is not first and engine_for(other).store is other
    assert getattr(alerts, "engine_for", engine_for) is engine_for  # the alerts package keeps none of its own


def test_the_engine_goes_with_its_store(tmp_path):
    from pulso.engine import engine_for

    store = Store(Settings(f"duckdb:///{tmp_path / 'w.duckdb'}"))
    store.init(timezone="UTC")
    engine = weakref.ref(engine_for(store))
    gone = weakref.ref(store)
    store.close()
    del store
    gc.collect()
    assert gone() is None and engine() is None  # a closed, dropped store takes its engine with it
