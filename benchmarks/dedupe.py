"""Dedupe 200,000 accounts (3 % planted near-copies): seconds, pairs, precision and recall.

    .venv/bin/python benchmarks/dedupe.py [--accounts 200000]

Target (issue 6): under 60 s. The copies use the demo's variations (typos, accents, e-mail case,
phone formats; pulso.demo.dirty.vary).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

FIRST = ["José", "María", "Lucía", "Carlos", "Ana", "Javier", "Sofía", "Diego", "Elena", "Pablo", "Marta", "Andrés",
         "Camila", "Mateo", "Valentina", "Héctor", "Paula", "Raúl", "Irene", "Tomás"]
LAST = ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz", "Díaz", "Moreno", "Muñoz",
        "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Serrano"]


def accounts(n: int, share: float = 0.03):
    from pulso.demo.dirty import vary

    rng = random.Random(3)
    rows, truth = [], set()
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        rows.append({"id": f"a{i}", "name": name, "email": f"user{i}@example{i % 97}.com",
                     "phone": f"+34 6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                     "company": f"Empresa {i % 5000}", "created_at": dt.datetime(2024, 1, 1) + dt.timedelta(minutes=i)})
    for j, i in enumerate(rng.sample(range(n), int(n * share))):
        o = rows[i]
        name, email, phone, _ = vary(rng, o["name"], o["email"], o["phone"])
        rows.append({**o, "id": f"c{j}", "name": name, "email": email, "phone": phone,
                     "created_at": o["created_at"] + dt.timedelta(days=30)})
        truth.add((f"c{j}", o["id"]))
    return rows, truth


def main() -> None:
    from pulso import dedupe
    from pulso.config import Settings
    from pulso.store import Store

    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200_000)
    args = parser.parse_args()
    store = Store(Settings(database_url=f"duckdb:///{Path(tempfile.mkdtemp()) / 'dedupe.duckdb'}"))
    store.init()
    rows, truth = accounts(int(args.accounts / 1.03))
    store.upsert("accounts", rows)
    start = time.perf_counter()
    found = dedupe.find(store, "accounts")
    seconds = time.perf_counter() - start
    got = {(r, d) for r, d, _ in found.pairs}
    hits = len(got & truth)
    print(f"{len(rows):,} accounts: {len(found.pairs):,} pairs, {len(found.clusters):,} clusters in {seconds:.1f} s; "
          f"precision {hits / max(1, len(got)):.3f}, recall {hits / len(truth):.3f}")


if __name__ == "__main__":
    main()
