"""Application tables of this feature, on the canonical metadata (see schema.py)."""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401

from pulso.store.schema import TS, metadata  # noqa: F401
