"""Lead sources, campaigns and their costs, spend by category and channel, and web sessions.

Planted here: `paid_social` brings the most leads and converts worst; `referral` brings the fewest
and converts best; one webinar campaign pays for itself many times over, and one trade-fair
campaign loses money (its costs are set against the revenue its leads actually won).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pulso.demo import clock
from pulso.demo.clock import DAY, HOUR
from pulso.demo.world import World, pick

# source, share of leads, lead quality (conversion multiplier), share of its leads that visited the site
SOURCES = (
    ("paid_social", 0.34, 0.30, 0.5),
    ("organic_search", 0.18, 1.0, 1.0),
    ("paid_search", 0.14, 0.9, 1.0),
    ("email", 0.09, 1.0, 0.3),
    ("webinar", 0.07, 1.2, 0.6),
    ("event", 0.06, 1.3, 0.0),
    ("outbound", 0.05, 0.7, 0.0),
    ("partner", 0.045, 1.5, 0.2),
    ("referral", 0.025, 2.6, 0.2),
)
SOURCE_NAMES = np.array([s[0] for s in SOURCES], dtype=object)
SOURCE_SHARE = np.array([s[1] for s in SOURCES])
SOURCE_QUALITY = np.array([s[2] for s in SOURCES])
SOURCE_WEB = np.array([s[3] for s in SOURCES])
POOR_SOURCE, BEST_SOURCE = "paid_social", "referral"
SRC = {name: i for i, name in enumerate(SOURCE_NAMES)}

# per campaign channel: fixed cost per campaign (× size) and cost per lead (EUR)
FIXED_COST = {"paid_social": 0, "paid_search": 0, "email": 400, "webinar": 3000, "event": 15000}
COST_PER_LEAD = {"paid_social": 45, "paid_search": 110, "email": 12, "webinar": 70, "event": 180}
GOOD_CAMPAIGN = "Webinar: cómo medir los KPIs de tu pyme"
BAD_CAMPAIGN = "Expo Internacional Ventas & CRM"
WEBINARS = ("Webinar: del Excel al CRM", "Webinar: ventas consultivas", GOOD_CAMPAIGN,
            "Webinar: fideliza a tus clientes", "Webinar: automatiza tu atención al cliente")
EVENTS = ("Feria Sales & Marketing Madrid", BAD_CAMPAIGN, "Congreso Pymes Digitales Valencia",
          "SaaS Summit Monterrey")


@dataclass
class Campaigns:
    """Campaign rows; `cost` is filled once the revenue of their leads is known."""

    name: list[str]
    source: np.ndarray
    start: np.ndarray
    end: np.ndarray
    boost: np.ndarray  # extra lead volume of its source while it runs
    quality: np.ndarray  # conversion multiplier of its leads
    good: int
    bad: int
    cost: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def frame(self) -> dict[str, object]:
        n = len(self.name)
        return {"id": np.arange(n), "name": self.name, "channel": SOURCE_NAMES[self.source],
                "started_at": self.start, "ended_at": self.end, "cost": self.cost,
                "currency": pa.array(["EUR"] * n)}

    def daily(self, window: clock.Window) -> tuple[np.ndarray, np.ndarray]:
        """(volume boost, running campaign) per source and window day."""
        days = window.end_day - window.start_day
        boost = np.ones((len(SOURCES), days))
        running = np.full((len(SOURCES), days), -1)
        for c in range(len(self.name)):
            lo = max(self.start[c] // DAY - window.start_day, 0)
            hi = min(self.end[c] // DAY - window.start_day + 1, days)
            boost[self.source[c], lo:hi] = self.boost[c]
            running[self.source[c], lo:hi] = c
        return boost, running


def plan_campaigns(world: World) -> Campaigns:
    """The campaign calendar of the 24 months, with the two planted ones."""
    w, rng = world.window, world.rng("campaigns")
    rows: list[tuple] = []

    def add(name, source, first, last, boost, quality, day=0, days=None):
        start = w.month_start(first) + day * DAY + 9 * HOUR
        end = start + days * DAY - 1 if days else w.month_start(last + 1) - 1
        rows.append((name, SRC[source], start, end, boost, quality))

    def span(a, b):
        return w.month_name(a) if a == b else f"{w.month_name(a)} – {w.month_name(b)}"

    for q in range(8):
        add(f"Meta Ads · {span(3 * q, 3 * q + 2)}", "paid_social", 3 * q, 3 * q + 2, 1.3, rng.uniform(0.8, 1.2))
    for h in range(4):
        add(f"Google Ads · {span(6 * h, 6 * h + 5)}", "paid_search", 6 * h, 6 * h + 5, 1.25, rng.uniform(0.8, 1.2))
    for m in range(1, 24, 3):
        add(f"Newsletter {w.month_name(m)}", "email", m, m, 1.8, rng.uniform(0.8, 1.2))
    webinar_months = ((2, 2), (6, 6), (11, 13), (17, 17), (21, 21))
    for title, (a, b) in zip(WEBINARS, webinar_months):
        good = title == GOOD_CAMPAIGN
        add(title, "webinar", a, b, 3.0 if good else 2.0, 1.8 if good else rng.uniform(0.8, 1.2))
    for title, m in zip(EVENTS, (4, 7, 15, 19)):
        bad = title == BAD_CAMPAIGN
        add(title, "event", m, m, 4.0 if bad else 2.5, 0.25 if bad else rng.uniform(0.8, 1.2), day=6, days=21)
    order = sorted(range(len(rows)), key=lambda i: (rows[i][2], rows[i][0]))
    rows = [rows[i] for i in order]
    names = [r[0] for r in rows]
    return Campaigns(
        name=names,
        source=np.array([r[1] for r in rows]),
        start=np.array([r[2] for r in rows], dtype=np.int64),
        end=np.array([r[3] for r in rows], dtype=np.int64),
        boost=np.array([r[4] for r in rows]),
        quality=np.array([r[5] for r in rows]),
        good=names.index(GOOD_CAMPAIGN),
        bad=names.index(BAD_CAMPAIGN),
    )


def set_costs(world: World, camps: Campaigns, leads_per_campaign: np.ndarray, revenue: np.ndarray) -> None:
    """Costs from each channel's fixed cost and cost per lead; the planted two are made unmistakable."""
    rng = world.rng("campaign-costs")
    channel = SOURCE_NAMES[camps.source]
    fixed = np.array([FIXED_COST[c] for c in channel]) * world.scale
    per_lead = np.array([COST_PER_LEAD[c] for c in channel])
    cost = (fixed + per_lead * leads_per_campaign) * rng.uniform(0.85, 1.15, len(channel))
    g, b = camps.good, camps.bad
    cost[b] = max(45_000 * world.scale, 2.5 * revenue[b] + 1_000)  # a big stand, travel and sponsorship
    if revenue[g] > 0:
        cost[g] = min(cost[g], revenue[g] / 3)
    camps.cost = np.round(cost, -1)


