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
from pulso.i18n import N_, saying

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
        where = saying(N_("{file}, línea {line}"), file=file, line=line) if line else file
        super().__init__(f"{where}: {reason}")
        self.text, self.values = N_("{where}: {reason}"), {"where": where, "reason": reason}  # pulso.i18n.error_text


class EmptyFile(ReadError):
    """A file with a header and no rows (an object with no records in a CRM's whole export)."""


#: How files that are not text begin: images, archives (an .xlsx renamed .csv), PDFs, databases, executables.
BINARY_SIGNATURES = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b",
                     b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"SQLite format 3\x00", b"PAR1",
                     b"\xd0\xcf\x11\xe0", b"\x7fELF", b"MZ", b"\x00\x00\x01\x00")
#: Control bytes that text never holds (tab, line feed, vertical tab, form feed and carriage return aside).
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x7f"


@dataclass
class Source:
    """One input file: its header, how it was read, and its batches of text rows."""

    path: Path
    format: str
    columns: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of unreadable rows
    nul_bytes: int = 0  # NUL bytes dropped while reading (CSV); known once the batches are read
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
        raise ReadError(name, saying(N_("no se puede leer el archivo: {detail}"), detail=text)) from None


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
        raise ReadError(str(path), saying(N_("no existe ese archivo")))
    if path.is_dir():
        raise ReadError(str(path), saying(N_("es una carpeta, no un archivo")))
    if not path.is_file():
        raise ReadError(path.name, saying(N_("no es un archivo normal (¿un dispositivo o una tubería?)")))
    if path.stat().st_size == 0:
        raise ReadError(path.name, saying(N_("el archivo está vacío")))
    fmt = format or _format_of(path)
    with _reading(path.name):
        if fmt == "csv":
            return _open_csv(path, encoding, delimiter)
        if fmt == "xlsx":
            from pulso.ingest.xlsx import open_xlsx

            return open_xlsx(path, sheet)
        if fmt == "parquet":
            from pulso.ingest.formats import open_parquet

            return open_parquet(path)
        if fmt == "jsonl":
            from pulso.ingest.formats import open_jsonl

            return open_jsonl(path, encoding)
    raise ReadError(path.name, saying(N_("formato desconocido '{fmt}'; use uno de: {formats}"), fmt=fmt, formats=", ".join(FORMATS)))


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
        raise ReadError(path.name, saying(N_("los libros .xls antiguos no se admiten; guárdelo como .xlsx o CSV")))
    return "csv"


def detect_encoding(sample: bytes, name: str) -> str:
    """utf-8-sig (BOM), utf-8, cp1252 or latin-1, judged on the first megabyte."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(name, saying(N_("el archivo es UTF-16; guárdelo como UTF-8 (CSV UTF-8 en Excel)")))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError as exc:
        text = sample.decode("utf-8", errors="replace")
        if any("\u0080" <= ch < "\ufffd" for ch in text):
            line = sample[: exc.start].count(b"\n") + 1
            raise ReadError(name, saying(N_("esta línea no es UTF-8 válido aunque otras sí: el archivo mezcla codificaciones; "
                                            "vuelva a guardarlo como UTF-8 o indique la codificación (--encoding latin-1)")), line) from None
    if any(b in _CP1252_UNDEFINED for b in sample):
        return "latin-1"
    return "cp1252"


def is_binary(sample: bytes) -> bool:
    """True for a file that is not text: a known binary signature, or more than one byte in ten of
    its first kilobyte a control byte (UTF-16 without a BOM has a NUL every other byte). A few NUL
    bytes inside a text file (Salesforce's rich-text fields) do not make it binary."""
    if sample.startswith(BINARY_SIGNATURES):
        return True
    head = sample[:1024]
    return bool(head) and len(head) - len(head.translate(None, _CONTROL)) > len(head) // 10


def _check_text(sample: bytes, name: str, size: int) -> None:
    if is_binary(sample):
        raise ReadError(name, saying(N_("es un archivo binario, no texto; exporte los datos como CSV, XLSX, Parquet o JSON lines")))
    if b"\n" not in sample and b"\r" not in sample and size > len(sample):
        raise ReadError(name, saying(N_("la primera línea ocupa más de {mb} MB: no es la exportación de una tabla (o le "
                                        "faltan los saltos de línea)"), mb=SAMPLE // (1 << 20)), line=1)


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
            raise ReadError(path.name, saying(N_("codificación desconocida '{encoding}'; use una de: {encodings}"), encoding=encoding, encodings=", ".join(ENCODINGS))) from None
    sample = sample.replace(b"\x00", b"")
    enc = encoding or detect_encoding(sample, path.name)
    text = sample.decode(enc, errors="replace")
    if len(sample) == SAMPLE:  # drop the last, probably partial line
        text = text[: text.rfind("\n") + 1] or text
    if not text.strip():
        raise ReadError(path.name, saying(N_("el archivo no tiene texto, solo espacios en blanco")))
    delim = delimiter or _sniff_delimiter(text)
    header_rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    header_rows = [r for r in header_rows if any(c.strip() for c in r)]
    if not header_rows:
        raise ReadError(path.name, saying(N_("el archivo no tiene fila de cabecera")))
    columns = unique_names(header_rows[0])
    if len(header_rows) < 2 and _data_lines(path, sample) == 0:
        raise EmptyFile(path.name, saying(N_("el archivo tiene cabecera pero ninguna fila")))
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
        with open(src.path, "rb") as raw:
            reader = pa_csv.open_csv(_NulFree(raw, src), read_options=read, parse_options=parse,
                                     convert_options=convert)
            for batch in reader:
                table = pa.Table.from_batches([batch])
                for offset in range(0, table.num_rows, BATCH_ROWS):
                    yield table.slice(offset, BATCH_ROWS)
    except pa.ArrowInvalid as exc:
        raise _csv_failure(src, str(exc)) from None


class _NulFree(io.RawIOBase):
    """A file read without its NUL bytes, counted in `src.nul_bytes` (no text holds them; a database
    can store none; Salesforce's Data Export leaves some inside quoted rich-text fields)."""

    def __init__(self, raw, src: Source):
        self.raw, self.src = raw, src

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while True:
            data = self.raw.read(size)
            if b"\x00" not in data:
                return data
            clean = data.replace(b"\x00", b"")
            self.src.nul_bytes += len(data) - len(clean)
            if clean:  # a block of nothing but NULs is not the end of the file: read on
                return clean

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _csv_failure(src: Source, message: str) -> ReadError:
    if "UTF8" in message or "utf8" in message.lower():
        line = _first_bad_utf8_line(src.path)
        return ReadError(src.name, saying(N_("esta línea no es UTF-8 válido aunque el principio del archivo sí: el archivo mezcla "
                                             "codificaciones; vuelva a guardarlo como UTF-8 o indique la codificación (--encoding latin-1)")), line)
    if "straddling" in message:
        return ReadError(src.name, saying(N_("una fila ocupa más de 16 MB (¿unas comillas sin cerrar?)")))
    return ReadError(src.name, saying(N_("no se puede analizar el CSV: {detail}"), detail=message.splitlines()[0]))


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
        reader = csv.reader((line.replace("\x00", "") for line in f), delimiter=src.delimiter)
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
        reader = csv.reader((line.replace("\x00", "") for line in f), delimiter=src.delimiter)
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
