"""The audit log: entries are added, filtered, newest first, and roll back with the audited write."""

from __future__ import annotations

import pytest

from pulso import audit
from pulso.errors import PulsoError


def test_entries_are_recorded_and_filtered(store):
    first = audit.record(store, "auth.sign_in", actor=audit.Actor("user", "u1"), ip="127.0.0.1")
    audit.record(store, "auth.sign_in_failed", actor=audit.Actor("anonymous"), detail={"email": "x@y.test"})
    last = audit.record(store, "records.delete", actor=audit.CLI, target=("deals", "d7"), detail={"reason": "dup"})
    everything = audit.entries(store)
    assert [e["id"] for e in everything][0] == last and everything[-1]["id"] == first
    assert len(everything) == 3
    auth = audit.entries(store, actions=["auth.*"])
    assert {e["action"] for e in auth} == {"auth.sign_in", "auth.sign_in_failed"}
    deleted = audit.entries(store, actions=["records.delete"])[0]
    assert (deleted["target_table"], deleted["target_id"], deleted["detail"]) == ("deals", "d7", {"reason": "dup"})
    assert deleted["actor_kind"] == "cli" and deleted["actor_id"] is None
    assert [e["id"] for e in audit.entries(store, actor_id="u1")] == [first]
    assert len(audit.entries(store, limit=2)) == 2 and len(audit.entries(store, limit=2, offset=2)) == 1
    # "%" and "_" in a prefix are literal, not wildcards
    assert audit.entries(store, actions=["auth%.*"]) == []


def test_an_entry_rolls_back_with_the_write_it_audits(store):
    with pytest.raises(RuntimeError):
        with store.connect() as conn:
            audit.record(store, "records.delete", actor=audit.CLI, conn=conn)
            raise RuntimeError("the write failed")
    assert audit.entries(store) == []


def test_unknown_actor_kind_is_refused():
    with pytest.raises(PulsoError, match="unknown actor kind 'robot'"):
        audit.Actor("robot")


def test_data_arrived_reaches_subscribers_and_survives_their_failure(caplog):
    from pulso import events

    seen = []

    def good(store, *, source, tables):
        seen.append((store, source, tables))

    def bad(store, *, source, tables):
        raise ValueError("boom")

    events.on_data_arrived(bad)
    events.on_data_arrived(good)
    try:
        events.data_arrived("S", source="import", tables=("deals",))
    finally:
        events._subscribers[:] = [s for s in events._subscribers if s not in (good, bad)]
    assert seen == [("S", "import", ("deals",))]
    assert "boom" in caplog.text


def test_the_cli_subscribes_the_rules_and_starts_light():
    """The CLI's start-up subscribes the alert rules (pulso.jobs); neither starting it nor subscribing
    loads the rules or the engine: they load when data first arrives."""
    import subprocess
    import sys

    code = (
        "import sys, pulso.cli, pulso.events as e, pulso.jobs as j\n"
        "pulso.cli._start()\n"
        "assert j.alert_rules_on_data in e._subscribers\n"
        "heavy = sorted(m for m in ('pulso.alerts', 'pulso.engine', 'ibis', 'weasyprint', 'splink', 'apscheduler') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "e.data_arrived(None, source='import')\n"  # the rules fail on no store: logged, not raised
        "assert 'pulso.alerts' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
