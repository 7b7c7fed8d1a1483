"""`pulso version`, `pulso init`, `pulso db upgrade` and `pulso status`: the workspace itself."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso import __version__
from pulso.cli.common import DbOption, console, err, language, open_workspace, print_steps, texts

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def version() -> None:
    """Print Pulso's version."""
    console.print(f"pulso {__version__}")


def init(
    db: DbOption = None,
    timezone: Annotated[Optional[str], typer.Option(help="IANA time zone in which periods are cut, e.g. Europe/Madrid.")] = None,
    currency: Annotated[Optional[str], typer.Option(help="Reporting currency, e.g. EUR, MXN, USD.")] = None,
) -> None:
    """Create a workspace, or upgrade an existing one (safe to run again)."""
    _ = texts()
    with open_workspace(db, require=False) as store:
        progress = print_steps("init") if store.revision() is not None else None  # a new workspace: no news
        before, after = store.init(timezone=timezone, currency=currency, progress=progress)
        settings = store.settings_dict()
        url = store.display_url
        if before is None:
            console.print(_("Espacio de trabajo creado en {url} (esquema {schema}).").format(url=url, schema=after))
        elif before != after:
            console.print(_("Espacio de trabajo de {url} actualizado de {before} a {after}.").format(url=url, before=before, after=after))
        else:
            console.print(_("El espacio de trabajo de {url} está al día (esquema {schema}).").format(url=url, schema=after))
        console.print(_("Zona horaria {timezone}, moneda {currency}.").format(timezone=settings["timezone"], currency=settings["currency"]))
        if before is None:  # a new workspace watches the starter alert rules from day one (docs/alerts.md)
            from pulso.alerts import starter

            starter.install_once(store)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Apply pending migrations (safe to run again)."""
    _ = texts()
    with open_workspace(db, require=False) as store:
        before, after = store.upgrade(print_steps("db"))
        if before == after:
            console.print(_("Ya está en el esquema más reciente ({schema}).").format(schema=after))
        else:
            console.print(_("Actualizado de {before} a {after}.").format(before=before or _("una base de datos vacía"), after=after))


def status(db: DbOption = None) -> None:
    """Row counts of every table and a few headline figures (and any demo left half-built)."""
    from pulso.config import Settings
    from pulso.demo.atomic import leftover

    _ = texts()
    found = leftover(Settings.from_env(db).database_url)
    if found is not None:
        err.print(_("nota: un `pulso demo` interrumpido dejó un espacio de trabajo a medio construir en {path} "
                    "({size} MB); el espacio de trabajo no se tocó. El próximo `pulso demo` lo borra; también "
                    "puede borrarlo usted.").format(path=found, size=f"{found.stat().st_size / 1e6:,.1f}"), soft_wrap=True)
    with open_workspace(db) as store:
        show_summary(store)


def show_summary(store) -> None:
    """Print every table's row count and headline figures of the workspace, in the environment's language."""
    from pulso.formatting import fmt_number
    from pulso.store.names import TABLE_NAMES
    from pulso.summary import headline_figures

    lang = language()
    _ = texts(lang)
    settings = store.settings_dict()
    counts = store.counts()
    table = Table(title=_("Espacio de trabajo {url}").format(url=store.display_url), show_lines=False)
    table.add_column(_("tabla"))
    table.add_column(_("filas"), justify="right")
    for name, n in counts.items():
        table.add_row(_(TABLE_NAMES[name]) if name in TABLE_NAMES else name, fmt_number(n, lang))
    console.print(table)
    title = _("Cifras principales (zona horaria {timezone}, moneda {currency})").format(
        timezone=settings.get("timezone"), currency=settings.get("currency"))
    figures = Table(title=title, min_width=len(title))  # a title wider than the table would wrap
    figures.add_column(_("cifra"))
    figures.add_column(_("valor"), justify="right")
    for label, value in headline_figures(store, lang=lang):
        figures.add_row(label, value)
    console.print(figures)
