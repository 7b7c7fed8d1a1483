"""Issue 14, item 5: the command line speaks Spanish first and English, through the gettext catalog.
A command with --lang speaks that language; any other the environment's (PULSO_LANG, else LC_ALL,
LC_MESSAGES, LANG: en_* English, anything else Spanish). JSON output does not change."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pulso.cli import app
from pulso.cli import common
from pulso.cli.common import language

runner = CliRunner()

# One won and one lost deal closed in the 365 days up to the newest deal (2025-08-01): close rate 1/2.
DEALS = [
    {"id": "w1", "owner_id": "u1", "status": "won", "amount": 100, "created_at": "2025-06-01", "closed_at": "2025-07-01"},
    {"id": "l1", "owner_id": "u1", "status": "lost", "amount": 40, "created_at": "2025-08-01", "closed_at": "2025-08-01"},
]


def invoke(args: list[str], env: dict[str, str | None]):
    # The CLI's consoles read COLUMNS once, when pulso.cli.common is first imported (by whichever
    # test came first): give them a wide line for the run, so no sentence wraps and no header is cut.
    wide = [(c, c._width) for c in (common.console, common.err)]
    for c, _ in wide:
        c.width = 200
    try:
        return runner.invoke(app, args, env={"COLUMNS": "200", **env})
    finally:
        for c, width in wide:
            c._width = width


@pytest.mark.parametrize(("env", "expected"), [
    ({"PULSO_LANG": "en", "LANG": "es_ES.UTF-8"}, "en"),    # PULSO_LANG first
    ({"PULSO_LANG": "es", "LC_ALL": "en_US.UTF-8"}, "es"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "es_MX.UTF-8"}, "en"),  # then the locale, LC_ALL before LANG
    ({"LC_MESSAGES": "es_ES", "LANG": "en_US"}, "es"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "es_AR.UTF-8"}, "es"),
    ({"LANG": "C.UTF-8"}, "es"),                            # C, POSIX, another language, unset: Spanish
    ({"LANG": "POSIX"}, "es"),
    ({"LANG": "fr_FR.UTF-8"}, "es"),
    ({}, "es"),
])
def test_the_language_comes_from_the_environment(monkeypatch, env, expected):
    for name in ("PULSO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert language() == expected
    assert language("en") == "en" and language("es") == "es"  # a command's --lang wins


def test_status_in_spanish_and_in_english(store):
    store.set_setting("currency", "EUR")
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana", "email": "ana@example.com", "role": "rep", "created_at": "2024-01-01"}],
        "deals": [{"currency": "EUR", "kind": "new", **d} for d in DEALS],
    })
    store.engine.dispose()  # a DuckDB file admits one holder at a time
    spanish = invoke(["status", "--db", store.url], {"PULSO_LANG": "es"})
    assert spanish.exit_code == 0, spanish.output
    for text in ("Cifras principales (zona horaria UTC, moneda EUR)", "tabla", "filas", "cifra", "valor",
                 "tasa de cierre, últimos 12 meses", "50,0%", "100,00\xa0€", "oportunidades (deals)"):
        assert text in spanish.output, (text, spanish.output)
    assert "Headline figures" not in spanish.output
    english = invoke(["status", "--db", store.url], {"PULSO_LANG": "en", "LANG": "C"})
    assert english.exit_code == 0, english.output
    for text in ("Headline figures (time zone UTC, currency EUR)", "figure", "value",
                 "close (win) rate, last 12 months", "50.0%", "€100.00", "deals"):
        assert text in english.output, (text, english.output)
    assert "Cifras principales" not in english.output


def test_import_with_a_note_in_both_languages(store, tmp_path):
    # email is mapped but empty in both rows: the import writes the two accounts and adds a note
    csv = tmp_path / "accounts.csv"
    csv.write_text("id,name,email,created_at\na1,Uno,,2025-01-02\na2,Dos,,2025-01-03\n", encoding="utf-8")
    store.engine.dispose()
    args = ["import", str(csv), "--table", "accounts", "--dry-run", "--db", store.url]
    spanish = invoke(args, {"LANG": "es_ES.UTF-8", "PULSO_LANG": None})
    assert spanish.exit_code == 0, spanish.output
    assert "Se escribirían 2 accounts de 2 filas (mapeo suggested:accounts; ejecución " in spanish.output
    # the note in the CLI's language, as the import page says it (pulso.ingest.notes)
    assert "Nota: accounts.csv: la columna email (asignada a accounts.email) quedó vacía en todas las filas (2 filas)" \
        in spanish.output
    english = invoke(args, {"LANG": "en_US.UTF-8", "PULSO_LANG": None})
    assert english.exit_code == 0, english.output
    assert "Would write 2 accounts from 2 rows (mapping suggested:accounts; run " in english.output
    assert "Note: accounts.csv: column email (mapped to accounts.email) came out empty in every row (2 rows)" \
        in english.output


def run_main(monkeypatch, capsys, args: list[str], lang: str) -> str:
    """What `pulso ARGS` prints on stderr through the CLI's one error handler (pulso.cli.main)."""
    from pulso.cli import main

    monkeypatch.setenv("PULSO_LANG", lang)
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr("sys.argv", ["pulso", *args])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 1
    return capsys.readouterr().err


