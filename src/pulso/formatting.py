"""How Pulso writes figures, for every door: the web, the API, reports, e-mails and the CLI.

Numbers, money, durations and dates for a locale, with Babel (the command line's tables too, in
the reader's language); what a change means; and the CSV every download writes (web exports and
the API alike). Nothing here reads the store or knows about HTTP.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from markupsafe import Markup, escape

from pulso.i18n import N_, pgettext, translate

LANGS = ("es", "en")

#: A number in a unit, per unit (Spanish msgids with the number as {value}; English in the .po).
_UNIT_SUFFIX = {
    "hours": N_("{value} h"),
    "days": N_("{value} días"),
    "months": N_("{value} meses"),
    "years": N_("{value} años"),
    "seconds": N_("{value} s"),
    "count/day": N_("{value}/día"),
    "orders/year": N_("{value}/año"),
    "currency/day": N_("{value}/día"),  # the number is money
}


def fmt_number(value: float | None, lang: str, digits: int = 0) -> str:
    """A plain number, grouped for the locale ('1.234,5' in Spanish, '1,234.5' in English)."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(_unsigned_zero(value, digits), format=pattern, locale=lang)


def fmt_exact(value: Any, lang: str) -> str:
    """A number with every decimal it has, for the locale (an exchange rate: '1,0842' / '1.0842')."""
    if value is None:
        return "—"
    return numbers.format_decimal(value, format="#,##0.##########", locale=lang, decimal_quantization=False)


def _unsigned_zero(value: float, digits: int) -> float:
    """The value, with a figure that rounds to zero made a plain 0 (never '-0,00 €')."""
    return 0.0 if round(float(value), digits) == 0 else value


def fmt_money(value: float | None, currency: str, lang: str) -> str:
    """Money in the reporting currency; cents only below a thousand."""
    if value is None:
        return "—"
    pattern = Locale.parse(lang).currency_formats["standard"].pattern
    if abs(value) >= 1000:
        pattern = pattern.replace(".00", "")
    value = _unsigned_zero(value, 2)
    return numbers.format_currency(value, currency, format=pattern, locale=lang, currency_digits=False)


