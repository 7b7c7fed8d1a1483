"""Request dependencies as Annotated aliases: services, the signed-in user, their scope, the page context."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Callable
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from pulso.access import Scope
from pulso.catalog import DIMENSIONS  # the dimensions a URL may filter by (?source=web&owner=u3)
from pulso.web import nav
from pulso.web.auth import ANON_COOKIE, SESSION_COOKIE, AuthError, ForbiddenError, Sessions, User
from pulso.i18n import N_, pick_language, translate
from pulso.store.settings import value_labels
from pulso.web.kpis import Kpis
from pulso.engine.periods import fiscal_start
from pulso.web.periods import Period, parse_period
from pulso.web.services import Services


# Dependencies are `async` so that none takes a worker thread: the database work they need
# runs on the database thread (`Services.call`); only the page handlers run in worker threads.

async def get_services(request: Request) -> Services:
    """The app's services."""
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_sessions(request: Request) -> Sessions:
    """The session keeper."""
    return request.app.state.sessions


SessionsDep = Annotated[Sessions, Depends(get_sessions)]


async def optional_user(request: Request, services: ServicesDep, sessions: SessionsDep) -> User | None:
    """The signed-in user, or None."""
    token = sessions.token(request.cookies.get(SESSION_COOKIE))
    if token is None:
        return None
    return await services.call(sessions.user, token)


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The signed-in user; AuthError (→ sign-in page or 401) otherwise."""
    if user is None:
        raise AuthError("sign in to see this page")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def csrf_binding(request: Request, user: User | None) -> str | None:
    """What this browser's CSRF token is bound to: its session, or its anonymous nonce."""
    if user is not None:
        return user.session_token
    sessions: Sessions = request.app.state.sessions
    return sessions.token(request.cookies.get(ANON_COOKIE))


def scope_of(user: User, services: Services, version: str) -> Scope:
    """What a user may see (pulso.access.Scope.for_user): admin everything, manager their team,
    rep their records, viewer a team or everything."""
    managed = services.names(version)["managed_team"].get(user.id) if user.role == "manager" else None
    return Scope.for_user(user.role, user.id, user.team_id, managed)


#: Spanish labels of the stored enumerations people meet as dimension values.
VALUE_LABELS = {
    ("activity_type", "call"): N_("llamada"), ("activity_type", "email"): N_("correo"), ("activity_type", "meeting"): N_("reunión"),
    ("activity_type", "voicemail"): N_("mensaje de voz"), ("activity_type", "task"): N_("tarea"), ("activity_type", "note"): N_("nota"),
    ("deal_kind", "new"): N_("nueva"), ("deal_kind", "upsell"): N_("ampliación"), ("deal_kind", "cross_sell"): N_("venta cruzada"),
    ("deal_kind", "renewal"): N_("renovación"), ("priority", "low"): N_("baja"), ("priority", "medium"): N_("media"),
    ("priority", "high"): N_("alta"), ("priority", "urgent"): N_("urgente"), ("category", "marketing"): N_("marketing"),
    ("category", "sales"): N_("ventas"), ("category", "retention"): N_("retención"),
    # lead and account sources the demo and the common CRMs write (another source shows as stored)
    ("source", "paid_social"): N_("Redes sociales de pago"), ("source", "organic_search"): N_("Búsqueda orgánica"),
    ("source", "paid_search"): N_("Búsqueda de pago"), ("source", "email"): N_("Correo"), ("source", "webinar"): N_("Webinar"),
    ("source", "event"): N_("Evento"), ("source", "outbound"): N_("Prospección"), ("source", "partner"): N_("Socio"),
    ("source", "referral"): N_("Recomendación"), ("source", "web"): N_("Web"), ("source", "other"): N_("Otro"),
    ("source", "direct"): N_("Directo"),
    # ticket channels, and where an alert is sent
    ("channel", "email"): N_("correo"), ("channel", "phone"): N_("teléfono"), ("channel", "chat"): N_("chat"),
    ("channel", "web"): N_("web"), ("channel", "inbox"): N_("bandeja"), ("channel", "webhook"): N_("webhook"),
    # kinds of alert rule
    ("alert_kind", "threshold"): N_("umbral"), ("alert_kind", "goal"): N_("objetivo"), ("alert_kind", "anomaly"): N_("anomalía"),
    ("alert_kind", "peers"): N_("frente al equipo"), ("alert_kind", "unanswered"): N_("sin responder"),
    ("alert_kind", "stuck"): N_("estancada"), ("alert_kind", "idle"): N_("sin actividad"),
    # what came of an activity, as the demo and CRM exports write it (free text shows as written)
    ("outcome", "connected"): N_("contactado"), ("outcome", "no_answer"): N_("sin respuesta"),
    ("outcome", "left_voicemail"): N_("mensaje de voz dejado"), ("outcome", "sent"): N_("enviado"),
    ("outcome", "received"): N_("recibido"), ("outcome", "held"): N_("celebrada"), ("outcome", "no_show"): N_("no se presentó"),
    ("outcome", "done"): N_("hecha"),
    # periods and grains
    ("grain", "day"): N_("día"), ("grain", "week"): N_("semana"), ("grain", "month"): N_("mes"),
    ("grain", "quarter"): N_("trimestre"), ("grain", "year"): N_("año"),
}


