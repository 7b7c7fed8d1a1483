"""The demo company's staff: three sales teams and a support team, each with a manager; quotas.

Reps differ in skill (how often their leads become customers) and in how fast they answer a new
lead. One rep is planted as weak: their leads convert far less often than the team's. One rep left
the company a year ago (inactive) and one joined during the window, so ownership changes over time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pulso.demo import clock, names
from pulso.demo.clock import DAY
from pulso.demo.world import World

# name, country of its staff (index into names.COUNTRIES), reps per size step
SALES_TEAMS = (("Ventas Iberia", 0, 5), ("Ventas LATAM", 1, 4), ("International Sales", 5, 3))
SUPPORT_TEAM = ("Atención al cliente", 0, 4)
COMPANY_DOMAIN = "cumbre.example"
FOREVER = np.iinfo(np.int64).max // 2

# The people of DESIGN.md, so that the demo reads like its stories.
OWNER = "Lucía Ferrer Soler"
ADMIN = "Sofía Navarro Gil"
LATAM_MANAGER = "Andrés Garza Treviño"
SUPPORT_MANAGER = "Jorge Martín Rey"
MARKETING = "Carmen Ruiz Ortega"

WEAK_SKILL = 0.2
SKILL_RANGE = (0.9, 1.2)
FORMER_REP_LEAVES = 11  # window month
NEW_REP_JOINS = 8


@dataclass
class Staff:
    """Users and teams as arrays, plus what the generator needs to know about each rep."""

    team_name: list[str]
    team_manager: np.ndarray  # user row of each team's manager
    name: list[str]
    email: list[str]
    role: list[str]
    team: np.ndarray  # team row, −1 for none
    active: np.ndarray
    created: np.ndarray  # local seconds
    left: np.ndarray  # local seconds the user stopped working, FOREVER if still here
    skill: np.ndarray  # conversion multiplier (reps), 1 for others
    response_hours: np.ndarray  # median hours to a first call or e-mail to a new lead
    reps: np.ndarray  # user rows of sales reps
    agents: np.ndarray  # user rows of the support team (manager included)
    weak_rep: int
    former_rep: int
    new_rep: int

    def team_reps(self, team: int) -> np.ndarray:
        """Sales reps of one team."""
        return self.reps[self.team[self.reps] == team]

    def teams_frame(self) -> dict[str, object]:
        return {"id": np.arange(len(self.team_name)), "name": self.team_name, "manager_id": self.team_manager}

    def users_frame(self) -> dict[str, object]:
        return {
            "id": np.arange(len(self.name)), "name": self.name, "email": self.email, "role": self.role,
            "team_id": self.team, "active": self.active, "created_at": self.created,
        }


def build(world: World) -> Staff:
    """Teams and users; team sizes grow slowly with the number of accounts."""
    rng = world.rng("people")
    step = max(1, round((world.n_accounts / 1000) ** 0.4))
    w = world.window
    rows: list[dict] = []

    def add(name, role, team, country, **extra):
        rows.append({"name": name, "role": role, "team": team, "country": country, **extra})
        return len(rows) - 1

    add(OWNER, "admin", -1, 0)
    add(ADMIN, "admin", -1, 0)
    add(MARKETING, "viewer", -1, 0)
    managers, reps = [], []
    for t, (team_name, country, size) in enumerate(SALES_TEAMS):
        managers.append(add(LATAM_MANAGER if t == 1 else None, "manager", t, country))
        reps.append([add(None, "rep", t, country) for _ in range(size * step)])
    s = len(SALES_TEAMS)
    managers.append(add(SUPPORT_MANAGER, "manager", s, SUPPORT_TEAM[1]))
    agents = [managers[-1]] + [add(None, "rep", s, SUPPORT_TEAM[1]) for _ in range(SUPPORT_TEAM[2] * step)]

    n = len(rows)
    country = np.array([r["country"] for r in rows])
    country[[i for i, r in enumerate(rows) if r["team"] == 2 and i % 3 == 0]] = 6  # some British colleagues
    generated = names.people(rng, world.pools, country, business_email=0.0)
    full = [r["name"] or generated.name[i].as_py() for i, r in enumerate(rows)]
    emails = names.make_unique(pa.array([_work_email(x) for x in full]))

    created = (w.start_day - rng.integers(90, 1100, n)) * DAY + clock.time_of_day(rng, n)
    left = np.full(n, FOREVER, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    iberia, latam = reps[0], reps[1]
    weak, former, new = iberia[1], iberia[-1], latam[-1]
    left[former] = w.month_start(FORMER_REP_LEAVES) + 14 * DAY
    active[former] = False
    created[new] = w.month_start(NEW_REP_JOINS) + 2 * DAY + 9 * clock.HOUR

    skill = np.ones(n)
    all_reps = np.array([r for team in reps for r in team])
    others = all_reps[all_reps != weak]
    skill[others] = rng.permutation(np.linspace(*SKILL_RANGE, len(others)))
    skill[weak] = WEAK_SKILL
    response = np.full(n, 4.0)
    response[others] = rng.uniform(1.5, 6.0, len(others))
    response[weak] = 14.0

    return Staff(
        team_name=[t[0] for t in SALES_TEAMS] + [SUPPORT_TEAM[0]],
        team_manager=np.array(managers),
        name=full,
        email=emails.to_pylist(),
        role=[r["role"] for r in rows],
        team=np.array([r["team"] for r in rows]),
        active=active,
        created=created,
        left=left,
        skill=skill,
        response_hours=response,
        reps=all_reps,
        agents=np.array(agents),
        weak_rep=int(weak),
        former_rep=int(former),
        new_rep=int(new),
    )


def _work_email(full_name: str) -> str:
    parts = names.ascii_fold(full_name).replace("-", " ").split()
    return f"{parts[0]}.{parts[1]}@{COMPANY_DOMAIN}"


def assign(rng: np.random.Generator, staff: Staff, team: np.ndarray, t: np.ndarray) -> np.ndarray:
    """A rep of each row's team who worked there at time `t` (uniformly among them)."""
    owner = np.empty(len(team), dtype=np.int64)
    for k in np.unique(team):
        rows = np.flatnonzero(team == k)
        pool = staff.team_reps(int(k))
        todo = rows
        for _ in range(50):
            choice = pool[rng.integers(0, len(pool), len(todo))]
            ok = (staff.created[choice] <= t[todo]) & (t[todo] < staff.left[choice])
            owner[todo[ok]] = choice[ok]
            todo = todo[~ok]
            if not len(todo):
                break
        owner[todo] = pool[0]  # nobody eligible (cannot happen with this staff); keep a valid owner
    return owner


