"""Names, companies, e-mails and phones in Spanish and English, combined in bulk.

Faker (es_ES, es_MX, en_US), seeded, fills small pools once; every row is then a vectorised
pick-and-join of pool entries with Arrow compute, so a million leads cost no Faker call each.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

LOCALES = ("es_ES", "es_MX", "en_US")

# country, share of customers, locale index, sales team index, phone template (# = a digit)
COUNTRIES = (
    ("ES", 0.50, 0, 0, "+34 6## ### ###"),
    ("MX", 0.20, 1, 1, "+52 ## #### ####"),
    ("CO", 0.05, 1, 1, "+57 3## ### ####"),
    ("AR", 0.04, 1, 1, "+54 9 11 ####-####"),
    ("CL", 0.03, 1, 1, "+56 9 #### ####"),
    ("US", 0.13, 2, 2, "+1 (###) ###-####"),
    ("GB", 0.05, 2, 2, "+44 7### ######"),
)
COUNTRY_CODES = np.array([c[0] for c in COUNTRIES], dtype=object)
COUNTRY_SHARE = np.array([c[1] for c in COUNTRIES])
COUNTRY_LOCALE = np.array([c[2] for c in COUNTRIES])
COUNTRY_TEAM = np.array([c[3] for c in COUNTRIES])

FREE_DOMAINS = (
    ("gmail.com", "hotmail.com", "yahoo.es", "outlook.es", "telefonica.net"),
    ("gmail.com", "hotmail.com", "yahoo.com.mx", "outlook.com", "prodigy.net.mx"),
    ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com"),
)
TLDS = ((".es", ".com"), (".com.mx", ".mx"), (".com", ".co"))
_LEGAL = re.compile(
    r"\b(s\.?\s?a\.?|s\.?\s?l\.?|s\.?\s?l\.?\s?n\.?\s?e|s\.?\s?c\.?\s?p|s\.?\s?c\.?|s\.?\s?r\.?\s?l\.?|de|c\.?\s?v\.?|"
    r"y|e|del|la|los|las|and|ltd|plc|inc|llc|group|grupo|sons|co)\b",
)


def ascii_fold(text: str) -> str:
    """'José Núñez' → 'jose nunez'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text))


def _unique(draw, k: int) -> list[str]:
    return list(dict.fromkeys(draw() for _ in range(k)))  # ordered: sets would vary per process


@dataclass(frozen=True)
class Pool:
    """Strings of the three locales laid end to end, with each locale's offset and length."""

    values: pa.Array
    offset: np.ndarray
    length: np.ndarray

    @classmethod
    def of(cls, parts: list[list[str]]) -> "Pool":
        lengths = np.array([len(p) for p in parts])
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        return cls(pa.array([s for p in parts for s in p], pa.string()), offsets, lengths)

    def pick(self, rng: np.random.Generator, locale: np.ndarray) -> np.ndarray:
        """Random positions, each within its row's locale."""
        return self.offset[locale] + (rng.random(len(locale)) * self.length[locale]).astype(np.int64)


@dataclass(frozen=True)
class Pools:
    """Everything the demo draws names from."""

    first: Pool
    first_ascii: pa.Array
    last: Pool
    last_ascii: pa.Array
    company: Pool
    domain: pa.Array

    @classmethod
    @functools.lru_cache(maxsize=4)  # immutable, and the slowest Faker part: reuse per seed
    def build(cls, seed: int) -> "Pools":
        """Pools filled by Faker seeded with `seed`: same seed, same pools."""
        firsts, lasts, companies, domains = [], [], [], []
        for k, locale in enumerate(LOCALES):
            fake = Faker(locale)
            fake.seed_instance(seed)
            firsts.append(_unique(fake.first_name, 700))
            lasts.append(_unique(fake.last_name, 900))
            names = _unique(fake.company, 2500)
            companies.append(names)
            for i, name in enumerate(names):
                words = [w for w in _LEGAL.sub(" ", ascii_fold(name)).replace("-", " ").split() if _slug(w)]
                domains.append("".join(_slug(w) for w in words[:2]) + TLDS[k][i % 2])
        first, last = Pool.of(firsts), Pool.of(lasts)
        return cls(
            first=first,
            first_ascii=pa.array([_slug(s) for p in firsts for s in p]),
            last=last,
            last_ascii=pa.array([_slug(s) for p in lasts for s in p]),
            company=Pool.of(companies),
            domain=pa.array(domains),
        )


