"""`pulso rates import|list|set`: the exchange rates the KPIs convert money with.

    pulso rates import eurofxref-hist.csv      # the ECB's history (or its .zip), or currency,date,rate
    pulso rates list --currency USD
    pulso rates set MXN 2026-03-02 21.5        # units of MXN per one unit of the reporting currency

Errors are one line (a refused file lists its bad lines) and exit code 1; a refused file stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso.cli.common import DbOption, console, open_workspace, texts
from pulso.errors import PulsoError

rates_app = typer.Typer(help="Exchange rates into the reporting currency: import, list, set.", no_args_is_help=True)


@rates_app.command("import")
def import_rates(
    file: Annotated[Path, typer.Argument(help="The ECB's eurofxref-hist.csv (or .zip), or a currency,date,rate CSV.")],
    db: DbOption = None,
) -> None:
    """Store the rates of a file, converted into the reporting currency (all or nothing)."""
    from pulso import rates

    _ = texts()
    if not file.is_file():
        raise PulsoError(_("{file}: no existe el archivo").format(file=file))
    with open_workspace(db) as store:
        result = rates.import_file(store, file)
    kinds = {"ecb": _("tipos de referencia del BCE"), "table": _("tabla de tipos")}
    per = ", ".join(f"{c} {n:,}" for c, n in sorted(result.currencies.items()))
    console.print(_("Importados {n} tipos de {file} ({kind} frente a {base}), en {reporting}: {per}.").format(
        n=f"{result.written:,}", file=file.name, kind=kinds[result.format], base=result.base, reporting=result.reporting,
        per=per or _("ninguno")))
    for note in result.skipped:
        console.print(_("nota: {note}").format(note=note))


@rates_app.command("list")
def list_rates(
    db: DbOption = None,
    currency: Annotated[Optional[str], typer.Option("--currency", help="Only this currency (e.g. USD).")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """The stored rates: units of each currency per one unit of the reporting currency."""
    from pulso import rates

    _ = texts()
    if format not in ("table", "json"):
        raise PulsoError(_("formato desconocido '{fmt}'; use table o json").format(fmt=format))
    with open_workspace(db) as store:
        rows = rates.list_rates(store, currency)
        reporting = rates.reporting_currency(store)
    if format == "json":
        console.print_json(json.dumps([{**r, "rate_date": r["rate_date"].isoformat(), "rate": str(r["rate"])}
                                       for r in rows]))
        return
    table = Table(title=_("Tipos de cambio (unidades por 1 {currency})").format(currency=reporting))
    for col, right in ((_("moneda"), False), (_("fecha"), False), (_("tipo"), True), (_("fuente"), False)):
        table.add_column(col, justify="right" if right else "left")
    for r in rows:
        table.add_row(r["currency"], r["rate_date"].isoformat(), f"{r['rate']:f}".rstrip("0").rstrip("."),
                      r["source"] or "")
    console.print(table if rows else _("No hay tipos de cambio guardados."))


@rates_app.command("set")
def set_rate(
    currency: Annotated[str, typer.Argument(help="ISO code, e.g. MXN.")],
    date: Annotated[str, typer.Argument(help="YYYY-MM-DD: the rate holds from this day until the next one.")],
    rate: Annotated[str, typer.Argument(help="Units of the currency per one unit of the reporting currency.")],
    db: DbOption = None,
) -> None:
    """Store one rate by hand."""
    from pulso import rates

    _ = texts()
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise PulsoError(_("'{value}' no es una fecha; use AAAA-MM-DD").format(value=date)) from None
    with open_workspace(db) as store:
        rates.set_rate(store, currency, day, rate)
        reporting = rates.reporting_currency(store)
    console.print(_("{currency} {day}: {rate} por 1 {reporting}.").format(
        currency=currency.upper(), day=day.isoformat(), rate=rate, reporting=reporting))
