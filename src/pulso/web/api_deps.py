"""Who is calling the API: an API token (`Authorization: Bearer …`) or a signed-in browser.

    @router.get("/api/v1/things")
    async def things(caller: ApiCaller): ...
    require_role(caller, "admin")            # ApiError 403 (JSON) for other roles

`Caller.scope` is the pulso.access.Scope of the caller: a person's as the web app gives it
(deps.scope_of), a token's as it carries it (tokens.Token.scope). An admin sees the company, a
manager their team, a rep their own records, a viewer a team or the company. A browser's unsafe
request (POST, PUT, PATCH, DELETE) must carry its CSRF token in the `X-CSRF-Token` header, as
the web forms carry it in a field. Every error is an `ApiError`, which `pulso.web.api.install`
turns into `{"error": {"code", "message", "field"}}` with its status.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from pulso import audit, tokens
from pulso.errors import PulsoError
from pulso.access import Scope
from pulso.web.auth import SESSION_COOKIE, CsrfError
from pulso.web.deps import scope_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: A token's use is audit-logged (and its last-used time written) at most once per this many
#: seconds per token, so that a busy integration does not write an audit row per request.
TOKEN_AUDIT_SECONDS = 60.0


class ApiError(PulsoError):
    """An API error: HTTP status, a stable code, a message and the offending field (or None)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = status, code, message, field, extra

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        return {"error": {"code": self.code, "message": self.message, "field": self.field, **self.extra}}


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one API request."""

    role: str
    user_id: str | None
    team_id: str | None
    scope: Scope
    actor: audit.Actor
    via: str  # "token" or "session"
    token_id: str | None = None
    ip: str | None = None
    name: str = ""

    @property
    def can_write(self) -> bool:
        """Viewers read only."""
        return self.role != "viewer"

    @property
    def is_admin(self) -> bool:
        """Admins see and may do everything."""
        return self.role == "admin"


def require_role(caller: Caller, *roles: str) -> None:
    """Refuse (403 JSON) a caller whose role is not one of `roles`."""
    if caller.role not in roles:
        raise ApiError(403, "forbidden", f"the role '{caller.role}' may not do this; it needs: {', '.join(roles)}")


def require_write(caller: Caller) -> None:
    """Refuse (403 JSON) a caller that may only read."""
    if not caller.can_write:
        raise ApiError(403, "read_only", f"the role '{caller.role}' reads only")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    kind, _, secret = header.strip().partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "unauthenticated", "use the header 'Authorization: Bearer <token>'", "Authorization")
    return secret.strip()


def _token_caller(request: Request, services, secret: str, ip: str | None) -> Caller:
    store = services.store
    token = tokens.verify(store, secret)
    if token is None:
        raise ApiError(401, "unauthenticated", "this API token is unknown or revoked", "Authorization")
    uses: dict[str, float] = request.app.state.__dict__.setdefault("api_token_uses", {})
    now = time.monotonic()
    if now - uses.get(token.id, -TOKEN_AUDIT_SECONDS) >= TOKEN_AUDIT_SECONDS:
        uses[token.id] = now
        tokens.touch(store, token, action=f"{request.method} {request.url.path}", ip=ip)
    person = None
    if token.user_id is not None:  # a token acting for a person works while that person does
        person = tokens.bound_user(store, token.user_id)
        if person is None:
            raise ApiError(401, "unauthenticated", "this API token's user is no longer active", "Authorization")
    team_id = token.team_id or (person["team_id"] if person else None)
    managed = None
    if token.role == "manager" and token.user_id is not None:
        managed = services.names(services.workspace().get("data_version", "0"))["managed_team"].get(token.user_id)
    return Caller(role=token.role, user_id=token.user_id, team_id=team_id, scope=token.scope(person, managed),
                  actor=audit.Actor("token", token.id), via="token", token_id=token.id, ip=ip, name=token.name)


def _session_caller(request: Request, services, sessions, ip: str | None) -> Caller:
    token = sessions.token(request.cookies.get(SESSION_COOKIE))
    user = sessions.user(token) if token else None
    if user is None:
        raise ApiError(401, "unauthenticated", "sign in, or send 'Authorization: Bearer <token>'", "Authorization")
    if request.method not in SAFE_METHODS:
        try:
            sessions.check_csrf(user.session_token, request.headers.get("x-csrf-token"))
        except CsrfError:
            raise ApiError(403, "csrf", "a signed-in browser must send its CSRF token in the X-CSRF-Token header",
                           "X-CSRF-Token") from None
    scope = scope_of(user, services, services.workspace().get("data_version", "0"))
    return Caller(role=user.role, user_id=user.id, team_id=user.team_id, scope=scope,
                  actor=audit.Actor("user", user.id), via="session", ip=ip, name=user.name)


async def api_caller(request: Request) -> Caller:
    """The token's or the signed-in user's Caller; ApiError 401 (403 for a missing CSRF header)."""
    services, sessions = request.app.state.services, request.app.state.sessions
    ip = request.client.host if request.client else None
    secret = _bearer(request)
    if secret is not None:
        return await services.call(_token_caller, request, services, secret, ip)
    return await services.call(_session_caller, request, services, sessions, ip)


ApiCaller = Annotated[Caller, Depends(api_caller)]
