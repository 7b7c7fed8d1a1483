"""The demo workspace: deterministic, complete, valid, and telling the stories docs/demo.md promises.

One small workspace per backend is generated for the module; every story is then checked with a
plain SQL query that runs unchanged on DuckDB and PostgreSQL. Thresholds come from what the
generator plants (see docs/demo.md), not from its output.
"""

from __future__ import annotations

import datetime as dt
import statistics
import unicodedata
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from support import BACKENDS, make_store
from pulso import demo
from pulso.errors import PulsoError
from pulso.store import open_store, schema

AS_OF = dt.date(2026, 3, 15)
SEED = 42
MADRID = ZoneInfo("Europe/Madrid")
pytestmark = [
    pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning"),  # inside Ibis
    pytest.mark.xdist_group("demo"),  # one worker generates the module's workspaces once
]


@pytest.fixture(scope="module", params=BACKENDS)
def ws(request, tmp_path_factory):
    """A small demo workspace (seed 42) on each backend, generated once for the module."""
    store = make_store(request.param, tmp_path_factory.mktemp("demo"), request)
    calls = []
    counts = demo.generate(store, size="small", seed=SEED, as_of=AS_OF, progress=lambda s, f: calls.append(f))
    store.demo_counts, store.demo_progress = counts, calls
    return store


def rows(store, sql: str, **params) -> list[sa.Row]:
    with store.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def setting(store, key: str) -> str:
    return store.settings_dict()[key]


def month_start(label: str) -> dt.datetime:
    """'2025-05' → the first instant of that month in Madrid."""
    year, month = map(int, label.split("-"))
    return dt.datetime(year, month, 1, tzinfo=MADRID)


# -- determinism, completeness, validity --------------------------------------------------------


def contents(store) -> dict[str, object]:
    """Every canonical table as an Arrow table ordered by id (a fast, exact snapshot)."""
    con = store.ibis()
    return {name: con.table(name).order_by("id").to_pyarrow() for name in schema.CANONICAL_TABLES}


def test_same_seed_gives_the_same_data(store):
    """Seed 7, then seed 8 over it, then seed 7 again: another seed gives other data, the same seed
    the same rows in every table (a demo of 200 accounts: determinism does not depend on size), and
    replacing empties the workspace first (drop and re-create on DuckDB, TRUNCATE on PostgreSQL)."""
    demo.generate(store, size=200, seed=7, as_of=AS_OF)
    seven = contents(store)
    demo.generate(store, size=200, seed=8, as_of=AS_OF, replace=True)
    eight = contents(store)
    assert all(not seven[n].equals(eight[n]) for n in ("users", "accounts", "leads", "deals", "activities"))
    demo.generate(store, size=200, seed=7, as_of=AS_OF, replace=True)
    again = contents(store)
    assert [n for n in seven if not again[n].equals(seven[n])] == []
    assert seven["accounts"].num_rows == 200


def test_replace_still_works_when_another_table_refers_to_the_demo_tables(store):
    demo.generate(store, size=100, seed=1, as_of=AS_OF)
    with store.connect() as conn:  # as a later migration might add: then tables cannot be dropped
        conn.execute(sa.text("CREATE TABLE test_notes (id TEXT PRIMARY KEY, user_id TEXT REFERENCES users (id))"))
    demo.generate(store, size=100, seed=2, as_of=AS_OF)
    assert store.settings_dict()["demo_seed"] == "2" and store.counts()["accounts"] == 100


def test_every_table_has_rows_and_the_counts_are_reported(ws):
    counts = ws.counts()
    assert all(counts[name] > 0 for name in schema.CANONICAL_TABLES), counts
    assert ws.demo_counts == counts
    assert counts["accounts"] == 1000  # a number of accounts is exact
    assert counts["deals"] >= 5 * counts["accounts"] and counts["activities"] >= 25 * counts["accounts"]
    settings = ws.settings_dict()
    assert (settings["timezone"], settings["currency"]) == ("Europe/Madrid", "EUR")
    assert ws.demo_progress == sorted(ws.demo_progress) and ws.demo_progress[-1] == 1.0


def test_refuses_to_overwrite_without_replace(ws):
    before = ws.counts()
    with pytest.raises(PulsoError, match="already holds data"):
        demo.generate(ws, size="small", seed=1, as_of=AS_OF, replace=False)
    assert ws.counts() == before


def test_records_obey_the_rules_and_the_window(ws):
    start, end = month_start(setting(ws, "demo_window_start")[:7]), dt.datetime(2026, 3, 16, tzinfo=MADRID)
    (bad_deals,) = rows(ws, """
        SELECT count(*) FROM deals
        WHERE (status = 'open' AND closed_at IS NOT NULL)
           OR (status IN ('won', 'lost') AND (closed_at IS NULL OR closed_at < created_at))
           OR amount < 0 OR currency <> 'EUR'""")[0]
    assert bad_deals == 0
    (outside,) = rows(ws, "SELECT count(*) FROM leads WHERE created_at < :s OR created_at >= :e", s=start, e=end)[0]
    assert outside == 0
    (late,) = rows(ws, "SELECT count(*) FROM activities WHERE occurred_at >= :e", e=end)[0]
    assert late == 0


