"""API test fixtures: a small demo workspace with a token per role, and a tiny hand-made workspace
per backend for the write paths.

Expected answers are worked out here from the workspace's own rows (who owns what, which team a
user is in), never from the API's answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pulso.config import Settings
from pulso.store import Store

AS_OF = dt.date(2026, 10, 31)
ROLES = ("admin", "manager", "rep", "viewer")
CALLERS = (*ROLES, "anonymous", "revoked")


@dataclass
class ApiWorld:
    """An app on a workspace, a client per caller and the facts tests compare with."""

    app: Any
    url: str
    clients: dict[str, TestClient]
    secrets: dict[str, str]
    users: list[dict]
    teams: list[dict]
    ids: dict[str, str] = field(default_factory=dict)  # role → user id behind its token

    def members(self, team: str) -> set[str]:
        """User ids of a team."""
        return {u["id"] for u in self.users if u["team_id"] == team}

    def store(self) -> Store:
        """The app's store (use on the app's database thread through `run`)."""
        return self.app.state.services.store

    def run(self, fn, *args, **kwargs):
        """Call fn on the app's database thread (DuckDB allows one writer per file)."""
        return self.app.state.services.run(fn, *args, **kwargs)


def make_app(url: str):
    """The web app on a workspace (strict translations, a fixed today)."""
    from pulso.web import WebSettings, create_app

    return create_app(WebSettings(store=Settings(url), secret_key="api-test", strict_i18n=True, today=AS_OF))


def token_clients(app, secrets: dict[str, str]) -> dict[str, TestClient]:
    """A client per caller: one per role's token, one with no credentials, one with a revoked token."""
    clients = {}
    for who in CALLERS:
        headers = {"Authorization": f"Bearer {secrets[who]}"} if who in secrets else {}
        clients[who] = TestClient(app, headers=headers, client=(f"10.5.0.{len(clients) + 1}", 5000))
    return clients


def make_tokens(store: Store, *, manager: str, rep: str) -> dict[str, str]:
    """A token per role (manager and rep bound to their users, viewer company-wide) and a revoked one."""
    from pulso import tokens

    made = {
        "admin": tokens.create(store, "admin sync", role="admin"),
        "manager": tokens.create(store, "manager sheet", role="manager", user_id=manager),
        "rep": tokens.create(store, "rep phone", role="rep", user_id=rep),
        "viewer": tokens.create(store, "board", role="viewer"),
        "revoked": tokens.create(store, "old", role="admin"),
    }
    tokens.revoke(store, made["revoked"].token.id)
    return {who: c.secret for who, c in made.items()}


@pytest.fixture(scope="session")
def demo_api(tmp_path_factory) -> ApiWorld:
    """A small demo workspace (DuckDB) with a token per role; tests here must not change its records."""
    from pulso.demo import generate
    from pulso.cli.users import give_demo_passwords

    path = tmp_path_factory.mktemp("api") / "api.duckdb"
    url = f"duckdb:///{path}"
    with Store(Settings(url)) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
        generate(store, size="100", seed=5, as_of=AS_OF, replace=True)
        signins = {role: email for role, _, email, _ in give_demo_passwords(store)}
        users, teams = store.rows("users"), store.rows("teams")
        ids = {role: next(u["id"] for u in users if u["email"] == email) for role, email in signins.items()}
        secrets = make_tokens(store, manager=ids["manager"], rep=ids["rep"])
    app = make_app(url)
    world = ApiWorld(app, url, token_clients(app, secrets), secrets, users, teams, ids)
    yield world
    app.state.services.close()


def scope_owners(world: ApiWorld, role: str) -> set[str] | None:
    """The user ids whose records a role's token may see (None: everybody), worked out from the rows."""
    if role in ("admin", "viewer"):
        return None
    if role == "rep":
        return {world.ids["rep"]}
    managed = [t["id"] for t in world.teams if t["manager_id"] == world.ids["manager"]]
    team = sorted(managed)[0] if managed else next(u["team_id"] for u in world.users if u["id"] == world.ids["manager"])
    return world.members(team)