def spend(world: World, camps: Campaigns, reps_active: np.ndarray) -> dict[str, object]:
    """Monthly spend rows: campaigns (marketing), always-on marketing, sales and retention."""
    w, rng = world.window, world.rng("spend")
    cat, chan, camp, start, end, amount = [], [], [], [], [], []

    def row(category, channel, campaign, first_day, last_day, value):
        cat.append(category), chan.append(channel), camp.append(campaign)
        start.append(first_day), end.append(last_day), amount.append(value)

    for c in range(len(camps.name)):
        first, last = camps.start[c] // DAY, camps.end[c] // DAY
        total = last - first + 1
        for m in range(24):
            lo, hi = max(first, w.month_days[m]), min(last, w.month_days[m + 1] - 1)
            if lo <= hi:
                row("marketing", SOURCE_NAMES[camps.source[c]], c, lo, hi, camps.cost[c] * (hi - lo + 1) / total)
    monthly = (
        ("marketing", "organic_search", 1_800), ("marketing", "partner", 900), ("marketing", "referral", 300),
        ("sales", "salaries", 30_000), ("sales", "tools", 3_500), ("sales", "travel", 2_500),
        ("retention", "customer_success", 4_000), ("retention", "loyalty", 700), ("retention", "support_tools", 500),
    )
    growth = 1 + clock.GROWTH * np.arange(24) / 12
    for category, channel, base in monthly:
        for m in range(24):
            value = base * world.scale * growth[m] * rng.uniform(0.9, 1.1)
            if category == "sales" and channel == "salaries":
                value = base * world.scale * reps_active[m] / reps_active.mean() * rng.uniform(0.98, 1.02)
            row(category, channel, -1, w.month_days[m], w.month_days[m + 1] - 1, value)
    n = len(cat)
    return {"id": np.arange(n), "category": cat, "channel": chan, "campaign_id": np.array(camp),
            "period_start": np.array(start), "period_end": np.array(end), "amount": np.round(amount, 2),
            "currency": pa.array(["EUR"] * n)}


