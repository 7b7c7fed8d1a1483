"""`pulso demo`, all or nothing: the workspace is the old one or the complete new one, never a mix.

- A DuckDB file is built aside: the workspace is copied (after a checkpoint, while this process
  holds its lock) to `<file>.demo-build` next to it, the demo is generated in the copy (goals,
  alert rules, tokens, the audit log and settings come along, as an in-place demo keeps them), and
  the copy replaces the file in one `os.replace` at the end. Killed before that, the workspace is
  untouched; the half-built copy is left behind, reported by `pulso status` and removed by the
  next `pulso demo`. A workspace that did not exist still does not.
- PostgreSQL: the whole demo (emptying included) is one transaction; killed midway, the server
  rolls it back. Until it commits, the server's other readers wait for it (TRUNCATE locks).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Callable

from pulso.config import Settings
from pulso.i18n import N_, saying
from pulso.store import Store

BUILD_SUFFIX = ".demo-build"
Progress = Callable[[str, float], None]


def duckdb_file(url: str) -> Path | None:
    """The file of a DuckDB workspace URL (None for PostgreSQL or an in-memory DuckDB)."""
    if not url.startswith("duckdb:///"):
        return None
    path = url.split(":///", 1)[1]
    return None if path in ("", ":memory:") else Path(path)


def build_path(path: Path) -> Path:
    """Where a demo for the workspace file `path` is built before it is swapped in."""
    return path.with_name(path.name + BUILD_SUFFIX)


def leftover(url: str) -> Path | None:
    """The half-built demo an interrupted `pulso demo` left next to a DuckDB workspace, if any."""
    path = duckdb_file(url)
    found = build_path(path) if path is not None else None
    return found if found is not None and found.exists() else None


def build(url: str, *, size="small", seed: int = 42, as_of: dt.date | None = None, replace: bool = True,
          progress: Progress | None = None) -> dict[str, int]:
    """Generate a demo workspace at `url` all or nothing; returns the rows written per table."""
    from pulso.demo import generate

    report = progress or (lambda step, fraction: None)
    before_done = (lambda step, fraction: report(step, min(fraction, 0.99)) if step != "Done" else None)
    path = duckdb_file(url)
    if path is None:
        with Store(Settings(url)) as store:
            store.init()
            with store.connect() as conn:
                counts = generate(store, size=size, seed=seed, as_of=as_of, replace=replace,
                                  progress=before_done, conn=conn)
                report(saying(N_("Poniendo el nuevo espacio de trabajo en su sitio")), 0.99)  # the commit
        report(saying(N_("Listo")), 1.0)
        return counts
    work = build_path(path)
    _remove(work)
    try:
        if path.exists():
            _copy_locked(url, work, replace)
        with Store(Settings(f"duckdb:///{work}")) as store:
            store.init()
            counts = generate(store, size=size, seed=seed, as_of=as_of, replace=replace, progress=before_done)
            with store.engine.connect() as conn:  # everything into the file: no write-ahead log to carry
                conn.exec_driver_sql("CHECKPOINT")
        report(saying(N_("Poniendo el nuevo espacio de trabajo en su sitio")), 0.99)
        _sync(work)
        os.replace(work, path)
        _sync(path.parent)
    except BaseException:
        _remove(work)
        raise
    report(saying(N_("Listo")), 1.0)
    return counts


def _copy_locked(url: str, work: Path, replace: bool) -> None:
    """Copy the workspace file to `work` while holding it (a running server makes this fail with
    a clear message), after upgrading it and writing everything into the file."""
    from pulso.demo import load

    with Store(Settings(url)) as old:
        old.init()
        if not replace:
            load.refuse_if_held(load.held_rows(old))
        with old.engine.connect() as conn:
            conn.exec_driver_sql("CHECKPOINT")
        shutil.copyfile(old.url.split(":///", 1)[1], work)


def _remove(work: Path) -> None:
    for leftover_file in (work, work.with_name(work.name + ".wal")):
        leftover_file.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, so that the swap survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
