"""The starter alert rules: what a new workspace (and the demo) watches from day one.

    from pulso.alerts import starter
    starter.install(store)            # the missing ones (idempotent); returns the rules created
    starter.listed(store, "es")       # each with its explanation, its stored rule (or None), on/off
    starter.set_enabled(store, rule_id, False)   # any rule: off raises nothing until switched on
    starter.remove(store)             # the starter rules (their past alerts stay)

`pulso init` installs them once for a new workspace (the setting `starter_rules` remembers it, so
running init again, or after an admin removed some, adds nothing); `pulso demo` installs them and
evaluates every rule as of the demo's last day, so its inbox already names the weak rep.
`pulso alerts starter --install` puts back the missing ones. A stored rule is a starter rule when
its kind, KPI, company scope and parameters are a starter's (so nothing is ever doubled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pulso import audit
from pulso.access import Scope
from pulso.alerts.rules import DEFAULTS, create_rule, delete_rule, rules
from pulso.goals.scopes import GoalError, require_visible
from pulso.i18n import N_, translate
from pulso.store import tables_goals as T

INSTALLED = "starter_rules"  # workspace setting: when the starter rules were first installed


@dataclass(frozen=True)
class Starter:
    """One starter rule: a stable key, what it is (kind, KPI, parameters) and why, in Spanish msgids."""

    key: str
    kind: str
    kpi: str | None
    params: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    why: str = ""

    @property
    def stored_params(self) -> dict[str, Any]:
        """The parameters as rules.check_params stores them (defaults filled in)."""
        return {**DEFAULTS[self.kind], **self.params}


def _anomaly(kpi: str, name: str, why: str) -> Starter:
    return Starter(f"anomaly_{kpi}", "anomaly", kpi, {}, name, why)


ANOMALY_WHY = N_("Avisa cuando el último mes completo se sale de lo normal frente a los 12 anteriores (con "
                 "estacionalidad), con una confianza del 95 % y al menos 30 registros.")
STARTERS: tuple[Starter, ...] = (
    Starter("lead_unanswered_24h", "unanswered", None, {"record": "lead", "hours": 24},
            N_("Lead sin respuesta en 24 h"),
            N_("Un lead que llegó en los últimos 7 días y no tuvo una respuesta de una persona en 24 horas: "
               "cuanto antes se responde, más se convierte.")),
    Starter("ticket_sla", "unanswered", None, {"record": "ticket", "hours": "sla"},
            N_("Ticket sin primera respuesta en su SLA"),
            N_("Un ticket sin primera respuesta dentro de las horas de su prioridad (por defecto urgente 1 h, "
               "alta 4 h, media 8 h, baja 24 h; ajuste sla_first_response_hours).")),
    Starter("deal_idle_30d", "idle", None, {"days": 30},
            N_("Oportunidad sin actividad 30 días"),
            N_("Una oportunidad abierta sin ninguna actividad en 30 días suele estar perdida sin que nadie lo "
               "haya dicho.")),
    Starter("peers_lead_conversion", "peers", "lead_conversion_rate", {},
            N_("Conversión de cada comercial frente al equipo"),
            N_("Compara la tasa de conversión de leads de cada comercial en los últimos 180 días con la del "
               "resto (confianza 99 %, al menos 30 leads): quien queda muy por debajo necesita acompañamiento.")),
    _anomaly("revenue_won", N_("Anomalía en ingresos nuevos"), ANOMALY_WHY),
    _anomaly("close_rate", N_("Anomalía en la tasa de cierre"), ANOMALY_WHY),
    _anomaly("churn_rate", N_("Anomalía en la tasa de abandono"), ANOMALY_WHY),
    _anomaly("nps", N_("Anomalía en el NPS"), ANOMALY_WHY),
    _anomaly("first_response_time_hours", N_("Anomalía en el tiempo de respuesta"), ANOMALY_WHY),
)
BY_KEY = {s.key: s for s in STARTERS}


def _matches(rule: dict[str, Any], s: Starter) -> bool:
    return (rule["kind"] == s.kind and (rule["kpi"] or None) == s.kpi and rule["scope_kind"] == "company"
            and rule["params"] == s.stored_params)


def found(store) -> dict[str, dict[str, Any]]:
    """Starter key → the stored rule that is it (the oldest, should an admin have made it twice)."""
    out: dict[str, dict[str, Any]] = {}
    for rule in rules(store):
        for s in STARTERS:
            if s.key not in out and _matches(rule, s):
                out[s.key] = rule
    return out


def listed(store, lang: str = "es") -> list[dict[str, Any]]:
    """Every starter rule in `lang`: key, name, explanation, kind, KPI, its stored rule's id (None
    when not installed) and whether it is on."""
    stored = found(store)
    return [{"key": s.key, "name": translate(s.name, lang), "why": translate(s.why, lang), "kind": s.kind,
             "kpi": s.kpi, "params": s.stored_params, "rule_id": (stored.get(s.key) or {}).get("id"),
             "enabled": bool((stored.get(s.key) or {}).get("enabled"))} for s in STARTERS]


def install(store, engine=None, *, actor: audit.Actor = audit.CLI, ip: str | None = None) -> list[dict[str, Any]]:
    """Create the starter rules not yet stored (in the inbox channel, for the whole company);
    returns those created. Running it again creates nothing."""
    if engine is None:
        from pulso.engine import engine_for

        engine = engine_for(store)
    stored = found(store)
    created = [create_rule(store, engine, kind=s.kind, kpi=s.kpi, scope="company", params=dict(s.params),
                           name=s.name, actor=actor, ip=ip)
               for s in STARTERS if s.key not in stored]
    if INSTALLED not in store.settings_dict():
        store.set_setting(INSTALLED, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    return created


def install_once(store, engine=None) -> list[dict[str, Any]]:
    """Install the starter rules unless they were installed before (a new workspace's `pulso init`)."""
    if INSTALLED in store.settings_dict():
        return []
    return install(store, engine)


def remove(store, *, actor: audit.Actor = audit.CLI, ip: str | None = None) -> list[str]:
    """Delete the starter rules; returns their ids. Their past alerts stay in the inbox."""
    gone = [r["id"] for r in found(store).values()]
    for rule_id in gone:
        delete_rule(store, rule_id, actor=actor, ip=ip)
    return gone


def set_enabled(store, rule_id: str, enabled: bool, *, caller: Scope | None = None,
                actor: audit.Actor = audit.CLI, ip: str | None = None) -> None:
    """Switch a rule on or off (off: `alerts.run` skips it). One outside the caller's scope looks absent."""
    hit = [r for r in rules(store) if r["id"] == rule_id]
    absent = f"no alert rule has the id '{rule_id}'"
    if not hit:
        raise GoalError(absent)
    require_visible(store, Scope.stored(hit[0]["scope_kind"], hit[0]["scope_id"]), caller, absent)
    with store.connect() as conn:
        conn.execute(T.alert_rules.update().where(T.alert_rules.c.id == rule_id).values(enabled=bool(enabled)))
        audit.record(store, "alerts.rule_enable" if enabled else "alerts.rule_disable", actor=actor,
                     target=("alert_rules", rule_id), ip=ip, conn=conn)


def for_demo(store, engine, as_of: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """Install the starter rules on a demo workspace and evaluate every rule as of its last day
    (the present when that is today), so the first visit finds the planted stories in the inbox.
    Record rules are evaluated a second earlier than KPI rules: the inbox, newest first, opens
    with the KPI alerts (the weak rep) rather than a hundred idle deals."""
    from pulso.alerts.inbox import RECORD_RULES, run

    install(store, engine)
    now = now or dt.datetime.now(dt.timezone.utc)
    last = dt.datetime.combine(as_of, dt.time(23, 59), tzinfo=store.timezone)
    when = min(now, last)
    enabled = rules(store, enabled_only=True)
    on_records = [r["id"] for r in enabled if r["kind"] in RECORD_RULES]
    on_kpis = [r["id"] for r in enabled if r["kind"] not in RECORD_RULES]
    first = run(store, engine, when - dt.timedelta(seconds=1), rule_ids=on_records, notify=False)
    second = run(store, engine, when, rule_ids=on_kpis, notify=False)
    return {"raised": first["raised"] + second["raised"], "errors": first["errors"] + second["errors"]}


__all__ = ["BY_KEY", "INSTALLED", "STARTERS", "Starter", "for_demo", "found", "install", "install_once", "listed",
           "remove", "set_enabled"]
