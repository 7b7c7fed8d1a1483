"""Data quality: duplicates and completeness of customers and leads (Band: user adoption).

Both are snapshots at the period end over the accounts and leads created before it, judged
with the data as it is now (a record found to be a duplicate was one from the start).
"""

from __future__ import annotations

import ibis

from pulso.catalog.model import AtEnd, Kpi, Part, T, ratio
from pulso.catalog.sources import flag, one

AREA, CATEGORY = "data_quality", "user_adoption"
DIMS = ("owner", "team", "source")
FLAGGED = ("pending", "confirmed")
CHECKS = 4  # contact, owner, source, dates


def _with_duplicate_flag(table):
    def rows(src, ctx):
        t, dc = src[table], src["duplicate_candidates"]
        flagged = dc.filter(dc.table_name == table, dc.status.isin(FLAGGED)).select(_rid=dc.record_id).distinct()
        j = t.left_join(flagged, t.id == flagged._rid)
        return j.mutate(_duplicate=flag(j._rid.notnull())).drop("_rid")
    return rows


def _after(later, earlier):
    return later.isnull() | (later >= earlier)


def _filled(col):
    return col.notnull() & (col.strip().length() > 0)


def _contact(t):
    """An e-mail shaped like one (x@y.z, no spaces), or a phone with at least 7 digits.

    LIKE and TRANSLATE rather than regular expressions, and the phone is only looked at when the
    e-mail fails (a CASE): the same answer, several times cheaper over a million rows."""
    email_ok = (t.email.like("%_@_%._%") & ~t.email.contains(" ")).fill_null(False)
    digits = t.phone.length() - t.phone.translate("0123456789", "").length()
    phone_ok = ((t.phone.length() >= 7) & (digits >= 7)).fill_null(False)
    return ibis.ifelse(email_ok, True, phone_ok)


def _account_dates(t):
    return _after(t.acquired_at, t.created_at) & (t.churned_at.isnull() | (t.acquired_at.notnull() & (t.churned_at >= t.acquired_at)))


def _lead_dates(t):
    return (_after(t.mql_at, t.created_at) & _after(t.sql_at, t.created_at) & _after(t.converted_at, t.created_at)
            & _after(t.disqualified_at, t.created_at) & (t.mql_at.isnull() | _after(t.sql_at, t.mql_at)))


#: data_completeness's checks by table: (the pulso.quality rule a failing row breaks, the condition a
#: row passes). The quality page's rules of these keys read this list, so both count the same rows.
COMPLETENESS_CHECKS = {
    table: (("no_contact", _contact), ("no_owner", lambda t: t.owner_id.notnull()),
            ("no_source", lambda t: _filled(t.source)), ("dates_out_of_order", dates))
    for table, dates in (("accounts", _account_dates), ("leads", _lead_dates))
}


def _completeness(table):
    def passed(j):
        out = None
        for _, check in COMPLETENESS_CHECKS[table]:
            out = flag(check(j)) if out is None else out + flag(check(j))
        return out
    return {"passed": passed, "checked": lambda j: ibis.literal(CHECKS)}


KPIS = (
    Kpi(key="duplicate_rate", name=T("Tasa de duplicados"),
        description=T("Qué parte de clientes y leads está marcada como probable duplicado."),
        formula=T("registros marcados como probables duplicados ÷ registros (clientes y leads)"),
        unit="%", direction="down", category=CATEGORY, area=AREA, dimensions=DIMS,
        time="accounts.created_at/leads.created_at", snapshot=True, seeds=("001",),
        choices=T("Marcado = aparece como `record_id` en duplicate_candidates con estado pending o confirmed (cada registro "
                  "una vez). Registros = cuentas + leads creados antes del final del periodo."),
        parts=tuple(Part(table, dims, AtEnd("created_at"), rows=_with_duplicate_flag(table),
                         measures={"flagged": lambda j: j._duplicate, "records": one})
                    for table, dims in (("accounts", "account"), ("leads", "lead"))),
        result=ratio("flagged", "records")),
    Kpi(key="data_completeness", name=T("Completitud de datos"),
        description=T("Qué parte de los datos obligatorios está presente y es válida."),
        formula=T("campos obligatorios presentes y válidos (e-mail o teléfono, responsable, origen, fechas coherentes) ÷ campos revisados"),
        unit="%", direction="up", category=CATEGORY, area=AREA, dimensions=DIMS,
        time="accounts.created_at/leads.created_at", snapshot=True, seeds=("001",),
        choices=T("Cuatro comprobaciones por cuenta y por lead creados antes del final del periodo: (1) contacto: e-mail con "
                  "forma de e-mail o teléfono con 7 dígitos o más; (2) `owner_id` informado; (3) `source` no vacío; (4) fechas "
                  "coherentes: cuentas acquired_at ≥ created_at y churned_at ≥ acquired_at; leads mql_at, sql_at, "
                  "converted_at y disqualified_at ≥ created_at y sql_at ≥ mql_at (las fechas vacías pasan)."),
        parts=(Part("accounts", "account", AtEnd("created_at"), measures=_completeness("accounts")),
               Part("leads", "lead", AtEnd("created_at"), measures=_completeness("leads"))),
        result=ratio("passed", "checked")),
)
