"""Remove constant truth values from boolean logic, and filters that are always true.

Before: ``Filter(true AND (a > 1))``; after: ``Filter(a > 1)``. ``NOT NOT x`` becomes ``x``.
Conjuncts common to both sides of an OR move out of it, as Spark's ``BooleanSimplification``
does: ``(k = j AND a) OR (k = j AND b)`` becomes ``k = j AND (a OR b)`` (so that ``k = j``
can be a join key, as in TPC-H Q19); it holds in three-valued logic.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.plan import logical as L


def _is(e: E.Expression, value: bool) -> bool:
    return isinstance(e, E.Literal) and e.value is value


def _factor_common_conjuncts(e: E.Or) -> E.Expression:
    if not e.deterministic:
        return e
    left, right = E.split_conjuncts(e.left), E.split_conjuncts(e.right)
    common = [c for c in left if c in right]
    if not common:
        return e
    left_rest = [c for c in left if c not in common]
    right_rest = [c for c in right if c not in common]
    if not left_rest or not right_rest:
        return E.conjoin(common)  # x OR (x AND y) is x
    return E.And(E.conjoin(common), E.Or(E.conjoin(left_rest), E.conjoin(right_rest)))


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
        return _factor_common_conjuncts(e)
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
