"""``df.repartitionById(n, col)``: each row goes to the partition its own integer column names.

The id is taken modulo ``n`` (so a negative or too large id still lands in ``[0, n)``) and a
NULL id goes to partition 0, as in Spark, whose ``direct_shuffle_partition_id`` requires an
``INT`` column. The planner turns the node into an exchange by ``DirectPartitioning``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer.resolve_references import resolve_expression
from ember.sql.errors import AnalysisException
from ember.sql.plan.logical import LogicalPlan

__all__ = ["RepartitionById", "repartition_by_id"]


@dataclass(frozen=True, slots=True)
class RepartitionById(LogicalPlan):
    partition_id: E.Expression
    num_partitions: int
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("partition_id",)

    @property
    def output(self) -> list[E.AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"RepartitionByExpression [direct_shuffle_partition_id({self.partition_id})], {self.num_partitions}"


def repartition_by_id(child: LogicalPlan, num_partitions: int, partition_id: E.Expression) -> RepartitionById:
    """The node, with its id column resolved against ``child`` and checked to be an ``INT``."""
    resolved = resolve_expression(partition_id, child.output, child)
    if not isinstance(resolved.data_type, T.IntegerType):
        shown = resolved.sql()
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"direct_shuffle_partition_id({shown})\" due to data type mismatch: The first "
            f"parameter requires the \"INT\" type, however \"{shown}\" has the type "
            f"\"{resolved.data_type.simpleString().upper()}\".", "42K09")
    return RepartitionById(resolved, num_partitions, child)
