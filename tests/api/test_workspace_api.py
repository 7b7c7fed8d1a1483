"""The workspace's operations under /api/v1 (pulso.web.api.workspace) on the tiny workspace, both
backends: each operation for the roles that may do it, scoped (another rep's record is 404), refused
(viewer, rep reassigning), hostile bodies refused before anything is written, and the OpenAPI
document's typed schemas. Team t1: manager m1, reps r1 (the rep token) and r2; team t2: rep r3."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.xdist_group("api-tiny")


def rows(world, table):
    return world.run(lambda: world.store().rows(table))


def counts(world):
    return {t: len(rows(world, t)) for t in ("leads", "accounts", "deals", "deal_stage_changes", "tickets",
                                           "activities", "usage_events")}


def test_a_rep_works_a_lead_from_creation_to_a_deal(tiny):
    rep = tiny.clients["rep"]
    before = counts(tiny)
    made = rep.post("/api/v1/leads", json={"name": "Lucía Ñúñez", "email": "lucia@example.com",
                                           "phone": "+34 611 222 333", "company": "Óptica Sur"})
    assert made.status_code == 201, made.text
    lead = made.json()
    assert lead["owner_id"] == "r1" and lead["name"] == "Lucía Ñúñez"
    lid = lead["id"]
    assert rep.patch(f"/api/v1/leads/{lid}", json={"source": "web"}).json()["source"] == "web"
    q = rep.post(f"/api/v1/leads/{lid}/qualify", json={"level": "sql", "at": "2030-01-02T10:00:00"}).json()
    assert q["sql_at"] == q["mql_at"] == "2030-01-02T09:00:00+00:00"  # Madrid winter time is UTC+1
    assert rep.post(f"/api/v1/leads/{lid}/qualify", json={"level": "sql"}).status_code == 409
    out = rep.post(f"/api/v1/leads/{lid}/convert", json={"deal": {"amount": 1200.5, "title": "Gafas"},
                                                          "at": "2030-01-03T10:00:00"})
    assert out.status_code == 200, out.text
    got = out.json()
    assert got["deal"]["amount"] == 1200.5 and got["deal"]["currency"] == "EUR" and got["deal"]["stage_id"] == "s-open"
    assert got["account"]["name"] == "Óptica Sur" and got["lead"]["account_id"] == got["account"]["id"]
    changes = [c for c in rows(tiny, "deal_stage_changes") if c["deal_id"] == got["deal"]["id"]]
    assert [(c["from_stage_id"], c["to_stage_id"], c["changed_by"]) for c in changes] == [(None, "s-open", "r1")]
    after = counts(tiny)
    assert after["leads"] == before["leads"] + 1 and after["accounts"] == before["accounts"] + 1
    assert after["deals"] == before["deals"] + 1
    assert after["usage_events"] == before["usage_events"] + 4  # create, edit, qualify, convert (a refusal writes none)
    # found again by name (accents and case aside), by company and by phone digits; a duplicate by e-mail
    for q in ("lucia nunez", "OPTICA", "611222"):
        hits = rep.get("/api/v1/search", params={"q": q, "table": "leads"}).json()["results"]
        assert [h["id"] for h in hits] == [lid], q
    dup = rep.get("/api/v1/duplicates", params={"table": "leads", "email": "LUCIA@example.com"}).json()
    assert [(d["id"], d["reasons"]) for d in dup["matches"]] == [(lid, ["email"])] and dup["hidden"] == 0
    # another rep's lead of the same name is only counted
    tiny.run(lambda: tiny.store().upsert_many({"leads": [{"id": "l-r3", "name": "Lucía Ñúñez", "owner_id": "r3",
                                                           "created_at": "2026-03-02T10:00:00"}]}))
    dup = rep.get("/api/v1/duplicates", params={"table": "leads", "name": "lucia nunez"}).json()
    assert [d["id"] for d in dup["matches"]] == [lid] and dup["hidden"] == 1
    assert rep.patch("/api/v1/leads/l-r3", json={"name": "x"}).status_code == 404
    assert tiny.clients["admin"].post("/api/v1/leads/l-r3/disqualify", json={"reason": "spam"}).json()["disqualified_reason"] == "spam"


def test_deals_move_close_and_change_hands_within_the_scope(tiny):
    rep, manager = tiny.clients["rep"], tiny.clients["manager"]
    deal = rep.post("/api/v1/deals", json={"title": "Web", "amount": 300, "account_id": "acc1"}).json()
    moved = rep.post(f"/api/v1/deals/{deal['id']}/move", json={"stage_id": "s-won", "at": "2030-02-01"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "won" and moved.json()["closed_at"] == "2030-01-31T23:00:00+00:00"
    assert len([c for c in rows(tiny, "deal_stage_changes") if c["deal_id"] == deal["id"]]) == 2
    other = rep.post("/api/v1/deals", json={"title": "Otra"}).json()
    lost = rep.post(f"/api/v1/deals/{other['id']}/close", json={"outcome": "lost"})
    assert lost.status_code == 422 and lost.json()["error"]["field"] == "reason"
    closed = rep.post(f"/api/v1/deals/{other['id']}/close", json={"outcome": "lost", "reason": "Precio"}).json()
    assert (closed["status"], closed["lost_reason"]) == ("lost", "Precio")
    assert rep.patch("/api/v1/deals/d1", json={"amount": 150}).json()["amount"] == 150
    # another rep's deal: 404 for every operation, nothing written
    before = rows(tiny, "deals")
    for path, body in (("/api/v1/deals/d2/move", {"stage_id": "s-open"}), ("/api/v1/deals/d2/close", {"outcome": "won"})):
        assert rep.post(path, json=body).status_code == 404
    assert rep.patch("/api/v1/deals/d2", json={"title": "mío"}).status_code == 404
    assert tiny.clients["viewer"].post("/api/v1/deals/d1/move", json={"stage_id": "s-won"}).status_code == 403
    assert rep.post("/api/v1/deals/d1/reassign", json={"owner_id": "r2"}).status_code == 403
    assert manager.post("/api/v1/deals/d1/reassign", json={"owner_id": "r3"}).json()["error"]["code"] == "out_of_scope"
    assert manager.post("/api/v1/deals/d2/reassign", json={"owner_id": "r2"}).status_code == 404
    assert rows(tiny, "deals") == before
    assert manager.post("/api/v1/deals/d1/reassign", json={"owner_id": "r2"}).json() == {"count": 1}
    assert rep.patch("/api/v1/deals/d1", json={"amount": 1}).status_code == 404  # no longer the rep's
    assert manager.post("/api/v1/deals/bulk/assign", json={"ids": ["d1"], "owner_id": "r1"}).json() == {"count": 1}
    third = rep.post("/api/v1/deals", json={"title": "Tercera"}).json()
    assert rep.post("/api/v1/deals/bulk/move", json={"ids": [third["id"], "d2"], "stage_id": "s-won"}).status_code == 404
    assert rep.post("/api/v1/deals/bulk/move", json={"ids": [third["id"]], "stage_id": "s-won"}).json() == {"count": 1}


def test_tickets_activities_tasks_my_day_and_survey_links(tiny):
    rep = tiny.clients["rep"]
    ticket = rep.post("/api/v1/tickets", json={"account_id": "acc1", "priority": "high", "opened_at": "2030-03-01T09:00"})
    assert ticket.status_code == 201, ticket.text
    tid = ticket.json()["id"]
    day = rep.get("/api/v1/my-day").json()
    assert tid in [t["id"] for t in day["tickets_waiting"]] and day["user_id"] == "r1"
    assert rep.post(f"/api/v1/tickets/{tid}/respond", json={"at": "2030-03-01T10:00"}).json()["first_response_at"] \
        == "2030-03-01T09:00:00+00:00"
    assert rep.post(f"/api/v1/tickets/{tid}/respond", json={}).status_code == 409
    assert rep.post(f"/api/v1/tickets/{tid}/resolve", json={"at": "2030-03-02"}).json()["status"] == "resolved"
    assert rep.post(f"/api/v1/tickets/{tid}/reopen").json()["status"] == "open"
    call = rep.post("/api/v1/activities", json={"type": "call", "account_id": "acc1", "duration_s": 120})
    assert call.status_code == 201 and call.json()["direction"] == "outbound"
    assert rep.post("/api/v1/activities", json={"type": "call", "account_id": "acc2"}).status_code == 404
    task = rep.post("/api/v1/tasks", json={"outcome": "Llamar", "due_at": "2030-03-05T09:00", "account_id": "acc1"}).json()
    assert task["id"] in [t["id"] for t in rep.get("/api/v1/tasks").json()["tasks"]]
    assert rep.post(f"/api/v1/tasks/{task['id']}/done", json={"done": True}).json()["done_at"] is not None
    assert rep.post(f"/api/v1/tasks/{task['id']}/done", json={"done": True}).status_code == 409
    assert task["id"] not in [t["id"] for t in rep.get("/api/v1/tasks").json()["tasks"]]
    assert rep.get("/api/v1/my-day", params={"user_id": "r3"}).status_code == 404
    link = rep.post("/api/v1/survey-links", json={"account_id": "acc1", "kind": "nps", "locale": "en"})
    assert link.status_code == 201 and len(link.json()["token"]) >= 40 and link.json()["kind"] == "nps"
    assert rep.post("/api/v1/survey-links", json={"account_id": "acc2", "kind": "nps"}).status_code == 404
    assert rep.post("/api/v1/accounts", json={"name": "Nueva", "country": "mx"}).json()["country"] == "MX"
    assert rep.patch("/api/v1/accounts/acc2", json={"name": "x"}).status_code == 404


@pytest.mark.parametrize("body, status, field", [
    ({"name": 123}, 400, "name"),                              # wrong type
    ({"name": "x" * 5000}, 400, "name"),                       # over 200 characters
    ({"name": "Ana", "colour": "red"}, 400, "colour"),         # unknown field
    ({"name": "Ana", "email": "not-an-email"}, 422, "email"),  # the workspace's own check
    ({"name": "=HYPERLINK(1)"}, 422, "name"),                  # a spreadsheet formula
])
def test_hostile_lead_bodies_are_refused_and_nothing_is_written(tiny, body, status, field):
    before = counts(tiny)
    got = tiny.clients["rep"].post("/api/v1/leads", json=body)
    assert got.status_code == status, got.text
    assert got.json()["error"]["field"] == field
    assert counts(tiny) == before


def test_unknown_choices_oversized_and_foreign_bodies_are_refused(tiny):
    rep = tiny.clients["rep"]
    before = counts(tiny)
    assert rep.post("/api/v1/activities", json={"type": "fax", "account_id": "acc1"}).status_code == 400
    assert rep.post("/api/v1/activities", json={"type": "call", "account_id": "acc1", "duration_s": True}).status_code == 400
    assert rep.post("/api/v1/deals/d1/close", json={"outcome": "maybe"}).status_code == 400
    assert rep.post("/api/v1/deals", json={"amount": -1}).status_code == 400
    assert rep.post("/api/v1/leads", content=b'{"name": "' + b"a" * 70_000 + b'"}',
                    headers={"Content-Type": "application/json"}).status_code == 413
    assert rep.post("/api/v1/leads", content=b"name=Ana", headers={"Content-Type": "text/plain"}).status_code == 415
    assert rep.post("/api/v1/leads", content=b'{"name": NaN}', headers={"Content-Type": "application/json"}).status_code == 400
    assert tiny.clients["anonymous"].post("/api/v1/leads", json={"name": "Ana"}).status_code == 401
    assert tiny.clients["viewer"].post("/api/v1/leads", json={"name": "Ana"}).json()["error"]["code"] == "read_only"
    assert counts(tiny) == before


def test_the_openapi_document_types_every_record_and_body(tiny):
    doc = tiny.clients["anonymous"].get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    deal = schemas["DealsRecord"]["properties"]
    assert {"type": "number"} in deal["amount"]["anyOf"]
    assert {"enum": ["open", "won", "lost"], "type": "string"} in deal["status"]["anyOf"]
    assert {"type": "string", "format": "date-time"} in deal["closed_at"]["anyOf"]
    lead = schemas["LeadCreate"]
    assert lead["required"] == ["name"] and lead["additionalProperties"] is False
    assert lead["properties"]["name"]["maxLength"] == 200
    assert schemas["ActivityCreate"]["properties"]["type"]["enum"] == ["call", "email", "voicemail", "meeting", "note"]
    move = doc["paths"]["/api/v1/deals/{deal_id}/move"]["post"]
    assert move["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Move"}
    assert move["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/DealsRecord"}
    one = doc["paths"]["/api/v1/records/{table}/{record_id}"]["get"]["responses"]["200"]
    assert one["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RecordOut"}
    items = doc["paths"]["/api/v1/records/{table}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/TicketsRecord"} in items["properties"]["records"]["items"]["anyOf"]
