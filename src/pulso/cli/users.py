"""`pulso users ...`: who can sign in to the web app, with which role and password."""

from __future__ import annotations

import re
from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso.cli.common import DbOption, console, open_workspace, texts
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
    _ = texts()
    return typer.prompt(_("Contraseña"), hide_input=True, confirmation_prompt=True)


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
    from pulso import audit, users
    from pulso.web.auth import set_password
    from pulso.web.passwords import check

    _ = texts()
    if role is not None and role not in ROLES:
        raise PulsoError(_("rol desconocido '{role}'; use uno de {roles}").format(role=role, roles=", ".join(ROLES)))
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()):
        raise PulsoError(_("'{email}' no es una dirección de correo").format(email=email))
    if not update and not (name or "").strip():
        raise PulsoError(_("indique el nombre completo del nuevo usuario con --name"))
    secret = password if update else _ask_password(password)
    if secret is not None:
        check(secret)  # refuse a weak password before writing anything
    with open_workspace(db) as store:  # the rules and the audit: pulso.users, as the web's /admin/users
        existing = _find(store, email)
        if existing is not None and not update:
            raise PulsoError(_(
                "ya existe un usuario con el correo '{email}': {name} (id {id}, rol {role}); no se cambió nada. "
                "Para cambiarlo, ejecute `pulso users add {email} --update` con el --name, --role, --team o "
                "--password que cambian").format(email=existing["email"], name=existing["name"], id=existing["id"],
                                                 role=existing["role"]))
        if existing is None and update:
            raise PulsoError(_("no hay ningún usuario con el correo '{email}'; quite --update para añadirlo").format(email=email))
        if existing is None:
            role = role or "rep"
            record = users.add(store, email=email, name=name, role=role, team_id=team, actor=audit.CLI)
        else:
            record = users.update(store, existing["id"], name=name, role=role,
                                  team_id=users.KEEP if team is None else team, actor=audit.CLI)
        if secret is not None:
            set_password(store, record["id"], secret)
    if existing is None:
        console.print(_("{email} añadido ({role}); puede entrar con `pulso serve`.").format(email=email.strip(), role=role))
    else:
        console.print(_("{email} actualizado ({role}).").format(email=existing["email"], role=role or existing["role"]))


@users_app.command("set-password")
def users_set_password(
    email: Annotated[str, typer.Argument(help="E-mail of the user.")],
    password: Annotated[Optional[str], typer.Option(help="New password (asked for when omitted).")] = None,
    db: DbOption = None,
) -> None:
    """Set a user's password; their open sessions end."""
    from pulso.web.auth import set_password
    from pulso.web.passwords import check

    _ = texts()
    secret = _ask_password(password)
    check(secret)
    with open_workspace(db) as store:
        user = _find(store, email)
        if user is None:
            raise PulsoError(_("no hay ningún usuario con el correo '{email}'; añádalo con `pulso users add`").format(email=email))
        set_password(store, user["id"], secret)
    console.print(_("Contraseña de {email} establecida.").format(email=email))


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """Users, their roles and whether they can sign in."""
    from pulso.store.signin import users_with_access

    with open_workspace(db) as store:
        rows = users_with_access(store)
    _ = texts()
    table = Table()
    for col in (_("correo"), _("nombre"), _("rol"), _("equipo"), _("activo"), _("puede entrar")):
        table.add_column(col)
    yes, no = _("sí"), _("no")
    for email, name, role, team, active, can in rows:
        table.add_row(email, name, role, team or "", yes if active else no, yes if can else no)
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
    _ = texts()
    with open_workspace(db) as store:
        signins = give_demo_passwords(store)
    if not signins:
        raise PulsoError(_("el espacio de trabajo no tiene usuarios; ejecute antes `pulso demo`"))
    console.print(_("Accesos de demostración (rol, correo, contraseña, nombre):"))
    for role, name, email, password in signins:  # plain lines: never cut, easy to copy
        console.print(f"  {role:<8} {email}  {password}  ({name})", soft_wrap=True, highlight=False)
