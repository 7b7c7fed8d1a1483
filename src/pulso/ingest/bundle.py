"""A whole export at once: a zip or a folder of a CRM's files (or several files), recognised file by
file and loaded in dependency order.

    with expanded(paths, names) as (files, shown, notes):
        plan = plan_files(files, shown, mapping, table, reading)

A zip is checked before anything is unpacked (the limits the XLSX reader applies to a workbook:
declared size in all, compression ratio, and no entry that is a link or whose path leaves the
zip), then its data files are copied into a private temporary folder (0700, files 0600, named by
Pulso) that is removed when the run ends. The plan recognises each file through the mapping's
identifying headers, leaves out (with a note) the files the mapping does not use, and orders the
rest by the canonical tables' references (accounts before deals, leads before the campaign
members that update them). Files that feed a table another file of the run creates are written in
a later step of the same transaction, so the run stays all or nothing.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from pulso.i18n import N_, saying
from pulso.ingest.mapping import Mapping, MappingError, SourceSpec, header_key, load_mapping, presets
from pulso.ingest.readers import EmptyFile, ReadError, open_source
from pulso.ingest.runlog import Note
from pulso.ingest.xlsx import check_sizes
from pulso.store import schema

#: The files of an export that a reader can read; everything else (attachments, documents) is left out.
DATA_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq", ".jsonl", ".ndjson", ".json"})
_LINK = 0o120000


def is_bundle(paths: list[Path]) -> bool:
    """True when a run gets a zip or a folder (a whole export) rather than plain files."""
    return any(p.suffix.lower() == ".zip" or p.is_dir() for p in paths)


@contextmanager
def expanded(paths: list[Path], names: dict[str, str]) -> Iterator[tuple[list[Path], dict[str, str], list[Note]]]:
    """The data files of the given paths: a zip's (unpacked into a private folder, removed after the
    run) and a folder's, and plain files as they are. Yields the files, their names to show and
    match (the path inside the zip or folder), and notes about what was left out."""
    if not is_bundle(paths):
        yield paths, names, []
        return
    work = Path(tempfile.mkdtemp(prefix="pulso-export-"))  # mkdtemp: mode 0700, a new name
    try:
        files: list[Path] = []
        shown: dict[str, str] = {}
        notes: list[Note] = []
        for path in paths:
            name = names.get(str(path), path.name)
            if path.suffix.lower() == ".zip" and not path.is_dir():
                members, left_out = _unzip(path, name, work, len(files))
            elif path.is_dir():
                found = _folder(path)
                members = [(p, n) for p, n in found if p.suffix.lower() in DATA_SUFFIXES]
                left_out = [n for p, n in found if p.suffix.lower() not in DATA_SUFFIXES]
            else:
                members, left_out = [(path, name)], []
            if left_out:
                notes.append(Note("not_data_skipped", name, len(left_out), None, left_out[0]))
            for member, inner in members:
                files.append(member)
                shown[str(member)] = inner
        yield files, shown, notes
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _folder(root: Path) -> list[tuple[Path, str]]:
    """Regular files under a folder (links and hidden files left out), named by their path in it."""
    found = []
    for here, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for f in sorted(files):
            path = Path(here) / f
            if f.startswith(".") or not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            found.append((path, path.relative_to(root).as_posix()))
    return found


def _unzip(path: Path, name: str, work: Path, start: int) -> tuple[list[tuple[Path, str]], list[str]]:
    """Check a zip's directory, then copy its data files into `work` under names Pulso chooses."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            for e in entries:
                _check_entry(e, name)
            wanted = [e for e in entries if not e.is_dir() and not _hidden(e.filename)]
            data = [e for e in wanted if PurePosixPath(e.filename).suffix.lower() in DATA_SUFFIXES]
            left_out = [e.filename for e in wanted if e not in data]
            check_sizes(data, name, whole=saying(N_("sus archivos de datos se descomprimen")),
                        advice=saying(N_("descomprímalo e importe la carpeta")), part=saying(N_("su archivo")),
                        not_what=saying(N_("no es la exportación de un CRM")))
            if len({e.filename for e in data}) < len(data):
                raise ReadError(name, saying(N_("el zip contiene dos veces el mismo nombre de archivo")))
            members = []
            for number, e in enumerate(data, start=start + 1):
                target = work / f"{number}{PurePosixPath(e.filename).suffix.lower()}"
                with archive.open(e) as src, os.fdopen(
                        os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)  # zipfile never inflates past the declared size
                members.append((target, e.filename))
            return members, left_out
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ReadError(name, saying(N_("no se puede abrir el zip: {detail}"), detail=exc)) from None


def _check_entry(e: zipfile.ZipInfo, name: str) -> None:
    """Refuse a link, or a path that is absolute or climbs out of the zip (`../x.csv`, `C:\\x.csv`)."""
    if (e.external_attr >> 16) & 0o170000 == _LINK:
        raise ReadError(name, saying(N_("su entrada {entry} es un enlace simbólico; una exportación de un CRM no tiene "
                                        "ninguno"), entry=repr(e.filename)))
    parts = e.filename.replace("\\", "/").split("/")
    if e.filename.startswith(("/", "\\")) or ".." in parts or (parts[0][1:2] == ":") or "\x00" in e.filename:
        raise ReadError(name, saying(N_("su entrada {entry} apunta fuera del zip; rechazado antes de descomprimir nada"),
                                     entry=repr(e.filename)))


def _hidden(inner: str) -> bool:
    """Operating-system leftovers: `__MACOSX/`, `._Opportunity.csv`, `.DS_Store`."""
    return any(part.startswith(".") or part == "__MACOSX" for part in inner.split("/"))


# -- the plan: which file feeds what, in which order --------------------------------------------

