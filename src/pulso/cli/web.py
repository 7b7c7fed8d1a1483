"""`pulso serve`: the web app on a workspace."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer

from pulso.cli.common import DbOption, console, texts


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 opens it to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies/--plain-cookies", help="Send cookies over HTTPS only (behind a TLS proxy).")] = False,
    forwarded_allow_ips: Annotated[Optional[str], typer.Option(
        "--forwarded-allow-ips", envvar="PULSO_FORWARDED_ALLOW_IPS",
        help="Addresses of your reverse proxies, comma-separated: only requests from them may name the "
             "client's address (X-Forwarded-For), which sign-in throttling and the audit log use. "
             "Default: none, every request counts from the address it comes from.")] = None,
) -> None:
    """Serve the web app on the workspace (the DuckDB file stays held while it runs)."""
    import uvicorn

    from pulso.config import Settings
    from pulso.web import WebSettings, create_app

    settings = Settings.from_env(db)
    app = create_app(WebSettings(store=settings, secret_key=os.environ.get("PULSO_SECRET_KEY") or None,
                                 secure_cookies=secure_cookies))
    _ = texts()
    console.print(_("Pulso en http://{host}:{port}/ sobre {url} (Ctrl+C lo detiene)").format(
        host=host, port=port, url=app.state.services.store.display_url))
    from pulso.web.routes.setup import offer

    token = offer(app)  # a workspace nobody can manage yet: its first admin is named in the browser
    if token:
        console.print(_("Pulso aún no tiene quien lo administre: abre este enlace de puesta en marcha en un navegador:"))
        console.print(f"http://{host}:{port}/setup/{token}", soft_wrap=True, highlight=False)
    proxies = [p.strip() for p in (forwarded_allow_ips or "").split(",") if p.strip()]
    # Without a proxy named, uvicorn must not read X-Forwarded-For at all (its own default trusts
    # 127.0.0.1, so any local client could choose the throttled and audited address).
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)
