"""The demo workspace: 24 months of realistic, deterministic CRM data with planted stories.

`generate(store, size=..., seed=..., as_of=...)` fills every canonical table through
Store.upsert_many, in place (in the caller's transaction `conn` when given); `atomic.build(url, ...)`,
which `pulso demo` runs, builds it aside and swaps it in whole, so that a demo killed midway leaves
the old workspace as it was. The same seed and as_of give the same rows. What is planted, and the SQL that
reveals each story, is described in docs/demo.md; the story parameters are saved as workspace
settings (`demo_weak_rep`, `demo_churn_spike_month`, ...) so that tests and features can find them.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa

from pulso.demo import activities, dirty, leads as leads_mod, load, marketing, people, retention, sales, service
from pulso.demo.clock import TIMEZONE, Window
from pulso.demo.names import Pools
from pulso.demo.world import World, inverse
from pulso.errors import PulsoError
from pulso.i18n import N_, saying

SIZES = {"small": 1_000, "medium": 20_000, "large": 200_000}
MIN_ACCOUNTS = 100
Progress = Callable[[str, float], None]

__all__ = ["generate", "parse_size", "SIZES"]


def parse_size(size: str | int) -> int:
    """Number of accounts for a size name or number."""
    if isinstance(size, int) and not isinstance(size, bool):
        n = size
    elif isinstance(size, str) and size.strip().lower() in SIZES:
        return SIZES[size.strip().lower()]
    elif isinstance(size, str) and size.strip().replace("_", "").isdigit():
        n = int(size.strip().replace("_", ""))
    else:
        raise PulsoError(f"unknown demo size {size!r}; use small, medium, large or a number of accounts (at least {MIN_ACCOUNTS})")
    if n < MIN_ACCOUNTS:
        raise PulsoError(f"a demo needs at least {MIN_ACCOUNTS} accounts, got {n}")
    return n


class _Steps:
    """Maps generation steps and table writes onto the 0..1 progress bar (on the caller's thread)."""

    GENERATION = 0.25  # share of the bar for the generation that precedes the first write
    ROWS_PER_ACCOUNT = 80  # rough rows written per account, for the bar only

    def __init__(self, report: Progress, n_accounts: int):
        self.report = report
        self.rows = self.ROWS_PER_ACCOUNT * n_accounts
        self.fraction = 0.0

    def step(self, payload: str | tuple[str, float]) -> None:
        """A new step; a (label, share) pair also moves the bar by that share of generation."""
        label, share = payload if isinstance(payload, tuple) else (payload, 0.0)
        self._advance(label, share * self.GENERATION)

    def tick(self, table: str, rows: int) -> None:
        self._advance(saying(N_("Escribiendo {table}"), table=table), (1 - self.GENERATION) * rows / self.rows)

    def _advance(self, label: str, by: float) -> None:
        self.fraction = min(self.fraction + by, 0.99)
        self.report(label, self.fraction)


def generate(store, *, size: str | int = "small", seed: int = 42, as_of: dt.date | None = None,
             replace: bool = True, progress: Progress | None = None, conn=None) -> dict[str, int]:
    """Fill `store` with a demo workspace; returns the rows written per table. With `conn` (an open
    transaction) every write joins it: the caller commits the whole demo or nothing."""
    n_accounts = parse_size(size)
    as_of = as_of or dt.date.today()
    steps = _Steps(progress or (lambda step, fraction: None), n_accounts)
    steps.step(saying(N_("Preparando el espacio de trabajo")))
    load.empty(store, replace=replace, conn=conn)
    load.put_settings(store, {"timezone": TIMEZONE, "currency": "EUR"}, conn)
    world = World(seed=int(seed), n_accounts=n_accounts, window=Window(as_of), pools=Pools.build(int(seed)))
    story: dict[str, object] = {}
    loader = load.Loader(store, steps.step, steps.tick, conn)
    loader.run(_tables(world, story))

    steps.step(saying(N_("Registrando las historias sembradas")))
    load.write_duplicates(store, story["duplicates"], conn)
    _record_settings(store, world, story["staff"], story["campaigns"], seed, conn)
    if progress:
        progress(saying(N_("Listo")), 1.0)
    return dict(loader.counts)


def _tables(world: World, story: dict) -> Iterator[tuple[str, object]]:
    """Generate the workspace table by table, in the order they can be written (parents first).

    Runs in the loader's worker thread; what the caller needs afterwards goes into `story`.
    """
    yield "step", (saying(N_("Generando el personal, las campañas y los leads")), 0.0)
    staff = people.build(world)
    camps = marketing.plan_campaigns(world)
    leads = leads_mod.build(world, staff, camps)
    n_base = len(leads.created)
    lead_variations = dirty.duplicate_leads(world, staff, leads)
    order = leads_mod.sort(leads)
    lead_variation = dict(zip(inverse(order)[n_base:].tolist(), lead_variations))

    yield "step", (saying(N_("Generando los clientes y las oportunidades")), 0.5)
    n_dup_accounts = round(dirty.ACCOUNT_DUPLICATES * world.n_accounts)
    acc = sales.accounts(world, staff, leads, n_dup_accounts)
    n_acc_base = len(acc.created)
    account_variations = dirty.duplicate_accounts(world, staff, acc, n_dup_accounts)
    acc_order = sales.sort_accounts(acc, leads)
    account_variation = dict(zip(inverse(acc_order)[n_acc_base:].tolist(), account_variations))
    acc.churned, acc.churn_reason = retention.churn(world, acc.acquired, acc.segment)
    subs = retention.subscriptions(world, acc.acquired, acc.churned, acc.plan, acc.monthly)
    deals = sales.deals(world, staff, leads, acc, retention.renewal_deals(world, subs))
    won = deals.status == sales.WON
    attributed = won & (deals.campaign >= 0)
    revenue = np.bincount(deals.campaign[attributed], weights=deals.amount[attributed], minlength=len(camps.name))
    responses = np.bincount(leads.campaign[leads.campaign >= 0], minlength=len(camps.name))
    marketing.set_costs(world, camps, responses, revenue)
    story.update(staff=staff, campaigns=camps)
    yield "step", (saying(N_("Escribiendo personas, campañas, clientes, leads y oportunidades")), 0.5)

    yield "+", {"teams": staff.teams_frame(), "users": staff.users_frame()}
    yield "campaigns", camps.frame()
    account_frame = acc.frame()
    dirty.incomplete(world, "accounts", account_frame, acc.original)
    yield "accounts", account_frame
    lead_frame = leads.frame()
    dirty.incomplete(world, "leads", lead_frame, leads.original)
    yield "leads", lead_frame
    del lead_frame, account_frame
    yield "stages", sales.stages_frame()
    yield "deals", deals.frame(acc, leads)
    yield "deal_stage_changes", sales.stage_changes(world, deals)

    yield "step", saying(N_("Generando los casos y las actividades"))
    tickets = service.tickets(world, staff, acc.acquired, acc.churned, acc.segment)
    yield "tickets", tickets.frame()
    first_id = 0
    for make in activities.blocks(world, staff, leads, deals, tickets, acc):
        block = make()
        yield "activities", activities.frame(block, first_id)
        first_id += len(block["type"])
        del block
    yield "survey_responses", service.surveys(world, tickets, acc.acquired, acc.churned)
    yield "orders", sales.orders(world, deals, acc)
    yield "subscriptions", subs.frame()
    yield "spend", marketing.spend(world, camps, _reps_active(world, staff))
    yield "web_sessions", marketing.web_sessions(world, leads.created, leads.source, leads.visitor, leads.has_visitor)
    won_idx = np.flatnonzero(won)
    yield "quotas", people.quotas(world, staff, deals.closed[won_idx], deals.amount[won_idx], deals.owner[won_idx])
    yield "usage_events", activities.usage_events(world, staff)
    story["duplicates"] = pa.concat_tables([
        dirty.duplicates_table("accounts", load.ids, acc.original, account_variation),
        dirty.duplicates_table("leads", load.ids, leads.original, lead_variation),
    ])


def _reps_active(world: World, staff: people.Staff) -> np.ndarray:
    w = world.window
    return np.array([
        sum(1 for r in staff.reps if staff.created[r] < w.month_start(m + 1) and staff.left[r] > w.month_start(m))
        for m in range(24)
    ], dtype=float)


def _record_settings(store, world: World, staff: people.Staff, camps: marketing.Campaigns, seed: int,
                     conn=None) -> None:
    w = world.window
    values = {
        "demo_seed": str(seed),
        "demo_accounts": str(world.n_accounts),
        "demo_as_of": w.as_of.isoformat(),
        "demo_window_start": str(w.first_month) + "-01",
        "demo_weak_rep": load.ids("users", np.array([staff.weak_rep]))[0].as_py(),
        "demo_former_rep": load.ids("users", np.array([staff.former_rep]))[0].as_py(),
        "demo_poor_source": marketing.POOR_SOURCE,
        "demo_best_source": marketing.BEST_SOURCE,
        "demo_good_campaign": load.ids("campaigns", np.array([camps.good]))[0].as_py(),
        "demo_bad_campaign": load.ids("campaigns", np.array([camps.bad]))[0].as_py(),
        "demo_churn_spike_month": w.month_label(retention.spike_month()),
        "demo_automation_month": w.month_label(service.automation_month()),
    }
    load.put_settings(store, values, conn)