@dataclass
class Plan:
    """The files a run reads, in load order, the write step of each, its mapping and notes."""

    files: list[Path]
    mapping: Mapping | None
    steps: dict[str, int] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


@cache
def table_levels() -> dict[str, int]:
    """Each canonical table's depth in the references (a table comes after every table it points
    to; a cycle, teams and users, is cut where it closes)."""
    levels: dict[str, int] = {}

    def level(name: str, seen: frozenset[str]) -> int:
        if name in levels:
            return levels[name]
        parents = [t for t in schema.references(schema.table(name)).values() if t != name and t not in seen]
        found = 1 + max((level(t, seen | {name}) for t in parents), default=-1)
        levels[name] = found
        return found

    for name in schema.CANONICAL_TABLES:
        level(name, frozenset())
    return levels


def _creates(spec: SourceSpec) -> bool:
    """True when the part fills every required column of its tables (it makes records, not only updates them)."""
    for t in spec.tables:
        tbl = schema.table(t.table)
        required = {c.name for c in tbl.columns if not c.nullable and c.server_default is None and c.default is None}
        if not required <= set(t.columns):
            return False
    return True


def plan_files(files: list[Path], names: dict[str, str], mapping: str | Path | Mapping | None,
               table: str | None, read: dict) -> Plan:
    """Recognise each file of a run of several, leave out those the mapping does not use, and order
    the rest (see the module's docstring). `read`: the encoding and delimiter to open files with."""
    if table and mapping is None:  # one table: every file feeds it, in the order given
        return Plan(files, None)
    heads: dict[str, list[str]] = {}
    notes: list[Note] = []
    for path in files:
        shown = names.get(str(path), path.name)
        try:
            heads[str(path)] = open_source(path, encoding=read.get("encoding"), delimiter=read.get("delimiter")).columns
        except EmptyFile:
            notes.append(Note("empty_skipped", shown))  # an object without records: only its header
        except ReadError as exc:
            raise ReadError(shown, exc.reason, exc.line) from None
    readable = [p for p in files if str(p) in heads]
    chosen = _resolve(mapping, readable, names, heads)
    fits: dict[str, int] = {}
    for path in readable:
        shown = names.get(str(path), path.name)
        index = next((i for i, s in enumerate(chosen.sources) if s.fits(shown, heads[str(path)])), None)
        if index is None:
            notes.append(Note("unused_skipped", shown, value=chosen.name))
        else:
            fits[str(path)] = index
    if not fits:
        wanted = "; ".join(s.match or ", ".join(s.headers) or "any file" for s in chosen.sources)
        raise MappingError(f"no file of this import is one the mapping '{chosen.name}' uses (it expects: {wanted})")
    used = _best_fitting(fits, chosen, heads, names, notes)
    order = sorted(used, key=lambda p: (not _creates(chosen.sources[fits[p]]),
                                        max((table_levels()[t.table] for t in chosen.sources[fits[p]].tables), default=0),
                                        names.get(p, Path(p).name)))
    steps: dict[str, int] = {}
    step, feeding = 0, {}  # table → the source index that feeds it in this step
    for p in order:
        spec = fits[p]
        tables = [t.table for t in chosen.sources[spec].tables]
        if any(feeding.get(t, spec) != spec for t in tables):
            step, feeding = step + 1, {}
        feeding.update(dict.fromkeys(tables, spec))
        steps[p] = step
    by_name = {str(p): p for p in files}
    return Plan([by_name[p] for p in order], chosen, steps, notes)


def _resolve(mapping, files: list[Path], names: dict[str, str], heads: dict[str, list[str]]) -> Mapping:
    """The given mapping, else the built-in preset that recognises the most files."""
    if isinstance(mapping, Mapping):
        return mapping
    if mapping:
        return load_mapping(mapping)
    scores = {}
    for preset in sorted(presets()):
        candidate = load_mapping(preset)
        scores[preset] = (sum(any(s.headers and s.fits(names.get(str(p), p.name), heads[str(p)])
                                  for s in candidate.sources) for p in files), candidate)
    best = max((n for n, _ in scores.values()), default=0)
    top = [name for name, (n, _) in scores.items() if n == best]
    if best == 0:
        raise MappingError("cannot tell what these files hold: no preset recognises any of them; "
                           "give --mapping (or --table for files of one table)")
    if len(top) > 1:
        raise MappingError(f"the presets {', '.join(top)} each recognise {best} of these files; give --mapping")
    return scores[top[0]][1]


def _best_fitting(fits: dict[str, int], mapping: Mapping, heads, names, notes: list[Note]) -> list[str]:
    """Where several files fit the same part of the mapping, the ones with the most of the columns it
    reads are used (two extracts of the same object); the others are left out with a note."""
    def score(p: str) -> int:
        keys = {header_key(h) for h in heads[p]}
        return sum(header_key(c) in keys for t in mapping.sources[fits[p]].tables for c in t.source_columns())

    used = []
    for p, index in fits.items():
        rivals = [q for q, i in fits.items() if i == index]
        top = max(rivals, key=score)
        if score(p) < score(top):
            notes.append(Note("overlap_skipped", names.get(p, Path(p).name), value=names.get(top, Path(top).name)))
        else:
            used.append(p)
    return used


def written(steps: list[dict[str, pa.Table]]) -> dict[str, int]:
    """Records written per table over the steps of a run: a record that a later step updates counts once."""
    written: dict[str, int] = {}
    for name in schema.CANONICAL_TABLES:
        ids = [batches[name]["id"] for batches in steps if name in batches and batches[name].num_rows]
        if ids:
            written[name] = len(ids[0]) if len(ids) == 1 else pc.count_distinct(pa.chunked_array(ids)).as_py()
    return written
