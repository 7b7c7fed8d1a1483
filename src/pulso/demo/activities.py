"""Activities: calls, e-mails, voicemails, meetings, tasks and notes on leads, deals, tickets and
customers, plus CRM usage events of every user.

Each block is generated and written on its own (the activities of `large` run to millions), sorted
by parent and time so that ids and references grow together. A lead's first activity is an
outbound call or e-mail a few hours after it arrives (the weak rep is slower): lead response time.
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import pyarrow as pa

from pulso.demo import clock
from pulso.demo.clock import DAY, HOUR, NAT
from pulso.demo.leads import MQL_ONLY, SQL_LOST, SQL_STALLED, Leads
from pulso.demo.people import Staff
from pulso.demo.sales import LOST, NEW, RENEWAL, WON, Accounts, Deals
from pulso.demo.service import PHONE, Tickets
from pulso.demo.world import World, pick, spread

TYPES = pa.array(["call", "email", "voicemail", "meeting", "task", "note"])
CALL, EMAIL, VOICEMAIL, MEETING, TASK, NOTE = range(6)
DIRECTIONS = pa.array(["inbound", "outbound"])
INBOUND, OUTBOUND = 0, 1
OUTCOMES = pa.array(["connected", "no_answer", "left_voicemail", "sent", "received", "held", "no_show", "done"])
CHECKINS_PER_CUSTOMER_MONTH = 0.12

Block = dict[str, np.ndarray]


def _finish(rng: np.random.Generator, b: Block) -> Block:
    """Fill duration and outcome from type and direction, and sort by parent then time."""
    n = len(b["type"])
    t, inbound = b["type"], b["direction"] == INBOUND
    call_outcome = pick(rng, np.array([0.45, 0.33, 0.22]), n)
    outcome = np.select(
        [t == CALL, (t == EMAIL) & inbound, t == EMAIL, t == VOICEMAIL, t == MEETING, t == TASK],
        [call_outcome, 4, 3, 2, np.where(rng.random(n) < 0.85, 5, 6), 7], -1)
    talk = clock.lognormal(rng, 300, 0.8, n)
    duration = np.select([(t == CALL) & (outcome == 0), t == CALL, (t == MEETING) & (outcome == 5)],
                         [talk, rng.integers(15, 45, n), clock.lognormal(rng, 2700, 0.3, n)], -1).astype(np.int64)
    b["outcome"], b["duration"] = outcome, duration
    order = np.lexsort((b["occurred"], b.pop("parent")))
    return {k: v[order] for k, v in b.items()}


def _types(rng: np.random.Generator, n: int, p: list[float]) -> np.ndarray:
    return pick(rng, np.array(p), n)


def lead_block(world: World, staff: Staff, leads: Leads) -> Block:
    """First touch of each lead, then follow-ups until it qualifies, drops or goes quiet."""
    rng, w = world.rng("activities-leads"), world.window
    n = len(leads.created)
    missed = rng.random(n) < np.where(leads.source == 0, 0.1, 0.03)
    delay = clock.lognormal(rng, staff.response_hours[leads.owner] * HOUR, 0.9, n).astype(np.int64)
    first = clock.cap(clock.office(rng, leads.created + np.maximum(delay, 120)), w.end)
    touched = np.flatnonzero(~missed & (first != NAT))
    is_mql = leads.mql[touched] != NAT
    k = rng.poisson(np.where(is_mql, 1.3, 0.5))
    stop = np.select([leads.sql[touched] != NAT, leads.disqualified[touched] != NAT],
                     [leads.sql[touched], leads.disqualified[touched]], first[touched] + 30 * DAY)
    stop = np.minimum(stop, w.end - 1)
    k = np.where(stop > first[touched], k, 0)
    follow, _ = spread(touched, k)
    f_lo = first[follow]
    f_hi = np.maximum(np.minimum(stop, w.end - 1)[np.repeat(np.arange(len(touched)), k)], f_lo)
    f_time = clock.at_work(rng, clock.between(rng, f_lo, f_hi), f_lo, f_hi)
    f_type = _types(rng, len(follow), [0.35, 0.4, 0.15, 0.0, 0.1, 0.0])
    f_dir = np.where(np.isin(f_type, [CALL, EMAIL]) & (rng.random(len(follow)) < 0.15), INBOUND, OUTBOUND)
    lead = np.concatenate([touched, follow])
    typ = np.concatenate([np.where(rng.random(len(touched)) < 0.45, CALL, EMAIL), f_type])
    direction = np.concatenate([np.full(len(touched), OUTBOUND), f_dir])
    automated = np.concatenate([np.zeros(len(touched), bool),
                                (f_type == EMAIL) & (f_dir == OUTBOUND) & (rng.random(len(follow)) < 0.35)])
    return _finish(rng, {
        "parent": lead, "type": typ, "direction": direction, "owner": leads.owner[lead], "account": np.full(len(lead), -1),
        "lead": lead, "deal": np.full(len(lead), -1), "ticket": np.full(len(lead), -1),
        "occurred": np.concatenate([first[touched], f_time]), "automated": automated,
    })


def deal_block(world: World, d: Deals, leads: Leads) -> Block:
    """Calls, e-mails and meetings while a deal is worked; won deals get the most."""
    rng, w = world.rng("activities-deals"), world.window
    tier = np.where(d.lead >= 0, leads.tier[np.maximum(d.lead, 0)], -1)
    lam = np.select(
        [d.kind == RENEWAL, d.kind != NEW, d.status == WON, (d.status == LOST) & (tier == MQL_ONLY),
         (d.status == LOST) & np.isin(tier, [SQL_LOST, SQL_STALLED])],
        [2.0, 2.0, 7.0, 1.5, 4.0], 3.0)
    k = rng.poisson(lam)
    deal, _ = spread(np.arange(len(lam)), k)
    lo = d.created[deal]
    hi = np.maximum(np.where(d.closed[deal] != NAT, d.closed[deal], w.end - 1), lo)
    when = clock.at_work(rng, clock.between(rng, lo, hi), lo, hi)
    typ = _types(rng, len(deal), [0.3, 0.35, 0.0, 0.15, 0.1, 0.1])
    direction = np.where(np.isin(typ, [CALL, EMAIL]) & (rng.random(len(deal)) < 0.2), INBOUND, OUTBOUND)
    automated = (typ == EMAIL) & (direction == OUTBOUND) & (rng.random(len(deal)) < 0.15)
    return _finish(rng, {
        "parent": deal, "type": typ, "direction": direction, "owner": d.owner[deal], "account": d.account[deal],
        "lead": np.full(len(deal), -1), "deal": deal, "ticket": np.full(len(deal), -1), "occurred": when,
        "automated": automated,
    })


def ticket_block(world: World, t: Tickets) -> Block:
    """The customer's request, our first reply (automated or not) and a closing note."""
    rng = world.rng("activities-tickets")
    n = len(t.opened)
    answered = np.flatnonzero(t.first != NAT)
    noted = np.flatnonzero((t.resolved != NAT) & (rng.random(n) < 0.6))
    ticket = np.concatenate([np.arange(n), answered, noted])
    channel_type = np.where(t.channel == PHONE, CALL, EMAIL)
    typ = np.concatenate([channel_type, channel_type[answered], np.full(len(noted), NOTE)])
    direction = np.concatenate([np.full(n, INBOUND), np.full(len(answered) + len(noted), OUTBOUND)])
    automated = np.concatenate([np.zeros(n, bool), t.automated[answered] == 1, np.zeros(len(noted), bool)])
    return _finish(rng, {
        "parent": ticket, "type": typ, "direction": direction, "owner": t.owner[ticket],
        "account": t.account[ticket], "lead": np.full(len(ticket), -1), "deal": np.full(len(ticket), -1),
        "ticket": ticket, "occurred": np.concatenate([t.opened, t.first[answered], t.resolved[noted]]),
        "automated": automated,
    })


