"""Move filters towards the data: below projections and into the sides of joins.

Before: ``Filter(x > 1) <- Project[a AS x] <- t``; after: ``Project[a AS x] <- Filter(a > 1) <- t``.
Before: ``Filter(l.a = 1 AND r.b = 2) <- Join(l, r)``; after: ``Join(Filter(l.a = 1) <- l, Filter(r.b = 2) <- r)``
(for the sides whose rows an outer join does not pad with NULLs).
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.plan import logical as L


def _through_project(f: L.Filter, p: L.Project) -> L.LogicalPlan:
    if not all(e.deterministic for e in p.project_list):
        return f
    aliases = {a.expr_id: a.child for a in p.project_list if isinstance(a, E.Alias)}
    if any(isinstance(n, E.AggregateFunction) for a in aliases.values() for n in a.walk()):
        return f
    condition = f.condition.transform_up(
        lambda e: aliases.get(e.expr_id, e) if isinstance(e, E.AttributeReference) else e)
    return L.Project(p.project_list, L.Filter(condition, p.child))


def _into_join(f: L.Filter, j: L.Join) -> L.LogicalPlan:
    left_ok = j.join_type in ("inner", "cross", "left", "left_semi", "left_anti")
    right_ok = j.join_type in ("inner", "cross", "right")
    left_ids, right_ids = j.left.output_set, j.right.output_set
    to_left, to_right, keep = [], [], []
    for c in E.split_conjuncts(f.condition):
        refs = c.references()
        if left_ok and refs and refs <= left_ids and c.deterministic:
            to_left.append(c)
        elif right_ok and refs and refs <= right_ids and c.deterministic:
            to_right.append(c)
        else:
            keep.append(c)
    if not to_left and not to_right:
        return f
    left = L.Filter(E.conjoin(to_left), j.left) if to_left else j.left
    right = L.Filter(E.conjoin(to_right), j.right) if to_right else j.right
    joined = L.Join(left, right, j.join_type, j.condition, j.using, j.broadcast_hint)
    return L.Filter(E.conjoin(keep), joined) if keep else joined


def push_down_predicates(plan: L.LogicalPlan) -> L.LogicalPlan:
    def rule(node: L.LogicalPlan) -> L.LogicalPlan:
        if isinstance(node, L.Filter):
            if isinstance(node.child, L.Project):
                return _through_project(node, node.child)
            if isinstance(node.child, L.Join):
                return _into_join(node, node.child)
        return node

    return plan.transform_down(rule)
