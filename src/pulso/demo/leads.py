"""Leads and their funnel: created → MQL → SQL → customer, or disqualified along the way.

A lead's chance of becoming a customer is the product of its source's quality, its campaign's,
its segment's and its rep's skill; the weak rep's leads reach SQL as often as anyone's but are
rarely won. Every MQL opens a deal (stage "Nuevo"); SQL moves it to "Cualificado"; the deal's
outcome decides `converted_at`. Events after `as_of` have not happened: they are left empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pulso.demo import clock, marketing, names, people
from pulso.demo.clock import DAY, NAT
from pulso.demo.marketing import Campaigns
from pulso.demo.people import Staff
from pulso.demo.world import (SEGMENT_CONVERSION, SEGMENT_CYCLE_DAYS, World, inverse, pick, plan_and_price, reorder,
                              segment_of)

LEADS_PER_ACCOUNT = 5.0
BASE_CONVERSION, BASE_SQL, BASE_MQL = 0.16, 0.36, 0.55
STALL = 0.2  # share of SQL deals that are neither won nor lost quickly (stale pipeline)
WEAK_STALL = 0.45

# funnel tiers: how far a lead would get if nothing stopped the clock
NOT_MQL, MQL_ONLY, SQL_LOST, SQL_STALLED, WON = range(5)


@dataclass
class Leads:
    """Leads as arrays (one row each), with the deal each MQL opens."""

    created: np.ndarray
    mql: np.ndarray
    sql: np.ndarray
    converted: np.ndarray
    disqualified: np.ndarray
    owner: np.ndarray
    team: np.ndarray
    country: np.ndarray
    segment: np.ndarray
    source: np.ndarray  # index into marketing.SOURCES, −1 for none
    campaign: np.ndarray  # −1 for none
    tier: np.ndarray
    deal_close: np.ndarray  # close time of the lead's deal, NAT if open or none
    plan: np.ndarray
    monthly: np.ndarray
    has_visitor: np.ndarray
    name: pa.Array
    email: pa.Array
    phone: pa.Array
    company: pa.Array
    visitor: pa.Array
    original: np.ndarray  # the lead this one is a planted duplicate of, −1 if none
    account: np.ndarray  # −1 until accounts are made

    @property
    def has_deal(self) -> np.ndarray:
        return self.mql != NAT

    def frame(self) -> dict[str, object]:
        src = pa.array(list(marketing.SOURCE_NAMES)).take(
            pa.array(np.where(self.source < 0, 0, self.source), mask=self.source < 0))
        return {
            "id": np.arange(len(self.created)), "name": self.name, "email": self.email, "phone": self.phone,
            "company": self.company, "source": src, "campaign_id": self.campaign, "visitor_id": self.visitor,
            "owner_id": self.owner, "created_at": self.created, "mql_at": self.mql, "sql_at": self.sql,
            "converted_at": self.converted, "account_id": self.account, "disqualified_at": self.disqualified,
        }


def build(world: World, staff: Staff, camps: Campaigns) -> Leads:
    """Leads over the window, shaped by season, campaigns and source mix, with their funnel."""
    rng, w = world.rng("leads"), world.window
    n = round(world.n_accounts * LEADS_PER_ACCOUNT)
    boost, running = camps.daily(w)
    weights = marketing.SOURCE_SHARE[:, None] * w.day_weights()[None, :] * boost
    days = weights.shape[1]
    cell = pick(rng, weights.ravel(), n)
    source, day = cell // days, cell % days
    created = (w.start_day + day) * DAY + clock.time_of_day(rng, n)
    camp = running[source, day]
    joins = rng.random(n) < 1 - 0.35 / boost[source, day]
    campaign = np.where((camp >= 0) & joins, camp, -1)

    country = pick(rng, names.COUNTRY_SHARE, n)
    team = names.COUNTRY_TEAM[country]
    owner = people.assign(rng, staff, team, created)
    segment = segment_of(rng, n)
    weak = owner == staff.weak_rep

    quality = (marketing.SOURCE_QUALITY[source] * SEGMENT_CONVERSION[segment]
               * np.where(campaign >= 0, camps.quality[np.maximum(campaign, 0)], 1.0))
    p_conv = np.clip(BASE_CONVERSION * quality * staff.skill[owner], 0, 0.8)
    p_sql = np.clip(BASE_SQL * np.sqrt(quality), p_conv, 0.9)
    p_mql = np.clip(BASE_MQL * quality**0.25, p_sql, 0.95)
    u = rng.random(n)
    stalled = rng.random(n) < np.where(weak, WEAK_STALL, STALL)
    tier = np.select([u < p_conv, (u < p_sql) & stalled, u < p_sql, u < p_mql],
                     [WON, SQL_STALLED, SQL_LOST, MQL_ONLY], NOT_MQL)

    office = clock.office
    mql = office(rng, created + np.maximum(clock.lognormal(rng, 3 * DAY, 0.8, n), 900).astype(np.int64))
    sql = office(rng, mql + clock.lognormal(rng, 6 * DAY, 0.7, n).astype(np.int64))
    cycle = SEGMENT_CYCLE_DAYS[segment] * DAY * np.where(weak, 1.3, 1.0)
    close = office(rng, np.select(
        [tier == WON, tier == SQL_LOST, tier == SQL_STALLED, tier == MQL_ONLY],
        [sql + clock.lognormal(rng, cycle, 0.45, n), sql + clock.lognormal(rng, 0.6 * cycle, 0.6, n),
         sql + rng.uniform(120, 400, n) * DAY, mql + clock.lognormal(rng, 12 * DAY, 0.6, n)],
        NAT,
    ).astype(np.int64))
    end = w.end
    mql = np.where(tier >= MQL_ONLY, clock.cap(mql, end), NAT)
    sql = np.where((tier >= SQL_LOST) & (mql != NAT), clock.cap(sql, end), NAT)
    close = np.where(mql != NAT, clock.cap(close, end), NAT)
    close = np.where((tier >= SQL_LOST) & (sql == NAT), NAT, close)  # still qualifying: open
    converted = np.where(tier == WON, close, NAT)
    dropped = clock.cap(office(rng, created + clock.lognormal(rng, 5 * DAY, 0.8, n).astype(np.int64)), end)
    disqualified = np.select([(tier == NOT_MQL) & (rng.random(n) < 0.65), tier == MQL_ONLY], [dropped, close], NAT)

    plan, monthly = plan_and_price(rng, segment, np.where(weak, 0.1, 0.0))
    who = names.people(rng, world.pools, country)
    no_phone = rng.random(n) < 0.25
    no_email = (rng.random(n) < 0.3) & np.isin(source, [marketing.SRC["event"], marketing.SRC["outbound"]])
    has_visitor = rng.random(n) < marketing.SOURCE_WEB[source]
    visitor = marketing.visitor_ids(rng, n)
    return Leads(
        created=created, mql=mql, sql=sql, converted=converted, disqualified=disqualified,
        owner=owner, team=team, country=country, segment=segment, source=source, campaign=campaign,
        tier=tier, deal_close=close, plan=plan, monthly=monthly, has_visitor=has_visitor,
        name=who.name,
        email=_blank(names.make_unique(who.email), no_email),
        phone=_blank(who.phone, no_phone & ~no_email),
        company=who.company,
        visitor=_blank(visitor, ~has_visitor),
        original=np.full(n, -1),
        account=np.full(n, -1),
    )


def _blank(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)


def sort(leads: Leads) -> np.ndarray:
    """Number leads in order of creation (ids follow time); returns the permutation used."""
    order = np.argsort(leads.created, kind="stable")
    reorder(leads, order)
    inv = inverse(order)
    leads.original = np.where(leads.original >= 0, inv[np.maximum(leads.original, 0)], -1)
    return order
