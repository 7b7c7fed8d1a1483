"""Exchange rates: what the engine converts money with (table `exchange_rates`, migration 0008).

A rate is units of a currency per one unit of the workspace's reporting currency (setting
`currency`, default EUR), valid from its date until the currency's next rate.

    from pulso import rates
    rates.import_file(store, Path("eurofxref-hist.csv"))   # the ECB's history, or currency,date,rate
    rates.list_rates(store, currency="USD")

Files read:
- the ECB's historical reference rates (`eurofxref-hist.csv`, inside `eurofxref-hist.zip`): a
  header `Date,USD,JPY,...,` (one column per currency, a trailing empty column), one line per
  business day with the units of each currency per 1 EUR, `N/A` (or nothing) where there is none;
- a plain table `currency,date,rate` (optional `base`: the currency the rate is against, default
  the reporting currency; optional `source`).
A rate against another currency than the reporting one is turned into the reporting currency
through that base's rate of the same day (cross rates: USD per MXN = USD per EUR ÷ MXN per EUR):
a day without it is left out, and said so. All or nothing: a bad line refuses the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from pulso.errors import RecordError, ValidationError
from pulso.i18n import N_, Saying, said_text, saying, translator
from pulso.store.store import _bump_version
from pulso.store.tables_data import exchange_rates

CODE = re.compile(r"[A-Z]{3}")
MISSING = {"", "N/A", "NA", "#N/A"}
BATCH = 5_000
MAX_UNZIPPED = 64 << 20  # the ECB's whole history is about 2 MB


@dataclass
class ImportResult:
    """What an import wrote: rows per currency, the file's format, and what it left out."""

    format: str
    base: str
    reporting: str
    written: int = 0
    currencies: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # notes: days without a cross rate...


def reporting_currency(store) -> str:
    """The workspace's reporting currency (setting `currency`, default EUR)."""
    return store.settings_dict().get("currency", "EUR")


def _text(path: Path) -> str:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":  # the ECB ships eurofxref-hist.zip
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = [n for n in z.namelist() if n.lower().endswith(".csv")]
            if len(names) != 1:
                raise _refused(path.name, "file", saying(N_("un zip de tipos debe contener exactamente un archivo .csv")))
            if z.getinfo(names[0]).file_size > MAX_UNZIPPED:  # read() stops at the declared size
                raise _refused(path.name, "file", saying(N_("{file} ocupa más de {mb} MB al descomprimirlo"),
                                                         file=names[0], mb=MAX_UNZIPPED >> 20))
            data = z.read(names[0])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(path.name, "file", saying(N_("no es un archivo de texto UTF-8"))) from None


def _refused(name: str, column: str, reason: str, line: int | None = None) -> ValidationError:
    return ValidationError([_error(name if line is None else f"{name} line {line}", column, reason)])


def _error(where: str, column: str, reason: str) -> RecordError:
    """A refused row or file; a reason that is a Saying keeps its msgid for a door in another language."""
    return RecordError(where, None, column, str(reason), None, getattr(reason, "text", None), getattr(reason, "values", None))