def current_owner(rng: np.random.Generator, staff: Staff, owner: np.ndarray) -> np.ndarray:
    """Records of reps who left are reassigned to a teammate still in the company."""
    out = owner.copy()
    gone = np.flatnonzero(~staff.active[owner])
    for k in np.unique(staff.team[owner[gone]]):
        rows = gone[staff.team[owner[gone]] == k]
        pool = staff.team_reps(int(k))
        pool = pool[staff.active[pool]]
        out[rows] = pool[rng.integers(0, len(pool), len(rows))]
    return out


def quotas(world: World, staff: Staff, won_at: np.ndarray, won_amount: np.ndarray, won_owner: np.ndarray) -> dict:
    """A monthly quota per rep: their team's revenue per rep on trend, plus ten per cent."""
    w = world.window
    rng = world.rng("quotas")
    month = w.month_of(won_at)
    inside = (month >= 0) & (month < 24)
    team = staff.team[won_owner]
    revenue = np.zeros((len(SALES_TEAMS), 24))
    np.add.at(revenue, (team[inside], month[inside]), won_amount[inside])
    rows = [(r, m) for m in range(24) for r in staff.reps
            if staff.created[r] < w.month_start(m + 1) and staff.left[r] > w.month_start(m)]
    rep = np.array([r for r, _ in rows])
    m = np.array([m for _, m in rows])
    rep_months = np.zeros((len(SALES_TEAMS), 24))
    np.add.at(rep_months, (staff.team[rep], m), 1)
    per_rep = revenue / np.maximum(rep_months, 1)
    # Quotas follow each team's trend over months that are neither ramping up nor unfinished.
    fit = np.arange(3, 23)
    trend = np.empty((len(SALES_TEAMS), 24))
    for t in range(len(SALES_TEAMS)):
        slope, intercept = np.polyfit(fit, per_rep[t, fit], 1)
        trend[t] = np.maximum(intercept + slope * np.arange(24), per_rep[t, fit].mean() * 0.5)
    amount = np.round(trend[staff.team[rep], m] * 1.1 * rng.uniform(0.95, 1.05, len(rows)), -2)
    return {
        "id": np.arange(len(rows)), "owner_id": rep,
        "period_start": w.month_days[m], "period_end": w.month_days[m + 1] - 1,
        "amount": amount, "currency": pa.array(["EUR"] * len(rows)),
    }
