"""Find probable duplicates with Splink on DuckDB.

The records (name, e-mail, phone, company) are pulled from the workspace, normalised (accents,
case, phone formats) and matched by Splink in an in-memory DuckDB, for DuckDB and PostgreSQL
workspaces alike: a copy of four text columns is small, and one engine gives one behaviour.
The model's m and u probabilities are set, not trained, so results are deterministic and a run
over 200,000 records takes seconds; pairs are only compared when they share an e-mail, a phone
or a normalised name (blocking).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

import pyarrow as pa
import sqlalchemy as sa

from pulso.errors import PulsoError
from pulso.i18n import N_, said
from pulso.store import Store, schema

TABLES = ("accounts", "leads")
DEFAULT_THRESHOLD = 0.9
AUTO_MERGE_SETTING = "dedupe_auto_merge_threshold"
PRIOR = 1e-4


@dataclass
class Found:
    """Pairs found in one table: (record_id, duplicate_of, probability) and clusters of ids."""

    table: str
    pairs: list[tuple[str, str, float]]
    clusters: list[list[str]] = field(default_factory=list)
    auto_merged: int = 0


def normalise_name(text: str | None) -> str | None:
    """lower case, no accents, single spaces."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split()) or None


def normalise_phone(text: str | None) -> str | None:
    """The last nine digits: +34 612 345 678, 0034 612345678 and 612-345-678 agree."""
    digits = re.sub(r"\D", "", text or "")
    return digits[-9:] if len(digits) >= 7 else None


def normalise_email(text: str | None) -> str | None:
    """Trimmed, lower case."""
    return text.strip().lower() if text and "@" in text else None


def _records(store: Store, table: str) -> pa.Table:
    t = schema.table(table)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.id, t.c.name, t.c.email, t.c.phone, t.c.company, t.c.created_at)).all()
    return pa.table({
        "unique_id": [r[0] for r in rows],
        "name_norm": [normalise_name(r[1]) for r in rows],
        "email_norm": [normalise_email(r[2]) for r in rows],
        "phone_norm": [normalise_phone(r[3]) for r in rows],
        "company_norm": [normalise_name(r[4]) for r in rows],
        "created_at": pa.array([r[5] for r in rows], pa.timestamp("us", tz="UTC")),
    })


def _settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=PRIOR,
        comparisons=[
            cl.JaroWinklerAtThresholds("name_norm", [0.92, 0.85]).configure(
                m_probabilities=[0.6, 0.3, 0.07, 0.03], u_probabilities=[0.0005, 0.002, 0.01, 0.9875]),
            cl.ExactMatch("email_norm").configure(m_probabilities=[0.9, 0.1], u_probabilities=[0.0001, 0.9999]),
            cl.ExactMatch("phone_norm").configure(m_probabilities=[0.85, 0.15], u_probabilities=[0.0001, 0.9999]),
            cl.ExactMatch("company_norm").configure(m_probabilities=[0.8, 0.2], u_probabilities=[0.02, 0.98]),
        ],
        blocking_rules_to_generate_predictions=[block_on("email_norm"), block_on("phone_norm"), block_on("name_norm")],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def score(records: pa.Table, threshold: float) -> tuple[list[tuple[str, str, float]], list[list[str]]]:
    """Splink pairs at or above `threshold` as (later record, earlier record, probability), and clusters."""
    import duckdb
    from splink import DuckDBAPI, Linker

    if records.num_rows < 2:
        return [], []
    con = duckdb.connect()
    db_api = DuckDBAPI(con)
    con.register("_incoming", records.drop_columns(["created_at"]))
    con.execute("CREATE TABLE records AS SELECT * FROM _incoming").fetchall()
    con.unregister("_incoming")
    frame = db_api.register("records")
    linker = Linker(frame, _settings(), log_level=logging.WARNING)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pair_rows = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r, match_probability").fetchall()
    cluster_rows = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold).as_duckdbpyrelation().select("cluster_id, unique_id").fetchall()
    con.close()
    created = dict(zip(records["unique_id"].to_pylist(), records["created_at"].to_pylist()))
    pairs = []
    for left, right, p in pair_rows:
        later, earlier = (left, right) if (created[left], left) > (created[right], right) else (right, left)
        pairs.append((later, earlier, float(p)))
    groups: dict[str, list[str]] = {}
    for cid, uid in cluster_rows:
        groups.setdefault(cid, []).append(uid)
    return sorted(pairs), [sorted(g) for g in groups.values() if len(g) > 1]


