"""Readers: CSV (any delimiter, quoted newlines), XLSX, Parquet and JSON lines, as batches of text.

Every reader yields Arrow tables whose columns are all strings (or null), in file order, a few
tens of thousands of rows at a time, so memory follows the batch and not the file. Values are
typed later, by the mapping (see values.py), where the reason of a failure can name the column.
Encodings are detected from the first megabyte (BOM, UTF-8, cp1252, latin-1) and can be forced.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from pulso.errors import PulsoError

SAMPLE = 1 << 20
BATCH_ROWS = 50_000
ROW_LIMIT = 16 << 20  # Arrow's block: no CSV row (so no cell) is longer
MAX_COLUMNS = 16_384  # Excel's limit, and far more than any CRM export has
FORMATS = ("csv", "xlsx", "parquet", "jsonl")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")
# Bytes that cp1252 leaves undefined: a file holding them is latin-1 (ISO-8859-1).
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


class ReadError(PulsoError):
    """A file cannot be read at all: empty, binary, not the format it claims, or broken."""

    def __init__(self, file: str, reason: str, line: int | None = None):
        self.file, self.reason, self.line = file, reason, line
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {reason}")


@dataclass
class Source:
    """One input file: its header, how it was read, and its batches of text rows."""

    path: Path
    format: str
    columns: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of unreadable rows
    record_lines: array | None = None  # the line of each record, where the reader skips blank rows (XLSX)
    _batches: Iterator[pa.Table] | None = None

    @property
    def name(self) -> str:
        """The file name as errors show it."""
        return self.path.name

    def batches(self) -> Iterator[pa.Table]:
        """Batches of rows, every column text; whatever goes wrong while reading is a ReadError."""
        assert self._batches is not None, "batches() can be read once"
        batches, self._batches = self._batches, None
        return _guarded(self.name, batches)

    def lines(self, records: set[int]) -> dict[int, int]:
        """The line where each record (0-based, in file order) starts; for error reports."""
        if self.record_lines is not None:
            return {r: self.record_lines[r] for r in records if r < len(self.record_lines)}
        if self.format == "csv":
            with _reading(self.name):
                return _csv_lines(self, records)
        return {r: r + 1 for r in records}  # JSON lines: the line; Parquet: the row number


#: What the readers' libraries raise on malformed input (pa.ArrowInvalid is a ValueError).
UNREADABLE = (ValueError, csv.Error, UnicodeError, OSError, RecursionError, EOFError, zipfile.BadZipFile, zlib.error)


@contextmanager
def _reading(name: str) -> Iterator[None]:
    """Turn a reader library's error on malformed input into a ReadError naming the file."""
    try:
        yield
    except PulsoError:
        raise
    except UNREADABLE as exc:
        text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise ReadError(name, f"cannot read the file: {text}") from None


