"""What every part of the generator shares: the size, the seed, the calendar and the name pools."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa

from pulso.demo.clock import Window
from pulso.demo.names import Pools

# Segments: share of leads, conversion multiplier, sales-cycle median (days), churn multiplier.
SEGMENTS = ("SMB", "Mid-market", "Enterprise")
SEGMENT_SHARE = np.array([0.70, 0.22, 0.08])
SEGMENT_CONVERSION = np.array([1.0, 0.9, 0.7])
SEGMENT_CYCLE_DAYS = np.array([28.0, 45.0, 75.0])
SEGMENT_CHURN = np.array([1.25, 0.8, 0.45])

# Plans: name, list price per seat and month (EUR); seats by segment: base + Poisson(mean).
PLANS = ("Básico", "Profesional", "Empresa")
PLAN_PRICE = np.array([59.0, 149.0, 449.0])
PLAN_BY_SEGMENT = np.array([[0.60, 0.35, 0.05], [0.20, 0.55, 0.25], [0.0, 0.30, 0.70]])
SEATS = np.array([[1, 1.0], [2, 2.5], [5, 8.0]])


@dataclass(frozen=True)
class World:
    """The parameters of one generation."""

    seed: int
    n_accounts: int
    window: Window
    pools: Pools

    @property
    def scale(self) -> float:
        """Business size relative to `small` (1,000 accounts): fixed costs scale with it."""
        return self.n_accounts / 1000

    def rng(self, area: str) -> np.random.Generator:
        """An independent random stream per area, so that one area's changes leave others alone."""
        return np.random.default_rng([self.seed, zlib.crc32(area.encode())])


def pick(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """`n` draws of category indices with probabilities `p` (vectorised, via the CDF)."""
    cdf = np.cumsum(p)
    return np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), len(p) - 1)


def pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row, each row with its own probabilities (rows of `probs`)."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cdf[:, -1]
    return np.minimum((cdf < u[:, None]).sum(axis=1), probs.shape[1] - 1)


def plan_and_price(rng: np.random.Generator, segment: np.ndarray, discount_extra: np.ndarray | float = 0.0):
    """(plan index, monthly amount in EUR) of a customer of each segment."""
    n = len(segment)
    plan = pick_rows(rng, PLAN_BY_SEGMENT[segment])
    seats = SEATS[segment, 0] + rng.poisson(SEATS[segment, 1])
    discount = np.clip(rng.uniform(0, 0.15, n) + discount_extra, 0, 0.5)
    return plan, np.round(PLAN_PRICE[plan] * seats * (1 - discount), 2)


def segment_of(rng: np.random.Generator, n: int) -> np.ndarray:
    """Segment index per row."""
    return pick(rng, SEGMENT_SHARE, n)


def spread(index: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Repeat each `index` `counts` times; also return the position within each repeat (0..k-1)."""
    rep = np.repeat(index, counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return rep, np.arange(len(rep)) - starts


def reorder(record, order: np.ndarray) -> None:
    """Apply a row permutation (or selection) to every per-row array field of a dataclass."""
    n = None
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, np.ndarray):
            n = len(value) if n is None else n
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, np.ndarray) and len(value) == n:
            setattr(record, f.name, value[order])
        elif isinstance(value, pa.Array) and len(value) == n:
            setattr(record, f.name, value.take(pa.array(order)))


def extend(record, extra: dict) -> None:
    """Append rows (a dict of the same per-row fields) to a dataclass of arrays."""
    for name, value in extra.items():
        current = getattr(record, name)
        if isinstance(current, pa.Array):
            setattr(record, name, pa.concat_arrays([current, value.cast(current.type)]))
        else:
            setattr(record, name, np.concatenate([current, np.asarray(value, dtype=current.dtype)]))


def inverse(order: np.ndarray) -> np.ndarray:
    """new row of each old row, for a permutation `order` (new → old)."""
    inv = np.empty_like(order)
    inv[order] = np.arange(len(order))
    return inv
