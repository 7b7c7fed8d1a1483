"""Turn incoming records (dicts, Arrow tables, DataFrames) into Arrow tables of a canonical table.

Naive timestamps are taken in the workspace time zone and stored in UTC. Every value that
cannot be read becomes a RecordError naming the table, the record id, the field and why.

`normalise` is what every door shares once values are typed (the API, imports, the demo, any
future form): ids, external ids and references trimmed of surrounding whitespace (an empty id or
reference refused), dates within the years 1900–2200, and no text a spreadsheet would run as a
formula. Imports call `is_formula` and read `MIN_YEAR`/`MAX_YEAR` from here too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso.errors import RecordError
from pulso.i18n import N_, record_error, translate
from pulso.store import schema

MAX_MONEY = Decimal("9999999999999999.99")  # NUMERIC(18, 2)
INT32_MAX = 2**31 - 1
#: Dates and instants (in UTC) outside these years are refused: no CRM has them, and near year 1
#: or 9999 a time zone shift no longer fits in Python's datetime.
MIN_YEAR, MAX_YEAR = 1900, 2200
# =anything; @SUM( / +HYPERLINK( / -cmd( ; DDE such as +cmd|' /C calc'!A0. A leading "- " in
# prose (a list of remarks) or a phone number (+34 600...) is not a formula.
_FORMULA = re.compile(r"^\s*=|^\s*[+\-@]\s*[A-Za-z_][\w.]*\s*\(|^\s*[+\-@=].*\|.*!")
_PHONE_OR_NUMBER = re.compile(r"^[+\-]?[\d\s().\-/]+$")
FORMULA_REASON = ("looks like a spreadsheet formula; Pulso does not store formulas (remove the leading "
                  "=, +, - or @, or export values instead of formulas)")
FORMULA_TEXT = N_("parece una fórmula de hoja de cálculo; Pulso no guarda fórmulas (quite el =, +, - o @ del "
                  "principio, o exporte valores en lugar de fórmulas)")

Records = Iterable[dict[str, Any]] | pa.Table


def arrow_type(column: sa.Column) -> pa.DataType:
    """The Arrow type that carries a column of the canonical schema."""
    t = column.type
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return pa.decimal128(t.precision or 18, t.scale or 2)
    if isinstance(t, sa.Float):
        return pa.float64()
    if isinstance(t, sa.Integer):
        return pa.int32()
    if isinstance(t, sa.Boolean):
        return pa.bool_()
    if isinstance(t, sa.DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(t, sa.Date):
        return pa.date32()
    return pa.string()


def python_default(column: sa.Column) -> Any:
    """The value a new record gets for a column it does not carry."""
    default = column.server_default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    text = str(getattr(arg, "text", arg))
    if isinstance(column.type, sa.Boolean):
        return text.lower() in ("true", "1")
    if isinstance(column.type, sa.Numeric):
        return Decimal(text)
    return text


class _Unreadable(ValueError):
    """A value that cannot be read: str() the English, `.text`/`.values` its Spanish msgid (pulso.i18n)."""

    def __init__(self, text: str, **values: Any):
        super().__init__(translate(text, "en").format(**values))
        self.text, self.values = text, values


class _Converter:
    """Per-value conversion with precise reasons; used for dict records."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz

    def __call__(self, column: sa.Column, value: Any) -> Any:
        if value is None:
            return None
        t = column.type
        if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
            return self.money(value)
        if isinstance(t, sa.Float):
            return self.real(value)
        if isinstance(t, sa.Integer):
            return self.integer(value)
        if isinstance(t, sa.Boolean):
            return self.boolean(value)
        if isinstance(t, sa.DateTime):
            return self.timestamp(value)
        if isinstance(t, sa.Date):
            return self.date(value)
        return self.text(value)

    def text(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _Unreadable(N_("se esperaba texto, no {kind}"), kind=type(value).__name__)
        if isinstance(value, str) and "\x00" in value:  # PostgreSQL cannot store it: refused everywhere
            raise _Unreadable(N_("contiene un carácter NUL (\\x00)"))
        return str(value)

    def money(self, value: Any) -> Decimal:
        if isinstance(value, bool):
            raise _Unreadable(N_("se esperaba un importe, no true/false"))
        try:
            d = Decimal(str(value).strip()) if isinstance(value, (str, int, float, Decimal)) else None
        except InvalidOperation:
            d = None
        if d is None or not d.is_finite():
            raise _Unreadable(N_("'{value}' no es un importe"), value=value)
        if abs(d) > MAX_MONEY:
            raise _Unreadable(N_("{value} es demasiado grande (como mucho {most})"), value=value, most=MAX_MONEY)
        return d.quantize(Decimal("0.01"))

    def real(self, value: Any) -> float:
        if isinstance(value, bool):
            raise _Unreadable(N_("se esperaba un número, no true/false"))
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise _Unreadable(N_("'{value}' no es un número"), value=value) from None
        if not math.isfinite(f):
            raise _Unreadable(N_("'{value}' no es un número finito"), value=value)
        return f

    def integer(self, value: Any) -> int:
        f = self.real(value)
        if f != int(f):
            raise _Unreadable(N_("'{value}' no es un número entero"), value=value)
        if abs(f) > INT32_MAX:
            raise _Unreadable(N_("{value} es demasiado grande"), value=value)
        return int(f)

    def boolean(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.strip().lower() in ("true", "1", "yes")
        raise _Unreadable(N_("'{value}' no es true ni false"), value=value)

    def timestamp(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise _Unreadable(N_("'{value}' no es una fecha y hora ISO 8601 (p. ej. 2026-03-31T23:30:00+02:00)"),
                                 value=value) from None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if not isinstance(value, dt.datetime):
            raise _Unreadable(N_("se esperaba una fecha y hora, no {kind}"), kind=type(value).__name__)
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        try:
            return value.astimezone(dt.timezone.utc)
        except OverflowError:
            raise _Unreadable(N_("'{value}' está fuera de rango"), value=value) from None

    def date(self, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise _Unreadable(N_("'{value}' no es una fecha (AAAA-MM-DD)"), value=value) from None
        raise _Unreadable(N_("se esperaba una fecha, no {kind}"), kind=type(value).__name__)


def unknown_fields(table: sa.Table, names: Iterable[str]) -> list[RecordError]:
    """One error per field that the table does not have, with a suggestion."""
    known = list(table.columns.keys())
    errors = []
    for name in names:
        if name not in table.columns:
            close = difflib.get_close_matches(str(name), known, n=1)
            errors.append(record_error(table.name, None, str(name), N_("campo desconocido; ¿quería decir '{close}'?"),
                                       close=close[0]) if close else
                          record_error(table.name, None, str(name), N_("campo desconocido; los campos son: {fields}"),
                                       fields=", ".join(known)))
    return errors


def from_dicts(table: sa.Table, records: list[dict[str, Any]], tz: ZoneInfo) -> tuple[pa.Table, list[RecordError]]:
    """Arrow table of the fields the records carry, and the errors found on the way."""
    names: dict[str, None] = {}
    errors: list[RecordError] = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            errors.append(record_error(table.name, None, "(record)", N_("se esperaba un objeto, no {kind}"), i, kind=type(rec).__name__))
            continue
        names.update(dict.fromkeys(rec))
    errors += unknown_fields(table, names)
    if errors:
        return pa.table({}), errors
    convert = _Converter(tz)
    columns = {}
    for name in names:
        column = table.c[name]
        if _is_text(column):
            # Fast path, same result: text fields that are all text (or missing) need no conversion.
            raw = [rec.get(name) for rec in records]
            if all(v is None or (type(v) is str and "\x00" not in v) for v in raw):
                columns[name] = pa.array(raw, type=arrow_type(column))
                continue
        values = []
        for i, rec in enumerate(records):
            try:
                values.append(convert(column, rec.get(name)))
            except ValueError as exc:
                values.append(None)
                errors.append(RecordError(table.name, _rid(rec), name, str(exc), i, getattr(exc, "text", None),
                                              getattr(exc, "values", None)))
        columns[name] = pa.array(values, type=arrow_type(column))
    return pa.table(columns), errors


def from_arrow(table: sa.Table, data: pa.Table, tz: ZoneInfo) -> tuple[pa.Table, list[RecordError]]:
    """Cast an Arrow table to the canonical types; naive timestamps are local time."""
    errors = unknown_fields(table, data.column_names)
    if errors:
        return data, errors
    columns = {}
    for name in data.column_names:
        column, target = table.c[name], arrow_type(table.c[name])
        arr = data.column(name)
        if pa.types.is_timestamp(arr.type) and arr.type.tz is None:
            arr = pc.assume_timezone(arr, timezone=str(tz), ambiguous="earliest", nonexistent="earliest")
        if arr.type != target:
            try:
                arr = arr.cast(target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                # Find the offending values one by one for a precise message.
                _, found = from_dicts(table, data.select([name] + (["id"] if "id" in data.column_names and name != "id" else [])).to_pylist(), tz)
                return data, found or [record_error(table.name, None, name, N_("no se puede leer {kind} como {target}"), kind=arr.type, target=target)]
        columns[name] = arr
    return pa.table(columns), errors


def _is_text(column: sa.Column) -> bool:
    """Whether the converter reads the column as text (see _Converter.__call__)."""
    return not isinstance(column.type, (sa.Numeric, sa.Float, sa.Integer, sa.Boolean, sa.DateTime, sa.Date))


def _rid(rec: dict[str, Any]) -> str | None:
    rid = rec.get("id")
    return None if rid is None else str(rid)


# -- what every door shares once values are typed -------------------------------------------------

def is_formula(text: str) -> bool:
    """A cell a spreadsheet would run as a formula (=..., @F(...), +F(...), -F(...), DDE)."""
    return bool(_FORMULA.match(text)) and not _PHONE_OR_NUMBER.match(text)


def formula_rows(arr: pa.Array | pa.ChunkedArray) -> list[int]:
    """Positions of the text values that are formulas (a vectorised look for a leading sign first)."""
    suspicious = pc.fill_null(pc.match_substring_regex(arr, r"^\s*[=@+\-]|^[\t\r]"), False)
    return [i for i in pc.indices_nonzero(suspicious).to_pylist() if is_formula(arr[i].as_py())]


def key_columns(table: sa.Table) -> list[str]:
    """The fields that name records: id, external_id and every reference."""
    return ["id", "external_id", *schema.references(table)]


def trim_key(text: str) -> str:
    """A key without surrounding whitespace: what `normalise` stores (Python's and Arrow's
    whitespace are the same set of characters), for a door that must know the id beforehand."""
    return text.strip()


def trim_keys(table: sa.Table, records: list[Any]) -> list[Any]:
    """The records with their text keys trimmed as `normalise` trims them; anything else is left
    for the store to refuse with a reason."""
    keys = key_columns(table)
    return [{**r, **{k: trim_key(r[k]) for k in keys if isinstance(r.get(k), str)}} if isinstance(r, dict) else r
            for r in records]


def normalise(table: sa.Table, data: pa.Table) -> tuple[pa.Table, list[RecordError]]:
    """A typed batch as every door stores it: ids, external ids and references trimmed (an empty
    reference refused, an empty external_id dropped), dates and instants within the years
    MIN_YEAR..MAX_YEAR, no text a spreadsheet would run as a formula. Only the fields the batch
    carries are looked at: a value stored earlier never blocks an update of another field."""
    refs = set(schema.references(table))
    for name in key_columns(table):
        if name in data.column_names:
            trimmed = pc.utf8_trim_whitespace(data[name])
            if name == "external_id":
                trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
            data = data.set_column(data.column_names.index(name), name, trimmed)
    ids = data["id"] if "id" in data.column_names else None
    errors: list[RecordError] = []

    def report(rows: list[int], field: str, reason: str, show: bool, **values) -> None:
        for i in rows[:1000 - len(errors)]:
            got = f" (got {_shown(data[field][i].as_py())})" if show else ""
            errors.append(record_error(table.name, None if ids is None else ids[i].as_py(), field, reason, i,
                                       got=got, **values))

    def where(mask) -> list[int]:
        return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()

    for column in table.columns:
        name, arr = column.name, data[column.name] if column.name in data.column_names else None
        if arr is None:
            continue
        if name in refs:
            report(where(pc.equal(pc.utf8_length(arr), 0)), name, N_("está vacío; déjelo fuera (nulo) cuando no lo haya"), False)
        if isinstance(column.type, (sa.DateTime, sa.Date)):
            low, high = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR + 1, 1, 1)
            if isinstance(column.type, sa.DateTime):
                low, high = (dt.datetime.combine(d, dt.time(), dt.timezone.utc) for d in (low, high))
            bounds = [pa.scalar(b, type=arr.type) for b in (low, high)]
            outside = pc.or_(pc.less(arr, bounds[0]), pc.greater_equal(arr, bounds[1]))
            report(where(outside), name, N_("está fuera de los años {low}–{high}"), True, low=MIN_YEAR, high=MAX_YEAR)
        elif _is_text(column):
            report(formula_rows(arr), name, FORMULA_TEXT, False)
    return data, errors


def _shown(value: Any) -> str:
    """A value as a person reads it in an error (dates in ISO 8601)."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else repr(value)