def _guarded(name: str, batches: Iterator[pa.Table]) -> Iterator[pa.Table]:
    with _reading(name):
        yield from batches


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_source(path: Path | str, *, format: str | None = None, encoding: str | None = None,
                delimiter: str | None = None, sheet: str | None = None) -> Source:
    """Open a file for reading; the format comes from its extension unless given."""
    path = Path(path)
    if not path.exists():
        raise ReadError(str(path), "no such file")
    if path.is_dir():
        raise ReadError(str(path), "is a folder, not a file")
    if not path.is_file():
        raise ReadError(path.name, "is not a regular file (a device or a pipe?)")
    if path.stat().st_size == 0:
        raise ReadError(path.name, "the file is empty")
    fmt = format or _format_of(path)
    with _reading(path.name):
        if fmt == "csv":
            return _open_csv(path, encoding, delimiter)
        if fmt == "xlsx":
            from pulso.ingest.xlsx import open_xlsx

            return open_xlsx(path, sheet)
        if fmt == "parquet":
            return _open_parquet(path)
        if fmt == "jsonl":
            return _open_jsonl(path, encoding)
    raise ReadError(path.name, f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")


def _format_of(path: Path) -> str:
    ext = path.suffix.lower().lstrip(".")
    if ext in ("csv", "txt", "tsv"):
        return "csv"
    if ext in ("xlsx", "xlsm"):
        return "xlsx"
    if ext in ("parquet", "pq"):
        return "parquet"
    if ext in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if ext == "xls":
        raise ReadError(path.name, "old .xls workbooks are not supported; save it as .xlsx or CSV")
    return "csv"


def detect_encoding(sample: bytes, name: str) -> str:
    """utf-8-sig (BOM), utf-8, cp1252 or latin-1, judged on the first megabyte."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(name, "the file is UTF-16; save it as UTF-8 (CSV UTF-8 in Excel)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError as exc:
        text = sample.decode("utf-8", errors="replace")
        if any("\u0080" <= ch < "\ufffd" for ch in text):
            line = sample[: exc.start].count(b"\n") + 1
            raise ReadError(name, "this line is not valid UTF-8 although other lines are: the file mixes encodings; "
                                  "re-save it as UTF-8 or give the encoding (--encoding latin-1)", line) from None
    if any(b in _CP1252_UNDEFINED for b in sample):
        return "latin-1"
    return "cp1252"


def _check_text(sample: bytes, name: str, size: int) -> None:
    if b"\x00" in sample:
        raise ReadError(name, "this is a binary file, not text (it contains NUL bytes); export the data as CSV, XLSX, Parquet or JSON lines")
    if b"\n" not in sample and b"\r" not in sample and size > len(sample):
        raise ReadError(name, f"the first line is longer than {SAMPLE // (1 << 20)} MB: this is not a table export "
                              "(or its line breaks are missing)", line=1)


def unique_names(names: list[str]) -> list[str]:
    """Blank headers become column_N and repeated ones get _2, _3... (CSV exports repeat names)."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = (raw or "").strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> Source:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE)
    size = path.stat().st_size
    _check_text(sample, path.name, size)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ReadError(path.name, f"unknown encoding '{encoding}'; use one of: {', '.join(ENCODINGS)}") from None
    enc = encoding or detect_encoding(sample, path.name)
    text = sample.decode(enc, errors="replace")
    if len(sample) == SAMPLE:  # drop the last, probably partial line
        text = text[: text.rfind("\n") + 1] or text
    if not text.strip():
        raise ReadError(path.name, "the file holds no text, only blank space")
    delim = delimiter or _sniff_delimiter(text)
    header_rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    header_rows = [r for r in header_rows if any(c.strip() for c in r)]
    if not header_rows:
        raise ReadError(path.name, "the file has no header row")
    columns = unique_names(header_rows[0])
    if len(header_rows) < 2 and _data_lines(path, sample) == 0:
        raise ReadError(path.name, "the file has a header but no rows")
    src = Source(path, "csv", columns, encoding=enc, delimiter=delim)
    src._batches = _csv_batches(src)
    return src


def _data_lines(path: Path, sample: bytes) -> int:
    lines = [ln for ln in sample.splitlines() if ln.strip()]
    return max(0, len(lines) - 1) if len(sample) < SAMPLE else 1


def _sniff_delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text.splitlines() else ""
        return max(",;\t|", key=first.count)


def _csv_batches(src: Source) -> Iterator[pa.Table]:
    def on_invalid(row) -> str:
        src.rejected.append((row.number,
                             f"has {row.actual_columns} fields where the header has {row.expected_columns}"))
        return "skip"

    arrow_enc = "utf8" if src.encoding in ("utf-8", "utf-8-sig") else src.encoding
    read = pa_csv.ReadOptions(column_names=src.columns, skip_rows=1, encoding=arrow_enc,
                              block_size=ROW_LIMIT, use_threads=False)
    parse = pa_csv.ParseOptions(delimiter=src.delimiter, newlines_in_values=True, invalid_row_handler=on_invalid)
    convert = pa_csv.ConvertOptions(column_types={c: pa.string() for c in src.columns},
                                    strings_can_be_null=False, null_values=[], quoted_strings_can_be_null=False)
    try:
        reader = pa_csv.open_csv(src.path, read_options=read, parse_options=parse, convert_options=convert)
        for batch in reader:
            table = pa.Table.from_batches([batch])
            for offset in range(0, table.num_rows, BATCH_ROWS):
                yield table.slice(offset, BATCH_ROWS)
    except pa.ArrowInvalid as exc:
        raise _csv_failure(src, str(exc)) from None


def _csv_failure(src: Source, message: str) -> ReadError:
    if "UTF8" in message or "utf8" in message.lower():
        line = _first_bad_utf8_line(src.path)
        return ReadError(src.name, "this line is not valid UTF-8 although the start of the file is: the file mixes "
                                   "encodings; re-save it as UTF-8 or give the encoding (--encoding latin-1)", line)
    if "straddling" in message:
        return ReadError(src.name, "a row is longer than 16 MB (a quote left open?)")
    return ReadError(src.name, f"cannot parse the CSV: {message.splitlines()[0]}")


def _first_bad_utf8_line(path: Path) -> int | None:
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def rows_at(src: Source, lines: set[int]) -> dict[int, dict[str, str]]:
    """The original cells of the CSV records that start on `lines` (for reject files)."""
    found: dict[int, dict[str, str]] = {}
    if src.format != "csv" or not lines:
        return found
    _allow_long_cells()
    with _reading(src.name), open(src.path, newline="", encoding=src.encoding, errors="replace") as f:
        reader = csv.reader(f, delimiter=src.delimiter)
        next(reader, None)
        start = reader.line_num + 1
        for row in reader:
            if start in lines:
                found[start] = dict(zip(src.columns, row))
                if len(found) == len(lines):
                    break
            start = reader.line_num + 1
    return found


def _allow_long_cells() -> None:
    """Python's csv module refuses cells over 128 KB, which Arrow reads: follow Arrow's limit."""
    if csv.field_size_limit() < ROW_LIMIT:
        csv.field_size_limit(ROW_LIMIT)


def _csv_lines(src: Source, records: set[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    if not records:
        return found
    _allow_long_cells()
    last = max(records)
    with open(src.path, newline="", encoding=src.encoding, errors="replace") as f:
        reader = csv.reader(f, delimiter=src.delimiter)
        next(reader, None)
        index, start = 0, reader.line_num + 1
        for row in reader:
            if len(row) == len(src.columns):
                if index in records:
                    found[index] = start
                index += 1
                if index > last:
                    break
            start = reader.line_num + 1
    return found


def _cell_text(value) -> str | None:
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_table(columns: list[str], rows: list[tuple]) -> pa.Table:
    width = len(columns)
    cols = [[_cell_text(r[i]) if i < len(r) else None for r in rows] for i in range(width)]
    return pa.table({c: pa.array(v, type=pa.string()) for c, v in zip(columns, cols)})


def _open_parquet(path: Path) -> Source:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ReadError(path.name, f"this is not a Parquet file: {exc}") from None
    if pf.metadata.num_rows == 0:
        raise ReadError(path.name, "the file has columns but no rows")
    columns = unique_names(pf.schema_arrow.names)
    src = Source(path, "parquet", columns)

    def batches() -> Iterator[pa.Table]:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS):
            table = pa.Table.from_batches([batch])
            yield pa.table({c: _as_text(table.column(i)) for i, c in enumerate(columns)})

    src._batches = batches()
    return src


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        column = column.cast(pa.timestamp("us", tz="UTC"))
        return pa.chunked_array([pa.array([None if v is None else v.isoformat() for v in column.to_pylist()], pa.string())])
    return column.cast(pa.string())


def _open_jsonl(path: Path, encoding: str | None) -> Source:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE)
    _check_text(sample, path.name, path.stat().st_size)
    enc = encoding or detect_encoding(sample, path.name)
    columns: dict[str, None] = {}
    for number, line in _json_lines(path, enc):
        if isinstance(line, dict):
            columns.update(dict.fromkeys(line))
            if len(columns) > MAX_COLUMNS:
                raise ReadError(path.name, f"the objects have more than {MAX_COLUMNS:,} different keys; "
                                           "this is not a table export", number)
    if not columns:
        raise ReadError(path.name, "no JSON objects found (one object per line)")
    names = list(columns)
    src = Source(path, "jsonl", names, encoding=enc)

    def batches() -> Iterator[pa.Table]:
        chunk: list[tuple] = []
        for number, obj in _json_lines(path, enc):
            if not isinstance(obj, dict):
                raise ReadError(path.name, f"expected a JSON object, got {type(obj).__name__}", number)
            try:
                chunk.append(tuple(_json_text(obj.get(c)) for c in names))
            except RecursionError:
                raise ReadError(path.name, "a value is nested too deeply to be kept as text", number) from None
            if len(chunk) == BATCH_ROWS:
                yield rows_table(names, chunk)
                chunk = []
        if chunk:
            yield rows_table(names, chunk)

    src._batches = batches()
    return src


def _json_text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _json_lines(path: Path, encoding: str) -> Iterator[tuple[int, object]]:
    with open(path, encoding=encoding) as f:
        try:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    # Whole numbers stay text: int() refuses over 4,300 digits, and the column's type decides.
                    obj = json.loads(line, parse_int=str)
                except json.JSONDecodeError as exc:
                    raise ReadError(path.name, f"not valid JSON: {exc.msg} (column {exc.colno})", number) from None
                except RecursionError:
                    raise ReadError(path.name, "the JSON nests arrays or objects too deeply to be read", number) from None
                except ValueError as exc:
                    raise ReadError(path.name, f"not valid JSON: {exc}", number) from None
                yield number, obj
        except UnicodeDecodeError:
            raise ReadError(path.name, f"not valid {encoding}; give the encoding (--encoding latin-1)") from None
