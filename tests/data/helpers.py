"""Shared helpers of the import and data-quality tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"
MAPPINGS = ROOT / "examples" / "mappings"
PULSO = [sys.executable, "-m", "pulso"]


def dataset(*parts: str) -> Path:
    """A real dataset file; missing fails in CI and skips elsewhere."""
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"dataset missing at {path}; CI must have ../shared/datasets")
        pytest.skip(f"dataset not at {path}")
    return path


def snapshot(store) -> tuple[dict[str, int], str]:
    """Row counts and checksum: equal snapshots mean an unchanged store."""
    return store.counts(), store.checksum()


def run_cli(*args: str, store=None) -> subprocess.CompletedProcess:
    """`pulso ARGS [--db the store's URL]` in a new process (the store lets go of a DuckDB file first)."""
    if store is not None:
        store.engine.dispose()  # a DuckDB file admits one process at a time
    return subprocess.run([*PULSO, *args, *(["--db", store.url] if store else [])], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "200"})
