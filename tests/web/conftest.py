"""Web test fixtures: one small demo workspace per test process, one app on it, signed-in clients.

The workspace is generated once per process (xdist worker) and shared by the route tests and
the browser tests; the app runs in-process for TestClient and in a uvicorn thread for Chromium.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pulso.config import Settings
from pulso.store import Store

AS_OF = dt.date(2026, 10, 31)
XSS = "<script>alert(1)</script>"
DEMO_SIZE = "150"  # accounts: enough for every page to have a story, quick to build
ROLES = ("admin", "manager", "rep", "viewer")


@pytest.fixture(scope="session")
def web_workspace(tmp_path_factory) -> dict:
    """A demo workspace with known sign-ins and one customer named like a script."""
    from pulso.demo import generate
    from pulso.cli.users import give_demo_passwords

    path = tmp_path_factory.mktemp("web") / "web.duckdb"
    url = f"duckdb:///{path}"
    with Store(Settings(url)) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
        generate(store, size=DEMO_SIZE, seed=11, as_of=AS_OF, replace=True)
        signins = {role: {"name": name, "email": email, "password": password}
                   for role, name, email, password in give_demo_passwords(store)}
        users = store.rows("users")
        for info in signins.values():
            info["id"] = next(u["id"] for u in users if u["email"] == info["email"])
        rep = signins["rep"]["id"]
        stage = next(s["id"] for s in store.rows("stages") if s["kind"] == "won")
        store.upsert_many({
            "accounts": [{"id": "acc-xss", "name": XSS, "company": XSS, "owner_id": rep,
                          "created_at": "2026-10-01T09:00:00", "acquired_at": "2026-10-02T09:00:00"}],
            "deals": [{"id": "deal-xss", "account_id": "acc-xss", "owner_id": rep, "title": XSS, "amount": 1234,
                       "currency": "EUR", "stage_id": stage, "status": "won", "kind": "new",
                       "created_at": "2026-10-02T09:00:00", "closed_at": "2026-10-05T09:00:00"}],
        })
    return {"url": url, "signins": signins, "users": users}


@pytest.fixture(scope="session")
def web_app(web_workspace):
    """The app on the demo workspace (strict translations, a fixed today)."""
    from pulso.web import WebSettings, create_app

    app = create_app(WebSettings(
        store=Settings(web_workspace["url"]), secret_key="test-secret", strict_i18n=True, today=AS_OF,
        max_failures_per_email=3, max_failures_per_address=1000,
    ))
    yield app
    app.state.services.close()


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str):
    """Sign a client in through the form, as a browser would."""
    token = csrf_of(client.get("/signin").text)
    return client.post("/signin", data={"email": email, "password": password, "csrf_token": token, "next": "/"},
                       follow_redirects=False)


@pytest.fixture(scope="session")
def clients(web_app, web_workspace) -> dict[str, TestClient]:
    """One signed-in client per role."""
    out = {}
    for i, role in enumerate(ROLES):
        client = TestClient(web_app, client=(f"10.0.0.{i + 1}", 5000))
        info = web_workspace["signins"][role]
        response = sign_in(client, info["email"], info["password"])
        assert response.status_code == 303, response.text
        out[role] = client
    return out


@pytest.fixture(scope="session")
def live_server(web_app):
    """The app served by uvicorn on 127.0.0.1 and a free port, in a thread."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
