"""`pulso tokens` and `pulso audit` as a user types them, role changes by `pulso users add`, and the
admin pages for tokens and the audit log."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pulso.cli import app as cli
from pulso.errors import PulsoError

pytestmark = pytest.mark.xdist_group("api")
runner = CliRunner()


def pulso(*args: str):
    return runner.invoke(cli, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def db(tmp_path) -> str:
    from pulso.config import Settings
    from pulso.store import Store

    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="UTC")
        store.upsert_many({"teams": [{"id": "t1", "name": "Norte"}],
                           "users": [{"id": "r1", "name": "Rita", "email": "rita@example.com", "role": "rep",
                                      "team_id": "t1", "created_at": "2026-01-01T00:00:00"}]})
    return url


def test_tokens_create_list_revoke_and_audit_list(db):
    made = pulso("tokens", "create", "crm sync", "--role", "rep", "--user", "r1", "--db", db)
    assert made.exit_code == 0, made.output
    secret = re.search(r"(pulso_[A-Za-z0-9_-]{43})", made.output).group(1)
    token_id = re.search(r"Token ([0-9a-f]{16})", made.output).group(1)
    listed = json.loads(pulso("tokens", "list", "--format", "json", "--db", db).output)
    assert [(t["id"], t["name"], t["role"], t["user_id"], t["active"]) for t in listed] == [
        (token_id, "crm sync", "rep", "r1", True)]
    assert secret not in pulso("tokens", "list", "--db", db).output
    assert pulso("tokens", "revoke", token_id, "--db", db).exit_code == 0
    assert json.loads(pulso("tokens", "list", "--format", "json", "--db", db).output) == []
    revoked = json.loads(pulso("tokens", "list", "--all", "--format", "json", "--db", db).output)
    assert [(t["id"], t["active"]) for t in revoked] == [(token_id, False)]
    entries = json.loads(pulso("audit", "list", "--action", "token.*", "--format", "json", "--db", db).output)
    assert [(e["action"], e["actor_kind"], e["target_id"]) for e in entries] == [
        ("token.revoke", "cli", token_id), ("token.create", "cli", token_id)]
    assert "token.create" in pulso("audit", "list", "--db", db).output


@pytest.mark.parametrize("args, message", [
    (["--role", "rep"], "--user"), (["--role", "manager"], "--team"), (["--role", "boss"], "unknown role"),
    (["--role", "viewer", "--team", "t9"], "no team 't9'"), (["--role", "rep", "--user", "nobody"], "no user 'nobody'"),
])
def test_tokens_create_refuses_what_it_cannot_scope(db, args, message):
    result = pulso("tokens", "create", "x", *args, "--db", db)
    assert isinstance(result.exception, PulsoError) and message in str(result.exception)
    assert json.loads(pulso("tokens", "list", "--all", "--format", "json", "--db", db).output) == []


def test_audit_list_refuses_bad_options_and_revoke_an_unknown_token(db):
    assert "not a date" in str(pulso("audit", "list", "--since", "ayer", "--db", db).exception)
    assert "unknown format" in str(pulso("audit", "list", "--format", "xml", "--db", db).exception)
    assert "no token" in str(pulso("tokens", "revoke", "nope", "--db", db).exception)


def test_role_changes_by_users_add_are_audited(db):
    args = ["users", "add", "rita@example.com", "--update", "--name", "Rita", "--password", "clave-segura-1", "--db", db]
    assert pulso(*args, "--role", "rep").exit_code == 0  # same role: nothing to audit
    assert pulso(*args, "--role", "manager").exit_code == 0
    assert pulso("users", "add", "nuevo@example.com", "--name", "Nuevo", "--password", "clave-segura-1",
                 "--role", "viewer", "--db", db).exit_code == 0
    entries = json.loads(pulso("audit", "list", "--action", "users.*", "--format", "json", "--db", db).output)
    assert [(e["action"], e["detail"]["from"], e["detail"]["to"]) for e in entries] == [
        ("users.add", None, "viewer"), ("users.role_change", "rep", "manager")]
    assert entries[1]["target_id"] == "r1"


def _signed_in(world, role: str) -> TestClient:
    from pulso.cli.users import DEMO_PASSWORDS

    user = next(u for u in world.users if u["id"] == world.ids[role])
    client = TestClient(world.app, client=("10.7.0.1", 5000))
    page = client.get("/signin").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/signin", data={"email": user["email"], "password": DEMO_PASSWORDS[role], "csrf_token": csrf})
    return client


def test_the_tokens_page_creates_shows_once_and_revokes(demo_api):
    admin = _signed_in(demo_api, "admin")
    page = admin.get("/settings/tokens")
    assert page.status_code == 200 and "Tokens de API" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    made = admin.post("/settings/tokens", data={"name": "hoja de cálculo", "role": "viewer", "csrf_token": csrf})
    secret = re.search(r'data-testid="token-secret">(pulso_[^<]+)<', made.text).group(1)
    assert TestClient(demo_api.app, headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 200
    again = admin.get("/settings/tokens")
    assert secret not in again.text and "hoja de cálculo" in again.text
    token_id = re.search(r'data-testid="revoke-([0-9a-f]{16})">[^<]*hoja de cálculo', again.text).group(1)
    refused = admin.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert admin.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": csrf},
                      follow_redirects=False).status_code == 303
    assert TestClient(demo_api.app, headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 401
    bad = admin.post("/settings/tokens", data={"name": "x", "role": "rep", "csrf_token": csrf})
    assert "--user" in bad.text and "token-secret" not in bad.text


def test_the_audit_page_lists_entries_for_admins_only(demo_api):
    admin = _signed_in(demo_api, "admin")
    page = admin.get("/admin/audit?kind=auth")
    assert page.status_code == 200 and "auth.sign_in" in page.text
    data = admin.get("/admin/audit.json?kind=auth").json()
    assert data["page"] == "audit" and data["sections"][0]["rows"]
    assert all(row[2]["text"].startswith("auth.") for row in data["sections"][0]["rows"])
    for role in ("rep",):  # every role against every page: tests/web/test_routes.py
        client = _signed_in(demo_api, role)
        assert client.get("/admin/audit").status_code == 403
        assert client.get("/settings/tokens").status_code == 403
