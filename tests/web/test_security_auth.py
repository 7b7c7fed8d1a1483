"""Sign-in security (issue 12, findings 4 and 18): the throttle holds under parallel sign-ins on
both backends and across servers, proxy headers count only from configured proxies, deactivated
people lose their sessions and tokens, `pulso users add` never silently rewrites someone, and
passwords follow NIST SP 800-63B (length and a list of common passwords)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from pulso.config import Settings
from pulso.errors import PulsoError
from pulso.store import Store, schema

EMAIL, PASSWORD = "ana@empresa.es", "luna-de-valencia-7"
PULSO = [sys.executable, "-m", "pulso"]
runner = CliRunner()


def _people(store: Store) -> None:
    """Ana (admin, a password) and Rita (rep, a password)."""
    from pulso.web.auth import set_password

    store.upsert("users", [
        {"id": "u-ana", "name": "Ana Gil", "email": EMAIL, "role": "admin", "created_at": "2026-01-01T00:00:00"},
        {"id": "u-rita", "name": "Rita Sol", "email": "rita@empresa.es", "role": "rep", "created_at": "2026-01-01T00:00:00"},
    ])
    set_password(store, "u-ana", PASSWORD)
    set_password(store, "u-rita", "rita-en-la-playa-3")


def _app(url: str, **limits):
    from pulso.web import WebSettings, create_app

    return create_app(WebSettings(store=Settings(url), secret_key="security-test", strict_i18n=True, **limits))


class _Server:
    """An app served by uvicorn on 127.0.0.1 in a thread, as `pulso serve` serves it."""

    def __init__(self, app):
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.app, self.url = app, f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                                    lifespan="off", proxy_headers=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.app.state.services.close()


def _browser(base: str) -> tuple[httpx.Client, str]:
    """A browser that opened the sign-in form: its client and the form's CSRF token."""
    client = httpx.Client(base_url=base, timeout=120)
    # Connection: close — the sign-in later opens a new connection: a kept-alive one could sit idle
    # past uvicorn's keep-alive timeout while the other browsers open, and be reset under the post.
    form = client.get("/signin", headers={"Connection": "close"}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return client, token


def _parallel(attempts: list[tuple[str, str, str]]) -> list[int]:
    """Post every (server, e-mail, password) sign-in at once from its own thread; their statuses."""
    browsers = [(_browser(base), email, password) for base, email, password in attempts]
    start = threading.Barrier(len(browsers))
    statuses: list[int] = [0] * len(browsers)

    def post(i: int) -> None:
        (client, token), email, password = browsers[i]
        start.wait()
        statuses[i] = client.post("/signin", data={"email": email, "password": password, "csrf_token": token}).status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(browsers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    for (client, _), _, _ in browsers:
        client.close()
    return statuses


def _audited(store_url: str, action: str) -> int:
    with Store(Settings(store_url)) as store, store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(schema.audit_log.c.action == action)).scalar()


def test_parallel_sign_ins_never_check_more_passwords_than_the_limit(store):
    """40 wrong passwords at once for one e-mail, limit 5: five are checked, 35 wait; then even the
    right password waits."""
    _people(store)
    url = store.url
    store.close()
    server = _Server(_app(url, max_failures_per_email=5, max_failures_per_address=30))
    try:
        statuses = _parallel([(server.url, EMAIL, f"wrong-guess-{i:02d}") for i in range(40)])
        assert sorted(statuses) == [401] * 5 + [429] * 35
        client, token = _browser(server.url)
        right = client.post("/signin", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        client.close()
        assert right.status_code == 429
    finally:
        server.stop()
    assert _audited(url, "auth.sign_in_failed") == 5  # one per password checked
    assert _audited(url, "auth.sign_in") == 0


def test_parallel_sign_ins_from_one_address_stop_at_the_address_limit(store):
    """40 different e-mails at once from one address, address limit 30: thirty are checked."""
    _people(store)
    url = store.url
    store.close()
    server = _Server(_app(url, max_failures_per_email=5, max_failures_per_address=30))
    try:
        statuses = _parallel([(server.url, f"nadie{i}@empresa.es", "wrong-guess-1") for i in range(40)])
    finally:
        server.stop()
    assert sorted(statuses) == [401] * 30 + [429] * 10
    assert _audited(url, "auth.sign_in_failed") == 30


def test_a_right_password_among_parallel_wrong_ones_gets_no_extra_tries(store):
    """19 wrong and the right one at once, limit 5: at most five passwords are checked in all."""
    _people(store)
    url = store.url
    store.close()
    server = _Server(_app(url, max_failures_per_email=5, max_failures_per_address=30))
    try:
        statuses = _parallel([(server.url, EMAIL, f"wrong-guess-{i:02d}") for i in range(19)]
                             + [(server.url, EMAIL, PASSWORD)])
    finally:
        server.stop()
    checked = [s for s in statuses if s != 429]
    assert len(checked) <= 5 and set(checked) <= {401, 200, 303}
    assert _audited(url, "auth.sign_in_failed") + _audited(url, "auth.sign_in") == len(checked)


def test_two_servers_on_one_postgres_share_the_limit(store_on):
    """Two server processes' worth of apps on one PostgreSQL database: 20 + 20 wrong passwords at
    once for one e-mail, limit 5, still five checks in all."""
    store = store_on("postgres")
    _people(store)
    url = store.url
    store.close()
    servers = [_Server(_app(url, max_failures_per_email=5, max_failures_per_address=30)) for _ in range(2)]
    try:
        statuses = _parallel([(servers[i % 2].url, EMAIL, f"wrong-guess-{i:02d}") for i in range(40)])
    finally:
        for server in servers:
            server.stop()
    assert sorted(statuses) == [401] * 5 + [429] * 35
    assert _audited(url, "auth.sign_in_failed") == 5


def test_reservations_from_many_connections_never_pass_the_limit(store):
    """The throttle itself, without the web app's single database thread: 40 threads reserve at
    once through 8 stores (8 connections, as 8 server processes would on PostgreSQL; one store on
    DuckDB, which one process holds): five attempts are granted."""
    from pulso.web.auth import Throttle, ThrottledError

    stores = [store] + ([Store(Settings(store.url)) for _ in range(7)] if store.dialect == "postgres" else [])
    throttles = [Throttle(s, per_email=5, per_address=1000, minutes=15) for s in stores]
    start = threading.Barrier(40)
    granted: list[str] = []

    def attempt(i: int) -> None:
        start.wait()
        try:
            granted.append(throttles[i % len(throttles)].reserve(EMAIL, f"10.9.0.{i}"))
        except ThrottledError:
            pass

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for extra in stores[1:]:
        extra.close()
    assert len(granted) == 5
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.sign_in_failures)).scalar() == 5


