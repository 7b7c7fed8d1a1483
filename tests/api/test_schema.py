"""schemathesis against the API's OpenAPI schema: generated requests, bounded in number and
time, never meet a server error. It runs on a tiny workspace with an admin token, so that the
write paths are exercised too (whatever it writes stays in that throw-away workspace)."""

from __future__ import annotations

import time

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.xdist_group("api-tiny")

EXAMPLES = 10  # per operation
BUDGET_SECONDS = 30.0  # for every operation together


class WithoutLifespan:
    """The app without its lifespan: schemathesis's client would otherwise close the app's
    workspace after its first request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self.app(scope, receive, send)


def test_the_schema_describes_the_api(tiny_duckdb):
    doc = TestClient(tiny_duckdb.app).get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    assert {"/api/v1/records/{table}", "/api/v1/records/{table}/{record_id}", "/api/v1/kpis",
            "/api/v1/kpis/{key}/values", "/api/v1/kpis/{key}/drill", "/api/v1/kpis/{key}/explain",
            "/api/v1/health", "/api/v1/version", "/api/v1/audit", "/api/v1/tokens"} <= paths
    assert all(p.startswith("/api/v1/") for p in paths)
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    body = doc["paths"]["/api/v1/records/{table}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["records"]["maxItems"] == 10_000


def test_generated_requests_meet_no_server_error(tiny_duckdb):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", WithoutLifespan(tiny_duckdb.app))
    headers = {"Authorization": f"Bearer {tiny_duckdb.secrets['admin']}"}
    started, checked, failures = time.monotonic(), [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() - started > BUDGET_SECONDS:
            break

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, response.status_code, response.text[:300]))
            elif response.status_code >= 400 and "imports" not in operation.path:
                # (POST /api/v1/imports answers a refused import with its run report, by design)
                body = response.json()
                assert "error" in body and body["error"]["code"], (case.method, case.formatted_path, response.text[:300])

        run()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert not failures, failures
    assert len(checked) >= 10, checked  # the budget let most operations run
