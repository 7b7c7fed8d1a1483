"""`pulso import`, `pulso imports`, `pulso dedupe` and `pulso quality`: data in, and how clean it is.

    pulso import FILE... [--table T] [--mapping NAME|PATH] [--dry-run] [--partial] [--reject-file PATH]
    pulso imports list | errors RUN_ID [--out PATH] | mappings | suggest FILE --table T
    pulso dedupe find [--table accounts|leads] | list | merge ID [--survivor ...] | dismiss ID | undo MERGE_ID
    pulso quality report [--table T]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso.cli import DbOption, console, err, open_workspace

imports_app = typer.Typer(help="Import runs: list them, their errors, mappings and suggestions.", no_args_is_help=True)
dedupe_app = typer.Typer(help="Probable duplicate accounts and leads: find, review, merge, undo.", no_args_is_help=True)
quality_app = typer.Typer(help="Data quality: rule violations and completeness per table and field.", no_args_is_help=True)


def _me():
    """The command line as actor, with the operating-system user who ran it."""
    import getpass

    from pulso import audit

    try:
        return audit.Actor("cli", getpass.getuser())
    except (KeyError, OSError):
        return audit.CLI


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
    from pulso.ingest.runlog import count_text, write_reject_file

    with open_workspace(db) as store:
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=not sys.stderr.isatty()) as progress:
            task = progress.add_task("Reading", total=_estimated_rows(files))
            try:
                result = import_files(store, files, table=table, mapping=mapping, dry_run=dry_run, partial=partial, actor=_me(),
                                      encoding=encoding, delimiter=delimiter, date_order=date_order, decimal=decimal,
                                      progress=lambda step, rows: progress.update(task, description=step, completed=rows))
            except ImportFailed as exc:
                _print_suggestion(exc.result, mapping)
                if reject_file:
                    with open(reject_file, "w", newline="", encoding="utf-8") as out:
                        write_reject_file(exc.result, files, out)
                raise
        if reject_file and result.errors:
            with open(reject_file, "w", newline="", encoding="utf-8") as out:
                write_reject_file(result, files, out)
        verb = {"dry_run": "Would write", "partial": "Wrote", "committed": "Wrote"}[result.status]
        written = ", ".join(f"{n:,} {t}" for t, n in result.written.items()) or "nothing"
        console.print(f"{verb} {written} from {result.rows_read:,} rows (mapping {result.mapping}; run {result.run_id}).")
        if result.skipped:
            console.print(f"Skipped {result.skipped:,} rows the mapping leaves out.")
        for note in result.notes:
            console.print(f"Note: {note}", markup=False)
        _print_suggestion(result, mapping)
        if result.errors:
            console.print(f"Refused {result.rejected:,} rows ({count_text(result)})"
                          + (f"; details in {reject_file}" if reject_file else "; see `pulso imports errors " + result.run_id + "`"))


def _print_suggestion(result, mapping: str | None) -> None:
    """The run's mapping with the stage or status values it did not know added, as YAML to save and use."""
    from pulso.errors import PulsoError
    from pulso.ingest import load_mapping
    from pulso.ingest.checks import suggestion

    try:
        text = suggestion(result, load_mapping(mapping) if mapping else None)
    except PulsoError:  # the run is done; a mapping file that cannot be read again only loses the hint
        return
    if text:
        console.print("Suggested mapping (the values above added; save as a .yaml file, check it, and import again "
                      "with --mapping FILE):", markup=False)
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

    with open_workspace(db) as store:
        table = Table(title="Import runs")
        for col in ("run", "started", "by", "files", "status", "read", "written", "refused", "errors"):
            table.add_column(col, justify="right" if col in ("read", "written", "refused", "errors") else "left")
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
            console.print(f"{len(errors):,} errors written to {out}.")
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
        console.print(f"No header of {file.name} looks like a column of {table}; its headers: {', '.join(src.columns)}")
        raise typer.Exit(1)
    console.print(yaml.safe_dump(mapping.to_dict(), sort_keys=False, allow_unicode=True), markup=False)


TableOption = Annotated[str, typer.Option("--table", help="accounts or leads.")]


