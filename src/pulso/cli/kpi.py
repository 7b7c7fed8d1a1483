"""`pulso kpi`: list the catalog, compute a KPI, explain it, and show the records behind it.

    pulso kpi list [--lang es|en] [--format table|json]
    pulso kpi show KEY --from YYYY-MM-DD --to YYYY-MM-DD [--grain G] [--by DIM ...] [--where DIM=VALUE ...]
                   [--stat mean|median|pN] [--today YYYY-MM-DD] [--format table|csv|json]
    pulso kpi explain KEY [--dialect NAME] [--lang es|en]
    pulso kpi drill KEY --from ... --to ... [--part numerator|denominator] [--limit N] [--offset N]

Tables are written for a reader, in the CLI's language (pulso.cli.common.language), with the
formats of `pulso status` (pulso.formatting): '1.235 €', '66,7%', '1 ene 2025' / '€1,235', '66.7%',
'Jan 1, 2025'. CSV and JSON stay plain, the same in every language: in JSON a percentage is a
fraction (0.2 for 20 %); dates are ISO strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import numbers
import sys
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.table import Table

from pulso.cli.common import DbOption, TodayOption, as_of, console, given, language, open_workspace, texts
from pulso.errors import KpiError

if TYPE_CHECKING:
    from pulso.catalog.model import Kpi

kpi_app = typer.Typer(help="KPIs: list the catalog, compute one, explain it, drill into it.", no_args_is_help=True)

LangOption = Annotated[str, typer.Option("--lang", help="Language of names and formulas: es or en.")]
FromOption = Annotated[str, typer.Option("--from", help="First day of the period (YYYY-MM-DD), inclusive.")]
ToOption = Annotated[str, typer.Option("--to", help="Day after the period (YYYY-MM-DD): the period is [from, to).")]
WhereOption = Annotated[Optional[list[str]], typer.Option(
    "--where", help="Keep only DIM=VALUE (repeat for more values or dimensions).")]
FORMATS_LIST = ("table", "json")
FORMATS_ROWS = ("table", "csv", "json")


def _choice(value: str, allowed: tuple[str, ...], option: str, lang: str | None = None) -> str:
    if value not in allowed:
        _ = texts(given(lang))
        raise KpiError(_("{option}: '{value}' no es uno de {allowed}").format(option=option, value=value, allowed=", ".join(allowed)))
    return value


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _ = texts()
        raise KpiError(_("{option}: '{value}' no es una fecha; use AAAA-MM-DD").format(option=option, value=value)) from None


def _filters(where: list[str] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in where or []:
        dim, sep, value = item.partition("=")
        if not sep or not dim.strip():
            _ = texts()
            raise KpiError(_("--where: '{item}' no es DIM=VALOR, p. ej. --where source=web").format(item=item))
        out.setdefault(dim.strip(), []).append(value)
    return out


def _by(by: list[str] | None) -> list[str]:
    return [d.strip() for item in by or [] for d in item.split(",") if d.strip()]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    """A table or CSV cell: a span as 'first/last' day, an interval as 'low/high', else the value."""
    if isinstance(value, dict) and "start" in value:
        return f"{value['start']}/{value['end']}"
    if isinstance(value, (list, tuple)):
        return "/".join(str(v) for v in value)
    return str(_jsonable(value))


def _for_reader(kpi: Kpi, currency: str, timezone: str, figures: bool = True):
    """How a table cell reads in the CLI's language (pulso.formatting, as `pulso status` writes its
    figures): a KPI figure or an extra in its unit from the catalog (Kpi.unit_of: '1.234 €', '47,3%',
    '10,5 días'), an interval 'low – high', other numbers grouped for the locale, days as dates
    ('1 ene 2025'), a span 'first – last', a moment in the workspace's time zone. `figures=False` (a
    drill's records) formats no column as a figure. CSV and JSON never come here: they keep plain,
    parseable values."""
    from pulso.formatting import fmt_date, fmt_figure, fmt_number, fmt_time, fmt_value

    lang = language()

    def render(column: str, value: Any) -> str:
        if value is None:
            return "—"
        unit = kpi.unit_of(column) if figures else None
        if unit and column == "interval" and isinstance(value, (list, tuple)):
            return " – ".join(fmt_value(v, unit, lang, currency) for v in value)
        if unit and isinstance(value, numbers.Number) and not isinstance(value, bool):
            return fmt_value(value, unit, lang, currency)
        if isinstance(value, dict) and "start" in value:
            return " – ".join(fmt_date(dt.date.fromisoformat(str(value[k])[:10]), lang) for k in ("start", "end"))
        if isinstance(value, bool) or isinstance(value, str):
            return str(value)
        if isinstance(value, numbers.Integral):
            return fmt_number(value, lang)
        if isinstance(value, numbers.Number):
            return fmt_figure(value, lang)
        if isinstance(value, dt.datetime):
            return fmt_time(value, lang, timezone)
        if isinstance(value, dt.date):
            return fmt_date(value, lang)
        return _cell(value)

    return render


def _print_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str, title: str = "",
                render=lambda column, value: "—" if value is None else str(value)) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps([{c: _jsonable(r.get(c)) for c in columns} for r in rows], ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else _cell(r.get(c)) for c in columns])
    else:
        table = Table(title=title or None)
        for c in columns:
            table.add_column(c, justify="left" if c in ("period_start", "period_end", "table", "id") else "right")
        for r in rows:
            table.add_row(*(render(c, r.get(c)) for c in columns))
        console.print(table)


@kpi_app.command("list")
def list_kpis(lang: LangOption = "es",
              format: Annotated[str, typer.Option("--format", help="table or json.")] = "table") -> None:
    """Every KPI of the catalog: key, name, unit, direction, area and dimensions."""
    from pulso.catalog import load_catalog
    from pulso.catalog.model import AREAS
    from pulso.engine.explain import check_lang

    check_lang(lang)
    _choice(format, FORMATS_LIST, "--format", lang)
    catalog = load_catalog()
    if format == "json":
        items = [{"key": k.key, "name": k.name[lang], "description": k.description[lang], "formula": k.formula[lang],
                  "choices": k.choices[lang] if k.choices else None, "unit": k.unit, "direction": k.direction,
                  "category": k.category, "area": k.area, "dimensions": list(k.dimensions), "time": k.time,
                  "snapshot": k.snapshot, "extras": list(k.extras), "general_metric": k.general_metric}
                 for k in catalog]
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    _ = texts(given(lang))
    table = Table(title=_("{n} KPIs").format(n=len(catalog)))
    for column in (_("clave"), _("nombre"), _("unidad"), _("sentido"), _("área"), _("dimensiones")):
        # Keys stay whole (they are copied into other commands); the rest wraps in narrow terminals.
        table.add_column(column, no_wrap=column == _("clave"))
    for k in catalog:
        table.add_row(k.key, k.name[lang], k.unit, k.direction, AREAS[k.area][lang], ", ".join(k.dimensions))
    console.print(table)


@kpi_app.command("show")
def show(
    key: Annotated[str, typer.Argument(help="KPI key, e.g. close_rate (see `pulso kpi list`).")],
    start: FromOption,
    end: ToOption,
    grain: Annotated[Optional[str], typer.Option("--grain", help="day, week, month, quarter or year; none = one row.")] = None,
    by: Annotated[Optional[list[str]], typer.Option("--by", help="Split by a dimension (repeat for more).")] = None,
    where: WhereOption = None,
    stat: Annotated[Optional[str], typer.Option(
        "--stat", help="mean (default), median or a percentile such as p90, for KPIs with a value per record.")] = None,
    today: TodayOption = None,
    format: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Compute one KPI over [--from, --to), per period and dimension value.

    Without --grain (one figure): a period in progress on --today (default today) is computed over
    its elapsed part, `previous` is the same elapsed part of the previous period (`previous_span`)
    and `previous_full` the whole previous period; a mean KPI's figure gets its 95 % bootstrap
    `interval` and `n` (pulso.engine.bootstrap.figure, as the API answers)."""
    from pulso.engine import Engine, bootstrap

    _choice(format, FORMATS_ROWS, "--format")
    first, last = _date(start, "--from"), _date(end, "--to")
    with open_workspace(db) as store:
        engine = Engine(store)
        if grain is None:
            kpi = engine.kpi(key)
            rows = bootstrap.figure(engine, key, start=first, end=last, today=as_of(today), by=_by(by),
                                    filters=_filters(where), stat=stat)
            columns = ["period_start", "period_end", *_by(by), "value", "numerator", "denominator", "previous",
                       "previous_span", "previous_full", "year_ago", *kpi.extras]
            columns += ["n", "interval"] if rows and "interval" in rows[0] else []
        else:
            result = engine.query(key, start=first, end=last, grain=grain, by=_by(by), filters=_filters(where),
                                  stat=stat)
            kpi, rows, columns = result.kpi, result.rows, list(result.columns)
        settings = store.settings_dict()
    currency, timezone = settings.get("currency", ""), settings.get("timezone") or "UTC"
    if format == "table":
        columns = [c for c in columns if c != "period_end"]
    _print_rows(rows, columns, format, f"{kpi.name['es']} · {kpi.name['en']} ({kpi.key})",
                _for_reader(kpi, currency, timezone))


