"""Who may see what: the one `Scope` and the one map of how each canonical table's rows are owned.

A scope is everybody's records (`company`), a team's (`team:t1`: the records owned by the team's
members, users.team_id) or some people's (`rep:u1`: the records they own). `OWNERSHIP` says, for
every canonical table with owners, how a row reaches its owner; a table outside it has no owner
and only a company-wide scope reads it. Everything that scopes rows derives from these two:

- the engine's row scoping and the catalog's `_owner` (pulso.engine.compile, pulso.catalog.sources),
- record listing and writing (pulso.store.records, through pulso.store.scoping's `sql_condition`),
- the alert rules on records (pulso.alerts.records, through pulso.store.scoping's `sql_scoped`),
- who may act on a goal, rule, report or alert (`Scope.contains`).

The rule itself is written once (`condition`), for any way of writing conditions (`Conditions`):
Ibis expressions in the engine, SQL in the store (pulso.store.scoping), plain values here for a
row about to be written. This module imports nothing of the store, so the store may apply it.

    Scope.parse("team:t1").text                     # 'team:t1'
    Scope.for_user("manager", "u7", "t2", managed_team="t1")   # Scope.team('t1')
    Scope.team("t1").contains(Scope.owners("u1"), team_of={"u1": "t1"}.get)   # True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Protocol

from pulso.errors import GoalError

KINDS = ("company", "team", "owners")


def shown(value: Any, limit: int = 40) -> str:
    """A value as quoted in an error message, cut short when huge."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Scope:
    """Whose records are seen: everybody's (`company`), a team's (`team`: its members') or some
    owners' (`owners`). Hashable: caches are keyed by it."""

    kind: str = "company"
    ids: tuple[str, ...] = ()

    @classmethod
    def company(cls) -> "Scope":
        """Every record of the workspace."""
        return cls("company")

    @classmethod
    def team(cls, *team_ids: str) -> "Scope":
        """Records owned by members of the team(s) (users.team_id)."""
        return cls("team", tuple(str(t) for t in team_ids))

    @classmethod
    def owners(cls, *user_ids: str) -> "Scope":
        """Records owned by these users."""
        return cls("owners", tuple(str(u) for u in user_ids))

    @classmethod
    def parse(cls, text: str | None) -> "Scope":
        """'company', 'team:ID' or 'rep:ID' (empty: company); GoalError otherwise. Not checked
        against the workspace."""
        text = (text or "company").strip()
        if text == "company":
            return cls.company()
        kind, sep, ident = text.partition(":")
        if not sep or kind not in ("team", "rep") or not ident.strip():
            raise GoalError(f"scope '{shown(text)}' is not valid; write company, team:ID or rep:ID")
        return cls.stored(kind, ident.strip())

    @classmethod
    def stored(cls, kind: str, ident: str | None) -> "Scope":
        """The scope of a stored goal, rule, schedule or alert (scope_kind, scope_id)."""
        if kind == "company":
            return cls.company()
        return cls.team(ident) if kind == "team" else cls.owners(ident)

    @classmethod
    def for_user(cls, role: str, user_id: str, team_id: str | None, managed_team: str | None = None) -> "Scope":
        """What a person (or a token acting as one) sees: an admin everything, a manager the team
        they manage (else their own), a rep their records, a viewer their team or everything."""
        if role == "admin" or (role == "viewer" and not team_id):
            return cls.company()
        if role in ("manager", "viewer"):
            team = (managed_team or team_id) if role == "manager" else team_id
            if team:
                return cls.team(team)
        return cls.owners(user_id)

    @property
    def is_company(self) -> bool:
        """Whether the scope sees every record."""
        return self.kind == "company"

    @property
    def id(self) -> str | None:
        """The one team or person of the scope (None for the company, or for several)."""
        return self.ids[0] if len(self.ids) == 1 else None

    @property
    def stored_kind(self) -> str:
        """The kind as goals, rules, schedules and alerts store it: company, team or rep."""
        return "rep" if self.kind == "owners" else self.kind

    @property
    def text(self) -> str:
        """The scope as written on the command line and in forms: company, team:ID, rep:ID."""
        return "company" if self.is_company else f"{self.stored_kind}:{','.join(self.ids)}"

    def contains(self, other: "Scope", team_of: Callable[[str], str | None]) -> bool:
        """Whether `other` lies inside this scope: the company holds everything, a scope holds its
        own teams or people, and a team holds its members (`team_of(user id)`: their team)."""
        if self.is_company or other == self:
            return True
        if other.is_company or not other.ids:
            return False
        if other.kind == self.kind:
            return set(other.ids) <= set(self.ids)
        if self.kind == "team" and other.kind == "owners":
            return all(team_of(u) in self.ids for u in other.ids)
        return False


# -- how each table's rows are owned ----------------------------------------------------------


