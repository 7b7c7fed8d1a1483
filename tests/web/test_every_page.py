"""Every page of the app in Chromium (issues 15 and 16): at 1280 and 390 px, in Spanish and in
English, with no horizontal scroll, no raw code, no word of the other language and no "None",
"nan", "Traceback" or "{" in its visible text, every chart drawn with marks (and the tiles'
sparklines), no console error, no script error, no dialog and no request outside the app; a
full-page screenshot of each under test-artifacts/screens/<page>-<lang>-<width>.png.
(tests/web/test_browser.py walks the menu's pages as the other roles, who see and are refused
other things.)

The pages come from the app's routes, not from a list: every GET route outside /api/ whose last
segment is not a file name (JSON twins, CSV and exports) and that answers a whole HTML document
(not a redirect, a JSON answer or an htmx fragment). A page that a signed-out reader opens is
swept signed out (its language asked with ?lang=, a survey link made in each language); the
others as a rep for the workspace (the rep's own lead, account, deal and ticket), as an admin
elsewhere. A path parameter this module cannot fill fails the sweep with the route's name.

One browser, one context per width and reader, reused by every page.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient


from conftest import csrf_of  # noqa: E402
from support import CODES, PLACEHOLDERS, other_language  # noqa: E402

#: In English "None" is a word ("None.", a choice "None"): see check().
PLACEHOLDERS_EN = re.compile(PLACEHOLDERS.pattern.replace(r"\bNone\b|", ""))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
MARKS = ".chart svg .mark-line path, .chart svg .mark-rect path, .chart svg .mark-symbol path, .chart svg .mark-area path"
WIDTHS = (1280, 390)
LANGS = ("es", "en")
#: The record pages and the day's work are a rep's; every other signed-in page an admin's.
REP_PAGES = ("/today", "/tasks", "/leads", "/accounts", "/deals", "/tickets")
#: Pages being rebuilt by others (/data/quality, /data/duplicates): the checks known to fail on them
#: (route → check names: "status", "scroll-390", "code", "other-language", "placeholder",
#: "placeholder-cell", "chart", "sparkline", "console"), tolerated until their rebuild lands. The
#: sweep fails on any failure not listed here. Empty: both passed every check when this was written.
KNOWN: dict[str, set[str]] = {"/data/quality": set(), "/data/duplicates": set()}


def _routes(app) -> list[APIRoute]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are flat
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)]


#: Pages this sweep cannot open, each with where it is swept instead.
ELSEWHERE = {"/setup/{token}": "exists only while the workspace has no admin: "
                               "tests/web/test_setup_in_the_browser.py opens it at 1280 and 390 px"}


def candidates(app) -> list[str]:
    """The GET paths that may be pages: not the API, not a file name (x.json, x.csv, export.{fmt}),
    not a page swept elsewhere (ELSEWHERE)."""
    out = []
    for route in _routes(app):
        if "GET" not in (route.methods or ()) or route.path.startswith("/api/") or route.path in ELSEWHERE:
            continue
        if "." in route.path.rsplit("/", 1)[-1]:
            continue
        out.append(route.path)
    return sorted(set(out))


def page_name(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "overview"


@pytest.fixture(scope="module")
def planted_cluster(web_app):
    """A pending duplicate pair of two accounts for /data/duplicates/{cluster}, taken away afterwards
    (both bump the data version, so no cached figure keeps it)."""
    from pulso.store import schema
    from pulso.store.settings import bump_version

    store, dc = web_app.state.services.store, schema.duplicate_candidates

    def plant(add: bool) -> str:
        first, second = sorted(r["id"] for r in store.rows("accounts"))[:2]
        with store.connect() as conn:
            if add:
                conn.execute(dc.insert().values(id="every-page", table_name="accounts", record_id=second, duplicate_of=first,
                                                probability=0.95, status="pending", found_at=dt.datetime.now(dt.timezone.utc)))
            else:
                conn.execute(dc.delete().where(dc.c.id == "every-page"))
            bump_version(conn)
        return f"accounts:{first}"

    yield web_app.state.services.run(plant, True)
    web_app.state.services.run(plant, False)


@pytest.fixture(scope="module")
def world(web_app, web_workspace, planted_cluster):
    """Real ids of the web workspace for every path parameter: the rep's own records, a survey link
    in each language, a set-password link, a KPI."""
    from pulso import audit, quality, users
    from pulso import workspace as ws

    services = web_app.state.services
    store = services.store
    rep = web_workspace["signins"]["rep"]["id"]

    rows = {t: services.run(store.rows, t) for t in ("leads", "accounts", "deals", "tickets")}
    admins = {"cluster"}  # the parameters no record of the rep's fills (the demo's rep owns no ticket): swept as an admin

    def first(table: str, name: str, **where) -> str:
        fits = sorted(r["id"] for r in rows[table] if all(r.get(k) == v for k, v in where.items()))
        mine = sorted(r["id"] for r in rows[table] if r.get("owner_id") == rep and r["id"] in fits)
        if not mine:
            admins.add(name)
        return (mine or fits)[0]

    ids = {"lead_id": first("leads", "lead_id"), "account_id": first("accounts", "account_id"),
           "deal_id": first("deals", "deal_id", status="open"), "ticket_id": first("tickets", "ticket_id")}

    def links():
        caller = ws.caller_for(store, rep)
        return {lang: ws.create_link(store, caller, ids["account_id"], "nps", locale=lang)["token"] for lang in LANGS}

    tokens = services.run(links)
    viewer = web_workspace["signins"]["viewer"]["id"]
    invite = services.run(users.invite, store, viewer, actor=audit.SYSTEM)
    return {
        **{name: (lambda lang, rid=rid: rid) for name, rid in ids.items()}, "admins": admins,
        "key": lambda lang: "close_rate", "rule": lambda lang: sorted(quality.BY_KEY)[0], "lang": lambda lang: lang, "token": None,
        "survey": lambda lang: tokens[lang], "welcome": lambda lang: invite.token,
        "cluster": lambda lang: planted_cluster,
    }


def fill(path: str, lang: str, world: dict) -> str:
    """The path with its parameters filled for a reader of `lang`; KeyError names an unknown one."""
    def value(m: re.Match) -> str:
        name = m.group(1)
        if name == "token":
            name = "survey" if path.startswith("/s/") else "welcome"
        if world.get(name) is None:
            raise KeyError(f"{path}: no value for the path parameter {{{name}}} (add it to world())")
        return world[name](lang)
    return re.sub(r"\{(\w+)\}", value, path)


@pytest.fixture(scope="module")
def pages(web_app, clients, world) -> list[dict]:
    """Every page: its route, who sweeps it (a signed-out reader where one opens it). Asked first
    through the app itself (no browser): what does not answer a whole HTML document (a redirect, a
    JSON answer, a file, an htmx fragment) is not a page."""
    anonymous = TestClient(web_app, client=("10.0.7.1", 5000))
    missing, out = [], []
    for path in candidates(web_app):
        try:
            url = fill(path, "es", world)
        except KeyError as exc:
            missing.append(str(exc))
            continue
        answer = anonymous.get(url, follow_redirects=False)
        rep = path.startswith(REP_PAGES) and not set(re.findall(r"\{(\w+)\}", path)) & world["admins"]
        who = "public" if answer.status_code == 200 else "rep" if rep else "admin"
        if who != "public":
            answer = clients[who].get(url, follow_redirects=False)
        if answer.status_code != 200 and 300 <= answer.status_code < 400:
            continue  # a redirect
        html = answer.headers.get("content-type", "").startswith("text/html") and "<html" in answer.text[:500]
        if answer.status_code == 200 and not html:
            continue  # JSON, a file or a fragment
        out.append({"route": path, "public": who == "public", "who": who})
    assert not missing, missing
    return out


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def speak(clients, role: str, lang: str) -> None:
    client = clients[role]
    client.post("/preferences/language", data={"lang": lang, "csrf_token": csrf_of(client.get("/").text)})


def check(page, width: int, lang: str) -> dict[str, str]:
    """The failed checks of the page shown: check name → what was seen."""
    failed = {}
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        culprits = page.evaluate("""w => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).position !== 'fixed')
            .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''))""",
                                 width)
        failed[f"scroll-{width}"] = f"{wide}px wide: {culprits}"
    # What the page shows on purpose as code (<code>, <pre>, <kbd>: the admin's label table, the
    # audit log's JSON) is not read; the rest as the reader sees it.
    text = page.evaluate("""() => {
        const marked = [...document.querySelectorAll('code, pre, kbd, samp')];
        const before = marked.map(e => e.style.display);
        marked.forEach(e => { e.style.display = 'none'; });
        const text = document.body.innerText;
        marked.forEach((e, i) => { e.style.display = before[i]; });
        return text; }""")
    # "None" is an English word ("None.", a choice "None"): a page in English fails on it only where
    # it is an element's whole text outside a list of choices (a value printed as Python's None).
    bare = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => !e.closest('select')
        && !e.children.length && ['None', 'null', 'undefined'].includes(e.textContent.trim())).length""")
    if bare:
        failed["placeholder-cell"] = f"{bare} element(s) showing None/null/undefined"
    marks = (("code", CODES), ("other-language", other_language(lang)),
             ("placeholder", PLACEHOLDERS if lang == "es" else PLACEHOLDERS_EN))
    for name, pattern in marks:
        hits = [text[max(0, m.start() - 40):m.end() + 20].replace("\n", " ") for m in pattern.finditer(text)]
        if hits:
            failed[name] = repr(hits[:3])
    return failed


