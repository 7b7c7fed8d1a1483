"""Speed of a batch upsert of 10,000 deals through the HTTP API (target: under 2 s).

    .venv/bin/python benchmarks/api_ingest.py                       # a fresh DuckDB workspace in a temp dir
    .venv/bin/python benchmarks/api_ingest.py --db postgresql+psycopg://user@host/db --records 10000

Builds a workspace with 20 users, 2,000 accounts and the default stages, creates an admin API
token, starts `pulso serve` in its own process on 127.0.0.1 and a free port, then times:
  1. insert: POST /api/v1/records/deals with 10,000 new deals (one request, one transaction);
  2. update: the same 10,000 deals again with new amounts (every id exists);
  3. by external_id: 10,000 deals without ids, matched on external_id (all existing).
Each line gives the wall time at the client (JSON encoding excluded: the body is prepared
first), the server time (Server-Timing header), and the body size. Only loopback traffic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PULSO = str(Path(sys.executable).parent / "pulso")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str) -> str:
    """Reference records for the deals, and an admin token; returns its secret."""
    from pulso import tokens
    from pulso.config import Settings
    from pulso.store import Store

    base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    with Store(Settings(url)) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
        store.upsert_many({
            "teams": [{"id": "team-1", "name": "Ventas"}],
            "users": [{"id": f"u{i}", "name": f"Comercial {i}", "email": f"u{i}@example.com", "role": "rep",
                       "team_id": "team-1", "created_at": base} for i in range(20)],
            "accounts": [{"id": f"acc{i}", "name": f"Cliente {i}", "owner_id": f"u{i % 20}", "created_at": base}
                         for i in range(2000)],
            "stages": [{"id": "open", "name": "Abierta", "position": 1, "kind": "open", "probability": 0.3},
                       {"id": "won", "name": "Ganada", "position": 2, "kind": "won", "probability": 1.0}],
        })
        return tokens.create(store, "benchmark", role="admin").secret


def deals(n: int, *, amount: float, with_ids: bool = True) -> list[dict]:
    """n deals, a quarter of them won."""
    out = []
    for i in range(n):
        won = i % 4 == 0
        rec = {"external_id": f"crm-{i}", "account_id": f"acc{i % 2000}", "owner_id": f"u{i % 20}",
               "title": f"Oportunidad {i}", "amount": amount + i % 997, "currency": "EUR",
               "stage_id": "won" if won else "open", "status": "won" if won else "open", "kind": "new",
               "created_at": f"2026-0{1 + i % 9}-{1 + i % 28:02d}T10:00:00+01:00",
               "closed_at": f"2026-10-{1 + i % 28:02d}T12:00:00+01:00" if won else None}
        if with_ids:
            rec["id"] = f"deal-{i}"
        out.append(rec)
    return out


def timed(client: httpx.Client, secret: str, records: list[dict]) -> tuple[float, float, int, dict]:
    body = json.dumps({"records": records}).encode()
    started = time.perf_counter()
    response = client.post("/api/v1/records/deals", content=body,
                           headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    wall = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"failed: {response.status_code} {response.text[:500]}")
    server = float(response.headers["server-timing"].split("dur=")[1]) / 1000
    return wall, server, len(body), response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL or DuckDB file (default: a new temp file)")
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    url = args.db or f"duckdb:///{Path(tempfile.mkdtemp()) / 'ingest.duckdb'}"
    secret = prepare(url)
    port = free_port()
    server = subprocess.Popen([PULSO, "serve", "--db", url, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start: " + (server.stderr.read().decode() if server.stderr else ""))
                time.sleep(0.2)
            print(f"workspace: {url.split('@')[-1]}  records per request: {args.records:,}")
            for label, records in (("insert", deals(args.records, amount=1000)),
                                   ("update", deals(args.records, amount=2000)),
                                   ("by external_id", deals(args.records, amount=3000, with_ids=False))):
                wall, took, size, answer = timed(client, secret, records)
                print(f"  {label:<15} {wall:6.2f} s at the client, {took:6.2f} s in the server, "
                      f"{size / 1e6:5.1f} MB, {answer['created']:,} created, {answer['updated']:,} updated, "
                      f"{args.records / wall:,.0f} records/s")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