def test_every_kpi_has_its_inputs(ws):
    (leads, mql, sql_, converted, with_account, orphan) = rows(ws, """
        SELECT count(*), count(mql_at), count(sql_at), count(converted_at), count(account_id),
               sum(CASE WHEN converted_at IS NOT NULL AND account_id IS NULL THEN 1 ELSE 0 END)
        FROM leads""")[0]
    assert leads > mql > sql_ > converted > 0 and with_account >= converted and orphan == 0
    (from_leads, with_campaign) = rows(ws, "SELECT count(lead_id), count(campaign_id) FROM deals")[0]
    assert from_leads > 0 and with_campaign > 0
    (contacted,) = rows(ws, """SELECT count(DISTINCT lead_id) FROM activities
                               WHERE direction = 'outbound' AND lead_id IS NOT NULL""")[0]
    assert contacted > 0.9 * leads
    (visitors,) = rows(ws, "SELECT count(DISTINCT l.id) FROM leads l JOIN web_sessions w ON w.visitor_id = l.visitor_id")[0]
    assert visitors > 0
    scales = {tuple(r) for r in rows(ws, "SELECT DISTINCT kind, scale_min, scale_max, high_is_good FROM survey_responses")}
    assert {("nps", 0, 10, True), ("csat", 1, 5, True), ("ces", 1, 7, True), ("ces", 0, 10, False),
            ("ces", 0, 100, True)} <= scales
    kinds = {r[0] for r in rows(ws, "SELECT DISTINCT kind FROM deals")}
    assert kinds == {"new", "upsell", "cross_sell", "renewal"}
    renewed = {r[0] for r in rows(ws, "SELECT DISTINCT renewed FROM subscriptions")}
    assert {True, False} <= renewed
    categories = {r[0] for r in rows(ws, "SELECT DISTINCT category FROM spend")}
    assert categories == {"marketing", "sales", "retention"}
    (reps_without_quota,) = rows(ws, """SELECT count(*) FROM users u WHERE u.role = 'rep' AND u.team_id IN
        (SELECT team_id FROM users WHERE id IN (SELECT owner_id FROM leads))
        AND NOT EXISTS (SELECT 1 FROM quotas q WHERE q.owner_id = u.id)""")[0]
    assert reps_without_quota == 0
    (silent_users,) = rows(ws, """SELECT count(*) FROM users u
        WHERE NOT EXISTS (SELECT 1 FROM usage_events e WHERE e.user_id = u.id)""")[0]
    assert silent_users == 0
    # a closed deal's history ends in its final stage
    (wrong_end,) = rows(ws, """SELECT count(*) FROM deals d WHERE d.status <> 'open' AND d.stage_id <>
        (SELECT c.to_stage_id FROM deal_stage_changes c WHERE c.deal_id = d.id ORDER BY c.changed_at DESC, c.id DESC LIMIT 1)""")[0]
    assert wrong_end == 0


# -- the planted stories ------------------------------------------------------------------------


def test_weak_rep_converts_far_below_the_team(ws):
    weak = setting(ws, "demo_weak_rep")
    reps = rows(ws, """
        SELECT u.id, u.team_id, count(*) AS leads,
               avg(CASE WHEN l.converted_at IS NOT NULL THEN 1.0 ELSE 0.0 END) AS conversion
        FROM leads l JOIN users u ON u.id = l.owner_id
        GROUP BY u.id, u.team_id""")
    by_id = {r.id: r for r in reps}
    me = by_id[weak]
    assert me.leads >= 300  # enough leads to believe it
    assert float(me.conversion) == min(float(r.conversion) for r in reps)
    team = [r for r in reps if r.team_id == me.team_id and r.id != weak]
    team_rate = sum(float(r.conversion) * r.leads for r in team) / sum(r.leads for r in team)
    assert float(me.conversion) < 0.4 * team_rate  # planted: a fifth of a normal rep's skill
    assert all(float(r.conversion) > 2 * float(me.conversion) for r in reps if r.id != weak and r.leads >= 150)


def test_sources_poor_volume_and_small_gem(ws):
    sources = rows(ws, """
        SELECT source, count(*) AS leads, avg(CASE WHEN converted_at IS NOT NULL THEN 1.0 ELSE 0.0 END) AS conversion
        FROM leads WHERE source IS NOT NULL GROUP BY source""")
    most = max(sources, key=lambda r: r.leads)
    fewest = min(sources, key=lambda r: r.leads)
    assert most.source == setting(ws, "demo_poor_source") == "paid_social"
    assert fewest.source == setting(ws, "demo_best_source") == "referral"
    assert float(most.conversion) == min(float(r.conversion) for r in sources)
    assert float(fewest.conversion) == max(float(r.conversion) for r in sources)


