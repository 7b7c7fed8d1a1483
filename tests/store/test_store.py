"""The canonical store on DuckDB and PostgreSQL: create, upgrade, upsert, and refuse bad records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
import sqlalchemy as sa

from pulso.errors import ConfigError, StoreError, ValidationError
from pulso.store import Store, schema

UTC = dt.timezone.utc


def people(store: Store) -> None:
    """A team whose manager belongs to it (a reference cycle), and one rep."""
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "u1"}],
        "users": [
            {"id": "u1", "name": "Lucía Pérez", "email": "lucia@example.es", "role": "manager",
             "team_id": "t1", "created_at": "2025-01-01T09:00:00+00:00"},
            {"id": "u2", "name": "Andrés Gómez", "email": "andres@example.mx", "role": "rep",
             "team_id": "t1", "created_at": "2025-01-01T09:00:00+00:00"},
        ],
        "stages": [
            {"id": "new", "name": "Nuevo", "position": 0, "kind": "open", "probability": 0.1},
            {"id": "won", "name": "Ganado", "position": 5, "kind": "won", "probability": 1.0},
            {"id": "lost", "name": "Perdido", "position": 6, "kind": "lost", "probability": 0.0},
        ],
    })


def deal(**over) -> dict:
    base = {"id": "d1", "owner_id": "u2", "amount": "1200.50", "currency": "EUR", "stage_id": "new",
            "status": "open", "created_at": "2025-03-01T10:00:00+00:00"}
    return {**base, **over}


def errors_of(exc: pytest.ExceptionInfo) -> list[tuple[str, str | None, str]]:
    return [(e.table, e.record_id, e.field) for e in exc.value.errors]


def test_init_creates_then_is_idempotent(store):
    assert store.revision() == store.head()
    store.set_setting("timezone", "America/Mexico_City")
    before, after = store.init()
    assert before == after == store.head()
    store.upgrade()
    assert store.revision() == store.head()
    assert store.settings_dict()["timezone"] == "America/Mexico_City"  # init keeps settings
    assert set(store.counts()) == set(schema.CANONICAL_TABLES)
    assert all(n == 0 for n in store.counts().values())


def test_upsert_inserts_then_updates_without_duplicates(store):
    people(store)
    assert store.upsert("deals", [deal(), deal(id="d2", amount=10)]) == 2
    assert store.upsert("deals", [deal(amount="99.999", title="Renovación")]) == 1
    rows = store.rows("deals")
    assert [r["id"] for r in rows] == ["d1", "d2"]
    assert rows[0]["amount"] == Decimal("100.00")  # rounded to cents
    assert rows[0]["title"] == "Renovación"
    assert store.counts()["deals"] == 2


def test_fields_left_out_keep_their_stored_value(store):
    people(store)
    store.upsert("deals", [deal(title="Original", kind="upsell")])
    store.upsert("deals", [{"id": "d1", "status": "won", "closed_at": "2025-04-01T10:00:00+00:00", "stage_id": "won"}])
    (row,) = store.rows("deals")
    assert (row["title"], row["kind"], row["status"]) == ("Original", "upsell", "won")
    assert row["amount"] == Decimal("1200.50")


def test_new_records_get_column_defaults(store):
    people(store)
    store.upsert("deals", [deal()])
    assert store.rows("deals")[0]["kind"] == "new"
    store.upsert("activities", [{"id": "a1", "type": "call", "occurred_at": "2025-03-02T10:00:00+00:00"}])
    assert store.rows("activities")[0]["automated"] is False


def test_naive_timestamps_are_taken_in_the_workspace_time_zone(store):
    store.set_setting("timezone", "Europe/Madrid")
    people(store)
    store.upsert("deals", [deal(created_at="2025-03-31T23:30:00", status="won", stage_id="won",
                                closed_at=dt.datetime(2025, 7, 1, 0, 30))])
    (row,) = store.rows("deals")
    # Madrid is UTC+2 in summer time (from 30 March 2025) and UTC+1 before.
    assert row["created_at"].astimezone(UTC) == dt.datetime(2025, 3, 31, 21, 30, tzinfo=UTC)
    assert row["closed_at"].astimezone(UTC) == dt.datetime(2025, 6, 30, 22, 30, tzinfo=UTC)


def test_aware_timestamps_are_stored_as_the_same_instant(store):
    people(store)
    mexico = ZoneInfo("America/Mexico_City")
    store.upsert("deals", [deal(created_at=dt.datetime(2025, 3, 1, 8, 0, tzinfo=mexico))])
    assert store.rows("deals")[0]["created_at"].astimezone(UTC) == dt.datetime(2025, 3, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "record, field, reason",
    [
        (deal(status="pending"), "status", "must be one of open, won, lost"),
        (deal(kind="resale"), "kind", "must be one of new, upsell, cross_sell, renewal"),
        (deal(amount=-1), "amount", "must not be negative"),
        (deal(amount="doce"), "amount", "'doce' is not an amount"),
        (deal(amount="1e40"), "amount", "too large"),
        (deal(amount=float("nan")), "amount", "is not an amount"),
        (deal(currency="euro"), "currency", "three-letter ISO 4217 code"),
        (deal(created_at="31/03/2025"), "created_at", "is not an ISO 8601 date-time"),
        (deal(created_at=None), "created_at", "is missing (required)"),
        (deal(status="won"), "closed_at", "a won or lost deal has a close date"),
        (deal(status="lost", closed_at="2025-02-01T00:00:00+00:00"), "closed_at", "is before created_at"),
        (deal(closed_at="2025-04-01T00:00:00+00:00"), "closed_at", "an open deal has no close date"),
        (deal(owner_id="u404"), "owner_id", "refers to users 'u404', which does not exist"),
        (deal(stage_id="nowhere"), "stage_id", "refers to stages 'nowhere'"),
        (deal(amout=5), "amout", "did you mean 'amount'?"),
        (deal(id=""), "id", "is empty"),
    ],
)
def test_each_bad_deal_is_refused_with_table_id_field_and_reason(store, record, field, reason):
    people(store)
    with pytest.raises(ValidationError) as exc:
        store.upsert("deals", [record])
    (err,) = exc.value.errors
    assert err.table == "deals" and err.field == field
    assert reason in err.reason
    if field != "amout":
        assert err.record_id == record["id"]
    assert field in str(exc.value) and "nothing was written" in str(exc.value)
    assert store.counts()["deals"] == 0


@pytest.mark.parametrize(
    "table, record, field, reason",
    [
        ("users", {"id": "u9", "name": "X", "email": "x@x.es", "role": "boss", "created_at": "2025-01-01T00:00:00Z"},
         "role", "must be one of admin, manager, rep, viewer"),
        ("survey_responses", {"id": "s1", "kind": "nps", "score": 11, "scale_min": 0, "scale_max": 10,
                              "answered_at": "2025-01-01T00:00:00Z"}, "score", "outside its scale"),
        ("survey_responses", {"id": "s1", "kind": "nps", "score": 3, "scale_min": 1, "scale_max": 5,
                              "answered_at": "2025-01-01T00:00:00Z"}, "scale_max", "0–10 scale"),
        ("survey_responses", {"id": "s1", "kind": "ces", "score": 3, "scale_min": 7, "scale_max": 1,
                              "answered_at": "2025-01-01T00:00:00Z"}, "scale_max", "greater than scale_min"),
        ("tickets", {"id": "k1", "status": "open", "opened_at": "2025-01-02T00:00:00Z",
                     "first_response_at": "2025-01-01T00:00:00Z"}, "first_response_at", "is before opened_at"),
        ("tickets", {"id": "k1", "status": "open", "priority": "p1", "opened_at": "2025-01-02T00:00:00Z"},
         "priority", "must be one of low, medium, high, urgent"),
        ("stages", {"id": "x", "name": "X", "position": 1, "kind": "open", "probability": 1.5},
         "probability", "between 0 and 1"),
        ("accounts", {"id": "a1", "name": "Acme", "created_at": "2025-01-01T00:00:00Z",
                      "churned_at": "2025-02-01T00:00:00Z"}, "churned_at", "acquired_at is not"),
        ("spend", {"id": "p1", "category": "branding", "period_start": "2025-01-01", "period_end": "2025-01-31",
                   "amount": 10}, "category", "must be one of marketing, sales, retention"),
        ("quotas", {"id": "q1", "period_start": "2025-02-01", "period_end": "2025-01-31", "amount": 10},
         "period_end", "is before period_start"),
        ("activities", {"id": "a1", "type": "call", "automated": "maybe", "occurred_at": "2025-01-01T00:00:00Z"},
         "automated", "is not true or false"),
        ("web_sessions", {"id": "w1", "visitor_id": "v", "started_at": "2025-01-01T00:00:00Z", "duration_s": 1.5},
         "duration_s", "is not a whole number"),
    ],
)
def test_rules_of_other_tables(store, table, record, field, reason):
    people(store)
    with pytest.raises(ValidationError) as exc:
        store.upsert(table, [record])
    assert [(e.field, reason in e.reason) for e in exc.value.errors] == [(field, True)]


def test_duplicate_ids_in_one_batch_are_refused(store):
    people(store)
    with pytest.raises(ValidationError) as exc:
        store.upsert("deals", [deal(), deal(amount=3)])
    assert errors_of(exc) == [("deals", "d1", "id"), ("deals", "d1", "id")]
    assert "more than once" in exc.value.errors[0].reason


def test_a_failing_batch_leaves_the_store_exactly_as_it_was(store):
    people(store)
    store.upsert("accounts", [{"id": "a1", "name": "Acme", "created_at": "2025-01-01T00:00:00Z"}])
    store.upsert("deals", [deal(account_id="a1")])
    counts, digest = store.counts(), store.checksum()
    version = store.data_version
    with pytest.raises(ValidationError):
        store.upsert_many({
            "accounts": [{"id": "a1", "name": "Acme renamed", "created_at": "2025-01-01T00:00:00Z"},
                         {"id": "a2", "name": "Beta", "created_at": "2025-01-01T00:00:00Z"}],
            "deals": [deal(id="d2", account_id="a2"), deal(id="d3", owner_id="ghost")],
        })
    assert store.counts() == counts
    assert store.checksum() == digest
    assert store.data_version == version


def test_references_may_point_into_the_same_call(store):
    people(store)
    written = store.upsert_many({
        "deals": [deal(account_id="a7", lead_id="l7")],
        "leads": [{"id": "l7", "created_at": "2025-02-01T00:00:00Z", "account_id": "a7"}],
        "accounts": [{"id": "a7", "name": "Gamma", "created_at": "2025-02-01T00:00:00Z"}],
    })
    assert written == {"accounts": 1, "leads": 1, "deals": 1}


def test_the_undeclared_manager_reference_is_still_checked(store):
    with pytest.raises(ValidationError) as exc:
        store.upsert("teams", [{"id": "t9", "name": "Sur", "manager_id": "nobody"}])
    assert errors_of(exc) == [("teams", "t9", "manager_id")]


def test_arrow_batches_take_the_same_path(store):
    people(store)
    n = 2_000
    batch = pa.table({
        "id": [f"l{i}" for i in range(n)],
        "owner_id": ["u2"] * n,
        "source": ["web" if i % 2 else "referral" for i in range(n)],
        "created_at": pa.array([dt.datetime(2025, 1, 1, 12) + dt.timedelta(hours=i) for i in range(n)],
                               type=pa.timestamp("us")),  # naive: workspace time zone (UTC here)
    })
    assert store.upsert("leads", batch) == n
    with store.connect() as conn:
        got = conn.execute(sa.select(sa.func.count()).where(schema.leads.c.source == "web")).scalar()
    assert got == n // 2
    bad = batch.set_column(1, "owner_id", pa.array(["ghost"] + ["u2"] * (n - 1)))
    with pytest.raises(ValidationError) as exc:
        store.upsert("leads", bad)
    assert errors_of(exc) == [("leads", "l0", "owner_id")]


def test_arrow_values_that_cannot_be_cast_are_located(store):
    people(store)
    batch = pa.table({"id": ["d1", "d2"], "status": ["open", "open"], "owner_id": ["u2", "u2"],
                      "created_at": ["2025-01-01T00:00:00+00:00", "yesterday"]})
    with pytest.raises(ValidationError) as exc:
        store.upsert("deals", batch)
    assert errors_of(exc) == [("deals", "d2", "created_at")]


def test_unknown_table_is_a_clear_error(store):
    with pytest.raises(StoreError, match="unknown table 'deal'"):
        store.upsert("deal", [])


def test_settings_are_checked(store):
    with pytest.raises(ConfigError, match="unknown time zone 'Madrid'"):
        store.set_setting("timezone", "Madrid")
    with pytest.raises(ConfigError, match="not a currency code"):
        store.set_setting("currency", "euro")


def test_every_write_bumps_the_data_version(store):
    people(store)
    v = store.data_version
    store.upsert("deals", [deal()])
    assert store.data_version == v + 1


def test_postgres_schema_matches_the_metadata(store_on):
    """The migrations build exactly the tables, columns and indexes that schema.py declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    pg = store_on("postgres")
    with pg.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []


def test_awkward_text_round_trips_exactly(store):
    """Quotes, commas, newlines, empty strings, accents and emoji survive the bulk path."""
    names = ['Muñoz "El Rápido", S.L.', "línea 1\nlínea 2", "", "Zoë 🚀", "\\N", "NULL"]
    store.upsert("accounts", [
        {"id": f"a{i}", "name": n, "company": n, "created_at": "2025-01-01T00:00:00Z"} for i, n in enumerate(names)
    ])
    assert [r["name"] for r in store.rows("accounts")] == names
    assert [r["email"] for r in store.rows("accounts")] == [None] * len(names)


def test_an_empty_batch_writes_nothing_and_keeps_the_version(store):
    v = store.data_version
    assert store.upsert_many({"deals": [], "accounts": []}) == {"accounts": 0, "deals": 0}
    assert store.upsert("leads", []) == 0
    assert store.data_version == v and sum(store.counts().values()) == 0
