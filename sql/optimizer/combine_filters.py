"""Merge adjacent filters into one.

Before: ``Filter(b) <- Filter(a) <- x``; after: ``Filter(a AND b) <- x``. Bottom-up, so one
pass merges a whole chain: ``Filter(c) <- Filter(b) <- Filter(a)`` becomes ``Filter((a AND b) AND c)``.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.plan import logical as L


def combine_filters(plan: L.LogicalPlan) -> L.LogicalPlan:
    def rule(node: L.LogicalPlan) -> L.LogicalPlan:
        if isinstance(node, L.Filter) and isinstance(node.child, L.Filter):
            return L.Filter(E.And(node.child.condition, node.condition), node.child.child)
        return node

    return plan.transform_up(rule)
