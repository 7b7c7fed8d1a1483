"""Text cells to typed values: dates (ISO, day-first, month-first, Excel serials), amounts with
decimal commas, yes/no, and text that must not be a spreadsheet formula.

Conversion works on a column's distinct values, so a million rows with a few thousand dates
parse a few thousand strings; amounts try one vectorised cast first. Each failure comes back as
(row, value, reason) so the importer can say where it was.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso.i18n import N_, Saying, saying
from pulso.store import coerce

DATE_ORDERS = ("ymd", "dmy", "mdy")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T,]+(.*))?$")
#: A date without a time: 2024-03-05, 05/03/2024, 2024/03/05, an Excel serial day (45356).
DATE_ONLY = r"^\s*(\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4,5})\s*$"
_EXCEL_SERIAL = re.compile(r"^\d{4,5}(\.\d+)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?$")
TRUE = frozenset({"true", "t", "yes", "y", "1", "si", "sí", "s", "x", "verdadero"})
FALSE = frozenset({"false", "f", "no", "n", "0", "falso"})

Bad = tuple[int, str, str]  # (row in the batch, value, reason: a Saying, its English with its msgid)


class ValueOptions:
    """How to read ambiguous cells: date order (None: infer per column), decimal mark (None: infer)."""

    def __init__(self, tz: ZoneInfo, date_order: str | None = None, decimal: str | None = None):
        self.tz, self.date_order, self.decimal = tz, date_order, decimal


is_formula = coerce.is_formula  # one rule for every door: the store applies it to every write


def escape_formula(text: str) -> str:
    """Prefix a quote so that a spreadsheet shows the text instead of running it."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def convert(arr: pa.Array, column: sa.Column, opts: ValueOptions) -> tuple[pa.Array, list[Bad]]:
    """A text column (nulls already applied) as the canonical column's Arrow type."""
    kind = column.type
    target = coerce.arrow_type(column)
    if isinstance(kind, sa.DateTime) or isinstance(kind, sa.Date):
        order = opts.date_order or _infer_order(arr)
        if isinstance(order, tuple):
            return pa.nulls(len(arr), target), [(i, v, order[1]) for i, v in _first_valid(arr)]
        fn = _date_parser(order, opts.tz, date_only=isinstance(kind, sa.Date))
        return _by_unique(arr, fn, target)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        try:
            return pc.cast(arr, target), []
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            decimal = opts.decimal or _infer_decimal(arr)
            return _by_unique(arr, lambda v: _money(v, decimal), target)
    if isinstance(kind, (sa.Float, sa.Integer)):
        decimal = opts.decimal or _infer_decimal(arr)
        fn = (lambda v: _integer(v, decimal)) if isinstance(kind, sa.Integer) else (lambda v: float(_number(v, decimal)))
        return _by_unique(arr, fn, target)
    if isinstance(kind, sa.Boolean):
        return _by_unique(arr, _boolean, target)
    return _text(arr)


def _first_valid(arr: pa.Array) -> list[tuple[int, str]]:
    rows = pc.indices_nonzero(pc.is_valid(arr)).to_pylist()[:1]
    return [(i, arr[i].as_py()) for i in rows]


def _by_unique(arr: pa.Array, fn: Callable[[str], Any], target: pa.DataType) -> tuple[pa.Array, list[Bad]]:
    uniques = pc.unique(arr.drop_null()) if arr.null_count else pc.unique(arr)
    values, reasons = [], {}
    for text in uniques.to_pylist():
        try:
            values.append(fn(text))
        except (ValueError, ArithmeticError, OverflowError) as exc:
            values.append(None)
            reasons[text] = exc.args[0] if exc.args and isinstance(exc.args[0], Saying) else str(exc)
    typed = pa.array(values, type=target)
    out = pc.take(typed, pc.index_in(arr, value_set=uniques))
    bad: list[Bad] = []
    if reasons:
        mask = pc.is_in(arr, value_set=pa.array(list(reasons), pa.string()))
        for i in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist():
            text = arr[i].as_py()
            bad.append((i, text, reasons[text]))
    return out, bad


def _text(arr: pa.Array) -> tuple[pa.Array, list[Bad]]:
    reason = saying(coerce.FORMULA_TEXT)  # its English is coerce.FORMULA_REASON
    return arr, [(i, arr[i].as_py(), reason) for i in coerce.formula_rows(arr)]


# -- dates ------------------------------------------------------------------------------------

def _infer_order(arr: pa.Array) -> str | tuple[str, str]:
    """ymd unless numeric dates show which of day and month comes first; ambiguous is an error."""
    day_first = month_first = ambiguous = False
    uniques = pc.unique(arr.drop_null()).to_pylist()
    for text in uniques[:50_000]:
        m = _NUMERIC_DATE.match(text.strip())
        if not m or len(m.group(1)) == 4:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            day_first = True
        elif b > 12 >= a:
            month_first = True
        else:
            ambiguous = True
    if day_first and month_first:
        return ("error", saying(N_("mezcla fechas con el día primero (31/12) y con el mes primero (12/31); "
                                   "corrija la columna o indique date_order")))
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if ambiguous:
        return ("error", saying(N_("una fecha como 03/04/2024 puede tener el día o el mes primero; indique cuál "
                                   "con --date-order dmy o --date-order mdy (date_order en un mapeo)")))
    return "ymd"


