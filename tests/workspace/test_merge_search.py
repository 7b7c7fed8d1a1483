"""Issue 15's leftovers on search: a dedupe merge keeps the survivor's search columns and words in
step with the fields it fills (and undo puts them back), and the API never shows the store's
internal search columns, neither in its OpenAPI record schemas nor in its JSON answers. Both backends."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from pulso import audit, dedupe, tokens
from pulso import workspace as ws
from pulso.config import Settings

MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
ACTOR = audit.Actor("user", "a0")


def seed(store) -> None:
    store.upsert_many({
        "users": [{"id": "a0", "name": "a0", "email": "a0@example.com", "role": "admin", "created_at": MAR}],
        "accounts": [
            # the survivor: a name, no e-mail, company or phone
            {"id": "a1", "name": "Ana", "owner_id": "a0", "created_at": MAR},
            # the duplicate: the same person with the contact fields the survivor lacks
            {"id": "a2", "name": "Ana Zubizarreta", "email": "ana.quintanilla@example.com", "company": "Ébano Tallers",
             "phone": "+34 699 123 456", "owner_id": "a0", "created_at": MAR},
        ],
    })


def found(store, query: str) -> list[str]:
    return [r["id"] for r in ws.search(store, ws.caller_for(store, "a0"), query, tables=("accounts",))]


def test_a_merged_account_is_found_by_its_new_fields_and_not_by_the_discarded_ones(store):
    seed(store)
    assert found(store, "ebano") == ["a2"] and found(store, "zubizarreta") == ["a2"]
    merge_id = dedupe.merge(store, "accounts", "a1", "a2", actor=ACTOR)
    # the survivor took the duplicate's company, e-mail and phone: found by each of them
    assert found(store, "ebano") == ["a1"]
    assert found(store, "Tallers") == ["a1"]
    assert found(store, "quintanilla") == ["a1"]
    assert found(store, "699 123") == ["a1"]
    assert found(store, "ana") == ["a1"]
    # the discarded name is gone with its record
    assert found(store, "zubizarreta") == []
    dedupe.undo(store, merge_id, actor=ACTOR)
    # undone: the duplicate is back with its words, the survivor without the fields it had taken
    assert found(store, "ebano") == ["a2"]
    assert found(store, "zubizarreta") == ["a2"]
    assert found(store, "699123") == ["a2"]
    assert sorted(found(store, "ana")) == ["a1", "a2"]


def test_the_api_hides_the_search_columns_in_its_schemas_and_answers(store):
    seed(store)
    secret = tokens.create(store, "hidden", role="admin").secret
    url = store.url
    store.close()  # DuckDB: one process-wide writer; the app opens the workspace itself
    from pulso.web import WebSettings, create_app

    app = create_app(WebSettings(store=Settings(url), secret_key="hidden-test", strict_i18n=True))
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        doc = client.get("/api/v1/openapi.json").json()
        for name in ("AccountsRecord", "LeadsRecord", "DealsRecord"):
            props = doc["components"]["schemas"][name]["properties"]
            assert "name" in props or "title" in props
            assert not {"search_text", "search_phone"} & set(props), name
        one = client.get("/api/v1/records/accounts/a2").json()["record"]
        assert one["company"] == "Ébano Tallers"
        assert not {"search_text", "search_phone"} & set(one)
        listed = client.get("/api/v1/records/accounts").json()["records"]
        assert len(listed) == 2 and not any({"search_text", "search_phone"} & set(r) for r in listed)
        made = client.post("/api/v1/leads", json={"name": "Begoña", "phone": "600 700 800", "owner_id": "a0"})
        assert made.status_code == 201, made.text
        assert made.json()["name"] == "Begoña" and not {"search_text", "search_phone"} & set(made.json())
        results = client.get("/api/v1/search", params={"q": "ebano"}).json()["results"]
        assert [r["id"] for r in results] == ["a2"]
        assert not any({"search_text", "search_phone"} & set(r) for r in results)
