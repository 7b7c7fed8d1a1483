"""XLSX workbooks: checked for size and shape first, then read with openpyxl in read-only mode.

A workbook is a zip of XML files, so a few kilobytes can unpack to gigabytes (a zip bomb) or
declare a sheet of 300,000 columns, and openpyxl would spend minutes parsing either before
anything could refuse it. So the zip's directory (declared sizes, compression ratios) and each
sheet's declared dimension and header row are checked before openpyxl opens the file. Python's
zipfile never inflates an entry beyond its declared size, so the declared sizes bound all the
work that follows.
"""

from __future__ import annotations

import re
import zipfile
from array import array
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from pulso.i18n import N_, saying
from pulso.ingest.readers import BATCH_ROWS, MAX_COLUMNS, EmptyFile, ReadError, Source, rows_table, unique_names

MAX_UNCOMPRESSED = 1 << 30  # all entries together, as the zip declares them
MAX_RATIO = 100  # unpacked / packed size of one entry; spreadsheets stay far below
RATIO_FROM = 1 << 20  # entries smaller than this may be as compressible as they like
MAX_ROWS = 1_048_576  # Excel's own limits: this and MAX_COLUMNS (column XFD)
CHUNK = 1 << 20

_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
_REF = re.compile(r"\$?([A-Za-z]{1,7})\$?(\d{1,12})")


def check_sizes(entries: list[zipfile.ZipInfo], name: str, *, whole: str, advice: str, part: str,
                not_what: str) -> None:
    """Refuse a zip whose members declare more than MAX_UNCOMPRESSED in all, or one of which unpacks
    more than MAX_RATIO times its packed size (read from the zip's directory: nothing is unpacked)."""
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED:
        raise ReadError(name, saying(N_("{whole} hasta {total} MB, por encima del límite de {limit} MB; {advice}"), whole=whole,
                                     total=f"{total >> 20:,}", limit=f"{MAX_UNCOMPRESSED >> 20:,}", advice=advice))
    for e in entries:
        if e.file_size > RATIO_FROM and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            raise ReadError(name, saying(N_("{part} {file} se descomprime {ratio} veces más grande de lo que ocupa comprimido "
                                            "(más de {limit}): {not_what} (¿una bomba zip?)"), part=part, file=e.filename,
                                         ratio=f"{e.file_size // max(e.compress_size, 1):,}", limit=MAX_RATIO, not_what=not_what))


def check_workbook(path: Path, name: str) -> None:
    """Refuse a workbook whose zip or sheets are too large or too wide, before parsing any row."""
    try:
        with zipfile.ZipFile(path) as book:
            entries = book.infolist()
            check_sizes(entries, name, whole=saying(N_("el libro se descomprime")), advice=saying(N_("exporte la hoja como CSV")),
                        part=saying(N_("su parte")), not_what=saying(N_("no es la exportación de una hoja de cálculo")))
            for e in entries:
                if _SHEET.fullmatch(e.filename):
                    _check_sheet(book, e, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise ReadError(name, saying(N_("no se puede abrir el libro: {detail}"), detail=exc)) from None


def _check_sheet(book: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> None:
    """The declared dimension, then the cells of the first row, read a megabyte at a time."""
    sheet = entry.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    with book.open(entry) as f:
        head = f.read(CHUNK)
        data = _SHEET_DATA.search(head)
        dimension = _DIMENSION.search(head, 0, data.start() if data else len(head))
        if dimension:
            _check_dimension(dimension.group(1).decode("ascii", "replace"), sheet, name)
        if data is None:
            return
        cells, text = 0, head[data.end():]
        while True:
            end = _ROW_END.search(text)
            # Without the row's end in sight, the last bytes wait for the next chunk (a tag may straddle it).
            cut = end.start() if end else max(0, len(text) - 16)
            cells += sum(1 for m in _CELL.finditer(text) if m.start() < cut)
            if cells > MAX_COLUMNS:
                raise ReadError(name, saying(N_("la primera fila de la hoja {sheet} tiene más de {limit} celdas (el límite "
                                                "de Excel); no es la exportación de una tabla"), sheet=sheet,
                                             limit=f"{MAX_COLUMNS:,}"), 1)
            more = b"" if end else f.read(CHUNK)
            if end or not more:
                return
            text = text[cut:] + more


def _check_dimension(ref: str, sheet: str, name: str) -> None:
    last = _REF.fullmatch(ref.split(":")[-1].strip())
    if last is None:
        return  # openpyxl ignores what it cannot read; the row and cell checks still apply
    column = 0
    for letter in last.group(1).upper():
        column = column * 26 + ord(letter) - 64
    row = int(last.group(2))
    if column > MAX_COLUMNS or row > MAX_ROWS:
        raise ReadError(name, saying(N_("la hoja {sheet} declara {columns} columnas y {rows} filas; los límites de Excel son "
                                        "{max_columns} y {max_rows}: no es la exportación de una hoja de cálculo"), sheet=sheet,
                                     columns=f"{column:,}", rows=f"{row:,}", max_columns=f"{MAX_COLUMNS:,}",
                                     max_rows=f"{MAX_ROWS:,}"))


def open_xlsx(path: Path, sheet: str | None) -> Source:
    """A Source over the first sheet (or `sheet`) of a checked workbook."""
    if not zipfile.is_zipfile(path):
        raise ReadError(path.name, saying(N_("no es un libro XLSX (no es un archivo zip)")))
    check_workbook(path, path.name)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise ReadError(path.name, saying(N_("no se puede abrir el libro: {detail}"), detail=exc)) from None
    if sheet and sheet not in book.sheetnames:
        book.close()
        raise ReadError(path.name, saying(N_("no hay ninguna hoja '{sheet}'; las hojas son: {sheets}"), sheet=sheet,
                                          sheets=", ".join(book.sheetnames)))
    ws = book[sheet] if sheet else book.worksheets[0]
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
    if header is None or not any(v is not None for v in header):
        book.close()
        raise ReadError(path.name, saying(N_("la hoja está vacía")))
    columns = unique_names(["" if v is None else str(v) for v in header])
    src = Source(path, "xlsx", columns, record_lines=array("L"))
    # Rows no wider than the header, so that a stray far-right cell cannot widen every row.
    rows = ws.iter_rows(min_row=2, max_col=len(columns), values_only=True)

    def batches() -> Iterator[pa.Table]:
        chunk: list[tuple] = []
        try:
            for line, row in enumerate(rows, start=2):
                if line > MAX_ROWS:
                    raise ReadError(path.name, saying(N_("la hoja tiene más de {limit} filas (el límite de Excel)"),
                                                      limit=f"{MAX_ROWS:,}"), line)
                if not any(v is not None for v in row):
                    continue  # blank rows are skipped, as in CSV files
                chunk.append(row)
                src.record_lines.append(line)
                if len(chunk) == BATCH_ROWS:
                    yield rows_table(columns, chunk)
                    chunk = []
            if chunk:
                yield rows_table(columns, chunk)
            elif not src.record_lines:
                raise EmptyFile(path.name, saying(N_("la hoja tiene cabecera pero ninguna fila")))
        finally:
            book.close()

    src._batches = batches()
    return src
