"""Import a 100,000-deal Salesforce weekly Data Export zip into a new DuckDB workspace: seconds and peak memory.

    .venv/bin/python benchmarks/import_export_zip.py [--deals 100000] [--db duckdb:///tmp/bench.duckdb]

Target (issue 13): under 30 s and under 2 GB peak memory. The zip holds every object the
salesforce preset reads, in a realistic proportion to the deals (accounts, leads, campaigns and
their members, tasks, events, cases), with the Data Export's headers (API names, a UTF-8 BOM,
checkboxes 1/0, datetimes `2024-01-22T16:14:25.000+0000`), and objects the preset does not use
(Contact, User, OpportunityHistory). It is written first, by this script; the import runs in a
child process so that its peak RSS (resource.getrusage) is measured alone; tracemalloc is left out
because it slows every allocation down and would distort the time.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

# Per 100 deals (a small business's org): accounts, contacts, leads, campaign members, tasks, events,
# cases, stage history rows; one campaign per 500 deals.
PER_100 = {"Account": 20, "Contact": 40, "Lead": 100, "CampaignMember": 60, "Task": 200, "Event": 50, "Case": 20,
           "OpportunityHistory": 250}
OWNERS = [f"005{i:015d}" for i in range(1, 41)]
STAGES = [("Prospecting", 10), ("Qualification", 20), ("Needs Analysis", 20), ("Value Proposition", 50),
          ("Proposal/Price Quote", 75), ("Negotiation/Review", 90)]
BASE = dt.datetime(2022, 1, 3, 9, 0)


def stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def rid(prefix: str, i: int) -> str:
    return f"{prefix}{i:015d}"


def write_object(z: zipfile.ZipFile, name: str, header: list[str], rows) -> None:
    with z.open(f"{name}.csv", "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        w = csv.writer(text, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        text.flush()
        text.detach()


def write_zip(path: Path, deals: int) -> dict[str, int]:
    rng = random.Random(13)
    n = {k: v * deals // 100 for k, v in PER_100.items()}
    n["Campaign"] = max(1, deals // 500)
    n["Opportunity"] = deals
    n["User"] = len(OWNERS)
    when = lambda i, span=900: BASE + dt.timedelta(minutes=(i * 7919) % (span * 24 * 60))  # noqa: E731
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        write_object(z, "User", ["Id", "Username", "LastName", "FirstName", "Name", "CompanyName", "Email", "IsActive",
                                 "CreatedDate"],
                     ([o, f"rep{i}@example.com.invalid", f"Rep{i}", "Ana", f"Ana Rep{i}", "Demo", f"rep{i}@example.com",
                       1, stamp(BASE)] for i, o in enumerate(OWNERS)))
        write_object(z, "Account", ["Id", "IsDeleted", "MasterRecordId", "Name", "Type", "ParentId", "BillingCity",
                                    "BillingCountry", "Phone", "Industry", "AnnualRevenue", "NumberOfEmployees",
                                    "OwnerId", "CreatedDate", "CreatedById", "LastModifiedDate", "AccountSource"],
                     ([rid("001", i), 0, "", f"Empresa {i}, S.A.", "Customer", "", "Lima", "Perú", f"+51 1 {i:07d}",
                       rng.choice(["Retail", "Banking", "Healthcare", "Education", ""]), "", rng.randint(1, 500),
                       OWNERS[i % 40], stamp(when(i, 200)), OWNERS[0], stamp(when(i, 200)), "Web"]
                      for i in range(n["Account"])))
        write_object(z, "Contact", ["Id", "IsDeleted", "AccountId", "LastName", "FirstName", "Name", "Phone", "Email",
                                    "Title", "OwnerId", "CreatedDate"],
                     ([rid("003", i), 0, rid("001", i % n["Account"]), f"Apellido{i}", "Eva", f"Eva Apellido{i}", "",
                       f"c{i}@example.com", "Gerente", OWNERS[i % 40], stamp(when(i, 300))] for i in range(n["Contact"])))
        write_object(z, "Campaign", ["Id", "IsDeleted", "Name", "ParentId", "Type", "Status", "StartDate", "EndDate",
                                     "BudgetedCost", "ActualCost", "IsActive", "CurrencyIsoCode", "OwnerId", "CreatedDate"],
                     ([rid("701", i), 0, f"Campaña {i}", "", rng.choice(["Webinar", "Email", "Trade Show"]), "Completed",
                       when(i * 37, 800).date().isoformat(), "", 1000, f"{rng.randint(100, 5000)}.50", 0, "USD",
                       OWNERS[i % 40], stamp(when(i * 37, 800) - dt.timedelta(days=10))] for i in range(n["Campaign"])))
        leads = []
        for i in range(n["Lead"]):
            created = when(i)
            converted = i % 4 == 0
            leads.append([rid("00Q", i), 0, f"Apellido{i}", "Luis", f"Luis Apellido{i}", f"Empresa {i}", "Lima", "PE",
                          f"+51 9{i:08d}", "", f"l{i}@example.com", rng.choice(["Web", "Phone Inquiry", "Partner", ""]),
                          "Closed - Converted" if converted else rng.choice(["Open - Not Contacted", "Working - Contacted",
                                                                             "Closed - Not Converted"]),
                          "Retail", OWNERS[i % 40], 1 if converted else 0,
                          (created + dt.timedelta(days=i % 20)).date().isoformat() if converted else "",
                          rid("001", i % n["Account"]) if converted else "", stamp(created), OWNERS[0],
                          stamp(created + dt.timedelta(days=21))])
        write_object(z, "Lead", ["Id", "IsDeleted", "LastName", "FirstName", "Name", "Company", "City", "Country",
                                 "Phone", "MobilePhone", "Email", "LeadSource", "Status", "Industry", "OwnerId",
                                 "IsConverted", "ConvertedDate", "ConvertedAccountId", "CreatedDate", "CreatedById",
                                 "LastModifiedDate"], leads)
        del leads
        write_object(z, "CampaignMember", ["Id", "IsDeleted", "CampaignId", "LeadId", "ContactId", "Status",
                                           "HasResponded", "CreatedDate"],
                     ([rid("00v", i), 0, rid("701", i % n["Campaign"]), rid("00Q", i) if i % 5 else "",
                       "" if i % 5 else rid("003", i % n["Contact"]), "Sent", i % 2, stamp(when(i))]
                      for i in range(n["CampaignMember"])))

        def opportunity(i: int) -> list:
            created = when(i)
            state = i % 10  # 3 won, 3 lost, 4 open
            stage, probability = (("Closed Won", 100) if state < 3 else ("Closed Lost", 0) if state < 6
                                  else STAGES[i % len(STAGES)])
            close = (created + dt.timedelta(days=5 + i % 60)).date() if state < 6 else dt.date(2031, 1, 1 + i % 28)
            return [rid("006", i), 0, rid("001", i % n["Account"]), "", f"Oportunidad {i}", "", stage,
                    f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}", probability, "", close.isoformat(),
                    rng.choice(["New Customer", "Existing Customer - Upgrade"]), "", "Web", 1 if state < 6 else 0,
                    1 if state < 3 else 0, "Pipeline", "Pipeline", rng.choice(["USD", "USD", "PEN", "COP"]),
                    rid("701", i % n["Campaign"]) if i % 3 == 0 else "", 0, "", OWNERS[i % 40], stamp(created),
                    OWNERS[0], stamp(created), OWNERS[0], stamp(created), "", 1, 2024, "2024 1"]
        write_object(z, "Opportunity", ["Id", "IsDeleted", "AccountId", "RecordTypeId", "Name", "Description",
                                        "StageName", "Amount", "Probability", "ExpectedRevenue", "CloseDate", "Type",
                                        "NextStep", "LeadSource", "IsClosed", "IsWon", "ForecastCategory",
                                        "ForecastCategoryName", "CurrencyIsoCode", "CampaignId",
                                        "HasOpportunityLineItem", "Pricebook2Id", "OwnerId", "CreatedDate",
                                        "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
                                        "LastActivityDate", "FiscalQuarter", "FiscalYear", "Fiscal"],
                     (opportunity(i) for i in range(deals)))
        write_object(z, "OpportunityHistory", ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName",
                                               "Amount", "ExpectedRevenue", "CloseDate", "Probability",
                                               "ForecastCategory", "SystemModstamp", "IsDeleted"],
                     ([rid("008", i), rid("006", i % deals), OWNERS[0], stamp(when(i)), STAGES[i % 6][0], 1000, 100,
                       "2024-06-30", STAGES[i % 6][1], "Pipeline", stamp(when(i)), 0]
                      for i in range(n["OpportunityHistory"])))
        write_object(z, "Case", ["Id", "IsDeleted", "CaseNumber", "ContactId", "AccountId", "Type", "Status", "Reason",
                                 "Origin", "Subject", "Priority", "IsClosed", "ClosedDate", "IsEscalated", "OwnerId",
                                 "CreatedDate", "CreatedById"],
                     ([rid("500", i), 0, f"{i:08d}", "", rid("001", i % n["Account"]), "Problem",
                       "Closed" if i % 3 else "Working", "", rng.choice(["Email", "Phone", "Web"]), f"Caso {i}",
                       rng.choice(["Low", "Medium", "High"]), 1 if i % 3 else 0,
                       stamp(when(i) + dt.timedelta(hours=5 + i % 48)) if i % 3 else "", 0, OWNERS[i % 40],
                       stamp(when(i)), OWNERS[0]] for i in range(n["Case"])))
        write_object(z, "Task", ["Id", "WhoId", "WhatId", "Subject", "ActivityDate", "Status", "Priority",
                                 "IsHighPriority", "OwnerId", "Description", "IsDeleted", "AccountId", "IsClosed",
                                 "CreatedDate", "CreatedById", "LastModifiedDate", "CallDurationInSeconds", "CallType",
                                 "CallDisposition", "TaskSubtype"],
                     ([rid("00T", i), rid("00Q", i % n["Lead"]), "", f"Tarea {i}", when(i).date().isoformat(), "Completed",
                       "Normal", 0, OWNERS[i % 40], "", 0, rid("001", i % n["Account"]), 1, stamp(when(i)), OWNERS[0],
                       stamp(when(i)), 120 + i % 600 if i % 3 == 0 else "", "Outbound" if i % 3 == 0 else "", "",
                       ("Call", "Email", "Task")[i % 3]] for i in range(n["Task"])))
        write_object(z, "Event", ["Id", "WhoId", "WhatId", "Subject", "Location", "IsAllDayEvent", "ActivityDateTime",
                                  "ActivityDate", "DurationInMinutes", "StartDateTime", "EndDateTime", "Description",
                                  "AccountId", "OwnerId", "Type", "IsPrivate", "ShowAs", "IsDeleted", "CreatedDate"],
                     ([rid("00U", i), "", "", f"Reunión {i}", "Lima", 0, stamp(when(i)), when(i).date().isoformat(), 60,
                       stamp(when(i)), stamp(when(i) + dt.timedelta(hours=1)), "", rid("001", i % n["Account"]),
                       OWNERS[i % 40], "Meeting", 0, "Busy", 0, stamp(when(i) - dt.timedelta(days=3))]
                      for i in range(n["Event"])))
    return n


def child(zip_path: str, url: str) -> None:
    from pulso.ingest import import_files
    from pulso.store import open_store

    store = open_store(url)
    store.init(timezone="UTC", currency="USD")
    start = time.perf_counter()
    result = import_files(store, [zip_path], mapping="salesforce")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = {t: c for t, c in store.counts().items() if c}
    print(f"imported in {seconds:.1f} s; peak RSS {peak:.0f} MB; {result.status}")
    print(f"written {result.written}; stored {counts}")
    print("notes: " + "; ".join(str(n) for n in result.notes if n.kind.endswith("_skipped")))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="pulso-bench-"))
    path = folder / "WE_00D000000000001_1.zip"
    t = time.perf_counter()
    sizes = write_zip(path, args.deals)
    print(f"wrote {path.stat().st_size / 1e6:.0f} MB zip ({', '.join(f'{k} {v:,}' for k, v in sizes.items())}) "
          f"in {time.perf_counter() - t:.1f} s")
    url = args.db or f"duckdb:///{folder / 'bench.duckdb'}"
    subprocess.run([sys.executable, __file__, "--child", str(path), url], check=True)


if __name__ == "__main__":
    main()
