"""The CRM workspace's operations: what the record pages, forms, deal board, "Mi día" and survey
links do, each one transaction through the store inside the caller's Scope (docs/workspace.md).

    from pulso import workspace as ws
    me = ws.caller_for(store, "u1")
    lead = ws.create_lead(store, me, {"name": "Ana Pérez", "email": "ana@example.com"})
    ws.convert(store, me, lead["id"], deal={"amount": 1200})
"""

from pulso.workspace.base import Caller, caller_for
from pulso.workspace.deals import (board, bulk_move, close_deal, create_account, create_deal, edit_account, edit_deal,
                                   move_deal, reassign)
from pulso.workspace.errors import (ForbiddenError, InputError, NotFoundError, OutOfScopeError, StateError,
                                    StoreLimitError, SurveyLinkError, WorkspaceError)
from pulso.workspace.finding import duplicates, my_day, search
from pulso.workspace.leads import convert, create_lead, disqualify, edit_lead, qualify
from pulso.workspace.service import (add_task, create_ticket, log_activity, reopen, resolve, respond, set_task_done,
                                     tasks)
from pulso.workspace.surveys import answer, create_link, survey

__all__ = [
    "Caller", "caller_for", "board", "bulk_move", "close_deal", "create_account", "create_deal", "edit_account", "edit_deal",
    "move_deal", "reassign", "ForbiddenError", "InputError", "NotFoundError", "OutOfScopeError", "StateError", "StoreLimitError",
    "SurveyLinkError", "WorkspaceError", "duplicates", "my_day", "search", "convert", "create_lead", "disqualify",
    "edit_lead", "qualify", "add_task", "create_ticket", "log_activity", "reopen", "resolve", "respond",
    "set_task_done", "tasks", "answer", "create_link", "survey",
]
