"""``DISTRIBUTE BY``, ``SORT BY`` and ``CLUSTER BY``: how a query's rows are laid out in partitions.

``DISTRIBUTE BY k`` hash-partitions the rows by ``k`` (``spark.sql.shuffle.partitions`` of
them); ``SORT BY k`` sorts each partition, not the whole result; ``CLUSTER BY k`` is both,
ascending. Their keys name columns of the select list.
"""

from __future__ import annotations

from sqlglot import exp

from ember.sql import expressions as E
from ember.sql.analyzer import analyze
from ember.sql.parser.expressions import convert
from ember.sql.plan import logical as L

__all__ = ["organize"]


def _order(o: exp.Expression) -> E.SortOrder:
    if isinstance(o, exp.Ordered):
        return E.SortOrder(convert(o.this), not o.args.get("desc"), o.args.get("nulls_first"))
    return E.SortOrder(convert(o))


def organize(select: exp.Select, plan: L.LogicalPlan) -> L.LogicalPlan:
    """``plan`` with ``select``'s DISTRIBUTE BY / SORT BY / CLUSTER BY applied."""
    cluster, distribute, sort = (select.args.get(k) for k in ("cluster", "distribute", "sort"))
    by = cluster if cluster is not None else distribute
    if by is not None:
        keys = tuple(o.child for o in map(_order, by.expressions))
        plan = analyze(L.RepartitionByExpression(keys, None, plan))
    orders = [_order(o) for o in (cluster or sort).expressions] if (cluster or sort) is not None else []
    if cluster is not None:
        orders = [E.SortOrder(o.child) for o in orders]
    return analyze(L.Sort(tuple(orders), plan, False)) if orders else plan
