"""The named stages of a query: analyzed → optimized → physical → executed.

A test (or ``explain``) can stop at any stage. The session's configuration supplies the
optimizer flags, ``spark.sql.shuffle.partitions`` and ``spark.sql.autoBroadcastJoinThreshold``.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import pyarrow as pa

from ember.sql.optimizer import ONCE_RULES, RULES, optimize
from ember.sql.physical.execution import collect_table, execute
from ember.sql.physical.planner import PlannerContext, plan_physical
from ember.sql.plan.logical import LogicalPlan, schema_of

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["QueryExecution"]


class QueryExecution:
    def __init__(self, session: SparkSession, analyzed: LogicalPlan):
        self.session = session
        self.analyzed = analyzed

    @cached_property
    def optimized(self) -> LogicalPlan:
        conf = self.session.conf
        flags = {r.__name__: conf.get(f"spark.ember.optimizer.{r.__name__}", "true").lower() != "false"
                 for r in set(ONCE_RULES + RULES)}
        return optimize(self.analyzed, flags=flags)

    @cached_property
    def physical(self):
        conf = self.session.conf
        ctx = PlannerContext(
            shuffle_partitions=int(conf.get("spark.sql.shuffle.partitions", "200")),
            broadcast_threshold=int(conf.get("spark.sql.autoBroadcastJoinThreshold", str(10 * 1024 * 1024))),
            default_parallelism=self.session.sparkContext.defaultParallelism,
            max_partition_bytes=int(conf.get("spark.sql.files.maxPartitionBytes", str(128 * 1024 * 1024))),
        )
        return plan_physical(self.optimized, ctx)

    def to_rdd(self):
        return execute(self.physical, self.session.sparkContext)

    def to_table(self) -> pa.Table:
        """The result on the driver, with the DataFrame's column names."""
        table = collect_table(self.physical, self.session.sparkContext)
        return table.rename_columns([a.name for a in self.analyzed.output])

    def explain_string(self, extended: bool) -> str:
        physical = "== Physical Plan ==\n" + self.physical.tree_string() + "\n"
        if not extended:
            return physical
        schema = ", ".join(f"{f.name}: {f.dataType.simpleString()}" for f in schema_of(self.analyzed.output))
        return (f"== Analyzed Logical Plan ==\n{schema}\n{self.analyzed.tree_string()}\n\n"
                f"== Optimized Logical Plan ==\n{self.optimized.tree_string()}\n\n{physical}")
