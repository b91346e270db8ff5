"""Subqueries inside expressions, and references from a subquery to its outer query.

``ScalarSubquery`` (``(SELECT max(x) FROM t)``), ``Exists`` and ``InSubquery``
(``k IN (SELECT ...)``) hold an analysed plan. A column of the outer query used inside the
subquery (a correlated reference) is an ``OuterReference``: a leaf, so the subquery's own
operators do not count it among the columns they read.

None of them is ever evaluated: the optimizer's ``rewrite_subqueries`` turns each into joins
and aggregates before planning. ``eval`` says so if that was missed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException, SparkRuntimeException
from ember.sql.expressions.base import ArrowValue, Expression
from ember.sql.expressions.coercion import cast_if_needed, common_type
from ember.sql.expressions.named import AttributeReference, new_expr_id

__all__ = ["OuterReference", "SubqueryExpression", "ScalarSubquery", "Exists", "InSubquery", "ScalarSubqueryValue"]


@dataclass(frozen=True, slots=True)
class OuterReference(Expression):
    """A column of an enclosing query, read inside a correlated subquery."""

    attr: AttributeReference

    @property
    def data_type(self) -> T.DataType:
        return self.attr.data_type

    @property
    def nullable(self) -> bool:
        return self.attr.nullable

    @property
    def foldable(self) -> bool:
        return False

    def to_string(self, ids: bool) -> str:
        return f"outer({self.attr.to_string(ids)})"


@dataclass(frozen=True, slots=True)
class SubqueryExpression(Expression):
    """An expression over the rows of ``plan`` (an analysed logical plan)."""

    plan: Any = field(compare=False, hash=False)  # ember.sql.plan.logical.LogicalPlan
    # Identity of this occurrence: the plan is left out of equality, so the id tells subqueries apart.
    subquery_id: int = field(default_factory=new_expr_id)

    @property
    def foldable(self) -> bool:
        return False

    @property
    def deterministic(self) -> bool:
        return False

    @property
    def correlated(self) -> bool:
        return any(isinstance(e, OuterReference) for node in self.plan.walk() for x in node.expressions
                   for e in x.walk())

    def with_plan(self, plan: Any) -> SubqueryExpression:
        """This subquery over ``plan``, with a new id: equality leaves plans out, so without one
        a tree rewrite would take the node for unchanged and keep the old plan."""
        return dataclasses.replace(self, plan=plan, subquery_id=new_expr_id())

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        raise AnalysisException("INTERNAL_ERROR", f"The subquery {self.sql()} was not rewritten into a join.")


@dataclass(frozen=True, slots=True)
class ScalarSubquery(SubqueryExpression):
    """``(SELECT one_column ...)``: its one value, NULL for no row, an error for several."""

    @property
    def data_type(self) -> T.DataType:
        return self.plan.output[0].data_type

    @property
    def nullable(self) -> bool:
        return True

    def to_string(self, ids: bool) -> str:
        return "scalarsubquery()"


@dataclass(frozen=True, slots=True)
class Exists(SubqueryExpression):
    """``EXISTS (SELECT ...)``: whether the subquery returns any row (never NULL)."""

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    @property
    def nullable(self) -> bool:
        return False

    def to_string(self, ids: bool) -> str:
        return "exists()"


@dataclass(frozen=True, slots=True)
class InSubquery(SubqueryExpression):
    """``(a, b) IN (SELECT x, y ...)``, with SQL's three-valued logic."""

    values: tuple[Expression, ...] = ()

    child_fields = ("values",)

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    @property
    def nullable(self) -> bool:
        return True

    def coerce(self) -> Expression:
        columns = self.plan.output
        if len(columns) != len(self.values):
            raise AnalysisException(
                "DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The number of columns in the "
                f"left hand side of an IN subquery does not match the number of columns in the output of "
                f"subquery. Left hand side columns(length: {len(self.values)}): "
                f"[{', '.join(v.sql() for v in self.values)}], right hand side columns(length: "
                f"{len(columns)}): [{', '.join(c.name for c in columns)}].", "42K09")
        values = []
        for value, column in zip(self.values, columns):
            target = common_type([value.data_type, column.data_type])
            if target is None:
                raise AnalysisException(
                    "DATATYPE_MISMATCH.IN_SUBQUERY_DATA_TYPE_MISMATCH",
                    f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The data type of one or more "
                    f"elements in the left hand side of an IN subquery is not compatible with the data type "
                    f"of the output of the subquery. Mismatched columns: [{value.sql()}, {column.name}].",
                    "42K09")
            values.append(cast_if_needed(value, target))
        return dataclasses.replace(self, values=tuple(values))

    def to_string(self, ids: bool) -> str:
        args = [v.to_string(ids) for v in self.values]
        left = args[0] if len(args) == 1 else f"named_struct({', '.join(args)})"
        return f"({left} IN (listquery()))"


@dataclass(frozen=True, slots=True)
class ScalarSubqueryValue(Expression):
    """The value of a scalar subquery given its row count: an error when the count exceeds one.

    The rewrite of an uncorrelated scalar subquery that is not provably one row aggregates it
    into ``count(*)`` and ``first(value)``; this node raises Spark's error for several rows.
    """

    count: Expression
    value: Expression

    child_fields = ("count", "value")

    @property
    def data_type(self) -> T.DataType:
        return self.value.data_type

    @property
    def nullable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        counts = self.count.eval(batch)
        most = pc.max(counts).as_py() if isinstance(counts, (pa.Array, pa.ChunkedArray)) else counts.as_py()
        if most is not None and most > 1:
            raise SparkRuntimeException(
                "SCALAR_SUBQUERY_TOO_MANY_ROWS",
                "More than one row returned by a subquery used as an expression.", "21000")
        return self.value.eval(batch)

    def to_string(self, ids: bool) -> str:
        return self.value.to_string(ids)
