"""Periods and quarters as the goal, OKR, quota and report forms offer them: picked by name in the
reader's language ('Octubre de 2026', 'T1 del ejercicio 2026-27', 'Ejercicio 2026-27'), quarters and
years of the workspace's fiscal year, the value being the text pulso.goals reads (`2026-10`,
`2026-Q1`, `2026`), so nobody types one. The OKR form takes its key results as repeated rows
(title, KPI picker or "by hand", start, target), a row added or removed by the form's own buttons
(no script needed).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from pulso import formatting as f
from pulso.engine import periods as P
from pulso.goals.scopes import name_period, parse_period
from pulso.i18n import N_
from pulso.web.goal_forms import CHOOSE, NOT_NUMBER, REQUIRED, _choice, _number, _scope, kpi_groups

#: A period as pulso.goals reads it: a month, a quarter or a year (weeks are not offered).
CODE = re.compile(r"(19|2[0-9])[0-9]{2}(-(0[1-9]|1[0-2])|-Q[1-4])?")
GROUPS = {"month": N_("Meses"), "quarter": N_("Trimestres"), "year": N_("Años")}
#: The formats a report is downloaded or sent in, by name.
FORMATS = {"pdf": N_("PDF"), "html": N_("Página web (HTML)")}
#: How often a schedule sends its report, in words.
FREQUENCIES = {"week": N_("Cada semana"), "month": N_("Cada mes"), "quarter": N_("Cada trimestre")}


def period_name(ctx, start: dt.date, grain: str) -> str:
    """A period of `grain` starting on `start` as people name it (a week by its dates)."""
    if grain == "week":
        return f.fmt_period("custom", start, start + dt.timedelta(days=6), ctx.lang)
    return f.fmt_period(grain, start, P.add(start, grain, 1) - dt.timedelta(days=1), ctx.lang, ctx.period.fiscal)


def period_options(ctx, around: dt.date, steps: Mapping[str, tuple[int, int]], chosen: str = "") -> list[dict[str, Any]]:
    """Months, quarters and years (of the fiscal year) around the one holding `around`, from
    steps[grain][0] to steps[grain][1] periods away, grouped, by name; `chosen` (a well-formed
    text) is offered too when it is none of them."""
    fiscal = ctx.period.fiscal
    out = []
    for grain, (lo, hi) in steps.items():
        first = P.floor(around, grain, fiscal)
        options = [{"value": name_period(start, grain, fiscal), "label": period_name(ctx, start, grain)}
                   for start in (P.add(first, grain, n) for n in range(lo, hi + 1))]
        out.append({"label": ctx._(GROUPS[grain]), "options": options})
    if CODE.fullmatch(chosen) and chosen not in {o["value"] for g in out for o in g["options"]}:
        span = parse_period(chosen, fiscal)
        out.append({"label": "", "options": [{"value": span.text, "label": period_name(ctx, span.start, span.grain)}]})
    return out


def labelled(ctx, choices: Mapping[str, str]) -> list[dict[str, str]]:
    """A select's options: stored value → its label in the reader's language."""
    return [{"value": v, "label": ctx._(t)} for v, t in choices.items()]


# -- the OKR form: an objective and its key results as repeated labelled rows ----------------------

KR_FIELDS = ("title", "kpi", "start", "target")
MIN_KEY_RESULTS, MAX_KEY_RESULTS = 2, 5  # pulso.goals.okrs.MIN_KRS, MAX_KRS
TITLE_LENGTH = 200
TOO_LONG = N_("Como mucho {n} caracteres.")
SAME_AS_START = N_("La meta debe ser distinta del inicio.")
HOW_MANY = N_("Un objetivo tiene de {low} a {high} resultados clave.")


def okr_rows(form: Mapping[str, Any]) -> list[dict[str, str]]:
    """The key-result rows as typed (kr.0.title, kr.0.kpi, kr.0.start, kr.0.target, kr.1...), at
    least MIN_KEY_RESULTS, with a row added or removed when the form's add/remove button was used."""
    indexes = [int(k.split(".")[1]) for k in form if re.fullmatch(r"kr\.[0-9]\.(title|kpi|start|target)", k)]
    count = min(max([MIN_KEY_RESULTS - 1, *indexes]) + 1, MAX_KEY_RESULTS)
    rows = [{k: str(form.get(f"kr.{i}.{k}", "")).strip() for k in KR_FIELDS} for i in range(count)]
    action = str(form.get("action", ""))
    if action == "add" and len(rows) < MAX_KEY_RESULTS:
        rows.append(dict.fromkeys(KR_FIELDS, ""))
    elif re.fullmatch(r"remove:[0-9]", action) and int(action[7:]) < len(rows) and len(rows) > 1:
        rows.pop(int(action[7:]))
    return rows