def _serve_and_fail_a_sign_in(db: str, *options: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "FORWARDED_ALLOW_IPS": "*"}  # uvicorn's own default must not leak in
    server = subprocess.Popen([*PULSO, "serve", "--db", db, "--port", str(port), *options], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(base + "/healthz", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.monotonic() < deadline, "pulso serve did not start"
                time.sleep(0.2)
        client, token = _browser(base)
        failed = client.post("/signin", data={"email": EMAIL, "password": "wrong-guess-1", "csrf_token": token},
                             headers={"X-Forwarded-For": "203.0.113.9"})
        client.close()
        assert failed.status_code == 401
    finally:
        server.terminate()
        server.wait(30)


def _failure_addresses(db: str) -> list[str]:
    a = schema.audit_log
    with Store(Settings(db)) as store, store.engine.connect() as conn:
        return [ip for (ip,) in conn.execute(sa.select(a.c.ip).where(a.c.action == "auth.sign_in_failed")
                                             .order_by(a.c.occurred_at))]


def test_forwarded_for_counts_only_from_a_configured_proxy(tmp_path):
    """A local client cannot choose the throttled and audited address; a configured proxy can."""
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(db)) as store:
        store.init(timezone="UTC")
        _people(store)
    _serve_and_fail_a_sign_in(db)
    assert _failure_addresses(db) == ["127.0.0.1"]
    _serve_and_fail_a_sign_in(db, "--forwarded-allow-ips", "127.0.0.1")
    assert _failure_addresses(db) == ["127.0.0.1", "203.0.113.9"]


# -- deactivated people ------------------------------------------------------------------------

def test_deactivating_a_user_ends_their_sessions_and_tokens_for_good(store):
    from pulso import tokens
    from pulso.web.auth import Sessions

    _people(store)
    other = Sessions(store, "security-test", 14)
    cookie_token = other.token(other.start("u-rita"))
    kept = other.token(other.start("u-ana"))
    bound = tokens.create(store, "rita phone", role="rep", user_id="u-rita")
    store.upsert("users", [{"id": "u-rita", "active": False}])
    store.upsert("users", [{"id": "u-rita", "active": True}])  # back again: nothing old revives
    fresh = Sessions(store, "security-test", 14)  # no remembered lookups
    assert fresh.user(cookie_token) is None
    assert tokens.verify(store, bound.secret) is None
    assert next(t for t in tokens.listing(store) if t.id == bound.token.id).revoked_at is not None
    assert fresh.user(kept).id == "u-ana"  # other people keep theirs


def test_a_token_cannot_be_made_for_an_inactive_user(store):
    from pulso import tokens

    _people(store)
    store.upsert("users", [{"id": "u-rita", "active": False}])
    with pytest.raises(tokens.TokenError, match="u-rita.*deactivated"):
        tokens.create(store, "rita phone", role="rep", user_id="u-rita")
    assert tokens.listing(store) == []


def test_the_cli_refuses_a_token_for_an_inactive_user(tmp_path):
    from pulso.cli import app as cli

    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(db)) as store:
        store.init(timezone="UTC")
        _people(store)
        store.upsert("users", [{"id": "u-rita", "active": False}])
    made = runner.invoke(cli, ["tokens", "create", "x", "--role", "rep", "--user", "u-rita", "--db", db])
    assert made.exit_code != 0 and "deactivated" in str(made.exception)


