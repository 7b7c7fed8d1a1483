"""What looks wrong in the records a run built, said before anything is written (so a dry run says
it as the real run would): stage and status values a `map` did not know (read by its "*" catch-all
or its default), all deals open or none won, a mapped column that came out empty in every row of
a file, several currencies in one table, rows skipped. Each finding is a `Note` of the run
(runlog.py), with exact counts, next to the notes reading already made (defaults for absent
columns, dates moved to satisfy a rule, NUL bytes, header-only files).

    checks.see(result, file, builder, data)   # after every typed batch of a table of a file
    result.notes += checks.report(result, reporting_currency)   # once, before the write
    checks.suggestion(result, mapping)        # the mapping with the unknown values added, as YAML
    checks.corrected(mapping, [(column, value)], {(column, value): "won"})   # ... as someone chose them
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from pulso.errors import PulsoError
from pulso.ingest.apply import TableBuilder
from pulso.ingest.mapping import Mapping, header_key, load_preset, presets
from pulso.ingest.runlog import ImportResult, Note
from pulso.ingest.transforms import values_key

#: The stage and status columns whose unknown values are reported, with the words that suggest a
#: value (checked in order, on the value in lower case); a value with none of them: the last entry.
WORDS: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {
    ("deals", "status"): [(("won", "ganad", "ganho", "gagn", "gewonn", "vinto"), "won"),
                          (("lost", "perdid", "perdu", "verlor", "abandon"), "lost"), ((), "open")],
    ("tickets", "status"): [(("clos", "cerrad"), "closed"), (("resol", "solved", "resuel"), "resolved"),
                            (("pend", "wait", "esper", "hold", "progress", "working", "escal"), "pending"), ((), "open")],
}
WORDS[("stages", "kind")] = WORDS[("deals", "status")]
CLOSED = {"won", "lost", "closed", "resolved"}  # values after which a deal or ticket has a closing time
MIN_DEALS = 5  # fewer deals than this, all open or none won is no sign of a wrong mapping


def choices(table: str, column: str) -> list[str]:
    """The values a stage or status column takes (deals.status: won, lost, open)."""
    return [out for _, out in WORDS[(table, column)]]


def unknown_values(result: ImportResult) -> list[tuple[str | None, str]]:
    """(source column, value) of every stage or status value the run's maps did not know."""
    unknown = [(n.column, n.value or "") for n in result.notes if n.kind == "unknown_value"]
    return unknown + [(n.column, value) for n in result.notes if n.kind == "unknown_agreed" for value, _ in n.counts]


def suggest(table: str, column: str, value: str) -> str:
    """The value that `value`'s words suggest for table.column ("Closed: gained won" → won)."""
    text = value.casefold()
    for words, out in WORDS[(table, column)]:
        if not words or any(w in text for w in words):
            return out
    return WORDS[(table, column)][-1][1]


@dataclass
class Tally:
    """What a run's typed records held, file by file and table by table (counts only)."""

    builders: dict[int, tuple[str, TableBuilder]] = field(default_factory=dict)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (file, table): rows built
    filled: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (file, table): {target: non-empty}
    mapped: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (file, table): {target: source}
    status: dict[str, int] = field(default_factory=dict)  # deals per status
    currencies: dict[str, dict[str | None, int]] = field(default_factory=dict)  # table: {currency: rows}
    files: dict[str, list[str]] = field(default_factory=dict)  # table: the files that fed it


def see(result: ImportResult, name: str, builder: TableBuilder, data: pa.Table) -> None:
    """Count what one typed batch of `builder`'s table (from file `name`) holds."""
    tally = result.tally = result.tally or Tally()
    tally.builders[id(builder)] = (name, builder)
    table, key = builder.spec.table, (name, builder.spec.table)
    tally.mapped[key] = {t: c.source or " + ".join(c.join) for t, c in builder.spec.columns.items()
                         if t != "id" and (c.source or c.join) and not (c.when or c.unless or c.cases)
                         and c.if_missing != "null"}  # an optional link (a WhatId that is not a deal) may be empty
    if not data.num_rows:
        return
    tally.rows[key] = tally.rows.get(key, 0) + data.num_rows
    filled = tally.filled.setdefault(key, {})
    for target in tally.mapped[key]:
        if target in data.column_names:
            filled[target] = filled.get(target, 0) + data.num_rows - data[target].null_count
    if name not in tally.files.setdefault(table, []):
        tally.files[table].append(name)
    if table == "deals" and "status" in data.column_names:
        _add(tally.status, data["status"])
    if "currency" in data.column_names:
        _add(tally.currencies.setdefault(table, {}), data["currency"])


