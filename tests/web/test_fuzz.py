"""Issue 12: hostile query parameters never make the server fail (no 5xx, no unhandled error).

The routes come from the app object itself, so a new page or endpoint is fuzzed without
touching this file: every GET route; the parameters each declares, the period and filter
parameters every page reads (pulso.web.periods, pulso.web.deps.DIMENSIONS), the ones its module
reads from `request.query_params` by name, and a table's fields for the API's record listings.
Routes that share a handler (a page and its JSON twin) are one group: each example asks every
path of the group with the same parameters (the twin then comes from the page cache).

Each group gets a few examples (PULSO_FUZZ_EXAMPLES, default 3; a page with new filters costs
seconds of KPI queries), reproducible (a seed per group, no example database): one to three of
its parameters, each a hostile value (far dates, huge and negative numbers, NUL, very long text,
SQL and HTML fragments...) or any text, integer or date, for a signed-in rep, manager or admin
(pages) or an admin's or a rep's API token (/api/). Every failure is collected and reported
together, with its route, parameters, caller and, for an unhandled error, the failing line.
Set PULSO_FUZZ_EXAMPLES=50 for a deeper run.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
import sys
import traceback
import zlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from pulso.store import schema  # noqa: E402
from pulso.web.deps import DIMENSIONS, page_context  # noqa: E402

EXAMPLES = int(os.environ.get("PULSO_FUZZ_EXAMPLES", "3"))
PERIOD_PARAMS = ("period", "at", "from", "to", "grain")
#: Values for path parameters, so that the query string is what gets exercised.
PATH_VALUES = {"key": "close_rate", "fmt": "csv", "table": "deals", "record_id": "no-such-record",
               "run_id": "no-such-run", "token_id": "no-such-token"}
RECORD_OPERATORS = ("", "__gt", "__lte", "__ne", "__null")
HOSTILE = [
    "", " ", "0", "-1", "-99999999999999999999999", "99999999999999999999999", "1e309", "NaN", "-inf",
    "9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01", "10000-01-01", "2026-02-30", "2026-13", "2026-W53",
    "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", "2026-01-01T25:00:00Z",
    "\x00", "a\x00b", "ñandú €😀", "\u202e\ufeff", "x" * 5000, "9" * 400,
    "' OR '1'='1", "1; DROP TABLE deals; --", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "{{7*7}}", "%00", "../../etc/passwd", "owner:x", "source:' OR 1=1 --", "close_rate,revenue_won,,",
    "null", "true", "[]", "\r\nX-Injected: 1",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str),
    st.dates().map(dt.date.isoformat),
    st.text(max_size=60),
)
_READS = re.compile(r"""query_params\.get(?:list)?\(\s*["'](\w+)["']""")


@dataclass
class Group:
    """GET routes sharing one handler (a page and its JSON twin): their paths and parameters."""

    paths: list[str]
    params: set[str] = field(default_factory=set)
    api: bool = False


def _dependants(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _api_routes(app) -> list[Any]:
    """Every APIRoute of the app with its full path (FastAPI ≥ 0.165 nests included routers)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are flat
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)]


def groups_of(app) -> list[Group]:
    """The app's GET routes, grouped by handler, each with every parameter it may read."""
    found: dict[Any, Group] = {}
    for route in _api_routes(app):
        if "GET" not in (route.methods or ()):
            continue
        deps = list(_dependants(route.dependant))
        params = {f.alias for d in deps for f in d.query_params}
        if any(d.call is page_context for d in deps):
            params |= set(PERIOD_PARAMS) | set(DIMENSIONS)
        module = sys.modules.get(route.endpoint.__module__)
        if module is not None:
            params |= set(_READS.findall(inspect.getsource(module)))
        path_names = {f.alias for d in deps for f in d.path_params}
        if "table" in path_names and route.path.startswith("/api/"):
            params |= {c + op for c in schema.table(PATH_VALUES["table"]).c.keys() for op in RECORD_OPERATORS}
        path = route.path
        for name in path_names:
            path = path.replace("{" + name + "}", PATH_VALUES.get(name, "x"))
        group = found.setdefault((route.endpoint, path.startswith("/api/")), Group([], api=path.startswith("/api/")))
        group.paths.append(path)
        group.params |= params
    return [g for g in found.values() if g.params]


@pytest.fixture(scope="module")
def api_clients(web_app, web_workspace):
    """An admin's and a rep's API token on the web workspace (revoked afterwards)."""
    from pulso import tokens

    services = web_app.state.services
    made = {"token-admin": services.run(tokens.create, services.store, "fuzz admin", role="admin"),
            "token-rep": services.run(lambda: tokens.create(services.store, "fuzz rep", role="rep",
                                                            user_id=web_workspace["signins"]["rep"]["id"]))}
    yield {who: TestClient(web_app, headers={"Authorization": f"Bearer {c.secret}"}, client=(f"10.8.0.{i}", 5000))
           for i, (who, c) in enumerate(made.items(), start=1)}
    for c in made.values():
        services.run(tokens.revoke, services.store, c.token.id)


def _where(exc: BaseException) -> str:
    """The innermost line of Pulso's code in a traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/pulso/" in f.filename]
    last = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{last.filename.split('/src/')[-1]}:{last.lineno} {last.line}"


def fuzz(group: Group, callers: dict[str, TestClient], failures: list[str]) -> None:
    """Run the group's examples (seeded by its path: reproducible, and different from group to
    group), adding each failure to `failures`."""

    key = group.paths[0].encode()
    # Hypothesis tries its simplest example first (the first parameter, the first value): a
    # different first parameter per group, so that it is not the same one everywhere.
    order = sorted(group.params, key=lambda name: zlib.crc32(key + name.encode()))

    @seed(zlib.crc32(key))
    @settings(max_examples=EXAMPLES, database=None, deadline=None,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    @given(who=st.sampled_from(sorted(callers)),
           query=st.dictionaries(st.sampled_from(order), VALUES, min_size=1, max_size=3))
    def example(who: str, query: dict[str, str]) -> None:
        for path in group.paths:
            shown = {k: v[:80] for k, v in query.items()}
            try:
                response = callers[who].get(path, params=query, follow_redirects=False)
            except Exception as exc:  # an error no handler turned into an answer
                failures.append(f"{path} {shown!r} as {who}: {type(exc).__name__}: {exc!s:.200} at {_where(exc)}")
                continue
            if response.status_code >= 500:
                failures.append(f"{path} {shown!r} as {who}: {response.status_code} {response.text[:200]!r}")

    example()


def test_the_routes_are_found(web_app):
    """The enumeration sees the pages, their twins, the KPI detail and the API (or the fuzz below would be empty)."""
    groups = groups_of(web_app)
    paths = {p for g in groups for p in g.paths}
    assert {"/", "/index.json", "/sales", "/kpi/close_rate", "/kpi/close_rate.json", "/api/v1/kpis/close_rate/values",
            "/api/v1/records/deals", "/api/v1/audit"} <= paths
    detail = next(g for g in groups if "/kpi/close_rate" in g.paths)
    assert {"page", "part", "by", "at", "owner"} <= detail.params and len(detail.paths) == 2
    records = next(g for g in groups if "/api/v1/records/deals" in g.paths)
    assert {"limit", "offset", "after", "amount__gt", "created_at"} <= records.params


def test_hostile_query_parameters_never_fail_a_page(web_app, clients):
    callers = {role: clients[role] for role in ("rep", "manager", "admin")}
    failures: list[str] = []
    for group in groups_of(web_app):
        if not group.api:
            fuzz(group, callers, failures)
    assert not failures, "\n".join(failures)


def test_hostile_query_parameters_never_fail_the_api(web_app, api_clients):
    failures: list[str] = []
    for group in groups_of(web_app):
        if group.api:
            fuzz(group, api_clients, failures)
    assert not failures, "\n".join(failures)