@pytest.fixture(scope="session")
def owners(demo_api) -> dict[str, set[str] | None]:
    """role → the user ids whose records its token may see (None: everybody)."""
    return {role: scope_owners(demo_api, role) for role in ROLES}


#: The tiny workspace: team t1 (manager m1, reps r1 and r2), team t2 (rep r3), an admin and a viewer.
TINY_USERS = [("a1", "admin", None), ("m1", "manager", "t1"), ("r1", "rep", "t1"), ("r2", "rep", "t1"),
              ("r3", "rep", "t2"), ("v1", "viewer", None)]


def fill_tiny(store: Store) -> None:
    """Two teams, six users, two accounts with a deal, an order and a ticket each, stages, team quotas."""
    at = "2026-03-02T10:00:00"
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "m1"}, {"id": "t2", "name": "Sur"}],
        "users": [{"id": uid, "name": f"Persona {uid}", "email": f"{uid}@example.com", "role": role, "team_id": team,
                   "created_at": at} for uid, role, team in TINY_USERS],
        "accounts": [{"id": "acc1", "name": "Uno", "owner_id": "r1", "created_at": at, "external_id": "crm-acc1"},
                     {"id": "acc2", "name": "Dos", "owner_id": "r3", "created_at": at}],
        "stages": [{"id": "s-open", "name": "Abierta", "position": 1, "kind": "open", "probability": 0.2},
                   {"id": "s-won", "name": "Ganada", "position": 2, "kind": "won", "probability": 1.0}],
        "deals": [{"id": "d1", "account_id": "acc1", "owner_id": "r1", "amount": 100, "currency": "EUR",
                   "stage_id": "s-open", "status": "open", "created_at": at, "external_id": "crm-d1"},
                  {"id": "d2", "account_id": "acc2", "owner_id": "r3", "amount": 200, "currency": "EUR",
                   "stage_id": "s-won", "status": "won", "created_at": at, "closed_at": "2026-03-20T10:00:00"}],
        "orders": [{"id": "o1", "account_id": "acc1", "amount": 50, "ordered_at": at},
                   {"id": "o2", "account_id": "acc2", "amount": 70, "ordered_at": at}],
        "tickets": [{"id": "k1", "account_id": "acc1", "owner_id": "r1", "status": "open", "opened_at": at}],
        "quotas": [{"id": "q1", "team_id": "t1", "period_start": "2026-01-01", "period_end": "2026-03-31", "amount": 1000},
                   {"id": "q2", "team_id": "t2", "period_start": "2026-01-01", "period_end": "2026-03-31", "amount": 900}],
    })


def tiny_world(url: str) -> ApiWorld:
    """The tiny workspace at `url` (already initialised), its app and a client per caller."""
    with Store(Settings(url)) as store:
        fill_tiny(store)
        secrets = make_tokens(store, manager="m1", rep="r1")
        users, teams = store.rows("users"), store.rows("teams")
    app = make_app(url)
    ids = {role: uid for uid, role, _ in TINY_USERS if uid in ("a1", "m1", "r1", "v1")}
    return ApiWorld(app, url, token_clients(app, secrets), secrets, users, teams, ids)


def new_database(pg_server: str) -> str:
    """A new database on the suite's PostgreSQL cluster."""
    import os
    import uuid

    import sqlalchemy as sa

    name = f"pulso_api_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))  # a generated name, not input
    admin.dispose()
    return pg_server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def tiny(request, tmp_path_factory) -> ApiWorld:
    """The tiny workspace on each backend in turn (module-scoped: tests restore what they change)."""
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('tiny') / 'tiny.duckdb'}"
    else:
        url = new_database(request.getfixturevalue("pg_server"))
    with Store(Settings(url)) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
    world = tiny_world(url)
    world.ids["backend"] = request.param
    yield world
    world.app.state.services.close()


@pytest.fixture(scope="module")
def tiny_duckdb(tmp_path_factory) -> ApiWorld:
    """The tiny workspace on DuckDB only, for tests that may write anything (schemathesis)."""
    url = f"duckdb:///{tmp_path_factory.mktemp('tinyd') / 'tiny.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
    world = tiny_world(url)
    yield world
    world.app.state.services.close()
