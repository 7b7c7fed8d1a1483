"""Dirty data on purpose: planted duplicate accounts and leads, and incomplete rows.

A duplicate is a later copy of a record with one or two of: a typo in the name, accents removed
(or added), the e-mail in other capitals, the phone written another way. The truth goes to
`demo_duplicates`, so that duplicate detection can be scored against it.
"""

from __future__ import annotations

import random
import re
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pulso.demo import people
from pulso.demo.clock import DAY, HOUR, NAT
from pulso.demo.leads import NOT_MQL, Leads
from pulso.demo.people import Staff
from pulso.demo.sales import Accounts
from pulso.demo.world import World, extend

ACCOUNT_DUPLICATES = 0.03  # of accounts
LEAD_DUPLICATES = 0.02  # of leads
INCOMPLETE_CONTACT = {"leads": 0.02, "accounts": 0.01}  # neither e-mail nor phone
INCOMPLETE_SOURCE = {"leads": 0.015, "accounts": 0.01}
ACCENTED = str.maketrans("aeiouAEIOUnN", "áéíóúÁÉÍÓÚñÑ")
NEIGHBOURS = dict(zip("aeiosrnltdcm", "sriplteknsvn"))


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4]
    if not candidates:
        return text + text[-1]
    i = rng.choice(candidates)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    how = rng.randrange(4)
    if how == 0:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2:]  # swap two letters
    elif how == 1:
        w = w[:k] + w[k + 1:]  # drop one
    elif how == 2:
        w = w[:k] + w[k] + w[k:]  # double one
    else:
        w = w[:k] + NEIGHBOURS.get(w[k].lower(), "e") + w[k + 1:]  # a neighbouring key
    if w == words[i]:  # swapped or doubled a letter into the same word: drop one instead
        w = w[:k] + w[k + 1:]
    words[i] = w
    return " ".join(words)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _add_accent(rng: random.Random, text: str) -> str:
    spots = [m.start() for m in re.finditer(r"[aeiou]", text)]
    if not spots:
        return text
    k = rng.choice(spots)
    return text[:k] + text[k].translate(ACCENTED) + text[k + 1:]


def _email_case(rng: random.Random, email: str) -> str:
    if rng.random() < 0.5:
        return email.upper()
    local, _, domain = email.partition("@")
    return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain.capitalize()


