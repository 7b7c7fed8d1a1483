"""Who may call what: every endpoint × admin, manager, rep, viewer, anonymous, revoked token;
tokens (CLI, API, settings page), sessions with CSRF, and what the audit log records."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.xdist_group("api")

ROLES = ("admin", "manager", "rep", "viewer")
OK, REFUSED, ANON = 200, 403, 401
EVERYONE = {"admin": OK, "manager": OK, "rep": OK, "viewer": OK}
ADMIN_ONLY = {"admin": OK, "manager": REFUSED, "rep": REFUSED, "viewer": REFUSED}
COMPANY_ONLY = {"admin": OK, "manager": REFUSED, "rep": REFUSED, "viewer": OK}
WRITERS = {"admin": OK, "manager": OK, "rep": OK, "viewer": REFUSED}
PERIOD = "from=2026-01-01&to=2026-10-31"

#: (method, path, body, expected status per role). Anonymous and revoked callers get 401 except
#: on health and version. Writes are harmless: an empty batch, an id that does not exist.
MATRIX = [
    ("GET", "/api/v1/health", None, EVERYONE),
    ("GET", "/api/v1/version", None, EVERYONE),
    ("GET", "/api/v1/me", None, EVERYONE),
    ("GET", "/api/v1/records/deals", None, EVERYONE),
    ("GET", "/api/v1/records/accounts?limit=5", None, EVERYONE),
    ("GET", "/api/v1/records/stages", None, COMPANY_ONLY),
    ("GET", "/api/v1/records/spend", None, COMPANY_ONLY),
    ("GET", "/api/v1/records/deals/no-such-deal", None, {r: 404 for r in ROLES}),
    ("POST", "/api/v1/records/deals", {"records": []}, WRITERS),
    ("POST", "/api/v1/records/stages", {"records": []}, ADMIN_ONLY),
    ("POST", "/api/v1/records/users", {"records": []}, ADMIN_ONLY),
    ("DELETE", "/api/v1/records/deals/no-such-deal", None, {**ADMIN_ONLY, "admin": 404}),
    ("GET", "/api/v1/kpis", None, EVERYONE),
    ("GET", f"/api/v1/kpis/revenue_won/values?{PERIOD}&grain=month", None, EVERYONE),
    ("GET", f"/api/v1/kpis/website_visitors/values?{PERIOD}", None, COMPANY_ONLY),
    ("GET", f"/api/v1/kpis/close_rate/drill?{PERIOD}", None, EVERYONE),
    ("GET", "/api/v1/kpis/close_rate/explain", None, EVERYONE),
    ("GET", "/api/v1/audit", None, ADMIN_ONLY),
    ("GET", "/api/v1/tokens", None, ADMIN_ONLY),
    ("POST", "/api/v1/tokens", {"name": ""}, {**ADMIN_ONLY, "admin": 400}),
    ("DELETE", "/api/v1/tokens/no-such-token", None, {**ADMIN_ONLY, "admin": 404}),
]
PUBLIC = ("/api/v1/health", "/api/v1/version")


@pytest.mark.parametrize("who", [*ROLES, "anonymous", "revoked"])
def test_authorization_matrix(demo_api, who):
    """Each endpoint answers each caller as the matrix says, always in JSON; refusals name a code."""
    client = demo_api.clients[who]
    before = demo_api.run(demo_api.store().counts)
    for method, path, body, expected in MATRIX:
        want = expected[who] if who in ROLES else (OK if path in PUBLIC else ANON)
        response = client.request(method, path, json=body)
        assert response.status_code == want, (who, method, path, response.text[:300])
        assert response.headers["content-type"].startswith("application/json")
        if want >= 400:
            error = response.json()["error"]
            assert set(error) >= {"code", "message", "field"} and error["code"] and error["message"]
            if want == ANON:
                assert error["code"] == "unauthenticated"
    assert demo_api.run(demo_api.store().counts) == before


@pytest.mark.parametrize("header", ["Bearer", "Basic abc", "Bearer pulso_not-a-token", "Bearer " + "x" * 5000, "Token x"])
def test_bad_credentials_are_401(demo_api, header):
    response = TestClient(demo_api.app).get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["field"] == "Authorization"
    assert response.headers["www-authenticate"] == "Bearer"


def test_me_reports_the_scope_a_role_has_in_the_web_app(demo_api, owners):
    for role in ROLES:
        me = demo_api.clients[role].get("/api/v1/me").json()
        assert me["role"] == role
        if owners[role] is None:
            assert me["scope"] == {"kind": "company", "ids": []}
        elif role == "rep":
            assert me["scope"] == {"kind": "owners", "ids": [demo_api.ids["rep"]]}
        else:
            assert me["scope"]["kind"] == "team"
            assert {u["id"] for u in demo_api.users if u["team_id"] in me["scope"]["ids"]} == owners[role]
        assert me["can_write"] is (role != "viewer")


def test_a_token_revoked_through_the_api_stops_at_once(demo_api):
    admin = demo_api.clients["admin"]
    made = admin.post("/api/v1/tokens", json={"name": "short-lived", "role": "viewer"})
    assert made.status_code == 201
    secret, token_id = made.json()["secret"], made.json()["token"]["id"]
    assert "secret" not in str(admin.get("/api/v1/tokens").json()) and secret not in admin.get("/api/v1/tokens").text
    own = TestClient(demo_api.app, headers={"Authorization": f"Bearer {secret}"})
    assert own.get("/api/v1/me").json()["role"] == "viewer"
    assert admin.delete(f"/api/v1/tokens/{token_id}").json()["token"]["active"] is False
    assert own.get("/api/v1/me").status_code == 401


def test_token_creation_refuses_bad_requests(demo_api):
    admin = demo_api.clients["admin"]
    for body, field_text in [({"name": "x", "role": "boss"}, "unknown role"), ({"name": "x", "role": "rep"}, "--user"),
                             ({"name": "x", "role": "viewer", "team_id": "no-team"}, "no team"),
                             ({"name": "x", "role": "rep", "user_id": ["u"]}, "must be text"),
                             ({"name": "x", "role": "viewer", "extra": 1}, "send")]:
        response = admin.post("/api/v1/tokens", json=body)
        assert response.status_code == 400, body
        assert field_text in response.json()["error"]["message"]


def test_only_the_hash_of_a_token_is_stored(demo_api):
    import sqlalchemy as sa

    from pulso.store.tables_api import api_tokens

    def stored():
        with demo_api.store().engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.select(api_tokens))]

    rows = demo_api.run(stored)
    for secret in demo_api.secrets.values():
        assert all(secret not in map(str, row) for row in rows)


def _sign_in(client: TestClient, email: str, password: str):
    page = client.get("/signin").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/signin", data={"email": email, "password": password, "csrf_token": csrf, "next": "/"},
                       follow_redirects=False)


def test_a_signed_in_browser_needs_its_csrf_header_to_write(demo_api):
    from pulso.cli.users import DEMO_PASSWORDS

    admin = next(u for u in demo_api.users if u["id"] == demo_api.ids["admin"])
    browser = TestClient(demo_api.app, client=("10.6.0.1", 5000))
    assert _sign_in(browser, admin["email"], DEMO_PASSWORDS["admin"]).status_code == 303
    assert browser.get("/api/v1/me").json()["via"] == "session"
    refused = browser.post("/api/v1/records/deals", json={"records": []})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    page = browser.get("/settings/tokens").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    allowed = browser.post("/api/v1/records/deals", json={"records": []}, headers={"X-CSRF-Token": csrf})
    assert allowed.status_code == 200 and allowed.json()["written"] == 0


def test_sign_ins_and_failures_are_audited(demo_api):
    from pulso.cli.users import DEMO_PASSWORDS

    rep = next(u for u in demo_api.users if u["id"] == demo_api.ids["rep"])
    browser = TestClient(demo_api.app, client=("10.6.0.2", 5000))
    assert _sign_in(browser, rep["email"], "wrong-password").status_code == 401
    assert _sign_in(browser, rep["email"], DEMO_PASSWORDS["rep"]).status_code == 303
    page = browser.get("/").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert browser.post("/signout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    entries = demo_api.clients["admin"].get("/api/v1/audit", params={"action": "auth.*", "limit": 50}).json()["entries"]
    mine = [e for e in entries if e["ip"] == "10.6.0.2"]
    assert [e["action"] for e in mine] == ["auth.sign_out", "auth.sign_in", "auth.sign_in_failed"]
    assert mine[0]["actor_id"] == rep["id"] and mine[1]["actor_id"] == rep["id"]
    assert mine[2]["actor_kind"] == "anonymous" and mine[2]["detail"] == {"email": rep["email"]}


def test_token_use_is_audited_once_a_minute(demo_api):
    from pulso import tokens

    created = demo_api.run(tokens.create, demo_api.store(), "counted", role="viewer")
    client = TestClient(demo_api.app, headers={"Authorization": f"Bearer {created.secret}"})
    for _ in range(3):
        assert client.get("/api/v1/me").status_code == 200
    uses = demo_api.clients["admin"].get("/api/v1/audit", params={"action": "token.use", "actor_id": created.token.id}).json()
    assert len(uses["entries"]) == 1 and uses["entries"][0]["detail"] == {"request": "GET /api/v1/me"}
    listed = next(t for t in demo_api.clients["admin"].get("/api/v1/tokens").json()["tokens"] if t["id"] == created.token.id)
    assert listed["last_used_at"] is not None


def test_audit_filters_and_refuses_naive_times(demo_api):
    admin = demo_api.clients["admin"]
    assert admin.get("/api/v1/audit", params={"since": "2026-01-01T00:00:00"}).status_code == 400
    assert admin.get("/api/v1/audit", params={"since": "2026-01-01T00:00:00Z", "limit": 2}).status_code == 200
    assert admin.get("/api/v1/audit", params={"limit": 501}).status_code == 400
    assert admin.get("/api/v1/audit", params={"since": "yesterday"}).json()["error"]["field"] == "since"


def test_a_token_bound_to_a_deactivated_user_stops_for_good(tiny):
    from pulso import tokens

    made = tiny.run(tokens.create, tiny.store(), "r2 phone", role="rep", user_id="r2")
    own = TestClient(tiny.app, headers={"Authorization": f"Bearer {made.secret}"})
    assert own.get("/api/v1/me").status_code == 200
    tiny.run(tiny.store().upsert, "users", [{"id": "r2", "active": False}])
    try:
        response = own.get("/api/v1/me")
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    finally:
        tiny.run(tiny.store().upsert, "users", [{"id": "r2", "active": True}])
    assert own.get("/api/v1/me").status_code == 401  # revoked at the deactivation: reactivating revives nothing
    assert tiny.clients["rep"].get("/api/v1/me").status_code == 200  # r1's token is untouched


def test_a_wrong_method_is_405_and_an_unknown_path_404(demo_api):
    client = demo_api.clients["admin"]
    wrong = client.put("/api/v1/records/deals")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong.json()["error"]["message"] and "POST" in wrong.json()["error"]["message"]
    missing = client.get("/api/v1/nothing/here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
