"""`pulso dedupe` and `pulso quality`: how clean the data is, and duplicates merged by a person.

    pulso dedupe find [--table accounts|leads] | list | merge ID [--survivor ...] | dismiss ID | undo MERGE_ID
    pulso quality report [--table T]
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso.cli.common import DbOption, actor, console, given, open_workspace, texts

dedupe_app = typer.Typer(help="Probable duplicate accounts and leads: find, review, merge, undo.", no_args_is_help=True)
quality_app = typer.Typer(help="Data quality: rule violations and completeness per table and field.", no_args_is_help=True)


TableOption = Annotated[str, typer.Option("--table", help="accounts or leads.")]


@dedupe_app.command("find")
def dedupe_find(db: DbOption = None, table: TableOption = "accounts",
                threshold: Annotated[float, typer.Option(help="Lowest match probability to report.")] = 0.9) -> None:
    """Find probable duplicates with Splink; they wait for a person's decision."""
    from pulso import dedupe

    _ = texts()
    steps = {"read": _("Leyendo {table}"), "compare": _("Comparando {table}"), "save": _("Guardando los pares de {table}"),
             "done": _("Terminado")}

    def heard(fraction: float, step: str) -> None:
        console.print(f"{round(100 * fraction):>3} % " + steps[step].format(table=table))

    with open_workspace(db) as store:
        found = dedupe.find(store, table, threshold=threshold, progress=heard)
        said = _("{pairs} pares de probables duplicados en {table} ({clusters} grupos)").format(
            pairs=f"{len(found.pairs):,}", table=table, clusters=f"{len(found.clusters):,}")
        if found.auto_merged:
            said += _("; {n} fusionados automáticamente por encima del umbral del administrador").format(n=f"{found.auto_merged:,}")
        console.print(said + _(". Revíselos con `pulso dedupe list` o en la página de duplicados."))


@dedupe_app.command("list")
def dedupe_list(db: DbOption = None, table: Annotated[Optional[str], typer.Option("--table")] = None,
                limit: Annotated[int, typer.Option(help="How many pairs.")] = 50) -> None:
    """Pending pairs, most probable first."""
    from pulso import dedupe

    _ = texts()
    with open_workspace(db) as store:
        out = Table(title=_("Probables duplicados"))
        for col in (_("candidato"), _("probabilidad"), _("registro"), _("duplicado de")):
            out.add_column(col)
        for c in dedupe.pending(store, table, limit=limit):
            show = lambda r: f"{r['name']} <{r['email'] or ''}> {r['phone'] or ''}" if r else "?"  # noqa: E731
            out.add_row(c["id"], f"{c['probability']:.3f}", show(c["record"]), show(c["original"]))
        console.print(out)


@dedupe_app.command("merge")
def dedupe_merge(survivor: str, duplicate: str, db: DbOption = None, table: TableOption = "accounts") -> None:
    """Merge DUPLICATE into SURVIVOR: every reference moves to the survivor (undoable)."""
    from pulso import dedupe

    with open_workspace(db) as store:
        merge_id = dedupe.merge(store, table, survivor, duplicate, actor=actor())
        _ = texts()
        console.print(_("{duplicate} fusionado en {survivor} (fusión {merge}; se deshace con `pulso dedupe undo {merge}`).").format(
            duplicate=duplicate, survivor=survivor, merge=merge_id))


@dedupe_app.command("dismiss")
def dedupe_dismiss(candidate: str, db: DbOption = None) -> None:
    """Mark a candidate pair as not duplicates; later runs keep the decision."""
    from pulso import dedupe

    with open_workspace(db) as store:
        dedupe.dismiss(store, candidate, actor=actor())
        _ = texts()
        console.print(_("{candidate} descartado.").format(candidate=candidate))


@dedupe_app.command("undo")
def dedupe_undo(merge_id: str, db: DbOption = None) -> None:
    """Undo a merge exactly: the duplicate and every moved reference come back."""
    from pulso import dedupe

    with open_workspace(db) as store:
        dedupe.undo(store, merge_id, actor=actor())
        _ = texts()
        console.print(_("Fusión {merge} deshecha.").format(merge=merge_id))


@dedupe_app.command("merges")
def dedupe_merges(db: DbOption = None) -> None:
    """Recent merges and whether they were undone."""
    from pulso import dedupe

    _ = texts()
    with open_workspace(db) as store:
        out = Table(title=_("Fusiones"))
        for col in (_("fusión"), _("cuándo"), _("por"), _("tabla"), _("superviviente"), _("fusionado"), _("deshecha")):
            out.add_column(col)
        for m in dedupe.merges(store):
            out.add_row(m["id"], f"{m['merged_at']:%Y-%m-%d %H:%M}", m["actor_kind"] + (f" {m['actor_id']}" if m["actor_id"] else ""),
                        m["table_name"], m["survivor_id"], m["merged_id"], f"{m['undone_at']:%Y-%m-%d %H:%M}" if m["undone_at"] else "")
        console.print(out)


@quality_app.command("report")
def quality_report(db: DbOption = None, table: Annotated[Optional[str], typer.Option("--table", help="One table only.")] = None,
                   lang: Annotated[str, typer.Option("--lang", help="es or en.")] = "es") -> None:
    """Rule violations per table, and completeness per field with --table."""
    from pulso import quality

    _ = texts(given(lang))
    with open_workspace(db) as store:
        out = Table(title=_("Calidad de los datos"))
        for col in (_("tabla"), _("regla")):
            out.add_column(col)
        for col in (_("filas"), _("proporción")):
            out.add_column(col, justify="right")
        for f in quality.check(store, (table,) if table else None):
            out.add_row(f.table, quality.warning_text(f, lang), f"{f.bad:,} / {f.total:,}", f"{100 * f.share:.1f} %")
        console.print(out)
        if table:
            fields = Table(title=_("Completitud de {table}").format(table=table))
            fields.add_column(_("campo"))
            fields.add_column(_("rellenos"), justify="right")
            for name, share in quality.completeness(store, table).items():
                fields.add_row(name, "—" if share is None else f"{100 * share:.1f} %")
            console.print(fields)
