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

from pulso.cli.common import DbOption, console, open_workspace
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

    with open_workspace(db) as store:
        created = tokens.create(store, name, role=role, team_id=team, user_id=user, created_by=audit.CLI)
    console.print(f"Token {created.token.id} ({role}) created. Its secret, shown only now:")
    console.print(created.secret, soft_wrap=True, highlight=False)
    console.print("Send it as 'Authorization: Bearer <secret>'; revoke it with "
                  f"`pulso tokens revoke {created.token.id}`.", highlight=False)


@tokens_app.command("list")
def tokens_list(
    all_: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """API tokens: id, name, role, scope, last use (never their secrets)."""
    from pulso import tokens

    if fmt not in ("table", "json"):
        raise PulsoError(f"unknown format '{fmt}'; use table or json")
    with open_workspace(db) as store:
        found = tokens.listing(store, include_revoked=all_)
    if fmt == "json":
        print(json.dumps([{**vars(t), "active": t.active} for t in found], default=str, ensure_ascii=False, indent=1))
        return
    table = Table()
    for column in ("id", "name", "role", "team", "user", "created", "last used", "revoked"):
        table.add_column(column, no_wrap=column in ("id", "team", "user"))  # ids are copied from here
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
    console.print(f"Token {token.id} ({token.name}) revoked.")


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

    if fmt not in ("table", "json"):
        raise PulsoError(f"unknown format '{fmt}'; use table or json")
    start = None
    if since:
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), dt.timezone.utc)
        except ValueError:
            raise PulsoError(f"--since: '{since}' is not a date; use YYYY-MM-DD") from None
    with open_workspace(db) as store:
        rows = audit.entries(store, actions=action or None, actor_id=actor, since=start, limit=max(1, limit))
    if fmt == "json":
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return
    table = Table("when (UTC)", "actor", "action", "target", "detail", "ip")
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
