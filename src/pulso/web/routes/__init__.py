"""One small module per page or area; ROUTERS lists them in the order they are mounted."""

from pulso.web.routes import (
    adoption, auth, customers, fragments, kpi, marketing, overview, retention, sales, service, team,
)

ROUTERS = [auth.router, overview.router, sales.router, team.router, retention.router, customers.router,
           service.router, marketing.router, adoption.router, kpi.router, fragments.router]

from pulso.web.api import routers as api_routers  # noqa: E402  (REST API under /api/v1, docs/api.md)

from pulso.web.routes import admin  # noqa: E402  (API tokens and audit log pages)

ROUTERS += [admin.router, *api_routers()]

from pulso.web.routes import goals  # noqa: E402  (goals, quotas, OKRs, alerts, reports, KPI exports)

ROUTERS += [goals.router]

from pulso.web.routes import data  # noqa: E402  (import, duplicates and data quality pages; POST /api/v1/imports)

ROUTERS += [data.router, data.api_router()]

from pulso.web.routes import setup  # noqa: E402  (the first admin, from the link `pulso serve` prints)

ROUTERS += [setup.router]
