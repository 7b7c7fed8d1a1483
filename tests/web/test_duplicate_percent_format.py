"""Every percentage of the duplicates pages is written by the project's one format
(pulso.formatting.fmt_percent, as on every other page: '90%' in Spanish and English alike,
'12,5%' / '12.5%' with decimals), never a hand-written '100 %' or a raw '0.9': the pairs'
probability, the bulk levels and preview, the note's certain '100%', the finding's progress, and
the side-by-side page. Both backends (`store` fixture), one signed-in app, route requests only."""

from __future__ import annotations

import datetime as dt
import re
import threading

from test_merge_all_or_nothing import PASSWORD, seed  # noqa: E402
from test_screen_defects import visible_text  # noqa: E402
from pulso.dedupe import finding
from pulso.web.auth import set_password
from support import signed_in_app


def shown(client, url: str) -> str:
    """The page's text as read, the options of its lists included."""
    page = client.get(url)
    assert page.status_code == 200, page.text[:500]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page.text)
    return (visible_text(page.text) + " " + " ".join(options)).replace("\xa0", " ")


def speak(client, lang: str) -> None:
    """The signed-in reader switches language with the header's button."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/data/duplicates").text).group(1)
    client.post("/preferences/language", data={"lang": lang, "next": "/data/duplicates", "csrf_token": token},
                follow_redirects=False)


def test_the_duplicates_pages_write_every_percentage_in_the_readers_format(store):
    # seed: p1~p2 at 0.99 and q1~q2~q3 at 0.96 and 0.95 (a group's probability is its weakest pair's)
    seed(store)
    set_password(store, "a0", PASSWORD)
    with signed_in_app(store, "alba@example.com", PASSWORD, today=dt.date(2026, 3, 10)) as (app, client):
        mine = app.state.services.store
        # a finding run 45 % of the way through, held running by an event the test sets at the end
        hold = threading.Event()
        job = finding.Job(mine, None, 0.9)
        job._thread = threading.Thread(target=hold.wait, daemon=True)
        job.fraction = 0.45
        job._thread.start()
        finding._JOBS[id(mine)] = job
        try:
            for lang, certain in (("es", "100% solo si es segura"), ("en", "100% only when certain")):
                speak(client, lang)
                page = shown(client, "/data/duplicates?bulk=0.9")
                # the groups' probability and the preview (0.99 → 99%, 0.96/0.95 → 95%), the bulk
                # levels (0.99, 0.98, 0.95, 0.9), the note's certain 100%, the progress 45%
                for text in ("99%", "95%", "98%", "90%", certain, "· 45%"):
                    assert text in page, (lang, text)
                assert not re.search(r"\d %", page), (lang, re.findall(r".{30}\d %", page))  # no '100 %', '45 %'
                assert not re.search(r"\b0[.,]\d", page), lang  # no raw fraction: '0.9', '0,95'
                side = shown(client, "/data/duplicates/accounts:q1")
                assert "95%" in side and not re.search(r"\d %|\b0[.,]\d", side), lang
        finally:
            hold.set()
            job._thread.join()
            finding._JOBS.pop(id(mine), None)
