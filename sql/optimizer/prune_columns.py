"""Drop columns no later operator reads, before aggregates and joins (and so before exchanges).

Before: ``Aggregate[k][sum(v)] <- t(k, v, w)``; after: ``Aggregate[k][sum(v)] <- Project[k, v] <- t``.
Before: ``Project[l.a] <- Join(l(a, b), r(c, d), l.a = r.c)``;
after: ``Project[l.a] <- Join(Project[a] <- l, Project[c] <- r, l.a = r.c)`` (likewise below an
Aggregate, so ``count()`` of a join shuffles only the join keys).
Before: ``Project[b] <- Project[a, b, c * 2 AS c2] <- t``; after: ``Project[b] <- Project[b] <- t``
(a projection or aggregate narrows the projection below it, so pruning reaches a join under a
``USING`` projection). A projection over a ``Window`` narrows the window's input, so the
window's exchange and sort carry only the columns read above and by the window expressions. A
projection over a filter over a join narrows the join to the columns both read. A narrowed
input keeps at least one column, so row counts survive.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.plan import logical as L


def _narrow(plan: L.LogicalPlan, needed: set[int]) -> L.LogicalPlan:
    kept = [a for a in plan.output if a.expr_id in needed] or plan.output[:1]
    if len(kept) == len(plan.output):
        return plan
    needed = needed | {a.expr_id for a in kept}
    if isinstance(plan, L.Project):
        return L.Project(tuple(e for e in plan.project_list
                               if (e.expr_id if isinstance(e, (E.Alias, E.AttributeReference)) else None) in needed),
                         plan.child)
    return L.Project(tuple(kept), plan)


def _refs(exprs: list[E.Expression]) -> set[int]:
    return set().union(*[e.references() for e in exprs]) if exprs else set()


def _narrow_join(j: L.Join, needed: set[int]) -> L.Join:
    needed = needed | _refs(j.expressions)
    return L.Join(_narrow(j.left, needed), _narrow(j.right, needed), j.join_type, j.condition,
                  j.using, j.broadcast_hint)


def _narrow_windows(w: L.Window, needed: set[int]) -> L.Window:
    """Narrow the input of a chain of windows (not between them: stacked windows with one
    PARTITION BY share an exchange only when nothing separates them)."""
    needed = needed | _refs(w.expressions)
    child = _narrow_windows(w.child, needed) if isinstance(w.child, L.Window) else _narrow(w.child, needed)
    return L.Window(w.window_expressions, w.partition_spec, w.order_spec, child)


def prune_columns(plan: L.LogicalPlan) -> L.LogicalPlan:
    def rule(node: L.LogicalPlan) -> L.LogicalPlan:
        if isinstance(node, L.Aggregate):
            needed = _refs(node.expressions)
            child = _narrow_join(node.child, needed) if isinstance(node.child, L.Join) else node.child
            return L.Aggregate(node.grouping, node.aggregates, _narrow(child, needed))
        if isinstance(node, L.Project) and isinstance(node.child, L.Join):
            return L.Project(node.project_list, _narrow_join(node.child, _refs(list(node.project_list))))
        if isinstance(node, L.Project) and isinstance(node.child, L.Window):
            return L.Project(node.project_list, _narrow_windows(node.child, _refs(list(node.project_list))))
        if isinstance(node, L.Project) and isinstance(node.child, L.Project):
            return L.Project(node.project_list, _narrow(node.child, _refs(list(node.project_list))))
        if isinstance(node, L.Project) and isinstance(node.child, L.Filter) and isinstance(node.child.child, L.Join):
            # A filter that stays above a join (it reads both sides, as a rewritten scalar
            # subquery's comparison does) must not keep the join's unread columns alive.
            f = node.child
            needed = _refs(list(node.project_list)) | f.condition.references()
            return L.Project(node.project_list, L.Filter(f.condition, _narrow_join(f.child, needed)))
        return node

    return plan.transform_down(rule)