def test_an_engine_error_in_both_languages(monkeypatch, capsys):
    # the catalog's KpiError carries a msgid: the handler says it in the CLI's language
    args = ["kpi", "explain", "close_rat"]
    assert run_main(monkeypatch, capsys, args, "es") == \
        "error: KPI desconocido 'close_rat'; ¿quiso decir 'close_rate'? `pulso kpi list` los muestra todos\n"
    assert run_main(monkeypatch, capsys, args, "en") == \
        "error: unknown KPI 'close_rat'; did you mean 'close_rate'? `pulso kpi list` shows them all\n"


def test_engine_errors_keep_their_english_and_carry_a_msgid():
    from pulso.catalog import load_catalog
    from pulso.cli.common import error_text
    from pulso.engine import periods
    from pulso.errors import KpiError

    with pytest.raises(KpiError) as caught:
        periods.check_grain("weakly")
    assert str(caught.value) == "unknown grain 'weakly'; did you mean 'week'? the grains are: " + ", ".join(periods.GRAINS)
    assert error_text(caught.value, "es") == \
        "grano desconocido 'weakly'; ¿quiso decir 'week'? los granos son: " + ", ".join(periods.GRAINS)
    with pytest.raises(KpiError) as caught:
        load_catalog().kpi("zzzz")
    assert str(caught.value) == "unknown KPI 'zzzz'; `pulso kpi list` shows them all"
    assert error_text(caught.value, "es") == "KPI desconocido 'zzzz'; `pulso kpi list` los muestra todos"


def test_a_refused_import_in_both_languages(store, tmp_path, monkeypatch, capsys):
    # the second row's date cannot be read: nothing is written, and the refusal lists it with the note
    csv = tmp_path / "accounts.csv"
    csv.write_text("id,name,email,created_at\na1,Uno,,2025-01-02\na2,Dos,,nunca\n", encoding="utf-8")
    store.engine.dispose()
    args = ["import", str(csv), "--table", "accounts", "--db", store.url]
    said = run_main(monkeypatch, capsys, args, "es")
    spanish = said[said.index("error: "):].splitlines()  # after the progress bar
    assert spanish[0].startswith("error: 2 errores; no se escribió nada (ejecución ")
    assert spanish[1].startswith("  accounts.csv, línea 3, columna created_at: ")
    assert spanish[2].endswith(" (valor 'nunca')")
    assert spanish[3] == "  Nota: accounts.csv: la columna email (asignada a accounts.email) quedó vacía en todas las filas (2 filas)"
    said = run_main(monkeypatch, capsys, args, "en")
    english = said[said.index("error: "):].splitlines()
    assert english[0].startswith("error: 2 errors; nothing was written (run ")
    assert english[1].startswith("  accounts.csv, line 3, column created_at: ")
    assert english[2].endswith(" (value 'nunca')")
    assert english[3] == "  Note: accounts.csv: column email (mapped to accounts.email) came out empty in every row (2 rows)"


def test_an_error_in_both_languages():
    # refused before any workspace is opened
    spanish = invoke(["users", "add", "no-es-correo", "--name", "Ana"], {"PULSO_LANG": "es"})
    assert spanish.exit_code == 1 and str(spanish.exception) == "'no-es-correo' no es una dirección de correo"
    english = invoke(["users", "add", "no-es-correo", "--name", "Ana"], {"PULSO_LANG": "en"})
    assert english.exit_code == 1 and str(english.exception) == "'no-es-correo' is not an e-mail address"


def test_lang_option_wins_and_json_does_not_change():
    # kpi list keeps its --lang (default es) whatever the environment says
    spanish = invoke(["kpi", "list", "--lang", "es"], {"PULSO_LANG": "en"})
    assert spanish.exit_code == 0 and "clave" in spanish.output and "Tasa de cierre" in spanish.output
    english = invoke(["kpi", "list", "--lang", "en"], {"PULSO_LANG": "es"})
    assert english.exit_code == 0 and "dimensions" in english.output and "Close (win) rate" in english.output
    # without --lang the data stays Spanish (its default) and the command's own words follow the environment
    unset = invoke(["kpi", "list"], {"PULSO_LANG": "en"})
    assert unset.exit_code == 0 and "dimensions" in unset.output and "Tasa de cierre" in unset.output
    as_json = {lang: json.loads(invoke(["kpi", "list", "--format", "json", "--lang", "en"], {"PULSO_LANG": lang}).output)
               for lang in ("es", "en")}
    assert as_json["es"] == as_json["en"] and "key" in as_json["es"][0]


def test_the_demo_says_its_steps_and_tables_in_the_cli_s_language(tmp_path):
    """`pulso demo` (here 100 accounts, the smallest) prints its steps in the reader's language and
    names the tables for a person: the Spanish run writes 'Escribiendo clientes (accounts)', the
    English one 'Writing customers (accounts)' (the progress line a log or a pipe gets)."""
    args = ["demo", "--size", "100", "--as-of", "2026-06-30"]
    spanish = invoke([*args, "--db", f"duckdb:///{tmp_path / 'es.duckdb'}"], {"PULSO_LANG": "es"})
    assert spanish.exit_code == 0, spanish.output
    for line in ("demo: Preparando el espacio de trabajo (0%)", "demo: Escribiendo clientes (accounts) (",
                 "demo: Poniendo el nuevo espacio de trabajo en su sitio (99%)", "oportunidades (deals)"):
        assert line in spanish.output, (line, spanish.output)
    assert "Writing" not in spanish.output
    english = invoke([*args, "--db", f"duckdb:///{tmp_path / 'en.duckdb'}"], {"PULSO_LANG": "en"})
    assert english.exit_code == 0, english.output
    assert "demo: Writing customers (accounts) (" in english.output and "Escribiendo" not in english.output
