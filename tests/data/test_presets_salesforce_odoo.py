"""The Salesforce and Odoo presets on files built to each CRM's real export format (headers exactly as
the CRM writes them, values in its own formats, invented people), with KPI figures worked out by hand.

Salesforce: the weekly Data Export (one CSV per object, API field names, checkboxes 1/empty,
datetimes `2024-01-22T16:14:25.000+0000`) and a Data Loader extract (every value quoted, UPPERCASE
headers, checkboxes true/false). Odoo: crm.lead exported with field labels and import-compatible
(technical names). Also the mapping options these presets use: `from: [A, B]`, `cases`, `scale`
and `skip_when_future`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pulso import rates
from pulso.engine import Engine
from pulso.ingest import import_files, parse_mapping

D = dt.date.fromisoformat
FEB, MAR = D("2024-02-01"), D("2024-03-01")


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def kpi(store, key: str, start: dt.date, end: dt.date) -> dict:
    return Engine(store).query(key, start=start, end=end).rows[0]


# -- Salesforce: weekly Data Export ---------------------------------------------------------------

OPPORTUNITY_HEADER = ("Id,IsDeleted,AccountId,RecordTypeId,Name,Description,StageName,Amount,Probability,ExpectedRevenue,"
                      "CloseDate,Type,NextStep,LeadSource,IsClosed,IsWon,ForecastCategory,ForecastCategoryName,"
                      "CurrencyIsoCode,CampaignId,HasOpportunityLineItem,Pricebook2Id,OwnerId,CreatedDate,CreatedById,"
                      "LastModifiedDate,LastModifiedById,SystemModstamp,LastActivityDate,FiscalQuarter,FiscalYear,Fiscal\n")


def opportunity(id, name, stage, amount, probability, close, closed, won, currency, created="2024-01-10T09:00:00.000+0000"):
    return (f'{id},0,,,"{name}",,{stage},{amount},{probability},,{close},New Customer,,Web,{closed},{won},Pipeline,Pipeline,'
            f"{currency},,0,,005000000000001AAA,{created},005000000000001AAA,{created},005000000000001AAA,{created},,1,2024,2024 1\n")


# Five deals closed in February 2024: three won (one in a renamed won stage, "Signed"), two lost
# (one in a renamed lost stage with IsWon empty); three open, all in USD.
OPPORTUNITIES = OPPORTUNITY_HEADER + "".join([
    opportunity("0061", "Café Andino - licencias", "Closed Won", "5000000", "100", "2024-02-10", "1", "1", "COP"),
    opportunity("0062", "Ferretería Soto, renovación", "Closed Won", "1200.50", "100", "2024-02-12", "1", "1", "USD"),
    opportunity("0063", "Grupo Lumen - piloto", "Signed", "30000", "100", "2024-02-15", "1", "1", "MXN"),
    opportunity("0064", "Panadería Real", "Closed Lost", "800", "0", "2024-02-20", "1", "0", "USD"),
    opportunity("0065", "Minera Quispe", "Lost to Competitor", "2000", "0", "2024-02-21", "1", "", "PEN"),
    opportunity("0066", "Hotel Brisa", "Prospecting", "1000", "10", "2024-06-30", "", "", "USD"),
    opportunity("0067", "Clínica Norte", "Negotiation/Review", "2500", "90", "2024-05-31", "0", "0", "USD"),
    opportunity("0068", "Colegio Sur", "Prospecting", "4000", "10", "2024-07-31", "", "", "USD"),
])


def test_salesforce_opportunities_status_currency_and_stages(store, tmp_path):
    path = write(tmp_path, "Opportunity.csv", "\ufeff" + OPPORTUNITIES)
    result = import_files(store, [path], mapping="salesforce")
    assert result.written["deals"] == 8
    deals = {d["id"]: d for d in store.rows("deals")}
    assert {k: d["status"] for k, d in deals.items()} == {
        "0061": "won", "0062": "won", "0063": "won", "0064": "lost", "0065": "lost",
        "0066": "open", "0067": "open", "0068": "open"}
    # Each amount keeps its currency: nothing is summed across COP, MXN, PEN and USD.
    won: dict[str, Decimal] = {}
    for d in deals.values():
        if d["status"] == "won":
            won[d["currency"]] = won.get(d["currency"], Decimal(0)) + Decimal(str(d["amount"]))
    assert won == {"COP": Decimal("5000000"), "USD": Decimal("1200.50"), "MXN": Decimal("30000")}
    assert deals["0065"]["currency"] == "PEN"
    assert deals["0063"]["closed_at"].date() == D("2024-02-15") and deals["0063"]["expected_close_at"] is None
    assert deals["0067"]["closed_at"] is None and deals["0067"]["expected_close_at"].date() == D("2024-05-31")
    # Stages from StageName: kind from IsClosed/IsWon, probability from Probability / 100.
    stages = {s["id"]: (s["name"], s["kind"], round(s["probability"], 6), s["position"]) for s in store.rows("stages")}
    assert stages == {
        "salesforce-closed-won": ("Closed Won", "won", 1.0, 100),
        "salesforce-signed": ("Signed", "won", 1.0, 100),
        "salesforce-closed-lost": ("Closed Lost", "lost", 0.0, 0),
        "salesforce-lost-to-competitor": ("Lost to Competitor", "lost", 0.0, 0),
        "salesforce-prospecting": ("Prospecting", "open", 0.1, 10),
        "salesforce-negotiation-review": ("Negotiation/Review", "open", 0.9, 90),
    }
    assert deals["0067"]["stage_id"] == "salesforce-negotiation-review"
    # The workspace reports in EUR: hand-written rates (units per 1 EUR) for the four currencies.
    # USD changes on 2024-02-01: the open deals (created 2024-01-10) convert at 1.10, the USD deal
    # won on 2024-02-12 at 1.08.
    rates.set_rate(store, "USD", D("2024-01-02"), "1.10")
    rates.set_rate(store, "USD", D("2024-02-01"), "1.08")
    rates.set_rate(store, "COP", D("2024-01-02"), "4300")
    rates.set_rate(store, "MXN", D("2024-01-02"), "18.50")
    rates.set_rate(store, "PEN", D("2024-01-02"), "4.10")
    # KPIs by hand: 3 won of 5 closed in February; won revenue, each amount converted and rounded
    # to cents: COP 5000000 / 4300 = 1162.79, USD 1200.50 / 1.08 = 1111.57, MXN 30000 / 18.50 =
    # 1621.62; open pipeline USD 1000 + 2500 + 4000 at 1.10 = 909.09 + 2272.73 + 3636.36;
    # weighted 909.09 × 0.1 + 2272.73 × 0.9 + 3636.36 × 0.1 = 2500.00 (USD 2750 / 1.10).
    assert kpi(store, "close_rate", FEB, MAR)["value"] == pytest.approx(3 / 5)
    assert kpi(store, "revenue_won", FEB, MAR)["value"] == pytest.approx(
        round(5000000 / 4300, 2) + round(1200.50 / 1.08, 2) + round(30000 / 18.50, 2), abs=0.01)
    assert kpi(store, "pipeline_value", FEB, MAR)["value"] == pytest.approx(
        round(1000 / 1.10, 2) + round(2500 / 1.10, 2) + round(4000 / 1.10, 2), abs=0.01)
    assert kpi(store, "weighted_pipeline", FEB, MAR)["value"] == pytest.approx(
        round(1000 / 1.10, 2) * 0.1 + round(2500 / 1.10, 2) * 0.9 + round(4000 / 1.10, 2) * 0.1, abs=0.01)


def test_salesforce_data_loader_extract_uppercase_headers(store, tmp_path):
    text = ('"ID","NAME","STAGENAME","AMOUNT","PROBABILITY","CLOSEDATE","ISCLOSED","ISWON","CURRENCYISOCODE","CREATEDDATE"\n'
            '"0061","Uno","Closed Won","100.00","100.0","2024-02-05","true","true","EUR","2024-01-05T10:00:00.000Z"\n'
            '"0062","Dos","Perdida","50.00","0.0","2024-02-06","true","false","EUR","2024-01-05T10:00:00.000Z"\n'
            '"0063","Tres","Propuesta","300.00","60.0","2024-04-30","false","false","EUR","2024-01-05T10:00:00.000Z"\n')
    path = write(tmp_path, "extract.csv", text)
    import_files(store, [path], mapping="salesforce")
    deals = {d["id"]: d for d in store.rows("deals")}
    assert {k: d["status"] for k, d in deals.items()} == {"0061": "won", "0062": "lost", "0063": "open"}
    assert {s["name"]: s["kind"] for s in store.rows("stages")} == {"Closed Won": "won", "Perdida": "lost", "Propuesta": "open"}
    assert kpi(store, "close_rate", FEB, MAR)["value"] == pytest.approx(1 / 2)
    assert kpi(store, "weighted_pipeline", FEB, MAR)["value"] == pytest.approx(300 * 0.6)


LEAD_HEADER = ("Id,IsDeleted,MasterRecordId,LastName,FirstName,Salutation,Name,Title,Company,Street,City,State,PostalCode,"
               "Country,Phone,MobilePhone,Email,Website,Description,LeadSource,Status,Industry,Rating,AnnualRevenue,"
               "NumberOfEmployees,OwnerId,IsConverted,ConvertedDate,ConvertedAccountId,ConvertedContactId,"
               "ConvertedOpportunityId,IsUnreadByOwner,CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,"
               "SystemModstamp,LastActivityDate\n")


def lead(id, last, first, status, converted, converted_on, created, modified=None):
    modified = modified or created
    return (f'{id},0,,{last},{first},,"{first} {last}",,{last} SAS,,,,,CO,,3001234567,{first.lower()}@example.com,,,Web,'
            f"{status},,,,,005000000000001AAA,{converted},{converted_on},,,,0,{created},005000000000001AAA,{modified},"
            f"005000000000001AAA,{modified},\n")


def test_salesforce_lead_same_day_conversion_counts(store, tmp_path):
    # Five leads created in March 2024; three converted, one of them on the day it was created
    # (ConvertedDate is a date without time: 2024-03-05 for a lead created 2024-03-05 15:30 UTC).
    rows = [
        lead("00Q1", "Rojas", "Ana", "Qualified", "1", "2024-03-05", "2024-03-05T15:30:00.000+0000"),
        lead("00Q2", "Vega", "Luis", "Qualified", "1", "2024-03-12", "2024-03-06T09:00:00.000+0000"),
        lead("00Q3", "Mora", "Eva", "Qualified", "1", "2024-03-20", "2024-03-07T09:00:00.000+0000"),
        lead("00Q4", "Paz", "Iván", "Working - Contacted", "0", "", "2024-03-08T09:00:00.000+0000"),
        lead("00Q5", "Luna", "Sara", "Closed - Not Converted", "0", "", "2024-03-09T09:00:00.000+0000",
             "2024-03-15T11:00:00.000+0000"),
    ]
    path = write(tmp_path, "Lead.csv", LEAD_HEADER + "".join(rows))
    result = import_files(store, [path], mapping="salesforce")
    assert result.status == "committed" and result.written["leads"] == 5
    leads = {r["id"]: r for r in store.rows("leads")}
    assert leads["00Q1"]["converted_at"] is not None and leads["00Q4"]["converted_at"] is None
    assert leads["00Q1"]["name"] == "Ana Rojas" and leads["00Q1"]["company"] == "Rojas SAS"
    assert leads["00Q5"]["disqualified_at"].date() == D("2024-03-15")
    got = kpi(store, "lead_conversion_rate", MAR, D("2024-04-01"))
    assert (got["numerator"], got["denominator"]) == (3, 5) and got["value"] == pytest.approx(3 / 5)


TASK_HEADER = ("Id,WhoId,WhatId,Subject,ActivityDate,Status,Priority,IsHighPriority,OwnerId,Description,IsDeleted,"
               "AccountId,IsClosed,CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,SystemModstamp,IsArchived,"
               "CallDurationInSeconds,CallType,CallDisposition,CallObject,ReminderDateTime,IsReminderSet,Type\n")


def task(id, subject, due, status, closed, created, kind, duration="", call_type=""):
    return (f"{id},,,{subject},{due},{status},Normal,0,005000000000001AAA,,0,,{closed},{created},005000000000001AAA,"
            f"{created},005000000000001AAA,{created},0,{duration},{call_type},,,,0,{kind}\n")


EVENT_HEADER = ("Id,WhoId,WhatId,Subject,Location,IsAllDayEvent,ActivityDateTime,ActivityDate,DurationInMinutes,"
                "StartDateTime,EndDateTime,Description,AccountId,OwnerId,Type,IsPrivate,ShowAs,IsDeleted,IsChild,"
                "IsGroupEvent,CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,SystemModstamp\n")


def test_salesforce_tasks_without_subtype_and_events(store, tmp_path):
    # Task.csv without TaskSubtype (the type comes from Type); one task has no ActivityDate (it
    # counts on its CreatedDate, never 1900-01-01); one is due next year (not happened: skipped).
    tasks = write(tmp_path, "Task.csv", TASK_HEADER + "".join([
        task("00T1", "Llamada inicial", "2024-02-05", "Completed", "1", "2024-02-05T10:00:00.000+0000", "Call", "300", "Outbound"),
        task("00T2", "Propuesta", "2024-02-06", "Completed", "1", "2024-02-06T10:00:00.000+0000", "Email"),
        task("00T3", "Seguimiento", "", "Completed", "1", "2024-02-07T10:00:00.000+0000", "Call"),
        task("00T4", "Preparar demo", "2024-02-08", "Completed", "1", "2024-02-08T10:00:00.000+0000", "Other"),
        task("00T5", "Renovación", f"{dt.date.today().year + 1}-01-15", "Not Started", "0",
             "2024-02-09T10:00:00.000+0000", "Call"),
    ]))
    events = write(tmp_path, "Event.csv", EVENT_HEADER + (
        "00U1,,,Demo,Bogotá,0,2024-02-20T15:00:00.000+0000,2024-02-20,60,2024-02-20T15:00:00.000+0000,"
        "2024-02-20T16:00:00.000+0000,,,005000000000001AAA,Meeting,0,Busy,0,0,0,2024-02-01T10:00:00.000+0000,"
        "005000000000001AAA,2024-02-01T10:00:00.000+0000,005000000000001AAA,2024-02-01T10:00:00.000+0000\n"))
    result = import_files(store, [tasks, events], mapping="salesforce")
    assert result.written["activities"] == 5 and result.skipped == 1
    assert [(n.kind, n.file, n.count, n.column, n.value) for n in result.notes if n.kind == "fallback_used"] == [
        ("fallback_used", "Task.csv", 1, "activities.occurred_at", "CreatedDate")]
    acts = {a["id"]: a for a in store.rows("activities")}
    assert {k: a["type"] for k, a in acts.items()} == {
        "00T1": "call", "00T2": "email", "00T3": "call", "00T4": "task", "00U1": "meeting"}
    assert acts["00T3"]["occurred_at"].date() == D("2024-02-07")
    assert acts["00T1"]["duration_s"] == 300 and acts["00T1"]["direction"] == "outbound"
    assert acts["00U1"]["duration_s"] == 3600 and acts["00U1"]["occurred_at"].hour == 15
    # Activity reach in February: calls, e-mails and meetings (tasks are not contacts) = 2 + 1 + 1.
    assert kpi(store, "activities_logged", FEB, MAR)["value"] == 4


def test_salesforce_accounts_cases_and_campaigns_in_one_run(store, tmp_path):
    account = write(tmp_path, "Account.csv",
                    "Id,IsDeleted,MasterRecordId,Name,Type,ParentId,BillingCountry,Phone,Industry,AnnualRevenue,OwnerId,"
                    "CreatedDate,CreatedById,AccountSource\n"
                    '001A,0,,"Soto, Hermanos y Cía",Customer,,Colombia,6011234,Retail,,005000000000001AAA,'
                    "2023-05-01T12:00:00.000+0000,005000000000001AAA,Web\n")
    case = write(tmp_path, "Case.csv",
                 "Id,IsDeleted,CaseNumber,ContactId,AccountId,Type,Status,Reason,Origin,Subject,Priority,IsClosed,"
                 "ClosedDate,IsEscalated,OwnerId,CreatedDate,CreatedById\n"
                 "500A,0,00001001,,001A,Problem,Closed,,Email,Factura,High,1,2024-02-02T12:00:00.000+0000,0,,"
                 "2024-02-01T12:00:00.000+0000,005000000000001AAA\n"
                 "500B,0,00001002,,001A,Question,Resuelto,,Phone,Acceso,P2,1,2024-02-03T10:00:00.000+0000,0,,"
                 "2024-02-02T12:00:00.000+0000,005000000000001AAA\n"
                 "500C,0,00001003,,001A,Problem,Working,,Web,Demora,Medium,0,,0,,"
                 "2024-02-04T12:00:00.000+0000,005000000000001AAA\n")
    campaign = write(tmp_path, "Campaign.csv",
                     "Id,IsDeleted,Name,ParentId,Type,Status,StartDate,EndDate,ExpectedRevenue,BudgetedCost,ActualCost,"
                     "IsActive,CurrencyIsoCode,OwnerId,CreatedDate\n"
                     "701A,0,Feria Lima 2024,,Trade Show,Completed,2024-01-10,2024-01-12,,5000,4200.50,0,PEN,,"
                     "2023-12-01T10:00:00.000+0000\n"
                     "701B,0,Webinar,,Webinar,Planned,,,,,,1,USD,,2024-01-20T10:00:00.000+0000\n")
    result = import_files(store, [account, case, campaign], mapping="salesforce")
    assert result.written == {"accounts": 1, "tickets": 3, "campaigns": 2}
    acc = store.rows("accounts")[0]
    assert (acc["name"], acc["segment"], acc["source"]) == ("Soto, Hermanos y Cía", "Retail", "Web")
    tickets = {t["id"]: t for t in store.rows("tickets")}
    # IsClosed decides (a renamed closed status "Resuelto" is closed); an unknown priority is empty.
    assert {k: (t["status"], t["priority"]) for k, t in tickets.items()} == {
        "500A": ("closed", "high"), "500B": ("closed", None), "500C": ("pending", "medium")}
    assert tickets["500B"]["resolved_at"].date() == D("2024-02-03") and tickets["500C"]["resolved_at"] is None
    campaigns = {c["id"]: c for c in store.rows("campaigns")}
    assert campaigns["701A"]["currency"] == "PEN" and Decimal(str(campaigns["701A"]["cost"])) == Decimal("4200.50")
    assert campaigns["701B"]["started_at"].date() == D("2024-01-20")  # no StartDate: its creation


# -- Odoo: crm.lead ---------------------------------------------------------------------------------

ODOO_LABELS = ('"ID","Opportunity","Customer","Type","Stage","Expected Revenue","Probability","Currency",'
               '"Salesperson","Active","Created on","Closed Date","Conversion Date","Expected Closing","Lost Reason"\n')


def odoo(id, name, type_, stage, revenue, probability, active, created, closed="", converted="", expected="", reason=""):
    return (f'"__export__.crm_lead_{id}","{name}","Cliente {id}","{type_}","{stage}","{revenue}","{probability}","EUR",'
            f'"Marta Gil","{active}","{created}","{closed}","{converted}","{expected}","{reason}"\n')


# Seven opportunities: three won (stage Won), two lost (archived in their last stage, probability
# 0), two open; three leads, one of them archived. All created in January 2024.
ODOO_ROWS = [
    odoo(1, "Licencias", "Opportunity", "Won", "1000.00", "100.0", "True", "2024-01-02 10:00:00", "2024-02-05 10:00:00", "2024-01-03 10:00:00"),
    odoo(2, "Soporte", "Opportunity", "Won", "500.00", "100.0", "True", "2024-01-03 10:00:00", "2024-02-06 10:00:00", "2024-01-04 10:00:00"),
    odoo(3, "Formación", "Opportunity", "Won", "250.00", "100.0", "True", "2024-01-04 10:00:00", "2024-02-07 10:00:00"),
    odoo(4, "Migración", "Opportunity", "Proposition", "3000.00", "0.0", "False", "2024-01-05 10:00:00", "2024-02-10 10:00:00", "2024-01-06 10:00:00", reason="Too expensive"),
    odoo(5, "Auditoría", "Opportunity", "Qualified", "800.00", "0.0", "False", "2024-01-06 10:00:00", "2024-02-12 10:00:00"),
    odoo(6, "Tienda online", "Opportunity", "New", "1000.00", "10.0", "True", "2024-01-07 10:00:00", expected="2024-04-30"),
    odoo(7, "App móvil", "Opportunity", "Proposition", "2000.00", "70.0", "True", "2024-01-08 10:00:00", expected="2024-05-31"),
    odoo(8, "Consulta web", "Lead", "", "0.00", "5.0", "True", "2024-01-09 10:00:00"),
    odoo(9, "Formulario", "Lead", "", "0.00", "5.0", "True", "2024-01-10 10:00:00"),
    odoo(10, "Spam", "Lead", "", "0.00", "0.0", "False", "2024-01-11 10:00:00", "2024-01-12 10:00:00"),
]


def test_odoo_label_export_lost_is_archived(store, tmp_path):
    path = write(tmp_path, "crm.lead.csv", ODOO_LABELS + "".join(ODOO_ROWS))
    result = import_files(store, [path], mapping="odoo")
    assert result.written["deals"] == 7 and result.written["leads"] == 10
    deals = {d["id"].rsplit("_", 1)[1]: d for d in store.rows("deals")}
    assert {k: d["status"] for k, d in deals.items()} == {
        "1": "won", "2": "won", "3": "won", "4": "lost", "5": "lost", "6": "open", "7": "open"}
    assert deals["4"]["closed_at"].date() == D("2024-02-10") and deals["4"]["lost_reason"] == "Too expensive"
    assert {d["currency"] for d in deals.values()} == {"EUR"}
    stages = {s["name"]: (s["kind"], round(s["probability"], 6)) for s in store.rows("stages")}
    assert stages == {"Won": ("won", 1.0), "Proposition": ("open", 0.7), "Qualified": ("open", 0.0), "New": ("open", 0.1)}
    # close rate 3 won / 5 closed in February (not 1.0); pipeline 1000 + 2000; weighted
    # 1000 × 0.1 + 2000 × 0.7 = 1500.
    assert kpi(store, "close_rate", FEB, MAR)["value"] == pytest.approx(0.6)
    assert kpi(store, "pipeline_value", FEB, MAR)["value"] == pytest.approx(3000)
    assert kpi(store, "weighted_pipeline", FEB, MAR)["value"] == pytest.approx(1500)
    # Leads: 3 leads + 7 opportunities (each a converted lead) created in January; 7 converted.
    leads = {r["id"].rsplit("_", 1)[1]: r for r in store.rows("leads")}
    assert leads["10"]["disqualified_at"].date() == D("2024-01-12") and leads["10"]["converted_at"] is None
    assert leads["3"]["converted_at"] == leads["3"]["created_at"]  # no Conversion Date: created as an opportunity
    got = kpi(store, "lead_conversion_rate", D("2024-01-01"), FEB)
    assert (got["numerator"], got["denominator"]) == (7, 10)


def test_odoo_import_compatible_export_technical_names(store, tmp_path):
    text = ("id,name,partner_id,type,stage_id,expected_revenue,probability,company_currency,user_id,active,create_date,date_closed\n"
            "__export__.crm_lead_1_a1,Licencias,Cliente 1,Opportunity,Ganado,1000.0,100.0,MXN,Marta Gil,True,2024-01-02 10:00:00,2024-02-05 10:00:00\n"
            "__export__.crm_lead_2_b2,Soporte,Cliente 2,Opportunity,Propuesta,500.0,0.0,MXN,Marta Gil,False,2024-01-03 10:00:00,2024-02-06 10:00:00\n"
            "__export__.crm_lead_3_c3,Auditoría,Cliente 3,Opportunity,Nuevo,800.0,20.0,MXN,Marta Gil,True,2024-01-04 10:00:00,\n"
            "__export__.crm_lead_4_d4,Consulta,,Lead,,0.0,5.0,MXN,,True,2024-01-05 10:00:00,\n")
    path = write(tmp_path, "crm_lead.csv", text)
    store.set_setting("currency", "MXN")  # the whole export is in MXN: the workspace reports in it
    result = import_files(store, [path], mapping="odoo")
    assert result.written["deals"] == 3 and result.written["leads"] == 4
    deals = {d["title"]: (d["status"], d["currency"]) for d in store.rows("deals")}
    assert deals == {"Licencias": ("won", "MXN"), "Soporte": ("lost", "MXN"), "Auditoría": ("open", "MXN")}
    assert kpi(store, "close_rate", FEB, MAR)["value"] == pytest.approx(1 / 2)
    assert kpi(store, "weighted_pipeline", FEB, MAR)["value"] == pytest.approx(800 * 0.2)


def test_odoo_pipeline_export_without_type(store, tmp_path):
    # The pipeline view's export has no Type column: every row is an opportunity; no leads.
    text = ('"ID","Opportunity","Stage","Expected Revenue","Probability","Active","Created on","Closed Date"\n'
            '"o1","Uno","Won","100","100","True","2024-01-02 10:00:00","2024-02-05 10:00:00"\n'
            '"o2","Dos","Won","100","100","True","2024-01-02 10:00:00","2024-02-05 10:00:00"\n'
            '"o3","Tres","New","100","0","False","2024-01-02 10:00:00","2024-02-05 10:00:00"\n')
    result = import_files(store, [write(tmp_path, "Oportunidades.csv", text)], mapping="odoo")
    assert result.written == {"stages": 2, "deals": 3}
    assert kpi(store, "close_rate", FEB, MAR)["value"] == pytest.approx(2 / 3)


# -- the mapping options the presets use ------------------------------------------------------------

def test_mapping_options_from_list_cases_scale_and_skip_when_future(store, tmp_path):
    mapping = parse_mapping({"table": "deals", "skip_when_future": ["created_at"], "columns": {
        "id": "ref",
        "status": {"from": "stage", "map": {"Won": "won", "*": "open"},
                   "cases": [{"when": {"won": ["1", True]}, "value": "won"},
                             {"when": {"closed": ["1"], "won": ["0", ""]}, "value": "lost"}]},
        "closed_at": {"from": "closed_on", "when": {"stage": ["Won"]},
                      "cases": [{"when": {"closed": ["1"]}, "from": ["closed_on", "updated"]}]},
        "created_at": {"from": ["created", "updated"]},
        "amount": {"from": "cents", "scale": 0.01},
    }})
    future = f"{dt.date.today().year + 2}-01-01"
    path = write(tmp_path, "deals.csv",
                 "ref,stage,won,closed,closed_on,updated,created,cents\n"
                 "a,Open,,,,,2024-01-01,12345\n"            # no case holds: the stage's map (open)
                 "b,Open,1,1,2024-02-02,,2024-01-01,100\n"  # the flags say won, whatever the stage
                 "c,Won,0,1,,2024-02-03,,250\n"             # lost though the stage says Won; dates from `updated`
                 "e,Won,,,2024-02-04,,2024-01-01,7\n"       # no case holds: the stage's map (won)
                 f"d,Open,,,,,{future},5\n")                 # created in the future: skipped, counted
    result = import_files(store, [path], mapping=mapping)
    assert result.skipped == 1 and result.written == {"deals": 4}
    deals = {d["id"]: d for d in store.rows("deals")}
    assert {k: d["status"] for k, d in deals.items()} == {"a": "open", "b": "won", "c": "lost", "e": "won"}
    assert deals["b"]["closed_at"].date() == D("2024-02-02") and deals["c"]["closed_at"].date() == D("2024-02-03")
    assert deals["e"]["closed_at"].date() == D("2024-02-04") and deals["a"]["closed_at"] is None
    assert deals["c"]["created_at"].date() == D("2024-02-03")
    assert Decimal(str(deals["a"]["amount"])) == Decimal("123.45") and Decimal(str(deals["b"]["amount"])) == Decimal("1")


def test_mapping_options_are_checked():
    from pulso.ingest.mapping import MappingError
    bad = [{"cases": [{"value": "won"}]},                                  # a case without a condition
           {"cases": [{"when": {"x": "1"}, "value": "won", "from": "y"}]},  # both value and from
           {"from": "x", "scale": "cien"},
           {"from": []}]
    for spec in bad:
        with pytest.raises(MappingError, match="deals.status"):
            parse_mapping({"table": "deals", "columns": {"id": "ref", "status": spec}})
