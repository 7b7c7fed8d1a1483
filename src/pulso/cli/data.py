"""`pulso import` and `pulso imports`: data in, and what each run did.

    pulso import FILE... [--table T] [--mapping NAME|PATH] [--dry-run] [--partial] [--reject-file PATH]
    pulso imports list | errors RUN_ID [--out PATH] | mappings | suggest FILE --table T
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso.cli.common import DbOption, actor, console, err, language, open_workspace, texts

imports_app = typer.Typer(help="Import runs: list them, their errors, mappings and suggestions.", no_args_is_help=True)


def import_command(
    files: Annotated[list[Path], typer.Argument(help="CSV, XLSX, Parquet or JSON-lines files, or a whole export: a zip or a folder.")],
    db: DbOption = None,
    table: Annotated[Optional[str], typer.Option("--table", help="Canonical table the files feed (columns suggested from the headers).")] = None,
    mapping: Annotated[Optional[str], typer.Option("--mapping", help="A preset name (salesforce, hubspot, pipedrive, zoho, odoo) or a mapping YAML file.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing.")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="Write the valid rows; refused rows go to --reject-file.")] = False,
    reject_file: Annotated[Optional[Path], typer.Option("--reject-file", help="CSV of refused rows: file, line, column, value, reason and the original row.")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Force an encoding (utf-8, utf-8-sig, cp1252, latin-1).")] = None,
    delimiter: Annotated[Optional[str], typer.Option("--delimiter", help="Force a CSV delimiter (default: detected).")] = None,
    date_order: Annotated[Optional[str], typer.Option("--date-order", help="How to read 03/04/2024: dmy or mdy (ymd for ISO).")] = None,
    decimal: Annotated[Optional[str], typer.Option("--decimal", help="Decimal mark: ',' or '.' (default: detected).")] = None,
) -> None:
    """Import files into the workspace: all or nothing unless --partial; every run is recorded."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from pulso.ingest import ImportFailed, import_files
    from pulso.ingest.notes import count_text, note_text
    from pulso.ingest.runlog import write_reject_file

    _ = texts()
    with open_workspace(db) as store:
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=not sys.stderr.isatty()) as progress:
            task = progress.add_task(_("Leyendo"), total=_estimated_rows(files))
            try:
                result = import_files(store, files, table=table, mapping=mapping, dry_run=dry_run, partial=partial, actor=actor(),
                                      encoding=encoding, delimiter=delimiter, date_order=date_order, decimal=decimal,
                                      progress=lambda step, rows: progress.update(task, description=step, completed=rows))
            except ImportFailed as exc:
                _print_suggestion(exc.result, mapping, _)
                if reject_file:
                    with open(reject_file, "w", newline="", encoding="utf-8") as out:
                        write_reject_file(exc.result, files, out)
                raise
        if reject_file and result.errors:
            with open(reject_file, "w", newline="", encoding="utf-8") as out:
                write_reject_file(result, files, out)
        written = ", ".join(f"{n:,} {t}" for t, n in result.written.items()) or _("nada")
        said = (_("Se escribirían {written} de {rows} filas (mapeo {mapping}; ejecución {run}).") if result.status == "dry_run"
                else _("Escritas {written} de {rows} filas (mapeo {mapping}; ejecución {run})."))
        console.print(said.format(written=written, rows=f"{result.rows_read:,}", mapping=result.mapping, run=result.run_id))
        if result.skipped:
            console.print(_("Se omitieron {n} filas que el mapeo deja fuera.").format(n=f"{result.skipped:,}"))
        for note in result.notes:
            console.print(_("Nota: {note}").format(note=note_text(note, language(), _)), markup=False)
        _print_suggestion(result, mapping, _)
        if result.errors:
            where = (_("detalles en {file}").format(file=reject_file) if reject_file
                     else _("vea `pulso imports errors {run}`").format(run=result.run_id))
            console.print(_("Rechazadas {n} filas ({counts}); {where}").format(
                n=f"{result.rejected:,}", counts=count_text(result, language(), _), where=where))


