"""Helpers the tests import by name (conftest.py is not importable by name: every test folder has one).

`make_store` builds a new, initialised, empty workspace on DuckDB or on the PostgreSQL server of
the `pg_server` fixture. Running the migrations costs about a quarter of a second per workspace,
and hundreds of tests take a new one: so each test process migrates one template per backend
and every workspace after it is a copy (a file copy on DuckDB, CREATE DATABASE ... TEMPLATE on
PostgreSQL), and only a time zone other than UTC is then written (Store.init(timezone=...) on a
new workspace differs from Store.init() in that row alone; tests/store/test_store.py checks init).

`smtp_server()` runs a real SMTP server on localhost (aiosmtpd) for the length of a with block.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default as email_policy
from typing import Any, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from pulso.config import Settings
from pulso.store import Store

BACKENDS = ("duckdb", "postgres")
#: The product's password hasher (pulso.web.auth._hasher as the code builds it); conftest.py swaps
#: in a cheap one for the rest of the suite. tests/web/test_password_cost.py checks this one.
PRODUCTION_HASHER: Any = None
_counter = itertools.count()
#: backend → this process's migrated empty workspace: a DuckDB file, a PostgreSQL database name
_templates: dict[str, str] = {}


def _pg_database(server_url: str, template: str | None = None) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"pulso_{worker}_{os.getpid()}_{next(_counter)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))  # generated names, not input
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(server_url: str, url: str) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _template(backend: str, request: pytest.FixtureRequest) -> str:
    """The migrated empty workspace make_store copies, built on first use in this process."""
    if backend not in _templates:
        if backend == "duckdb":
            url = f"duckdb:///{request.getfixturevalue('tmp_path_factory').mktemp('template') / 'template.duckdb'}"
        else:
            url = _pg_database(request.getfixturevalue("pg_server"))
        with Store(Settings(database_url=url)) as store:  # closed: a template database takes no connection
            store.init()
        _templates[backend] = url.split(":///", 1)[1] if backend == "duckdb" else url.rsplit("/", 1)[1]
    return _templates[backend]


def make_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest, *, timezone: str = "UTC") -> Store:
    """A new, initialised, empty workspace on `backend` (a copy of the process's template)."""
    template = _template(backend, request)
    if backend == "duckdb":
        path = tmp_path / f"w{next(_counter)}.duckdb"
        shutil.copyfile(template, path)
        if os.path.exists(f"{template}.wal"):
            shutil.copyfile(f"{template}.wal", f"{path}.wal")
        url = f"duckdb:///{path}"
    else:
        url = _pg_database(request.getfixturevalue("pg_server"), template)
    store = Store(Settings(database_url=url))
    if backend == "postgres":  # dropped afterwards: hundreds of copies made the cluster's final stop slow
        server = request.getfixturevalue("pg_server")
        request.addfinalizer(lambda: _drop_pg_database(server, url))
    request.addfinalizer(store.close)
    if timezone != "UTC":  # the template is what Store.init() leaves; init(timezone=...) differs only here
        store.set_setting("timezone", timezone)
    return store


@contextmanager
def smtp_server() -> Iterator[dict[str, Any]]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, a free port) while the with block runs:
    {"host", "port", "received": [{"to": [...], "from": ..., "message": email.message.EmailMessage}]}."""
    from aiosmtpd.controller import Controller

    received: list[dict[str, Any]] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append({"to": list(envelope.rcpt_tos), "from": envelope.mail_from,
                             "message": message_from_bytes(envelope.content, policy=email_policy)})
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield {"host": "127.0.0.1", "port": port, "received": received}
    finally:
        controller.stop()


# -- the words a page must not show (tests/web/test_screen_defects.py, tests/web/test_every_page.py) --

#: Codes of the store that must never reach a person, in either language.
CODES = re.compile(r"\b(paid_social|paid_search|organic_search|left_voicemail|no_answer|no_show|team:\w+|rep:\w+)\b")
#: English words of the UI (never of the data: a campaign may be called anything) that a Spanish
#: page must not show (whole words, case-sensitive), and Spanish ones for English pages.
ENGLISH = re.compile(r"\b(the|page|month|quarter|week|high|low|email|phone|sent|done|connected|threshold|anomaly|"
                     r"Goals|Sign out|user|system)\b")
SPANISH = re.compile(r"\b(mes|trimestre|alta|baja|correo|teléfono|enviado|hecha|umbral|Objetivos|Cerrar sesión|sistema)\b")
#: What a template or the code leaves when a value is missing.
PLACEHOLDERS = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|Traceback|[{}]")


def other_language(lang: str) -> re.Pattern:
    """The words of the other language a page in `lang` must not show."""
    return ENGLISH if lang == "es" else SPANISH


@contextmanager
def signed_in_app(store: Store, email: str, password: str, *, today) -> Iterator[tuple[Any, Any]]:
    """(app, client): the web app on `store`'s workspace (the store is closed first: a DuckDB file
    has one holder) in strict translation mode, and a TestClient signed in as `email` that shows
    server errors as responses; the app's services are closed afterwards."""
    from fastapi.testclient import TestClient

    from pulso.web import WebSettings, create_app

    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="s", strict_i18n=True, today=today))
    try:
        client = TestClient(app, raise_server_exceptions=False)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
        client.post("/signin", data={"email": email, "password": password, "csrf_token": token, "next": "/"},
                    follow_redirects=False)
        yield app, client
    finally:
        app.state.services.close()
