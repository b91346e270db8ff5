"""Remove constant truth values from boolean logic, and filters that are always true.

Before: ``Filter(true AND (a > 1))``; after: ``Filter(a > 1)``. ``NOT NOT x`` becomes ``x``.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.plan import logical as L


def _is(e: E.Expression, value: bool) -> bool:
    return isinstance(e, E.Literal) and e.value is value


def _simplify(e: E.Expression) -> E.Expression:
    if isinstance(e, E.And):
        if _is(e.left, True):
            return e.right
        if _is(e.right, True):
            return e.left
        if _is(e.left, False) or _is(e.right, False):
            return E.Literal(False, e.data_type)
    if isinstance(e, E.Or):
        if _is(e.left, False):
            return e.right
        if _is(e.right, False):
            return e.left
        if _is(e.left, True) or _is(e.right, True):
            return E.Literal(True, e.data_type)
    if isinstance(e, E.Not) and isinstance(e.child, E.Not):
        return e.child.child
    return e


def simplify_booleans(plan: L.LogicalPlan) -> L.LogicalPlan:
    def rule(node: L.LogicalPlan) -> L.LogicalPlan:
        node = node.map_expressions(lambda e: e.transform_up(_simplify))
        if isinstance(node, L.Filter) and _is(node.condition, True):
            return node.child
        return node

    return plan.transform_up(rule)