def _add(counts: dict, column: pa.ChunkedArray) -> None:
    for item in pc.value_counts(column).to_pylist():
        counts[item["values"]] = counts.get(item["values"], 0) + item["counts"]


def report(result: ImportResult, currency: str) -> list[Note]:
    """The run's findings as notes: unknown values, rows skipped, empty columns (file by file), then
    mixed currencies and all deals open or none won (over the run). `currency`: the reporting one."""
    tally = result.tally
    if tally is None:
        return []
    return _unknown(tally) + _skipped(tally) + _empty(tally) + _currencies(tally, currency) + _statuses(tally)


def _unknown(tally: Tally) -> list[Note]:
    """One note per (file, source column, value) read by a catch-all or a default; a value that
    feeds two tables (a HubSpot stage: stages.kind and deals.status) is said once, for the deals."""
    found: dict[tuple[str, str, str], Note] = {}
    for name, b in tally.builders.values():
        for target, counts in b.unmapped.items():
            col = b.spec.columns[target]
            if (b.spec.table, target) not in WORDS:
                continue
            for value, count in counts.items():
                where = f"{b.spec.table}.{target}"
                note = (Note("empty_defaulted", name, count, col.source, "", where, values_key(col.default))
                        if value == "" else
                        Note("unknown_value", name, count, col.source, value, where, values_key(col.map["*"]),
                             suggest(b.spec.table, target, value)))
                key = (name, col.source, value)
                old = found.get(key)
                if old is None or (count, b.spec.table != "stages") > (old.count, not old.target.startswith("stages")):
                    found[key] = note
    notes = sorted(found.values(), key=lambda n: (n.file, n.column or "", -n.count, n.value or ""))
    # Values whose words agree with what the catch-all made of them ("Prospecting" → open) are
    # said together, one note per column; the others, each in its own note.
    agreed: dict[tuple, list[Note]] = {}
    for n in notes:
        if n.kind == "unknown_value" and n.suggested == n.became:
            agreed.setdefault((n.file, n.column, n.target, n.became), []).append(n)
    out = [n for n in notes if not (n.kind == "unknown_value" and n.suggested == n.became)]
    out += [Note("unknown_agreed", file, sum(n.count for n in group), column, target=target, became=became,
                 counts=tuple((n.value, n.count) for n in group))
            for (file, column, target, became), group in agreed.items()]
    return out


def _skipped(tally: Tally) -> list[Note]:
    """Rows skipped because a `skip_when_empty`, `skip_when_future` or `skip_when` column says so. Derived lookup
    tables (`distinct`: a deal file's stages) are left out: their skipped rows are no lost records."""
    notes = []
    for name, b in tally.builders.values():
        if b.spec.distinct:
            continue
        for (why, target), count in b.skips.items():
            if count:
                notes.append(Note(f"skipped_{why}", name, count, target=f"{b.spec.table}.{target}"))
        notes += [Note("skipped_when", name, count, column, value, target=b.spec.table)
                  for (column, value), count in b.dropped.items() if count and not b.spec.group_by]  # said once
    return notes


def _empty(tally: Tally) -> list[Note]:
    """Columns read from a source column (no condition) that came out empty in every row of a file."""
    notes = []
    for (name, table), mapped in tally.mapped.items():
        rows = tally.rows.get((name, table), 0)
        filled = tally.filled.get((name, table), {})
        notes += [Note("empty_column", name, rows, source, target=f"{table}.{target}")
                  for target, source in mapped.items() if rows and not filled.get(target)]
    return notes


