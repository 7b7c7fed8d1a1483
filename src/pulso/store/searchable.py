"""The search columns the store keeps beside a record's own fields (migration 0011).

Leads and accounts carry `search_text` (name, e-mail and company, without accents, lower case,
one space between words) and `search_phone` (the phone's digits); deals carry `search_text`
(the title). They are computed here, in Arrow, on every batch `Store.upsert_many` stages
(store/writes.py), so imports, the API and the workspace keep them in step with the fields they
come from; a value sent for them is replaced. `plain` normalises a query exactly as `normalised`
normalises the stored text: NFKD, combining marks dropped, lower case (Ñ → n, É → e, ß stays).
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

#: table → the fields its search_text joins, in order (the first is the record's name).
TEXT = {"leads": ("name", "email", "company"), "accounts": ("name", "email", "company"), "deals": ("title",)}
#: table → the field its search_phone keeps the digits of.
PHONE = {"leads": "phone", "accounts": "phone"}
COLUMNS = ("search_text", "search_phone")


def plain(value: str) -> str:
    """Text as search compares it: accents off, lower case, words one space apart."""
    decomposed = unicodedata.normalize("NFKD", value)
    return " ".join("".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower().split())


def digits(value: str | None) -> str:
    """The ASCII digits of a phone, in order."""
    return re.sub(r"[^0-9]", "", value or "")


def normalised(values: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """`plain` of every value of a string array (null → empty)."""
    text = pc.fill_null(values.cast(pa.string()), "")
    text = pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKD"), r"\p{Mn}+", "")
    text = pc.utf8_lower(text)
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"\s+", " "))


def phone_digits(values: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    return pc.replace_substring_regex(pc.fill_null(values.cast(pa.string()), ""), r"[^0-9]+", "")


def compute(table: str, columns: dict[str, pa.Array | pa.ChunkedArray]) -> dict[str, pa.Array | pa.ChunkedArray]:
    """The search columns of `table` from its fields (each a column of `columns`)."""
    if table not in TEXT:
        return {}
    parts = [normalised(columns[f]) for f in TEXT[table]]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, " ")
    out = {"search_text": pc.utf8_trim_whitespace(pc.replace_substring_regex(joined, r"\s+", " "))}
    if table in PHONE:
        out["search_phone"] = phone_digits(columns[PHONE[table]])
    return out


def refresh(table: str, arrow: pa.Table) -> pa.Table:
    """A complete batch of `table` (every column present) with its search columns recomputed."""
    if table not in TEXT or not arrow.num_rows:
        return arrow
    fields = {f: arrow[f] for f in (*TEXT[table], PHONE.get(table)) if f}
    for name, values in compute(table, fields).items():
        arrow = arrow.set_column(arrow.schema.get_field_index(name), name, values)
    return arrow