def account_block(world: World, acc: Accounts) -> Block:
    """Customer-success check-ins with active customers."""
    from pulso.demo.retention import active_span, sample_customer_times

    rng = world.rng("activities-accounts")
    lo, hi = active_span(world, acc.acquired, acc.churned)
    n = round(CHECKINS_PER_CUSTOMER_MONTH * (hi - lo).sum() / (30.4 * DAY))
    who, when = sample_customer_times(rng, lo, hi, n)
    when = clock.at_work(rng, when, lo[who], hi[who] - 1)
    return _finish(rng, {
        "parent": who, "type": _types(rng, n, [0.4, 0.3, 0.0, 0.3, 0.0, 0.0]), "direction": np.full(n, OUTBOUND),
        "owner": acc.owner[who], "account": who, "lead": np.full(n, -1), "deal": np.full(n, -1),
        "ticket": np.full(n, -1), "occurred": when, "automated": np.zeros(n, bool),
    })


def frame(b: Block, first_id: int) -> dict[str, object]:
    """Canonical columns of an activity block whose ids start at `first_id`."""
    n = len(b["type"])
    return {
        "id": first_id + np.arange(n), "type": TYPES.take(pa.array(b["type"])),
        "direction": DIRECTIONS.take(pa.array(b["direction"])), "owner_id": b["owner"], "account_id": b["account"],
        "lead_id": b["lead"], "deal_id": b["deal"], "ticket_id": b["ticket"], "occurred_at": b["occurred"],
        "duration_s": b["duration"], "automated": b["automated"],
        "outcome": OUTCOMES.take(pa.array(np.maximum(b["outcome"], 0), mask=b["outcome"] < 0)),
    }