def quarter_choices(ctx, current: str, chosen: str = "") -> list[dict[str, str]]:
    """The quarters (of the fiscal year) the form offers: the one shown, the one before and the
    next four (and the one chosen, when another)."""
    fiscal = ctx.period.fiscal
    first = parse_period(current, fiscal).start
    starts = [P.add(first, "quarter", n) for n in range(-1, 5)]
    if re.fullmatch(r"(19|2[0-9])[0-9]{2}-Q[1-4]", chosen):
        starts.append(parse_period(chosen, fiscal).start)
    return [{"value": name_period(s, "quarter", fiscal), "label": period_name(ctx, s, "quarter")}
            for s in dict.fromkeys(starts)]


def read_okr(ctx, form: Mapping[str, Any], quarters: list[dict[str, str]]
             ) -> tuple[dict[str, Any], dict[str, str], list[dict[str, str]]]:
    """The OKR form read: (objective for pulso.goals.create_objective, {field: message in the
    reader's language}, the key-result rows to show again). Empty rows are left out."""
    errors: dict[str, str] = {}
    rows = okr_rows(form)
    title = str(form.get("title", "")).strip()
    if not title:
        errors["title"] = ctx._(REQUIRED)
    elif len(title) > TITLE_LENGTH:
        errors["title"] = ctx._(TOO_LONG).format(n=TITLE_LENGTH)
    typed = str(form.get("quarter", ""))  # a quarter of the select, or any other one written as stored
    shown = {q["value"] for q in quarters} | ({typed} if re.fullmatch(r"(19|2[0-9])[0-9]{2}-Q[1-4]", typed) else set())
    quarter = _choice(ctx, form, "quarter", shown, errors)
    scope = _scope(ctx, form, errors)
    kpis = {k["key"] for g in kpi_groups(ctx) for k in g["kpis"]}
    krs = []
    for i, row in enumerate(rows):
        if not any(row.values()):
            continue
        name = f"kr.{i}."
        if not row["title"]:
            errors[name + "title"] = ctx._(REQUIRED)
        elif len(row["title"]) > TITLE_LENGTH:
            errors[name + "title"] = ctx._(TOO_LONG).format(n=TITLE_LENGTH)
        if row["kpi"] and row["kpi"] not in kpis:
            errors[name + "kpi"] = ctx._(CHOOSE)
        figures = {}
        for field in ("start", "target"):
            value = _number(row[field]) if row[field] else None
            if value is None:
                errors[name + field] = ctx._(NOT_NUMBER if row[field] else REQUIRED)
            figures[field] = value
        if None not in figures.values() and figures["start"] == figures["target"]:
            errors[name + "target"] = ctx._(SAME_AS_START)
        krs.append({"title": row["title"], "kpi": row["kpi"] or None, "start_value": str(figures["start"]),
                    "target_value": str(figures["target"])})
    if not errors and not MIN_KEY_RESULTS <= len(krs) <= MAX_KEY_RESULTS:
        errors["key_results"] = ctx._(HOW_MANY).format(low=MIN_KEY_RESULTS, high=MAX_KEY_RESULTS)
    return {"title": title, "quarter": quarter, "scope": scope, "key_results": krs}, errors, rows