def _reason(exc: ValueError) -> str:
    """A ValueError's reason, its Saying when it has one."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], Saying) else str(exc)


def _rate(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(saying(N_("'{value}' no es un número"), value=text)) from None
    if not value.is_finite() or value <= 0:
        raise ValueError(saying(N_("'{value}' no es un tipo: debe ser un número mayor que 0"), value=text))
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(saying(N_("'{value}' no es una fecha; use AAAA-MM-DD"), value=text)) from None


def _code(text: str) -> str:
    code = text.strip().upper()
    if not CODE.fullmatch(code):
        raise ValueError(saying(N_("'{value}' no es un código de moneda; use tres letras como EUR, MXN o USD"), value=text))
    return code


def parse(path: Path, reporting: str) -> tuple[str, str, list[tuple[str, dt.date, Decimal, str]]]:
    """(format, base, [(currency, date, rate against base, source)]) read from a rates file."""
    name = path.name
    rows = list(csv.reader(io.StringIO(_text(path))))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise _refused(name, "file", saying(N_("el archivo está vacío")))
    header = [c.strip() for c in rows[0]]
    while header and not header[-1]:
        header.pop()  # the ECB's trailing comma
    lower = [h.lower() for h in header]
    out: list[tuple[str, dt.date, Decimal, str]] = []
    errors: list[RecordError] = []
    if lower and lower[0] == "date" and len(header) > 1 and all(CODE.fullmatch(h) for h in header[1:]):
        fmt, base = "ecb", "EUR"
        for n, row in enumerate(rows[1:], start=2):
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            try:
                day = _date(cells[0])
            except ValueError as exc:
                errors.append(_error(f"{name} line {n}", "Date", _reason(exc)))
                continue
            for code, cell in zip(header[1:], cells[1:]):
                if cell.upper() in MISSING:
                    continue
                try:
                    out.append((code, day, _rate(cell), "ecb"))
                except ValueError as exc:
                    errors.append(_error(f"{name} line {n}", code, _reason(exc)))
    elif {"currency", "date", "rate"} <= set(lower):
        fmt, base = "table", reporting
        at = {h: lower.index(h) for h in ("currency", "date", "rate", "base", "source") if h in lower}
        bases = set()
        for n, row in enumerate(rows[1:], start=2):
            cells = [c.strip() for c in row] + [""] * len(header)
            if not any(cells):
                continue
            try:
                code = _code(cells[at["currency"]])
                day = _date(cells[at["date"]])
                rate = _rate(cells[at["rate"]])
                bases.add(_code(cells[at["base"]]) if "base" in at and cells[at["base"]] else reporting)
            except ValueError as exc:
                errors.append(_error(f"{name} line {n}", "row", _reason(exc)))
                continue
            source = cells[at["source"]] if "source" in at and cells[at["source"]] else "manual"
            out.append((code, day, rate, source))
        if len(bases) > 1:
            errors.append(_error(name, "base", saying(N_("una sola moneda base por archivo, no {bases}"),
                                                      bases=", ".join(sorted(bases)))))
        base = bases.pop() if len(bases) == 1 else reporting
    else:
        raise _refused(name, "header", saying(N_("no es un archivo de tipos: se esperaba `Date,USD,JPY,...` del BCE o "
                                                 "`currency,date,rate`")))
    if errors:
        raise ValidationError(errors, total=len(errors))
    return fmt, base, out


def to_reporting(rows: list[tuple[str, dt.date, Decimal, str]], base: str, reporting: str,
                 notes: list[str]) -> list[tuple[str, dt.date, Decimal, str]]:
    """Rates against `base` as rates against `reporting` (cross rates through the base, day by day)."""
    if base == reporting:
        return [r for r in rows if r[0] != reporting]
    pivot = {day: rate for code, day, rate, _ in rows if code == reporting}
    if not pivot:
        raise _refused("rates", reporting, saying(N_("el archivo no tiene ningún tipo de {reporting} frente a {base}, así "
                                                     "que sus tipos no se pueden pasar a {reporting} (la moneda de los "
                                                     "informes)"), reporting=reporting, base=base))
    out, lost = [], set()
    for code, day, rate, source in rows:
        if code == reporting:
            out.append((base, day, Decimal(1) / rate, source))
        elif day in pivot:
            out.append((code, day, rate / pivot[day], source))
        else:
            lost.add(day)
    if lost:
        notes.append(f"{len(lost)} day(s) without a {reporting} rate were left out (first {min(lost)})")
    return out


def import_file(store, path: Path) -> ImportResult:
    """Read a rates file and store its rates into the reporting currency, all or nothing
    (a rate already stored for a currency and day is replaced)."""
    path = Path(path)
    reporting = reporting_currency(store)
    fmt, base, rows = parse(path, reporting)
    result = ImportResult(fmt, base, reporting)
    rows = to_reporting(rows, base, reporting, result.skipped)
    latest: dict[str, dict[str, Any]] = {}
    for code, day, rate, source in rows:
        if code == reporting:
            continue
        rate = rate.quantize(Decimal("1e-10")) if rate.adjusted() < 13 else rate
        latest[f"{code}:{day.isoformat()}"] = {"id": f"{code}:{day.isoformat()}", "currency": code,
                                               "rate_date": day, "rate": rate, "source": source}
    records = list(latest.values())
    if any(r["rate"] <= 0 for r in records):
        raise _refused(path.name, "rate", saying(N_("un tipo convertido se redondea a 0; los tipos son demasiado "
                                                    "pequeños para guardarlos")))
    write(store, records)
    result.written = len(records)
    for r in records:
        result.currencies[r["currency"]] = result.currencies.get(r["currency"], 0) + 1
    return result


def write(store, records: list[dict[str, Any]]) -> None:
    """Insert or replace rates by id in one transaction, and bump the data version."""
    t = exchange_rates
    with store.engine.begin() as conn:
        for i in range(0, len(records), BATCH):
            chunk = records[i:i + BATCH]
            if store.dialect == "postgres":
                stmt = pg_insert(t).values(chunk)
                conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.id], set_={
                    "rate": stmt.excluded.rate, "source": stmt.excluded.source}))
            else:
                conn.execute(t.delete().where(t.c.id.in_([r["id"] for r in chunk])))
                conn.execute(t.insert(), chunk)
        _bump_version(conn)


def set_rate(store, currency: str, day: dt.date, rate: float | str, source: str = "manual") -> None:
    """Store one rate (units of `currency` per one unit of the reporting currency)."""
    try:
        code, value = _code(currency), _rate(str(rate))
    except ValueError as exc:
        raise _refused("exchange_rates", "rate", _reason(exc)) from None
    if code == reporting_currency(store):
        raise _refused("exchange_rates", "currency", saying(N_("{code} es la moneda de los informes: su tipo es siempre 1"),
                                                            code=code))
    if not math.isfinite(float(value)):
        raise _refused("exchange_rates", "rate", saying(N_("'{value}' no es un tipo"), value=rate))
    write(store, [{"id": f"{code}:{day.isoformat()}", "currency": code, "rate_date": day, "rate": value,
                   "source": source}])


def delete_rate(store, currency: str, day: dt.date) -> None:
    """Remove a rate set by hand (source `manual`); a rate a file brought is replaced by importing
    the file again, not removed here."""
    t = exchange_rates
    try:
        key = f"{_code(currency)}:{day.isoformat()}"
    except ValueError as exc:
        raise _refused("exchange_rates", "currency", _reason(exc)) from None
    with store.engine.begin() as conn:
        found = conn.execute(sa.select(t.c.source).where(t.c.id == key)).scalar()
        if found != "manual":
            code, day_text = key.split(":", 1)
            raise _refused("exchange_rates", "rate",
                           saying(N_("no hay ningún tipo de {code} el {day} puesto a mano (ese tipo viene de {source})"),
                                  code=code, day=day_text, source=found) if found else
                           saying(N_("no hay ningún tipo de {code} el {day} puesto a mano"), code=code, day=day_text))
        conn.execute(t.delete().where(t.c.id == key))
        _bump_version(conn)


def currencies(store) -> list[dict[str, Any]]:
    """The currencies that have rates: how many, the first and the last date of each."""
    t = exchange_rates
    query = (sa.select(t.c.currency, sa.func.count().label("rates"), sa.func.min(t.c.rate_date).label("first"),
                       sa.func.max(t.c.rate_date).label("last")).group_by(t.c.currency).order_by(t.c.currency))
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def list_rates(store, currency: str | None = None, *, newest_first: bool = False, limit: int | None = None,
               offset: int = 0) -> list[dict[str, Any]]:
    """Stored rates, by currency then date (`newest_first`: the latest date first), a page at a time
    with `limit` and `offset`."""
    t = exchange_rates
    day = t.c.rate_date.desc() if newest_first else t.c.rate_date
    query = sa.select(t.c.currency, t.c.rate_date, t.c.rate, t.c.source).order_by(t.c.currency, day)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    if currency:
        try:
            query = query.where(t.c.currency == _code(currency))
        except ValueError as exc:
            raise _refused("exchange_rates", "currency", _reason(exc)) from None
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def refusal_lines(exc: ValidationError, lang: str, shown: int = 20) -> list[str]:
    """A refused rates file's first `shown` errors, one line each, in `lang` (str(RecordError) in English)."""
    say = translator(lang)
    lines = []
    for e in exc.errors[:shown]:
        row = re.fullmatch(r"(.*) line (\d+)", e.table)
        where = say(N_("{file} línea {line}")).format(file=row[1], line=row[2]) if row else e.table
        lines.append(f"{where}: {e.field}: {said_text(e.text, e.values, e.reason, say)}")
    return lines