def test_one_campaign_pays_and_one_loses(ws):
    roi = {r.id: (float(r.revenue) - float(r.cost)) / float(r.cost) for r in rows(ws, """
        SELECT c.id, c.cost, coalesce(sum(d.amount), 0) AS revenue
        FROM campaigns c
        LEFT JOIN leads l ON l.campaign_id = c.id
        LEFT JOIN deals d ON d.lead_id = l.id AND d.status = 'won'
        GROUP BY c.id, c.cost""")}
    assert roi[setting(ws, "demo_good_campaign")] > 1.0  # planted: cost at most a third of its revenue
    assert roi[setting(ws, "demo_bad_campaign")] < -0.5  # planted: cost at least 2.5 × its revenue


def test_churn_spike_month(ws):
    monthly = {f"{int(r.y)}-{int(r.m):02d}": r.n for r in rows(ws, """
        SELECT extract(year FROM timezone('Europe/Madrid', churned_at)) AS y,
               extract(month FROM timezone('Europe/Madrid', churned_at)) AS m, count(*) AS n
        FROM accounts WHERE churned_at IS NOT NULL GROUP BY 1, 2""")}
    spike = setting(ws, "demo_churn_spike_month")
    assert spike == "2025-08"  # seven months before March 2026
    others = sorted((n for m, n in monthly.items() if m != spike), reverse=True)
    assert monthly[spike] > 1.5 * others[0]


def test_automatic_notifications_halve_first_response(ws):
    month = setting(ws, "demo_automation_month")
    assert month == "2025-05"  # ten months before March 2026
    switch = month_start(month)
    tickets = rows(ws, """
        SELECT opened_at, extract(epoch FROM first_response_at - opened_at) / 3600.0 AS hours, first_response_automated
        FROM tickets WHERE first_response_at IS NOT NULL""")
    before = [float(t.hours) for t in tickets if t.opened_at < switch]
    after = [float(t.hours) for t in tickets if t.opened_at >= switch]
    assert 42 <= statistics.median(before) <= 54
    assert 20 <= statistics.median(after) <= 28
    assert not any(t.first_response_automated for t in tickets if t.opened_at < switch)
    assert sum(t.first_response_automated for t in tickets if t.opened_at >= switch) > 0.6 * len(after)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


@pytest.mark.parametrize("table", ["accounts", "leads"])
def test_planted_duplicates_are_near_copies(ws, table):
    (planted,) = rows(ws, "SELECT count(*) FROM demo_duplicates WHERE table_name = :t", t=table)[0]
    pairs = rows(ws, f"""
        SELECT d.variation, r.name AS rn, o.name AS orig, r.email AS re, o.email AS oe, r.phone AS rp, o.phone AS op
        FROM demo_duplicates d JOIN {table} r ON r.id = d.record_id JOIN {table} o ON o.id = d.original_id
        WHERE d.table_name = :t AND r.id <> o.id""", t=table)
    assert planted >= 20 and len(pairs) == planted  # every row points at two existing records
    for p in pairs:
        variations = set(p.variation.split(","))
        assert _distance(_fold(p.rn), _fold(p.orig)) <= 2, p
        if p.oe is not None:
            assert p.re.lower() == p.oe.lower(), p
            assert (p.re != p.oe) == ("email_case" in variations), p
        if p.op is not None:
            assert _digits(p.rp)[-8:] == _digits(p.op)[-8:], p
            assert (p.rp != p.op) == ("phone_format" in variations), p
        if variations & {"accents_removed", "accents_added"} and "typo" not in variations:
            assert p.rn != p.orig and _fold(p.rn) == _fold(p.orig), p


def test_some_rows_are_incomplete(ws):
    for table in ("leads", "accounts"):
        (no_contact, no_source) = rows(ws, f"""
            SELECT sum(CASE WHEN email IS NULL AND phone IS NULL THEN 1 ELSE 0 END),
                   sum(CASE WHEN source IS NULL THEN 1 ELSE 0 END) FROM {table}""")[0]
        assert no_contact > 0 and no_source > 0, table


# -- entry points -------------------------------------------------------------------------------


def test_sizes():
    assert [demo.parse_size(s) for s in ("small", "medium", "large", "2500", 300)] == [1_000, 20_000, 200_000, 2500, 300]
    for wrong in ("huge", "10", -5):
        with pytest.raises(PulsoError):
            demo.parse_size(wrong)


def test_cli_demo(tmp_path):
    from pulso.cli import app

    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    result = CliRunner().invoke(app, ["demo", "--size", "small", "--db", url, "--as-of", "2026-03-15"])
    assert result.exit_code == 0, result.output
    assert "accounts" in result.output and "1,000" in result.output
    with open_store(url) as store:
        assert store.settings_dict()["demo_churn_spike_month"] == "2025-08"
