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
    {"status": "off_track"}                  a goal's status in words
    {"text": msgid, "args": {...}}           a nested text (a scope, a sample size)

People and teams are named, never shown by id. Alerts stored before (with their English in
`detail["en"]`) are read as they were stored.
"""

from __future__ import annotations

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
