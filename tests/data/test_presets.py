"""Presets of other CRMs on files shaped like their exports, and header suggestions in Spanish and English."""

from __future__ import annotations

import pytest

from pulso.ingest import detect_mapping, import_files, load_mapping, presets, suggestions


def test_every_preset_loads():
    assert {"salesforce", "hubspot", "pipedrive", "zoho", "odoo"} <= set(presets())
    for name in presets():
        assert load_mapping(name).sources


@pytest.mark.parametrize("headers, table, expected", [
    (["Fecha de cierre", "Importe", "Estado", "Responsable"], "deals",
     {"Fecha de cierre": "closed_at", "Importe": "amount", "Estado": "status", "Responsable": "owner_id"}),
    (["Close Date", "Amount", "Deal Stage", "Deal owner"], "deals",
     {"Close Date": "closed_at", "Amount": "amount", "Deal Stage": "status", "Deal owner": "owner_id"}),
    (["Correo electrónico", "Teléfono", "Empresa", "Origen"], "leads",
     {"Correo electrónico": "email", "Teléfono": "phone", "Empresa": "company", "Origen": "source"}),
])
def test_header_suggestions(headers, table, expected):
    assert {h: t for h, (t, _) in suggestions(headers, table).items()} == expected


def test_hubspot_and_pipedrive_deal_exports(store, tmp_path):
    hub = tmp_path / "hubspot-crm-exports-all-deals-2024-08-27.csv"
    hub.write_text('"Record ID","Deal Name","Last Activity Date","Deal Stage","Close Date","Deal owner","Amount","Pipeline","Create Date"\n'
                   '"101","Big","","Closed Won","2024-05-02","","1200.50","Sales","2024-04-01"\n'
                   '"102","Open one","","Appointment Scheduled","2024-09-30","","300","Sales","2024-04-02"\n', encoding="utf-8")
    pipe = tmp_path / "deals-export.csv"
    # A Pipedrive deals export always has the stage (the preset makes stages from it).
    pipe.write_text("Deal - ID,Deal - Title,Deal - Value,Deal - Currency of value,Deal - Pipeline,Deal - Stage,Deal - Status,"
                    "Deal - Creation date,Deal - Won time\n"
                    "7,Pipe deal,99,EUR,Pipeline,Qualified,Won,2024-01-10 09:00:00,2024-02-01 10:00:00\n", encoding="utf-8")
    assert detect_mapping(hub.name, ['Record ID', 'Deal Name', 'Deal Stage']).name == "hubspot"
    import_files(store, [hub], mapping="hubspot")
    import_files(store, [pipe], mapping="pipedrive")
    deals = {d["id"]: d for d in store.rows("deals")}
    assert deals["101"]["status"] == "won" and str(deals["101"]["amount"]) == "1200.50"
    assert deals["101"]["closed_at"].date().isoformat() == "2024-05-02"
    assert deals["102"]["status"] == "open" and deals["102"]["closed_at"] is None
    assert deals["102"]["expected_close_at"].date().isoformat() == "2024-09-30"
    assert deals["7"]["status"] == "won" and deals["7"]["currency"] == "EUR"
