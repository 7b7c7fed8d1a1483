"""Speed of the workspace's operations on the large demo, through the web app (issue 15):

    .venv/bin/python benchmarks/workspace.py                       # builds /tmp/pulso-bench/large.duckdb once
    .venv/bin/python benchmarks/workspace.py --db copy.duckdb      # the script writes: use a copy

In process (the app on its database thread, an admin API token, a warm-up request first), it prints:
  1. a record: GET /api/v1/records/deals/{id} for 50 deals, and the record page /deals/{id} for 50 more;
  2. the board's data: the open deals, 2,000 of them (two pages of 1,000), the board's data
     (pulso.workspace.board, owners with 2,000 open deals), and the page /deals/board as an admin sees it;
  3. search by name, e-mail, company and phone, accents and case aside (GET /api/v1/search);
  4. a stage move with its write (POST /api/v1/deals/{id}/move, one deal_stage_changes row), 30 deals.
Targets (p95): record < 100 ms, board < 500 ms, search < 100 ms, stage move < 150 ms. Figures only,
not a test: the machine they run on and its load are printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
warnings.filterwarnings("ignore")

from web_overview import demo_admin, ensure_workspace  # noqa: E402  (builds the demo once, as the other benchmarks)

TARGETS = {"record": 100, "board": 500, "search": 100, "move": 150}
SEARCHES = 20  # per query after a warm-up: enough for a p95 that is not simply the slowest of three


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def timed(client, method: str, url: str, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 300:  # a redirect (to /signin) would time the wrong page
        raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:300]}")
    return elapsed, response


def report(name: str, times: list[float], target: str | None = None) -> None:
    line = f"  {name:<44} n={len(times):>3}  p50 {statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms"
    if target:
        line += f"  (target < {TARGETS[target]} ms: {'ok' if p95(times) < TARGETS[target] else 'MISSED'})"
    print(line, flush=True)


def sign_in(browser, email: str, password: str) -> None:
    """Sign `browser` in as a person does (the pages take a session, not a token)."""
    import re

    page = browser.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post("/signin", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code != 303:
        raise SystemExit(f"could not sign in as {email}: {response.status_code} {response.text[:300]}")


def board_data(url: str) -> None:
    """The board's data (pulso.workspace.board: 50 cards a column, counts and totals, the shown
    cards' tasks and accounts) for the fewest owners whose open deals in the first pipeline reach
    2,000, as an admin."""
    import sqlalchemy as sa

    from pulso.config import Settings
    from pulso.store import Store
    from pulso.workspace import caller_for
    from pulso.workspace.deals import board

    with Store(Settings(url)) as store:
        with store.connect() as conn:
            admin = conn.execute(sa.text("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")).scalar()
            pipeline = conn.execute(sa.text("SELECT min(pipeline) FROM stages")).scalar()
            stage_ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM stages WHERE pipeline = :p"), {"p": pipeline})]
            counts = conn.execute(sa.text("SELECT owner_id, count(*) FROM deals WHERE status = 'open' AND owner_id IS NOT "
                                          "NULL GROUP BY 1 ORDER BY 2 DESC, 1")).all()
        owners, n = [], 0
        for owner, k in counts:
            if n >= 2000:
                break
            owners, n = owners + [owner], n + k
        me = caller_for(store, admin)
        ask = {"owners": owners, "closed_since": "2199-12-31"}  # open deals only: the 2,000
        got = board(store, me, stage_ids, **ask)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            board(store, me, stage_ids, **ask)
            times.append((time.perf_counter() - started) * 1000)
    shown = sum(len(c["deals"]) for c in got["columns"].values())
    count = sum(c["count"] for c in got["columns"].values())
    report(f"ws.board ({count:,} open deals, {len(owners)} owners, {shown} cards)", times, "board")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/pulso-bench/large.duckdb")
    parser.add_argument("--size", default="large")
    parser.add_argument("--as-of", default="2026-10-31")
    args = parser.parse_args()
    db = Path(args.db)
    ensure_workspace(db, args.size, args.as_of)

    from fastapi.testclient import TestClient

    from pulso import tokens
    from pulso.config import Settings
    from pulso.store import Store
    from pulso.web import WebSettings, create_app

    url = f"duckdb:///{db}"
    email, password = demo_admin(db)  # before the app holds the file
    with Store(Settings(url)) as store:
        secret = tokens.create(store, "benchmark", role="admin").secret
    app = create_app(WebSettings(store=Settings(url), secret_key="bench"))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    # one client (one app lifespan): the API takes its token, the pages the session it signs in to
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}, follow_redirects=False) as client:
        sign_in(client, email, password)
        browser = client
        page = client.get("/api/v1/records/deals", params={"status": "open", "limit": 1000}).json()
        open_ids = [d["id"] for d in page["records"]]
        print(f"workspace: {db} ({db.stat().st_size / 1e9:.1f} GB)", flush=True)

        print("1. a record (warm)")
        timed(client, "GET", f"/api/v1/records/deals/{open_ids[0]}")
        report("GET /api/v1/records/deals/{id}",
               [timed(client, "GET", f"/api/v1/records/deals/{i}")[0] for i in open_ids[100:150]], "record")
        timed(browser, "GET", f"/deals/{open_ids[0]}")
        report("GET /deals/{id} (the record page, HTML)", [timed(browser, "GET", f"/deals/{i}")[0] for i in open_ids[150:200]],
               "record")

        print("2. the board's data: 2,000 open deals")
        board = []
        for _ in range(5):
            started, n, after = time.perf_counter(), 0, None
            for _page in range(2):
                params = {"status": "open", "limit": 1000, **({"after": after} if after else {})}
                got = client.get("/api/v1/records/deals", params=params).json()
                n, after = n + len(got["records"]), got["next_after"]
            board.append((time.perf_counter() - started) * 1000)
        report(f"open deals, two pages of 1,000 ({n:,} deals)", board, "board")
        board_data(url)
        timed(browser, "GET", "/deals/board")
        report("GET /deals/board (the page, HTML)", [timed(browser, "GET", "/deals/board")[0] for _ in range(5)], "board")

        print("3. search (accents and case aside)")
        lead = client.get("/api/v1/records/leads", params={"limit": 1, "offset": 5000}).json()["records"][0]
        account = client.get("/api/v1/records/accounts", params={"limit": 1, "offset": 7000}).json()["records"][0]
        phone_digits = "".join(ch for ch in (lead["phone"] or account["phone"] or "600123456") if ch.isdigit())[-6:]
        queries = {"name": (lead["name"] or "maria").upper(), "e-mail": lead["email"] or "example.com",
                   "company": (account["company"] or account["name"]).lower(), "phone": phone_digits,
                   "accented": "josé garcía"}
        for label, q in queries.items():
            timed(client, "GET", "/api/v1/search", params={"q": q})
            times = [timed(client, "GET", "/api/v1/search", params={"q": q})[0] for _ in range(SEARCHES)]
            report(f"search by {label} ({q[:24]!r})", times, "search")
        # no target of its own: three short prefixes, each starting hundreds of thousands of words
        q = "ma jo gar"
        timed(client, "GET", "/api/v1/search", params={"q": q})
        report(f"search by three short prefixes ({q!r})",
               [timed(client, "GET", "/api/v1/search", params={"q": q})[0] for _ in range(SEARCHES)])

        print("4. a stage move, with its write")
        stages = client.get("/api/v1/records/stages", params={"kind": "open", "limit": 1000}).json()["records"]
        deals = client.get("/api/v1/records/deals", params={"status": "open", "limit": 30, "offset": 500}).json()["records"]
        moves = []
        for deal in deals:
            target = next(s["id"] for s in stages if s["id"] != deal["stage_id"]
                          and s["pipeline"] == next(x["pipeline"] for x in stages if x["id"] == deal["stage_id"]))
            moves.append(timed(client, "POST", f"/api/v1/deals/{deal['id']}/move", json={"stage_id": target})[0])
        report("POST /api/v1/deals/{id}/move", moves, "move")
    print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)


if __name__ == "__main__":
    main()
