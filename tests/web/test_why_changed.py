"""Why it changed (issue 16, item 4) on the KPI detail page and its JSON twin: the change of the
close rate against the month before, split by rep, ranked, with names, a sentence, a waterfall and
a table; a rep sees only their own part. DuckDB and PostgreSQL.

November 2026 (a whole past month) against October, worked out by hand:
- Ana Ruiz (u2): October 2 won of 4 closed, November 3 of 4;
- Javier Soto (u3): October 1 won of 6, November 1 of 2;
- the company: 3/10 = 30 % → 4/6 = 66,7 %: +36,7 pp, of which Ana +30,0 pp (rate 2/15 + mix 1/6)
  and Javier +6,7 pp (rate 7/45 − mix 4/45 = 1/15).
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from conftest import sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.web.auth import set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

PASSWORD = "correct horse battery"
NOV = "period=month&at=2026-11-15"


def _seed(store) -> None:
    closes = ([("u2", k < 2, "2026-10-10T10:00:00") for k in range(4)] + [("u3", k < 1, "2026-10-12T10:00:00") for k in range(6)]
              + [("u2", k < 3, "2026-11-10T10:00:00") for k in range(4)] + [("u3", k < 1, "2026-11-12T10:00:00") for k in range(2)])
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "u1"}],
        "users": [{"id": u, "name": n, "email": f"{u}@example.com", "role": r, "team_id": "t1", "created_at": "2025-01-01"}
                  for u, n, r in (("u1", "Ada Admin", "admin"), ("u2", "Ana Ruiz", "rep"), ("u3", "Javier Soto", "rep"))],
        "stages": [{"id": "w", "pipeline": "default", "name": "Ganado", "position": 1, "kind": "won", "probability": 1.0},
                   {"id": "l", "pipeline": "default", "name": "Perdido", "position": 2, "kind": "lost", "probability": 0.0}],
        "deals": [{"id": f"d{i}", "owner_id": owner, "title": f"Trato {i}", "amount": 1000, "currency": "EUR",
                   "stage_id": "w" if won else "l", "status": "won" if won else "lost", "kind": "new",
                   "created_at": "2026-09-01T10:00:00", "closed_at": closed}
                  for i, (owner, won, closed) in enumerate(closes)],
    })
    for u in ("u1", "u3"):
        set_password(store, u, PASSWORD)


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("why"), request)
    _seed(store)
    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="why-changed", strict_i18n=True, today=dt.date(2026, 12, 20)))
    yield app
    app.state.services.close()


def _client(app, email: str) -> TestClient:
    c = TestClient(app, client=("10.9.0.3", 5000))
    assert sign_in(c, email, PASSWORD).status_code == 303
    return c


SENTENCE = ("Tasa de cierre subió 36,7 pp: Ana Ruiz +30,0 pp (82 % del cambio; su cifra +25,0 pp, n = 4)"
            " y Javier Soto +6,7 pp (18 % del cambio; su cifra +33,3 pp, n = 2).")


def test_the_detail_page_and_its_twin_rank_the_reps_by_their_part_of_the_change(app):
    admin = _client(app, "u1@example.com")
    why = admin.get(f"/kpi/close_rate.json?{NOV}").json()["why"]
    assert why["dimension"] == "owner"
    bd = why["breakdown"]
    assert bd["method"] == "mix" and bd["current"] == ["2026-11-01", "2026-12-01"] and bd["compared"] == ["2026-10-01", "2026-11-01"]
    assert (bd["previous"], bd["value"]) == (pytest.approx(0.3), pytest.approx(4 / 6))
    assert bd["change"] == pytest.approx(4 / 6 - 0.3)
    ana, javier = bd["contributions"]
    assert (ana["label"], ana["member"], ana["n_previous"], ana["n"]) == ("Ana Ruiz", "u2", 4, 4)
    assert (ana["rate_effect"], ana["mix_effect"]) == (pytest.approx(2 / 15), pytest.approx(1 / 6))
    assert (javier["label"], javier["rate_effect"], javier["mix_effect"]) == ("Javier Soto", pytest.approx(7 / 45), pytest.approx(-4 / 45))
    assert ana["contribution"] + javier["contribution"] == pytest.approx(bd["change"], abs=1e-12)
    assert (ana["contribution_text"], javier["contribution_text"]) == ("+30,0 pp", "+6,7 pp")
    assert why["text"].replace("\xa0", " ") == SENTENCE
    assert why["compared_text"] == "1–30 nov 2026 frente a 1–31 oct 2026"  # whole months: whole against whole
    [note, chart, table] = why["sections"]
    assert note["title"] == "Por qué cambió · Comercial"
    steps = chart["spec"]["data"]["values"]  # the waterfall: 30 % → +30 pp → +6,7 pp → 66,7 %
    assert [(s["label"], s["meaning"]) for s in steps] == [("Antes", "total"), ("Ana Ruiz", "good"), ("Javier Soto", "good"), ("Ahora", "total")]
    assert [s["end"] for s in steps] == [pytest.approx(x) for x in (0.3, 0.6, 0.3 + 0.3 + 1 / 15, 4 / 6)]
    assert [r[0]["text"] for r in table["rows"]] == ["Ana Ruiz", "Javier Soto"]
    html = admin.get(f"/kpi/close_rate?{NOV}").text.replace("\xa0", " ")
    assert 'data-testid="why"' in html and "Por qué cambió · Comercial" in html and SENTENCE in html
    assert "Efecto tasa" in html and "Efecto mezcla" in html


def test_a_rep_sees_only_their_own_part(app):
    rep = _client(app, "u3@example.com")
    bd = rep.get(f"/kpi/close_rate.json?{NOV}").json()["why"]["breakdown"]
    assert [c["label"] for c in bd["contributions"]] == ["Javier Soto"]
    assert bd["change"] == pytest.approx(1 / 2 - 1 / 6)
    assert "Ana Ruiz" not in rep.get(f"/kpi/close_rate?{NOV}").text


def test_a_sum_splits_by_any_dimension_the_page_is_split_by(app):
    # Revenue won by stage: all won deals are in 'Ganado': 3,000 in October, 4,000 in November.
    admin = _client(app, "u1@example.com")
    why = admin.get(f"/kpi/revenue_won.json?{NOV}&by=stage").json()["why"]
    assert why["dimension"] == "stage" and why["breakdown"]["method"] == "difference"
    [only] = why["breakdown"]["contributions"]
    assert (only["label"], only["contribution"]) == ("Ganado", 1000)
