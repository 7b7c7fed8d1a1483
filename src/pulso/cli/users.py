"""`pulso users ...`: who can sign in to the web app, with which role and password."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso.cli.common import DbOption, console, open_workspace
from pulso.errors import PulsoError

ROLES = ("admin", "manager", "rep", "viewer")
#: Known passwords `pulso users demo-passwords` gives one user of each role in a demo workspace.
DEMO_PASSWORDS = {"admin": "demo-admin-1", "manager": "demo-manager-1", "rep": "demo-rep-1", "viewer": "demo-viewer-1"}

users_app = typer.Typer(help="Web sign-ins: add users, set passwords.", no_args_is_help=True)


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
    with open_workspace(db) as store:
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
    with open_workspace(db) as store:
        user = _find(store, email)
        if user is None:
            raise PulsoError(f"no user with e-mail '{email}'; add one with `pulso users add`")
        set_password(store, user["id"], secret)
    console.print(f"Password of {email} set.")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """Users, their roles and whether they can sign in."""
    from pulso.store.signin import users_with_access

    with open_workspace(db) as store:
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
    with open_workspace(db) as store:
        signins = give_demo_passwords(store)
    if not signins:
        raise PulsoError("the workspace has no users; run `pulso demo` first")
    console.print("Demo sign-ins (role, e-mail, password, name):")
    for role, name, email, password in signins:  # plain lines: never cut, easy to copy
        console.print(f"  {role:<8} {email}  {password}  ({name})", soft_wrap=True, highlight=False)
