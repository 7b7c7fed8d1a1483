"""The values of the store's enumerated columns: one list, read by the store's schema and rules
and by the web's forms and API models (this module imports nothing, SQLAlchemy least of all, so
the web may read it: tests/test_layers.py)."""

from __future__ import annotations

ROLES = ("admin", "manager", "rep", "viewer")
STAGE_KINDS = ("open", "won", "lost")
DEAL_STATUSES = ("open", "won", "lost")
DEAL_KINDS = ("new", "upsell", "cross_sell", "renewal")
ACTIVITY_TYPES = ("call", "email", "voicemail", "meeting", "task", "note")
DIRECTIONS = ("inbound", "outbound")
TICKET_STATUSES = ("open", "pending", "resolved", "closed")
TICKET_PRIORITIES = ("low", "medium", "high", "urgent")
SURVEY_KINDS = ("nps", "ces", "csat")
SPEND_CATEGORIES = ("marketing", "sales", "retention")
USAGE_ACTIONS = ("login", "create", "update", "delete", "view", "export")

#: (table, column) → the values the column takes.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("users", "role"): ROLES, ("stages", "kind"): STAGE_KINDS,
    ("deals", "status"): DEAL_STATUSES, ("deals", "kind"): DEAL_KINDS,
    ("activities", "type"): ACTIVITY_TYPES, ("activities", "direction"): DIRECTIONS,
    ("tickets", "status"): TICKET_STATUSES, ("tickets", "priority"): TICKET_PRIORITIES,
    ("survey_responses", "kind"): SURVEY_KINDS, ("spend", "category"): SPEND_CATEGORIES,
    ("usage_events", "action"): USAGE_ACTIONS,
}
