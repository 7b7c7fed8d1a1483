"""Chromium (Debian's, driven by Playwright) signs in as each role and opens every page.

Never skipped: without /usr/bin/chromium the tests fail and say how to install it.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse

import pytest

from conftest import ARTIFACTS, ROLES, XSS
from pulso.web import nav

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
MARKS = ".chart svg .mark-line path, .chart svg .mark-rect path, .chart svg .mark-symbol path, .chart svg .mark-area path"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, loopback only."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make system-deps` or "
                    "`apt-get install -y chromium`); the web tests never download a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page whose console errors, failed requests and dialogs are collected."""

    def __init__(self, browser, base: str, **context):
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        host = urlparse(base).hostname

        def only_loopback(route):
            if urlparse(route.request.url).hostname == host:
                route.continue_()
            else:
                self.errors.append(f"outside request: {route.request.url}")
                route.abort()

        self.page.route("**/*", only_loopback)

    def sign_in(self, info: dict) -> None:
        self.page.goto(self.base + "/signin")
        if not (ARTIFACTS / "signin.png").exists():
            screenshot(self.page, "signin")
        self.page.fill("input[name=email]", info["email"])
        self.page.fill("input[name=password]", info["password"])
        self.page.click("form[action='/signin'] button[type=submit]")
        self.page.wait_for_url(self.base + "/")

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.settle()

    def settle(self) -> None:
        """Wait until every chart has been drawn (or has failed)."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.chart[data-spec]')].every(c => c.dataset.rendered)"
            " && !document.querySelector('[hx-trigger=load]')", timeout=15000)

    def close(self) -> None:
        self.context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_charts(page, where: str) -> None:
    charts = page.locator(".chart[data-spec]")
    for i in range(charts.count()):
        assert charts.nth(i).get_attribute("data-rendered") == "1", f"chart {i} on {where} failed to draw"
    if charts.count():
        assert page.locator(MARKS).count() > 0, f"charts on {where} have no marks"
    if page.locator("a.tile:not(.off)").count():
        assert page.locator("a.tile svg.spark polyline").count() > 0, f"no sparkline on {where}"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_each_role_opens_every_page(browser, live_server, web_workspace, role):
    """Every page of the menu the role may open renders with its charts and no console error;
    others refuse; a rep sees no other person's name in a table. The admin, who may open every
    page, is not walked here: tests/web/test_every_page.py opens every page as an admin (at two
    widths, in both languages) with these same checks (charts drawn with marks, sparklines, no
    console or script error, no request outside the app) and more."""
    info = web_workspace["signins"][role]
    w = Watched(browser, live_server, viewport={"width": 1280, "height": 900})
    try:
        w.sign_in(info)
        others = [u["name"] for u in web_workspace["users"] if u["id"] != info["id"] and u["name"] not in info["name"]]
        for page in [*[k for k in nav.PAGES if k != "kpi"], "kpi"]:
            path = nav.PAGES[page][0]
            if not nav.allowed(page, role):  # asked outside the page: a refused load logs a console error
                assert w.context.request.get(live_server + path).status == 403
                continue
            w.open(path + "?period=month&at=2026-10-01")
            check_charts(w.page, f"{page} ({role})")
            if role == "rep":  # screenshots to look at: the rep's view (every_page keeps the admin's)
                screenshot(w.page, f"{role}-{page}")
                tables = " ".join(w.page.locator("table").all_inner_texts())
                leaked = [n for n in others if n in tables]
                assert not leaked, f"the rep sees {leaked} on {page}"
        assert not w.errors, w.errors
    finally:
        w.close()


def test_drill_down_from_a_tile_to_records(browser, live_server, web_workspace):
    w = Watched(browser, live_server, viewport={"width": 1280, "height": 900})
    try:
        w.sign_in(web_workspace["signins"]["admin"])
        w.open("/?period=month&at=2026-10-01")
        w.page.click("a.tile[data-kpi=revenue_won]")
        w.page.wait_for_url(re.compile(r"/kpi/revenue_won\?"))
        w.settle()
        check_charts(w.page, "revenue_won detail")
        rows = w.page.locator("#records table tbody tr")
        assert rows.count() > 0
        assert XSS in w.page.locator("#records").inner_text()  # shown as text, never run
        screenshot(w.page, "admin-kpi-revenue_won")
        w.page.locator("#records th").first.click()  # sortable
        assert w.page.locator("#records th[aria-sort]").count() == 1
        assert not w.errors, w.errors
    finally:
        w.close()


def test_paging_the_records_keeps_the_page(browser, live_server, web_workspace):
    w = Watched(browser, live_server)
    try:
        w.sign_in(web_workspace["signins"]["admin"])
        w.open("/kpi/activities_logged?period=year&at=2026-01-01")
        first = w.page.locator("#records tbody tr").first.inner_text()
        w.page.click("[data-testid=next-page]")
        w.page.wait_for_url(re.compile(r"page=2"))
        w.page.wait_for_function("() => document.querySelector('#records .pager span').textContent.includes('2')")
        assert w.page.locator("#records tbody tr").first.inner_text() != first
        assert not w.errors, w.errors
    finally:
        w.close()


def test_language_switch_and_period_change(browser, live_server, web_workspace):
    w = Watched(browser, live_server, viewport={"width": 1280, "height": 900})
    try:
        w.sign_in(web_workspace["signins"]["viewer"])
        w.open("/sales?period=month&at=2026-10-01")
        assert w.page.locator("nav.side a.current").inner_text() == "Ventas"
        w.page.click("[data-testid=lang-switch]")
        w.settle()
        assert w.page.locator("nav.side a.current").inner_text() == "Sales"
        assert "October 2026" in w.page.locator("[data-testid=period-label]").inner_text()
        w.page.select_option("[data-testid=period-kind]", "quarter")
        w.page.click("form.period button[type=submit]")
        w.page.wait_for_url(re.compile(r"period=quarter"))
        w.settle()
        assert w.page.locator("[data-testid=period-label]").inner_text() == "Q4 2026"
        check_charts(w.page, "sales by quarter")
        w.page.click("form.period a.step >> nth=0")  # the previous quarter
        w.settle()
        assert w.page.locator("[data-testid=period-label]").inner_text() == "Q3 2026"
        screenshot(w.page, "viewer-sales-en-quarter")
        w.page.click("[data-testid=lang-switch]")
        w.settle()
        assert w.page.locator("[data-testid=period-label]").inner_text() == "T3 2026"
        assert not w.errors, w.errors
    finally:
        w.close()


def test_overview_on_a_phone(browser, live_server, web_workspace):
    w = Watched(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        w.sign_in(web_workspace["signins"]["manager"])
        w.open("/")
        assert w.page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "the overview scrolls sideways"
        assert w.page.locator("a.tile").count() >= 6
        screenshot(w.page, "manager-overview-phone")
        assert not w.errors, w.errors
    finally:
        w.close()
