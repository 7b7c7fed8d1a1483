"""`pulso serve` and `pulso users ...`: the web app and its sign-ins."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from pulso.errors import PulsoError

# The store and the web app are imported inside the commands: `pulso version` stays quick.
ROLES = ("admin", "manager", "rep", "viewer")

users_app = typer.Typer(help="Web sign-ins: add users, set passwords.", no_args_is_help=True)
console = Console()

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Workspace URL: duckdb:///path/file.duckdb or postgresql+psycopg://user@host/db."),
]
#: Known passwords `pulso users demo-passwords` gives one user of each role in a demo workspace.
DEMO_PASSWORDS = {"admin": "demo-admin-1", "manager": "demo-manager-1", "rep": "demo-rep-1", "viewer": "demo-viewer-1"}


def _open(db: str | None):
    from pulso.cli import open_workspace

    return open_workspace(db)


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
    console.print(f"Pulso at http://{host}:{port}/ on {app.state.services.store.display_url} (Ctrl+C stops it)")
    proxies = [p.strip() for p in (forwarded_allow_ips or "").split(",") if p.strip()]
    # Without a proxy named, uvicorn must not read X-Forwarded-For at all (its own default trusts
    # 127.0.0.1, so any local client could choose the throttled and audited address).
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)


def _find(store, email: str) -> dict | None:
    from pulso.store.signin import find_by_email

    return find_by_email(store, email)


def _ask_password(password: str | None) -> str:
    if password:
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="E-mail the user signs in with (compared in any case).")],
    name: Annotated[Optional[str], typer.Option(help="Full name (needed for a new user).")] = None,
    role: Annotated[Optional[str], typer.Option(help="admin, manager, rep or viewer (a new user: rep).")] = None,
    team: Annotated[Optional[str], typer.Option(help="Team id (managers, reps, and viewers limited to a team).")] = None,
    password: Annotated[Optional[str], typer.Option(help="Password (asked for when omitted; at least 10 characters, not a common one).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Change an existing user instead (e.g. a CRM user): only the --name, --role, --team and --password given.")] = False,
    db: DbOption = None,
) -> None:
    """Add a user who can sign in; with --update, change an existing one. An e-mail that already
    exists (in any case) is refused without --update: nobody is renamed or demoted by mistake."""
    from pulso import audit
    from pulso.web.auth import set_password
    from pulso.web.passwords import check

    if role is not None and role not in ROLES:
        raise PulsoError(f"unknown role '{role}'; use one of {', '.join(ROLES)}")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()):
        raise PulsoError(f"'{email}' is not an e-mail address")
    if not update and not (name or "").strip():
        raise PulsoError("give the new user's full name with --name")
    secret = password if update else _ask_password(password)
    if secret is not None:
        check(secret)  # refuse a weak password before writing anything
    with _open(db) as store:
        existing = _find(store, email)
        if existing is not None and not update:
            raise PulsoError(
                f"a user with the e-mail '{existing['email']}' already exists: {existing['name']} "
                f"(id {existing['id']}, role {existing['role']}); nothing was changed. To change them, run "
                f"`pulso users add {existing['email']} --update` with the --name, --role, --team or --password "
                "to change")
        if existing is None and update:
            raise PulsoError(f"no user with e-mail '{email}'; leave out --update to add one")
        if existing is None:
            role = role or "rep"
            record = {"id": f"usr-{uuid.uuid4().hex[:12]}", "name": name.strip(), "email": email.strip(),
                      "role": role, "team_id": team, "active": True, "created_at": dt.datetime.now(dt.timezone.utc)}
        else:
            record = {"id": existing["id"], **({"name": name.strip()} if name and name.strip() else {}),
                      **({"role": role} if role else {}), **({"team_id": team} if team is not None else {})}
        if len(record) > 1:
            store.upsert("users", [record])
        if secret is not None:
            set_password(store, record["id"], secret)
        if existing is None:
            audit.record(store, "users.add", actor=audit.CLI, target=("users", record["id"]),
                         detail={"from": None, "to": role, "email": email.strip()})
        elif role and existing["role"] != role:
            audit.record(store, "users.role_change", actor=audit.CLI, target=("users", record["id"]),
                         detail={"from": existing["role"], "to": role, "email": existing["email"]})
    if existing is None:
        console.print(f"Added {email.strip()} ({role}); they can sign in with `pulso serve`.")
    else:
        console.print(f"Updated {existing['email']} ({role or existing['role']}).")


@users_app.command("set-password")
def users_set_password(
    email: Annotated[str, typer.Argument(help="E-mail of the user.")],
    password: Annotated[Optional[str], typer.Option(help="New password (asked for when omitted).")] = None,
    db: DbOption = None,
) -> None:
    """Set a user's password; their open sessions end."""
    from pulso.web.auth import set_password
    from pulso.web.passwords import check

    secret = _ask_password(password)
    check(secret)
    with _open(db) as store:
        user = _find(store, email)
        if user is None:
            raise PulsoError(f"no user with e-mail '{email}'; add one with `pulso users add`")
        set_password(store, user["id"], secret)
    console.print(f"Password of {email} set.")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """Users, their roles and whether they can sign in."""
    from pulso.store.signin import users_with_access

    with _open(db) as store:
        rows = users_with_access(store)
    table = Table()
    for col in ("e-mail", "name", "role", "team", "active", "can sign in"):
        table.add_column(col)
    for email, name, role, team, active, can in rows:
        table.add_row(email, name, role, team or "", "yes" if active else "no", "yes" if can else "no")
    console.print(table)


def give_demo_passwords(store) -> list[tuple[str, str, str, str]]:
    """Give one active user of each role a known password; returns (role, name, e-mail, password).

    Picks the manager of the team with the most reps, and a rep of that team, so that the
    manager's and the rep's pages both have a story.
    """
    from pulso.store.signin import active_users_and_managers
    from pulso.web.auth import set_password

    users, managers = active_users_and_managers(store)
    chosen: dict[str, dict] = {}
    for role in ("admin", "manager", "rep", "viewer"):
        pool = [x for x in users if x["role"] == role]
        if role == "manager":
            pool.sort(key=lambda x: (x["id"] not in managers, x["id"]))
        if role == "rep" and "manager" in chosen:
            team = managers.get(chosen["manager"]["id"]) or chosen["manager"]["team_id"]
            pool.sort(key=lambda x: (x["team_id"] != team, x["id"]))
        if pool:
            chosen[role] = pool[0]
    out = []
    for role, user in chosen.items():
        set_password(store, user["id"], DEMO_PASSWORDS[role])
        out.append((role, user["name"], user["email"], DEMO_PASSWORDS[role]))
    return out


@users_app.command("demo-passwords")
def users_demo_passwords(db: DbOption = None) -> None:
    """Give an admin, a manager, a rep and a viewer of a demo workspace known passwords, and print them."""
    with _open(db) as store:
        signins = give_demo_passwords(store)
    if not signins:
        raise PulsoError("the workspace has no users; run `pulso demo` first")
    console.print("Demo sign-ins (role, e-mail, password, name):")
    for role, name, email, password in signins:  # plain lines: never cut, easy to copy
        console.print(f"  {role:<8} {email}  {password}  ({name})", soft_wrap=True, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `serve` and `users` to the `pulso` command."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
