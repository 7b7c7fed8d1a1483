"""Cell transforms of a mapping's columns over Arrow arrays: cleaning null values, row conditions,
`transform` and `format`, `scale`, durations. apply.py's `TableBuilder` runs them, batch by batch."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa
import pyarrow.compute as pc

from pulso.ingest import values
from pulso.ingest.columns import ColumnSpec
from pulso.ingest.mapping import slug


def values_key(value) -> str:
    """A YAML scalar as the text a cell would hold."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def clean(arr: pa.Array, nulls: list[str]) -> pa.Array:
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.is_in(arr, value_set=pa.array(nulls, pa.string())), pa.scalar(None, pa.string()), arr)


def scaled(arr: pa.Array, scale: float, decimal: str, *, whole: bool) -> pa.Array:
    """Numbers multiplied by `scale` (rounded half up for whole-number columns), written with the
    same decimal mark; a cell that is not a number is left for the type check to report."""
    factor = Decimal(str(scale))

    def one(text: str) -> str:
        try:
            number = values._number(text, decimal) * factor
        except ValueError:
            return text
        if whole:
            number = number.to_integral_value(ROUND_HALF_UP)
        out = format(number.normalize(), "f")
        return out.replace(".", ",") if decimal == "," else out

    return per_unique(arr, one)


def condition(batch: pa.Table, conditions: dict[str, list[str]], nulls: list[str]) -> pa.Array:
    mask = None
    for column, wanted in conditions.items():
        arr = pc.fill_null(pc.utf8_trim_whitespace(batch[column].combine_chunks()), "")  # empty cell == ""
        hit = pc.fill_null(pc.is_in(arr, value_set=pa.array(wanted, pa.string())), False)
        mask = hit if mask is None else pc.and_(mask, hit)
    return mask


def per_unique(arr: pa.Array, fn) -> pa.Array:
    uniques = pc.unique(arr)
    mapped = pa.array([None if v is None else fn(v) for v in uniques.to_pylist()], pa.string())
    return pc.take(mapped, pc.index_in(arr, value_set=uniques))


def seconds(value: str) -> str:
    """A duration written `H:MM` or `H:MM:SS` (Pipedrive's "Activity - Duration") as seconds; any
    other text is left as it is (a plain number is already seconds; the rest is refused by type)."""
    parts = value.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        return value
    hours, minutes, seconds = (int(p) for p in (*parts, "0")[:3])
    return str(hours * 3600 + minutes * 60 + seconds)


def shape(value: str, col: ColumnSpec) -> str:
    t = col.transform
    if t == "slug":
        value = slug(value)
    elif t == "lower":
        value = value.lower()
    elif t == "upper":
        value = value.upper()
    elif t == "title":
        value = value.title()
    elif t == "digits":
        value = "".join(ch for ch in value if ch.isdigit())
    elif t == "strip":
        value = value.strip()
    elif t == "first_item":  # HubSpot lists a record's associations as "id1;id2"
        value = value.split(";")[0].strip()
    elif t == "duration":
        value = seconds(value)
    return col.format.replace("{}", value) if col.format else value
