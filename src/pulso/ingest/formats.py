"""Parquet and JSON lines readers: batches of text rows, as readers.py gives them for CSV."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from pulso.i18n import N_, saying
from pulso.ingest.readers import (BATCH_ROWS, MAX_COLUMNS, SAMPLE, EmptyFile, ReadError, Source, _check_text,
                                  detect_encoding, rows_table, unique_names)


def open_parquet(path: Path) -> Source:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ReadError(path.name, saying(N_("no es un archivo Parquet: {detail}"), detail=exc)) from None
    if pf.metadata.num_rows == 0:
        raise EmptyFile(path.name, "the file has columns but no rows")
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


def open_jsonl(path: Path, encoding: str | None) -> Source:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE)
    _check_text(sample, path.name, path.stat().st_size)
    enc = encoding or detect_encoding(sample, path.name)
    columns: dict[str, None] = {}
    for number, line in _json_lines(path, enc):
        if isinstance(line, dict):
            columns.update(dict.fromkeys(line))
            if len(columns) > MAX_COLUMNS:
                raise ReadError(path.name, saying(N_("los objetos tienen más de {limit} claves distintas; no es la "
                                                     "exportación de una tabla"), limit=f"{MAX_COLUMNS:,}"), number)
    if not columns:
        raise ReadError(path.name, saying(N_("no se encontró ningún objeto JSON (uno por línea)")))
    names = list(columns)
    src = Source(path, "jsonl", names, encoding=enc)

    def batches() -> Iterator[pa.Table]:
        chunk: list[tuple] = []
        for number, obj in _json_lines(path, enc):
            if not isinstance(obj, dict):
                raise ReadError(path.name, saying(N_("se esperaba un objeto JSON, no {kind}"), kind=type(obj).__name__), number)
            try:
                chunk.append(tuple(_json_text(obj.get(c)) for c in names))
            except RecursionError:
                raise ReadError(path.name, saying(N_("un valor está anidado demasiado hondo para guardarlo como texto")),
                                number) from None
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
                    raise ReadError(path.name, saying(N_("JSON no válido: {detail} (columna {column})"), detail=exc.msg,
                                                      column=exc.colno), number) from None
                except RecursionError:
                    raise ReadError(path.name, saying(N_("el JSON anida listas u objetos demasiado hondo para leerlo")),
                                    number) from None
                except ValueError as exc:
                    raise ReadError(path.name, saying(N_("JSON no válido: {detail}"), detail=exc), number) from None
                yield number, obj
        except UnicodeDecodeError:
            raise ReadError(path.name, saying(N_("no es {encoding} válido; indique la codificación (--encoding latin-1)"),
                                              encoding=encoding)) from None
