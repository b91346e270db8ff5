"""``CollectMetrics``: aggregates computed over the rows flowing through a plan, on the side.

``df.observe(name, *metrics)`` puts this node over ``df``'s plan. It passes its child's rows
through unchanged; the metrics (aggregate expressions, as in a global ``agg``) are computed in
the same tasks and reported to the driver when the action ends (``sql/physical/observe.py``).
The metrics are resolved against the child when the node is built and checked with Spark's
``INVALID_OBSERVED_METRICS`` rules, so the analyzer has nothing left to do for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ember.sql import expressions as E
from ember.sql.analyzer.resolve_references import resolve_expression
from ember.sql.errors import AnalysisException
from ember.sql.expressions.windows import WindowExpression
from ember.sql.plan.logical import LogicalPlan, bracketed

__all__ = ["CollectMetrics", "collect_metrics"]


@dataclass(frozen=True, slots=True)
class CollectMetrics(LogicalPlan):
    """``child``'s rows, unchanged; ``metrics`` (named aggregates) go to the observation ``name``."""

    name: str
    metrics: tuple[E.Expression, ...]
    child: LogicalPlan
    # The ``Observation`` to complete (None for a metric observed by name only).
    observation: Any = field(default=None, compare=False, hash=False, repr=False)

    child_fields = ("child",)
    expr_fields = ("metrics",)
    aggregates_allowed = True  # checked by ``collect_metrics`` instead of as a projection's would be

    @property
    def output(self) -> list[E.AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"CollectMetrics {self.name}, {bracketed(self.metrics)}"


def _named(e: E.Expression) -> E.Expression:
    return e if isinstance(e, (E.Alias, E.AttributeReference)) else E.Alias.make(e, E.output_name(e))


def _shown(metric: E.Expression) -> str:
    """A metric as Spark's messages quote it: ``sum(a) AS s``, ``(a + sum(a)) AS `(a + sum(a))```."""
    if isinstance(metric, E.Alias):
        name = metric.name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", metric.name) else f"`{metric.name}`"
        return f"{metric.child.sql()} AS {name}"
    return metric.sql()


def _invalid(kind: str, text: str) -> AnalysisException:
    return AnalysisException(f"INVALID_OBSERVED_METRICS.{kind}", f"Invalid observed metrics. {text}", "42K0E")


def _check_metric(metric: E.Expression, e: E.Expression, seen_aggregate: bool = False) -> None:
    """Spark's ``checkMetric``: columns only inside aggregates, no DISTINCT, no windows, and
    nothing nondeterministic outside an aggregate."""
    if isinstance(e, WindowExpression):
        raise _invalid("WINDOW_EXPRESSIONS_UNSUPPORTED", "Window expressions are not allowed in observed metrics, "
                       f"but found: \"{_shown(metric)}\".")
    if isinstance(e, E.AggregateFunction):
        if "(DISTINCT " in e.sql():
            raise _invalid("AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED", "Aggregate expressions with DISTINCT "
                           f"are not allowed in observed metrics, but found: \"{_shown(metric)}\".")
        for c in e.children:
            _check_metric(metric, c, True)
        return
    if isinstance(e, E.AttributeReference) and not seen_aggregate:
        raise _invalid("NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE",
                       f"Attribute \"{_shown(metric)}\" can only be used as an argument to an aggregate function.")
    if not isinstance(e, E.Alias) and not e.deterministic and not seen_aggregate:
        raise _invalid("NON_AGGREGATE_FUNC_ARG_IS_NON_DETERMINISTIC", f"Non-deterministic expression "
                       f"\"{_shown(metric)}\" can only be used as an argument to an aggregate function.")
    for c in e.children:
        _check_metric(metric, c, seen_aggregate)


def _metrics_text(node: CollectMetrics) -> list[str]:
    return [_shown(m) for m in node.metrics]


def collect_metrics(name: str, exprs: list[E.Expression], child: LogicalPlan, observation: Any) -> CollectMetrics:
    """A checked ``CollectMetrics`` node of ``exprs`` (unresolved column expressions) over ``child``."""
    metrics = tuple(_named(resolve_expression(e, child.output, child)) for e in exprs)
    for m in metrics:
        _check_metric(m, m)
    node = CollectMetrics(name, metrics, child, observation)
    for other in child.walk():
        if isinstance(other, CollectMetrics) and other.name == name and _metrics_text(other) != _metrics_text(node):
            raise AnalysisException(
                "DUPLICATED_METRICS_NAME", f"The metric name is not unique: {name}. The same name cannot be used "
                "for metrics with different results.\nHowever multiple instances of metrics with with same result "
                "and name are allowed (e.g. self-joins).", "42710")
    return node
