"""What an alert says, in the reader's language: msgids of the gettext catalog and their arguments.

A finding stores, in `detail["text"]`, the Spanish msgids of its title and message and their
arguments; nothing is frozen in one language, so the same stored alert is rendered later for each
reader: an e-mail recipient in their stored locale, a webhook in the workspace's `language`
setting, the inbox in the reader's. An argument is a plain value (a period, a record's name, a
date: the same in every language) or a dict of one kind:

    {"kpi": key, "es": name}                 the KPI's name in the reader's language (from the catalog)
    {"value": x, "unit": "%", "currency": c} a figure in the KPI's unit (pulso.formatting)
    {"number": x, "digits": 0}               a plain number (pulso.formatting)
    {"money": x, "currency": "EUR"}          an amount
    {"percent": x}                           a fraction as a whole percentage
    {"time": iso, "zone": "Europe/Madrid"}   a moment in the workspace's zone, with its abbreviation
    {"status": "off_track"}                  a goal's status in words
    {"text": msgid, "args": {...}}           a nested text (a scope, a sample size)

People and teams are named, never shown by id. Alerts stored before (with their English in
`detail["en"]`) are read as they were stored.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pulso import formatting as F
from pulso.access import Scope
from pulso.catalog import load_catalog
from pulso.goals.progress import status_text
from pulso.i18n import N_, translate

WHOLE_COMPANY = N_("toda la empresa")
TEAM = N_("equipo {name}")


def text(title: str, message: str, **args: Any) -> dict[str, Any]:
    """An alert's title and message (Spanish msgids, marked with N_ by the caller) and their arguments."""
    return {"title": title, "message": message, "args": args}


def nested(msgid: str, **args: Any) -> dict[str, Any]:
    """A text inside another (a scope, a sample size)."""
    return {"text": msgid, "args": args}


def kpi(meta) -> dict[str, Any]:
    return {"kpi": meta.key, "es": meta.name["es"]}


def value(x: float | None, meta, currency: str) -> dict[str, Any]:
    return {"value": x, "unit": meta.unit, "currency": currency}


def number(x: float | None, digits: int = 0) -> dict[str, Any]:
    return {"number": x, "digits": digits}


def percent(x: float | None) -> dict[str, Any]:
    return {"percent": x}


def money(x: float | None, currency: str) -> dict[str, Any]:
    return {"money": x, "currency": currency}


def moment(at: dt.datetime, zone: str) -> dict[str, Any]:
    """A moment, said in the workspace's time zone (`zone`) and the reader's format."""
    return {"time": at.isoformat(), "zone": zone}


def sample(n: float) -> dict[str, Any]:
    """A sample size as a message says it (a sum of amounts has none)."""
    if not math.isfinite(n):
        return nested(N_("sin tamaño de muestra: suma de importes"))
    return nested(N_("muestra {n}"), n=number(n, 0 if float(n).is_integer() else 1))


def scope(where: Scope, names: dict[str, dict[str, str]]) -> Any:
    """A rule's scope by name: the whole company, a team, or the people."""
    if where.is_company:
        return nested(WHOLE_COMPANY)
    if where.kind == "team":
        return nested(TEAM, name=", ".join(names["team"].get(i) or i for i in where.ids))
    return ", ".join(names["owner"].get(i) or i for i in where.ids)


def _arg(arg: Any, lang: str, strict: bool) -> str:
    if not isinstance(arg, dict):
        return "—" if arg is None else str(arg)
    if "text" in arg:
        return _say(arg["text"], arg.get("args") or {}, lang, strict)
    if "kpi" in arg:
        return _kpi_name(arg["kpi"], arg.get("es") or arg["kpi"], lang)
    if "value" in arg:
        return F.fmt_value(arg["value"], arg.get("unit") or "", lang, arg.get("currency") or "EUR")
    if "percent" in arg:
        return F.fmt_percent(arg["percent"], lang, 0)
    if "money" in arg:
        return F.fmt_money(arg["money"], arg.get("currency") or "EUR", lang)
    if "number" in arg:
        return F.fmt_number(arg["number"], lang, arg.get("digits", 0))
    if "time" in arg:
        return F.fmt_time(dt.datetime.fromisoformat(arg["time"]), lang, arg.get("zone") or "UTC", zone=True)
    if "status" in arg:
        return status_text(arg["status"], lang)
    return str(arg)


def _kpi_name(key: str, spanish: str, lang: str) -> str:
    found = load_catalog().get(key)  # a KPI since removed from the catalog keeps its stored name
    return found.name[lang] if found is not None else spanish


def _say(msgid: str, args: dict[str, Any], lang: str, strict: bool) -> str:
    return translate(msgid, lang, strict=strict).format(**{k: _arg(v, lang, strict) for k, v in args.items()})


def render(words: dict[str, Any], lang: str, *, strict: bool = False) -> tuple[str, str]:
    """(title, message) of a stored text in `lang`."""
    args = words.get("args") or {}
    return _say(words["title"], args, lang, strict), _say(words["message"], args, lang, strict)


def localized(alert: dict[str, Any], lang: str) -> tuple[str, str]:
    """An alert's title and message in a language: rendered from its msgids, or, for an alert
    stored with its English beside (`detail["en"]`), as stored."""
    detail = alert.get("detail") or {}
    if detail.get("text"):
        return render(detail["text"], lang)
    en = detail.get("en")
    if lang == "en" and en:
        return en["title"], en["message"]
    return alert["title"], alert["message"]


