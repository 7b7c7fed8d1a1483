"""The goal and alert-rule forms as people fill them: a KPI picked by name (grouped by area), a scope
picked by name (the whole company, a team, a person: only those inside the reader's scope),
parameters as labelled fields with units and per-kind defaults, dates from date pickers, choices as
labelled selects. Each field is checked here, with a message next to it in the reader's language;
what passes is turned into the stored format (`team:ID`, `{"days": "180"}`, `"30%"`) that
pulso.goals.create_goal and pulso.alerts.create_rule check again, as for the CLI and the API. The
OKR form and the periods the goal, quota and report forms offer are in pulso.web.period_forms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from pulso.access import Scope
from pulso.catalog import AREAS, DIMENSIONS
from pulso import formatting as f
from pulso.i18n import N_

CHOOSE = N_("Elija una opción de la lista.")
REQUIRED = N_("Este campo es obligatorio.")
NOT_NUMBER = N_("Escriba un número, por ejemplo 25 o 12,5.")
NEGATIVE = N_("No puede ser negativo.")
PERCENT = N_("Entre 0 y 100 %.")
WHOLE = N_("Escriba un número entero entre {lo} y {hi}.")
NOT_DATE = N_("Elija una fecha en el calendario.")
DEADLINE = N_("El plazo debe ser posterior al inicio.")
NOT_FOR_KPI = N_("Este indicador no se puede filtrar por {dimension}.")

# Choices of the selects: stored code → label (a msgid).
OPS = {"": N_("el lado malo según el indicador"), "below": N_("por debajo del umbral"), "above": N_("por encima del umbral")}
GRAINS = {"day": N_("día"), "week": N_("semana"), "month": N_("mes"), "quarter": N_("trimestre")}
PERIODS = {"previous": N_("el último periodo completo"), "current": N_("el periodo en curso")}
SENSITIVITY = {"0.9": N_("alta: avisa antes (confianza 90 %)"), "0.95": N_("normal (confianza 95 %)"),
               "0.99": N_("baja: solo lo muy claro (confianza 99 %)")}
RECORDS = {"lead": N_("un lead"), "ticket": N_("un ticket")}

# The parameters of each kind of rule: (name, label, how it is entered, default, extra).
# how: "int" (lo, hi, unit), "select" (choices), "threshold" (in the KPI's unit), "goal", "check".
PARAMS: dict[str, list[tuple[str, str, str, Any, Any]]] = {
    "threshold": [("threshold", N_("Umbral"), "threshold", "", None),
                  ("op", N_("Avisar cuando el valor esté"), "select", "", OPS),
                  ("grain", N_("Periodo"), "select", "month", GRAINS),
                  ("period", N_("Comparar"), "select", "previous", PERIODS)],
    "goal": [("goal", N_("Objetivo vigilado"), "goal", "", None)],
    "anomaly": [("grain", N_("Periodo"), "select", "month", {"week": GRAINS["week"], "month": GRAINS["month"]}),
                ("history", N_("Periodos de historia"), "int", 12, (4, 60, N_("periodos"))),
                ("min_sample", N_("Muestra mínima"), "int", 30, (1, 1_000_000, N_("registros"))),
                ("confidence", N_("Sensibilidad"), "select", "0.95", SENSITIVITY)],
    "peers": [("days", N_("Días de historia"), "int", 180, (7, 3660, N_("días"))),
              ("min_sample", N_("Muestra mínima"), "int", 30, (1, 1_000_000, N_("registros"))),
              ("confidence", N_("Sensibilidad"), "select", "0.99", SENSITIVITY)],
    "unanswered": [("record", N_("Qué se responde"), "select", "lead", RECORDS),
                   ("hours", N_("Horas para responder"), "int", 24, (1, 24 * 365, N_("horas"))),
                   ("sla", N_("Tickets: las horas del SLA de su prioridad"), "check", "", None),
                   ("lookback_days", N_("Mirar hacia atrás"), "int", 7, (1, 365, N_("días")))],
    "stuck": [("days", N_("Días en la misma etapa"), "int", 30, (1, 3650, N_("días")))],
    "idle": [("days", N_("Días sin actividad"), "int", 14, (1, 3650, N_("días")))],
}
#: Dimensions a goal may be narrowed to, and where their values are read (table, column).
ONLY = {"source": ("leads", "source"), "segment": ("accounts", "segment"), "country": ("accounts", "country"),
        "priority": ("tickets", "priority")}


def kpi_groups(ctx) -> list[dict[str, Any]]:
    """The KPIs the reader's scope can measure, by area, with their names and units in the reader's language."""
    groups: dict[str, list] = {}
    for key, m in ctx.services.catalog().items():
        if ctx.scope.kind == "company" or m.owned:
            groups.setdefault(m.area, []).append({"key": key, "name": m.name[ctx.lang], "unit": unit_text(ctx, m.unit)})
    return [{"area": AREAS[a][ctx.lang] if a in AREAS else a, "kpis": sorted(k, key=lambda x: x["name"])}
            for a, k in groups.items()]


def unit_text(ctx, unit: str) -> str:
    """The unit a figure of the KPI is typed in, as the reader reads it ('%', 'EUR', 'horas')."""
    if unit in ("%", "currency"):
        return "%" if unit == "%" else ctx.currency
    return ctx._(_UNITS[unit]) if unit in _UNITS else ""


_UNITS = {"count": N_("número"), "score": N_("puntos"), "days": N_("días"), "hours": N_("horas"), "ratio": N_("razón"),
          "seconds": N_("segundos"), "months": N_("meses")}


def scope_options(ctx, *, company: bool = True) -> list[dict[str, Any]]:
    """Whom a goal or rule may be about, by name: the whole company, each team, each person, only
    inside the reader's scope. The value is the stored scope; nobody types it."""
    names = ctx.services.names(ctx.version)
    team_of = names.get("owner_team", {}).get
    caller: Scope = ctx.scope
    out = []
    if company and caller.is_company:
        out.append({"value": "company", "label": ctx._("Toda la empresa"), "group": ""})
    for tid, tname in sorted(names["team"].items(), key=lambda x: (x[1] or "", x[0])):
        if caller.contains(Scope.team(tid), team_of):
            out.append({"value": f"team:{tid}", "label": tname or tid, "group": ctx._("Equipos")})
    for uid, uname in sorted(names["owner"].items(), key=lambda x: (x[1] or "", x[0])):
        if caller.contains(Scope.owners(uid), team_of):
            out.append({"value": f"rep:{uid}", "label": uname or uid, "group": ctx._("Personas")})
    return out