def _print_suggestion(result, mapping: str | None, _) -> None:
    """The run's mapping with the stage or status values it did not know added, as YAML to save and use."""
    from pulso.errors import PulsoError
    from pulso.ingest import load_mapping
    from pulso.ingest.checks import suggestion

    try:
        text = suggestion(result, load_mapping(mapping) if mapping else None)
    except PulsoError:  # the run is done; a mapping file that cannot be read again only loses the hint
        return
    if text:
        console.print(_("Mapeo sugerido (con los valores de arriba añadidos; guárdelo como archivo .yaml, revíselo e "
                        "importe de nuevo con --mapping ARCHIVO):"), markup=False)
        console.print(text, markup=False, soft_wrap=True)


def _estimated_rows(files: list[Path]) -> int | None:
    """Rows to expect, from the line length of each file's first megabyte (for the progress bar)."""
    total = 0
    for path in files:
        if not path.is_file():  # a device or a pipe: the import refuses it (and reading could block)
            continue
        try:
            with open(path, "rb") as f:
                sample = f.read(1 << 20)
            lines = sample.count(b"\n")
            total += int(path.stat().st_size * lines / len(sample)) if lines and path.suffix.lower() in (".csv", ".txt", ".tsv", ".jsonl", ".ndjson") else 0
        except OSError:
            return None
    return total or None


@imports_app.command("list")
def imports_list(db: DbOption = None, limit: Annotated[int, typer.Option(help="How many runs.")] = 20) -> None:
    """Recent import runs: when, who, files, status and counts."""
    from pulso.ingest import list_runs

    _ = texts()
    with open_workspace(db) as store:
        table = Table(title=_("Ejecuciones de importación"))
        for col in (_("ejecución"), _("inicio"), _("por"), _("archivos"), _("estado")):
            table.add_column(col)
        for col in (_("leídas"), _("escritas"), _("rechazadas"), _("errores")):
            table.add_column(col, justify="right")
        for r in list_runs(store, limit=limit):
            table.add_row(r["id"], f"{r['started_at']:%Y-%m-%d %H:%M}", r["actor_kind"] + (f" {r['actor_id']}" if r["actor_id"] else ""),
                          ", ".join(f["name"] for f in r["files"]), r["status"], f"{r['rows_read']:,}",
                          f"{r['rows_written']:,}", f"{r['rows_rejected']:,}", f"{r['error_count']:,}")
        console.print(table)


@imports_app.command("errors")
def imports_errors(run_id: str, db: DbOption = None,
                   out: Annotated[Optional[Path], typer.Option("--out", help="Write them as CSV here.")] = None) -> None:
    """Every error of a run: file, line, column, value and reason."""
    from pulso.ingest import run_errors, write_error_report

    with open_workspace(db) as store:
        errors = run_errors(store, run_id)
        if out:
            with open(out, "w", newline="", encoding="utf-8") as f:
                write_error_report(errors, f)
            _ = texts()
            console.print(_("{n} errores escritos en {file}.").format(n=f"{len(errors):,}", file=out))
            return
        write_error_report(errors, sys.stdout)


@imports_app.command("mappings")
def imports_mappings() -> None:
    """The built-in mapping presets."""
    from pulso.ingest import load_mapping, presets

    for name in sorted(presets()):
        console.print(f"[bold]{name}[/bold]: {' '.join(load_mapping(name).description.split())}")


@imports_app.command("suggest")
def imports_suggest(file: Path, table: Annotated[str, typer.Option("--table", help="Canonical table.")]) -> None:
    """Suggest a mapping for a file from its headers, as YAML to edit."""
    import yaml

    from pulso.ingest import open_source, suggest_mapping

    src = open_source(file)
    mapping = suggest_mapping(src.columns, table)
    if mapping is None:
        _ = texts()
        console.print(_("Ninguna cabecera de {file} parece una columna de {table}; sus cabeceras: {headers}").format(
            file=file.name, table=table, headers=", ".join(src.columns)))
        raise typer.Exit(1)
    console.print(yaml.safe_dump(mapping.to_dict(), sort_keys=False, allow_unicode=True), markup=False)