@dedupe_app.command("find")
def dedupe_find(db: DbOption = None, table: TableOption = "accounts",
                threshold: Annotated[float, typer.Option(help="Lowest match probability to report.")] = 0.9) -> None:
    """Find probable duplicates with Splink; they wait for a person's decision."""
    from pulso import dedupe

    with open_workspace(db) as store:
        found = dedupe.find(store, table, threshold=threshold)
        console.print(f"{len(found.pairs):,} probable duplicate pairs in {table} ({len(found.clusters):,} clusters)"
                      + (f"; {found.auto_merged:,} merged automatically above the admin's threshold" if found.auto_merged else "")
                      + ". Review them with `pulso dedupe list` or on the duplicates page.")


@dedupe_app.command("list")
def dedupe_list(db: DbOption = None, table: Annotated[Optional[str], typer.Option("--table")] = None,
                limit: Annotated[int, typer.Option(help="How many pairs.")] = 50) -> None:
    """Pending pairs, most probable first."""
    from pulso import dedupe

    with open_workspace(db) as store:
        out = Table(title="Probable duplicates")
        for col in ("candidate", "probability", "record", "duplicate of"):
            out.add_column(col)
        for c in dedupe.pending(store, table, limit=limit):
            show = lambda r: f"{r['name']} <{r['email'] or ''}> {r['phone'] or ''}" if r else "?"  # noqa: E731
            out.add_row(c["id"], f"{c['probability']:.3f}", show(c["record"]), show(c["original"]))
        console.print(out)


@dedupe_app.command("merge")
def dedupe_merge(survivor: str, duplicate: str, db: DbOption = None, table: TableOption = "accounts") -> None:
    """Merge DUPLICATE into SURVIVOR: every reference moves to the survivor (undoable)."""
    from pulso import audit, dedupe

    with open_workspace(db) as store:
        merge_id = dedupe.merge(store, table, survivor, duplicate, actor=_me())
        console.print(f"Merged {duplicate} into {survivor} (merge {merge_id}; undo with `pulso dedupe undo {merge_id}`).")


@dedupe_app.command("dismiss")
def dedupe_dismiss(candidate: str, db: DbOption = None) -> None:
    """Mark a candidate pair as not duplicates; later runs keep the decision."""
    from pulso import audit, dedupe

    with open_workspace(db) as store:
        dedupe.dismiss(store, candidate, actor=_me())
        console.print(f"Dismissed {candidate}.")


@dedupe_app.command("undo")
def dedupe_undo(merge_id: str, db: DbOption = None) -> None:
    """Undo a merge exactly: the duplicate and every moved reference come back."""
    from pulso import audit, dedupe

    with open_workspace(db) as store:
        dedupe.undo(store, merge_id, actor=_me())
        console.print(f"Undid merge {merge_id}.")


@dedupe_app.command("merges")
def dedupe_merges(db: DbOption = None) -> None:
    """Recent merges and whether they were undone."""
    from pulso import dedupe

    with open_workspace(db) as store:
        out = Table(title="Merges")
        for col in ("merge", "when", "by", "table", "survivor", "merged", "undone"):
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

    with open_workspace(db) as store:
        out = Table(title="Data quality")
        for col in ("table", "rule", "rows", "share"):
            out.add_column(col, justify="right" if col in ("rows", "share") else "left")
        for f in quality.check(store, (table,) if table else None):
            out.add_row(f.table, quality.warning_text(f, lang), f"{f.bad:,} / {f.total:,}", f"{100 * f.share:.1f} %")
        console.print(out)
        if table:
            fields = Table(title=f"Completeness of {table}")
            fields.add_column("field")
            fields.add_column("filled", justify="right")
            for name, share in quality.completeness(store, table).items():
                fields.add_row(name, "—" if share is None else f"{100 * share:.1f} %")
            console.print(fields)


def register(app: typer.Typer) -> None:
    """Add import, imports, dedupe and quality to the `pulso` command."""
    app.command("import")(import_command)
    app.add_typer(imports_app, name="imports")
    for sub, name in ((dedupe_app, "dedupe"), (quality_app, "quality")):
        if sub.registered_commands:
            app.add_typer(sub, name=name)