@dataclass(frozen=True)
class People:
    """Generated contacts: display fields and the company each one works for."""

    name: pa.Array
    email: pa.Array
    phone: pa.Array
    company: pa.Array


def people(rng: np.random.Generator, pools: Pools, country: np.ndarray, *, business_email: float = 0.6) -> People:
    """One contact per row, named in the language of its country (index into COUNTRIES)."""
    n = len(country)
    locale = COUNTRY_LOCALE[country]
    f, l1, l2 = pools.first.pick(rng, locale), pools.last.pick(rng, locale), pools.last.pick(rng, locale)
    spanish = pa.array(locale < 2)
    second = pc.if_else(spanish, pools.last.values.take(l2), pa.nulls(n, pa.string()))
    name = pc.binary_join_element_wise(
        pools.first.values.take(f), pools.last.values.take(l1), second, " ", null_handling="skip"
    )
    c = pools.company.pick(rng, locale)
    company = pools.company.values.take(c)

    fa, la = pools.first_ascii.take(f), pools.last_ascii.take(l1)
    initial = pc.utf8_slice_codeunits(fa, 0, 1)
    digits = pc.cast(pa.array(rng.integers(1, 99, n)), pa.string())
    local = pc.choose(
        pa.array(rng.choice(5, n, p=[0.4, 0.15, 0.2, 0.1, 0.15])),
        pc.binary_join_element_wise(fa, la, "."),
        pc.binary_join_element_wise(fa, la, "_"),
        pc.binary_join_element_wise(initial, la, ""),
        pc.binary_join_element_wise(fa, la, ""),
        pc.binary_join_element_wise(fa, la, digits, ""),
    )
    free = _free_domain(rng, locale)
    domain = pc.if_else(pa.array(rng.random(n) < business_email), pools.domain.take(c), free)
    email = pc.binary_join_element_wise(local, domain, "@")
    return People(name=name, email=email, phone=phones(rng, country), company=company)


def _free_domain(rng: np.random.Generator, locale: np.ndarray) -> pa.Array:
    flat = pa.array([d for group in FREE_DOMAINS for d in group])
    pick = locale * 5 + rng.choice(5, len(locale), p=[0.5, 0.25, 0.1, 0.1, 0.05])
    return flat.take(pa.array(pick))


def phones(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    """A phone number per row in its country's usual written format."""
    n = len(country)
    out = pa.nulls(n, pa.string())
    for k, (*_, template) in enumerate(COUNTRIES):
        rows = np.flatnonzero(country == k)
        if not len(rows):
            continue
        positions = np.zeros(n, np.int64)
        positions[rows] = np.arange(len(rows))
        mask = np.zeros(n, bool)
        mask[rows] = True
        out = pc.if_else(pa.array(mask), _fill(rng, template, len(rows)).take(pa.array(positions)), out)
    return out


def _fill(rng: np.random.Generator, template: str, n: int) -> pa.Array:
    runs = re.split(r"(#+)", template)
    total = template.count("#")
    digits = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 10**total, n)), pa.string()), total, "0")
    pieces, pos = [], 0
    for part in runs:
        if not part:
            continue
        if part.startswith("#"):
            pieces.append(pc.utf8_slice_codeunits(digits, pos, pos + len(part)))
            pos += len(part)
        else:
            pieces.append(pa.scalar(part))
    return pc.binary_join_element_wise(*pieces, "")


def make_unique(values: pa.Array, taken: pa.Array | None = None) -> pa.Array:
    """E-mails made unique (also against `taken`) by a number before the '@'."""
    import pandas as pd

    series = pd.Series(values.to_numpy(zero_copy_only=False), dtype=object)
    others = set(taken.to_pylist()) - {None} if taken is not None else set()
    clash = (series.duplicated() | series.isin(others)) & series.notna()
    if not clash.any():
        return values
    seen = set(series[~clash]) | others
    fixed = series.tolist()
    for i in np.flatnonzero(clash.to_numpy()):
        local, _, domain = fixed[i].partition("@")
        k = 2
        while f"{local}{k}@{domain}" in seen:
            k += 1
        fixed[i] = f"{local}{k}@{domain}"
        seen.add(fixed[i])
    return pa.array(fixed, pa.string())
