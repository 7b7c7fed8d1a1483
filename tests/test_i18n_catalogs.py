"""The gettext catalog (pulso/locale/en/LC_MESSAGES/pulso.po) against the code: every text the
code marks (`_()`, `N_()`, `pgettext()`, in Python and Jinja2 templates, as `pybabel extract -F
babel.cfg` finds them) has English, and every English entry is still used by some code."""

from __future__ import annotations

import io
from pathlib import Path
import re

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
import pytest

from pulso import i18n
from pulso.errors import PulsoError

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "pulso"
#: Babel's default keywords and T("…"), the KPI catalog's texts (pybabel extract -k T: docs/i18n.md)
KEYWORDS = {**DEFAULT_KEYWORDS, "T": None}


@pytest.fixture(scope="module")
def extracted() -> set[tuple[str | None, str]]:
    """(context, msgid) of every marked text, extracted as `pybabel extract -F babel.cfg src/pulso` does."""
    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(SRC), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.add((context, msgid))
    return found


@pytest.fixture(scope="module")
def po():
    with i18n.po_path("en").open("rb") as fh:
        return read_po(fh, locale="en")


def test_every_marked_text_has_english(extracted, po):
    english = {(m.context, m.id): m.string for m in po if m.id}
    untranslated = sorted(f"{c}|{m}" if c else m for c, m in extracted if not english.get((c, m)))
    assert not untranslated, f"add English for these to {i18n.po_path('en')} (docs/i18n.md): {untranslated}"


def test_every_english_entry_is_used(extracted, po):
    unused = sorted(m.id for m in po if m.id and (m.context, m.id) not in extracted)
    assert not unused, f"no code marks these any more; remove them from {i18n.po_path('en')}: {unused}"


def test_entries_are_final_and_keep_their_placeholders(po):
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries are not used; check and unmark them: {fuzzy}"
    fields = re.compile(r"\{(\w*)[^}]*\}")
    wrong = [m.id for m in po if m.id and set(fields.findall(m.id)) != set(fields.findall(m.string))]
    assert not wrong, f"the English must keep the Spanish text's {{placeholders}}: {wrong}"


def test_the_catalog_compiles_and_is_what_translate_reads(po):
    write_mo(io.BytesIO(), po)  # what `pybabel compile` would do; fails on a malformed catalog
    assert i18n.catalog("en")[(None, "Ventas")] == "Sales"
    assert len(i18n.catalog("en")) == len([m for m in po if m.id])


def test_strict_mode_refuses_a_text_without_english():
    assert i18n.translate("Ventas", "en", strict=True) == "Sales"
    assert i18n.translate("Ventas", "es", strict=True) == "Ventas"
    assert i18n.translator("en")("Comercial") == "Sales rep"
    with pytest.raises(i18n.MissingTranslation) as missing:
        i18n.translate("Una frase que nadie tradujo", "es", strict=True)
    assert isinstance(missing.value, PulsoError) and isinstance(missing.value, KeyError)
    # outside strict mode the reader sees the Spanish source
    assert i18n.translate("Una frase que nadie tradujo", "en") == "Una frase que nadie tradujo"


def test_label_dicts_are_marked_for_extraction(extracted):
    from pulso.web.deps import VALUE_LABELS
    from pulso.web.pages import DIMENSION_LABELS, ROLE_LABELS

    labels = {*VALUE_LABELS.values(), *DIMENSION_LABELS.values(), *ROLE_LABELS.values()}
    assert labels <= {m for _c, m in extracted}


def test_no_per_feature_dictionaries_of_english_remain():
    assert not list((SRC / "web").glob("messages*.py"))


def test_reports_and_explanations_read_the_catalog():
    from pulso.engine.explain import _LABELS
    from pulso.reports.scorecard import TEXTS, text

    # a report says some words its own way: an msgctxt "informe" keeps its English apart from the pages'
    assert i18n.pgettext("informe", "toda la empresa", "en") == "the whole company"
    assert i18n.translate("toda la empresa", "en") == "whole company"
    assert (text("company", "en"), text("pace", "en"), text("kpis", "en")) == ("the whole company", "Expected by now", "Indicators")
    assert (text("title", "es"), text("title", "en")) == ("Informe de indicadores", "KPI scorecard")
    assert {text(key, "en") for key in TEXTS}.isdisjoint(TEXTS.values())  # every one has English
    assert i18n.translate(_LABELS["down"], "en", strict=True) == "lower is better"