def _currencies(tally: Tally, currency: str) -> list[Note]:
    """Tables whose records are in more than one currency (no currency = the reporting one)."""
    notes = []
    for table, counts in tally.currencies.items():
        merged: dict[str, int] = {}
        for code, n in counts.items():
            merged[code or currency] = merged.get(code or currency, 0) + n
        if len(merged) > 1:
            notes.append(Note("mixed_currencies", ", ".join(tally.files[table]), len(merged), value=currency,
                              target=table, counts=tuple(sorted(merged.items()))))
    return notes


def _statuses(tally: Tally) -> list[Note]:
    """At least MIN_DEALS deals and all of them open, or none won: the stage mapping may be wrong."""
    total = sum(tally.status.values())
    if total < MIN_DEALS or tally.status.get("won"):
        return []
    files = ", ".join(tally.files["deals"])
    if tally.status.get("open") == total:
        return [Note("all_open", files, total)]
    return [Note("none_won", files, total, counts=tuple((s, tally.status[s]) for s in ("lost", "open") if tally.status.get(s)))]


# -- the suggested mapping ----------------------------------------------------------------------

def suggestion(result: ImportResult, mapping: Mapping | None = None) -> str | None:
    """The run's mapping with every unknown stage or status value added to its map as its words
    suggest (and to the conditions that list the closed values), as YAML to save, check and use
    again; None when no value was unknown or the mapping is not known. Without `mapping`, the
    run's preset (never a file: the web and the API call this too)."""
    unknown = unknown_values(result)
    if not unknown:
        return None
    if mapping is None:
        if result.mapping not in presets():
            return None
        try:
            mapping = load_preset(result.mapping)
        except PulsoError:
            return None
    fixed = corrected(mapping, unknown)
    if fixed is None:
        return None
    head = (f"# {fixed.name}, with the values this import did not know added to its maps (as their words\n"
            f"# suggest): check them, save this as a .yaml file and import again with it.\n")
    return head + as_yaml(fixed)


def as_yaml(mapping: Mapping) -> str:
    """A mapping as the YAML a mapping file holds."""
    return yaml.safe_dump(mapping.to_dict(), sort_keys=False, allow_unicode=True, width=120)


def corrected(mapping: Mapping, unknown: list[tuple[str | None, str]],
              chosen: dict[tuple[str | None, str], str] | None = None) -> Mapping | None:
    """A copy of `mapping` with each unknown (source column, value) added to the maps of that
    column as `chosen` says (a value the column does not take, or none: as its words suggest),
    and the closed ones to the conditions that list closed values; None when nothing changed."""
    fixed = copy.deepcopy(mapping)
    changed = False
    for src in fixed.sources:
        for t in src.tables:
            for target, col in t.columns.items():
                if (t.table, target) in WORDS and col.map and "*" in col.map:
                    changed |= _extend(src, t.table, target, col, unknown, chosen or {})
    return fixed if changed else None


def _extend(src, table: str, target: str, col, unknown: list[tuple[str | None, str]],
            chosen: dict[tuple[str | None, str], str]) -> bool:
    """Add the unknown values of col's source column to its map, and the closed ones to every
    condition on that column that lists only closed values (a closing date's `when`)."""
    names = {header_key(s) for s in (col.source, *col.also) if s}
    allowed = choices(table, target)
    new = {value: chosen[column, value] if chosen.get((column, value)) in allowed else suggest(table, target, value)
           for column, value in unknown if header_key(column or "") in names and value not in col.map}
    if not new:
        return False
    closed = {k for k, v in col.map.items() if k != "*" and values_key(v) in CLOSED}
    catch_all = col.map.pop("*")
    col.map.update(new)
    col.map["*"] = catch_all
    added = [v for v, out in new.items() if out in CLOSED]
    for t in src.tables:
        for c in t.columns.values():
            for conditions in [c.when, c.unless, *[d for k in c.cases for d in (k.when, k.unless)]]:
                for column, listed in conditions.items():
                    if header_key(column) in names and listed and set(listed) <= closed:
                        listed.extend(v for v in added if v not in listed)
    return True
