"""``col.outer()``: a column of an enclosing query, named inside a DataFrame used as a subquery.

The DataFrame holding it cannot know the enclosing query yet, so the reference stays a leaf
that analysis leaves alone (its column is not a child, so nothing resolves it against the
DataFrame's own columns). When the DataFrame becomes a subquery — ``lateralJoin``, or a
``scalar()``/``exists()`` column used in another DataFrame — ``resolve_lazy_outer`` resolves
each against the enclosing query's columns into ``OuterReference``s, which the optimizer's
decorrelation already understands. Used anywhere else it is an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression
from ember.sql.expressions.named import AttributeReference
from ember.sql.expressions.subquery import OuterReference

__all__ = ["LazyOuterReference", "has_lazy_outer", "resolve_lazy_outer"]


@dataclass(frozen=True, slots=True)
class LazyOuterReference(Expression):
    """``column`` (unresolved) of the query this one will be a subquery of."""

    column: Expression  # not a child: it names a column of another query

    @property
    def resolved(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        raise _outside_subquery(self)

    @property
    def nullable(self) -> bool:
        return True

    @property
    def foldable(self) -> bool:
        return False

    def eval(self, batch: Any) -> ArrowValue:
        raise _outside_subquery(self)

    def to_string(self, ids: bool) -> str:
        return f"outer({self.column.to_string(ids)})"


def _outside_subquery(ref: LazyOuterReference) -> AnalysisException:
    """Spark's error for an ``outer()`` column no enclosing query resolved: it names no column here."""
    from ember.sql.analyzer.suggestions import unresolved_column

    return unresolved_column(ref.column.sql(), [])


def has_lazy_outer(plan: Any) -> bool:
    """Whether ``plan`` (a logical plan) names columns of an enclosing query."""
    return any(isinstance(n, LazyOuterReference) for node in plan.walk() for e in node.expressions for n in e.walk())


def resolve_lazy_outer(plan: Any, outer: list[AttributeReference], outer_plan: Any) -> Any:
    """``plan`` re-analysed with its ``outer()`` columns resolved against ``outer``."""
    from ember.sql.analyzer import analyze
    from ember.sql.analyzer.resolve_references import resolve_expression

    def resolve(e: Expression) -> Expression:
        if not isinstance(e, LazyOuterReference):
            return e
        found = resolve_expression(e.column, outer, outer_plan)
        return found.transform_up(lambda n: OuterReference(n) if isinstance(n, AttributeReference) else n)

    return analyze(plan.transform_up(lambda node: node.map_expressions(lambda x: x.transform_up(resolve))))