@dataclass(frozen=True)
class Owned:
    """How a table's rows reach their owner: their own column, or the owner of the first parent
    they reference (fk, parent table). `team`: a column naming a team that holds the row when it
    has no owner (a team quota); with it, a team scope needs the owner in the team AND the
    row's team, when it has one, the team's."""

    column: str | None = None
    parents: tuple[tuple[str, str], ...] = ()
    team: str | None = None


#: table → how its rows are owned; tables not here have no owner (company-wide scope only).
OWNERSHIP: Mapping[str, Owned] = {
    "accounts": Owned("owner_id"), "leads": Owned("owner_id"), "deals": Owned("owner_id"),
    "tickets": Owned("owner_id"), "activities": Owned("owner_id"),
    "quotas": Owned("owner_id", team="team_id"),
    "usage_events": Owned("user_id"), "users": Owned("id"),
    "orders": Owned(parents=(("account_id", "accounts"),)),
    "subscriptions": Owned(parents=(("account_id", "accounts"),)),
    "survey_responses": Owned(parents=(("account_id", "accounts"), ("ticket_id", "tickets"))),
    "deal_stage_changes": Owned(parents=(("deal_id", "deals"),)),
}
#: The canonical tables without owners (pulso.store.schema.CANONICAL_TABLES less OWNERSHIP; a test
#: keeps the two lists together). Only a company-wide scope reads them.
UNOWNED = ("teams", "campaigns", "stages", "spend", "web_sessions")


def through(fk: str, parent: str) -> tuple[str, str, str]:
    """(fk, parent table, the parent's owner column): the owner reached through a reference."""
    return fk, parent, OWNERSHIP[parent].column


def owner_sources(table: str) -> tuple:
    """Where a row of `table` finds its owner, as the catalog writes dimension sources: its own
    column, or (fk, parent, column) lookups, first non-null wins; () when it has no owner."""
    how = OWNERSHIP.get(table)
    if how is None:
        return ()
    return (how.column,) if how.column else tuple(through(fk, parent) for fk, parent in how.parents)


def describe(table: str) -> str:
    """The scope rule of a table in words (docs, errors)."""
    how = OWNERSHIP.get(table)
    if how is None:
        return "no owner: company-wide scope only"
    if how.column:
        return f"{table}.{how.column}" + (f"; for a team, the owner in the team and {how.team} the team's" if how.team else "")
    return " else ".join(f"the owner of its {parent[:-1]} ({fk})" for fk, parent in how.parents)


# -- the rule, written once --------------------------------------------------------------------


class Conditions(Protocol):
    """One way of writing conditions on rows (Ibis, SQL, or plain values)."""

    def const(self, value: bool) -> Any: ...
    def among(self, value: Any, ids: list[str]) -> Any: ...  # value is one of ids (null: false)
    def members(self, value: Any, team_ids: list[str]) -> Any: ...  # value is a user of the teams (null: false)
    def null(self, value: Any) -> Any: ...
    def both(self, a: Any, b: Any) -> Any: ...
    def either(self, a: Any, b: Any) -> Any: ...


NO_TEAM = object()  # a row with no team column (most tables), unlike a row whose team is null


def condition(scope: Scope, c: Conditions, owner: Any, team: Any = NO_TEAM) -> Any:
    """Whether a row whose owner is `owner` (and whose team column is `team`, for a table that has
    one: see `Owned.team`) lies inside the scope, written with `c`."""
    if scope.is_company:
        return c.const(True)
    if not scope.ids:
        return c.const(False)
    ids = list(scope.ids)
    if scope.kind == "owners":
        return c.among(owner, ids)
    cond = c.members(owner, ids)
    if team is NO_TEAM:
        return cond
    in_team = c.among(team, ids)  # a member's row not tagged with another team, or the team's own
    return c.either(c.both(cond, c.either(c.null(team), in_team)), c.both(c.null(owner), in_team))


class ValueConditions:
    """Conditions on one row's values in Python; `allowed`: the users of the scope's teams."""

    def __init__(self, allowed: Iterable[str]):
        self.allowed = set(allowed)

    def const(self, value: bool) -> bool:
        return value

    def among(self, value: Any, ids: list[str]) -> bool:
        return value is not None and value in ids

    def members(self, value: Any, team_ids: list[str]) -> bool:
        return value is not None and value in self.allowed

    def null(self, value: Any) -> bool:
        return value is None

    def both(self, a: bool, b: bool) -> bool:
        return a and b

    def either(self, a: bool, b: bool) -> bool:
        return a or b


def admits(scope: Scope, table: str, row: Mapping[str, Any], owner: str | None, allowed: Iterable[str]) -> bool:
    """Whether a row of `table` (its fields) whose owner is `owner` lies inside the scope, as
    pulso.store.scoping.sql_condition says; `allowed`: the users whose records the scope covers
    (pulso.store.scoping.allowed_owners)."""
    team = OWNERSHIP[table].team if table in OWNERSHIP else None
    return condition(scope, ValueConditions(allowed), owner, row.get(team) if team else NO_TEAM)
