"""Move window expressions out of select lists into ``Window`` nodes (Spark's ``ExtractWindowExpressions``).

Before: ``Project[k, rank() OVER (PARTITION BY k ORDER BY v) AS r] <- t``;
after: ``Project[k, _w0 AS r] <- Window[rank() OVER (...) AS _w0], [k], [v ASC NULLS FIRST] <- t``.

Window expressions with the same PARTITION BY and ORDER BY share one ``Window`` node (one
exchange and one sort); each distinct pair gets its own node, stacked in order of appearance.

In an aggregate query the aggregate runs first, then the windows: everything a window
expression reads that is not itself windowed (``sum(v)`` in ``rank() OVER (ORDER BY sum(v))``,
a grouping column in its PARTITION BY, the argument of ``sum(sum(v)) OVER w``) becomes an extra
output of the ``Aggregate``, and the final ``Project`` keeps only the select list:
``Project[k, _w0 AS r] <- Window[rank() OVER (ORDER BY _a0) AS _w0] <- Aggregate[k][k, sum(v) AS _a0] <- t``.

Anywhere else (WHERE, GROUP BY, ORDER BY, join conditions) a window function is an error, as
in Spark (ORDER BY may name a windowed select item by its alias).
"""

from __future__ import annotations

from typing import Callable

from ember.sql import expressions as E
from ember.sql.analyzer.check_analysis import check_node
from ember.sql.errors import AnalysisException
from ember.sql.expressions.windows import WindowExpression, has_window, window_function_outside_over, without_over
from ember.sql.plan import logical as L

__all__ = ["extract_windows", "window_not_allowed", "window_in_operator"]


def window_not_allowed(clause: str) -> AnalysisException:
    return AnalysisException("WINDOW_FUNCTION_NOT_ALLOWED_IN_CLAUSE",
                             f"It is not allowed to use window functions inside {clause} clause.", "42601")


def window_in_operator(operator: str) -> AnalysisException:
    return AnalysisException("UNSUPPORTED_EXPR_FOR_OPERATOR", f"The query operator {operator} contains one or more "
                             "unsupported expressions.", "42K0E")


def _check_no_window_in_aggregates(items: tuple[E.Expression, ...]) -> None:
    for item in items:
        for node in item.walk():
            if isinstance(node, E.AggregateFunction) and any(has_window(c) for c in node.children):
                raise AnalysisException("_LEGACY_ERROR_TEMP_1031", "It is not allowed to use a window function "
                                        "inside an aggregate function. Please use the inner window function in a "
                                        "sub-query.")


def _replace_windows(item: E.Expression, windows: dict[WindowExpression, E.Alias],
                     other: Callable[[E.Expression], E.Expression | None]) -> E.Expression:
    """``item`` with each window expression replaced by its output attribute (new ones are
    added to ``windows``) and each node that ``other`` maps replaced by what it returns."""
    def visit(e: E.Expression) -> E.Expression:
        if isinstance(e, WindowExpression):
            if e not in windows:
                windows[e] = E.Alias.make(e, f"_w{len(windows)}")
            return windows[e].to_attribute()
        replaced = other(e)
        return e if replaced is None else replaced

    if isinstance(item, E.Alias):
        return E.Alias(item.child.transform_down(visit), item.name, item.expr_id, item.explicit_metadata)
    return item.transform_down(visit)


def _stack_windows(windows: list[E.Alias], child: L.LogicalPlan) -> L.LogicalPlan:
    groups: dict[tuple, list[E.Alias]] = {}
    for alias in windows:
        spec = alias.child.spec
        groups.setdefault((spec.partition, spec.orders), []).append(alias)
    plan = child
    for (partition, orders), aliases in groups.items():
        plan = L.Window(tuple(aliases), partition, orders, plan)
        check_node(plan)
    return plan


def _from_project(node: L.Project) -> L.LogicalPlan:
    windows: dict[WindowExpression, E.Alias] = {}
    items = tuple(_replace_windows(item, windows, lambda e: None) for item in node.project_list)
    return L.Project(items, _stack_windows(list(windows.values()), node.child))


class _AggregateOutputs:
    """The extra ``Aggregate`` outputs that window expressions read, one per distinct expression."""

    def __init__(self, grouping: tuple[E.Expression, ...]) -> None:
        self.grouping = set(grouping)
        self.aliases: dict[E.Expression, E.Alias] = {}

    def lift(self, e: E.Expression) -> E.Expression | None:
        if isinstance(e, (E.AggregateFunction, E.AttributeReference)) or e in self.grouping:
            if e not in self.aliases:
                self.aliases[e] = E.Alias.make(e, f"_a{len(self.aliases)}")
            return self.aliases[e].to_attribute()
        return None

    def lift_all(self, e: E.Expression) -> E.Expression:
        return e.transform_down(lambda x: self.lift(x) or x)

    def window_inputs(self, w: WindowExpression) -> WindowExpression:
        """``w`` reading the aggregate's outputs: its function stays, what the function reads is lifted."""
        fn = w.function.with_new_children([self.lift_all(c) for c in w.function.children])
        return WindowExpression(fn, w.spec.with_new_children([self.lift_all(c) for c in w.spec.children]))


def _from_aggregate(node: L.Aggregate) -> L.LogicalPlan:
    if any(has_window(g) for g in node.grouping):
        raise window_not_allowed("GROUP BY")
    outputs = _AggregateOutputs(node.grouping)
    windows: dict[WindowExpression, E.Alias] = {}
    kept: list[E.Expression] = []
    items: list[E.Expression] = []
    for item in node.aggregates:
        if has_window(item):
            items.append(_replace_windows(item, windows, outputs.lift))
        else:
            kept.append(item)
            items.append(item.to_attribute() if isinstance(item, E.Alias) else item)
    lifted = [E.Alias(outputs.window_inputs(w.child), w.name, w.expr_id) for w in windows.values()]
    aggregate = L.Aggregate(node.grouping, tuple(kept) + tuple(outputs.aliases.values()), node.child)
    check_node(aggregate)
    return L.Project(tuple(items), _stack_windows(lifted, aggregate))


def extract_windows(node: L.LogicalPlan) -> L.LogicalPlan:
    """Run on a resolved node; returns it unchanged when it has no window expressions."""
    for e in node.expressions:
        bare = window_function_outside_over(e)
        if bare is not None:
            raise without_over(bare)
    if isinstance(node, L.Window):
        return node
    if isinstance(node, L.Project) and any(has_window(e) for e in node.project_list):
        _check_no_window_in_aggregates(node.project_list)
        return _from_project(node)
    if isinstance(node, L.Aggregate) and any(has_window(e) for e in node.expressions):
        _check_no_window_in_aggregates(node.aggregates)
        return _from_aggregate(node)
    if any(has_window(e) for e in node.expressions):
        if isinstance(node, L.Filter):
            raise window_not_allowed("WHERE")
        raise window_in_operator(type(node).__name__)
    return node
