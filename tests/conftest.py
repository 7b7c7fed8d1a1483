"""Fixtures shared by the whole suite: one store per backend, DuckDB and PostgreSQL alike.

A test that takes `store` runs twice, once on each backend. PostgreSQL is a real cluster
started for the session (see pgserver.py); when it cannot start, the tests fail, never skip.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import pgserver  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

from pulso.store import Store  # noqa: E402

# Compiled KPI plans go to a folder of this run, never to the user's ~/.cache (xdist workers
# inherit the controller's folder).
os.environ.setdefault("PULSO_CACHE_DIR", tempfile.mkdtemp(prefix="pulso-test-cache-"))
# The command line speaks the environment's language (docs/i18n.md); tests that run it, in process
# or as a subprocess, read its English whatever the machine's locale (tests/cli/test_cli_language.py
# sets the language it tests).
os.environ["PULSO_LANG"] = "en"

# Passwords: the product hashes with argon2id at the library's default cost (64 MiB, 3 passes,
# 4 lanes), about a quarter of a CPU second per hash or check. Hundreds of tests set passwords
# and sign in; none tests that cost but tests/web/test_password_cost.py, which checks the
# product's own hasher (kept as support.PRODUCTION_HASHER). Everywhere else the hashes are argon2id
# at the lowest cost: a check reads the cost from the stored hash, so the app checks them cheaply
# through its own code. Processes the tests start (`pulso serve`) keep the product's cost.
import pulso.web.auth as _auth  # noqa: E402
import support  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

support.PRODUCTION_HASHER = _auth._hasher
_auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_auth._DUMMY_HASH = _auth._hasher.hash("pulso-no-such-user")


@pytest.fixture(scope="session")
def pg_server():
    """URL of a PostgreSQL maintenance database for this test process."""
    url, cluster = pgserver.server_url()
    pgserver.wait_ready(url)
    yield url
    if cluster is not None:
        cluster.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The name of the backend this test runs on."""
    return request.param


@pytest.fixture
def store(backend, tmp_path, request) -> Store:
    """An empty workspace (time zone UTC) on each backend in turn."""
    return make_store(backend, tmp_path, request)


@pytest.fixture
def store_on(tmp_path, request):
    """Build an empty workspace on a named backend: store_on("postgres", timezone=...)."""
    return lambda backend, **kw: make_store(backend, tmp_path, request, **kw)


@pytest.fixture
def store_factory(backend, tmp_path, request):
    """Build more empty workspaces on the current backend: store_factory(timezone=...)."""
    return lambda **kw: make_store(backend, tmp_path, request, **kw)


def _groups(item: pytest.Item) -> set[str]:
    return {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}


def _uses_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        d.scope in ("module", "class", "package") for defs in info.name2fixturedefs.values() for d in defs)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The scheduling units of `-n 2 --dist loadgroup` (docs/testing.md), in each xdist worker.

    A test marked `xdist_group(name)` runs on the worker that runs its group; a test that takes a
    module-scoped fixture runs on the worker that runs the rest of its module's such tests (the
    fixture is built once, not once per worker); every other test goes to whichever worker is free.
    xdist marks a group by appending "@name" to the test's id, which pytest 9 ignores (it keeps the
    id in `_id`, xdist writes `_nodeid`): the groups are written here, for either version.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId  # pytest >= 9 (the id xdist's own hook no longer reaches)

    for item in items:
        if "@" in item.nodeid:  # xdist could write it (pytest < 9)
            continue
        names = _groups(item) or ({"module:" + item.nodeid.split("::")[0]} if _uses_module_fixture(item) else set())
        if names:
            grouped = f"{item.nodeid}@{'_'.join(sorted(names))}"
            if hasattr(item, "_id"):
                item._id = NodeId.parse(grouped)
            else:
                item._nodeid = grouped


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    """Remember skipped tests: in CI a skip is a failure (nothing may be silently left out)."""
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") and _skipped and not hasattr(session.config, "workerinput"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"CI: {len(_skipped)} test(s) skipped, which CI treats as a failure:", red=True)
            for nodeid in _skipped[:20]:
                reporter.write_line(f"  {nodeid}", red=True)
        session.exitstatus = 1
