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
    from pulso.web_cli import give_demo_passwords

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
