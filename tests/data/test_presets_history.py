"""What issue 13's presets still missed after the store kept foreign keys off DuckDB: Salesforce
tasks and events linked to their lead (WhoId) and deal (WhatId).

Files are built to the real export formats (the weekly Data Export: API names as headers,
datetimes `2024-03-04T10:00:00.000+0000`, checkboxes 1/0; Data Loader: capital headers, every
value quoted, true/false); invented people; every figure worked out by hand.
"""

from __future__ import annotations

import sqlalchemy as sa

from pulso.ingest import import_files
from pulso.store import schema


def write(folder, name: str, text: str):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(store, table: str, *columns: str) -> dict[str, tuple]:
    t = schema.table(table)
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(t.c.id, *(t.c[c] for c in columns))).all()
    return {r[0]: tuple(r[1:]) for r in found}


ACC, LEAD, OPP1, OPP2 = "0015g00000AcmeAAA", "00Q5g00000RosaAAA", "0065g00000Opp1AA", "0065g00000Opp2AA"
CONTACT, CASE = "0035g00000CntAAA", "5005g00000CaseAA"

ACCOUNT = f"Id,Name,Industry,CreatedDate\n{ACC},Ferretería Soto,Retail,2024-01-05T09:00:00.000+0000\n"
LEADS = ("Id,LastName,FirstName,Company,Status,IsConverted,CreatedDate\n"
         f"{LEAD},Quispe,Rosa,Minera Quispe,Working - Contacted,0,2024-01-08T09:00:00.000+0000\n")
OPPORTUNITY = ("Id,AccountId,Name,StageName,Amount,Probability,CloseDate,IsClosed,IsWon,CreatedDate\n"
               f"{OPP1},{ACC},Soto - licencias,{{stage}},5000,{{probability}},2024-06-30,0,0,2024-02-01T10:00:00.000+0000\n"
               f"{OPP2},{ACC},Soto - soporte,Prospecting,800,10,2024-07-31,0,0,2024-02-02T10:00:00.000+0000\n")
# task 1: the lead and deal 1; task 2: a contact and the account (no lead, no deal); task 3: the
# lead and a case (no deal); task 4 (Data Loader below): deal 2 and no one.
TASKS = ("Id,WhoId,WhatId,AccountId,Subject,ActivityDate,Status,TaskSubtype,CallType,CallDurationInSeconds,"
         "CreatedDate\n"
         f"00T5g00000Tsk1AAA,{LEAD},{OPP1},{ACC},Llamada,2024-03-04,Completed,Call,Outbound,300,"
         "2024-03-04T10:00:00.000+0000\n"
         f"00T5g00000Tsk2AAA,{CONTACT},{ACC},,Correo,2024-03-05,Completed,Email,,,2024-03-05T10:00:00.000+0000\n"
         f"00T5g00000Tsk3AAA,{LEAD},{CASE},,Revisar caso,2024-03-06,Completed,Task,,,2024-03-06T10:00:00.000+0000\n")
# event 1: a contact and deal 1
EVENTS = ("Id,WhoId,WhatId,AccountId,Subject,StartDateTime,EndDateTime,DurationInMinutes,Type,CreatedDate\n"
          f"00U5g00000Evt1AAA,{CONTACT},{OPP1},{ACC},Demo,2024-03-07T15:00:00.000+0000,"
          "2024-03-07T15:45:00.000+0000,45,Meeting,2024-03-01T10:00:00.000+0000\n")
LOADER_TASKS = ('"ID","WHOID","WHATID","ACCOUNTID","SUBJECT","ACTIVITYDATE","STATUS","TASKSUBTYPE","CREATEDDATE"\n'
                f'"00T5g00000Tsk4AAA","","{OPP2}","{ACC}","Enviar propuesta","2024-03-08","Completed","Task",'
                '"2024-03-08T09:00:00.000Z"\n')


def test_salesforce_tasks_and_events_link_their_lead_and_deal(store, tmp_path):
    export = tmp_path / "WE_00D5g000001_1"
    write(export, "Account.csv", ACCOUNT)
    write(export, "Lead.csv", LEADS)
    opportunity = write(export, "Opportunity.csv", OPPORTUNITY.format(stage="Prospecting", probability=10))
    write(export, "Task.csv", TASKS)
    write(export, "Event.csv", EVENTS)
    import_files(store, [export], mapping="salesforce")
    loader = write(tmp_path / "loader", "extract.csv", LOADER_TASKS)
    import_files(store, [loader], mapping="salesforce")
    assert rows(store, "activities", "type", "lead_id", "deal_id", "account_id") == {
        "00T5g00000Tsk1AAA": ("call", LEAD, OPP1, ACC),
        "00T5g00000Tsk2AAA": ("email", None, None, ACC),       # a contact is not a lead; WhatId the account
        "00T5g00000Tsk3AAA": ("task", LEAD, None, None),       # a case is neither a deal nor an account
        "00U5g00000Evt1AAA": ("meeting", None, OPP1, ACC),
        "00T5g00000Tsk4AAA": ("task", None, OPP2, ACC),
    }
    # By hand: deal 1 has task 1 and event 1, deal 2 task 4; the lead has tasks 1 and 3.
    with store.engine.connect() as conn:
        per_deal = dict(conn.exec_driver_sql(
            "SELECT deal_id, count(*) FROM activities WHERE deal_id IS NOT NULL GROUP BY deal_id").all())
        per_lead = dict(conn.exec_driver_sql(
            "SELECT lead_id, count(*) FROM activities WHERE lead_id IS NOT NULL GROUP BY lead_id").all())
    assert per_deal == {OPP1: 2, OPP2: 1} and per_lead == {LEAD: 2}

    # Next week's export: deal 1 moved on with activities pointing at it; both backends take it.
    opportunity.write_text(OPPORTUNITY.format(stage="Negotiation/Review", probability=90), encoding="utf-8")
    import_files(store, [opportunity], mapping="salesforce")
    assert rows(store, "deals", "stage_id")[OPP1] == ("salesforce-negotiation-review",)
    assert rows(store, "activities", "deal_id")["00U5g00000Evt1AAA"] == (OPP1,)
