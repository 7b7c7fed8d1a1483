"""The areas of the left navigation and which roles open each."""

from __future__ import annotations

ALL = frozenset({"admin", "manager", "rep", "viewer"})
LEADS = frozenset({"admin", "manager", "viewer"})

#: page key → (path, Spanish label, roles that may open it). Reps see their own records only,
#: so pages about other people (the team) or company-wide spend (marketing) are not theirs.
PAGES: dict[str, tuple[str, str, frozenset[str]]] = {
    "today": ("/today", "Mi día", ALL),  # the CRM workspace: a person's day first (issue 15)
    "tasks": ("/tasks", "Tareas", ALL),
    "overview": ("/", "Resumen", ALL),
    "sales": ("/sales", "Ventas", ALL),
    "team": ("/team", "Equipo", LEADS),
    "retention": ("/retention", "Retención", ALL),
    "customers": ("/customers", "Clientes", ALL),
    "service": ("/service", "Servicio", ALL),
    "marketing": ("/marketing", "Marketing", LEADS),
    "adoption": ("/adoption", "Adopción", LEADS),
    "leads": ("/leads", "Leads", ALL),  # the CRM workspace's records (issue 15)
    "accounts": ("/accounts", "Cuentas", ALL),  # "Clientes" is the customers' KPI page
    "deals": ("/deals", "Oportunidades", ALL),  # the list, a deal's page and the board (issue 15)
    "tickets": ("/tickets", "Tickets", ALL),
    "kpi": ("/kpi", "Indicadores", ALL),
    "goals": ("/goals", "Objetivos", ALL),
    "alerts": ("/alerts", "Alertas", ALL),
    "reports": ("/reports", "Informes", ALL),
    "tokens": ("/settings/tokens", "Tokens de API", frozenset({"admin"})),
    "users": ("/admin/users", "Usuarios y roles", frozenset({"admin"})),
    "audit": ("/admin/audit", "Auditoría", frozenset({"admin"})),
    "rates": ("/admin/rates", "Tipos de cambio", frozenset({"admin"})),
    "settings": ("/admin/settings", "Ajustes", frozenset({"admin"})),
    "import": ("/data/import", "Importar", frozenset({"admin"})),
    "duplicates": ("/data/duplicates", "Duplicados", frozenset({"admin"})),
    "quality": ("/data/quality", "Calidad de datos", frozenset({"admin", "manager", "rep"})),  # counts and rows inside the scope
}


def allowed(page: str, role: str) -> bool:
    """Whether a role opens a page."""
    return role in PAGES[page][2]
