"""Probable duplicate accounts and leads: found with Splink, reviewed by a person, merged and undone.

    from pulso import dedupe
    found = dedupe.find(store, "accounts")          # pairs with a probability, written as pending
    dedupe.merge(store, "accounts", survivor_id, merged_id, actor=audit.Actor("user", "u1"))
    dedupe.undo(store, merge_id, actor=...)
"""

from pulso.dedupe.matching import DEFAULT_THRESHOLD, Found, find, pending
from pulso.dedupe.merge import MergeError, dismiss, merge, merges, undo

__all__ = ["DEFAULT_THRESHOLD", "Found", "MergeError", "dismiss", "find", "merge", "merges", "pending", "undo"]
