"""`pulso tokens` (API tokens) and `pulso audit` (the audit log).

    pulso tokens create NAME --role admin|manager|rep|viewer [--team ID] [--user ID]
    pulso tokens list [--all] [--format table|json]
    pulso tokens revoke ID
    pulso audit list [--action auth.*] [--actor ID] [--since YYYY-MM-DD] [--limit N] [--format table|json]
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Optional

import typer
from rich.table import Table

from pulso.cli.common import DbOption, console, open_workspace, texts
from pulso.errors import PulsoError

tokens_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: who did what and when.", no_args_is_help=True)


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="What the token is for, e.g. 'crm sync'.")],
    role: Annotated[str, typer.Option(help="admin, manager, rep or viewer: what the token may see and do.")],
    team: Annotated[Optional[str], typer.Option(help="Team id: a manager's team, or a viewer limited to a team.")] = None,
    user: Annotated[Optional[str], typer.Option(help="User id: a rep's own records, or the person the token acts for.")] = None,
    db: DbOption = None,
) -> None:
    """Create an API token; its secret is printed this once and only its hash is kept."""
    from pulso import audit, tokens

    _ = texts()
    with open_workspace(db) as store:
        created = tokens.create(store, name, role=role, team_id=team, user_id=user, created_by=audit.CLI)
    console.print(_("Token {id} ({role}) creado. Su secreto, que solo se muestra ahora:").format(id=created.token.id, role=role))
    console.print(created.secret, soft_wrap=True, highlight=False)
    console.print(_("Envíelo como 'Authorization: Bearer <secreto>'; revóquelo con `pulso tokens revoke {id}`.").format(
        id=created.token.id), highlight=False)


@tokens_app.command("list")
def tokens_list(
    all_: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """API tokens: id, name, role, scope, last use (never their secrets)."""
    from pulso import tokens

    _ = texts()
    if fmt not in ("table", "json"):
        raise PulsoError(_("formato desconocido '{fmt}'; use table o json").format(fmt=fmt))
    with open_workspace(db) as store:
        found = tokens.listing(store, include_revoked=all_)
    if fmt == "json":
        print(json.dumps([{**vars(t), "active": t.active} for t in found], default=str, ensure_ascii=False, indent=1))
        return
    table = Table()
    for column, ident in (("id", True), (_("nombre"), False), (_("rol"), False), (_("equipo"), True), (_("usuario"), True),
                          (_("creado"), False), (_("último uso"), False), (_("revocado"), False)):
        table.add_column(column, no_wrap=ident)  # ids are copied from here
    for t in found:
        table.add_row(t.id, t.name, t.role, t.team_id or "", t.user_id or "", _when(t.created_at),
                      _when(t.last_used_at), _when(t.revoked_at))
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (from `pulso tokens list`).")],
    db: DbOption = None,
) -> None:
    """Revoke a token: it stops working at once."""
    from pulso import audit, tokens

    with open_workspace(db) as store:
        token = tokens.revoke(store, token_id, actor=audit.CLI)
    _ = texts()
    console.print(_("Token {id} ({name}) revocado.").format(id=token.id, name=token.name))


@audit_app.command("list")
def audit_list(
    action: Annotated[Optional[list[str]], typer.Option(help="Action, or prefix with .* (auth.*); repeatable.")] = None,
    actor: Annotated[Optional[str], typer.Option(help="Actor id: a user id or a token id.")] = None,
    since: Annotated[Optional[str], typer.Option(help="From this day (YYYY-MM-DD, UTC).")] = None,
    limit: Annotated[int, typer.Option(help="How many entries, newest first.")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Audit entries, newest first."""
    from pulso import audit

    _ = texts()
    if fmt not in ("table", "json"):
        raise PulsoError(_("formato desconocido '{fmt}'; use table o json").format(fmt=fmt))
    start = None
    if since:
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), dt.timezone.utc)
        except ValueError:
            raise PulsoError(_("{option}: '{value}' no es una fecha; use AAAA-MM-DD").format(option="--since", value=since)) from None
    with open_workspace(db) as store:
        rows = audit.entries(store, actions=action or None, actor_id=actor, since=start, limit=max(1, limit))
    if fmt == "json":
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return
    table = Table(_("cuándo (UTC)"), _("actor"), _("acción"), _("objeto"), _("detalle"), "ip")
    for r in rows:
        target = f"{r['target_table'] or ''} {r['target_id'] or ''}".strip()
        detail = json.dumps(r["detail"], ensure_ascii=False, default=str) if r["detail"] else ""
        table.add_row(_when(r["occurred_at"]), f"{r['actor_kind']} {r['actor_id'] or ''}".strip(), r["action"],
                      target, detail[:120], r["ip"] or "")
    console.print(table)


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M")
