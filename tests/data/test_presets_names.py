"""Issue 13: references that exports give as names (Odoo's "Salesperson" and "Customer", HubSpot's
"Associated Company" when the export has no id column) resolved through the mapping option
`lookup: {table, by: name}` against the records of the run and the store: case, accents and
spacing aside; a name no record has, or two records have, leaves the reference empty and is
counted in the run's notes. Files built to the real export formats; invented people; every
figure worked out by hand."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from pulso.ingest import import_files
from pulso.store import schema

WHEN = dt.datetime(2024, 1, 2, 9, tzinfo=dt.timezone.utc)


def seed(store) -> None:
    """Three users, two of them called Ana Ruiz; two accounts."""
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana Ruiz", "email": "ana1@example.com", "role": "rep", "created_at": WHEN},
                  {"id": "u2", "name": "Ana Ruiz", "email": "ana2@example.com", "role": "rep", "created_at": WHEN},
                  {"id": "u3", "name": "José Pérez", "email": "jose@example.com", "role": "rep", "created_at": WHEN}],
        "accounts": [{"id": "a1", "name": "Ferretería Soto", "created_at": WHEN},
                     {"id": "a2", "name": "Minera Quispe", "created_at": WHEN}],
    })


def refs(store) -> dict[str, tuple]:
    d = schema.deals
    with store.engine.connect() as conn:
        return {r[0]: (r[1], r[2]) for r in conn.execute(sa.select(d.c.id, d.c.owner_id, d.c.account_id))}


# Odoo 17 "Export all" of crm.lead with the field labels.
ODOO = ("ID,Opportunity,Customer,Salesperson,Sales Team,Stage,Expected Revenue,Probability,Active,Created on,Currency\n"
        "__export__.crm_lead_1_a,Licencias,FERRETERIA SOTO,  jose   perez ,Ventas,New,1000.00,10.00,True,"
        "2024-02-01 10:00:00,EUR\n"
        "__export__.crm_lead_2_b,Soporte,Minera Quispe,José Pérez,Ventas,Qualified,2000.00,30.00,True,"
        "2024-02-02 10:00:00,EUR\n"
        "__export__.crm_lead_3_c,Equipos,Panadería Luz,Ana Ruiz,Ventas,New,500.00,10.00,True,2024-02-03 10:00:00,EUR\n"
        "__export__.crm_lead_4_d,Repuestos,Panaderia Luz,Pedro Gil,Ventas,New,700.00,10.00,True,2024-02-04 10:00:00,EUR\n"
        "__export__.crm_lead_5_e,Sin datos,,,Ventas,New,100.00,10.00,True,2024-02-05 10:00:00,EUR\n")


def test_odoo_salesperson_and_customer_resolved_by_name(store, tmp_path):
    seed(store)
    path = tmp_path / "crm.lead.csv"
    path.write_text(ODOO, encoding="utf-8")
    result = import_files(store, [path], mapping="odoo")
    assert refs(store) == {
        "__export__.crm_lead_1_a": ("u3", "a1"),   # case, accents and spacing aside
        "__export__.crm_lead_2_b": ("u3", "a2"),
        "__export__.crm_lead_3_c": (None, None),   # two users are called Ana Ruiz; no account Panadería Luz
        "__export__.crm_lead_4_d": (None, None),   # no user Pedro Gil
        "__export__.crm_lead_5_e": (None, None),   # nothing given: nothing to say
    }
    found = {(n.kind, n.column): (n.count, n.value, n.counts) for n in result.notes if n.kind.startswith("lookup_")}
    assert found == {
        ("lookup_ambiguous", "Salesperson"): (1, "Ana Ruiz (1)", (("Ana Ruiz", 1),)),
        ("lookup_unknown", "Salesperson"): (1, "Pedro Gil (1)", (("Pedro Gil", 1),)),
        # most rows first, then in the order of the text ("i" before "í")
        ("lookup_unknown", "Customer"): (2, "Panaderia Luz (1), Panadería Luz (1)",
                                         (("Panaderia Luz", 1), ("Panadería Luz", 1))),
    }
    texts = sorted(str(n) for n in result.notes if n.kind.startswith("lookup_"))
    assert texts[0] == "crm.lead.csv: Customer: no record has the name in 2 rows, left empty: " \
                       "Panaderia Luz (1), Panadería Luz (1)"
    assert texts[1] == "crm.lead.csv: Salesperson: no record has the name in 1 row, left empty: Pedro Gil (1)"
    # By hand: José Pérez owns deals 1 and 2 (3,000.00 of pipeline); no deal is Ana Ruiz's.
    with store.engine.connect() as conn:
        owned = conn.exec_driver_sql("SELECT owner_id, count(*), sum(amount) FROM deals "
                                     "WHERE owner_id IS NOT NULL GROUP BY owner_id").all()
    assert [(o, n, float(s)) for o, n, s in owned] == [("u3", 2, 3000.0)]


HUBSPOT_COMPANIES = ("Record ID,Company name,Create Date\n"
                     "901,Acme Ltda.,2024-01-10 09:00\n")
# A deals view export without the association id columns: only the company's name.
HUBSPOT_DEALS = ("Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Associated Company\n"
                 "7001,Acme - plan anual,Appointment Scheduled,Sales Pipeline,1200,2024-06-30 00:00,"
                 "2024-02-01 10:00,acme ltda.\n"
                 "7002,Soto - licencias,Appointment Scheduled,Sales Pipeline,800,2024-06-30 00:00,"
                 "2024-02-02 10:00,Ferreteria Soto\n"
                 "7003,Desconocida,Appointment Scheduled,Sales Pipeline,300,2024-06-30 00:00,"
                 "2024-02-03 10:00,Nadie S.A.\n")


def test_hubspot_associated_company_resolved_by_name(store, tmp_path):
    seed(store)
    export = tmp_path / "hubspot"
    export.mkdir()
    (export / "hubspot-crm-exports-companies-2024-03-01.csv").write_text(HUBSPOT_COMPANIES, encoding="utf-8")
    (export / "hubspot-crm-exports-deals-2024-03-01.csv").write_text(HUBSPOT_DEALS, encoding="utf-8")
    result = import_files(store, [export], mapping="hubspot")
    # 7001: a company of the same run; 7002: a stored account; 7003: no company has the name.
    assert {k: a for k, (_, a) in refs(store).items()} == {"7001": "901", "7002": "a1", "7003": None}
    unknown = [n for n in result.notes if n.kind == "lookup_unknown"]
    assert [(n.column, n.count, n.value) for n in unknown] == [("Associated Company", 1, "Nadie S.A. (1)")]
