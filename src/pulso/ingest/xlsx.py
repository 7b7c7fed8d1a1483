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
        raise ReadError(name, f"{whole} to {total >> 20:,} MB, over the limit of {MAX_UNCOMPRESSED >> 20:,} MB; {advice}")
    for e in entries:
        if e.file_size > RATIO_FROM and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            raise ReadError(name, f"{part} {e.filename} unpacks {e.file_size // max(e.compress_size, 1):,} "
                                  f"times larger than it is packed (over {MAX_RATIO}): {not_what} (a zip bomb?)")


def check_workbook(path: Path, name: str) -> None:
    """Refuse a workbook whose zip or sheets are too large or too wide, before parsing any row."""
    try:
        with zipfile.ZipFile(path) as book:
            entries = book.infolist()
            check_sizes(entries, name, whole="the workbook unpacks", advice="export the sheet as CSV",
                        part="its part", not_what="this is not a spreadsheet export")
            for e in entries:
                if _SHEET.fullmatch(e.filename):
                    _check_sheet(book, e, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise ReadError(name, f"cannot open the workbook: {exc}") from None


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
                raise ReadError(name, f"the first row of sheet {sheet} has more than {MAX_COLUMNS:,} cells "
                                      "(Excel's limit); this is not a table export", 1)
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
        raise ReadError(name, f"sheet {sheet} declares {column:,} columns and {row:,} rows; Excel's limits are "
                              f"{MAX_COLUMNS:,} and {MAX_ROWS:,}: this is not a spreadsheet export")


def open_xlsx(path: Path, sheet: str | None) -> Source:
    """A Source over the first sheet (or `sheet`) of a checked workbook."""
    if not zipfile.is_zipfile(path):
        raise ReadError(path.name, "this is not an XLSX workbook (not a zip archive)")
    check_workbook(path, path.name)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise ReadError(path.name, f"cannot open the workbook: {exc}") from None
    if sheet and sheet not in book.sheetnames:
        book.close()
        raise ReadError(path.name, f"no sheet '{sheet}'; the sheets are: {', '.join(book.sheetnames)}")
    ws = book[sheet] if sheet else book.worksheets[0]
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
    if header is None or not any(v is not None for v in header):
        book.close()
        raise ReadError(path.name, "the sheet is empty")
    columns = unique_names(["" if v is None else str(v) for v in header])
    src = Source(path, "xlsx", columns, record_lines=array("L"))
    # Rows no wider than the header, so that a stray far-right cell cannot widen every row.
    rows = ws.iter_rows(min_row=2, max_col=len(columns), values_only=True)

    def batches() -> Iterator[pa.Table]:
        chunk: list[tuple] = []
        try:
            for line, row in enumerate(rows, start=2):
                if line > MAX_ROWS:
                    raise ReadError(path.name, f"the sheet has more than {MAX_ROWS:,} rows (Excel's limit)", line)
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
                raise EmptyFile(path.name, "the sheet has a header but no rows")
        finally:
            book.close()

    src._batches = batches()
    return src