def test_import_check_notes_read_the_catalog(extracted):
    from pulso.web import import_notes

    texts = [*import_notes.CHECKS.values(), *import_notes.STATUS_WORDS.values(), *import_notes.ROWS,
             import_notes.SUGGESTION]
    assert all(isinstance(t, str) for t in texts)  # one Spanish msgid each, no (Spanish, English) pair
    assert set(texts) <= {m for _c, m in extracted}
    assert i18n.translate(import_notes.CHECKS["skipped_empty"], "en", strict=True) == \
        "{file}: {rows} skipped because {target} is empty"
    assert i18n.translate(import_notes.SUGGESTION, "en", strict=True).startswith("Suggested mapping:")


def test_every_kpi_text_is_a_catalog_msgid_with_english(extracted):
    from pulso.catalog import AREAS, CATEGORIES, DIMENSIONS, UNITS, load_catalog
    from pulso.catalog.model import Text

    texts = [*AREAS.values(), *CATEGORIES.values(), *DIMENSIONS.values(), *UNITS.values()]
    for kpi in load_catalog():
        texts += [t for t in (kpi.name, kpi.description, kpi.formula, kpi.choices) if t is not None]
    assert texts and all(isinstance(t, Text) for t in texts)  # declared in Spanish only
    assert {t.es for t in texts} <= {m for c, m in extracted if c is None}  # marked for pybabel extract
    untranslated = sorted({t.es for t in texts if (None, t.es) not in i18n.catalog("en")})
    assert not untranslated, f"KPI texts without English in {i18n.po_path('en')}: {untranslated}"
    close = load_catalog()["close_rate"]
    assert (close.name["es"], close.name["en"]) == ("Tasa de cierre", "Close (win) rate")
    assert dict(close.name) == {"es": "Tasa de cierre", "en": "Close (win) rate"}
    assert close.text("en")["name"] == "Close (win) rate"


def test_goal_statuses_baselines_and_units_read_the_catalog(extracted):
    import datetime as dt

    from pulso import formatting
    from pulso.goals import progress

    marked = {m for _c, m in extracted}
    assert all(isinstance(t, str) for t in progress.STATUS_TEXT.values())  # msgids, no (Spanish, English) pair
    assert set(progress.STATUS_TEXT.values()) | set(formatting._UNIT_SUFFIX.values()) <= marked
    assert [progress.status_text(s, "es") for s in ("on_track", "at_risk", "missed")] == ["en camino", "en riesgo", "no alcanzado"]
    assert [progress.status_text(s, "en") for s in ("on_track", "off_track", "no_deadline")] == ["on track", "off track", "no deadline"]
    assert progress.status_text("paused", "en") == "paused"  # an unknown status reads as it is
    base = progress.Baseline(3.0, ((dt.date(2024, 1, 1), 2.0), (dt.date(2024, 2, 1), 4.0)), dt.date(2024, 1, 1),
                             dt.date(2024, 3, 1), "scaled")
    assert base.describe("es") == "media de 2 periodos (2024-01-01 a 2024-03-01, fin excluido), escalada a la duración del objetivo"
    assert base.describe("en") == "mean of 2 periods (2024-01-01 to 2024-03-01, end excluded), scaled to the goal's length"
    # 2.5 days, 1234.5 orders a year, 1500 EUR a day: grouped for the language, the unit after
    assert (formatting.fmt_value(2.5, "days", "es", "EUR"), formatting.fmt_value(2.5, "days", "en", "EUR")) == ("2,5 días", "2.5 days")
    assert formatting.fmt_value(1234.5, "orders/year", "en", "EUR") == "1,234.5/year"
    assert formatting.fmt_value(1500, "currency/day", "en", "EUR") == "€1,500/day"
    assert formatting.fmt_value(1500, "currency/day", "es", "EUR") == "1.500\xa0€/día"