def grouped(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Options in their order, under their group's heading ('' first: no heading)."""
    out: list[dict[str, Any]] = []
    for o in options:
        if not out or out[-1]["label"] != o["group"]:
            out.append({"label": o["group"], "options": []})
        out[-1]["options"].append(o)
    return out


def only_options(ctx, read) -> list[dict[str, Any]]:
    """Values a goal may be narrowed to ('solo el origen Web'), grouped by dimension; `read(table,
    column)` gives the values the reader's records hold."""
    out = []
    for dim, (table, column) in ONLY.items():
        values = read(table, column)
        out.append({"label": DIMENSIONS[dim][ctx.lang],
                    "options": [{"value": f"{dim}={v}", "label": ctx.label(dim, v)} for v in values]})
    return [g for g in out if g["options"]]


def _number(text: str) -> Decimal | None:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _in_unit(ctx, form, field: str, unit: str, errors: dict, *, negative_ok: bool) -> str | None:
    """A figure typed in the KPI's unit, as the stored format reads it (25 in a % field → '25%')."""
    text = str(form.get(field, "")).strip()
    if not text:
        errors[field] = ctx._(REQUIRED)
        return None
    value = _number(text[:-1] if unit == "%" and text.endswith("%") else text)  # "30 %" in a % field
    if value is None:
        errors[field] = ctx._(NOT_NUMBER)
    elif value < 0 and not negative_ok:
        errors[field] = ctx._(NEGATIVE)
    elif unit == "%" and value > 100:
        errors[field] = ctx._(PERCENT)
    else:
        return f"{value}%" if unit == "%" else str(value)
    return None


def _date(ctx, form, field: str, errors: dict) -> str | None:
    text = str(form.get(field, "")).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        errors[field] = ctx._(NOT_DATE)
        return None


def _scope(ctx, form, errors: dict) -> str | None:
    """The scope picked (a post without one: the reader's own, as before)."""
    if "scope" not in form:
        return ctx.scope.text
    return _choice(ctx, form, "scope", {o["value"] for o in scope_options(ctx)}, errors)


def _choice(ctx, form, field: str, allowed, errors: dict, *, required: bool = True) -> str | None:
    value = str(form.get(field, ""))
    if value == "" and not required:
        return None
    if value not in allowed:
        errors[field] = ctx._(CHOOSE if value else REQUIRED)
        return None
    return value


def read_goal(ctx, form: Mapping[str, Any], only: list[dict]) -> tuple[dict[str, Any], dict[str, str]]:
    """The arguments of pulso.goals.create_goal from the form, and the messages of its bad fields."""
    errors: dict[str, str] = {}
    catalog = ctx.services.catalog()
    kpis = {k["key"] for g in kpi_groups(ctx) for k in g["kpis"]}
    kpi = _choice(ctx, form, "kpi", kpis, errors)
    scope = _scope(ctx, form, errors)
    meta = catalog.get(kpi) if kpi else None
    target = _in_unit(ctx, form, "target", meta.unit if meta else "", errors,
                      negative_ok=meta is not None and meta.unit == "score") if meta else None
    if not meta and not str(form.get("target", "")).strip():
        errors["target"] = ctx._(REQUIRED)
    start, deadline = _date(ctx, form, "start", errors), _date(ctx, form, "deadline", errors)
    if start and deadline and deadline <= start:
        errors["deadline"] = ctx._(DEADLINE)
    dimension = _choice(ctx, form, "dimension", {o["value"] for g in only for o in g["options"]}, errors,
                        required=False)
    if dimension and meta and dimension.split("=")[0] not in meta.dimensions:
        errors["dimension"] = ctx._(NOT_FOR_KPI).format(dimension=DIMENSIONS[dimension.split("=")[0]][ctx.lang].lower())
    return {"kpi": kpi, "scope": scope, "target": target, "start": start, "deadline": deadline,
            "dimension": dimension, "name": str(form.get("name", "")).strip() or None}, errors


def read_rule(ctx, form: Mapping[str, Any], goal_choices: list[dict]) -> tuple[dict[str, Any], dict[str, str]]:
    """The arguments of pulso.alerts.create_rule from the form (parameters of the chosen kind only,
    e.g. peers.days → {"days": "180"}), and the messages of its bad fields."""
    from pulso.alerts.rules import CHANNELS, KINDS, KPI_KINDS

    errors: dict[str, str] = {}
    kind = _choice(ctx, form, "kind", KINDS, errors)
    kpi = _choice(ctx, form, "kpi", {k["key"] for g in kpi_groups(ctx) for k in g["kpis"]}, errors,
                  required=kind in KPI_KINDS)
    scope = _scope(ctx, form, errors)
    channel = _choice(ctx, {"channel": "inbox", **form}, "channel", CHANNELS, errors)
    meta = ctx.services.catalog().get(kpi) if kpi else None
    params: dict[str, str] = {}
    for name, _label, how, _default, extra in PARAMS.get(kind or "", []):
        field = f"{kind}.{name}"
        text = str(form.get(field, "")).strip()
        if field not in form:  # a post without the field (a script): the kind's default, as before
            continue
        if how == "int":
            lo, hi, _unit = extra
            value = _number(text)
            if value is None or value != int(value) or not lo <= value <= hi:
                errors[field] = ctx._(WHOLE).format(lo=lo, hi=f.fmt_number(hi, ctx.lang))
            else:
                params[name] = str(int(value))
        elif how == "select":
            value = _choice(ctx, form, field, extra, errors)
            if value:
                params[name] = value
        elif how == "threshold":
            unit = meta.unit if meta else ""
            value = _in_unit(ctx, form, field, unit, errors, negative_ok=unit == "score")
            if value is not None:
                params[name] = str(Decimal(value[:-1]) / 100) if unit == "%" else value
        elif how == "goal":
            value = _choice(ctx, form, field, {g["value"] for g in goal_choices}, errors)
            if value:
                params[name] = value
    if kind == "unanswered" and form.get("unanswered.sla") and params.get("record") == "ticket":
        params["hours"] = "sla"
        errors.pop("unanswered.hours", None)
    return {"kind": kind, "kpi": kpi, "scope": scope, "channel": channel, "params": params,
            "recipients": str(form.get("recipients", "")).strip() or None,
            "name": str(form.get("name", "")).strip() or None}, errors


def param_fields(ctx, values: Mapping[str, Any], unit: str) -> list[dict[str, Any]]:
    """Per kind, its labelled fields with their current value (the default until the reader changes it)."""
    out = []
    for kind, fields in PARAMS.items():
        shown = []
        for name, label, how, default, extra in fields:
            field = f"{kind}.{name}"
            item = {"field": field, "id": f"f-{kind}-{name}", "label": ctx._(label), "how": how,
                    "value": str(values.get(field, default))}
            if how == "int":
                item.update(lo=extra[0], hi=extra[1], unit=ctx._(extra[2]))
            elif how == "select":
                item["options"] = [{"value": v, "label": ctx._(t)} for v, t in extra.items()]
            elif how == "threshold":
                item["unit"] = unit
            elif how == "check":
                item["checked"] = bool(values.get(field))
            shown.append(item)
        out.append({"kind": kind, "label": ctx.label("alert_kind", kind), "fields": shown})
    return out


def params_text(ctx, rule: dict[str, Any]) -> str:
    """A stored rule's parameters in words: 'Días de historia: 180 · Sensibilidad: baja …'."""
    catalog = ctx.services.catalog()
    meta = catalog.get(rule.get("kpi") or "")
    parts = []
    for name, label, how, _default, extra in PARAMS.get(rule["kind"], []):
        if name not in rule["params"] or how == "check":
            continue
        value = rule["params"][name]
        if how == "select":
            words = ctx._(extra[str(value)]) if str(value) in extra else str(value)
        elif how == "int" and name == "hours" and value == "sla":
            words = ctx._(N_("el SLA de cada prioridad"))
        elif how == "int":
            words = f"{value} {ctx._(extra[2])}"
        elif how == "threshold" and meta is not None:
            from pulso import formatting as f

            words = f.fmt_value(float(value), meta.unit, ctx.lang, ctx.currency)
        elif how == "goal":
            words = next((g["label"] for g in goal_choices(ctx) if g["value"] == value), str(value))
        else:
            words = str(value)
        parts.append(f"{ctx._(label)}: {words}")
    return " · ".join(parts)


def goal_choices(ctx) -> list[dict[str, str]]:
    """The goals a goal rule may watch, by name, inside the reader's scope."""
    from pulso import goals
    from pulso.goals.scopes import within

    store, catalog = ctx.services.store, ctx.services.catalog()
    out = []
    for g in goals.goals(store):
        if within(store, Scope.stored(g["scope_kind"], g["scope_id"]), ctx.scope):
            meta = catalog.get(g["kpi"])
            label = g["name"] or (meta.name[ctx.lang] if meta else g["kpi"])
            out.append({"value": g["id"], "label": f"{label} · {ctx.scope_name(_scope_text(g))}"})
    return out


def _scope_text(row: dict[str, Any]) -> str:
    return "company" if row["scope_kind"] == "company" else f"{row['scope_kind']}:{row['scope_id']}"