def watch(page, base: str, seen: list[str]) -> None:
    """Collect in `seen` the page's console errors, script errors, dialogs (dismissed) and requests
    outside the app (heard, not intercepted: routing every request through this process costs more
    than the sweep's own checks)."""
    host = urlparse(base).hostname
    page.on("request", lambda r: seen.append(f"outside request: {r.url}")
            if r.url.startswith(("http:", "https:", "ws:", "wss:")) and urlparse(r.url).hostname != host else None)
    page.on("console", lambda m: seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    page.on("dialog", lambda d: (seen.append(f"dialog: {d.message}"), d.dismiss()))


def drawn(page) -> dict[str, str]:
    """The failed chart checks of the page shown: every chart drawn ("1", not failed), with marks;
    a tile with a figure has its sparkline."""
    found = page.evaluate("""marks => {
        const charts = [...document.querySelectorAll('.chart[data-spec]')];
        return {charts: charts.length, failed: charts.filter(c => c.dataset.rendered !== '1').length,
                marks: document.querySelectorAll(marks).length,
                tiles: document.querySelectorAll('a.tile:not(.off)').length,
                sparks: document.querySelectorAll('a.tile svg.spark polyline').length}; }""", MARKS)
    failed = {}
    if found["failed"]:
        failed["chart"] = f"{found['failed']} of {found['charts']} chart(s) failed to draw"
    elif found["charts"] and not found["marks"]:
        failed["chart"] = f"{found['charts']} chart(s) without marks"
    if found["tiles"] and not found["sparks"]:
        failed["sparkline"] = f"{found['tiles']} tile(s), no sparkline"
    return failed


def test_the_sweep_finds_every_kind_of_page(pages):
    found = {p["route"]: p["who"] for p in pages}
    assert {"/": "admin", "/leads/{lead_id}": "rep", "/deals/board": "rep", "/today": "rep", "/admin/users": "admin",
            "/kpi/{key}": "admin", "/signin": "public", "/s/{token}": "public", "/welcome/{token}": "public"}.items() \
        <= found.items()
    assert len(found) >= 40, sorted(found)


def test_every_page_at_both_widths_in_both_languages(browser, live_server, web_workspace, clients, pages, world):
    SCREENS.mkdir(parents=True, exist_ok=True)
    failures: dict[tuple[str, str, int, str], str] = {}
    contexts = {}
    seen: list[str] = []  # the page's console errors, script errors, dialogs, requests outside the app
    try:
        for width in WIDTHS:
            for who in ("public", "rep", "admin"):
                ctx = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                          has_touch=width < 500)
                page = ctx.new_page()
                watch(page, live_server, seen)
                if who != "public":
                    info = web_workspace["signins"][who]
                    page.goto(live_server + "/signin")
                    page.fill("input[name=email]", info["email"])
                    page.fill("input[name=password]", info["password"])
                    page.click("form[action='/signin'] button[type=submit]")
                    page.wait_for_url(live_server + "/")
                contexts[(width, who)] = page
        for lang in LANGS:
            for role in ("rep", "admin"):
                speak(clients, role, lang)
            for item in pages:
                url = fill(item["route"], lang, world) + ("?lang=" + lang if item["public"] else "")
                for width in WIDTHS:
                    page = contexts[(width, item["who"])]
                    seen.clear()
                    response = page.goto(live_server + url)
                    if response is None or response.status != 200:
                        failures[(item["route"], lang, width, "status")] = str(response and response.status)
                        continue
                    page.wait_for_function(
                        "() => [...document.querySelectorAll('.chart[data-spec]')].every(c => c.dataset.rendered)"
                        " && !document.querySelector('[hx-trigger=load]')", timeout=15000)
                    for name, what in {**check(page, width, lang), **drawn(page)}.items():
                        failures[(item["route"], lang, width, name)] = what
                    if seen:
                        failures[(item["route"], lang, width, "console")] = repr(seen[:3])
                    if lang == "es":  # to look at; every check above runs in both languages
                        page.screenshot(path=str(SCREENS / f"{page_name(item['route'])}-{lang}-{width}.png"), full_page=True)
    finally:
        for role in ("rep", "admin"):
            speak(clients, role, "es")
        for page in contexts.values():
            page.context.close()
    new = {k: v for k, v in failures.items() if k[3] not in KNOWN.get(k[0], set())}
    assert not new, "\n".join(f"{route} {lang} {width}px {name}: {seen}" for (route, lang, width, name), seen in sorted(new.items()))


def test_record_pages_twins_leave_out_the_search_columns(clients, world):
    """A record page's JSON twin shows the record's fields, not the store's own search columns."""
    for twin, key in (("/leads/{}.json", "lead"), ("/accounts/{}.json", "account"), ("/deals/{}.json", "deal")):
        record = clients["rep"].get(twin.format(world[f"{key}_id"]("es"))).json()[key]
        assert record["id"] == world[f"{key}_id"]("es") and "owner_id" in record
        assert not {"search_text", "search_phone"} & set(record), twin
