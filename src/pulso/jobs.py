"""What runs by itself: the in-server schedule, and the reactions to data arrivals.

The schedule: alert rules every few minutes, report e-mails once a day. `create_app` starts it
with the web app and stops it with it (pulso.web.app); the CLI runs the same jobs on demand
(`pulso alerts run`, `pulso report send-due`), for cron.

Data arrivals: `subscribe()` registers the alert rules with `pulso.events`, so they run after
every import or API batch; whoever starts Pulso calls it (the CLI's start-up, `create_app`).
It loads neither the rules nor the engine: they are imported on the first arrival, so the CLI
starts light.

When each job is due comes from APScheduler triggers read against a clock that is passed in, so
tests drive the schedule with a fake clock (`tick()` after moving it) and never sleep. In the
server, an APScheduler BackgroundScheduler calls `tick()` every minute with the real clock, and
the jobs' database work runs through the caller's `runner` (the web app's database thread).

Settings: `alert_interval_minutes` [15; 0 stops the schedule], `report_hour` [7]: the local hour
at which due report e-mails are sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Callable

from pulso import events

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The real clock."""
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Job:
    """A named job, its trigger and when it runs next."""

    name: str
    trigger: Any
    fn: Callable[[dt.datetime], Any]
    next_at: dt.datetime | None = None
    runs: int = 0


class Scheduler:
    """Runs alert evaluation and report delivery when due by `clock`."""

    def __init__(self, store, engine_factory: Callable[[], Any], *, clock: Clock = utc_now,
                 runner: Callable[[Callable[[], Any]], Any] | None = None):
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        self.store = store
        self.engine_factory = engine_factory
        self.clock = clock
        self.runner = runner or (lambda fn: fn())
        self._background = None
        settings = self.runner(store.settings_dict)
        tz = settings.get("timezone", "UTC")
        try:
            minutes = int(settings.get("alert_interval_minutes") or 15)
            hour = int(settings.get("report_hour") or 7)
        except ValueError:
            minutes, hour = 15, 7
        now = clock()
        self.jobs: list[Job] = []
        if minutes > 0:
            self.jobs.append(Job("alerts", IntervalTrigger(minutes=minutes, start_date=now, timezone=dt.timezone.utc),
                                 self._alerts))
            self.jobs.append(Job("reports", CronTrigger(hour=min(23, max(0, hour)), minute=0, timezone=tz),
                                 self._reports))
        for job in self.jobs:
            job.next_at = job.trigger.get_next_fire_time(None, now)

    def _alerts(self, now: dt.datetime):
        from pulso.alerts.inbox import run

        return self.runner(lambda: run(self.store, self.engine_factory(), now))

    def _reports(self, now: dt.datetime):
        from pulso.reports.mail import send_due

        return self.runner(lambda: send_due(self.store, self.engine_factory(), now))

    def tick(self) -> list[tuple[str, Any]]:
        """Run every job due by the clock's now (each once, however late); returns (job, result)."""
        now = self.clock()
        done = []
        for job in self.jobs:
            if job.next_at is None or job.next_at > now:
                continue
            try:
                done.append((job.name, job.fn(now)))
            except Exception:  # a failing job is logged and tried again at its next time
                log.exception("scheduled job %s failed", job.name)
            job.runs += 1
            job.next_at = job.trigger.get_next_fire_time(job.next_at, now)
            while job.next_at is not None and job.next_at <= now:  # skip the times missed meanwhile
                job.next_at = job.trigger.get_next_fire_time(job.next_at, now)
        return done

    def start(self) -> None:
        """Tick every minute in a background thread (the server)."""
        if not self.jobs or self._background is not None:
            return
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        self._background = BackgroundScheduler(timezone=dt.timezone.utc)
        self._background.add_job(self.tick, IntervalTrigger(minutes=1), id="pulso-tick", max_instances=1,
                                 coalesce=True)
        self._background.start()

    def stop(self) -> None:
        """Stop the background thread."""
        if self._background is not None:
            self._background.shutdown(wait=False)
            self._background = None


def alert_rules_on_data(store, *, source: str, tables: tuple[str, ...] = ()) -> None:
    """Run the enabled alert rules after new data arrived (an import or an API batch)."""
    from pulso.alerts import on_data

    on_data(store, source=source, tables=tables)


def subscribe() -> None:
    """Subscribe the alert rules to data arrivals (safe to call again)."""
    events.on_data_arrived(alert_rules_on_data)


def start(store, engine_factory: Callable[[], Any], *, runner: Callable[[Callable[[], Any]], Any] | None = None,
          clock: Clock = utc_now) -> Scheduler:
    """Subscribe the alert rules and start the schedule in a background thread (the server)."""
    subscribe()
    scheduler = Scheduler(store, engine_factory, clock=clock, runner=runner)
    scheduler.start()
    return scheduler