#: The figures behind an alert a reader sees, in this order, each with its label and how it is
#: written: in the KPI's unit, a percentage, a number, money, a person or stage by name, a date.
#: Ids (the goal's, the record's), the rule's operator and the history are not for reading.
FACTS = {
    "kpi": (N_("Indicador"), "kpi"), "period": (N_("Periodo"), "plain"),
    "value": (N_("Valor"), "figure"), "threshold": (N_("Umbral"), "figure"),
    "baseline": (N_("Línea base"), "figure"), "target": (N_("Meta"), "figure"),
    "forecast": (N_("Previsión"), "figure"), "progress": (N_("Progreso"), "percent"),
    "pace": (N_("Progreso esperado"), "percent"), "z": (N_("Desviación (z)"), "z"),
    "sample": (N_("Muestra"), "sample"), "peers": (N_("Compañeros"), "count"),
    "confidence": (N_("Confianza"), "percent"), "owner": (N_("Responsable"), "owner"),
    "stage": (N_("Etapa"), "stage"), "amount": (N_("Importe"), "money"),
    "from": (N_("Desde"), "date"), "to": (N_("Hasta"), "date"),
    "arrived_at": (N_("Llegada"), "date"), "answered_at": (N_("Respondido"), "date"),
    "since": (N_("En la etapa desde"), "date"), "last_activity": (N_("Última actividad"), "date"),
    "hours": (N_("Plazo (horas)"), "count"), "waited_hours": (N_("Espera (horas)"), "count"),
    "days": (N_("Días"), "count"), "limit_days": (N_("Plazo (días)"), "count"),
}
#: A breakdown's members that are ids, named from pulso.store.lookups.names.
NAMED = {"owner": "owner", "team": "team", "stage": "stage", "campaign": "campaign"}
WEBHOOK_FACTS = ("value", "threshold", "baseline", "sample", "z", "period")


class Reading:
    """How one reader reads an alert's figures: language, the workspace's currency and the names
    of people, teams, stages and campaigns by id (pulso.store.lookups.names); times in the
    workspace's time zone."""

    def __init__(self, lang: str, names: dict[str, dict[str, str]] | None = None, currency: str = "EUR",
                 timezone: str = "UTC"):
        self.lang, self.names, self.currency, self.timezone = lang, names or {}, currency, timezone

    def _(self, msgid: str) -> str:
        return translate(msgid, self.lang)

    def name(self, kind: str, key: Any) -> str:
        return "—" if key is None else str(self.names.get(kind, {}).get(key) or key)

    def figure(self, x: Any, kpi_key: str | None) -> str:
        meta = load_catalog().get(kpi_key) if kpi_key else None
        if not isinstance(x, (int, float)) or isinstance(x, bool):
            return "—" if x is None else str(x)
        return F.fmt_value(x, meta.unit, self.lang, self.currency) if meta else F.fmt_number(x, self.lang, 2)

    def written(self, how: str, x: Any, detail: dict[str, Any]) -> str:
        if how == "figure":
            return self.figure(x, detail.get("kpi"))
        if how == "kpi":
            return _kpi_name(x, x, self.lang)
        if how == "percent":
            return F.fmt_percent(x, self.lang, 0)
        if how == "z":
            return F.fmt_number(x, self.lang, 2)
        if how == "count":
            return F.fmt_number(x, self.lang, 0 if float(x).is_integer() else 1)
        if how == "sample":
            words = sample(float("inf") if x is None else x)  # none: a sum of amounts
            return _say(words["text"], words["args"], self.lang, False)
        if how == "money":
            return F.fmt_money(x, self.currency, self.lang)
        if how in ("owner", "stage"):
            return self.name(how, x)
        if how == "date":
            return _date(x, self.lang, self.timezone)
        return str(x)


def _date(x: Any, lang: str, timezone: str = "UTC") -> str:
    try:
        when = dt.datetime.fromisoformat(str(x))
    except ValueError:
        return str(x)
    if len(str(x)) == 10:
        return F.fmt_date(when.date(), lang)
    return F.fmt_time(when, lang, timezone, zone=True)  # a moment without a zone is UTC, as stored


def facts(alert: dict[str, Any], reading: Reading, keys: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(label, value) of the figures behind an alert, in the reader's language, in FACTS' order."""
    detail = alert.get("detail") or {}
    out = []
    for key, (label, how) in FACTS.items():
        if keys is not None and key not in keys:
            continue
        if key not in detail or (detail[key] is None and how != "sample"):
            continue
        out.append((reading._(label), reading.written(how, detail[key], detail)))
    return out


def breakdown(alert: dict[str, Any], reading: Reading) -> tuple[str, list[tuple[str, str]]]:
    """An alert's breakdown: its heading and (member by name, figure) rows, in the reader's language."""
    from pulso.catalog import DIMENSIONS

    detail = alert.get("detail") or {}
    rows = detail.get("breakdown") or []
    if not rows:
        return "", []
    dim = detail.get("breakdown_by") or ""
    label = DIMENSIONS[dim][reading.lang] if dim in DIMENSIONS else dim
    heading = reading._(N_("Desglose por {dimension}:")).format(dimension=label.lower())
    kind = NAMED.get(dim)
    return heading, [(reading.name(kind, r.get("value")) if kind else ("—" if r.get("value") is None else str(r["value"])),
                      reading.figure(r.get("figure"), detail.get("kpi"))) for r in rows]
