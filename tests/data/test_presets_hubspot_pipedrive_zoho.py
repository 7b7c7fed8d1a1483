"""The HubSpot, Pipedrive and Zoho presets on files built to each CRM's own export format.

Every file has the headers exactly as the CRM exports them and values in its own formats (HubSpot:
every cell quoted, `2026-03-10 12:00`, flags `true`/`false`; Pipedrive: `Entity - Field` headers,
`Won`/`Lost`/`Open`, `2026-03-12 16:40:00`; Zoho: `Record Id`, lookups as `Field.id` + `Field`,
`zcrm_` ids, `Probability (%)`). People and companies are invented. KPI figures are worked out by
hand in the comments and read through the engine, for March 2026 (tests/kpis/builders.Kpis).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from kpis.builders import Kpis
from pulso import rates
from pulso.engine.money import MissingRatesError
from pulso.ingest import detect_mapping, import_files, load_mapping

approx = pytest.approx


def write(folder: Path, name: str, rows: list[list[str]], *, quote_all: bool = False) -> Path:
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    return path


def by_id(store, table: str) -> dict[str, dict]:
    return {r["id"]: r for r in store.rows(table)}


def day(value) -> str | None:
    return None if value is None else value.date().isoformat()


# -- HubSpot ------------------------------------------------------------------------------------

HUBSPOT_DEALS = [  # an "all properties" export: Record ID first, then the properties alphabetically
    ["Record ID", "Amount", "Close Date", "Closed Lost Reason", "Create Date", "Currency", "Deal Name",
     "Deal Stage", "Deal probability", "Is Closed Won", "Is Deal Closed?", "Pipeline"],
    ["9001", "1000.0", "2026-03-10 12:00", "", "2026-03-01 09:00", "EUR", "Renovación Ferretería Olmo",
     "Closed: won", "1.0", "true", "true", "Ventas"],
    ["9002", "2000.0", "2026-03-20 17:30", "", "2026-03-02 10:15", "EUR", "Licencias Talleres Brisa",
     "Closed: won", "1.0", "true", "true", "Ventas"],
    ["9003", "500.0", "2026-03-15 08:00", "Precio", "2026-03-03 11:00", "EUR", "Piloto Panadería Sol",
     "Closed: lost", "0.0", "false", "true", "Ventas"],
    ["9004", "700.0", "2026-03-25 16:00", "Sin respuesta", "2026-03-04 12:00", "EUR", "Ampliación Óptica Mar",
     "Closed: abandoned", "0.0", "false", "true", "Ventas"],
    ["9005", "4000.0", "2026-05-30 00:00", "", "2026-03-05 09:30", "EUR", "Proyecto Clínica Roble",
     "Propuesta enviada", "0.6", "false", "false", "Ventas"],
    ["9006", "3000.0", "2026-06-15 00:00", "", "2026-03-06 13:00", "EUR", "Suscripción Librería Nube",
     "Reunión agendada", "0.2", "false", "false", "Ventas"],
    ["9007", "800.0", "", "", "2026-03-07 15:45", "EUR", "Consulta Estudio Faro", "", "", "", "", "Ventas"],
]


def test_hubspot_deals_status_from_the_crm_flags_and_stages_with_probabilities(store, tmp_path):
    path = write(tmp_path, "hubspot-crm-exports-all-deals-2026-04-02.csv", HUBSPOT_DEALS, quote_all=True)
    result = import_files(store, [path], mapping="hubspot")
    assert result.status == "committed"
    deals = by_id(store, "deals")
    # Renamed closing stages: the flags say what they are ("Closed: abandoned" is closed, not won).
    assert {i: deals[i]["status"] for i in deals} == {
        "9001": "won", "9002": "won", "9003": "lost", "9004": "lost", "9005": "open", "9006": "open", "9007": "open"}
    assert day(deals["9004"]["closed_at"]) == "2026-03-25" and deals["9004"]["expected_close_at"] is None
    assert deals["9005"]["closed_at"] is None and day(deals["9005"]["expected_close_at"]) == "2026-05-30"
    # The deal with no stage is loaded (open, no stage), not a refusal of the whole file.
    assert deals["9007"]["stage_id"] is None and deals["9007"]["closed_at"] is None
    assert {d["currency"] for d in deals.values()} == {"EUR"}
    assert deals["9003"]["lost_reason"] == "Precio"
    stages = by_id(store, "stages")
    assert {(s["name"], s["kind"], round(s["probability"], 6)) for s in stages.values()} == {
        ("Closed: won", "won", 1.0), ("Closed: lost", "lost", 0.0), ("Closed: abandoned", "lost", 0.0),
        ("Propuesta enviada", "open", 0.6), ("Reunión agendada", "open", 0.2)}
    assert {s["pipeline"] for s in stages.values()} == {"Ventas"}
    assert stages[deals["9005"]["stage_id"]]["name"] == "Propuesta enviada"

    k = Kpis(store)
    # Closed in March: won 9001 9002, lost 9003 9004 → 2 / 4.
    row = k.one("close_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(0.5), 2, 4)
    assert k.value("revenue_won") == approx(1000 + 2000)
    # Open at the end of March: 9005 9006 9007.
    assert k.value("pipeline_value") == approx(4000 + 3000 + 800)
    # 9007 has no stage: it weighs 0.
    assert k.value("weighted_pipeline") == approx(4000 * 0.6 + 3000 * 0.2)


def test_hubspot_view_export_without_flags_reads_renamed_closing_stages(store, tmp_path):
    # A view export (the view's columns only): no flags, so the stage label decides.
    path = write(tmp_path, "hubspot-crm-exports-deals-view-2026-04-02.csv", [
        ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount", "Create Date"],
        ["71", "A", "Closed: won", "2026-03-10 12:00", "Marta Vidal", "100", "2026-03-01 09:00"],
        ["72", "B", "Closed: lost", "2026-03-11 12:00", "Marta Vidal", "200", "2026-03-01 09:00"],
        ["73", "C", "Closed: abandoned", "2026-03-12 12:00", "", "300", "2026-03-01 09:00"],
        ["74", "D", "Contract sent", "2026-05-01 00:00", "", "400", "2026-03-01 09:00"],
    ], quote_all=True)
    import_files(store, [path], mapping="hubspot")
    assert {i: d["status"] for i, d in by_id(store, "deals").items()} == {
        "71": "won", "72": "lost", "73": "lost", "74": "open"}
    row = Kpis(store).one("close_rate")
    assert (row["numerator"], row["denominator"]) == (1, 3)


def test_hubspot_contacts_full_name_and_lifecycle_dates(store, tmp_path):
    path = write(tmp_path, "hubspot-crm-exports-all-contacts-2026-04-02.csv", [
        ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Lifecycle Stage", "Create Date",
         "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date", "Became a Customer Date"],
        ["501", "Lucía", "Méndez", "lucia@olmo.example", "+34 600 111 222", "Customer", "2026-03-02 10:00",
         "2026-03-04 09:00", "2026-03-06 09:00", "2026-03-20 18:00"],
        ["502", "Tomás", "Herrera", "tomas@brisa.example", "", "Marketing Qualified Lead", "2026-03-05 11:00",
         "2026-03-08 12:00", "", ""],
        ["503", "Inés", "", "ines@sol.example", "", "Lead", "2026-03-10 08:00", "", "", ""],
        ["504", "", "Ortega", "", "", "Customer", "2026-03-12 16:00", "", "", "2026-03-28 10:00"],
        ["505", "Raúl", "Campos", "raul@mar.example", "", "Customer", "2026-02-20 10:00", "", "", "2026-03-05 10:00"],
    ], quote_all=True)
    assert detect_mapping(path.name, HUBSPOT_CONTACT_HEADERS).name == "hubspot"
    import_files(store, [path], mapping="hubspot")
    leads = by_id(store, "leads")
    assert {i: lead["name"] for i, lead in leads.items()} == {
        "501": "Lucía Méndez", "502": "Tomás Herrera", "503": "Inés", "504": "Ortega", "505": "Raúl Campos"}
    assert day(leads["501"]["mql_at"]) == "2026-03-04" and day(leads["501"]["sql_at"]) == "2026-03-06"
    k = Kpis(store)
    # Created in March: 501 502 503 504; customers since: 501 504 → 2 / 4; reached MQL: 501 502 → 2 / 4.
    row = k.one("lead_conversion_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(0.5), 2, 4)
    assert k.value("lead_to_mql_rate") == approx(2 / 4)


HUBSPOT_CONTACT_HEADERS = ["Record ID", "First Name", "Last Name", "Email", "Create Date"]


def test_hubspot_companies_become_accounts(store, tmp_path):
    path = write(tmp_path, "hubspot-crm-exports-all-companies-2026-04-02.csv", [
        ["Record ID", "Company name", "Company Domain Name", "Phone Number", "Industry", "Lifecycle Stage",
         "Create Date", "Became a Customer Date"],
        ["3101", "Ferretería Olmo", "olmo.example", "+34 910 000 001", "Retail", "Customer", "2026-01-10 09:00",
         "2026-03-10 12:00"],
        ["3102", "Panadería Sol", "sol.example", "", "Food & Beverage", "Lead", "2026-02-01 09:00", ""],
    ], quote_all=True)
    import_files(store, [path], mapping="hubspot")
    accounts = by_id(store, "accounts")
    assert accounts["3101"]["name"] == "Ferretería Olmo" and accounts["3101"]["segment"] == "Retail"
    assert day(accounts["3101"]["acquired_at"]) == "2026-03-10" and accounts["3102"]["acquired_at"] is None
    assert Kpis(store).value("new_customers") == 1


# -- Pipedrive ----------------------------------------------------------------------------------

PIPEDRIVE_DEALS = [
    ["Deal - ID", "Deal - Title", "Deal - Creator", "Deal - Owner", "Deal - Value", "Deal - Currency of Value",
     "Deal - Weighted value", "Deal - Currency of Weighted value", "Deal - Probability", "Deal - Organization",
     "Deal - Pipeline", "Deal - Contact person", "Deal - Stage", "Deal - Status", "Deal - Deal created",
     "Deal - Update time", "Deal - Expected close date", "Deal - Won time", "Deal - Lost time", "Deal - Lost reason"],
    ["11", "Cafetería Luna - TPV", "Ana Ruiz", "Ana Ruiz", "1500", "EUR", "1500", "EUR", "", "Cafetería Luna",
     "Pipeline", "Pablo Soto", "Negotiations Started", "Won", "2026-03-02 09:15:00", "2026-03-12 16:40:00",
     "2026-03-15", "2026-03-12 16:40:00", "", ""],
    ["12", "Taller Norte - renovación", "Ana Ruiz", "Ana Ruiz", "900", "EUR", "180", "EUR", "20", "Taller Norte",
     "Pipeline", "Eva Lara", "Qualified", "Lost", "2026-03-03 10:00:00", "2026-03-18 11:00:00", "",
     "", "2026-03-18 11:00:00", "Sin presupuesto"],
    ["13", "Hotel Brisa - licencias", "Ana Ruiz", "Ana Ruiz", "2500", "EUR", "1250", "EUR", "50", "Hotel Brisa",
     "Pipeline", "Luis Gil", "Proposal Made", "Open", "2026-03-04 12:00:00", "2026-03-20 09:00:00", "2026-05-01",
     "", "", ""],
    ["14", "Gimnasio Ola - anual", "Ana Ruiz", "Ana Ruiz", "1000", "EUR", "200", "EUR", "20", "Gimnasio Ola",
     "Pipeline", "", "Qualified", "Open", "2026-03-05 12:00:00", "2026-03-06 12:00:00", "2026-06-01", "", "", ""],
    ["15", "Estudio Vela - piloto", "Ana Ruiz", "Ana Ruiz", "300", "USD", "0", "USD", "", "Estudio Vela",
     "Pipeline", "", "Lead In", "Lost", "2026-03-21 08:00:00", "2026-03-22 17:00:00", "", "",
     "2026-03-22 17:00:00", "Eligió a la competencia"],
]


def test_pipedrive_deals_open_and_lost_deals_load_with_their_close_times(store, tmp_path):
    path = write(tmp_path, "deals-8245117-12.csv", PIPEDRIVE_DEALS)
    result = import_files(store, [path], mapping="pipedrive")
    assert result.status == "committed"
    deals = by_id(store, "deals")
    assert {i: d["status"] for i, d in deals.items()} == {"11": "won", "12": "lost", "13": "open", "14": "open",
                                                          "15": "lost"}
    assert deals["12"]["closed_at"].isoformat().startswith("2026-03-18T11:00")  # "Deal - Lost time"
    assert deals["13"]["closed_at"] is None and day(deals["13"]["expected_close_at"]) == "2026-05-01"
    assert day(deals["11"]["created_at"]) == "2026-03-02"  # "Deal - Deal created"
    assert {i: d["currency"] for i, d in deals.items()} == {"11": "EUR", "12": "EUR", "13": "EUR", "14": "EUR",
                                                            "15": "USD"}
    assert deals["12"]["lost_reason"] == "Sin presupuesto" and deals["13"]["lost_reason"] is None
    stages = by_id(store, "stages")
    assert {(s["name"], s["kind"], round(s["probability"], 6)) for s in stages.values()} == {
        ("Negotiations Started", "open", 0.0), ("Qualified", "open", 0.2), ("Proposal Made", "open", 0.5),
        ("Lead In", "open", 0.0)}
    assert deals["14"]["stage_id"] == deals["12"]["stage_id"]

    # The workspace reports in EUR; the lost USD deal 15 (closed 2026-03-22) needs a USD rate for
    # the money KPIs to run at all. It is lost, so it adds nothing to any of the figures below.
    rates.set_rate(store, "USD", dt.date(2026, 3, 2), "1.08")
    k = Kpis(store)
    # Closed in March: won 11, lost 12 15 → 1 / 3. Won revenue: EUR 1500 (and nothing in USD).
    row = k.one("close_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(1 / 3), 1, 3)
    won = {}
    for d in deals.values():
        if d["status"] == "won":
            won[d["currency"]] = won.get(d["currency"], 0) + d["amount"]
    assert won == {"EUR": Decimal("1500.00")}
    assert k.value("revenue_won") == approx(1500)
    # Open at the end of March: 13 (2500, Proposal Made 50 %) and 14 (1000, Qualified 20 %).
    assert k.value("pipeline_value") == approx(2500 + 1000)
    assert k.value("weighted_pipeline") == approx(2500 * 0.5 + 1000 * 0.2)


def test_pipedrive_people_organizations_and_activities(store, tmp_path):
    orgs = write(tmp_path, "organizations-8245117-3.csv", [
        ["Organization - ID", "Organization - Name", "Organization - Owner", "Organization - Address",
         "Organization - Organization created"],
        ["301", "Cafetería Luna", "Ana Ruiz", "Calle Mayor 1, Toledo", "2026-01-15 10:00:00"],
    ])
    people = write(tmp_path, "people-8245117-4.csv", [
        ["Person - ID", "Person - Name", "Person - Label", "Person - Organization", "Person - Email - Work",
         "Person - Email - Home", "Person - Email - Other", "Person - Phone - Work", "Person - Phone - Home",
         "Person - Phone - Mobile", "Person - Phone - Other", "Person - Person created"],
        ["401", "Pablo Soto", "Hot lead", "Cafetería Luna", "pablo@luna.example", "", "", "+34 925 000 001", "",
         "+34 600 000 001", "", "2026-03-01 09:00:00"],
        ["402", "Eva Lara", "", "", "", "eva.lara@correo.example", "", "", "", "+34 600 000 002", "",
         "2026-03-02 09:00:00"],
        ["403", "Luis Gil", "", "", "", "", "", "", "", "", "", "2026-03-03 09:00:00"],
    ])
    activities = write(tmp_path, "activities-8245117-5.csv", [
        ["Activity - ID", "Activity - Subject", "Activity - Type", "Activity - Done", "Activity - Due date",
         "Activity - Due time", "Activity - Duration", "Activity - Marked as done time", "Activity - Add time",
         "Deal - ID"],
        ["601", "Llamada de presentación", "Call", "Done", "2026-03-03", "10:00", "00:15", "2026-03-03 10:20:00",
         "2026-03-02 09:00:00", ""],
        ["602", "Demo en tienda", "Meeting", "Done", "2026-03-05", "", "", "2026-03-05 12:00:00",
         "2026-03-02 09:05:00", ""],
        ["603", "Enviar propuesta", "Email", "To do", "2027-01-10", "", "", "", "2026-03-06 09:00:00", ""],
    ])
    import_files(store, [orgs, people, activities], mapping="pipedrive")
    assert by_id(store, "accounts")["301"]["name"] == "Cafetería Luna"
    leads = by_id(store, "leads")
    # The first non-empty of the e-mail and phone variants.
    assert {i: (p["email"], p["phone"]) for i, p in leads.items()} == {
        "401": ("pablo@luna.example", "+34 925 000 001"), "402": ("eva.lara@correo.example", "+34 600 000 002"),
        "403": (None, None)}
    acts = by_id(store, "activities")
    assert {i: a["type"] for i, a in acts.items()} == {"601": "call", "602": "meeting"}  # "To do" is not done
    assert Kpis(store).value("activities_logged") == 2


# -- Zoho ---------------------------------------------------------------------------------------

ZOHO_ACCOUNTS = [
    ["Record Id", "Account Owner.id", "Account Owner", "Account Name", "Phone", "Website", "Industry",
     "Created Time", "Modified Time"],
    ["zcrm_7001", "zcrm_90", "Carmen Díaz", "Distribuidora Álamo", "+52 55 0000 0001", "alamo.example",
     "Distribution", "2026-01-05 10:00:00", "2026-03-20 10:00:00"],
    ["zcrm_7002", "zcrm_90", "Carmen Díaz", "Clínica Pino", "", "", "Healthcare", "2026-02-01 10:00:00",
     "2026-03-25 10:00:00"],
]

ZOHO_LEADS = [
    ["Record Id", "Lead Owner.id", "Lead Owner", "Is Converted", "Company", "First Name", "Last Name", "Email",
     "Phone", "Mobile", "Lead Source", "Lead Status", "Created Time", "Modified Time", "Converted Date Time",
     "Converted Account.id", "Converted Account", "Converted Contact.id", "Converted Deal.id"],
    ["zcrm_8001", "zcrm_90", "Carmen Díaz", "true", "Distribuidora Álamo", "Jorge", "Salas", "jorge@alamo.example",
     "", "+52 55 1000 0001", "Web Download", "Contacted", "2026-03-02 09:00:00", "2026-03-20 10:00:00",
     "2026-03-20 10:00:00", "zcrm_7001", "Distribuidora Álamo", "zcrm_9501", "zcrm_6001"],
    ["zcrm_8002", "zcrm_90", "Carmen Díaz", "true", "Clínica Pino", "Nuria", "Pino", "nuria@pino.example", "", "",
     "Cold Call", "Contacted", "2026-03-03 09:00:00", "2026-03-25 10:00:00", "", "zcrm_7002", "Clínica Pino", "",
     ""],
    ["zcrm_8003", "zcrm_90", "Carmen Díaz", "false", "Bar Esquina", "Iván", "Mora", "", "", "", "Advertisement",
     "Junk Lead", "2026-03-04 09:00:00", "2026-03-09 10:00:00", "", "", "", "", ""],
    ["zcrm_8004", "zcrm_90", "Carmen Díaz", "false", "Papelería Río", "", "Ríos", "", "+52 55 1000 0004", "",
     "Web Download", "Not Contacted", "2026-03-05 09:00:00", "2026-03-05 09:00:00", "", "", "", "", ""],
    ["zcrm_8005", "zcrm_90", "Carmen Díaz", "false", "Floristería Lis", "Sara", "Lis", "", "", "", "Partner",
     "Attempted to Contact", "2026-03-06 09:00:00", "2026-03-07 09:00:00", "", "", "", "", ""],
    ["zcrm_8006", "zcrm_90", "Carmen Díaz", "false", "Academia Sur", "Hugo", "Sur", "", "", "", "Partner",
     "Contact in Future", "2026-03-07 09:00:00", "2026-03-08 09:00:00", "", "", "", "", ""],
    ["zcrm_8007", "zcrm_90", "Carmen Díaz", "false", "Taller Eje", "Olga", "Eje", "", "", "", "Chat",
     "Pre-Qualified", "2026-03-08 09:00:00", "2026-03-09 09:00:00", "", "", "", "", ""],
]

ZOHO_DEALS = [
    ["Record Id", "Deal Owner.id", "Deal Owner", "Amount", "Deal Name", "Closing Date", "Account Name.id",
     "Account Name", "Stage", "Type", "Probability (%)", "Expected Revenue", "Lead Source", "Created Time",
     "Modified Time", "Currency", "Exchange Rate", "Reason For Loss"],
    ["zcrm_6001", "zcrm_90", "Carmen Díaz", "12000.00", "Álamo - distribución", "2026-03-10", "zcrm_7001",
     "Distribuidora Álamo", "Closed Won", "New Business", "100", "12000.00", "Web Download",
     "2026-03-01 09:00:00", "2026-03-10 09:00:00", "MXN", "20.000000000", ""],
    ["zcrm_6002", "zcrm_90", "Carmen Díaz", "800.00", "Pino - consultoría", "2026-03-15", "zcrm_7002",
     "Clínica Pino", "Closed Won", "New Business", "100", "800.00", "Cold Call", "2026-03-02 09:00:00",
     "2026-03-15 09:00:00", "EUR", "1.000000000", ""],
    ["zcrm_6003", "zcrm_90", "Carmen Díaz", "500.00", "Esquina - TPV", "2026-03-20", "", "", "Closed Lost",
     "New Business", "0", "0.00", "Advertisement", "2026-03-03 09:00:00", "2026-03-20 09:00:00", "EUR",
     "1.000000000", "Price"],
    ["zcrm_6004", "zcrm_90", "Carmen Díaz", "300.00", "Río - web", "2026-03-25", "", "",
     "Closed-Lost to Competition", "New Business", "0", "0.00", "Web Download", "2026-03-04 09:00:00",
     "2026-03-25 09:00:00", "EUR", "1.000000000", "Competitor"],
    ["zcrm_6005", "zcrm_90", "Carmen Díaz", "5000.00", "Pino - ampliación", "2026-06-30", "zcrm_7002",
     "Clínica Pino", "Negotiation/Review", "Existing Business", "90", "4500.00", "Cold Call",
     "2026-03-05 09:00:00", "2026-03-26 09:00:00", "EUR", "1.000000000", ""],
    ["zcrm_6006", "zcrm_90", "Carmen Díaz", "2000.00", "Lis - tienda online", "2026-07-15", "", "",
     "Qualification", "New Business", "10", "200.00", "Partner", "2026-03-06 09:00:00", "2026-03-06 09:00:00",
     "EUR", "1.000000000", ""],
]

ZOHO_CONTACTS = [
    ["Record Id", "Contact Owner.id", "Contact Owner", "Lead Source", "First Name", "Last Name", "Account Name.id",
     "Account Name", "Email", "Phone", "Created Time", "Modified Time"],
    ["zcrm_9501", "zcrm_90", "Carmen Díaz", "Web Download", "Jorge", "Salas", "zcrm_7001", "Distribuidora Álamo",
     "jorge@alamo.example", "", "2026-03-20 10:00:00", "2026-03-20 10:00:00"],
]

ZOHO_TASKS = [
    ["Record Id", "Task Owner.id", "Task Owner", "Subject", "Due Date", "Status", "Priority", "Created Time",
     "Closed Time"],
    ["zcrm_5001", "zcrm_90", "Carmen Díaz", "Enviar contrato", "2026-03-12", "Completed", "High",
     "2026-03-10 09:00:00", "2026-03-11 16:00:00"],
    ["zcrm_5002", "zcrm_90", "Carmen Díaz", "Revisar propuesta", "2027-02-01", "Not Started", "Normal",
     "2026-03-12 09:00:00", ""],
]

ZOHO_CALLS = [
    ["Record Id", "Call Owner.id", "Call Owner", "Subject", "Call Type", "Call Start Time", "Call Duration",
     "Call Duration (in seconds)", "Call Result", "Created Time"],
    ["zcrm_4001", "zcrm_90", "Carmen Díaz", "Llamada de seguimiento", "Outbound", "2026-03-09 11:00:00", "05:30",
     "330", "Interested", "2026-03-09 11:06:00"],
    ["zcrm_4002", "zcrm_90", "Carmen Díaz", "Llamada entrante", "Inbound", "2026-03-10 15:00:00", "02:00", "120",
     "", "2026-03-10 15:02:00"],
]


@pytest.mark.parametrize("rows, tables", [
    (ZOHO_LEADS, ["leads"]), (ZOHO_CONTACTS, []), (ZOHO_ACCOUNTS, ["accounts"]), (ZOHO_DEALS, ["stages", "deals"]),
    (ZOHO_TASKS, ["activities"]), (ZOHO_CALLS, ["activities"]),
])
def test_zoho_modules_are_told_apart(rows, tables):
    found = detect_mapping("export.csv", rows[0])
    assert found.name == "zoho"
    assert [t.table for s in found.sources for t in s.tables] == tables
    part = load_mapping("zoho").source_for("export.csv", rows[0])
    assert [t.table for t in part.tables] == tables


def test_zoho_leads_conversion_and_deals_linked_in_their_currency(store, tmp_path):
    files = [write(tmp_path, "Accounts_2026_04_02.csv", ZOHO_ACCOUNTS), write(tmp_path, "Leads_2026_04_02.csv", ZOHO_LEADS),
             write(tmp_path, "Deals_2026_04_02.csv", ZOHO_DEALS), write(tmp_path, "Contacts_2026_04_02.csv", ZOHO_CONTACTS)]
    result = import_files(store, files, mapping="zoho")
    assert result.status == "committed"
    leads = by_id(store, "leads")
    assert len(leads) == 7  # the contact did not become a lead
    assert leads["zcrm_8001"]["name"] == "Jorge Salas" and leads["zcrm_8004"]["name"] == "Ríos"
    assert leads["zcrm_8001"]["account_id"] == "zcrm_7001"
    assert day(leads["zcrm_8001"]["converted_at"]) == "2026-03-20"
    # Converted without "Converted Date Time": its last change (2026-03-25), when Zoho converted it.
    assert day(leads["zcrm_8002"]["converted_at"]) == "2026-03-25"
    assert day(leads["zcrm_8003"]["disqualified_at"]) == "2026-03-09"
    deals = by_id(store, "deals")
    assert deals["zcrm_6001"]["account_id"] == "zcrm_7001" and deals["zcrm_6003"]["account_id"] is None
    assert deals["zcrm_6004"]["status"] == "lost" and deals["zcrm_6004"]["lost_reason"] == "Competitor"
    won: dict[str, Decimal] = {}
    for d in deals.values():
        if d["status"] == "won":
            won[d["currency"]] = won.get(d["currency"], 0) + d["amount"]
    assert won == {"MXN": Decimal("12000.00"), "EUR": Decimal("800.00")}  # never summed together
    stages = by_id(store, "stages")
    assert {(s["name"], s["kind"], round(s["probability"], 6)) for s in stages.values()} == {
        ("Closed Won", "won", 1.0), ("Closed Lost", "lost", 0.0), ("Closed-Lost to Competition", "lost", 0.0),
        ("Negotiation/Review", "open", 0.9), ("Qualification", "open", 0.1)}

    k = Kpis(store)
    # 7 leads created in March, 2 converted (8001, 8002).
    row = k.one("lead_conversion_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(2 / 7), 2, 7)
    # Closed in March: won 6001 6002, lost 6003 6004 → 2 / 4 (no money read: no rate needed).
    row = k.one("close_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(0.5), 2, 4)
    # The workspace reports in EUR and has no MXN rate: the won MXN 12000 is never summed in silence.
    with pytest.raises(MissingRatesError) as refused:
        k.value("revenue_won")
    assert refused.value.currencies == ["MXN"] and refused.value.reporting == "EUR"
    assert "MXN" in str(refused.value)

    # Hand-written MXN rates (MXN per 1 EUR): the one in force at 6001's close (2026-03-10) is
    # 2026-03-09's 19.20; 2026-03-11's is later and not used.
    rates.set_rate(store, "MXN", dt.date(2026, 3, 2), "21.00")
    rates.set_rate(store, "MXN", dt.date(2026, 3, 9), "19.20")
    rates.set_rate(store, "MXN", dt.date(2026, 3, 11), "25.00")
    # Won in March: 6002 EUR 800 + 6001 MXN 12000 / 19.20 = 625.00 → 1425.00.
    assert k.value("revenue_won") == approx(800 + 12000 / 19.20, abs=0.01)
    # Open at the end of March, all in EUR: 6005 (5000 at 90 %) and 6006 (2000 at 10 %).
    assert k.value("pipeline_value") == approx(5000 + 2000, abs=0.01)
    assert k.value("weighted_pipeline") == approx(5000 * 0.9 + 2000 * 0.1, abs=0.01)


def test_zoho_tasks_and_calls_become_activities(store, tmp_path):
    files = [write(tmp_path, "Tasks_2026_04_02.csv", ZOHO_TASKS), write(tmp_path, "Calls_2026_04_02.csv", ZOHO_CALLS)]
    import_files(store, files, mapping="zoho")
    acts = by_id(store, "activities")
    assert {i: (a["type"], a["direction"], a["duration_s"]) for i, a in acts.items()} == {
        "zcrm_5001": ("task", None, None), "zcrm_5002": ("task", None, None),
        "zcrm_4001": ("call", "outbound", 330), "zcrm_4002": ("call", "inbound", 120)}
    assert day(acts["zcrm_5001"]["occurred_at"]) == "2026-03-11"  # closed, not due
    assert day(acts["zcrm_5002"]["occurred_at"]) == "2026-03-12"  # open: its creation, never the future due date
    assert Kpis(store).value("activities_logged") == 2  # calls count as contacts, tasks do not


def test_mapping_option_join_leaves_empty_parts_out(store, tmp_path):
    from pulso.ingest import parse_mapping

    mapping = parse_mapping({"name": "people", "table": "leads", "columns": {
        "id": {"join": ["Team", "Code"], "transform": "slug"}, "name": {"join": ["First", "Last"]},
        "created_at": "Created"}})
    path = write(tmp_path, "people.csv", [["Team", "Code", "First", "Last", "Created"],
                                          ["Norte", "A 1", "Ana", "Ruiz", "2026-03-01"],
                                          ["Norte", "A 2", "", "Gil", "2026-03-01"],
                                          ["Norte", "A 3", "", "", "2026-03-01"]])
    import_files(store, [path], mapping=mapping)
    assert {i: lead["name"] for i, lead in by_id(store, "leads").items()} == {
        "norte-a-1": "Ana Ruiz", "norte-a-2": "Gil", "norte-a-3": None}
