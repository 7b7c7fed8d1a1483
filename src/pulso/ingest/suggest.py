"""Suggestions: which canonical column a header probably means (Spanish and English), and which
built-in preset fits a file."""

from __future__ import annotations

import difflib

from pulso.ingest.columns import ColumnSpec
from pulso.ingest.mapping import Mapping, SourceSpec, TableSpec, load_mapping, presets, slug
from pulso.store import schema

# Canonical column → header spellings (slugged) in English and Spanish.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "record-id", "identificador", "codigo", "code", "number", "numero", "ref", "referencia"),
    "name": ("name", "nombre", "full-name", "nombre-completo", "account-name", "company-name", "razon-social", "cliente",
             "customer", "customer-name", "deal-name", "contact-name"),
    "title": ("title", "titulo", "deal-name", "opportunity-name", "oportunidad", "asunto", "subject", "nombre-de-la-oportunidad"),
    "email": ("email", "e-mail", "correo", "correo-electronico", "mail", "email-address"),
    "phone": ("phone", "telefono", "phone-number", "movil", "mobile", "celular", "tel"),
    "company": ("company", "empresa", "compania", "organization", "organizacion", "account", "cuenta"),
    "country": ("country", "pais", "country-code"),
    "segment": ("segment", "segmento", "industry", "industria", "sector"),
    "source": ("source", "origen", "fuente", "lead-source", "origen-del-lead", "canal-de-origen"),
    "owner_id": ("owner", "owner-id", "responsable", "propietario", "vendedor", "comercial", "agente", "sales-agent",
                 "assigned-to", "asignado-a", "deal-owner", "contact-owner"),
    "account_id": ("account-id", "cuenta-id", "id-cliente", "customer-id", "id-de-cuenta", "company-id"),
    "amount": ("amount", "importe", "monto", "valor", "value", "deal-value", "close-value", "total", "precio", "price"),
    "currency": ("currency", "moneda", "divisa"),
    "status": ("status", "estado", "stage", "etapa", "deal-stage", "fase", "situacion"),
    "created_at": ("created-at", "created", "create-date", "created-date", "fecha-de-creacion", "fecha-creacion",
                   "fecha-alta", "alta", "creado", "engage-date", "date", "fecha"),
    "closed_at": ("closed-at", "close-date", "fecha-de-cierre", "fecha-cierre", "cierre", "closed-date", "closed"),
    "expected_close_at": ("expected-close-date", "fecha-prevista-de-cierre", "cierre-previsto"),
    "lost_reason": ("lost-reason", "motivo-de-perdida", "razon-de-perdida"),
    "opened_at": ("opened-at", "opened", "fecha-de-apertura", "apertura", "created-date"),
    "resolved_at": ("resolved-at", "resolved", "fecha-de-resolucion", "resuelto"),
    "first_response_at": ("first-response", "first-response-at", "primera-respuesta"),
    "priority": ("priority", "prioridad"),
    "channel": ("channel", "canal", "origin", "via"),
    "score": ("score", "puntuacion", "nota", "nps", "rating", "valoracion"),
    "comment": ("comment", "comentario", "comments", "comentarios", "feedback", "explication", "observaciones"),
    "answered_at": ("answered-at", "fecha-de-respuesta", "respondido"),
    "occurred_at": ("occurred-at", "activity-date", "fecha-de-actividad", "due-date"),
    "type": ("type", "tipo", "activity-type", "tipo-de-actividad"),
    "product": ("product", "producto", "articulo"),
    "ordered_at": ("ordered-at", "order-date", "fecha-de-pedido", "fecha-pedido"),
    "started_at": ("started-at", "start-date", "fecha-de-inicio", "inicio"),
    "ended_at": ("ended-at", "end-date", "fecha-de-fin", "fin"),
    "cost": ("cost", "coste", "costo", "actual-cost", "gasto"),
    "plan": ("plan", "contract", "contrato", "tarifa"),
    "monthly_amount": ("monthly-amount", "monthly-charges", "cuota-mensual", "importe-mensual", "mrr"),
    "role": ("role", "rol", "cargo"),
    "team_id": ("team", "equipo", "team-id"),
}


def suggest_column(header: str, table: str) -> tuple[str, float] | None:
    """The canonical column of `table` a header most likely means, with a confidence 0..1."""
    columns = set(schema.table(table).columns.keys())
    key = slug(header)
    for target, words in SYNONYMS.items():
        if target in columns and key in words:
            return target, 1.0
    if key.replace("-", "_") in columns:
        return key.replace("-", "_"), 1.0
    spellings = {w: t for t, ws in SYNONYMS.items() if t in columns for w in ws}
    close = difflib.get_close_matches(key, list(spellings), n=1, cutoff=0.8)
    if close:
        return spellings[close[0]], 0.7
    return None


def suggestions(headers: list[str], table: str) -> dict[str, tuple[str, float]]:
    """Header → (canonical column, confidence), one header per column (the most confident wins)."""
    best: dict[str, tuple[str, float]] = {}
    for header in headers:
        hit = suggest_column(header, table)
        if hit and (hit[0] not in best or hit[1] > best[hit[0]][1]):
            best[hit[0]] = (header, hit[1])
    return {header: (target, conf) for target, (header, conf) in best.items()}


def suggest_mapping(headers: list[str], table: str) -> Mapping | None:
    """A one-table mapping built from the suggestions; None when nothing matches."""
    found = suggestions(headers, table)
    if not found:
        return None
    columns = {target: ColumnSpec(target, source=header) for header, (target, _) in found.items()}
    if "id" not in columns:
        return None
    return Mapping(f"suggested:{table}", [SourceSpec([TableSpec(table, columns)])])


def detect_mapping(name: str, headers: list[str]) -> Mapping | None:
    """The built-in preset whose identifying headers (and file pattern) fit this file best."""
    best, best_score = None, 0
    for preset in sorted(presets()):
        mapping = load_mapping(preset)
        for src in mapping.sources:
            if src.headers and src.fits(name, headers) and len(src.headers) > best_score:
                best, best_score = Mapping(mapping.name, [src], mapping.description, mapping.read), len(src.headers)
    return best


def close_headers(header: str, headers: list[str]) -> list[str]:
    """Headers that look like a misspelt one."""
    return difflib.get_close_matches(header, headers, n=3)