class PageContext:
    """Everything a page handler needs: user, language, period, filters, scoped KPIs."""

    def __init__(self, request: Request, user: User, services: Services):
        self.request = request
        self.user = user
        self.services = services
        ws = services.workspace()
        self.version = ws.get("data_version", "0")
        self.currency = ws.get("currency", "EUR")
        self.timezone = ws.get("timezone", "UTC")
        self.own_labels = value_labels(ws)  # the workspace's labels of values (the settings page)
        self.lang = pick_language(user.locale)
        self.strict = services.settings.strict_i18n
        today = services.settings.today or dt.datetime.now(ZoneInfo(self.timezone)).date()
        self.today = today
        self.period: Period = parse_period(request.query_params, today, fiscal_start(ws))
        self.filters: dict[str, Any] = {}
        for dim in DIMENSIONS:
            values = [v for v in request.query_params.getlist(dim) if v]
            if values:
                self.filters[dim] = values[0] if len(values) == 1 else values
        self.scope = scope_of(user, services, self.version)
        self.kpis = Kpis(services, self.scope, self.version, self.lang, self.currency, today)
        accept = request.headers.get("accept", "")
        self.wants_json = request.url.path.endswith(".json") or (
            "application/json" in accept and "text/html" not in accept
        )

    def _(self, text: str) -> str:
        """Translate a visible string."""
        return translate(text, self.lang, strict=self.strict)

    def require(self, page: str) -> None:
        """Refuse a page the user's role does not open."""
        if not nav.allowed(page, self.user.role):
            raise ForbiddenError(f"the role '{self.user.role}' does not open this page")

    def url(self, path: str, *, keep_filters: bool = True, **params: Any) -> str:
        """A link that keeps the period (and filters) of this page."""
        query = self.period.params()
        if keep_filters:
            query.update({k: v for k, v in self.filters.items() if not isinstance(v, list)})
        query.update({k: str(v) for k, v in params.items() if v is not None})
        return path + "?" + urlencode(query)

    def kpi_url(self, key: str, **params: Any) -> str:
        """The detail page of a KPI, same period."""
        return self.url(f"/kpi/{key}", **params)

    def label(self, dim: str, value: Any) -> str:
        """A human label for a dimension value (names for owner, team and campaign ids)."""
        if value is None:
            return self._("(sin valor)")
        if (dim, str(value), self.lang) in self.own_labels:
            return self.own_labels[dim, str(value), self.lang]
        names = self.services.names(self.version).get(dim)
        if names is not None:
            return names.get(str(value), str(value))
        if (dim, str(value)) in VALUE_LABELS:
            return self._(VALUE_LABELS[dim, str(value)])
        if dim == "channel" and ("source", str(value)) in VALUE_LABELS:  # an account's channel is its source
            return self._(VALUE_LABELS["source", str(value)])
        return str(value)

    def note(self, dim: str, value: Any) -> str:
        """A value that may be a code or free text ('left_voicemail' → 'mensaje de voz dejado'), '' for none."""
        return "" if value is None or value == "" else self.label(dim, value)

    def scope_name(self, text: str) -> str:
        """A stored scope as people read it: 'company' → 'toda la empresa', 'team:t1' → 'equipo Norte'."""
        kind, _, ident = str(text).partition(":")
        if kind == "company":
            return self._("toda la empresa")
        if kind == "team":
            return self._("equipo") + " " + self.label("team", ident)
        if kind in ("rep", "user", "owner"):
            return self.label("owner", ident)
        return str(text)

    def cache_key(self, page: str) -> tuple:
        """What a page's data depends on."""
        params = tuple(sorted((k, v) for k, v in self.request.query_params.multi_items() if k not in ("page", "sort")))
        return (self.version, "page", page, self.scope, self.lang, self.today, params)

    def cached(self, page: str, build: Callable[[], Any], *, suffix: str = "data",
               compute: Callable[[], Any] | None = None) -> Any:
        """A page's data (or its rendered HTML or JSON: `suffix`), built once per data version,
        scope, language and URL."""
        cache = self.services.cache if suffix == "data" else self.services.page_cache
        return cache.get_or_compute(self.cache_key(page) + (suffix,), compute or build)


async def page_context(request: Request, user: CurrentUser, services: ServicesDep) -> PageContext:
    """The context of a signed-in page request (built on the database thread: it reads settings)."""
    return await services.call(PageContext, request, user, services)


Ctx = Annotated[PageContext, Depends(page_context)]
