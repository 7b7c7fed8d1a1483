"""A parent row that children point to can change its own references, on both backends.

DuckDB runs an update of an indexed column (and its foreign keys index every referencing column)
as delete + insert, which its foreign keys refuse while children point at the row: a deal that
moved stage could not be re-imported once an activity pointed at it. DuckDB workspaces therefore
declare no foreign keys (the store checks every reference itself), PostgreSQL keeps them, and a
delete of a parent that children point to is refused by the store on both.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from pulso.access import Scope
from pulso.config import Settings
from pulso.errors import RecordReferencedError, ValidationError
from pulso.store import Store, records
from pulso.store.store import _alembic_config

T0 = "2026-01-05T09:00:00Z"
#: the migration that drops DuckDB's foreign keys
MIGRATION = "0010"


def _deal_with_an_activity(store) -> None:
    """u1, u2; stages s1 (10 %), s2 (60 %); account a1; lead l1 (a1); deal d1 (s1, u1, l1, a1);
    activity x1 on d1 and l1; a stage change of d1 to s1."""
    store.upsert_many({
        "users": [{"id": u, "name": u.upper(), "email": f"{u}@x.es", "role": "rep", "created_at": T0}
                  for u in ("u1", "u2")],
        "accounts": [{"id": "a1", "name": "Acme", "created_at": T0}, {"id": "a2", "name": "Beta", "created_at": T0}],
        "leads": [{"id": "l1", "name": "Ana", "account_id": "a1", "created_at": T0}],
        "stages": [{"id": "s1", "name": "Nuevo", "position": 1, "kind": "open", "probability": 0.1},
                   {"id": "s2", "name": "Propuesta", "position": 2, "kind": "open", "probability": 0.6}],
        "deals": [{"id": "d1", "title": "Acme 1", "amount": "1000", "currency": "EUR", "stage_id": "s1",
                   "owner_id": "u1", "lead_id": "l1", "account_id": "a1", "status": "open", "created_at": T0}],
        "deal_stage_changes": [{"id": "c1", "deal_id": "d1", "to_stage_id": "s1", "changed_at": T0}],
        "activities": [{"id": "x1", "type": "call", "deal_id": "d1", "lead_id": "l1", "owner_id": "u1",
                        "occurred_at": "2026-01-06T10:00:00Z"}],
    })


def test_a_deal_that_activities_point_to_moves_stage_and_owner(store):
    _deal_with_an_activity(store)
    store.upsert("deals", [{"id": "d1", "title": "Acme 1", "amount": "1000", "currency": "EUR", "stage_id": "s2",
                            "owner_id": "u2", "lead_id": "l1", "account_id": "a1", "status": "open",
                            "created_at": T0}])
    [deal] = store.rows("deals")
    assert (deal["stage_id"], deal["owner_id"]) == ("s2", "u2")
    [activity] = store.rows("activities")
    assert (activity["deal_id"], activity["lead_id"]) == ("d1", "l1")


def test_a_lead_and_a_user_that_children_point_to_change_their_references(store):
    _deal_with_an_activity(store)
    store.upsert("leads", [{"id": "l1", "name": "Ana", "account_id": "a2", "created_at": T0}])
    store.upsert("users", [{"id": "u1", "name": "U1", "email": "u1@x.es", "role": "rep", "created_at": T0,
                            "team_id": None, "active": True}])
    store.upsert_many({"teams": [{"id": "t1", "name": "Norte"}],
                       "users": [{"id": "u1", "name": "U1", "email": "u1@x.es", "role": "manager",
                                  "team_id": "t1", "created_at": T0}]})
    assert store.rows("leads")[0]["account_id"] == "a2"
    assert {u["id"]: (u["team_id"], u["role"]) for u in store.rows("users")} == {
        "u1": ("t1", "manager"), "u2": (None, "rep")}


def test_a_reference_to_nothing_is_still_refused_whole(store):
    _deal_with_an_activity(store)
    with pytest.raises(ValidationError, match="stage_id: refers to stages 's9', which does not exist"):
        store.upsert("deals", [{"id": "d1", "stage_id": "s9", "status": "open", "created_at": T0}])
    assert store.rows("deals")[0]["stage_id"] == "s1"


def test_deleting_a_parent_that_children_point_to_is_refused(store):
    _deal_with_an_activity(store)
    version = store.data_version
    with pytest.raises(RecordReferencedError) as err:
        records.delete(store, Scope.company(), "deals", "d1")
    assert str(err.value) == ("deals 'd1' is referred to by 1 deal_stage_changes (deal_id), 1 activities (deal_id); "
                              "delete or re-point those first")
    with pytest.raises(RecordReferencedError, match=r"stages 's1' is referred to by 1 deals \(stage_id\), "
                                                    r"1 deal_stage_changes \(to_stage_id\);"):
        records.delete(store, Scope.company(), "stages", "s1")
    with pytest.raises(RecordReferencedError, match=r"users 'u1' is referred to by 1 deals \(owner_id\), "
                                                    r"1 activities \(owner_id\);"):
        records.delete(store, Scope.company(), "users", "u1")
    assert store.data_version == version
    assert sum(store.counts().values()) == 2 + 2 + 1 + 2 + 1 + 1 + 1
    records.delete(store, Scope.company(), "activities", "x1")
    records.delete(store, Scope.company(), "deal_stage_changes", "c1")
    assert records.delete(store, Scope.company(), "deals", "d1") == {"table": "deals", "deleted": "d1"}
    assert store.rows("deals") == []


def _foreign_keys(store) -> set[tuple[str, str]]:
    with store.engine.connect() as conn:
        if store.dialect == "duckdb":
            q = "SELECT table_name, constraint_column_names[1] FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'"
        else:
            q = ("SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
                 "JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name) "
                 "WHERE tc.constraint_type = 'FOREIGN KEY'")
        return {(t, c) for t, c in conn.exec_driver_sql(q)}


def test_duckdb_declares_no_foreign_keys_and_postgresql_keeps_them(store_on):
    assert {(t, c) for t, c in _foreign_keys(store_on("duckdb")) if t not in ("okr_key_results", "okr_checkins")} == set()
    pg = _foreign_keys(store_on("postgres"))
    assert {("deals", "stage_id"), ("activities", "deal_id"), ("leads", "account_id"), ("users", "team_id")} <= pg


def test_the_migration_keeps_every_row_of_a_duckdb_workspace(tmp_path):
    """A DuckDB file made at the revision before the migration, with rows, foreign keys and all."""
    url = f"duckdb:///{tmp_path / 'old.duckdb'}"
    cfg = _alembic_config()
    previous = ScriptDirectory.from_config(cfg).get_revision(MIGRATION).down_revision
    with Store(Settings(database_url=url)) as old:
        with old.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, previous)
        with old.engine.begin() as conn:
            run = conn.exec_driver_sql
            run("INSERT INTO teams (id, name) VALUES ('t1', 'Norte')")
            run(f"INSERT INTO users (id, name, email, role, team_id, created_at) VALUES "
                f"('u1', 'Ana', 'ana@x.es', 'rep', 't1', '{T0}'), ('u2', 'Luis', 'luis@x.es', 'rep', NULL, '{T0}')")
            run("INSERT INTO stages (id, name, position, kind, probability) VALUES "
                "('s1', 'Nuevo', 1, 'open', 0.1), ('s2', 'Propuesta', 2, 'open', 0.6)")
            run(f"INSERT INTO accounts (id, name, owner_id, created_at) VALUES ('a1', 'Acme', 'u1', '{T0}')")
            run(f"INSERT INTO leads (id, name, account_id, created_at) VALUES ('l1', 'Ana', 'a1', '{T0}')")
            run(f"INSERT INTO deals (id, title, amount, currency, stage_id, owner_id, lead_id, account_id, status, "
                f"created_at) VALUES ('d1', 'Acme 1', 1234.56, 'EUR', 's1', 'u1', 'l1', 'a1', 'open', '{T0}')")
            run(f"INSERT INTO deal_stage_changes (id, deal_id, to_stage_id, changed_at) VALUES ('c1', 'd1', 's1', '{T0}')")
            run("INSERT INTO activities (id, type, deal_id, owner_id, occurred_at, duration_s) VALUES "
                "('x1', 'call', 'd1', 'u1', '2026-01-06T10:00:00Z', 90)")
            before = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                      for t in ("teams", "users", "stages", "accounts", "leads", "deals", "deal_stage_changes", "activities")}
            fks_before = conn.exec_driver_sql(
                "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'").scalar()
    assert fks_before > 20  # the old workspace has them: the test starts from the real old shape

    with Store(Settings(database_url=url)) as store:
        store.init()
        assert store.revision() == Store.head()
        assert {t: n for t, n in store.counts().items() if t in before} == before == {
            "teams": 1, "users": 2, "stages": 2, "accounts": 1, "leads": 1, "deals": 1, "deal_stage_changes": 1,
            "activities": 1}
        assert {(t, c) for t, c in _foreign_keys(store) if t not in ("okr_key_results", "okr_checkins")} == set()
        [deal] = store.rows("deals")
        assert (str(deal["amount"]), deal["kind"], deal["created_at"]) == (
            "1234.56", "new", dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc))
        [activity] = store.rows("activities")
        assert (activity["automated"], activity["duration_s"], activity["deal_id"]) == (False, 90, "d1")
        with store.engine.connect() as conn:  # keys and NOT NULL kept
            with pytest.raises(sa.exc.DBAPIError, match="(?i)duplicate key|primary key"):
                conn.exec_driver_sql(f"INSERT INTO teams (id, name) VALUES ('t1', 'Otro')")
        with store.engine.connect() as conn:
            with pytest.raises(sa.exc.DBAPIError, match="(?i)not null"):
                conn.exec_driver_sql("INSERT INTO teams (id, name) VALUES ('t2', NULL)")
        # and the moved deal is accepted now
        store.upsert("deals", [{"id": "d1", "stage_id": "s2", "owner_id": "u2", "status": "open", "created_at": T0}])
        assert (store.rows("deals")[0]["stage_id"], store.rows("deals")[0]["owner_id"]) == ("s2", "u2")


def test_the_migration_goes_back_to_foreign_keys(tmp_path):
    """Downgrading puts DuckDB's foreign keys back (the rows satisfy them) and upgrading removes them again."""
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    cfg = _alembic_config()
    previous = ScriptDirectory.from_config(cfg).get_revision(MIGRATION).down_revision
    with Store(Settings(database_url=url)) as store:
        store.init()
        _deal_with_an_activity(store)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, previous)
        assert {("deals", "stage_id"), ("activities", "deal_id"), ("users", "team_id")} <= _foreign_keys(store)
        store.upgrade()
        assert {(t, c) for t, c in _foreign_keys(store) if not t.startswith("okr_")} == set()
        assert store.counts()["activities"] == 1 and store.rows("deals")[0]["stage_id"] == "s1"