@kpi_app.command("explain")
def explain(
    key: Annotated[str, typer.Argument(help="KPI key.")],
    dialect: Annotated[str, typer.Option("--dialect", help="duckdb, postgres, trino, bigquery or snowflake.")] = "duckdb",
    lang: LangOption = "es",
) -> None:
    """The KPI's formula in words and the SQL it runs."""
    from pulso.catalog import load_catalog
    from pulso.engine.explain import explain_kpi

    kpi = load_catalog().kpi(key)
    sys.stdout.write(explain_kpi(kpi, dialect=dialect, lang=lang).text(kpi) + "\n")


@kpi_app.command("drill")
def drill(
    key: Annotated[str, typer.Argument(help="KPI key.")],
    start: FromOption,
    end: ToOption,
    part: Annotated[str, typer.Option("--part", help="numerator or denominator.")] = "numerator",
    where: WhereOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Records per page.")] = 50,
    offset: Annotated[int, typer.Option("--offset", help="Records to skip.")] = 0,
    format: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    db: DbOption = None,
) -> None:
    """The records behind a KPI's numerator or denominator over [--from, --to)."""
    from pulso.engine import Engine

    _choice(format, FORMATS_ROWS, "--format")
    first, last = _date(start, "--from"), _date(end, "--to")
    with open_workspace(db) as store:
        engine = Engine(store)
        rows = engine.drill(key, start=first, end=last, part=part, filters=_filters(where), limit=limit, offset=offset)
        kpi = engine.kpi(key)
        timezone = store.settings_dict().get("timezone") or "UTC"
    columns = ["table", "id", "at", *kpi.dimensions, "contribution"]
    if format == "table":
        columns = [c for c in columns if any(r.get(c) is not None for r in rows) or c in ("table", "id", "at")]
    _print_rows(rows, columns, format, f"{kpi.key}: {part}", _for_reader(kpi, "", timezone, figures=False))