def test_import_notes_are_one_module_for_the_page_and_the_cli():
    from pulso.ingest import notes
    from pulso.ingest.runlog import ImportResult, Note, RowError
    from pulso.web import import_notes

    assert import_notes.CHECKS is notes.CHECKS and import_notes.NOTES is notes.NOTES
    one = Note("default_used", "a.csv", 1, "Tipo", "task")
    many = Note("default_used", "a.csv", 1365, "Tipo", "task")
    assert notes.note_text(one, "es") == "Columna Tipo ausente en a.csv: se usó el valor por defecto «task» en 1 fila"
    assert notes.note_text(one, "en") == "column Tipo absent in a.csv: default 'task' used for 1 row" == str(one)
    assert notes.note_text(many, "es") == "Columna Tipo ausente en a.csv: se usó el valor por defecto «task» en 1.365 filas"
    assert notes.note_text(many, "en") == "column Tipo absent in a.csv: default 'task' used for 1,365 rows" == str(many)
    result = ImportResult("0123456789ab", "failed", [], "m", errors=[RowError("a.csv", 2, "id", None, "missing")])
    assert (notes.count_text(result, "es"), notes.count_text(result, "en")) == ("1 error", "1 error")
    result.unlisted = 1364  # 1,365 errors, one listed
    assert notes.count_text(result, "es") == "1.365 errores, se listan los primeros 1"
    assert notes.count_text(result, "en") == "1,365 errors, the first 1 listed"
    assert notes.error_total(result, "en") == "1,365 errors; the report lists the first 1"  # the page's words


def test_engine_errors_are_msgids_with_english(extracted):
    marked = {m for _c, m in extracted}
    for msgid in ("KPI desconocido '{key}'; `pulso kpi list` los muestra todos",
                  "{what}: '{value}' no es una fecha; use AAAA-MM-DD",
                  "grano desconocido '{grain}'; los granos son: {grains}"):
        assert msgid in marked and i18n.translate(msgid, "en", strict=True) != msgid
    error = i18n.said(PulsoError, "{what}: '{value}' no es una fecha; use AAAA-MM-DD", what="start", value="ayer")
    assert str(error) == "start: 'ayer' is not a date; use YYYY-MM-DD"
    assert (error.text, error.values) == ("{what}: '{value}' no es una fecha; use AAAA-MM-DD", {"what": "start", "value": "ayer"})


def _source_pairs(path: Path) -> list[int]:
    """Lines of a module that choose a text by language in code: `... if es else ...`, `lang == 'es'`."""
    import ast

    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare) and any(isinstance(c, ast.Constant) and c.value in ("es", "en")
                                                 for c in node.comparators):
            lines.append(node.lineno)
        if isinstance(node, ast.IfExp) and isinstance(node.test, ast.Name) and node.test.id in ("es", "en"):
            lines.append(node.lineno)
    return lines


def test_smart_letters_and_the_quarter_are_msgids_not_pairs_in_code(extracted):
    import datetime as dt

    from pulso import formatting
    from pulso.goals import progress

    assert _source_pairs(SRC / "goals" / "progress.py") == [] and _source_pairs(SRC / "formatting.py") == []
    marked = set(extracted)
    assert ("trimestre", "T{quarter} {year}") in marked
    assert (None, "no tiene fecha límite") in marked and (None, "fecha límite {deadline}") in marked
    q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (formatting.fmt_period("quarter", *q2, "es"), formatting.fmt_period("quarter", *q2, "en")) == ("T2 2026", "Q2 2026")
    goal = progress.SmartInput(kpi_name="Ingresos", general_metric=True, has_objective=False, baseline=100.0,
                               target=90.0, direction="up", best_ever=None, worst_ever=None, start=dt.date(2026, 1, 1),
                               deadline=None)
    es = {x.letter: x.message for x in progress.smart_check(goal, "es")}
    en = {x.letter: x.message for x in progress.smart_check(goal, "en")}
    assert es["S"].startswith("«Ingresos» es una métrica general") and en["S"].startswith("'Ingresos' is a general metric")
    assert es["R"] == "la meta no mejora la línea base (100): en este indicador más es mejor"
    assert en["R"] == "the target does not improve on the baseline (100): for this indicator more is better"
    assert (es["T"], en["T"]) == ("no tiene fecha límite", "no deadline")


def test_quota_errors_say_the_same_english_and_spanish_to_a_spanish_reader():
    """goals/quotas.py's refusals are msgids (said): str() is the English as before (logs, the
    API, tests), and the CLI's one handler says them in Spanish to a Spanish reader."""
    from pulso.cli.common import error_text
    from pulso.errors import GoalError
    from pulso.goals.quotas import set_quota

    with pytest.raises(GoalError) as company:
        set_quota(None, scope="company", period="2026-03", amount=10)
    assert str(company.value) == "a quota belongs to a rep (rep:ID) or a team (team:ID), not to the company"
    assert error_text(company.value, "es") == "una cuota es de un comercial (rep:ID) o de un equipo (team:ID), no de la empresa"
    assert error_text(company.value, "en") == str(company.value)


# -- the store's record errors: English as raised, Spanish to a Spanish reader (issue 14 item 5) -------