def _date_parser(order: str, tz: ZoneInfo, *, date_only: bool) -> Callable[[str], Any]:
    def parse(text: str):
        value = parse_datetime(text, order, tz)
        return value.date() if date_only else value
    return parse


def parse_datetime(text: str, order: str, tz: ZoneInfo) -> dt.datetime | dt.date:
    """One date or date-time; naive ones are local time of the workspace, returned in UTC."""
    s = text.strip()
    if _EXCEL_SERIAL.match(s):
        value = EXCEL_EPOCH + dt.timedelta(days=float(s))
    else:
        value = _parse_text_date(s, order)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    value = value.astimezone(dt.timezone.utc)
    if not coerce.MIN_YEAR <= value.year <= coerce.MAX_YEAR:
        raise ValueError(saying(N_("'{value}' está fuera de los años {low}–{high}"), value=text,
                                low=coerce.MIN_YEAR, high=coerce.MAX_YEAR))
    return value


def _parse_text_date(s: str, order: str) -> dt.datetime:
    m = _NUMERIC_DATE.match(s)
    if m and len(m.group(1)) != 4:
        a, b, c = int(m.group(1)), int(m.group(2)), m.group(3)
        year = int(c) + (2000 if len(c) == 2 and int(c) < 70 else 1900 if len(c) == 2 else 0)
        day, month = (a, b) if order == "dmy" else (b, a)
        try:
            date = dt.datetime(year, month, day)
        except ValueError:
            raise ValueError(saying(N_("'{value}' no es una fecha válida (leída como día/mes/año)") if order == "dmy" else
                                    N_("'{value}' no es una fecha válida (leída como mes/día/año)"), value=s)) from None
        return _with_time(date, m.group(4), s)
    if m:  # 2012/10/09 14:50:17.000
        s = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" + (f" {m.group(4)}" if m.group(4) else "")
    s = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", s)
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(saying(N_("'{value}' no es una fecha (use 2024-12-31, 31/12/2024 o 12/31/2024, con una hora "
                                   "si quiere)"), value=s)) from None


def _with_time(date: dt.datetime, time: str | None, original: str) -> dt.datetime:
    if not time:
        return date
    m = _TIME.match(time.strip())
    if not m:
        raise ValueError(saying(N_("'{value}': no se puede leer la hora '{time}'"), value=original, time=time))
    hour, minute = int(m.group(1)), int(m.group(2))
    second = int(m.group(3) or 0)
    micro = int((m.group(4) or "0").ljust(6, "0"))
    if m.group(5):
        hour = hour % 12 + (12 if m.group(5).lower() == "pm" else 0)
    value = date.replace(hour=hour, minute=minute, second=second, microsecond=micro)
    if m.group(6):
        zone = m.group(6)
        value = dt.datetime.fromisoformat(value.isoformat() + ("+00:00" if zone == "Z" else zone[:3] + ":" + zone[-2:]))
    return value


# -- numbers ----------------------------------------------------------------------------------

def _infer_decimal(arr: pa.Array) -> str:
    """',' when some value shows a decimal comma (1.234,56 or 12,5), else '.'."""
    comma = pc.match_substring_regex(arr, r"(^|[^\d,])\d+,\d{1,2}\s*\D*$|\.\d{3},\d")
    return "," if pc.any(comma).as_py() else "."


def _number(text: str, decimal: str) -> Decimal:
    s = re.sub(r"[\s\u00a0'$€£¥]|USD|EUR|MXN", "", text.strip())
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValueError(saying(N_("'{value}' no es un número"), value=text)) from None
    if not d.is_finite():
        raise ValueError(saying(N_("'{value}' no es un número finito"), value=text))
    return -d if negative else d


def _money(text: str, decimal: str) -> Decimal:
    d = _number(text, decimal)
    if abs(d) > coerce.MAX_MONEY:
        raise ValueError(saying(N_("'{value}' es demasiado grande"), value=text))
    return d.quantize(Decimal("0.01"))


def _integer(text: str, decimal: str) -> int:
    d = _number(text, decimal)
    if d != d.to_integral_value():
        raise ValueError(saying(N_("'{value}' no es un número entero"), value=text))
    if abs(d) > coerce.INT32_MAX:
        raise ValueError(saying(N_("'{value}' es demasiado grande"), value=text))
    return int(d)


def _boolean(text: str) -> bool:
    s = text.strip().lower()
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise ValueError(saying(N_("'{value}' no es sí/no ni verdadero/falso"), value=text))
