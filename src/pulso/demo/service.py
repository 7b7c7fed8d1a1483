"""Support tickets and the surveys customers answer (NPS, CES on three scales, CSAT).

Planted: automatic notifications start in one month (10 months before as_of); from then on the
median first response falls from about 48 h to about 24 h (seed 000's example) and first responses
are flagged as automated (except on the phone, which a person always answers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pulso.demo import clock, retention
from pulso.demo.clock import DAY, HOUR, NAT
from pulso.demo.people import Staff
from pulso.demo.world import World, pick

AUTOMATION_MONTHS_BEFORE = 10
FIRST_RESPONSE_HOURS = (48.0, 24.0)  # median before / from the automation month
TICKETS_PER_CUSTOMER_MONTH = 0.07
SEGMENT_TICKETS = np.array([1.0, 1.6, 2.5])
CHANNELS = pa.array(["email", "phone", "chat", "web"])
CHANNEL_SHARE = np.array([0.45, 0.2, 0.25, 0.1])
PHONE = 1
PRIORITIES = pa.array(["low", "medium", "high", "urgent"])
PRIORITY_SHARE = np.array([0.3, 0.45, 0.2, 0.05])
RESOLUTION_HOURS = np.array([60.0, 36.0, 18.0, 8.0])  # median, after the first response
STATUSES = pa.array(["open", "pending", "resolved", "closed"])


def automation_month() -> int:
    """Window month index in which automatic notifications start."""
    return 23 - AUTOMATION_MONTHS_BEFORE


@dataclass
class Tickets:
    """Tickets as arrays, in id order (by opening time)."""

    account: np.ndarray
    owner: np.ndarray
    channel: np.ndarray
    priority: np.ndarray
    opened: np.ndarray
    first: np.ndarray
    automated: np.ndarray  # int8, −1 while unanswered
    resolved: np.ndarray
    closed_flag: np.ndarray  # 1 for resolved tickets closed after a week

    def frame(self) -> dict[str, object]:
        n = len(self.opened)
        status = np.select([self.resolved != NAT, self.first != NAT], [2, 1], 0)
        return {"id": np.arange(n), "account_id": self.account, "owner_id": self.owner,
                "channel": CHANNELS.take(pa.array(self.channel)), "priority": PRIORITIES.take(pa.array(self.priority)),
                "status": STATUSES.take(pa.array(status + self.closed_flag)), "opened_at": self.opened,
                "first_response_at": self.first, "first_response_automated": self.automated,
                "resolved_at": self.resolved}


def tickets(world: World, staff: Staff, acquired: np.ndarray, churned: np.ndarray, segment: np.ndarray) -> Tickets:
    """Tickets of customers while they are customers; first response and resolution times."""
    rng, w = world.rng("tickets"), world.window
    lo, hi = retention.active_span(world, acquired, churned)
    weight = SEGMENT_TICKETS[segment]
    n = round(TICKETS_PER_CUSTOMER_MONTH * ((hi - lo) * weight).sum() / (30.4 * DAY))
    who, opened = retention.sample_customer_times(rng, lo, hi, n, weight)
    office = rng.random(n) < 0.85
    opened = np.where(office, clock.at_work(rng, opened, lo[who], hi[who] - 1), opened)
    order = np.argsort(opened, kind="stable")
    who, opened = who[order], opened[order]

    channel = pick(rng, CHANNEL_SHARE, n)
    priority = pick(rng, PRIORITY_SHARE, n)
    after = opened >= w.month_start(automation_month())
    median = np.where(after, FIRST_RESPONSE_HOURS[1], FIRST_RESPONSE_HOURS[0]) * HOUR
    first = clock.cap(opened + clock.lognormal(rng, median, 0.5, n).astype(np.int64), w.end)
    automated = np.where(first == NAT, -1, after & (channel != PHONE)).astype(np.int8)
    resolution = clock.lognormal(rng, RESOLUTION_HOURS[priority] * HOUR, 0.8, n).astype(np.int64)
    resolved = np.where(first == NAT, NAT, clock.cap(first + resolution, w.end))
    closed_flag = ((resolved != NAT) & (resolved < w.end - 7 * DAY)).astype(int)
    return Tickets(account=who, owner=staff.agents[rng.integers(0, len(staff.agents), n)], channel=channel,
                   priority=priority, opened=opened, first=first, automated=automated, resolved=resolved,
                   closed_flag=closed_flag)


# CES: the survey tool asks on a scale that depends on the channel, (min, max, high_is_good).
CES_SCALES = {0: (1.0, 7.0, True), 2: (0.0, 100.0, True), 1: (0.0, 10.0, False), 3: (0.0, 10.0, False)}
GOOD = ("Muy rápidos, gracias", "Great support", "Resolvieron todo a la primera", "Atención excelente",
        "Quick and helpful")
BAD = ("Tardaron demasiado en responder", "Too slow", "Tuve que insistir varias veces", "Nadie me llamó",
       "Poco claro")


def surveys(world: World, t: Tickets, acquired: np.ndarray, churned: np.ndarray) -> dict[str, object]:
    """NPS from customers every few months; CSAT and CES after resolved tickets."""
    rng, w = world.rng("surveys"), world.window
    lo, hi = retention.active_span(world, acquired, churned)
    n_nps = round(0.07 * (hi - lo).sum() / (30.4 * DAY))
    who, when = retention.sample_customer_times(rng, lo, hi, n_nps)
    leaving = (churned[who] != NAT) & (churned[who] - when < 120 * DAY)
    later = when >= w.month_start(automation_month())
    mood = np.where(leaving[:, None], [0.1, 0.3, 0.6], np.where(later[:, None], [0.5, 0.3, 0.2], [0.44, 0.32, 0.24]))
    group = (rng.random(n_nps)[:, None] > np.cumsum(mood, axis=1)).sum(axis=1)
    nps = np.select([group == 0, group == 1], [rng.integers(9, 11, n_nps), rng.integers(7, 9, n_nps)],
                    np.minimum(rng.choice(7, n_nps, p=[0.04, 0.04, 0.06, 0.1, 0.14, 0.26, 0.36]), 6))

    done = np.flatnonzero(t.resolved != NAT)
    frt = (t.first[done] - t.opened[done]) / HOUR
    asked = clock.cap(t.resolved[done] + rng.integers(360, 48 * HOUR, len(done)), w.end)
    csat_rows = done[(rng.random(len(done)) < 0.35) & (asked != NAT)]
    csat_at = asked[np.searchsorted(done, csat_rows)]
    frt_c = frt[np.searchsorted(done, csat_rows)]
    happy = rng.random(len(csat_rows)) < np.select([frt_c < 24, frt_c < 48], [0.85, 0.72], 0.55)
    csat = np.where(happy, np.where(rng.random(len(csat_rows)) < 0.6, 5, 4),
                    rng.choice([1, 2, 3], len(csat_rows), p=[0.2, 0.3, 0.5]))

    ces_rows = done[(rng.random(len(done)) < 0.2) & (asked != NAT)]
    ces_at = asked[np.searchsorted(done, ces_rows)]
    frt_e = frt[np.searchsorted(done, ces_rows)]
    ease = rng.beta(np.where(frt_e < 24, 6.0, 3.5), 2.0)
    scale = np.array([CES_SCALES[c] for c in t.channel[ces_rows]]).reshape(-1, 3)
    smin, smax, high_good = scale[:, 0], scale[:, 1], scale[:, 2].astype(bool)
    ces = np.round(np.where(high_good, smin + ease * (smax - smin), smax - ease * (smax - smin)))

    k = (np.zeros(n_nps, int), np.full(len(csat_rows), 2), np.ones(len(ces_rows), int))
    kind = np.concatenate(k)
    score = np.concatenate([nps, csat, ces]).astype(float)
    answered = np.concatenate([when, csat_at, ces_at])
    positive = np.concatenate([group == 0, happy, ease > 0.6])
    order = np.argsort(answered, kind="stable")
    n = len(order)
    comment_pool = pa.array(list(GOOD) + list(BAD))
    pick_comment = np.where(positive, rng.integers(0, len(GOOD), n), len(GOOD) + rng.integers(0, len(BAD), n))
    has_comment = rng.random(n) < 0.15
    comment = comment_pool.take(pa.array(pick_comment[order], mask=~has_comment[order]))
    return {
        "id": np.arange(n),
        "account_id": np.concatenate([who, t.account[csat_rows], t.account[ces_rows]])[order],
        "ticket_id": np.concatenate([np.full(n_nps, -1), csat_rows, ces_rows])[order],
        "kind": pa.array(["nps", "ces", "csat"]).take(pa.array(kind[order])),
        "score": score[order],
        "scale_min": np.concatenate([np.zeros(n_nps), np.ones(len(csat_rows)), smin])[order],
        "scale_max": np.concatenate([np.full(n_nps, 10.0), np.full(len(csat_rows), 5.0), smax])[order],
        "high_is_good": np.concatenate([np.ones(n_nps + len(csat_rows), bool), high_good])[order],
        "answered_at": answered[order],
        "comment": comment,
    }