def find(store: Store, table: str = "accounts", *, threshold: float = DEFAULT_THRESHOLD,
         progress: Callable[[float, str], None] | None = None,
         runner: Callable[[Callable[[], Any]], Any] | None = None) -> Found:
    """Score `table`, store the pairs as pending candidates (decisions already taken are kept).

    Pairs are merged without a person only when an admin set `dedupe_auto_merge_threshold`, and
    only those at or above it. `progress(fraction, step)` hears each step ("read", "compare",
    "save", "done"); `runner` runs the reads and writes (the web's database thread) while the
    comparing, which touches no workspace, runs on the caller's thread."""
    if table not in TABLES:
        raise said(PulsoError, N_("la búsqueda de duplicados es de cuentas y leads, no de '{table}'"), table=table)
    if not 0 < threshold < 1:
        raise said(PulsoError, N_("umbral {threshold}: indique una probabilidad entre 0 y 1, como 0.9"),
                   threshold=threshold)
    run = runner or (lambda fn: fn())
    say = progress or (lambda fraction, step: None)
    say(0.0, "read")
    records = run(lambda: _records(store, table))
    say(0.1, "compare")
    pairs, clusters = score(records, threshold)
    say(0.9, "save")
    found = run(lambda: _save(store, table, pairs, clusters))
    say(1.0, "done")
    return found


def _save(store: Store, table: str, pairs: list[tuple[str, str, float]], clusters: list[list[str]]) -> Found:
    dc = schema.duplicate_candidates
    now = dt.datetime.now(dt.timezone.utc)
    with store.connect() as conn:
        decided = {(r, d) for r, d in conn.execute(
            sa.select(dc.c.record_id, dc.c.duplicate_of).where(dc.c.table_name == table, dc.c.status != "pending"))}
        conn.execute(dc.delete().where(dc.c.table_name == table, dc.c.status == "pending"))
        rows = [{"id": f"{table}:{r}:{d}", "table_name": table, "record_id": r, "duplicate_of": d,
                 "probability": p, "status": "pending", "found_at": now}
                for r, d, p in pairs if (r, d) not in decided]
        for i in range(0, len(rows), 5000):
            conn.execute(dc.insert(), rows[i:i + 5000])
    found = Found(table, pairs, clusters)
    auto = store.settings_dict().get(AUTO_MERGE_SETTING)
    if auto:
        from pulso import audit
        from pulso.dedupe.merge import merge

        limit = float(auto)
        for record, original, p in pairs:
            if p >= limit and (record, original) not in decided:
                try:
                    merge(store, table, original, record, actor=audit.SYSTEM, probability=p)
                    found.auto_merged += 1
                except PulsoError:
                    continue  # already merged through another pair of its cluster
    return found


def pending(store: Store, table: str | None = None, *, limit: int = 500) -> list[dict]:
    """Candidates waiting for a decision, most probable first, with both records' fields."""
    dc = schema.duplicate_candidates
    query = sa.select(dc).where(dc.c.status == "pending").order_by(dc.c.probability.desc(), dc.c.id).limit(limit)
    if table:
        query = query.where(dc.c.table_name == table)
    with store.engine.connect() as conn:
        out = [dict(r) for r in conn.execute(query).mappings()]
        for name in {r["table_name"] for r in out}:
            t = schema.table(name)
            ids = {r["record_id"] for r in out} | {r["duplicate_of"] for r in out}
            records = {r["id"]: dict(r) for r in conn.execute(
                sa.select(t.c.id, t.c.name, t.c.email, t.c.phone, t.c.company, t.c.created_at).where(t.c.id.in_(ids))).mappings()}
            for r in out:
                if r["table_name"] == name:
                    r["record"], r["original"] = records.get(r["record_id"]), records.get(r["duplicate_of"])
    return out
