"""Running rules, raising each condition once, and notifying (the inbox itself is in views.py).

`run(store, engine, now)` evaluates every enabled rule as of `now`; a finding whose (rule,
fingerprint) was raised before is skipped, so the same condition never notifies twice. New alerts
go to the inbox and, by the rule's channel, to e-mail or a webhook; each delivery is logged in
`notification_log`, and one that failed is retried on the next runs (up to MAX_ATTEMPTS); a
webhook the address policy refuses (channels.WebhookRefused) is logged as `refused` and not retried.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any

import sqlalchemy as sa

from pulso.access import Scope
from pulso.alerts import channels, detect, records
from pulso.alerts import texts as W
from pulso.alerts.rules import rules as load_rules
from pulso.alerts.views import acknowledge, deliveries, inbox, load_detail, snooze, stored_detail  # noqa: F401
from pulso.engine import QueryResult
from pulso.engine import periods as P
from pulso.goals.scopes import GoalError, name_period
from pulso.i18n import N_
from pulso.store import tables_goals as T
from pulso.store.lookups import names

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
KPI_RULES = {"threshold": detect.threshold, "anomaly": detect.anomaly, "peers": detect.peers}
ORDER = {"anomaly": 0, "goal": 1, "peers": 2, "threshold": 3}
RECORD_RULES = {"unanswered": records.unanswered, "stuck": records.stuck, "idle": records.idle}


def _goal_rule(store, engine, rule, today: dt.date) -> list[detect.Finding]:
    from pulso.goals import evaluate, goal

    try:
        g = goal(store, rule["params"]["goal"])
    except GoalError:
        return []
    state = evaluate(engine, g, today)
    if state["status"] not in ("off_track", "missed"):
        return []
    meta = state["kpi"]
    period = name_period(P.floor(today, g["grain"]), g["grain"])
    currency, known = detect.context(engine)
    figure = {k: W.value(v, meta, currency) for k, v in
              (("value", state["value"]), ("baseline", g["baseline"]), ("target", g["target"]),
               ("forecast", state["forecast"]))}
    return [detect.Finding(
        f"{state['status']}:{period}",
        W.text(N_("Objetivo desviado: {goal}"),
               N_("{kpi} ({scope}) va {status}: progreso {progress} frente al {pace} esperado a hoy; valor {value}, "
                  "línea base {baseline}, meta {target}, previsión al plazo {forecast}."),
               goal=g["name"] or W.kpi(meta), kpi=W.kpi(meta), status={"status": state["status"]},
               scope=W.scope(Scope.stored(g["scope_kind"], g["scope_id"]), known),
               progress=W.percent(state["progress"] or 0), pace=W.percent(state["pace"] or 0),
               **figure),
        {"goal": g["id"], "kpi": meta.key, "value": state["value"], "baseline": g["baseline"], "target": g["target"],
         "progress": state["progress"], "pace": state["pace"], "forecast": state["forecast"], "period": period})]


def evaluate_rule(store, engine, rule: dict[str, Any], now: dt.datetime) -> list[detect.Finding]:
    """What one rule finds as of `now` (nothing is stored)."""
    today = now.astimezone(store.timezone).date()
    if rule["kind"] in KPI_RULES:
        return KPI_RULES[rule["kind"]](engine, rule, today)
    if rule["kind"] in RECORD_RULES:
        return RECORD_RULES[rule["kind"]](store, rule, now)
    return _goal_rule(store, engine, rule, today)


class _Once:
    """The engine for one run: the same query asked by several rules is computed once."""

    def __init__(self, engine):
        self.engine = engine
        self.store = engine.store
        self.kpi = engine.kpi
        self.fiscal_start = engine.fiscal_start
        self._found: dict[tuple, Any] = {}
        self._series: dict[tuple, list] = {}

    def query(self, key: str, *, start, end, grain=None, by=None, filters=None, scope=None):
        same = (key, tuple(by or ()), tuple(sorted((filters or {}).items())), scope)
        shape = (*same, start, end, grain)
        if shape not in self._found:
            self._found[shape] = self._from_series(same, start, end, grain) or self.engine.query(
                key, start=start, end=end, grain=grain, by=by, filters=filters, scope=scope)
            if grain is not None:
                self._series.setdefault(same, []).append(self._found[shape])
        return self._found[shape]

    def _from_series(self, same, start, end, grain):
        """A whole-period query answered by a period of a series already computed (a threshold on
        last month after an anomaly rule read the monthly series of the same KPI and scope)."""
        if grain is not None or same[1]:
            return None
        for series in self._series.get(same, []):
            rows = [r for r in series.rows if r["period_start"] == start and r["period_end"] == end]
            if rows:
                return QueryResult(series.kpi, rows, (), None, series.columns)
        return None


def run(store, engine, now: dt.datetime | None = None, *, rule_ids: list[str] | None = None,
        notify: bool = True) -> dict[str, Any]:
    """Evaluate the enabled rules; returns {"raised": [new alerts], "errors": [...], "seconds": ...}."""
    now = now or dt.datetime.now(dt.timezone.utc)
    started = time.perf_counter()
    raised, errors = [], []
    engine = _Once(engine)
    # Series first (anomaly rules), so that whole-period queries of other rules can reuse them.
    for rule in sorted(load_rules(store, enabled_only=True), key=lambda r: ORDER.get(r["kind"], len(ORDER))):
        if rule_ids is not None and rule["id"] not in rule_ids:
            continue
        try:
            findings = evaluate_rule(store, engine, rule, now)
        except Exception as exc:  # one broken rule (a KPI since renamed...) must not stop the others
            log.exception("alert rule %s failed", rule["id"])
            errors.append({"rule": rule["id"], "error": str(exc)})
            continue
        raised.extend(_raise(store, rule, findings, now))
    if notify:
        deliver(store, now)
    return {"raised": raised, "errors": errors, "seconds": time.perf_counter() - started}


def _raise(store, rule, findings: list[detect.Finding], now: dt.datetime) -> list[dict[str, Any]]:
    """Store the findings not raised before; returns the new alerts."""
    if not findings:
        return []
    a = T.alerts
    new: list[tuple[dict[str, Any], detect.Finding]] = []
    with store.connect() as conn:
        seen = {r[0] for r in conn.execute(sa.select(a.c.fingerprint).where(
            a.c.rule_id == rule["id"], a.c.fingerprint.in_([f.fingerprint for f in findings])))}
        for f in findings:
            if f.fingerprint in seen:
                continue
            seen.add(f.fingerprint)
            new.append(({"id": "alert-" + uuid.uuid4().hex[:12], "rule_id": rule["id"], "fingerprint": f.fingerprint,
                         "raised_at": now, "title": f.title[:300], "message": f.message,
                         "detail": stored_detail(f.detail),
                         "scope_kind": rule["scope_kind"], "scope_id": rule["scope_id"], "status": "open"}, f))
        if new:
            conn.execute(a.insert(), [row for row, _ in new])  # one statement for the batch
    return [{**row, "detail": load_detail(row["detail"])} for row, _ in new]


def deliver(store, now: dt.datetime) -> list[dict[str, Any]]:
    """Send e-mail and webhook notifications not yet delivered (new, or failed fewer than MAX_ATTEMPTS times)."""
    a, r, n = T.alerts, T.alert_rules, T.notification_log
    sent = sa.select(n.c.alert_id).where(n.c.status.in_(("sent", "refused")), n.c.alert_id.is_not(None))
    attempts = (sa.select(n.c.alert_id, sa.func.count().label("tries")).where(n.c.alert_id.is_not(None))
                .group_by(n.c.alert_id).subquery())
    query = (sa.select(a, r.c.channel, r.c.recipients, sa.func.coalesce(attempts.c.tries, 0).label("tries"))
             .select_from(a.join(r, r.c.id == a.c.rule_id).outerjoin(attempts, attempts.c.alert_id == a.c.id))
             .where(r.c.channel.in_(("email", "webhook")), a.c.id.not_in(sent),
                    sa.func.coalesce(attempts.c.tries, 0) < MAX_ATTEMPTS)
             .order_by(a.c.raised_at, a.c.id))
    with store.engine.connect() as conn:
        pending = [dict(x) for x in conn.execute(query).mappings()]
    logs = []
    known = names(store) if pending else {}
    kept = store.settings_dict() if pending else {}
    currency, zone = kept.get("currency", "EUR"), kept.get("timezone", "UTC")
    for alert in pending:
        alert["detail"] = load_detail(alert["detail"])
        target, status, error = alert["recipients"], "sent", None
        try:
            if alert["channel"] == "email":  # each recipient in their language (one e-mail per language)
                to = [x.strip() for x in (alert["recipients"] or "").split(",") if x.strip()]
                for lang, group in channels.languages(store, to).items():
                    channels.send_email(store, group, f"[Pulso] {W.localized(alert, lang)[0]}",
                                        _email_text(alert, W.Reading(lang, known, currency, zone)))
            else:  # a webhook in the workspace's language
                target = channels.webhook_url(store, alert["recipients"])
                reading = W.Reading(channels.language(store), known, currency, zone)
                channels.post_webhook(target, channels.slack_payload(alert, reading.lang, reading),
                                      allow=channels.allowed_hosts(store))
        except channels.WebhookRefused as exc:
            status, error = "refused", str(exc)
            log.warning("notification of %s refused: %s", alert["id"], exc)
        except channels.ChannelError as exc:
            status, error = "failed", str(exc)
            log.warning("notification of %s failed: %s", alert["id"], exc)
        entry = {"id": uuid.uuid4().hex, "alert_id": alert["id"], "schedule_id": None, "channel": alert["channel"],
                 "target": target, "sent_at": now, "status": status, "error": error}
        with store.connect() as conn:
            conn.execute(n.insert().values(**entry))
        logs.append(entry)
    return logs


def _email_text(alert: dict[str, Any], reading: W.Reading) -> str:
    """An alert's e-mail for one reader: title, message, the figures behind it (labelled, in their
    language) and its breakdown (people by name)."""
    title, message = W.localized(alert, reading.lang)
    lines = [title, "", message, ""]
    lines += [f"{label}: {value}" for label, value in W.facts(alert, reading)]  # the why
    heading, rows = W.breakdown(alert, reading)
    if rows:
        lines += ["", heading] + [f"  {member}: {figure}" for member, figure in rows]
    return "\n".join(lines)