# -- pulso users add ---------------------------------------------------------------------------

def _cli(*args: str):
    from pulso.cli import app as cli

    return runner.invoke(cli, list(args), env={"COLUMNS": "200"})


def _user(db: str, user_id: str) -> dict:
    with Store(Settings(db)) as store:
        return next(u for u in store.rows("users") if u["id"] == user_id)


def test_users_add_never_rewrites_an_existing_email_in_another_case(tmp_path):
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(db)) as store:
        store.init(timezone="UTC")
        _people(store)
    again = _cli("users", "add", "ANA@Empresa.ES", "--name", "Intrusa", "--role", "viewer",
                 "--password", "otra-clave-larga-1", "--db", db)
    assert again.exit_code == 1
    assert "Ana Gil" in str(again.exception) and "u-ana" in str(again.exception) and "--update" in str(again.exception)
    ana = _user(db, "u-ana")
    assert (ana["name"], ana["email"], ana["role"]) == ("Ana Gil", EMAIL, "admin")
    # her password still works: nothing was written
    from pulso.web.auth import check_password, find_user_by_email

    with Store(Settings(db)) as store:
        assert check_password(find_user_by_email(store, EMAIL), PASSWORD)


def test_users_add_update_changes_only_what_it_is_told_and_audits_it(tmp_path):
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(db)) as store:
        store.init(timezone="UTC")
        _people(store)
    changed = _cli("users", "add", "RITA@empresa.es", "--update", "--role", "manager", "--db", db)
    assert changed.exit_code == 0, changed.output
    rita = _user(db, "u-rita")
    assert (rita["name"], rita["email"], rita["role"]) == ("Rita Sol", "rita@empresa.es", "manager")
    from pulso import audit
    from pulso.web.auth import check_password, find_user_by_email

    with Store(Settings(db)) as store:
        assert check_password(find_user_by_email(store, "rita@empresa.es"), "rita-en-la-playa-3")
        entries = audit.entries(store, actions=["users.*"])
    assert [(e["action"], e["detail"]["from"], e["detail"]["to"]) for e in entries] == [
        ("users.role_change", "rep", "manager")]
    missing = _cli("users", "add", "nadie@empresa.es", "--update", "--role", "rep", "--db", db)
    assert missing.exit_code == 1 and "no user" in str(missing.exception)


# -- passwords ---------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["12345678", "password", " " * 8, " " * 12, "\t \u3000 \n  \u00a0  ",
                                      "123456789", "corta-9ch"])
def test_short_or_blank_passwords_are_refused(password):
    from pulso.web.auth import hash_password

    with pytest.raises(PulsoError, match="at least 10 characters|only spaces"):
        hash_password(password)


@pytest.mark.parametrize("password", ["1234567890", "qwertyuiop", "password123", "PassWord123", "1q2w3e4r5t",
                                      "aaaaaaaaaaaa"])
def test_common_passwords_are_refused(password):
    from pulso.web.auth import hash_password

    with pytest.raises(PulsoError, match="too common"):
        hash_password(password)


@pytest.mark.parametrize("password", ["luna-de-valencia-7", "contraseña", "mi perro 12", " con espacios "])
def test_long_uncommon_passwords_are_accepted_as_typed(password):
    from pulso.web.auth import check_password, hash_password

    hashed = hash_password(password)
    assert check_password({"password_hash": hashed}, password)
    assert not check_password({"password_hash": hashed}, password.strip() + "x")


def test_the_cli_explains_a_refused_password(tmp_path):
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(db)) as store:
        store.init(timezone="UTC")
    for password, reason in [("12345678", "at least 10"), ("qwertyuiop", "too common"), (" " * 10, "only spaces")]:
        added = _cli("users", "add", "leo@empresa.es", "--name", "Leo", "--password", password, "--db", db)
        assert added.exit_code == 1 and reason in str(added.exception), (password, added.output)
    assert _cli("users", "add", "leo@empresa.es", "--name", "Leo", "--password", "leo-sabe-nadar-4",
                "--db", db).exit_code == 0
