"""What the presets still missed (issue 13): links between records, stage positions, durations,
and the exact error count of a one-file run whose errors span several batches.

Each file is built to the CRM's real export format (headers exactly as the CRM writes them,
invented people); every expected figure is worked out by hand in the test.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pulso.ingest import ImportFailed, import_files, list_runs, readers
from pulso.store import schema

from .helpers import snapshot


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the exact error count when errors span several batches ----------------------------------------

def test_rule_errors_of_every_batch_are_counted(store, tmp_path, monkeypatch):
    # Batches of 4 rows: 11 deals make batches 1-4, 5-8, 9-11. Negative amounts in rows 2 and 3
    # (batch 1), 6 (batch 2) and 9, 10, 11 (batch 3): 6 errors, listed at their lines (header = line 1).
    monkeypatch.setattr(readers, "BATCH_ROWS", 4)
    bad = {2, 3, 6, 9, 10, 11}
    rows = [f"d{i},open,{-5 if i in bad else 5},2024-01-02" for i in range(1, 12)]
    path = write(tmp_path, "deals.csv", "id,status,amount,created_at\n" + "\n".join(rows) + "\n")
    before = snapshot(store)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [path], table="deals")
    assert snapshot(store) == before
    result = caught.value.result
    assert result.error_count == 6
    assert sorted(e.line for e in result.errors) == [3, 4, 7, 10, 11, 12]
    assert str(caught.value).startswith("6 errors")
    assert list_runs(store)[0]["error_count"] == 6


def rows(store, table: str, *columns: str) -> dict[str, tuple]:
    """The stored records of a table by id: the named columns."""
    t = schema.table(table)
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(t.c.id, *(t.c[c] for c in columns))).all()
    return {r[0]: tuple(r[1:]) for r in found}


# -- HubSpot: deals linked to their company, calls, stage positions ----------------------------------

HUBSPOT_COMPANIES = ('"Record ID","Company name","Create Date","Industry"\n'
                     '"101","Ferretería Soto","2024-01-05 09:00","Retail"\n'
                     '"102","Clínica Norte","2024-01-06 09:00","Health"\n')
HUBSPOT_DEALS = (
    '"Record ID","Deal Name","Deal Stage","Pipeline","Amount","Create Date","Close Date","Deal probability",'
    '"Is Deal Closed?","Is Closed Won","Associated Company IDs (Primary)","Associated Company IDs"\n'
    '"5001","Soto - licencias","Appointment scheduled","Sales Pipeline","1000.0","2024-02-01 10:00","2024-06-30 00:00","0.2","false","false","101","101;102"\n'
    '"5002","Norte - piloto","Contract sent","Sales Pipeline","2500.0","2024-02-02 10:00","2024-05-31 00:00","0.8","false","false","","102;101"\n'
    '"5003","Soto - soporte","Closed won","Sales Pipeline","300.0","2024-02-03 10:00","2024-03-01 00:00","1.0","true","true","",""\n'
    '"5004","Lumen - demo","Closed lost","Sales Pipeline","700.0","2024-02-04 10:00","2024-03-02 00:00","0.0","true","false","999","999"\n')
HUBSPOT_CALLS = (
    '"Record ID","Call Title","Activity date","Call direction","Call duration","Call outcome","Associated Deal IDs",'
    '"Associated Company IDs","Associated Contact IDs"\n'
    '"9001","Llamada de descubrimiento","2024-03-04 10:00","OUTBOUND","1800000","Connected","5001","101",""\n'
    '"9002","Devolver llamada","2024-03-05 16:30","INBOUND","95000","No answer","","102;101","77"\n')


def test_hubspot_deals_link_their_company_and_calls_become_activities(store, tmp_path):
    paths = [write(tmp_path, "hubspot-crm-exports-all-companies-2024-03-10.csv", HUBSPOT_COMPANIES),
             write(tmp_path, "hubspot-crm-exports-all-deals-2024-03-10.csv", HUBSPOT_DEALS),
             write(tmp_path, "hubspot-crm-exports-all-calls-2024-03-10.csv", HUBSPOT_CALLS)]
    result = import_files(store, paths, mapping="hubspot")
    assert result.written == {"accounts": 2, "stages": 4, "deals": 4, "activities": 2}
    # The primary company first, else the first of the list; a company not imported (999): none.
    assert rows(store, "deals", "account_id") == {"5001": ("101",), "5002": ("102",), "5003": (None,),
                                                  "5004": (None,)}
    # Positions: the stage's probability in percent (0.2 → 20, 0.8 → 80, won 100, lost 0).
    stages = rows(store, "stages", "position", "kind")
    assert stages == {"sales-pipeline-appointment-scheduled": (20, "open"), "sales-pipeline-contract-sent": (80, "open"),
                      "sales-pipeline-closed-won": (100, "won"), "sales-pipeline-closed-lost": (0, "lost")}
    # Calls: 1,800,000 ms = 1,800 s, 95,000 ms = 95 s; contact 77 is not a lead here: no lead.
    calls = rows(store, "activities", "type", "direction", "duration_s", "outcome", "deal_id", "account_id", "lead_id")
    assert calls == {"9001": ("call", "outbound", 1800, "Connected", "5001", "101", None),
                     "9002": ("call", "inbound", 95, "No answer", None, "102", None)}


# -- Salesforce: Task and Event WhoId / WhatId -------------------------------------------------------

SF_ACCOUNTS = "Id,Name,Industry,CreatedDate\n0015g00000AcmeAAA,Ferretería Soto,Retail,2024-01-05T09:00:00.000+0000\n"
SF_LEADS = ("Id,LastName,FirstName,Company,Status,IsConverted,CreatedDate\n"
            "00Q5g00000LeadAAA,Quispe,Rosa,Minera Quispe,Working - Contacted,0,2024-01-08T09:00:00.000+0000\n")
SF_OPPORTUNITY = ("Id,AccountId,Name,StageName,Amount,Probability,CloseDate,IsClosed,IsWon,CreatedDate\n"
                  "0065g00000OppAAA,0015g00000AcmeAAA,Soto - licencias,{stage},5000,{probability},2024-06-30,0,0,"
                  "2024-02-01T10:00:00.000+0000\n")
SF_TASKS = ("Id,WhoId,WhatId,AccountId,Subject,ActivityDate,Status,TaskSubtype,CallType,CallDurationInSeconds,"
            "CreatedDate\n"
            "00T5g00000Tsk1AAA,00Q5g00000LeadAAA,0065g00000OppAAA,0015g00000AcmeAAA,Llamada,2024-03-04,Completed,Call,"
            "Outbound,300,2024-03-04T10:00:00.000+0000\n"
            "00T5g00000Tsk2AAA,0035g00000CntAAA,0015g00000AcmeAAA,,Correo,2024-03-05,Completed,Email,,,"
            "2024-03-05T10:00:00.000+0000\n")
SF_EVENTS = ("Id,WhoId,WhatId,AccountId,Subject,StartDateTime,EndDateTime,DurationInMinutes,Type,CreatedDate\n"
             "00U5g00000Evt1AAA,00Q5g00000LeadAAA,0065g00000OppAAA,,Demo,2024-03-06T15:00:00.000+0000,"
             "2024-03-06T15:30:00.000+0000,30,Meeting,2024-03-01T10:00:00.000+0000\n")


def test_salesforce_tasks_and_events_link_their_account(store, tmp_path):
    opportunity = write(tmp_path, "Opportunity.csv", SF_OPPORTUNITY.format(stage="Prospecting", probability=10))
    paths = [write(tmp_path, "Account.csv", SF_ACCOUNTS), write(tmp_path, "Lead.csv", SF_LEADS), opportunity,
             write(tmp_path, "Task.csv", SF_TASKS), write(tmp_path, "Event.csv", SF_EVENTS)]
    import_files(store, paths, mapping="salesforce")
    # The account: AccountId (task 1), else WhatId when it is an account (task 2); event 1 has no
    # AccountId and its WhatId is a deal → none. WhoId links the lead (a contact, task 2, is none),
    # WhatId the deal (tests/data/test_presets_history.py).
    assert rows(store, "activities", "type", "lead_id", "deal_id", "account_id", "duration_s") == {
        "00T5g00000Tsk1AAA": ("call", "00Q5g00000LeadAAA", "0065g00000OppAAA", "0015g00000AcmeAAA", 300),
        "00T5g00000Tsk2AAA": ("email", None, None, "0015g00000AcmeAAA", None),
        "00U5g00000Evt1AAA": ("meeting", "00Q5g00000LeadAAA", "0065g00000OppAAA", None, 1800)}
    # Next week's export: the deal moved on to a later stage; the re-import updates it.
    opportunity.write_text(SF_OPPORTUNITY.format(stage="Negotiation/Review", probability=90), encoding="utf-8")
    import_files(store, [opportunity], mapping="salesforce")
    assert rows(store, "deals", "stage_id")["0065g00000OppAAA"] == ("salesforce-negotiation-review",)
    assert rows(store, "stages", "position", "probability")["salesforce-negotiation-review"] == (90, pytest.approx(0.9))


# -- Pipedrive: activity durations and stage positions -----------------------------------------------

PD_DEALS = ("Deal - ID,Deal - Title,Deal - Status,Deal - Pipeline,Deal - Stage,Deal - Value,Deal - Currency of Value,"
            "Deal - Deal created,Deal - Probability\n"
            "11,Soto - licencias,Open,Ventas,Qualified,1000,EUR,2024-02-01 10:00:00,10\n"
            "12,Norte - piloto,Open,Ventas,Proposal Made,2500,EUR,2024-02-02 10:00:00,60\n")
PD_ACTIVITIES = ("Activity - ID,Activity - Subject,Activity - Type,Activity - Done,Activity - Due date,"
                 "Activity - Duration,Activity - Marked as done time,Deal - ID\n"
                 "21,Llamar a Soto,Call,Done,2024-03-04,00:30,2024-03-04 10:40:00,11\n"
                 "22,Demo Norte,Meeting,Done,2024-03-05,01:15,2024-03-05 17:00:00,12\n"
                 "23,Enviar propuesta,Task,Done,2024-03-06,,2024-03-06 09:00:00,12\n"
                 "24,Seguimiento,Call,To do,2024-03-20,00:15,,11\n")


def test_pipedrive_activity_durations_and_stage_positions(store, tmp_path):
    paths = [write(tmp_path, "deals-export.csv", PD_DEALS), write(tmp_path, "activities-export.csv", PD_ACTIVITIES)]
    result = import_files(store, paths, mapping="pipedrive")
    assert result.written["activities"] == 3  # the "To do" has not happened
    # 00:30 = 1,800 s, 01:15 = 4,500 s, no duration: empty.
    assert rows(store, "activities", "type", "duration_s", "deal_id") == {
        "21": ("call", 1800, "11"), "22": ("meeting", 4500, "12"), "23": ("task", None, "12")}
    assert rows(store, "stages", "position") == {"ventas-qualified": (10,), "ventas-proposal-made": (60,)}
