"""What each canonical table holds, named for a person (Spanish msgids; English in the .po): the
web's empty states and the command line's summary and progress say these, not the table's code."""

from __future__ import annotations

from pulso.i18n import N_

#: table → what it holds, with its code where people meet the code too (imports name tables by it)
TABLE_NAMES = {
    "deals": N_("oportunidades (deals)"), "leads": N_("leads"), "accounts": N_("clientes (accounts)"),
    "activities": N_("actividades"), "tickets": N_("tickets de soporte"), "survey_responses": N_("respuestas de encuestas"),
    "orders": N_("pedidos (orders)"), "subscriptions": N_("suscripciones"), "spend": N_("gastos (spend)"),
    "campaigns": N_("campañas"), "web_sessions": N_("visitas web (web_sessions)"), "quotas": N_("cuotas (quotas)"),
    "usage_events": N_("eventos de uso del CRM (usage_events)"), "users": N_("usuarios"),
    "teams": N_("equipos (teams)"), "stages": N_("etapas del embudo (stages)"),
    "deal_stage_changes": N_("cambios de etapa (deal_stage_changes)"),
}
