"""The app factory: `create_app(WebSettings(...))` builds a FastAPI app on one workspace."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pulso import __version__, jobs
from pulso.web import errors
from pulso.web.auth import Sessions, Throttle
from pulso.web.services import Services
from pulso.web.settings import WebSettings

HERE = Path(__file__).parent

#: No outside origin anywhere: scripts, styles, images and fonts are served by Pulso itself.
#: Vega runs with its expression interpreter (vega-embed `ast: true`), so no eval is needed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class SecurityHeaders:
    """Security headers on every response, no caching of pages, and the server time
    (Server-Timing) for benchmarks; a plain ASGI middleware, cheap on every request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        static = scope["path"].startswith("/static/")

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
                    headers.setdefault("Vary", "Accept, Cookie")
            await send(message)

        await self.app(scope, receive, sending)


def create_app(settings: WebSettings) -> FastAPI:
    """A Pulso web app serving the workspace of `settings`.

    The app subscribes the alert rules to data arrivals (imports, API batches) and, while it
    runs, keeps the alert and report schedule of pulso.jobs going."""
    from pulso.web.routes.overview import TILES

    services = Services(settings, warm=TILES)
    jobs.subscribe()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        scheduler = jobs.start(services.store, lambda: services.engine, runner=services.run)
        try:
            yield
        finally:
            scheduler.stop()
            services.close()

    app = FastAPI(title="Pulso", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.services = services
    app.state.sessions = Sessions(services.store, services.secret_key, settings.session_days)
    app.state.throttle = Throttle(services.store, settings.max_failures_per_email,
                                  settings.max_failures_per_address, settings.throttle_minutes)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["version"] = __version__
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from pulso.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    from pulso.web.routes import accounts, leads  # the CRM workspace's record pages (docs/workspace.md)

    app.include_router(leads.router)
    app.include_router(accounts.router)
    from pulso.web.routes import board, deals, tickets  # before deals: /deals/board is not a deal's id

    app.include_router(board.router)
    app.include_router(deals.router)
    app.include_router(tickets.router)
    from pulso.web.routes import surveys, tasks, today  # "Mi día", tasks, survey links (docs/workspace.md)

    app.include_router(today.router)
    app.include_router(tasks.router)
    app.include_router(surveys.router)
    from pulso.web.routes.data import sweep_uploads

    sweep_uploads()  # uploads an earlier run of the server left behind, once expired
    errors.install(app)
    from pulso.web import api  # JSON errors and the 404 of unknown paths under /api/

    api.install(app)

    app.add_middleware(SecurityHeaders)
    return app
