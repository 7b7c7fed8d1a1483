"""Probable duplicate accounts and leads: found with Splink, grouped into clusters, reviewed by a
person (the surviving value per field), merged one cluster or many at a time, and undone.

    from pulso import dedupe
    found = dedupe.find(store, "accounts")          # pairs with a probability, written as pending
    job = dedupe.finding.start(store)               # both tables in the background, with progress
    groups = dedupe.clusters(store, at_least=0.95)  # connected pairs, default survivor and values
    batch = dedupe.merge_cluster(store, "accounts", survivor, ids, choice, actor=audit.Actor("user", "u1"))
    dedupe.undo_batch(store, batch, actor=...)      # a cluster or bulk merge as one step
    dedupe.merge(store, "accounts", survivor_id, merged_id, actor=...); dedupe.undo(store, merge_id, actor=...)
"""

from pulso.dedupe import finding
from pulso.dedupe.clusters import (CHOOSABLE, Cluster, bulk_merge, bulk_preview, cluster, clusters, dismiss_cluster,
                                   group, history,
                                   merge_cluster, undo_batch)
from pulso.dedupe.matching import DEFAULT_THRESHOLD, Found, find, pending
from pulso.dedupe.merge import MergeError, MergeFailed, dismiss, merge, merges, undo

__all__ = ["CHOOSABLE", "Cluster", "DEFAULT_THRESHOLD", "Found", "MergeError", "MergeFailed", "bulk_merge", "bulk_preview", "cluster",
           "clusters", "dismiss", "dismiss_cluster", "find", "finding", "group", "history", "merge", "merge_cluster", "merges", "pending",
           "undo", "undo_batch"]
