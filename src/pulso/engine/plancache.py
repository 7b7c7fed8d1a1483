"""Compiled KPI queries kept on disk, so that a new process does not compile them again.

Compiling a query shape with Ibis takes 0.1–0.6 s; running it often takes less. The SQL of a
shape depends only on the code (catalog, engine, Ibis and sqlglot versions), the SQL dialect and
the shape itself, never on the workspace's data, so it can be reused by every later process:
`pulso kpi show`, `pulso report`, a restarted server.

Files live in `$PULSO_CACHE_DIR/plans/<code fingerprint>/` (default `~/.cache/pulso`, or
`$XDG_CACHE_HOME/pulso`); a change to the code gives a new fingerprint, so an old plan is never
read. `PULSO_CACHE_DIR=off` turns the cache off. A file that cannot be read or written is simply
compiled again: the cache never makes a query fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

ENV = "PULSO_CACHE_DIR"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of everything a compiled query depends on besides its shape."""
    import ibis
    import sqlglot

    import pulso

    h = hashlib.sha256(f"{pulso.__version__}|{ibis.__version__}|{sqlglot.__version__}".encode())
    root = Path(__file__).resolve().parent.parent
    for folder in ("catalog", "engine"):
        for path in sorted((root / folder).glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def directory() -> Path | None:
    """Where plans of this code are kept, or None when the cache is off."""
    base = os.environ.get(ENV, "").strip()
    if base.lower() == "off":
        return None
    if not base:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "pulso")
    return Path(base) / "plans" / fingerprint()


def _file(key: tuple) -> Path | None:
    folder = directory()
    if folder is None:
        return None
    return folder / (hashlib.sha256(repr(key).encode()).hexdigest() + ".json")


def load(key: tuple) -> tuple[str, bool, bool, tuple[str, ...]] | None:
    """The compiled plan stored under `key`, or None (absent, unreadable or not a plan)."""
    path = _file(key)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["key"] != repr(key):  # a hash collision, however unlikely
            return None
        return str(data["sql"]), bool(data["baseline"]), bool(data["slots"]), tuple(map(str, data["facts"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(key: tuple, plan: tuple[str, bool, bool, tuple[str, ...]]) -> None:
    """Store a compiled plan under `key` (atomically; errors are ignored)."""
    path = _file(key)
    if path is None:
        return
    sql, baseline, slots, facts = plan
    body: dict[str, Any] = {"key": repr(key), "sql": sql, "baseline": baseline, "slots": slots, "facts": list(facts)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass
