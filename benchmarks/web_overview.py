"""Speed of the overview page on a large demo workspace: cold, warm, and under 20 clients.

    .venv/bin/python benchmarks/web_overview.py                      # builds /tmp/pulso-bench/large.duckdb once
    .venv/bin/python benchmarks/web_overview.py --db big.duckdb --clients 20 --seconds 60

Starts `pulso serve` in its own process on 127.0.0.1 and a free port, signs in as the demo admin,
and measures (server time from the Server-Timing header, latency at the client):
  1. cold: the first overview after the server starts (every KPI computed), then the tiles'
     sparklines, which the page loads after itself;
  2. warm: the same page again, 20 times one after the other;
  3. load: `--clients` concurrent clients, each signed in, asking for the overview in a loop
     for `--seconds` seconds; p50/p95 latency, requests per second, and errors (must be zero).
Targets: cold < 2 s, warm p95 < 150 ms. Only loopback traffic; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PULSO = str(Path(sys.executable).parent / "pulso")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_workspace(db: Path, size: str, as_of: str) -> None:
    """Build the demo workspace unless it already holds one."""
    if db.exists():
        print(f"workspace: {db} (reused; delete it to rebuild)")
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    print(f"workspace: building a {size} demo at {db} (once)...", flush=True)
    started = time.perf_counter()
    subprocess.run([PULSO, "demo", "--db", str(db), "--size", size, "--as-of", as_of], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  built in {time.perf_counter() - started:.0f} s")


def demo_admin(db: Path) -> tuple[str, str]:
    """Give the demo users known passwords; the admin's e-mail and password."""
    out = subprocess.run([PULSO, "users", "demo-passwords", "--db", str(db)], check=True, capture_output=True,
                         text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}).stdout
    for line in out.splitlines():
        cells = line.split()
        if cells and cells[0] == "admin":
            return cells[1], cells[2]
    raise SystemExit(f"no admin sign-in in:\n{out}")


def sign_in(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    page = client.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/signin", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text[:300]
    return client


def timed(client: httpx.Client, path: str) -> tuple[float, float, int]:
    """(client latency s, server time s, status)."""
    started = time.perf_counter()
    response = client.get(path)
    latency = time.perf_counter() - started
    server = re.search(r"dur=([\d.]+)", response.headers.get("server-timing", ""))
    return latency, float(server.group(1)) / 1000 if server else latency, response.status_code


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/pulso-bench/large.duckdb"))
    parser.add_argument("--size", default="large")
    parser.add_argument("--as-of", default="2026-10-31")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--path", default="/?period=month&at=2026-10-01")
    args = parser.parse_args()

    ensure_workspace(args.db, args.size, args.as_of)
    email, password = demo_admin(args.db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PULSO, "serve", "--db", str(args.db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/healthz", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the server did not start: {server.stderr.read() if server.poll() is not None else ''}")
                time.sleep(0.2)
        client = sign_in(base, email, password)

        cold_latency, cold_server, status = timed(client, args.path)
        assert status == 200, status
        print(f"cold overview: server {cold_server * 1000:.0f} ms, client {cold_latency * 1000:.0f} ms "
              f"(target < 2000 ms) {'OK' if cold_server < 2 else 'SLOW'}")
        # The tiles' sparklines load after the page, one request per row of tiles: report them too.
        fragments = re.findall(r'hx-get="(/sparklines[^"]+)"', client.get(args.path).text)
        spark = [timed(client, f.replace("&amp;", "&")) for f in fragments]
        print(f"cold sparklines ({len(spark)} requests after the page, one after the other): "
              f"server {sum(s[1] for s in spark) * 1000:.0f} ms in all")

        warm = [timed(client, args.path) for _ in range(20)]
        warm_server = [w[1] for w in warm]
        print(f"warm overview: server p50 {pct(warm_server, .5) * 1000:.1f} ms, p95 {pct(warm_server, .95) * 1000:.1f} ms")

        clients = [sign_in(base, email, password) for _ in range(args.clients)]
        latencies: list[float] = []
        servers: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def worker(c: httpx.Client) -> None:
            while time.monotonic() < stop:
                try:
                    latency, server_time, code = timed(c, args.path)
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(type(exc).__name__)
                    continue
                with lock:
                    latencies.append(latency)
                    servers.append(server_time)
                    if code != 200:
                        errors.append(str(code))

        threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        p95 = pct(latencies, .95)
        print(f"load: {args.clients} clients for {args.seconds:.0f} s: {len(latencies)} requests "
              f"({len(latencies) / elapsed:.0f}/s), errors {len(errors)}")
        print(f"  client latency p50 {pct(latencies, .5) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
              f"(target p95 < 150 ms) {'OK' if p95 < .15 else 'SLOW'}")
        print(f"  server time    p50 {pct(servers, .5) * 1000:.1f} ms, p95 {pct(servers, .95) * 1000:.1f} ms, "
              f"mean {statistics.mean(servers) * 1000:.1f} ms")
        if errors:
            raise SystemExit(f"errors under load: {sorted(set(errors))}")
    finally:
        server.terminate()
        server.wait(20)


if __name__ == "__main__":
    main()
