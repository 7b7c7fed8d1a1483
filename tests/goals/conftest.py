"""Fixtures of the goals, alerts and reports tests: a tiny hand-made workspace on each backend,
a small demo workspace built once per process (copied for tests that add data), a local SMTP
server (aiosmtpd) and a local webhook receiver: real servers, no mocks."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pulso.config import Settings
from pulso.store import Store

from goals.helpers import DEMO_AS_OF, tiny_records
import support


@pytest.fixture
def tiny(store) -> Store:
    """The tiny workspace on each backend."""
    store.upsert_many(tiny_records())
    return store


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> str:
    """A small demo workspace (1,000 accounts), built once per process; tests copy it."""
    from pulso.demo import generate

    path = tmp_path_factory.mktemp("goals-demo") / "demo.duckdb"
    with Store(Settings(f"duckdb:///{path}")) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
        generate(store, size="small", seed=42, as_of=DEMO_AS_OF, replace=True)
    return str(path)


@pytest.fixture
def demo(demo_master, tmp_path) -> Store:
    """A private copy of the demo workspace."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_master, path)
    store = Store(Settings(f"duckdb:///{path}"))
    yield store
    store.close()


@pytest.fixture
def smtp_server():
    """A real SMTP server on localhost (aiosmtpd) collecting the messages it receives (support.smtp_server)."""
    with support.smtp_server() as server:
        yield server


@pytest.fixture
def webhook_server():
    """A real HTTP server on localhost that records the JSON bodies POSTed to it."""
    received: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append({"path": self.path, "type": self.headers.get("Content-Type"), "json": json.loads(body)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/hook", "received": received}
    server.shutdown()
    server.server_close()