def blocks(world: World, staff: Staff, leads: Leads, d: Deals, t: Tickets, acc: Accounts) -> Iterator[Callable[[], Block]]:
    """The four blocks, generated one at a time when called."""
    yield lambda: lead_block(world, staff, leads)
    yield lambda: deal_block(world, d, leads)
    yield lambda: ticket_block(world, t)
    yield lambda: account_block(world, acc)


USAGE_ACTIONS = pa.array(["login", "create", "update", "delete", "view", "export"])
ENTITIES = pa.array(["lead", "deal", "account", "activity", "ticket", "report"])
ROLE_USAGE = {"rep": (0.93, 6.0), "manager": (0.85, 4.0), "admin": (0.7, 3.0), "viewer": (0.35, 1.5)}  # presence, actions/day


def usage_events(world: World, staff: Staff) -> dict[str, object]:
    """Logins and record actions of every user on the days they worked."""
    rng, w = world.rng("usage"), world.window
    days = np.arange(w.start_day, w.end_day)
    weekday = (days + 3) % 7
    n_users = len(staff.name)
    presence = np.array([ROLE_USAGE[r][0] for r in staff.role]) * rng.uniform(0.75, 1.0, n_users)
    per_day = np.array([ROLE_USAGE[r][1] for r in staff.role]) * rng.uniform(0.6, 1.3, n_users)
    per_day[staff.weak_rep] *= 0.5
    sec = days[None, :] * DAY
    employed = (staff.created[:, None] <= sec + 9 * HOUR) & (sec < staff.left[:, None])
    here = employed & (rng.random((n_users, len(days))) < presence[:, None] * np.where(weekday < 5, 1.0, 0.08))
    user, day = np.nonzero(here)
    count = 1 + rng.poisson(per_day[user])
    ev, j = spread(np.arange(len(user)), count)
    login = (days[day] * DAY + 8 * HOUR + rng.integers(0, 2 * HOUR, len(user)))[ev]
    when = np.where(j == 0, login, login + rng.integers(60, 10 * HOUR, len(ev)))
    who = user[ev]
    viewer = np.array([r == "viewer" for r in staff.role])[who]
    support = np.isin(who, staff.agents)
    action = np.where(j == 0, 0, np.where(viewer, np.where(rng.random(len(ev)) < 0.9, 4, 5),
                                          1 + pick(rng, np.array([0.18, 0.32, 0.05, 0.42, 0.03]), len(ev))))
    entity = np.where(support & (rng.random(len(ev)) < 0.7), 4, pick(rng, np.array([0.3, 0.25, 0.15, 0.15, 0.1, 0.05]), len(ev)))
    keep = when < w.end
    order = np.argsort(np.where(keep, when, np.iinfo(np.int64).max), kind="stable")[: int(keep.sum())]
    return {"id": np.arange(len(order)), "user_id": who[order], "action": USAGE_ACTIONS.take(pa.array(action[order])),
            "entity": ENTITIES.take(pa.array(np.where(action == 0, -1, entity)[order], mask=(action == 0)[order])),
            "occurred_at": when[order]}
