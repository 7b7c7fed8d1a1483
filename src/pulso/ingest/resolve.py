"""What a flat export cannot say in one row, worked out over a whole run (mapping options in
mapping.py's docstring):

- `changes_only`: a history with one row per edit of a record (Salesforce's OpportunityHistory:
  a row for every change of amount, close date or stage) reduced to the rows where the value
  changed, each with the value before it.
- `lookups`: references given as names (Odoo's "Salesperson", HubSpot's "Associated Company")
  resolved to the ids of the records of the run and the store.
- `keep_existing`: rows a file only names (the stages of a history) left out where the record is
  already stored or comes from another file of the run.

    table = changes_only(table, {"of": "deal_id", "order": "changed_at", "value": "to_stage_id",
                                 "previous": "from_stage_id"}, tie="_row")
    notes = lookups(store, steps, origins, wanted)      # before the write, in runs._write
    keep_existing(store, steps, origins, files)
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from pulso.store import Store, schema

Steps = list[dict[str, pa.Table]]
Origins = list[dict[str, list[str]]]
#: How many names a lookup note lists (the count is always exact).
NAMES_LISTED = 5


def changes_only(table: pa.Table, spec: dict[str, str], tie: str) -> pa.Table:
    """The rows where `value` differs from the row before of the same `of` (rows sorted by `order`,
    then by `tie`, the row's place in its file); `previous` = that row's value (empty for the first
    row of each). Rows without `of` or `value` are not changes and are left out."""
    of, order, value, previous = spec["of"], spec["order"], spec["value"], spec["previous"]
    table = table.filter(pc.and_(pc.is_valid(table[of]), pc.is_valid(table[value])))
    table = table.sort_by([(of, "ascending"), (order, "ascending"), (tie, "ascending")])
    keys, vals = table[of].to_pylist(), table[value].to_pylist()
    keep, before = [], []
    for i, (key, val) in enumerate(zip(keys, vals)):
        prior = vals[i - 1] if i and keys[i - 1] == key else None
        keep.append(i == 0 or keys[i - 1] != key or prior != val)
        before.append(prior)
    table = table.filter(pa.array(keep, pa.bool_()))
    prior = pa.array([b for b, k in zip(before, keep) if k], table[value].type)
    if previous in table.column_names:
        return table.set_column(table.column_names.index(previous), previous, prior)
    return table.append_column(previous, prior)


def name_key(text: str) -> str:
    """A name as lookups compare it: case, accents and spacing aside ("  José  PÉREZ" = "jose perez")."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain.casefold()).strip()


def _records(store: Store, steps: Steps, table: str, by: str) -> tuple[set[str], dict[str, set[str]]]:
    """The ids of a table's records (stored and in the run) and, per name key of column `by`, their ids."""
    t = schema.table(table)
    with store.engine.connect() as conn:
        found = dict(conn.execute(sa.select(t.c.id, t.c[by])).all())
    for batches in steps:  # the run's rows win over the stored ones
        data = batches.get(table)
        if data is not None and by in data.column_names:
            found.update(zip(data["id"].to_pylist(), data[by].to_pylist()))
        elif data is not None:
            found.update(dict.fromkeys(i for i in data["id"].to_pylist() if i not in found))
    names: dict[str, set[str]] = {}
    for i, v in found.items():
        if isinstance(v, str) and v.strip():
            names.setdefault(name_key(v), set()).add(i)
    return set(found), names


def lookups(store: Store, steps: Steps, origins: Origins,
            wanted: dict[tuple[str, str], tuple[str, str, str]]) -> list[dict]:
    """Resolve every lookup column of the run in place; returns the fields of one note (runlog.Note)
    per file, source column and kind (`lookup_unknown`, `lookup_ambiguous`): the rows it concerns and
    the names, most rows first.

    `wanted`: (table, column) → (table looked up, its column, the source column)."""
    notes: list[dict] = []
    for (table, column), (target, by, source) in sorted(wanted.items()):
        ids, names = _records(store, steps, target, by)
        missed: dict[tuple[str, str], dict[str, int]] = {}  # (kind, file): {name: rows}
        for batches, origin in zip(steps, origins):
            data = batches.get(table)
            if data is None or column not in data.column_names:
                continue
            out = []
            for value, file in zip(data[column].to_pylist(), origin[table]):
                if value is None or value in ids:
                    out.append(value)
                    continue
                found = names.get(name_key(value), set())
                out.append(next(iter(found)) if len(found) == 1 else None)
                if len(found) != 1:
                    kind = "lookup_ambiguous" if found else "lookup_unknown"
                    counts = missed.setdefault((kind, file), {})
                    counts[value] = counts.get(value, 0) + 1
            fixed = pa.array(out, pa.string())
            batches[table] = data.set_column(data.column_names.index(column), column, fixed)
        for (kind, file), counts in sorted(missed.items()):
            listed = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            shown = ", ".join(f"{name} ({rows})" for name, rows in listed[:NAMES_LISTED])
            notes.append({"kind": kind, "file": file, "count": sum(counts.values()), "column": source,
                          "value": shown + (", …" if len(listed) > NAMES_LISTED else ""),
                          "target": f"{table}.{column}", "counts": tuple(listed)})
    return notes


def keep_existing(store: Store, steps: Steps, origins: Origins, files: set[tuple[str, str]]) -> None:
    """Leave out the rows of `files` ((file, table) pairs) whose id is stored or comes from another
    file of the run, in place."""
    for table in sorted({t for _, t in files}):
        others = {i for batches, origin in zip(steps, origins) if table in batches
                  for i, f in zip(batches[table]["id"].to_pylist(), origin[table]) if (f, table) not in files}
        t = schema.table(table)
        with store.engine.connect() as conn:
            others |= set(conn.execute(sa.select(t.c.id)).scalars().all())
        for batches, origin in zip(steps, origins):
            data = batches.get(table)
            if data is None:
                continue
            mask = [not ((f, table) in files and i in others) for i, f in zip(data["id"].to_pylist(), origin[table])]
            batches[table] = data.filter(pa.array(mask, pa.bool_()))
            origin[table] = [f for f, k in zip(origin[table], mask) if k]
