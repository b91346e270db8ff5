"""Checks that a resolved plan makes sense, with Spark's error classes."""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.grouping import Grouping, GroupingID, misplaced_grouping
from ember.sql.plan import logical as L

__all__ = ["check_node"]


def _outside_aggregates(e: E.Expression) -> list[E.Expression]:
    """The parts of ``e`` that are evaluated per group, not per row of the group."""
    if isinstance(e, E.AggregateFunction):
        return []
    if not e.children:
        return [e]
    return [e] + [x for c in e.children for x in _outside_aggregates(c)]


def _check_aggregate(node: L.Aggregate) -> None:
    grouping = set(node.grouping)
    grouping_ids = {g.expr_id for g in node.grouping if isinstance(g, E.AttributeReference)}
    for item in node.aggregates:
        body = item.child if isinstance(item, E.Alias) else item
        stack = [body]
        while stack:
            e = stack.pop()
            if e in grouping or isinstance(e, E.AggregateFunction):
                continue
            if isinstance(e, E.AttributeReference) and e.expr_id not in grouping_ids:
                if not node.grouping:
                    raise AnalysisException(
                        "MISSING_GROUP_BY", "The query does not include a GROUP BY clause. Add GROUP BY or turn "
                        "it into the window functions using OVER clauses.", "42803")
                raise AnalysisException(
                    "MISSING_AGGREGATION",
                    f"The non-aggregating expression \"{e.sql()}\" is based on columns which are not "
                    "participating in the GROUP BY clause.\nAdd the columns or the expression to the GROUP BY, "
                    f"aggregate the expression, or use \"any_value({e.sql()})\" if you do not care which of the values "
                    "within a group is returned.",
                    "42803",
                )
            for agg in (n for n in e.children):
                if isinstance(agg, E.AggregateFunction) and any(
                        isinstance(x, E.AggregateFunction) for c in agg.children for x in c.walk()):
                    raise AnalysisException("NESTED_AGGREGATE_FUNCTION", "It is not allowed to use an aggregate "
                                            "function in the argument of another aggregate function.", "42607")
            stack.extend(e.children)


def _check_references(node: L.LogicalPlan) -> None:
    available = {a.expr_id for c in node.children for a in c.output}
    for e in node.expressions:
        missing = [n for n in e.walk() if isinstance(n, E.AttributeReference) and n.expr_id not in available]
        if missing:
            raise AnalysisException(
                "MISSING_ATTRIBUTES.RESOLVED_ATTRIBUTE_APPEAR_IN_OPERATION",
                f"Resolved attribute(s) {', '.join(str(m) for m in missing)} missing from "
                f"{', '.join(str(a) for c in node.children for a in c.output)} in operator "
                f"{node.node_string()}. Attribute(s) with the same name appear in the operation; the column "
                "probably comes from a different DataFrame.",
            )


def check_node(node: L.LogicalPlan) -> None:
    _check_references(node)
    if any(isinstance(n, (Grouping, GroupingID)) for e in node.expressions for n in e.walk()):
        raise misplaced_grouping()
    if isinstance(node, L.Filter) and not isinstance(node.condition.data_type, (T.BooleanType, T.NullType)):
        raise AnalysisException(
            "DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN",
            f"Cannot resolve \"{node.condition.sql()}\" due to data type mismatch: Filter expression "
            f"\"{node.condition.sql()}\" of type \"{node.condition.data_type.simpleString().upper()}\" is not a boolean.",
        )
    if isinstance(node, L.Aggregate):
        _check_aggregate(node)
    if not isinstance(node, L.Aggregate) and not getattr(node, "aggregates_allowed", False):
        for e in node.expressions:
            if E.has_aggregate_outside_windows(e):
                raise AnalysisException(
                    "INVALID_WHERE_CONDITION" if isinstance(node, L.Filter) else "UNSUPPORTED_EXPR_FOR_OPERATOR",
                    f"Aggregate function \"{e.sql()}\" is not allowed in {type(node).__name__}.",
                )
    if isinstance(node, L.Union):
        widths = {len(c.output) for c in node.inputs}
        if len(widths) > 1:
            raise AnalysisException(
                "NUM_COLUMNS_MISMATCH",
                f"UNION can only be performed on inputs with the same number of columns, but the inputs "
                f"have {sorted(widths)} columns.",
            )