def fmt_percent(value: float | None, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage: 0.2 → '20,0%' (es) / '20.0%' (en): the pattern has no space before %."""
    if value is None:
        return "—"
    value = _unsigned_zero(value, digits + 2)
    return numbers.format_percent(value, format="#,##0." + "0" * digits + "%", locale=lang)


def fmt_value(value: float | None, unit: str, lang: str, currency: str) -> str:
    """A KPI value in its unit."""
    if value is None:
        return "—"
    if unit == "%":
        return fmt_percent(value, lang)
    if unit == "currency":
        return fmt_money(value, currency, lang)
    if unit == "currency/day":
        return translate(_UNIT_SUFFIX[unit], lang).format(value=fmt_money(value, currency, lang))
    if unit == "count":
        return fmt_number(value, lang, 0 if float(value).is_integer() else 1)
    if unit == "ratio":
        return fmt_number(value, lang, 2)
    number = fmt_number(value, lang, 1)
    return translate(_UNIT_SUFFIX[unit], lang).format(value=number) if unit in _UNIT_SUFFIX else number


def fmt_change(value: float | None, previous: float | None, unit: str, lang: str) -> str:
    """The change since the previous period: points for percentages, else relative."""
    if value is None or previous is None:
        return ""
    if unit == "%":
        diff = (value - previous) * 100
        return ("+" if diff > 0 else "") + fmt_number(diff, lang, 1) + " pp"
    if unit == "score" or previous == 0:  # points of a score; no relative change from zero
        diff = value - previous
        return ("+" if diff > 0 else "") + fmt_number(diff, lang, 0 if float(diff).is_integer() else 1) + (" pts" if unit == "score" else "")
    rel = (value - previous) / abs(previous)
    return ("+" if rel > 0 else "") + fmt_percent(rel, lang)


def judge(value: float | None, previous: float | None, direction: str | None) -> str:
    """'good', 'bad' or 'flat' for a change, by the KPI's direction; '' without one."""
    if value is None or previous is None or direction not in ("up", "down"):
        return ""
    if abs(value - previous) <= 1e-9 * max(1.0, abs(previous)):
        return "flat"
    better = value > previous if direction == "up" else value < previous
    return "good" if better else "bad"


def fmt_date(day: dt.date | dt.datetime | None, lang: str, form: str = "medium") -> str:
    """A date ('3 mar 2026' / 'Mar 3, 2026')."""
    if day is None:
        return "—"
    if isinstance(day, dt.datetime):
        return dates.format_datetime(day, format="short" if form == "short" else "medium", locale=lang)
    return dates.format_date(day, format=form, locale=lang)


def fmt_time(moment: dt.datetime | None, lang: str, timezone: str, *, zone: bool = False) -> str:
    """A moment in the workspace's time zone ('31 oct 2026, 0:30' / 'Oct 31, 2026, 12:30 AM'); a
    naive moment is UTC, as the store keeps them. With zone, the zone's abbreviation follows (CET)."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(ZoneInfo(timezone))
    day = dates.format_date(local.date(), format="medium", locale=lang)
    clock = dates.format_time(local, format="short", locale=lang)
    text = f"{day}, {clock}"
    return f"{text} {local.tzname()}" if zone else text  # the zone's abbreviation (CET, CEST) in any language


def fmt_compact(value: float | None, unit: str, lang: str, currency: str) -> str:
    """A figure where space is short (tiles, chart axes): '1,2 M €' / '€1.2M', '15,3 mil' / '15.3K'.
    Below ten thousand, and for units other than money and counts, the figure as fmt_value writes it."""
    if value is None or unit not in ("currency", "count") or abs(value) < 10_000:
        return fmt_value(value, unit, lang, currency)
    if unit == "currency":
        return numbers.format_compact_currency(value, currency, locale=lang, fraction_digits=1)
    return numbers.format_compact_decimal(value, locale=lang, fraction_digits=1)


_CODE = re.compile(r"`([^`]+)`")


def code_plain(text: str | None) -> str:
    """A text with `code` in backticks, for plain text: the backticks dropped."""
    return _CODE.sub(r"\1", text or "")


def code_html(text: str | None) -> Markup:
    """A text with `code` in backticks, for HTML: escaped, each `code` a <code> element."""
    parts = _CODE.split(text or "")
    return Markup("").join(Markup("<code>{}</code>").format(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def fmt_figure(value: float | None, lang: str) -> str:
    """A figure of no known unit (an OKR's key result): whole numbers as they are, else two decimals."""
    if value is None:
        return "—"
    return fmt_number(value, lang, 0 if float(value).is_integer() else 2)


def okr_texts(objective: dict[str, Any], lang: str) -> dict[str, Any]:
    """An objective scored (pulso.goals.okrs.scored) with its figures written for a reader: the
    score, and each key result's KPI by name, value, start → target and score (JSON keeps the numbers)."""
    krs = [{**kr, "value_text": fmt_figure(kr.get("value"), lang), "score_text": fmt_number(kr.get("score"), lang, 2),
            "kpi_text": (kr.get("kpi_name") or {}).get(lang) or kr.get("kpi") or "",
            "span_text": f"{fmt_figure(kr.get('start_value'), lang)} → {fmt_figure(kr.get('target_value'), lang)}"}
           for kr in objective.get("key_results") or []]
    return {**objective, "key_results": krs, "score_text": fmt_number(objective.get("score") or 0, lang, 2),
            "quarter_text": _quarter_text(objective.get("quarter"), lang)}


def _quarter_text(quarter: str | None, lang: str) -> str:
    """'2026-Q4' as people write it ('T4 2026' / 'Q4 2026'); anything else as it is."""
    found = re.fullmatch(r"(\d{4})-Q([1-4])", quarter or "")
    if not found:
        return quarter or ""
    return pgettext("trimestre", "T{quarter} {year}", lang).format(quarter=found.group(2), year=found.group(1))


def fmt_period(kind: str, start: dt.date, last_day: dt.date, lang: str, fiscal: int = 1) -> str:
    """How people name a period: 'marzo de 2026', 'T1 2026', '2026', '1 mar – 15 abr 2026'. With a
    fiscal year starting in month `fiscal` > 1, quarters and years name the fiscal year by the two
    years it spans: 'T1 del ejercicio 2026-27' / 'Q1 FY2026-27', 'Ejercicio 2026-27' / 'FY2026-27'."""
    if kind == "month":
        return dates.format_date(start, format="LLLL y", locale=lang).capitalize()
    if kind in ("quarter", "year") and fiscal != 1:
        first = start.year if start.month >= fiscal else start.year - 1  # the fiscal year's first year
        years = f"{first}-{(first + 1) % 100:02d}"
        if kind == "year":
            return pgettext("ejercicio", "Ejercicio {years}", lang).format(years=years)
        quarter = (start.month - fiscal) % 12 // 3 + 1
        return pgettext("trimestre", "T{quarter} del ejercicio {years}", lang).format(quarter=quarter, years=years)
    if kind == "quarter":
        quarter = (start.month - 1) // 3 + 1
        return pgettext("trimestre", "T{quarter} {year}", lang).format(quarter=quarter, year=start.year)
    if kind == "year":
        return str(start.year)
    return f"{fmt_date(start, lang)} – {fmt_date(last_day, lang)}"


def fmt_bucket(start: dt.date, grain: str, lang: str, fiscal: int = 1) -> str:
    """A label for one point of a series at a grain (quarters and years of the fiscal year)."""
    if grain == "month":
        return dates.format_date(start, format="LLL y", locale=lang)
    if grain in ("quarter", "year"):
        return fmt_period(grain, start, start, lang, fiscal)
    return fmt_date(start, lang)


#: A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell as written to CSV/XLSX: text that would start a formula gets a leading apostrophe
    (shown, never run); dates in ISO 8601; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def csv_text(columns: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV table, header first, every cell through safe_cell: the one CSV writer of Pulso's
    downloads, so a web export and an API download of the same values read the same."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in columns])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()
