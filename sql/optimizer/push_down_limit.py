"""Limit earlier: below projections, and into each input of a union.

Before: ``Limit 5 <- Project[...] <- t``; after: ``Project[...] <- Limit 5 <- t``.
Before: ``Limit 5 <- Union(a, b)``; after: ``Limit 5 <- Union(Limit 5 <- a, Limit 5 <- b)``.
Before: ``Limit 5 <- Offset 2 <- t``; after: ``Offset 2 <- Limit 7 <- t`` (so only 7 rows, not all
of ``t``, are gathered to skip 2).
Before: ``Limit 5 <- Limit 3 <- t``; after: ``Limit 3 <- t``.

A union input already limited to at most n rows (a limit, perhaps under projections) gets no
second limit, so the rule reaches a fixed point.
"""

from __future__ import annotations

from ember.sql.plan import logical as L


def push_down_limit(plan: L.LogicalPlan) -> L.LogicalPlan:
    def rule(node: L.LogicalPlan) -> L.LogicalPlan:
        if isinstance(node, L.Limit):
            child = node.child
            if isinstance(child, L.Limit):
                return L.Limit(min(node.n, child.n), child.child)
            if isinstance(child, L.Offset):
                return L.Offset(child.n, L.Limit(node.n + child.n, child.child))
            if isinstance(child, L.Project) and all(e.deterministic for e in child.project_list):
                return L.Project(child.project_list, L.Limit(node.n, child.child))
            if isinstance(child, L.Union) and not all(_limited(c, node.n) for c in child.inputs):
                return L.Limit(node.n, L.Union(tuple(
                    c if _limited(c, node.n) else L.Limit(node.n, c) for c in child.inputs)))
        return node

    return plan.transform_down(rule)


def _limited(plan: L.LogicalPlan, n: int) -> bool:
    """Whether ``plan`` yields at most ``n`` rows because of a limit under its projections."""
    while isinstance(plan, L.Project):
        plan = plan.child
    return isinstance(plan, L.Limit) and plan.n <= n