# Session sources: the lead sources plus "direct"; indices into this list.
SESSION_SOURCES = pa.array(list(SOURCE_NAMES) + ["direct"])
SESSION_SHARE = np.zeros(len(SOURCES) + 1)
SESSION_SHARE[[SRC["organic_search"], len(SOURCES), SRC["paid_social"], SRC["paid_search"], SRC["referral"],
               SRC["email"]]] = [0.35, 0.2, 0.2, 0.12, 0.08, 0.05]
PAGES = pa.array(["/", "/precios", "/producto", "/blog/kpis-de-ventas", "/blog/que-es-un-crm", "/blog/nps",
                  "/casos-de-exito", "/en", "/en/pricing", "/demo", "/contacto", "/webinar"])
PAGE_SHARE = np.array([0.25, 0.12, 0.1, 0.12, 0.1, 0.06, 0.05, 0.08, 0.04, 0.04, 0.02, 0.02])
FORM_PAGES = np.array([9, 10, 1, 11])
ANONYMOUS_PER_LEAD_VISITOR = 3.0  # visitor-to-lead rate ≈ 25 %: light traffic keeps `large` loadable


def visitor_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """Random-looking 16-hex-digit cookie ids."""
    hexes = pa.array([f"{b:02x}" for b in range(256)])
    raw = rng.integers(0, 256, (8, n), dtype=np.int64)
    return pc.binary_join_element_wise(*(hexes.take(pa.array(raw[k])) for k in range(8)), "")


def web_sessions(world: World, lead_created: np.ndarray, lead_source: np.ndarray, visitor: pa.Array,
                 has_visitor: np.ndarray) -> dict[str, object]:
    """Sessions of leads' visitors before they filled in a form, and of visitors who never did."""
    w, rng = world.window, world.rng("web")
    lv = np.flatnonzero(has_visitor)
    k = 1 + rng.poisson(0.8, len(lv))
    owner = np.repeat(lv, k)
    last = np.repeat(np.cumsum(k) - 1, k) == np.arange(len(owner))
    duration = np.minimum(clock.lognormal(rng, np.where(last, 240, 70), 1.0, len(owner)), 7200).astype(np.int64)
    back = np.where(last, duration + rng.integers(0, 120, len(owner)),
                    (rng.uniform(0.3, 30, len(owner)) * DAY).astype(np.int64))
    started = lead_created[owner] - back
    source = np.where(last, lead_source[owner], pick(rng, SESSION_SHARE, len(owner)))
    page = np.where(last, FORM_PAGES[rng.integers(0, 4, len(owner))], pick(rng, PAGE_SHARE, len(owner)))
    vid = visitor.take(pa.array(owner))

    n_anon = int(len(lv) * ANONYMOUS_PER_LEAD_VISITOR)
    ka = 1 + rng.poisson(0.15, n_anon)
    m = int(ka.sum())
    a_started = w.sample_days(rng, m) * DAY + clock.time_of_day(rng, m)
    a_vid = visitor_ids(rng, n_anon).take(pa.array(np.repeat(np.arange(n_anon), ka)))
    a_duration = np.minimum(clock.lognormal(rng, 55, 1.1, m), 7200).astype(np.int64)

    started = np.concatenate([started, a_started])
    keep = (started >= w.start) & (started < w.end)
    order = np.argsort(np.where(keep, started, np.iinfo(np.int64).max), kind="stable")[: int(keep.sum())]
    take = pa.array(order)
    return {
        "id": np.arange(len(order)),
        "visitor_id": pa.concat_arrays([vid, a_vid]).take(take),
        "source": SESSION_SOURCES.take(pa.array(np.concatenate([source, pick(rng, SESSION_SHARE, m)])[order])),
        "started_at": started[order],
        "duration_s": np.concatenate([duration, a_duration])[order],
        "landing_page": PAGES.take(pa.array(np.concatenate([page, pick(rng, PAGE_SHARE, m)])[order])),
    }
