"""Customers after the sale: churn (with the planted spike) and yearly subscriptions with renewals.

Every customer churns with a small monthly hazard that depends on its segment; in the spike month
the hazard is several times higher, mostly for one reason (a price rise). Subscriptions run in
yearly terms from the acquisition date; a term that ends while the customer is still there is
renewed (and a renewal deal is won shortly before); the term in which a customer churns is
cancelled at the churn date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pulso.demo import clock
from pulso.demo.clock import DAY, NAT
from pulso.demo.world import PLANS, SEGMENT_CHURN, World, pick

MONTHLY_CHURN = 0.013
SPIKE_FACTOR = 5.0
CHURN_SPIKE_MONTHS_BEFORE = 7  # months before the month of as_of
CHURN_REASONS = pa.array(["Precio", "Se cambió a la competencia", "Cierre del negocio", "Poco uso",
                          "Mala experiencia con el soporte", "Subida de precios"])
REASON_SHARE = np.array([0.25, 0.25, 0.15, 0.25, 0.10, 0.0])
SPIKE_REASON_SHARE = np.array([0.08, 0.1, 0.04, 0.06, 0.02, 0.7])
YEAR = 365 * DAY
PRICE_RISE = 1.04  # per renewal


def spike_month() -> int:
    """Window month index of the churn spike."""
    return 23 - CHURN_SPIKE_MONTHS_BEFORE


def churn(world: World, acquired: np.ndarray, segment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(churned_at, reason index or −1) for each account; prospects (no acquired_at) never churn."""
    rng, w = world.rng("churn"), world.window
    n = len(acquired)
    churned = np.full(n, NAT, dtype=np.int64)
    reason = np.full(n, -1)
    is_customer = acquired != NAT
    spike = spike_month()
    for m in range(24):
        lo, hi = w.month_start(m), min(w.month_start(m + 1), w.end)
        at_risk = np.flatnonzero(is_customer & (acquired < lo) & (churned == NAT))
        hazard = MONTHLY_CHURN * SEGMENT_CHURN[segment[at_risk]] * (SPIKE_FACTOR if m == spike else 1.0)
        hit = at_risk[rng.random(len(at_risk)) < hazard * (hi - lo) / (30.4 * DAY)]
        churned[hit] = lo + (rng.random(len(hit)) * (hi - lo)).astype(np.int64)
        reason[hit] = pick(rng, SPIKE_REASON_SHARE if m == spike else REASON_SHARE, len(hit))
    return churned, reason


@dataclass
class Subscriptions:
    """Yearly terms that overlap the window, and the renewal deals they call for."""

    account: np.ndarray
    plan: np.ndarray
    monthly: np.ndarray
    started: np.ndarray
    term_end: np.ndarray
    renewed: np.ndarray  # int8: 1 yes, 0 no, −1 not decided yet
    cancelled: np.ndarray  # churn time of the account (used for the term that is cancelled)

    def frame(self) -> dict[str, object]:
        n = len(self.account)
        cancelled = np.where(self.renewed == 0, self.cancelled, NAT)
        return {"id": np.arange(n), "account_id": self.account, "plan": pa.array(PLANS).take(pa.array(self.plan)),
                "monthly_amount": self.monthly, "currency": pa.array(["EUR"] * n), "started_at": self.started,
                "term_end_at": self.term_end, "renewed": self.renewed, "cancelled_at": cancelled}


def subscriptions(world: World, acquired: np.ndarray, churned: np.ndarray, plan: np.ndarray,
                  monthly: np.ndarray) -> Subscriptions:
    """Terms of every customer from the one running at the window's start (or acquisition) on."""
    w = world.window
    cust = np.flatnonzero(acquired != NAT)
    acq = acquired[cust]
    stop = np.where(churned[cust] != NAT, churned[cust], w.end)
    first = np.maximum((w.start - acq) // YEAR, 0)
    last = np.maximum((stop - 1 - acq) // YEAR, first)
    k_count = last - first + 1
    row = np.repeat(np.arange(len(cust)), k_count)
    k = np.repeat(first, k_count) + np.arange(len(row)) - np.repeat(np.cumsum(k_count) - k_count, k_count)
    account = cust[row]
    started = acq[row] + k * YEAR
    term_end = started + YEAR
    ch = churned[account]
    renewed = np.where((ch != NAT) & (ch < term_end), 0, np.where(term_end < w.end, 1, -1)).astype(np.int8)
    order = np.lexsort((started, account))
    return Subscriptions(
        account=account[order], plan=plan[account][order],
        monthly=np.round(monthly[account] * PRICE_RISE ** k, 2)[order],
        started=started[order], term_end=term_end[order], renewed=renewed[order], cancelled=ch[order],
    )


@dataclass
class Renewals:
    """Renewal deals: one per term ending in (or shortly after) the window that was up for renewal."""

    account: np.ndarray
    created: np.ndarray
    closed: np.ndarray
    status: np.ndarray  # 0 open, 1 won, 2 lost
    amount: np.ndarray


def renewal_deals(world: World, subs: Subscriptions) -> Renewals:
    """Won when the term was renewed, lost when the customer left in the term's last 60 days,
    open when the term ends within 45 days after as_of."""
    rng, w = world.rng("renewals"), world.window
    created = clock.office(rng, subs.term_end - 45 * DAY - rng.integers(0, 15 * DAY, len(subs.account)))
    won = (subs.renewed == 1) & (created >= w.start)
    lost = (subs.renewed == 0) & (subs.cancelled >= subs.term_end - 60 * DAY) & (created >= w.start)
    created = np.where(lost, np.minimum(created, subs.cancelled - DAY), created)
    lost &= created >= w.start
    pending = (subs.renewed == -1) & (created < w.end) & (created >= w.start)
    keep = won | lost | pending
    renewed_at = clock.office(rng, subs.term_end - rng.integers(0, 30 * DAY, len(won)))
    closed = np.select([won, lost], [np.minimum(renewed_at, w.end - 1), subs.cancelled], NAT)
    closed = np.where(won, np.maximum(closed, created + DAY), closed)
    closed = np.where(closed >= w.end, NAT, closed)
    status = np.select([closed == NAT, won], [0, 1], 2)
    amount = np.round(12 * subs.monthly * PRICE_RISE, 2)
    return Renewals(subs.account[keep], created[keep], closed[keep], status[keep], amount[keep])


def active_span(world: World, acquired: np.ndarray, churned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[from, to) of each account's time as a customer inside the window (empty for prospects)."""
    w = world.window
    lo = np.where(acquired != NAT, np.maximum(acquired, w.start), w.end)
    hi = np.where(churned != NAT, churned, w.end)
    return lo, np.maximum(hi, lo)


def sample_customer_times(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, n: int,
                          weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`n` (account, time) pairs spread over the customers' active time, weighted by its length."""
    span = (hi - lo).astype(np.float64) * (1.0 if weight is None else weight)
    who = pick(rng, span, n)
    return who, clock.between(rng, lo[who], hi[who])