OLD_ES = "deals.status debe ser uno de open, won, lost"
OLD_EN = "deals.status must be one of open, won, lost"
OLD_CSV = "id,title,status,created_at\nd9,Uno,abierto,2024-01-02\n"  # a status the reader reads and the store refuses


def test_a_record_error_keeps_its_english_and_carries_its_msgid(tmp_path):
    from pulso.config import Settings
    from pulso.errors import ValidationError
    from pulso.store import Store

    with Store(Settings(f"duckdb:///{tmp_path / 'w.duckdb'}")) as store:
        store.init(timezone="UTC", currency="EUR")
        with pytest.raises(ValidationError) as caught:
            store.upsert_many({"deals": [{"id": "d1", "status": "open", "created_at": "1850-01-01", "account_id": "nope"}]})
    error = next(e for e in caught.value.errors if e.field == "created_at")
    assert error.reason == "is outside the years 1900–2200 (got 1850-01-01T00:00:00+00:00)"
    assert i18n.said_text(error.text, error.values, error.reason, i18n.translator("es")) == "está fuera de los años 1900–2200"
    with pytest.raises(ValidationError) as caught:
        with Store(Settings(f"duckdb:///{tmp_path / 'w.duckdb'}")) as store:
            store.upsert_many({"deals": [{"id": "d1", "status": "open", "created_at": "2024-01-01", "amount": "mucho"}]})
    [error] = caught.value.errors
    assert str(error) == "deals d1: amount: 'mucho' is not an amount"
    assert i18n.said_text(error.text, error.values, error.reason, i18n.translator("es")) == "'mucho' no es un importe"


def test_a_spanish_reader_sees_the_store_s_refusal_in_spanish_on_the_import_page(tmp_path):
    import datetime as dt

    from fastapi.testclient import TestClient

    from pulso.config import Settings
    from pulso.store import Store
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_locale, set_password

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="UTC", currency="EUR")
        store.upsert_many({"users": [{"id": "u1", "name": "Ada", "email": "ada@example.com", "role": "admin",
                                      "created_at": "2024-01-01"}]})
        set_password(store, "u1", "correct horse battery")
    app = create_app(WebSettings(store=Settings(url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    try:
        def csrf(html: str) -> str:
            return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

        seen = {}
        for lang in ("es", "en"):  # the language is the user's stored locale, read when signing in
            app.state.services.run(set_locale, app.state.services.store, "u1", lang)
            client = TestClient(app)
            client.post("/signin", data={"email": "ada@example.com", "password": "correct horse battery",
                                         "csrf_token": csrf(client.get("/signin").text), "next": "/"})
            page = client.get("/data/import")
            preview = client.post("/data/import/preview", data={"csrf_token": csrf(page.text), "table_name": "deals"},
                                  files={"files": ("bad.csv", OLD_CSV.encode(), "text/csv")})
            token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
            done = client.post("/data/import/run", data={
                "csrf_token": csrf(preview.text), "token": token, "table": "deals", "col__id": "id",
                "col__title": "title", "col__status": "status", "col__created_at": "created_at", "mode": "import"})
            table = done.text.split('data-testid="import-errors"')[1].split("</table>")[0]
            seen[lang] = re.findall(r"<td>([^<]*)</td></tr>", table)
    finally:
        app.state.services.close()
    assert seen == {"es": [OLD_ES], "en": [OLD_EN]}


def test_pulso_import_of_a_bad_file_says_the_store_s_refusal_in_spanish(tmp_path, monkeypatch, capsys):
    from pulso.config import Settings
    from pulso.store import Store

    from pulso.cli import main

    def run_main(monkeypatch, capsys, args, lang):  # as tests/cli/test_cli_language.py runs the CLI's handler
        monkeypatch.setenv("PULSO_LANG", lang)
        monkeypatch.setenv("COLUMNS", "400")
        monkeypatch.setattr("sys.argv", ["pulso", *args])
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code == 1
        return capsys.readouterr().err

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="UTC", currency="EUR")
    csv = tmp_path / "deals.csv"
    csv.write_text(OLD_CSV, encoding="utf-8")
    args = ["import", str(csv), "--table", "deals", "--db", url]
    spanish = run_main(monkeypatch, capsys, args, "es").splitlines()
    assert f"  deals.csv, línea 2, columna status: {OLD_ES} (valor 'abierto')" in spanish
    english = run_main(monkeypatch, capsys, args, "en").splitlines()
    assert f"  deals.csv, line 2, column status: {OLD_EN} (value 'abierto')" in english
