"""Accounts, deals (new, upsell, cross-sell, renewal), their stage history, and orders.

Accounts come from leads that reached SQL (customers when their deal was won, otherwise some stay
as prospects) and from customers acquired before the window. Deals carry a configurable stage
(rows of `stages`); every move between stages is appended to `deal_stage_changes`, and a new
deal enters "Cualificado" exactly when its lead became an SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pulso.demo import clock, names, people, retention
from pulso.demo.clock import DAY, NAT
from pulso.demo.leads import MQL_ONLY, SQL_STALLED, Leads
from pulso.demo.marketing import SOURCE_NAMES, SOURCE_SHARE
from pulso.demo.people import Staff
from pulso.demo.world import (PLANS, SEGMENT_CYCLE_DAYS, World, inverse, pick, plan_and_price, reorder,
                              segment_of)

PROSPECT_SHARE = 0.15  # of SQL leads not (yet) won, that get an account
DEALS_PER_ACCOUNT = 5.1
# id suffix, name, position, kind, probability
STAGES = (("new", "Nuevo", 0, "open", 0.1), ("qualified", "Cualificado", 1, "open", 0.25),
          ("proposal", "Propuesta", 2, "open", 0.5), ("negotiation", "Negociación", 3, "open", 0.75),
          ("won", "Ganado", 4, "won", 1.0), ("lost", "Perdido", 5, "lost", 0.0))
WON_STAGE, LOST_STAGE = 4, 5
KINDS = pa.array(["new", "upsell", "cross_sell", "renewal"])
NEW, UPSELL, CROSS_SELL, RENEWAL = range(4)
OPEN, WON, LOST = range(3)
STATUSES = pa.array(["open", "won", "lost"])
LOST_REASONS = pa.array(["No cualificado", "Sin presupuesto", "Sin respuesta", "Precio", "Eligió a la competencia",
                         "Momento inadecuado", "Falta de funcionalidad", "No renueva"])
QUALIFY_REASONS, SALES_REASONS = np.array([0.5, 0.3, 0.2]), np.array([0, 0, 0.15, 0.35, 0.3, 0.12, 0.08])
ADDONS = pa.array(["Formación", "Integración ERP", "Módulo de analítica", "Soporte premium"])
ADDON_PRICE = np.array([900.0, 2400.0, 1200.0, 1800.0])
SEGMENT_FACTOR = np.array([1.0, 2.0, 4.0])


@dataclass
class Accounts:
    """Accounts as arrays, in id order (by creation time)."""

    created: np.ndarray
    acquired: np.ndarray
    churned: np.ndarray
    churn_reason: np.ndarray
    owner: np.ndarray
    country: np.ndarray
    segment: np.ndarray
    source: np.ndarray
    plan: np.ndarray
    monthly: np.ndarray
    lead: np.ndarray
    original: np.ndarray
    name: pa.Array
    email: pa.Array
    phone: pa.Array
    company: pa.Array

    def frame(self) -> dict[str, object]:
        src = pa.array(list(SOURCE_NAMES)).take(pa.array(np.maximum(self.source, 0), mask=self.source < 0))
        reason = retention.CHURN_REASONS.take(pa.array(np.maximum(self.churn_reason, 0), mask=self.churn_reason < 0))
        segment = pa.array(["SMB", "Mid-market", "Enterprise"]).take(pa.array(self.segment))
        return {
            "id": np.arange(len(self.created)), "name": self.name, "email": self.email, "phone": self.phone,
            "company": self.company, "country": pa.array(list(names.COUNTRY_CODES)).take(pa.array(self.country)),
            "segment": segment, "source": src, "owner_id": self.owner, "created_at": self.created,
            "acquired_at": self.acquired, "churned_at": self.churned, "churn_reason": reason,
        }


def accounts(world: World, staff: Staff, leads: Leads, n_duplicates: int) -> Accounts:
    """Customers and prospects from leads, plus customers from before the window (to reach the size)."""
    rng, w = world.rng("accounts"), world.window
    customers = np.flatnonzero(leads.converted != NAT)
    open_sql = np.flatnonzero((leads.sql != NAT) & (leads.converted == NAT) & (leads.original < 0))
    room = world.n_accounts - n_duplicates - len(customers)
    prospects = open_sql[rng.random(len(open_sql)) < PROSPECT_SHARE][: max(room, 0)]
    from_leads = np.sort(np.concatenate([customers, prospects]))
    n_pre = max(world.n_accounts - n_duplicates - len(from_leads), 0)

    country = pick(rng, names.COUNTRY_SHARE, n_pre)
    segment = segment_of(rng, n_pre)
    acquired = w.start - (1460 * rng.random(n_pre) ** 1.4 * DAY).astype(np.int64) - DAY
    acquired = (acquired // DAY) * DAY + clock.time_of_day(rng, n_pre)
    created = acquired - clock.lognormal(rng, 35 * DAY, 0.6, n_pre).astype(np.int64)
    plan, monthly = plan_and_price(rng, segment)
    team = names.COUNTRY_TEAM[country]
    owner = _spread_owners(rng, staff, team)
    who = names.people(rng, world.pools, country)
    lead_email = leads.email.take(pa.array(from_leads))

    L = from_leads
    return Accounts(
        created=np.concatenate([leads.sql[L], created]),
        acquired=np.concatenate([leads.converted[L], acquired]),
        churned=np.full(len(L) + n_pre, NAT, dtype=np.int64),
        churn_reason=np.full(len(L) + n_pre, -1),
        owner=np.concatenate([people.current_owner(rng, staff, leads.owner[L]), owner]),
        country=np.concatenate([leads.country[L], country]),
        segment=np.concatenate([leads.segment[L], segment]),
        source=np.concatenate([leads.source[L], pick(rng, SOURCE_SHARE, n_pre)]),
        plan=np.concatenate([leads.plan[L], plan]),
        monthly=np.concatenate([leads.monthly[L], monthly]),
        lead=np.concatenate([L, np.full(n_pre, -1)]),
        original=np.full(len(L) + n_pre, -1),
        name=pa.concat_arrays([leads.name.take(pa.array(L)), who.name]),
        email=pa.concat_arrays([lead_email, names.make_unique(who.email, taken=leads.email)]),
        phone=pa.concat_arrays([leads.phone.take(pa.array(L)), who.phone]),
        company=pa.concat_arrays([leads.company.take(pa.array(L)), who.company]),
    )


def _spread_owners(rng: np.random.Generator, staff: Staff, team: np.ndarray) -> np.ndarray:
    owner = np.empty(len(team), dtype=np.int64)
    for t in range(3):
        pool = staff.team_reps(t)
        pool = pool[staff.active[pool]]
        rows = np.flatnonzero(team == t)
        owner[rows] = pool[rng.integers(0, len(pool), len(rows))]
    return owner


def sort_accounts(acc: Accounts, leads: Leads) -> np.ndarray:
    """Number accounts by creation time and point their leads at them; returns the permutation."""
    order = np.argsort(acc.created, kind="stable")
    reorder(acc, order)
    inv = inverse(order)
    acc.original = np.where(acc.original >= 0, inv[np.maximum(acc.original, 0)], -1)
    has_lead = np.flatnonzero(acc.lead >= 0)
    leads.account[:] = -1
    leads.account[acc.lead[has_lead]] = has_lead
    return order


@dataclass
class Deals:
    """Deals as arrays, in id order (by account, then creation time)."""

    account: np.ndarray
    lead: np.ndarray
    owner: np.ndarray
    kind: np.ndarray
    amount: np.ndarray
    created: np.ndarray
    expected: np.ndarray
    closed: np.ndarray
    status: np.ndarray
    first_stage: np.ndarray  # stage it was created in
    stage: np.ndarray  # current stage
    reached: np.ndarray  # furthest open stage it reached
    qualified: np.ndarray  # when it entered "Cualificado" (new deals), else NAT
    lost_reason: np.ndarray
    campaign: np.ndarray
    product: np.ndarray  # plan index (new, upsell, renewal) or add-on index (cross-sell)

    def frame(self, acc: Accounts, leads: Leads) -> dict[str, object]:
        who = pc.if_else(pa.array(self.account >= 0), acc.company.take(pa.array(np.maximum(self.account, 0))),
                         leads.company.take(pa.array(np.maximum(self.lead, 0))))
        plan = pa.array(PLANS).take(pa.array(np.minimum(self.product, 2)))
        addon = ADDONS.take(pa.array(self.product))
        title = pc.choose(pa.array(self.kind), pc.binary_join_element_wise(who, plan, " · "),
                          pc.binary_join_element_wise("Ampliación de licencias", who, " · "),
                          pc.binary_join_element_wise(addon, who, " · "),
                          pc.binary_join_element_wise("Renovación", who, " "))
        n = len(self.kind)
        return {
            "id": np.arange(n), "account_id": self.account, "lead_id": self.lead, "owner_id": self.owner,
            "title": title, "amount": self.amount, "currency": pa.array(["EUR"] * n), "stage_id": self.stage,
            "status": STATUSES.take(pa.array(self.status)), "kind": KINDS.take(pa.array(self.kind)),
            "created_at": self.created, "expected_close_at": self.expected, "closed_at": self.closed,
            "lost_reason": LOST_REASONS.take(pa.array(np.maximum(self.lost_reason, 0), mask=self.lost_reason < 0)),
            "campaign_id": self.campaign,
        }


def deals(world: World, staff: Staff, leads: Leads, acc: Accounts, ren: retention.Renewals) -> Deals:
    """New deals of MQL leads, renewal deals, and expansion deals up to DEALS_PER_ACCOUNT."""
    rng, w = world.rng("deals"), world.window
    L = np.flatnonzero(leads.has_deal)
    n_new = len(L)
    closed = leads.deal_close[L]
    tier = leads.tier[L]
    status = np.where(closed == NAT, OPEN, np.where(leads.converted[L] != NAT, WON, LOST))
    sql = leads.sql[L]
    cycle = SEGMENT_CYCLE_DAYS[leads.segment[L]] * DAY
    progress = (np.where(closed != NAT, closed, w.end) - sql) / cycle
    reached = np.where(sql == NAT, 0, 1 + np.minimum(2, (progress * 2.5 * rng.uniform(0.6, 1.4, n_new)).astype(int)))
    reached = np.where(status == WON, 3, reached)
    reason = np.where(tier == MQL_ONLY, pick(rng, QUALIFY_REASONS, n_new),
                      np.where(tier == SQL_STALLED, 2, pick(rng, SALES_REASONS, n_new)))
    owner = leads.owner[L]
    handed_over = np.where(closed != NAT, closed, w.end) > staff.left[owner]  # its rep left before it closed
    owner = np.where(handed_over, people.current_owner(rng, staff, owner), owner)
    new = dict(
        account=leads.account[L], lead=L, owner=owner, kind=np.full(n_new, NEW),
        amount=np.round(12 * leads.monthly[L], 2), created=leads.mql[L],
        expected=leads.mql[L] + (7 * DAY + cycle).astype(np.int64), closed=closed, status=status,
        first_stage=np.zeros(n_new, int), reached=reached, qualified=sql,
        lost_reason=np.where(status == LOST, reason, -1), campaign=leads.campaign[L], product=leads.plan[L],
    )
    n_ren = len(ren.account)
    renewal = dict(
        account=ren.account, lead=np.full(n_ren, -1), owner=acc.owner[ren.account], kind=np.full(n_ren, RENEWAL),
        amount=ren.amount, created=ren.created, expected=ren.created + 45 * DAY, closed=ren.closed,
        status=ren.status, first_stage=np.full(n_ren, 3), reached=np.full(n_ren, 3),
        qualified=np.full(n_ren, NAT), lost_reason=np.where(ren.status == LOST, 7, -1),
        campaign=np.full(n_ren, -1), product=acc.plan[ren.account],
    )
    n_exp = max(round(DEALS_PER_ACCOUNT * world.n_accounts) - n_new - n_ren, round(0.3 * world.n_accounts))
    lo, hi = retention.active_span(world, acc.acquired, acc.churned)
    who, created = retention.sample_customer_times(rng, lo, hi, n_exp)
    at_office = clock.office(rng, created)
    created = np.where(at_office < w.end, at_office, created)
    kind = np.where(rng.random(n_exp) < 0.6, UPSELL, CROSS_SELL)
    outcome = pick(rng, np.array([0.55, 0.35, 0.10]), n_exp)  # won, lost, stalls then lost
    span = np.where(outcome == 2, rng.uniform(90, 300, n_exp) * DAY, clock.lognormal(rng, 20 * DAY, 0.6, n_exp))
    closed = clock.cap(clock.office(rng, created + span.astype(np.int64)), w.end)
    addon = rng.integers(0, len(ADDONS), n_exp)
    seg = acc.segment[who]
    amount = np.where(kind == UPSELL, 12 * acc.monthly[who] * rng.uniform(0.15, 0.5, n_exp),
                      ADDON_PRICE[addon] * SEGMENT_FACTOR[seg] * rng.uniform(0.9, 1.1, n_exp))
    status = np.where(closed == NAT, OPEN, np.where(outcome == 0, WON, LOST))
    expansion = dict(
        account=who, lead=np.full(n_exp, -1), owner=acc.owner[who], kind=kind, amount=np.round(amount, 2),
        created=created, expected=created + 30 * DAY, closed=closed, status=status,
        first_stage=np.ones(n_exp, int), reached=np.where(rng.random(n_exp) < 0.6, 2, 1),
        qualified=np.full(n_exp, NAT), lost_reason=np.where(status == LOST, pick(rng, SALES_REASONS, n_exp), -1),
        campaign=np.full(n_exp, -1), product=np.where(kind == UPSELL, acc.plan[who], addon),
    )
    parts = [new, renewal, expansion]
    cols = {k: np.concatenate([p[k] for p in parts]) for k in new}
    cols["reached"] = np.where(cols["status"] == WON, 3, np.maximum(cols["reached"], cols["first_stage"]))
    cols["stage"] = np.select([cols["status"] == WON, cols["status"] == LOST], [WON_STAGE, LOST_STAGE], cols["reached"])
    # Numbered by account, then time: the deals of one customer sit together, and so do the
    # references of every table below them (DuckDB checks foreign keys much faster in order).
    order = np.lexsort((cols["created"], cols["account"]))
    return Deals(**{k: v[order] for k, v in cols.items()})


def stage_changes(world: World, d: Deals) -> dict[str, object]:
    """The stage history of every deal: created in its first stage, one row per move after that."""
    rng, w = world.rng("stage-changes"), world.window
    steps = d.reached - d.first_stage  # moves between open stages
    closed = d.closed != NAT
    count = 1 + steps + closed
    deal = np.repeat(np.arange(len(count)), count)
    j = np.arange(len(deal)) - np.repeat(np.cumsum(count) - count, count)  # 0 = creation
    s = steps[deal]
    is_close = closed[deal] & (j == s + 1)
    created, stop = d.created[deal], np.where(closed[deal], d.closed[deal], w.end - 1)
    anchor = np.where(d.qualified[deal] != NAT, d.qualified[deal], created + (stop - created) // 5)
    frac = np.where(j <= 1, 0.0, (j - 1 + rng.uniform(0.2, 0.8, len(deal))) / np.maximum(s, 1))
    when = np.select([j == 0, is_close], [created, stop], anchor + (frac * (stop - anchor)).astype(np.int64))
    to = np.where(is_close, d.stage[deal], d.first_stage[deal] + j)
    from_ = np.where(j == 0, -1, np.where(is_close, d.reached[deal], d.first_stage[deal] + j - 1))
    return {"id": np.arange(len(deal)), "deal_id": deal, "from_stage_id": from_, "to_stage_id": to,
            "changed_at": when, "changed_by": d.owner[deal]}


def stages_frame() -> dict[str, object]:
    """The configurable pipeline: position, kind and probability of each stage."""
    return {"id": np.arange(len(STAGES)), "pipeline": pa.array(["default"] * len(STAGES)),
            "name": [s[1] for s in STAGES], "position": np.array([s[2] for s in STAGES]),
            "kind": [s[3] for s in STAGES], "probability": np.array([s[4] for s in STAGES], dtype=float)}


def orders(world: World, d: Deals, acc: Accounts) -> dict[str, object]:
    """An invoice per won deal, and small service purchases by customers now and then."""
    rng, w = world.rng("orders"), world.window
    won = np.flatnonzero((d.status == WON) & (d.account >= 0))
    at = clock.cap(d.closed[won] + rng.integers(0, 3 * DAY, len(won)), w.end)
    won, at = won[at != NAT], at[at != NAT]
    plan = pa.array(PLANS).take(pa.array(np.minimum(d.product[won], 2)))
    product = pc.choose(pa.array(d.kind[won]), plan, pc.binary_join_element_wise("Licencias adicionales", plan, " "),
                        ADDONS.take(pa.array(d.product[won])), pc.binary_join_element_wise("Renovación", plan, " "))
    lo, hi = retention.active_span(world, acc.acquired, acc.churned)
    n_extra = round(0.06 * (hi - lo).sum() / (30.4 * DAY))
    who, when = retention.sample_customer_times(rng, lo, hi, n_extra)
    services = pa.array(["Horas de consultoría", "Formación online", "Plantillas premium"])
    kind = rng.integers(0, 3, n_extra)
    extra_amount = np.select([kind == 0, kind == 1], [95.0 * rng.integers(2, 12, n_extra), 350.0], 190.0)
    at = np.concatenate([at, when])
    account = np.concatenate([d.account[won], who])
    order = np.lexsort((at, account, np.concatenate([won, np.full(n_extra, len(d.kind))])))  # by deal, like deals
    n = len(order)
    return {
        "id": np.arange(n), "account_id": account[order],
        "deal_id": np.concatenate([won, np.full(n_extra, -1)])[order],
        "product": pa.concat_arrays([product, services.take(pa.array(kind))]).take(pa.array(order)),
        "amount": np.concatenate([d.amount[won], extra_amount])[order], "currency": pa.array(["EUR"] * n),
        "ordered_at": at[order],
    }
