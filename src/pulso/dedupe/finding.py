"""Finding duplicates as a background job with its progress: accounts, then leads.

    job = start(store, runner=services.run)     # returns at once; the running one if there is one
    job.state()                                 # {"running", "percent", "step", "table", "pairs", "error"}
    job.wait()                                  # (tests, the CLI) until it ends

The comparing (Splink, on its own in-memory DuckDB) runs on the job's thread; reading the records
and writing the candidates go through `runner` (the web app's database thread), so the server
answers other requests meanwhile. The progress is the share of steps done: per table, reading
10 %, comparing 80 %, saving 10 % (Splink says nothing while it compares).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from pulso.dedupe.matching import DEFAULT_THRESHOLD, TABLES, find
from pulso.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[float, str, str], None]


def find_all(store: Store, *, threshold: float = DEFAULT_THRESHOLD, progress: Progress | None = None,
             runner: Callable[[Callable[[], Any]], Any] | None = None) -> dict[str, int]:
    """Find in every table; `progress(fraction of the whole, step, table)`; pairs found per table."""
    say = progress or (lambda fraction, step, table: None)
    found = {}
    for i, table in enumerate(TABLES):
        def heard(fraction: float, step: str, i: int = i, table: str = table) -> None:
            say((i + fraction) / len(TABLES), step, table)
        found[table] = len(find(store, table, threshold=threshold, progress=heard, runner=runner).pairs)
    return found


class Job:
    """One run of find_all on a thread, and what it has got to."""

    def __init__(self, store: Store, runner: Callable[[Callable[[], Any]], Any] | None, threshold: float):
        self.fraction, self.step, self.table = 0.0, "read", TABLES[0]
        self.pairs: dict[str, int] = {}
        self.error: str | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(store, runner, threshold), daemon=True,
                                        name="pulso-dedupe-find")

    def _heard(self, fraction: float, step: str, table: str) -> None:
        with self._lock:
            self.fraction, self.step, self.table = fraction, step, table

    def _run(self, store, runner, threshold) -> None:
        try:
            self.pairs = find_all(store, threshold=threshold, progress=self._heard, runner=runner)
        except Exception as exc:  # said on the page; the candidates stay as they were
            log.exception("finding duplicates failed")
            self.error = str(exc) or type(exc).__name__
        finally:
            self._heard(1.0, "done", self.table)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"running": self.running, "percent": round(100 * self.fraction), "step": self.step,
                    "table": self.table, "pairs": dict(self.pairs), "error": self.error}

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


_JOBS: dict[int, Job] = {}
_START = threading.Lock()


def start(store: Store, *, runner: Callable[[Callable[[], Any]], Any] | None = None,
          threshold: float = DEFAULT_THRESHOLD) -> Job:
    """Start finding in the background, unless a run on this workspace is still going (that one)."""
    with _START:
        job = _JOBS.get(id(store))
        if job is None or not job.running:
            job = _JOBS[id(store)] = Job(store, runner, threshold)
            job._thread.start()
        return job


def latest(store: Store) -> Job | None:
    """The last run started on this workspace in this process, if any."""
    return _JOBS.get(id(store))
