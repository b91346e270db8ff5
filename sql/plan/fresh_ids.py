"""``with_fresh_ids(plan)``: the same plan whose every attribute has a new ``expr_id``.

Attributes are identified by id, so two references to one table in a query (a self-join, a
CTE used twice, a subquery over the table its outer query reads) must not share ids, or a
condition such as ``l1.k = l2.k`` could not say which side it means. SQL gives each table
reference its own instance, as Spark's analyzer does when it deduplicates relations.

Ids are defined by leaves (fields holding attributes that are not expressions of the node)
and by ``Alias``; every reference above is renamed through one mapping, plans inside
subquery expressions included.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ember.sql import expressions as E
from ember.sql.plan import logical as L

__all__ = ["with_fresh_ids"]


def with_fresh_ids(plan: L.LogicalPlan) -> L.LogicalPlan:
    return _Renamer().plan(plan)


class _Renamer:
    def __init__(self) -> None:
        self.ids: dict[int, int] = {}

    def _define(self, attr: E.AttributeReference) -> E.AttributeReference:
        new_id = self.ids.setdefault(attr.expr_id, E.new_expr_id())
        return dataclasses.replace(attr, expr_id=new_id)

    def expression(self, expr: E.Expression) -> E.Expression:
        def rename(e: E.Expression) -> E.Expression:
            if isinstance(e, E.AttributeReference):
                return dataclasses.replace(e, expr_id=self.ids.get(e.expr_id, e.expr_id))
            if isinstance(e, E.Alias):
                return dataclasses.replace(e, expr_id=self.ids.setdefault(e.expr_id, E.new_expr_id()))
            if isinstance(e, E.OuterReference):
                return E.OuterReference(self.expression(e.attr))
            if isinstance(e, E.SubqueryExpression):
                return e.with_plan(self.plan(e.plan))
            return e

        return expr.transform_up(rename)

    def _field(self, value: Any) -> Any:
        if isinstance(value, E.AttributeReference):
            return self._define(value)
        if isinstance(value, tuple) and value and all(isinstance(v, E.AttributeReference) for v in value):
            return tuple(self._define(v) for v in value)
        return value

    def _node(self, node: L.LogicalPlan) -> L.LogicalPlan:
        skip = set(node.child_fields) | set(node.expr_fields)
        updates = {f.name: self._field(getattr(node, f.name)) for f in dataclasses.fields(node)
                   if f.name not in skip}
        updates = {k: v for k, v in updates.items() if v is not getattr(node, k)}
        if isinstance(node, L.FileScan) and node.pushed_filters:
            updates["pushed_filters"] = tuple(self.expression(e) for e in node.pushed_filters)
        node = dataclasses.replace(node, **updates) if updates else node
        return node.map_expressions(self.expression)

    def plan(self, plan: L.LogicalPlan) -> L.LogicalPlan:
        return plan.transform_up(self._node)
