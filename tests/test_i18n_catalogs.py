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
