"""The arguments of a KPI query, checked: dates, spans, dimensions, filters, scope, stat, ranges.

Each check raises a KpiError (or ScopeError) that names the wrong value and, for a dimension,
suggests the nearest one the KPI declares: names and values may come from URLs.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, Mapping, Sequence

from pulso.access import Scope
from pulso.catalog import Kpi
from pulso.engine.context import Values
from pulso.engine.compile import quantile_value
from pulso.errors import KpiError, ScopeError
from pulso.i18n import N_, said

STATS = ("mean", "median")  # and p1..p99: see parse_stat


def parse_stat(kpi: Kpi, stat: str | None) -> float | None:
    """The quantile (0 < q < 1) a `stat` asks for, None for the mean; a KpiError for a stat that
    is not mean, median or pN (0 < N < 100), or for a KPI with no per-record value to take it of."""
    if stat is None or str(stat).strip().lower() in ("", "mean"):
        return None
    text = str(stat).strip().lower()
    try:
        q = 0.5 if text == "median" else float(text[1:]) / 100 if text[:1] == "p" and text[1:2].isdigit() else -1.0
    except ValueError:
        q = -1.0
    if not 0 < q < 1:
        raise said(KpiError, N_("estadístico desconocido '{stat}'; use mean, median o un percentil como p90"),
                   stat=stat)
    if quantile_value(kpi) is None:
        raise said(KpiError, N_("{kpi} no tiene un valor por registro del que tomar percentiles; solo la media"),
                   kpi=kpi.key)
    return q


def parse_ranges(text: str) -> list[tuple[dt.date, dt.date]]:
    """'2024-01-01/2024-03-01, 2024-07-01/2024-08-01' → [(start, end), ...] (ends exclusive)."""
    out = []
    for piece in filter(None, (p.strip() for p in text.split(","))):
        a, sep, b = piece.partition("/")
        if not sep:
            raise said(KpiError, N_("'{piece}' no es un periodo; escriba INICIO/FIN como AAAA-MM-DD/AAAA-MM-DD"),
                       piece=piece)
        out.append((as_date(a.strip(), "baseline"), as_date(b.strip(), "baseline")))
    return out


def checked_span(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    """[start, end) as dates, or a KpiError when a bound is not a date or the span is empty."""
    start, end = as_date(start, "start"), as_date(end, "end")
    if end <= start:
        raise said(KpiError, N_("el periodo está vacío: el fin {end} no es posterior al inicio {start}"), end=end, start=start)
    return start, end


def as_date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise said(KpiError, N_("{what}: '{value}' no es una fecha; use AAAA-MM-DD"), what=what, value=value) from None


def check_dimension(kpi: Kpi, name: str, verb: str) -> None:
    if name in kpi.dimensions:
        return
    options = ", ".join(kpi.dimensions) or "—"
    near = difflib.get_close_matches(str(name), list(kpi.dimensions), n=1, cutoff=0.5)
    texts = {  # (split, filtered) × (a suggestion, none)
        ("split", True): N_("dimensión desconocida '{name}' para {kpi}; ¿quiso decir '{near}'? se puede desglosar por: {options}"),
        ("split", False): N_("dimensión desconocida '{name}' para {kpi}; se puede desglosar por: {options}"),
        ("filtered", True): N_("dimensión desconocida '{name}' para {kpi}; ¿quiso decir '{near}'? se puede filtrar por: {options}"),
        ("filtered", False): N_("dimensión desconocida '{name}' para {kpi}; se puede filtrar por: {options}"),
    }
    raise said(KpiError, texts[verb, bool(near)], name=name, kpi=kpi.key, near=near[0] if near else "", options=options)


def check_by(kpi: Kpi, by: Sequence[str] | str | None) -> tuple[str, ...]:
    names = (by,) if isinstance(by, str) else tuple(by or ())
    for name in names:
        check_dimension(kpi, name, "split")
    if len(set(names)) != len(names):
        raise said(KpiError, N_("una dimensión se repite en by: {names}"), names=", ".join(names))
    return names


def check_filters(kpi: Kpi, filters: Mapping[str, Any] | None) -> Values:
    out: dict[str, tuple[str | None, ...]] = {}
    for name, value in (filters or {}).items():
        check_dimension(kpi, name, "filtered")
        many = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        out[name] = tuple(None if v is None else str(v) for v in many)
    return out


def check_scope(kpi: Kpi, scope: Scope | None) -> Scope:
    scope = scope or Scope.company()
    if not isinstance(scope, Scope):
        raise KpiError("scope must be Scope.company(), Scope.team(...) or Scope.owners(...)")
    if not scope.is_company and not kpi.owned:
        raise said(ScopeError, N_("{kpi} se calcula con registros sin responsable (gasto, campañas o sesiones "
                                  "web); solo el alcance de toda la empresa puede verlo"), kpi=kpi.key)
    return scope