def _phone_format(rng: random.Random, phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    national = digits[2:] if phone.startswith(("+34", "+52", "+57", "+54", "+56", "+44")) else digits[1:]
    how = rng.randrange(3)
    if how == 0:
        return digits  # 34612345678
    if how == 1:
        return "00" + digits[: len(digits) - len(national)] + " " + national
    return f"{national[:3]}-{national[3:6]}-{national[6:]}"


def vary(rng: random.Random, name: str, email: str | None, phone: str | None) -> tuple[str, str | None, str | None, str]:
    """A near-copy of a contact and the names of the variations applied."""
    options = ["typo", "accents"]
    if email:
        options.append("email_case")
    if phone:
        options.append("phone_format")
    chosen = rng.sample(options, min(len(options), 1 + (rng.random() < 0.4)))
    done = []
    for v in sorted(chosen):
        if v == "typo":
            name = _typo(rng, name)
            done.append("typo")
        elif v == "accents":
            stripped = _strip_accents(name)
            if stripped != name:
                name, label = stripped, "accents_removed"
            else:
                name, label = _add_accent(rng, name), "accents_added"
            done.append(label)
        elif v == "email_case":
            email = _email_case(rng, email)
            done.append("email_case")
        else:
            phone = _phone_format(rng, phone)
            done.append("phone_format")
    return name, email, phone, ",".join(done)


def _copies(gen: np.random.Generator, name: pa.Array, email: pa.Array, phone: pa.Array, rows: np.ndarray):
    rng = random.Random(int(gen.integers(2**63)))  # per-row choices: Python's generator is cheaper per call
    out = [vary(rng, n, e, p) for n, e, p in zip(name.take(pa.array(rows)).to_pylist(),
                                                 email.take(pa.array(rows)).to_pylist(),
                                                 phone.take(pa.array(rows)).to_pylist())]
    return (pa.array([o[0] for o in out], pa.string()), pa.array([o[1] for o in out], pa.string()),
            pa.array([o[2] for o in out], pa.string()), [o[3] for o in out])


def duplicate_leads(world: World, staff: Staff, leads: Leads) -> list[str]:
    """Append planted duplicate leads (unsorted); returns their variations, in order."""
    rng, w = world.rng("duplicate-leads"), world.window
    n = len(leads.created)
    rows = np.sort(rng.choice(n, round(LEAD_DUPLICATES * n), replace=False))
    k = len(rows)
    name, email, phone, variation = _copies(rng, leads.name, leads.email, leads.phone, rows)
    created = np.minimum(leads.created[rows] + rng.integers(HOUR, 45 * DAY, k), w.end - HOUR)
    none = np.full(k, NAT, dtype=np.int64)
    extend(leads, dict(
        created=created, mql=none, sql=none, converted=none, disqualified=none,
        owner=people.assign(rng, staff, leads.team[rows], created), team=leads.team[rows],
        country=leads.country[rows], segment=leads.segment[rows], source=leads.source[rows],
        campaign=leads.campaign[rows], tier=np.full(k, NOT_MQL), deal_close=none, plan=leads.plan[rows],
        monthly=leads.monthly[rows], has_visitor=np.zeros(k, bool), name=name, email=email, phone=phone,
        company=leads.company.take(pa.array(rows)), visitor=pa.nulls(k, pa.string()), original=rows,
        account=np.full(k, -1),
    ))
    return variation


def duplicate_accounts(world: World, staff: Staff, acc: Accounts, k: int) -> list[str]:
    """Append `k` planted duplicate accounts of customers (unsorted); returns their variations."""
    rng, w = world.rng("duplicate-accounts"), world.window
    customers = np.flatnonzero(acc.acquired != NAT)
    rows = np.sort(rng.choice(customers, min(k, len(customers)), replace=False))
    k = len(rows)
    name, email, phone, variation = _copies(rng, acc.name, acc.email, acc.phone, rows)
    created = np.minimum(np.maximum(acc.created[rows], w.start) + rng.integers(5, 200, k) * DAY, w.end - HOUR)
    none = np.full(k, NAT, dtype=np.int64)
    team = staff.team[acc.owner[rows]]
    extend(acc, dict(
        created=created, acquired=none, churned=none, churn_reason=np.full(k, -1),
        owner=people.current_owner(rng, staff, people.assign(rng, staff, team, created)),
        country=acc.country[rows], segment=acc.segment[rows],
        source=np.where(rng.random(k) < 0.3, -1, acc.source[rows]), plan=acc.plan[rows],
        monthly=acc.monthly[rows], lead=np.full(k, -1), original=rows, name=name, email=email, phone=phone,
        company=acc.company.take(pa.array(rows)),
    ))
    return variation


def duplicates_table(table: str, prefix_ids, original: np.ndarray, variation_of_row: dict[int, str]) -> pa.Table:
    """demo_duplicates rows for one table: every record that copies another."""
    dup = np.flatnonzero(original >= 0)
    return pa.table({
        "table_name": pa.array([table] * len(dup)),
        "record_id": prefix_ids(table, dup),
        "original_id": prefix_ids(table, original[dup]),
        "variation": pa.array([variation_of_row[int(r)] for r in dup], pa.string()),
    })


def incomplete(world: World, table: str, frame: dict, original: np.ndarray) -> None:
    """Blank e-mail and phone, or source, on a few records (never on planted duplicates)."""
    rng = world.rng(f"incomplete-{table}")
    n = len(original)
    clean = np.ones(n, bool)
    clean[original >= 0] = False
    clean[original[original >= 0]] = False
    no_contact = clean & (rng.random(n) < INCOMPLETE_CONTACT[table])
    no_source = clean & (rng.random(n) < INCOMPLETE_SOURCE[table])
    for field, mask in (("email", no_contact), ("phone", no_contact), ("source", no_source)):
        values = frame[field]
        frame[field] = pc.if_else(pa.array(mask), pa.nulls(n, values.type), values)
