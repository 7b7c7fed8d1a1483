"""Search by name, e-mail, company or phone on the store's search columns (pulso.store.searchable,
migration 0011), both backends: the normalisation (Ñ/ñ, accents, case, phone digits), a record
written through an import, the API and the workspace found by its search columns, an edit
followed, the migration's backfill of an existing workspace, the order (name first, then a word
or the phone, then the rest) and the caller's scope."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from pulso import tokens
from pulso import workspace as ws
from pulso.config import Settings
from pulso.ingest.runs import import_files
from pulso.store import Store, schema, searchable
from pulso.store.store import _alembic_config

MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def seed(store) -> None:
    """Team t1: rep u1 and manager m1; team t2: rep u3; admin a0."""
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "m1"}, {"id": "t2", "name": "Sur"}],
        "users": [{"id": u, "name": u, "email": f"{u}@example.com", "role": r, "team_id": t, "created_at": MAR}
                  for u, r, t in (("u1", "rep", "t1"), ("m1", "manager", "t1"), ("u3", "rep", "t2"),
                                  ("a0", "admin", None))],
    })


def stored(store, table: str, rid: str) -> dict:
    tbl = schema.table(table)
    cols = [tbl.c.search_text] + ([tbl.c.search_phone] if "search_phone" in tbl.c else [])
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(*cols).where(tbl.c.id == rid)).mappings().one())


def ids(found) -> list[str]:
    return [r["id"] for r in found]


def test_normalisation_strips_accents_and_case_and_keeps_phone_digits():
    assert searchable.plain("  ÑANDÚ   Peñalver ") == "nandu penalver"
    assert searchable.plain("Ñ ñ Á é Ï ô Ç") == "n n a e i o c"
    assert searchable.digits("+34 (600) 11-22 33") == "34600112233"
    names = ["  José  GARCÍA ", "Ñúñez", None, "Zoë Ærø"]
    got = searchable.normalised(pa.array(names)).to_pylist()
    assert got == ["jose garcia", "nunez", "", "zoe ærø"]  # Arrow and Python agree; æ and ø are letters, kept
    assert got == [searchable.plain(n or "") for n in names]
    columns = {"name": pa.array(["María"]), "email": pa.array(["MARIA@Example.ES"]), "company": pa.array([None]),
               "phone": pa.array(["+34 611-22-33"])}
    assert {k: v.to_pylist() for k, v in searchable.compute("leads", columns).items()} == \
        {"search_text": ["maria maria@example.es"], "search_phone": ["346112233"]}


def test_records_written_through_an_import_the_api_and_the_workspace_are_found(store, tmp_path):
    seed(store)
    u1 = ws.caller_for(store, "u1")
    lead = ws.create_lead(store, u1, {"name": "Íñigo Ñúñez", "email": "Inigo@Ejemplo.es", "phone": "+34 611 222 333",
                                      "company": "Óptica Sur"})
    assert stored(store, "leads", lead["id"]) == {"search_text": "inigo nunez inigo@ejemplo.es optica sur",
                                                  "search_phone": "34611222333"}
    csv = tmp_path / "accounts.csv"
    csv.write_text("id,name,email,phone,company,owner_id,created_at\n"
                   "acc-imp,PEÑA Hermanos,ventas@pena.es,91 555 12 34,Peña S.L.,u1,2026-03-01\n", encoding="utf-8")
    import_files(store, [csv], table="accounts")
    assert stored(store, "accounts", "acc-imp") == {"search_text": "pena hermanos ventas@pena.es pena s.l.",
                                                    "search_phone": "915551234"}
    ws.edit_lead(store, u1, lead["id"], {"name": "Íñigo Pérez"})  # an edit is followed
    assert stored(store, "leads", lead["id"])["search_text"] == "inigo perez inigo@ejemplo.es optica sur"
    secret = tokens.create(store, "search", role="rep", user_id="u1").secret
    url = store.url
    store.close()  # DuckDB: one process-wide writer; the app opens the workspace itself
    from pulso.web import WebSettings, create_app

    app = create_app(WebSettings(store=Settings(url), secret_key="search-test", strict_i18n=True))
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        made = client.post("/api/v1/leads", json={"name": "Begoña Núñez", "email": "bego@example.com",
                                                  "phone": "600-700-800"})
        assert made.status_code == 201, made.text
        api_id = made.json()["id"]
        for q, want in (("PEREZ inigo", [lead["id"]]), ("begona", [api_id]), ("NUÑEZ", [api_id]),
                        ("600 700", [api_id]), ("peña", ["acc-imp"]), ("5551234", ["acc-imp"]),
                        ("ejemplo.ES", [lead["id"]])):
            hits = client.get("/api/v1/search", params={"q": q}).json()["results"]
            assert ids(hits) == want, (q, hits)
        assert ids(client.get("/api/v1/search", params={"q": "iñigo ÑÚÑEZ"}).json()["results"]) == []  # renamed
    with Store(Settings(url)) as again:
        assert stored(again, "leads", api_id) == {"search_text": "begona nunez bego@example.com",
                                                  "search_phone": "600700800"}


def test_names_first_then_words_then_the_rest_inside_the_scope(store):
    seed(store)
    store.upsert_many({"leads": [
        {"id": "l1", "name": "Ana García", "owner_id": "u1", "created_at": MAR},            # a word starts with it
        {"id": "l2", "name": "García Hermanos", "owner_id": "u1", "created_at": MAR},       # the name starts with it
        {"id": "l3", "name": "Zoe", "email": "zgarcia@x.es", "owner_id": "u1", "created_at": MAR},  # inside a word
        {"id": "l4", "name": "Bea", "company": "Garcías SL", "owner_id": "m1", "created_at": MAR},  # a word, team t1
        {"id": "l5", "name": "García Sur", "owner_id": "u3", "created_at": MAR},           # team t2
    ], "deals": [{"id": "d1", "title": "Gafas García", "owner_id": "u1", "status": "open", "created_at": MAR}]})
    found = ws.search(store, ws.caller_for(store, "u1"), "GARCIA", tables=("leads", "deals"))
    assert [(r["table"], r["id"]) for r in found] == [("leads", "l2"), ("leads", "l1"), ("leads", "l3"),
                                                       ("deals", "d1")]
    assert ids(ws.search(store, ws.caller_for(store, "m1"), "garcía", tables=("leads",))) == ["l2", "l1", "l4", "l3"]
    assert ids(ws.search(store, ws.caller_for(store, "u3"), "garcia", tables=("leads",))) == ["l5"]
    assert ids(ws.search(store, ws.caller_for(store, "a0"), "garcia", tables=("leads",), limit=2)) == ["l2", "l5"]


def test_the_migration_fills_the_search_columns_of_an_existing_workspace(store):
    seed(store)
    store.upsert_many({"leads": [{"id": "l1", "name": "Ramón Ibáñez", "phone": "(+34) 622.33.44", "owner_id": "u1",
                                  "created_at": MAR}],
                       "accounts": [{"id": "a1", "name": "Muñoz", "company": "CAFÉS Ñ", "created_at": MAR}],
                       "deals": [{"id": "d1", "title": "Máquina Única", "status": "open", "created_at": MAR}]})
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
    with store.engine.begin() as conn:
        assert "search_text" not in set(conn.execute(sa.text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'leads'")).scalars())
    store.upgrade()
    assert stored(store, "leads", "l1") == {"search_text": "ramon ibanez", "search_phone": "346223344"}
    assert stored(store, "accounts", "a1") == {"search_text": "munoz cafes n", "search_phone": ""}
    assert stored(store, "deals", "d1") == {"search_text": "maquina unica"}
    admin = ws.caller_for(store, "a0")
    assert [(r["table"], r["id"]) for r in ws.search(store, admin, "IBANEZ")] == [("leads", "l1")]
    assert [(r["table"], r["id"]) for r in ws.search(store, admin, "unica")] == [("deals", "d1")]
    if store.dialect == "postgres":  # the trigram indexes serve LIKE '%…%'
        with store.engine.connect() as conn:
            names = set(conn.execute(sa.text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'"))
                        .scalars())
        assert names == {"ix_leads_search_text", "ix_leads_search_phone", "ix_accounts_search_text",
                         "ix_accounts_search_phone", "ix_deals_search_text"}
