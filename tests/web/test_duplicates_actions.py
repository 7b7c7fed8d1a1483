"""Duplicates you can act on (issue 17 item 6), on the web: clusters with names and a probability
in the reader's language, the side-by-side page choosing the survivor and each field's value,
merge and undo of the whole cluster, the bulk preview worked out by hand and its merge undone as
one step, the history with names, finding as a background job with its progress, admins only,
CSRF and hostile choices refused with the store unchanged. A small demo site on DuckDB (the merges
themselves run on both backends in tests/dedupe/test_clusters_survivors.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa


from conftest import csrf_of  # noqa: E402
from test_screen_defects import visible_text  # noqa: E402
from test_workspace_leads import _database, _site  # noqa: E402
from pulso import dedupe  # noqa: E402
from pulso.store import schema  # noqa: E402
from pulso.web.routes.review import chance as chance_of  # noqa: E402

T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = _site(_database("duckdb", tmp_path_factory, None))
    yield out
    out["app"].state.services.close()


def plant(site) -> None:
    """Three records of one person (d-1 oldest, d-2 most complete, d-3 newest), a pair of another,
    a lead pointing at d-3, and exactly these pending pairs."""
    admin = site["signins"]["admin"]["id"]
    store = site["store"]
    store.upsert_many({"accounts": [
        {"id": "d-1", "name": "Dolores Vega", "email": "dolores@vega.es", "owner_id": admin, "created_at": T0},
        {"id": "d-2", "name": "Dolores Vega Ortiz", "phone": "+34 611 222 333", "company": "Vega SA", "owner_id": admin,
         "created_at": T0 + dt.timedelta(days=1)},
        {"id": "d-3", "name": "D. Vega", "email": "dvega@correo.es", "owner_id": admin,
         "created_at": T0 + dt.timedelta(days=2)},
        {"id": "d-4", "name": "Elías Mora", "email": "elias@mora.es", "owner_id": admin, "created_at": T0},
        {"id": "d-5", "name": "Elias Mora", "owner_id": admin, "created_at": T0 + dt.timedelta(days=3)},
    ], "leads": [{"id": "dl-1", "name": "Dolores (feria)", "owner_id": admin, "created_at": T0, "account_id": "d-3"}]})
    dc = schema.duplicate_candidates
    with store.connect() as conn:
        conn.execute(dc.delete())
        conn.execute(dc.insert(), [
            {"id": f"accounts:{r}:{d}", "table_name": "accounts", "record_id": r, "duplicate_of": d, "probability": p,
             "status": "pending", "found_at": T0}
            for r, d, p in (("d-2", "d-1", 0.999996), ("d-3", "d-2", 0.96), ("d-5", "d-4", 0.92))])


def says(site, es: str, en: str) -> str:
    """The text in the admin's language (the demo's admin may read English)."""
    return en if site["clients"]["admin"].get("/data/duplicates.json").json()["lang"] == "en" else es


def pct(text: str) -> str:
    return text.replace("\xa0", " ").replace(" %", "%")


def state(site) -> dict:
    with site["store"].engine.connect() as conn:
        return {t.name: sorted(tuple(str(v) for v in r) for r in conn.execute(sa.select(t)))
                for t in (schema.accounts, schema.leads, schema.duplicate_candidates)}


def test_clusters_with_names_and_honest_probabilities(site):
    plant(site)
    admin = site["clients"]["admin"]
    data = admin.get("/data/duplicates.json").json()
    mine = {c["id"]: c for c in data["clusters"]}
    assert set(mine) == {"accounts:d-1", "accounts:d-4"}
    vega = mine["accounts:d-1"]
    # the weakest pair of d-1~d-2~d-3 is 0.96; 0.999996 alone would round to 100 but is not certain
    assert pct(vega["chance"]) == "96%" and [m["name"] for m in vega["members"]] == [
        "Dolores Vega", "Dolores Vega Ortiz", "D. Vega"]
    assert vega["survivor"] == "d-2"
    text = pct(visible_text(admin.get("/data/duplicates").text))
    assert "Dolores Vega Ortiz · +34 611 222 333" in text and "92%" in text and "100,0" not in text and "100.0" not in text
    assert pct(chance_of(0.999996, "es")) == "> 99%" and pct(chance_of(1.0, "en")) == "100%"


def test_side_by_side_merge_writes_the_chosen_values_and_undo_restores(site):
    plant(site)
    admin = site["clients"]["admin"]
    before = state(site)
    page = admin.get("/data/duplicates/accounts:d-1")
    assert page.status_code == 200
    html = page.text
    # defaults: d-2 survives (three fields filled); its missing e-mail from the newest that has one (d-3)
    assert 'data-testid="survivor-d-2" checked' in html and 'data-testid="pick-email-d-3" checked' in html
    assert 'data-field="name" class="dup-differ"' in html and 'data-field="email" class="dup-differ"' in html
    token = csrf_of(html)
    done = admin.post("/data/duplicates/accounts:d-1/merge", follow_redirects=False, data={
        "csrf_token": token, "survivor": "d-2", "field_name": "d-1", "field_email": "d-1", "field_phone": "d-2",
        "field_company": "d-2", "field_country": "d-2", "field_segment": "d-2", "field_source": "d-2"})
    assert done.status_code == 303
    rows = {r["id"]: r for r in site["store"].rows("accounts") if r["id"].startswith("d-")}
    assert sorted(rows) == ["d-2", "d-4", "d-5"]
    assert (rows["d-2"]["name"], rows["d-2"]["email"], rows["d-2"]["phone"]) == (
        "Dolores Vega", "dolores@vega.es", "+34 611 222 333")
    assert next(r for r in site["store"].rows("leads") if r["id"] == "dl-1")["account_id"] == "d-2"
    history = admin.get("/data/duplicates.json").json()["history"]
    admin_name = next(u["name"] for u in site["users"] if u["id"] == site["signins"]["admin"]["id"])
    assert [(h["actor"], h["merged_name"], h["survivor_name"]) for h in history[:2]] == [
        (admin_name, "D. Vega", "Dolores Vega"), (admin_name, "Dolores Vega", "Dolores Vega")]
    batch = history[0]["batch"]
    assert history[1]["batch"] == batch and history[0]["batch_offer"] == 2
    text = visible_text(admin.get("/data/duplicates").text)
    assert admin_name in text and says(site, "Deshacer las 2 de esta fusión", "Undo all 2 of this merge") in text
    undone = admin.post("/data/duplicates/undo", data={"csrf_token": token, "batch": batch}, follow_redirects=False)
    assert undone.status_code == 303
    assert state(site) == before


def test_bulk_preview_counts_and_bulk_merge_undone_as_one_step(site):
    plant(site)
    admin = site["clients"]["admin"]
    # at 0.95: d-1~d-2~d-3 (0.999996 and 0.96) is one cluster, two records disappear; d-4~d-5 (0.92) waits
    preview = admin.get("/data/duplicates.json?bulk=0.95").json()["preview"]
    assert (preview["count"], preview["disappear"]) == (1, 2)
    assert [(c["survivor_name"]) for c in preview["first"]] == ["Dolores Vega Ortiz"]
    # at 0.9 both: 2 + 1
    assert (lambda p: (p["count"], p["disappear"]))(admin.get("/data/duplicates.json?bulk=0.9").json()["preview"]) == (2, 3)
    page = admin.get("/data/duplicates?bulk=0.9")
    assert pct(says(site, "2 grupos con al menos 90 %: desaparecen 3 registros.",
                    "2 groups with at least 90%: 3 records disappear.")) in pct(visible_text(page.text))
    before = state(site)
    token = csrf_of(page.text)
    printed = admin.get("/data/duplicates.json?bulk=0.9").json()["preview"]["fingerprint"]  # what the preview showed
    assert admin.post("/data/duplicates/bulk", data={"csrf_token": token, "at_least": "0.9", "fingerprint": printed},
                      follow_redirects=False).status_code == 303
    left = sorted(r["id"] for r in site["store"].rows("accounts") if r["id"].startswith("d-"))
    assert left == ["d-2", "d-4"]
    batch = admin.get("/data/duplicates.json").json()["history"][0]["batch"]
    admin.post("/data/duplicates/undo", data={"csrf_token": token, "batch": batch})
    assert state(site) == before


def test_only_admins_and_hostile_choices_are_refused_with_the_store_unchanged(site):
    plant(site)
    admin = site["clients"]["admin"]
    for role in ("manager", "rep", "viewer"):
        assert site["clients"][role].get("/data/duplicates").status_code == 403
        assert site["clients"][role].get("/data/duplicates/accounts:d-1").status_code == 403
    token = csrf_of(admin.get("/data/duplicates/accounts:d-1").text)
    before = state(site)
    picks = {"field_name": "d-1", "field_email": "d-1", "field_phone": "d-2", "field_company": "d-2",
             "field_country": "d-2", "field_segment": "d-2", "field_source": "d-2"}
    assert admin.post("/data/duplicates/accounts:d-1/merge", data={"survivor": "d-2", **picks}).status_code == 403
    rep_token = csrf_of(site["clients"]["rep"].get("/today").text)
    assert site["clients"]["rep"].post("/data/duplicates/accounts:d-1/merge",
                                       data={"csrf_token": rep_token, "survivor": "d-2", **picks}).status_code == 403
    outside = admin.post("/data/duplicates/accounts:d-1/merge", data={"csrf_token": token, "survivor": "d-4", **picks})
    assert outside.status_code == 422 and 'data-testid="form-error"' in outside.text
    foreign = admin.post("/data/duplicates/accounts:d-1/merge",
                         data={"csrf_token": token, "survivor": "d-2", **picks, "field_name": "<script>x</script>"})
    assert foreign.status_code == 422 and "<script>x" not in foreign.text
    assert admin.get("/data/duplicates/accounts:nobody").status_code == 404
    assert admin.get("/data/duplicates.json?bulk=7").status_code == 422
    assert admin.post("/data/duplicates/undo", data={"csrf_token": token, "batch": "nope"}).status_code == 404
    assert state(site) == before


def test_finding_runs_in_the_background_and_says_its_progress(site):
    admin = site["clients"]["admin"]
    token = csrf_of(admin.get("/data/duplicates").text)
    assert admin.post("/data/duplicates/find", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    job = dedupe.finding.latest(site["store"])
    job.wait()
    finding = admin.get("/data/duplicates.json").json()["finding"]
    assert (finding["running"], finding["percent"], finding["step"], finding["error"]) == (False, 100, "done", None)
    assert set(finding["pairs"]) == {"accounts", "leads"}
    assert says(site, "Búsqueda terminada", "Search finished") in visible_text(admin.get("/data/duplicates").text)
